import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import WebSocket from 'ws';
import type { StreamStatus } from '../../shared/contract';
import type { CameraDef } from '../../shared/domain/site';
import { StreamGateway } from '../../electron/core/streams/gateway';
import { inspectPacket } from '../../electron/core/streams/mpegts';
import { systemClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { requireRtspServer, startRtspServer, type RtspServer } from '../support/rtsp-camera';
import { requireFfmpeg } from '../support/tools';
import { tempDir } from '../support/temp';
import { until } from '../support/until';
import { alive } from '../support/processes';

function camera(id: string, main: string, sub?: string): CameraDef {
  return { id, name: id, streams: { main, ...(sub ? { sub } : {}) }, transport: 'tcp' };
}

describe('video gateway with real ffmpeg', () => {
  let tmp: ReturnType<typeof tempDir>;
  let gateway: StreamGateway | undefined;
  const statuses: StreamStatus[] = [];
  const latest = (key: string) => statuses.filter((s) => `${s.cameraId}/${s.profile}` === key).at(-1);

  const start = async (cameras: CameraDef[], idleStopMs = 5000) => {
    gateway = new StreamGateway({
      cameras,
      clock: systemClock,
      log: silentLogger,
      workDir: tmp.dir,
      idleStopMs,
      onStatus: (s) => statuses.push(...s),
    });
    await gateway.start();
    return gateway;
  };
  const watch = (g: StreamGateway, path: string) => {
    const ws = new WebSocket(`${g.url}/${path}?token=${g.token}`);
    const chunks: Buffer[] = [];
    ws.on('message', (d: Buffer) => chunks.push(d));
    return { ws, chunks, bytes: () => chunks.reduce((n, c) => n + c.length, 0) };
  };

  beforeEach(() => {
    requireFfmpeg();
    tmp = tempDir();
    statuses.length = 0;
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    tmp.cleanup();
  });

  it('serves a synthetic camera: live status with fps, data that starts at a keyframe, fan-out from one ffmpeg', async () => {
    const g = await start([camera('demo', 'synthetic:testsrc2')]);
    const a = watch(g, 'demo/sub');
    const b = watch(g, 'demo/sub');
    await until('live', () => latest('demo/sub')?.state === 'live');
    await until('both receive', () => a.bytes() > 20_000 && b.bytes() > 20_000);
    expect(inspectPacket(a.chunks[0]!.subarray(0, 188)).keyframe).toBe(true);
    expect(inspectPacket(b.chunks[0]!.subarray(0, 188)).keyframe).toBe(true);
    expect(g.pids()).toHaveLength(1);
    await until('fps measured', () => (g.statuses()[0]?.fps ?? 0) > 5);
    expect(g.statuses()[0]).toMatchObject({ state: 'live', viewers: 2 });
    a.ws.close();
    b.ws.close();
  });

  it('refuses a viewer without the token or for an unknown camera', async () => {
    const g = await start([camera('demo', 'synthetic:testsrc2')]);
    const status = (url: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
      });
    expect(await status(`${g.url}/demo/sub`)).toBe(401);
    expect(await status(`${g.url}/demo/sub?token=wrong`)).toBe(401);
    expect(await status(`${g.url}/nobody/sub?token=${g.token}`)).toBe(404);
    expect(await status(`${g.url}/demo/huge?token=${g.token}`)).toBe(404);
  });

  it('stops ffmpeg after the last viewer leaves, and leaves none behind after 200 start/stop cycles', async () => {
    const g = await start([camera('demo', 'synthetic:testsrc2')], 0);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const detach = g.subscribe('demo', i % 2 ? 'main' : 'sub', {
        waitingForKey: true,
        dropped: 0,
        send: () => 0,
      });
      for (const pid of g.pids()) seen.add(pid);
      detach();
      await until(`cycle ${i} stopped`, () => g.pids().length === 0, 10_000, 2);
    }
    expect(seen.size).toBe(200);
    await until('no ffmpeg left', () => [...seen].every((pid) => !alive(pid)), 20_000);
  }, 60_000);

  it('a host killed with SIGKILL leaves no ffmpeg behind (ffmpeg dies on the closed pipe)', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/support/gateway-host.ts', 'synthetic:testsrc2'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const pids = await until(
      'ffmpeg running',
      () => {
        const m = /PIDS (\d+),(\d+)/.exec(out);
        return m ? [Number(m[1]), Number(m[2])] : undefined;
      },
      20_000,
    );
    expect(pids.every(alive)).toBe(true);
    child.kill('SIGKILL');
    await until('ffmpeg gone', () => pids.every((pid) => !alive(pid)), 10_000);
  }, 40_000);
});

describe('video gateway against a real RTSP camera (GStreamer)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let rtsp: RtspServer | undefined;
  let gateway: StreamGateway | undefined;
  const statuses: StreamStatus[] = [];

  beforeEach(async (ctx) => {
    const tool = requireRtspServer();
    if (!tool.available) return ctx.skip();
    tmp = tempDir();
    statuses.length = 0;
    rtsp = await startRtspServer({ cameras: 2 });
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    await rtsp?.stop();
    tmp?.cleanup();
  });

  it('goes live, shows offline with a reason when the camera dies, and is live again when it returns', async () => {
    gateway = new StreamGateway({
      cameras: [camera('door', rtsp!.url('/cam1'), rtsp!.url('/cam1/sub'))],
      clock: systemClock,
      log: silentLogger,
      workDir: tmp.dir,
      onStatus: (s) => statuses.push(...s),
    });
    await gateway.start();
    const ws = new WebSocket(`${gateway.url}/door/main?token=${gateway.token}`);
    let bytes = 0;
    ws.on('message', (d: Buffer) => (bytes += d.length));
    const state = () => gateway!.statuses()[0]?.state;
    await until('live', () => state() === 'live', 20_000);
    await until('video flowing', () => bytes > 50_000, 10_000);

    await rtsp!.stop();
    await until('offline', () => state() === 'offline', 15_000);
    const offline = gateway.statuses()[0]!;
    expect(offline.offlineSince).toBeDefined();
    expect(offline.error).toBeTruthy();
    expect(offline.error).not.toContain('@'); // no credentials, ever

    await rtsp!.restart();
    const back = Date.now();
    await until('live again', () => state() === 'live', 20_000);
    console.log(`recovered ${Date.now() - back} ms after the camera returned`);
    ws.close();
  }, 90_000);

  it('keeps retrying a camera that was down at start-up', async () => {
    const url = rtsp!.url('/cam2');
    await rtsp!.stop();
    gateway = new StreamGateway({
      cameras: [camera('late', url)],
      clock: systemClock,
      log: silentLogger,
      workDir: tmp.dir,
      onStatus: (s) => statuses.push(...s),
    });
    await gateway.start();
    const ws = new WebSocket(`${gateway.url}/late/main?token=${gateway.token}`);
    ws.on('message', () => undefined);
    await until('offline', () => gateway!.statuses()[0]?.state === 'offline', 15_000);
    await until('retried a few times', () => (gateway!.statuses()[0]?.restarts ?? 0) >= 2, 15_000);
    await rtsp!.restart();
    await until('live once it appears', () => gateway!.statuses()[0]?.state === 'live', 20_000);
    ws.close();
  }, 60_000);
});
