import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClipExport, OperatorView, RecordingList } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { probeSeconds } from '../../electron/core/recordings/store';
import { startCore } from '../support/core';
import { requireRtspServer, startRtspServer, type RtspServer } from '../support/rtsp-camera';
import { camerasWithStreams, writeDemoSite } from '../support/site';
import { tempDir } from '../support/temp';
import { requireFfmpeg } from '../support/tools';
import { FakeNvr } from '../simulators/nvr';

const operator: OperatorView = { id: 'op', name: '李明', role: 'operator' };
const supervisor: OperatorView = { id: 'sup', name: '王芳', role: 'supervisor' };
const DAY = 86_400_000;

/**
 * Cameras recorded on an NVR: the console reads the NVR's search (a fake NVR written from the vendors' API
 * descriptions) and pulls playback by time from a real RTSP server (GStreamer) at the vendor's URL form.
 */
describe.each(['hikvision', 'dahua'] as const)('NVR playback and search: %s', (vendor) => {
  let tmp: ReturnType<typeof tempDir>;
  let rtsp: RtspServer | undefined;
  let nvr: FakeNvr | undefined;
  let core: ConsoleCore | undefined;
  // Whole seconds: the NVR's URLs and answers carry seconds.
  const now = Math.floor(Date.now() / 1000) * 1000;
  // Ten days kept, a gap of an hour yesterday, recording up to now.
  const spans = [
    { start: now - 10 * DAY, end: now - DAY },
    { start: now - DAY + 3_600_000, end: now + 60_000 },
  ];

  beforeEach(async (ctx) => {
    requireFfmpeg();
    if (!requireRtspServer().available) return ctx.skip();
    tmp = tempDir();
    rtsp = await startRtspServer({ cameras: 1, width: 320, height: 180, fps: 10, nvr: true });
    nvr = new FakeNvr({
      vendor,
      spans,
      channel: vendor === 'hikvision' ? 101 : 1,
      // The Dahua NVR keeps Shanghai time and runs 30 s fast: the console must ask in its terms.
      ...(vendor === 'dahua' ? { clock: { kind: 'local', timeZone: 'Asia/Shanghai', offsetSec: 30 } } : {}),
    });
    await nvr.start();
    const sitePath = writeDemoSite(tmp.dir, (site) => {
      site.timeZone = 'Asia/Shanghai';
      site.cameras = camerasWithStreams(site.cameras ?? [], [{ main: 'synthetic:testsrc2' }], {
        record: { requiredDays: 30 },
        nvr: {
          vendor,
          host: '127.0.0.1',
          rtspPort: rtsp!.port,
          httpPort: nvr!.port,
          channel: 1,
          username: 'admin',
          password: 'nvr12345',
          ...(vendor === 'dahua' ? { clockOffsetSec: 30 } : {}),
        },
      });
    });
    core = await startCore(tmp.dir, {
      sitePath,
      dbFile: join(tmp.dir, 'console.sqlite'),
      recordings: { freeSpace: () => Promise.resolve(1e12) },
    });
  });
  afterEach(async () => {
    await core?.stop();
    core = undefined;
    await nvr?.stop();
    await rtsp?.stop();
    tmp?.cleanup();
  });

  const call = async <T>(who: OperatorView, method: string, input: unknown) =>
    (await core!.router.call(method, input, core!.openSession('memory', who))) as
      | { ok: true; value: T }
      | { ok: false; error: { code: string; reason?: string; params?: Record<string, unknown> } };

  it("lists the NVR's coverage with its gap and oldest recording; the console does not record the camera itself", async () => {
    const r = await call<RecordingList>(operator, 'recordings.list', {
      cameraId: 'cam-01',
      from: now - DAY,
      to: now,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ source: 'nvr', recording: false, oldest: now - 10 * DAY });
    expect(r.value.coverage).toEqual([{ start: now - DAY + 3_600_000, end: now }]);
    // Digest: challenged once, then every request signed.
    expect(nvr!.challenges).toBeGreaterThanOrEqual(1);
    expect(nvr!.requests.length).toBeGreaterThan(0);
    expect(core!.recordings.pids().size).toBe(0);
  });

  it("plays a range pulled from the NVR by time, asking in the NVR's own clock", async () => {
    const from = now - 120_000;
    const playback = await core!.recordings.play('cam-01', from, 3);
    expect(playback).toBeDefined();
    const chunks: Buffer[] = [];
    for await (const chunk of playback!.stream) chunks.push(chunk as Buffer);
    const file = join(tmp.dir, 'replay.mp4');
    writeFileSync(file, Buffer.concat(chunks));
    const seconds = await probeSeconds('ffprobe', file);
    expect(seconds).toBeGreaterThanOrEqual(2.5);
    expect(seconds).toBeLessThanOrEqual(3.6);
    const asked = rtsp!.requests().at(-1) ?? '';
    // What the NVR's clock showed: UTC for the Hikvision, Shanghai time 30 s fast for the Dahua.
    const shown = (t: number) => {
      const d = new Date(t + (vendor === 'dahua' ? 30_000 + 8 * 3_600_000 : 0));
      const p = (n: number) => String(n).padStart(2, '0');
      return [
        d.getUTCFullYear(),
        p(d.getUTCMonth() + 1),
        p(d.getUTCDate()),
        p(d.getUTCHours()),
        p(d.getUTCMinutes()),
        p(d.getUTCSeconds()),
      ];
    };
    const [a, b] = [shown(from), shown(from + 3000)];
    expect(asked).toBe(
      vendor === 'hikvision'
        ? `/Streaming/tracks/101?starttime=${a.slice(0, 3).join('')}T${a.slice(3).join('')}Z&endtime=${b.slice(0, 3).join('')}T${b.slice(3).join('')}Z`
        : `/cam/playback?channel=1&subtype=0&starttime=${a.join('_')}&endtime=${b.join('_')}`,
    );
  });

  it('exports an evidence clip from the NVR with a SHA-256 that verifies', async () => {
    const alarm = await core!.db.transaction((trx) =>
      core!.alarms.receive(trx, {
        source: 'engine',
        sourceId: `nvr-${vendor}`,
        type: 'intrusion',
        cameras: ['cam-01'],
        raisedAt: now - 60_000,
        zone: 'gate-north',
      }),
    );
    if (alarm.status === 'duplicate') throw new Error('a duplicate alarm');
    const r = await call<ClipExport>(operator, 'recordings.export', {
      alarmId: alarm.alarm.id,
      range: { from: now - 62_000, to: now - 58_000 },
      reason: '公安调取',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const f = r.value.files[0]!;
    expect(r.value.gaps).toBe(false);
    const path = join(tmp.dir, 'exports', r.value.folder, f.file!);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(f.sha256);
    expect(f.seconds).toBeGreaterThanOrEqual(3.5);
    expect(f.seconds).toBeLessThanOrEqual(4.6);
  });

  it('checks retention against the NVR: 10 days kept of 30 required is a fault alarm; an NVR gone is said so', async () => {
    const view = await core!.recordings.checkRetention();
    const row = view.cameras.find((c) => c.cameraId === 'cam-01')!;
    expect(row).toMatchObject({ source: 'nvr', oldest: now - 10 * DAY, fault: 'actual', bytesPerDay: null });
    expect(Math.floor(row.actualDays)).toBe(10);
    const alarms = (await core!.db('alarms').where({ device_id: 'retention:cam-01' })) as { texts: string }[];
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.texts).toContain('仅留存 10 天');

    await nvr!.stop();
    const refused = await call(supervisor, 'recordings.list', {
      cameraId: 'cam-01',
      from: now - 3_600_000,
      to: now,
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'unavailable', reason: 'nvr_unreachable', params: { host: '127.0.0.1' } },
    });
    const later = await core!.recordings.checkRetention();
    expect(later.cameras.find((c) => c.cameraId === 'cam-01')?.fault).toBe('unreachable');
  });
});
