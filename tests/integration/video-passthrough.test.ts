/**
 * The passthrough streams (issue 16) with real ffmpeg and GStreamer RTSP cameras: the camera's H.264 arrives as one
 * framed access unit per message with the codec string and size read from its SPS, a late viewer gets the GOP so
 * far first, and an H.265 camera is refused with the reason the page needs to fall back to JSMpeg.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { systemClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { StreamGateway } from '../../electron/core/streams/gateway';
import { decodeVideoFrame, type DecodedVideoFrame } from '../../shared/domain/video-frame';
import { requireRtspServer, startRtspServer, type RtspServer } from '../support/rtsp-camera';
import { tempDir } from '../support/temp';
import { requireFfmpeg } from '../support/tools';
import { until } from '../support/until';

describe('passthrough streams with real ffmpeg', () => {
  let tmp: ReturnType<typeof tempDir>;
  let rtsp: RtspServer;
  let gateway: StreamGateway;

  beforeAll(async () => {
    requireFfmpeg();
    requireRtspServer();
    tmp = tempDir();
    rtsp = await startRtspServer({ cameras: 1, gop: 50, hevcMount: true });
    gateway = new StreamGateway({
      cameras: [
        { id: 'cam', name: 'cam', streams: { main: rtsp.url('/cam1') }, transport: 'tcp' },
        { id: 'hevc', name: 'hevc', streams: { main: rtsp.url('/hevc') }, transport: 'tcp' },
      ],
      clock: systemClock,
      log: silentLogger,
      workDir: tmp.dir,
      onStatus: () => undefined,
    });
    await gateway.start();
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await rtsp?.stop();
    tmp?.cleanup();
  });

  const watch = (path: string) => {
    const ws = new WebSocket(`${gateway.url}/${path}?token=${gateway.token}`);
    const frames: DecodedVideoFrame[] = [];
    const texts: string[] = [];
    ws.on('message', (d: Buffer, binary: boolean) => {
      if (!binary) texts.push(d.toString());
      else {
        const f = decodeVideoFrame(d);
        if (f) frames.push(f);
      }
    });
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    return { ws, frames, texts, closed };
  };

  it('copies the H.264 camera: a keyframe first, its codec string and size, 25 pictures a second, a PTS each', async () => {
    const a = watch('cam/main/h264');
    await until('a second of pictures', () => a.frames.length >= 30, 20_000);
    const first = a.frames[0]!;
    expect(first).toMatchObject({ key: true, width: 640, height: 360 });
    expect(first.codec).toMatch(/^avc1\.42[0-9a-f]{4}$/);
    const pts = a.frames.map((f) => f.pts);
    expect(pts.slice(1).every((p, i) => p > pts[i]!)).toBe(true);
    await until(
      'fps reported',
      () => (gateway.statuses().find((s) => s.path === 'passthrough')?.fps ?? 0) > 20,
    );
    expect(gateway.pids()).toHaveLength(1);

    // A viewer joining mid-GOP: the GOP so far at once (key first, marked cached), then the live pictures, from
    // the same ffmpeg.
    const b = watch('cam/main/h264');
    await until('the cached GOP and live pictures', () => b.frames.some((f) => !f.cached), 10_000);
    expect(b.frames[0]).toMatchObject({ key: true, cached: true });
    expect(gateway.pids()).toHaveLength(1);
    a.ws.close();
    b.ws.close();
  }, 40_000);

  it('refuses an H.265 camera with its codec, so the page plays it as MPEG-1', async () => {
    const h = watch('hevc/main/h264');
    await h.closed;
    expect(h.texts).toEqual(['{"refused":"codec","codec":"hevc"}']);
    expect(h.frames).toEqual([]);
    const again = watch('hevc/main/h264');
    await again.closed;
    expect(again.texts).toEqual(['{"refused":"codec","codec":"hevc"}']);
  }, 40_000);
});
