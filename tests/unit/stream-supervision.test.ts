import { describe, expect, it } from 'vitest';
import type { StreamStatus } from '../../shared/contract';
import { ManualClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { DEFAULT_SUPERVISION, StreamWorker, type Viewer } from '../../electron/core/streams/worker';
import {
  explainFfmpegError,
  ffmpegProblem,
  ffmpegArgs,
  DEFAULT_PROFILES,
  MIN_FFMPEG_MAJOR,
  parseFfmpegVersion,
  resolveFfmpeg,
  type FfmpegVersion,
} from '../../electron/core/streams/ffmpeg';
import { inspectPacket, TsPacketizer } from '../../electron/core/streams/mpegts';
import { streamsFromEnv } from '../../electron/core/config';
import { fakeSpawner, flush, tsPacket } from '../support/fake-ffmpeg';

function setup(settings = DEFAULT_SUPERVISION) {
  const clock = new ManualClock(1_000_000);
  const fake = fakeSpawner();
  const statuses: StreamStatus[] = [];
  const worker = new StreamWorker({
    cameraId: 'cam-01',
    profile: 'sub',
    command: 'ffmpeg',
    args: ['-i', 'x'],
    spawn: fake.spawn,
    clock,
    log: silentLogger,
    settings,
    onStatus: (s) => statuses.push(s),
  });
  const states = () => statuses.map((s) => s.state).filter((s, i, all) => s !== all[i - 1]);
  return { clock, fake, worker, statuses, states };
}

function viewer(queued = () => 0): Viewer & { received: Buffer[] } {
  const received: Buffer[] = [];
  return { waitingForKey: true, dropped: 0, received, send: (d) => (received.push(d), queued()) };
}

describe('stream supervision (fake ffmpeg, simulated time)', () => {
  it('goes connecting → live on the first picture and reports fps', async () => {
    const { clock, fake, worker, states } = setup();
    worker.start();
    expect(states()).toEqual(['connecting']);
    for (let i = 0; i < 10; i++) {
      fake.processes[0]!.write(i % 5 === 0 ? 'keyframe' : 'picture', 'continuation');
      await flush();
      clock.advance(100);
    }
    expect(states()).toEqual(['connecting', 'live']);
    expect(worker.status().fps).toBeGreaterThan(5);
    expect(worker.status().lastFrameAt).toBeDefined();
  });

  it('does not read a start-up burst of frames as a huge rate', async () => {
    const { clock, fake, worker } = setup();
    worker.start();
    // A cached GOP or ffmpeg's start: twelve pictures within a few milliseconds of going live.
    for (let i = 0; i < 12; i++) {
      fake.processes[0]!.write(i === 0 ? 'keyframe' : 'picture', 'continuation');
      await flush();
    }
    clock.advance(5);
    // Over at least a second: 12 frames read as 12 fps, never as 2,400.
    expect(worker.status().fps).toBe(12);
  });

  it('restarts after ANY exit, exit code 0 included, and says the camera ended the stream', async () => {
    const { clock, fake, worker, states } = setup();
    worker.start();
    fake.processes[0]!.write('keyframe');
    await flush();
    fake.processes[0]!.exit(0);
    expect(states()).toEqual(['connecting', 'live', 'offline']);
    const status = worker.status();
    expect(status.error).toBe('the camera ended the stream');
    expect(status.reason).toEqual({ code: 'ended' });
    expect(status.offlineSince).toBe(clock.now());
    expect(status.retryAt).toBe(clock.now() + 500);
    clock.advance(500);
    expect(fake.processes).toHaveLength(2);
  });

  it('backs off exponentially to a cap while a camera stays down, and keeps trying', () => {
    const { clock, fake, worker } = setup();
    worker.start();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const before = clock.now();
      fake.processes.at(-1)!.stderr.write('Connection refused');
      fake.processes.at(-1)!.exit(1);
      delays.push(worker.status().retryAt! - before);
      clock.advance(worker.status().retryAt! - before);
    }
    expect(delays).toEqual([500, 1000, 2000, 3000, 3000, 3000, 3000, 3000]);
    expect(fake.processes).toHaveLength(9);
    expect(worker.status().state).toBe('offline');
  });

  it('keeps the offline-since time across retries and clears it when live again', async () => {
    const { clock, fake, worker } = setup();
    worker.start();
    fake.processes[0]!.exit(1);
    const since = worker.status().offlineSince;
    clock.advance(500);
    fake.processes[1]!.exit(1);
    expect(worker.status().offlineSince).toBe(since);
    clock.advance(1000);
    fake.processes[2]!.write('keyframe');
    await flush();
    expect(worker.status()).toMatchObject({ state: 'live' });
    expect(worker.status().offlineSince).toBeUndefined();
  });

  it('marks a stream that stops sending as stalled within 5 s, kills ffmpeg and restarts it', async () => {
    const { clock, fake, worker, states } = setup();
    worker.start();
    fake.processes[0]!.write('keyframe');
    await flush();
    clock.advance(3000);
    expect(worker.status().state).toBe('live');
    clock.advance(1000);
    expect(states()).toEqual(['connecting', 'live', 'stalled', 'offline']);
    expect(fake.processes[0]!.signals).toEqual(['SIGTERM']);
    clock.advance(500);
    expect(fake.processes).toHaveLength(2);
  });

  it('stop sends SIGTERM, then SIGKILL to an ffmpeg that ignores it', async () => {
    const { clock, fake, worker } = setup();
    worker.start();
    fake.processes[0]!.ignoreSigterm = true;
    const stopped = worker.stop();
    expect(fake.processes[0]!.signals).toEqual(['SIGTERM']);
    clock.advance(2000);
    await stopped;
    expect(fake.processes[0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(worker.status().state).toBe('idle');
    clock.advance(60_000);
    expect(fake.processes).toHaveLength(1); // no restart after stop
  });

  it('a viewer joins at a keyframe, and one that falls behind skips to the next keyframe', async () => {
    const { fake, worker } = setup();
    let queued = 0;
    const slow = viewer(() => queued);
    worker.viewers.add(slow);
    worker.start();
    const p = fake.processes[0]!;
    p.write('picture', 'continuation');
    await flush();
    expect(slow.received).toHaveLength(0);
    p.write('continuation', 'keyframe', 'continuation');
    await flush();
    expect(slow.received[0]!.length).toBe(2 * 188);
    expect(inspectPacket(slow.received[0]!.subarray(0, 188)).keyframe).toBe(true);
    queued = 10 * 1024 * 1024; // the viewer's socket backs up
    p.write('picture');
    await flush();
    const before = slow.received.length;
    p.write('picture', 'picture', 'continuation');
    await flush();
    expect(slow.received.length).toBe(before);
    expect(slow.dropped).toBe(2 + 3); // 2 before its first keyframe, 3 while behind
    queued = 0;
    p.write('keyframe', 'picture');
    await flush();
    expect(slow.received.length).toBe(before + 1);
  });
});

describe('ffmpeg command and messages', () => {
  it('puts input options before -i and asks for MPEG-1 in MPEG-TS on stdout', () => {
    const args = ffmpegArgs({ url: 'rtsp://u:p@cam/1', transport: 'tcp' }, DEFAULT_PROFILES.main, 5);
    const i = args.indexOf('-i');
    expect(args.indexOf('-rtsp_transport')).toBeLessThan(i);
    expect(args[args.indexOf('-rtsp_transport') + 1]).toBe('tcp');
    expect(args.indexOf('-timeout')).toBeLessThan(i);
    expect(args.indexOf('-probesize')).toBeLessThan(i);
    expect(args.slice(i + 1)).toEqual(expect.arrayContaining(['mpegts', 'mpeg1video', '-bf', '0', 'pipe:1']));
    expect(ffmpegArgs({ url: 'rtsp://c/1', transport: 'udp' }, DEFAULT_PROFILES.sub, 4)).toEqual(
      expect.arrayContaining(['udp', '-stimeout', '-strict', 'unofficial']),
    );
  });

  it('caps both profiles at CONSOLE_STREAM_FPS, keyframes as often, and ignores a value out of range', () => {
    const capped = streamsFromEnv({ CONSOLE_STREAM_FPS: '5' })?.profiles;
    expect(capped?.main).toEqual({ fps: 5, gop: 5 });
    expect(capped?.sub).toEqual({ fps: 5, gop: 5 });
    // Never above the defaults: 20 lowers main, leaves sub at its 15.
    expect(streamsFromEnv({ CONSOLE_STREAM_FPS: '20' })?.profiles?.sub).toEqual({
      fps: DEFAULT_PROFILES.sub.fps,
      gop: DEFAULT_PROFILES.sub.gop,
    });
    for (const bad of ['', '0', '26', '2.5', 'fast', undefined])
      expect(streamsFromEnv({ CONSOLE_STREAM_FPS: bad })).toBeUndefined();
    const args = ffmpegArgs(
      { url: 'synthetic:testsrc2', transport: 'tcp' },
      { ...DEFAULT_PROFILES.sub, ...capped?.sub },
      6,
    );
    expect(args).toContain('testsrc2=size=320x180:rate=5');
  });

  it('turns ffmpeg errors into plain words', () => {
    expect(explainFfmpegError('[rtsp @ 0x] method DESCRIBE failed: 401 Unauthorized')).toMatch(
      /authentication failed/,
    );
    expect(explainFfmpegError('rtsp://a:b@10.0.0.9: Connection refused')).toMatch(/refused the connection/);
    expect(explainFfmpegError('Connection to tcp://10.0.0.9:554 failed: Connection timed out')).toMatch(
      /timed out/,
    );
    expect(explainFfmpegError('Output file #0 does not contain any stream')).toMatch(/no video track/);
    expect(explainFfmpegError('something else')).toBeUndefined();
    // The same, as codes the page words in the operator's language.
    expect(ffmpegProblem('rtsp://a:b@10.0.0.9: Connection refused')?.code).toBe('refused');
    expect(ffmpegProblem('[rtsp @ 0x] method DESCRIBE failed: 404 Not Found')?.code).toBe('notFound');
  });

  it('finds ffmpeg: setting, then FFMPEG_PATH, then a maintained system ffmpeg, then the bundled one with a warning', () => {
    const versions: Record<string, FfmpegVersion> = {
      '/usr/bin/ffmpeg': { version: '5.1.9-0+deb12u1', major: 5 },
      '/old/bin/ffmpeg': { version: '4.3.8-0+deb11u1', major: 4 },
      '/bundled/ffmpeg': { version: 'N-47683-g0e8eb07980-static', major: 4 },
      '/opt/ff': { version: '7.1', major: 7 },
    };
    const finder = (system: string | undefined, bundled: string | undefined) => ({
      probe: (path: string) => versions[path],
      bundled: () => bundled,
      onPath: () => system,
    });
    expect(
      resolveFfmpeg('/opt/ff', { FFMPEG_PATH: '/x' }, finder('/usr/bin/ffmpeg', '/bundled/ffmpeg')),
    ).toEqual({
      path: '/opt/ff',
      source: 'setting',
      version: '7.1',
      major: 7,
    });
    expect(
      resolveFfmpeg(undefined, { FFMPEG_PATH: '/x' }, finder('/usr/bin/ffmpeg', undefined)),
    ).toMatchObject({
      path: '/x',
      source: 'FFMPEG_PATH',
    });
    const system = resolveFfmpeg(undefined, {}, finder('/usr/bin/ffmpeg', '/bundled/ffmpeg'));
    expect(system).toEqual({
      path: '/usr/bin/ffmpeg',
      source: 'system',
      version: '5.1.9-0+deb12u1',
      major: 5,
    });
    const old = resolveFfmpeg(undefined, {}, finder('/old/bin/ffmpeg', '/bundled/ffmpeg'));
    expect(old).toMatchObject({ path: '/bundled/ffmpeg', source: 'bundled', major: 4 });
    expect(old.warning).toMatch(/2018 build.*\/old\/bin\/ffmpeg, 4\.3\.8.*older than 5\.0/);
    expect(resolveFfmpeg(undefined, {}, finder(undefined, '/bundled/ffmpeg')).warning).toMatch(
      /no ffmpeg on PATH/,
    );
    expect(resolveFfmpeg(undefined, {}, finder('/old/bin/ffmpeg', undefined))).toMatchObject({
      path: '/old/bin/ffmpeg',
      source: 'PATH',
      warning: expect.stringMatching(/using it anyway/),
    });
    expect(resolveFfmpeg(undefined, {}, finder(undefined, undefined))).toMatchObject({
      path: 'ffmpeg',
      source: 'PATH',
    });
  });

  it('reads the release series from release and git builds, and finds this machine’s ffmpeg', () => {
    expect(
      parseFfmpegVersion(
        'ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026\nlibavformat    59. 27.100 / 59. 27.100',
      ),
    ).toEqual({ version: '5.1.9-0+deb12u1', major: 5 });
    expect(
      parseFfmpegVersion(
        'ffmpeg version N-47683-g0e8eb07980-static https://x\nlibavformat    58. 17.101 / 58. 17.101',
      ),
    ).toEqual({ version: 'N-47683-g0e8eb07980-static', major: 4 });
    // The real thing: whatever this machine has is found, and its version read (Debian 12 here: 5.1, "system").
    const real = resolveFfmpeg(undefined, { PATH: process.env.PATH });
    expect(real.major).toBeGreaterThanOrEqual(4);
    if (real.source === 'system') expect(real.major).toBeGreaterThanOrEqual(MIN_FFMPEG_MAJOR);
    else expect(real.warning).toBeTruthy();
  });

  it('packetizer reassembles packets split across chunks and resyncs after garbage', () => {
    const t = new TsPacketizer();
    const a = tsPacket('keyframe');
    expect(t.push(Buffer.concat([Buffer.from([1, 2, 3]), a.subarray(0, 100)]))).toHaveLength(0);
    const out = t.push(Buffer.concat([a.subarray(100), tsPacket('picture')]));
    expect(out.map((p) => inspectPacket(p))).toEqual([
      { pictureStart: true, keyframe: true },
      { pictureStart: true, keyframe: false },
    ]);
  });
});
