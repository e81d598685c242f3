/**
 * The H.264 passthrough path (issue 16) without a browser: SPS → codec string and size, NAL splitting bounds,
 * ffmpeg's MPEG-TS → one framed access unit per message, the GOP cache's bounds, the gateway serving the cached
 * GOP to a late viewer and refusing an H.265 stream (the page's choice of player: tests/renderer/codec-path.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock, systemClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { StreamGateway } from '../../electron/core/streams/gateway';
import { MAX_NALS_PER_AU, parseSps, splitNals } from '../../electron/core/streams/h264';
import {
  GopCache,
  PassthroughFramer,
  passthroughArgs,
  type StreamUnit,
} from '../../electron/core/streams/passthrough';
import { DEFAULT_SUPERVISION, StreamWorker } from '../../electron/core/streams/worker';
import {
  decodeVideoFrame,
  encodeVideoFrame,
  MAX_ACCESS_UNIT,
  parseRefusal,
  type DecodedVideoFrame,
} from '../../shared/domain/video-frame';
import { fakeSpawner, flush } from '../support/fake-ffmpeg';
import { accessUnit, pes, SPS_SAMPLES, tables, tsStream } from '../support/ts-builder';
import { until } from '../support/until';

const frameOf = (u: StreamUnit) => decodeVideoFrame(u.data)!;

describe('SPS → codec string and picture size', () => {
  it.each(SPS_SAMPLES)('reads $codec at $width×$height (libx264)', (s) => {
    const info = parseSps(Buffer.from(s.hex, 'hex'));
    expect(info).toMatchObject({ codec: s.codec, width: s.width, height: s.height });
  });

  it('refuses what is not an SPS, a truncated one and an absurd size', () => {
    const good = Buffer.from(SPS_SAMPLES[1].hex, 'hex');
    expect(parseSps(Buffer.from('68ce3c80', 'hex'))).toBeUndefined(); // a PPS
    expect(parseSps(good.subarray(0, 6))).toBeUndefined();
    expect(parseSps(Buffer.alloc(2000, 0x67))).toBeUndefined();
    // pic_width_in_mbs_minus1 as a 31-zero exp-Golomb code: a width in the billions, not a picture.
    expect(parseSps(Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0x80, 0x80, 0, 0, 0, 0, 1, 0xff]))).toBeUndefined();
  });
});

describe('NAL units', () => {
  it('splits 3- and 4-byte start codes and drops trailing zeros', () => {
    const au = Buffer.from([0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x65, 1, 2, 0, 0]);
    expect(splitNals(au)?.map((n) => n.toString('hex'))).toEqual(['09f0', '650102']);
  });

  it('refuses data without a leading start code and more units than a picture has', () => {
    expect(splitNals(Buffer.from([1, 2, 3, 0, 0, 1, 0x65]))).toBeUndefined();
    const many = Buffer.concat(
      Array.from({ length: MAX_NALS_PER_AU + 1 }, () => Buffer.from([0, 0, 1, 0x41])),
    );
    expect(splitNals(many)).toBeUndefined();
  });
});

describe('video frame messages', () => {
  it('round-trip the header and refuse malformed ones', () => {
    const info = {
      key: true,
      cached: false,
      width: 1920,
      height: 1080,
      codec: 'avc1.640028',
      pts: 1_040_000,
      receivedAt: 1.5e12,
    };
    const bytes = encodeVideoFrame(info, new Uint8Array([0, 0, 0, 1, 0x65]));
    const back = decodeVideoFrame(bytes)!;
    expect({ ...back, data: [...back.data] }).toEqual({ ...info, data: [0, 0, 0, 1, 0x65] });
    expect(decodeVideoFrame(bytes.subarray(0, 20))).toBeUndefined();
    const badFlags = bytes.slice();
    badFlags[1] = 9;
    expect(decodeVideoFrame(badFlags)).toBeUndefined();
    const longCodec = bytes.slice();
    longCodec[6] = 200;
    expect(decodeVideoFrame(longCodec)).toBeUndefined();
    expect(parseRefusal('{"refused":"codec","codec":"hevc"}')).toEqual({ refused: 'codec', codec: 'hevc' });
    expect(parseRefusal('{"refused":"nope"}')).toBeUndefined();
  });
});

describe('passthrough framer (ffmpeg MPEG-TS → one message per access unit)', () => {
  it('gives one key-marked frame per PES with codec, size and PTS, however the bytes are chunked', () => {
    const stream = tsStream(10, 5);
    for (const chunk of [1, 97, 188, 1000, stream.length]) {
      const codecs: string[] = [];
      const framer = new PassthroughFramer({ onCodec: (c) => codecs.push(c), now: () => 42 });
      const units: StreamUnit[] = [];
      for (let i = 0; i < stream.length; i += chunk)
        units.push(...framer.push(stream.subarray(i, i + chunk)));
      expect(codecs).toEqual(['h264']);
      expect(units.map((u) => u.keyframe)).toEqual([
        true,
        false,
        false,
        false,
        false,
        true,
        false,
        false,
        false,
        false,
      ]);
      const frames = units.map(frameOf);
      expect(frames[0]).toMatchObject({
        codec: 'avc1.42c01e',
        width: 640,
        height: 360,
        pts: 1_000_000,
        receivedAt: 42,
      });
      expect(frames[1]!.pts).toBe(1_040_000);
      expect(framer.dropped).toBe(0);
    }
  });

  it('names an H.265 stream and frames none of it', () => {
    const codecs: string[] = [];
    const framer = new PassthroughFramer({ onCodec: (c) => codecs.push(c), now: () => 0 });
    expect(framer.push(tsStream(5, 5, 200, 0x24))).toEqual([]);
    expect(codecs).toEqual(['hevc']);
  });

  it('puts the last SPS/PPS before a keyframe that came without them', () => {
    const framer = new PassthroughFramer({ onCodec: () => undefined, now: () => 0 });
    const bare = Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from([0x65, 0x88, 1, 2, 3])]);
    const units = framer.push(Buffer.concat([tables(), pes(accessUnit(true), 0), pes(bare, 3600)]));
    expect(units).toHaveLength(2);
    const second = frameOf(units[1]!);
    expect(second.key).toBe(true);
    expect(splitNals(Buffer.from(second.data))!.map((n) => n[0]! & 0x1f)).toEqual([7, 8, 5]);
  });

  it('drops pictures before the first SPS and a PES longer than the bound', () => {
    const framer = new PassthroughFramer({ onCodec: () => undefined, now: () => 0 });
    expect(framer.push(Buffer.concat([tables(), pes(accessUnit(false), 0)]))).toEqual([]);
    const huge = Buffer.concat([Buffer.from([0, 0, 0, 1, 0x65]), Buffer.alloc(MAX_ACCESS_UNIT + 10, 1)]);
    expect(framer.push(Buffer.concat([pes(huge, 3600), pes(accessUnit(true), 7200)]))).toHaveLength(1);
    expect(framer.dropped).toBeGreaterThanOrEqual(2);
  });

  it('copies the video only, into MPEG-TS with PES lengths', () => {
    const args = passthroughArgs({ url: 'rtsp://cam/1', transport: 'tcp' }, 5);
    expect(args.join(' ')).toContain('-c:v copy -f mpegts');
    expect(args).toContain('-an');
    expect(args.join(' ')).toContain('-omit_video_pes_length 0');
    expect(args.indexOf('-rtsp_transport')).toBeLessThan(args.indexOf('-i'));
  });
});

describe('GOP cache', () => {
  const unit = (keyframe: boolean, size: number): StreamUnit => ({
    data: Buffer.from(
      encodeVideoFrame(
        { key: keyframe, cached: false, width: 1, height: 1, codec: '', pts: 0, receivedAt: 0 },
        new Uint8Array(size),
      ),
    ),
    picture: true,
    keyframe,
  });

  it('holds the pictures from the last keyframe, starts again at the next one and marks what it replays', () => {
    const cache = new GopCache(10_000);
    cache.add(unit(false, 100)); // before any keyframe: useless to a new viewer
    expect(cache.length).toBe(0);
    cache.add(unit(true, 100));
    cache.add(unit(false, 100));
    expect(cache.length).toBe(2);
    cache.add(unit(true, 100));
    expect(cache.length).toBe(1);
    const replay = cache.replay().map((b) => decodeVideoFrame(b)!);
    expect(replay.map((f) => [f.key, f.cached])).toEqual([[true, true]]);
  });

  it('lets a GOP go when it outgrows its bound, until the next keyframe', () => {
    const cache = new GopCache(1000);
    cache.add(unit(true, 400));
    cache.add(unit(false, 400));
    expect(cache.bytes).toBeLessThanOrEqual(1000);
    cache.add(unit(false, 400));
    expect(cache.length).toBe(0);
    cache.add(unit(false, 10));
    expect(cache.length).toBe(0);
    cache.add(unit(true, 10));
    expect(cache.length).toBe(1);
    expect(cache.bytes).toBeLessThanOrEqual(1000);
  });
});

describe('passthrough worker and gateway (fake ffmpeg)', () => {
  it('a viewer joining mid-GOP gets the GOP so far at once, then the live pictures', async () => {
    const clock = new ManualClock(1_000_000);
    const fake = fakeSpawner();
    const worker = new StreamWorker({
      cameraId: 'cam',
      profile: 'main',
      path: 'passthrough',
      command: 'ffmpeg',
      args: [],
      spawn: fake.spawn,
      clock,
      log: silentLogger,
      settings: DEFAULT_SUPERVISION,
      onStatus: () => undefined,
      framer: () => new PassthroughFramer({ onCodec: () => undefined, now: () => clock.now() }),
      gopCacheBytes: 1 << 20,
    });
    worker.start();
    const stream = tsStream(8, 25);
    fake.processes[0]!.stdout.write(stream.subarray(0, stream.length - 188 * 2));
    await flush();
    expect(worker.status().state).toBe('live');
    expect(worker.key).toBe('cam/main/h264');
    expect(worker.status().path).toBe('passthrough');
    const received: DecodedVideoFrame[] = [];
    worker.addViewer({
      waitingForKey: true,
      dropped: 0,
      send: (d) => (received.push(decodeVideoFrame(d)!), 0),
    });
    expect(received.length).toBeGreaterThanOrEqual(6);
    expect(received[0]).toMatchObject({ key: true, cached: true });
    expect(received.every((f) => f.cached)).toBe(true);
    fake.processes[0]!.stdout.write(stream.subarray(stream.length - 188 * 2));
    fake.processes[0]!.stdout.write(pes(accessUnit(false), 90_000 + 8 * 3600));
    await flush();
    expect(received.at(-1)).toMatchObject({ key: false, cached: false });
    await worker.stop();
  });

  it('serves /<camera>/<profile>/h264 and refuses it for an H.265 stream, a forced JSMpeg camera and a synthetic one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passthrough-'));
    const fake = fakeSpawner();
    const gateway = new StreamGateway({
      cameras: [
        { id: 'cam', name: 'cam', streams: { main: 'rtsp://127.0.0.1:1/cam' }, transport: 'tcp' },
        { id: 'hevc', name: 'hevc', streams: { main: 'rtsp://127.0.0.1:1/hevc' }, transport: 'tcp' },
        {
          id: 'forced',
          name: 'f',
          streams: { main: 'rtsp://127.0.0.1:1/f' },
          transport: 'tcp',
          video: { codec: 'auto', player: 'jsmpeg' },
        },
        { id: 'demo', name: 'd', streams: { main: 'synthetic:testsrc2' }, transport: 'tcp' },
      ],
      clock: systemClock,
      log: silentLogger,
      workDir: dir,
      spawn: fake.spawn,
      idleStopMs: 50,
      onStatus: () => undefined,
    });
    await gateway.start();
    const open = (path: string) => {
      const ws = new WebSocket(`${gateway.url}${path}?token=${gateway.token}`);
      const messages: (Buffer | string)[] = [];
      ws.on('message', (data: Buffer, binary: boolean) => messages.push(binary ? data : data.toString()));
      const closed = new Promise<void>((r) => ws.once('close', () => r()));
      return { ws, messages, closed };
    };
    try {
      const h264 = open('/cam/main/h264');
      await until('passthrough ffmpeg started', () => fake.processes.length === 1);
      expect(fake.processes[0]!.args).toContain('copy');
      fake.processes[0]!.stdout.write(tsStream(3, 25));
      await until('three frames', () => h264.messages.length === 3);
      expect(decodeVideoFrame(h264.messages[0] as Buffer)).toMatchObject({ key: true, codec: 'avc1.42c01e' });
      h264.ws.close();

      const hevc = open('/hevc/main/h264');
      await until('second ffmpeg', () => fake.processes.length === 2);
      fake.processes[1]!.stdout.write(tsStream(3, 25, 200, 0x24));
      await hevc.closed;
      expect(hevc.messages).toEqual(['{"refused":"codec","codec":"hevc"}']);
      // Known now: the next viewer is told at once, with no ffmpeg started.
      const again = open('/hevc/main/h264');
      await again.closed;
      expect(again.messages).toEqual(['{"refused":"codec","codec":"hevc"}']);
      const forced = open('/forced/main/h264');
      await forced.closed;
      expect(forced.messages).toEqual(['{"refused":"setting"}']);
      const demo = open('/demo/sub/h264');
      await demo.closed;
      expect(demo.messages).toEqual(['{"refused":"synthetic"}']);
      expect(fake.processes).toHaveLength(2);
    } finally {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
