import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamStatus } from '../../../shared/contract';
import type { CameraDef } from '../../../shared/domain/site';
import { tracked } from '../../common/children';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { StreamWorker, type Spawner, type SupervisionSettings } from '../streams/worker';
import { dayFolder, segmentPattern } from './files';

/**
 * ffmpeg names segments with strftime in local time: the recorder runs it in UTC so the names are UTC whatever
 * the machine's zone (POSIX `UTC0` is understood by glibc and the Windows C runtime alike).
 */
export const recorderSpawn: Spawner = (command, args) =>
  tracked(
    spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      env: { ...process.env, TZ: 'UTC0' },
    }),
  );

export interface RecorderArgs {
  url: string;
  transport: 'tcp' | 'udp';
  root: string;
  camera: string;
  segmentSec: number;
  major: number | undefined;
}

/**
 * The recorder's command line: the camera's H.264 copied (no re-encoding) into fragmented-MP4 segments cut on
 * the wall clock, each playable up to its last complete group of pictures if ffmpeg is killed (guide/video.md
 * A, recommendation (a); `flush_packets=1` only works inside `segment_format_options`). Stdout carries both the
 * `-progress` report (liveness) and the segment list (a segment is closed when its line arrives). A synthetic
 * demo camera has no H.264 to copy: it is encoded small and fast, as a camera would send it.
 */
export function recorderArgs(o: RecorderArgs): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-progress', 'pipe:1'];
  if (o.major === undefined || o.major >= 5) args.push('-stats_period', '0.5');
  if (o.url.startsWith('synthetic:')) {
    const pattern = o.url.slice('synthetic:'.length).replace(/[^a-z0-9]/gi, '') || 'testsrc2';
    args.push('-re', '-f', 'lavfi', '-i', `${pattern}=size=320x180:rate=10`);
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '20');
    args.push('-pix_fmt', 'yuv420p');
  } else {
    if (/^rtsps?:/i.test(o.url)) {
      args.push('-rtsp_transport', o.transport);
      if (o.major !== undefined) args.push(o.major >= 5 ? '-timeout' : '-stimeout', '10000000');
    } else {
      args.push('-rw_timeout', '10000000');
    }
    args.push('-fflags', '+genpts+discardcorrupt', '-avoid_negative_ts', 'make_zero', '-i', o.url);
    args.push('-c:v', 'copy');
  }
  args.push(
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-f',
    'segment',
    '-segment_time',
    String(o.segmentSec),
    '-segment_atclocktime',
    '1',
    '-segment_format',
    'mp4',
    '-segment_format_options',
    'movflags=+frag_keyframe+empty_moov+default_base_moof:flush_packets=1',
    '-reset_timestamps',
    '1',
    '-strftime',
    '1',
    '-segment_list',
    'pipe:1',
    '-segment_list_type',
    'csv',
    segmentPattern(o.root, o.camera),
  );
  return args;
}

/** A closed segment as the segment list reports it: its file name and its length in seconds. */
export interface ClosedSegment {
  name: string;
  seconds: number;
}

/**
 * Reads the recorder's stdout: `frame=N` lines of the progress report count pictures, `name.mp4,start,end` lines
 * of the segment list close segments. Both are written whole (one flush each), so lines never interleave.
 */
export function recorderOutput(onClosed: (s: ClosedSegment) => void): () => (chunk: Buffer) => number {
  return () => {
    let rest = '';
    let frames = 0;
    return (chunk) => {
      const lines = (rest + chunk.toString('latin1')).split('\n');
      rest = lines.pop() ?? '';
      let pictures = 0;
      for (const line of lines) {
        const frame = /^frame=(\d+)/.exec(line);
        if (frame) {
          const n = Number(frame[1]);
          pictures += Math.max(0, n - frames);
          frames = n;
          continue;
        }
        const seg = /^([^,/\\]+\.mp4),([\d.]+),([\d.]+)\s*$/.exec(line);
        if (seg) onClosed({ name: seg[1]!, seconds: Math.max(0, Number(seg[3]) - Number(seg[2])) });
      }
      return pictures;
    };
  };
}

export interface CameraRecorderOptions {
  camera: CameraDef;
  root: string;
  segmentSec: number;
  ffmpeg: string;
  major: number | undefined;
  spawn: Spawner;
  clock: Clock;
  log: Logger;
  settings: SupervisionSettings;
  onClosed(camera: string, segment: ClosedSegment): void;
  onStatus(status: StreamStatus): void;
}

/**
 * One camera's recorder: one ffmpeg (a second connection to the camera today; sharing the live gateway's is
 * left for when the gateway copies H.264), supervised by the live streams' own StreamWorker.
 */
export class CameraRecorder {
  readonly worker: StreamWorker;
  private dayTimer: unknown;

  constructor(private readonly o: CameraRecorderOptions) {
    this.worker = new StreamWorker({
      cameraId: o.camera.id,
      profile: 'main',
      command: o.ffmpeg,
      args: recorderArgs({
        url: o.camera.streams.main,
        transport: o.camera.transport,
        root: o.root,
        camera: o.camera.id,
        segmentSec: o.segmentSec,
        major: o.major,
      }),
      spawn: o.spawn,
      clock: o.clock,
      log: o.log,
      settings: o.settings,
      onStatus: o.onStatus,
      output: recorderOutput((s) => o.onClosed(o.camera.id, s)),
    });
  }

  start(): void {
    // ffmpeg's segment muxer creates no folders: today's and tomorrow's exist before midnight comes.
    this.makeDays();
    this.dayTimer = this.o.clock.setInterval(() => this.makeDays(), 60_000);
    this.worker.start();
  }

  async stop(): Promise<void> {
    this.o.clock.clearInterval(this.dayTimer);
    await this.worker.stop();
  }

  private makeDays(): void {
    const now = this.o.clock.now();
    for (const t of [now, now + 86_400_000]) {
      try {
        mkdirSync(join(this.o.root, this.o.camera.id, dayFolder(t)), { recursive: true });
      } catch (err) {
        this.o.log.error('recording folder could not be made', { error: (err as Error).message });
      }
    }
  }
}
