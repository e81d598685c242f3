import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { tracked } from '../../common/children';
import { PRIVATE_FILE_MODE } from '../../common/private-files';

export interface PlayPiece {
  /** Absolute path of a segment, from the index (never from a request). */
  file: string;
  start: number;
  /** Undefined for the segment still being written: read as far as it goes. */
  end: number | undefined;
}

export interface Playback {
  stream: Readable;
  stop(): void;
}

/** A concat-demuxer list: each file with an in-point on the first and an out-point on the last. */
export function concatList(pieces: readonly PlayPiece[], from: number, to: number): string {
  const quote = (p: string) => `'${p.replaceAll("'", "'\\''")}'`;
  return pieces
    .map((p, i) => {
      const lines = [`file ${quote(p.file)}`];
      if (i === 0 && from > p.start) lines.push(`inpoint ${((from - p.start) / 1000).toFixed(3)}`);
      if (i === pieces.length - 1 && p.end !== undefined && to < p.end)
        lines.push(`outpoint ${((to - p.start) / 1000).toFixed(3)}`);
      return lines.join('\n');
    })
    .join('\n')
    .concat('\n');
}

/** ffmpeg reading a concat list and copying its video as it is (no re-encoding): replay's and exports' input. */
export function concatCopyArgs(list: string): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', list].concat([
    '-map',
    '0:v:0',
    '-c',
    'copy',
  ]);
}

/** MP4 fragmented as it is written (playable while it streams), for the replay player. */
const STREAMED_MP4 = ['-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', 'pipe:1'];

/** ffmpeg with these input and copy arguments, its MP4 on stdout; `cleanup` runs once it has exited. */
export function pipeMp4(
  ffmpeg: string,
  args: readonly string[],
  cleanup: () => void = () => undefined,
): Playback {
  const child = tracked(
    spawn(ffmpeg, [...args, ...STREAMED_MP4], {
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    }),
  );
  child.once('exit', cleanup);
  child.once('error', cleanup);
  return {
    stream: child.stdout,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * Streams [from, to) of a camera's recording as one fragmented MP4 made by `-c copy` through the concat demuxer
 * (no re-encoding): it starts at the keyframe before `from`, so the first picture is whole.
 */
export function playSegments(
  ffmpeg: string,
  workDir: string,
  pieces: readonly PlayPiece[],
  from: number,
  to: number,
): Playback {
  mkdirSync(workDir, { recursive: true });
  const list = join(workDir, `play-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(list, concatList(pieces, from, to), { mode: PRIVATE_FILE_MODE });
  return pipeMp4(ffmpeg, concatCopyArgs(list), () => rmSync(list, { force: true }));
}
