import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClipExport, OperatorView, RecordingList, RetentionView } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { dayFolder } from '../../electron/core/recordings/files';
import { probeSeconds } from '../../electron/core/recordings/store';
import { ManualClock } from '../../electron/common/clock';
import { startCore } from '../support/core';
import { fakeSpawner } from '../support/fake-ffmpeg';
import { writeSegment } from '../support/segments';
import { tempDir } from '../support/temp';
import { base64PdfText } from '../support/pdf';
import { requireFfmpeg, requirePdftotext } from '../support/tools';

const operator: OperatorView = { id: 'op', name: '李明', role: 'operator' };
const supervisor: OperatorView = { id: 'sup', name: '王芳', role: 'supervisor' };

describe('evidence clips', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  // Whole seconds: segment names carry seconds only.
  const t0 = Math.floor((Date.now() - 600_000) / 1000) * 1000;

  beforeEach(async () => {
    requireFfmpeg();
    tmp = tempDir();
    core = await startCore(tmp.dir, {
      dbFile: join(tmp.dir, 'console.sqlite'),
      backups: { enabled: false },
      // Index and export only: no recorder runs, the test writes the segments.
      recordings: { enabled: false, freeSpace: () => Promise.resolve(1e12) },
    });
  });
  afterEach(async () => {
    await core?.stop();
    tmp?.cleanup();
  });

  const call = async <T>(who: OperatorView, method: string, input: unknown) => {
    const r = await core.router.call(method, input, core.openSession('memory', who));
    return r as { ok: true; value: T } | { ok: false; error: { code: string; reason?: string } };
  };
  const value = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
    if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.error)}`);
    return r.value;
  };

  /** Two adjacent 10-s segments from t0, indexed as the recorder would. */
  const record = async () => {
    const root = core.recordings.root;
    await core.recordings.closed('cam-01', {
      name: writeSegment(root, t0, { seconds: 10, fps: 25 }),
      seconds: 10,
    });
    await core.recordings.closed('cam-01', {
      name: writeSegment(root, t0 + 10_000, { seconds: 10, fps: 25 }),
      seconds: 10,
    });
  };
  const raise = async (at: number, cameras: string[]) => {
    const r = await core.db.transaction((trx) =>
      core.alarms.receive(trx, {
        source: 'engine',
        sourceId: `test-${at}`,
        type: 'intrusion',
        cameras,
        raisedAt: at,
        zone: 'gate-north',
      }),
    );
    if (r.status === 'duplicate') throw new Error('a duplicate alarm');
    return r.alarm;
  };

  it('exports a clip across a segment boundary: right duration, SHA-256 that verifies, manifest, record and audit', async () => {
    await record();
    const alarm = await raise(t0 + 10_000, ['cam-01']);
    const clip = value(
      await call<ClipExport>(operator, 'recordings.export', {
        alarmId: alarm.id,
        range: { from: t0 + 5_000, to: t0 + 15_000 },
        reason: '公安调取 2026-118',
      }),
    );
    expect(clip.gaps).toBe(false);
    const file = clip.files[0]!;
    expect(file.cameraId).toBe('cam-01');
    const dir = join(tmp.dir, 'exports', clip.folder);
    const path = join(dir, file.file!);
    // -c copy starts at the keyframe at or before the in-point (one a second here): 10 s, within a GOP.
    const seconds = (await probeSeconds('ffprobe', path))!;
    expect(seconds).toBeGreaterThanOrEqual(9.9);
    expect(seconds).toBeLessThanOrEqual(11.1);
    expect(file.seconds).toBeCloseTo(seconds, 2);
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(file.sha256).toBe(sha);
    // The police's check: sha256sum over the folder's SHA256SUMS (the clip and the manifest).
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toMatch(
      /: OK\n.*: OK\n$/s,
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    > & {
      cameras: { id: string; sha256: string; bytes: number; name: unknown }[];
      from: { utc: string; local: string };
    };
    expect(manifest).toMatchObject({
      alarm: alarm.id,
      reason: '公安调取 2026-118',
      exportedBy: { id: 'op', name: '李明' },
      console: { version: expect.any(String) as unknown },
    });
    expect(manifest.cameras[0]).toMatchObject({ id: 'cam-01', sha256: sha, bytes: file.bytes });
    expect(manifest.cameras[0]!.name).toBeTruthy();
    expect(manifest.from.utc).toBe(new Date(t0 + 5_000).toISOString());
    expect(manifest.from.local).toMatch(/GMT\+08:00$/);
    // Recorded and audited.
    const listed = value(await call<ClipExport[]>(operator, 'recordings.exports', { alarmId: alarm.id }));
    expect(listed.map((e) => e.id)).toEqual([clip.id]);
    const audit = (await core.db('audit_log').where('action', 'recordings.export')) as { target: string }[];
    expect(audit.map((a) => a.target)).toEqual([alarm.id]);

    // The incident report lists the clip with the hash the police check it by, in the operator's language.
    requirePdftotext();
    for (const [locale, heading] of [
      ['zh-CN', '证据片段'],
      ['en', 'Evidence clips'],
    ] as const) {
      const report = value(
        await call<{ pdf: string }>(operator, 'reports.incident', { incidentId: alarm.incidentId, locale }),
      );
      // Long names wrap at the page's edge: compared without the line breaks.
      const text = base64PdfText(report.pdf, join(tmp.dir, `incident-${locale}.pdf`)).replace(/\s+/g, '');
      expect(text).toContain(heading.replace(/\s+/g, ''));
      expect(text).toContain(clip.folder);
      expect(text).toContain(sha);
    }
  });

  it("marks the camera's alarms on the replay timeline, not other cameras' ones", async () => {
    await record();
    const mine = await raise(t0 + 10_000, ['cam-01', 'cam-02']);
    await raise(t0 + 12_000, ['cam-02']);
    const list = value(
      await call<RecordingList>(operator, 'recordings.list', {
        cameraId: 'cam-01',
        from: t0,
        to: t0 + 60_000,
      }),
    );
    expect(list.alarms).toEqual([
      { id: mine.id, at: t0 + 10_000, priority: mine.priority, type: 'intrusion', drill: false },
    ]);
    const none = value(
      await call<RecordingList>(operator, 'recordings.list', {
        cameraId: 'cam-01',
        from: t0 + 11_000,
        to: t0 + 60_000,
      }),
    );
    expect(none.alarms).toEqual([]);
  });

  it('says where the recording has gaps, refuses a range with none and a clip over 30 min; retention never touches exports', async () => {
    await record();
    const alarm = await raise(t0 + 15_000, ['cam-01']);
    // The site's pre/post roll (30 s / 60 s): t0-15 s .. t0+75 s, of which only t0 .. t0+20 s is recorded.
    const clip = value(
      await call<ClipExport>(operator, 'recordings.export', { alarmId: alarm.id, reason: 'complaint' }),
    );
    expect(clip.from).toBe(t0 - 15_000);
    expect(clip.to).toBe(t0 + 75_000);
    expect(clip.gaps).toBe(true);
    expect(clip.files[0]!.gaps).toEqual([
      { start: t0 - 15_000, end: t0 },
      { start: t0 + 20_000, end: t0 + 75_000 },
    ]);
    const manifest = JSON.parse(
      readFileSync(join(tmp.dir, 'exports', clip.folder, 'manifest.json'), 'utf8'),
    ) as {
      gaps: unknown[];
    };
    expect(manifest.gaps).toHaveLength(2);

    const none = await call(operator, 'recordings.export', {
      alarmId: alarm.id,
      range: { from: t0 + 100_000, to: t0 + 160_000 },
      reason: 'nothing there',
    });
    expect(none).toMatchObject({ ok: false, error: { code: 'conflict', reason: 'nothing_recorded' } });
    const long = await call(operator, 'recordings.export', {
      alarmId: alarm.id,
      range: { from: t0, to: t0 + 31 * 60_000 },
      reason: 'too long',
    });
    expect(long).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const foreign = await call(operator, 'recordings.export', {
      alarmId: alarm.id,
      cameraIds: ['cam-02'],
      reason: 'not linked',
    });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    // Retention deleting every segment leaves the export whole.
    await core.db('recordings').update({ end_ms: 1 });
    await core.recordings.retention();
    expect(await core.db('recordings').count({ n: '*' }).first()).toEqual({ n: 0 });
    const dir = join(tmp.dir, 'exports', clip.folder);
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', clip.files[0]!.file!, 'manifest.json'].sort());
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toMatch(/OK/);
  });

  it('lets an operator export but only a supervisor list every export and the retention table', async () => {
    await record();
    const alarm = await raise(t0 + 10_000, ['cam-01']);
    value(await call(operator, 'recordings.export', { alarmId: alarm.id, reason: 'police' }));
    expect(await call(operator, 'recordings.allExports', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(value(await call<ClipExport[]>(supervisor, 'recordings.allExports', {}))).toHaveLength(1);
    expect(await call(operator, 'recordings.retention', {})).toMatchObject({ ok: false });
    const view = value(await call<RetentionView>(supervisor, 'recordings.retention', {}));
    const cam = view.cameras.find((c) => c.cameraId === 'cam-01')!;
    expect(cam.oldest).toBe(t0);
    expect(cam.coverage24h).toBeCloseTo(20 / 86_400, 6);
    expect(cam.bytesPerDay).toBeNull();
    // The download: a one-time ticket, audited.
    const { url } = value(
      await call<{ url: string }>(operator, 'recordings.exportDownload', {
        exportId: value(await call<ClipExport[]>(operator, 'recordings.exports', { alarmId: alarm.id }))[0]!
          .id,
      }),
    );
    const ticket = /^\/exports\/(.+)\.zip$/.exec(url)![1]!;
    const found = await core.recordings.download(ticket);
    expect(found?.files).toContain('manifest.json');
    expect(existsSync(join(found!.dir, 'SHA256SUMS'))).toBe(true);
    expect(await core.recordings.download(ticket)).toBeUndefined();
  });
});

/**
 * The demo site with a real site's recording rules: its synthetic cameras keep and require only one day (so a
 * laptop running the demo raises no retention faults); a site keeps 30 and requires 30 (the defaults).
 */
function siteKeeping30Days(dir: string): string {
  const demo = join(import.meta.dirname, '../../resources/demo-site');
  const site = JSON.parse(readFileSync(join(demo, 'site.json'), 'utf8')) as {
    cameras: { record?: unknown }[];
  };
  for (const camera of site.cameras) delete camera.record;
  copyFileSync(join(demo, 'plan.svg'), join(dir, 'plan.svg'));
  writeFileSync(join(dir, 'site.json'), JSON.stringify(site));
  return join(dir, 'site.json');
}

describe('the retention check', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore | undefined;
  const START = Date.UTC(2026, 11, 1, 0, 0, 0);
  afterEach(async () => {
    await core?.stop();
    core = undefined;
    tmp?.cleanup();
  });

  it("projects the days the disk holds: a disk too small is one fault for the disk (not one per camera), restored once space is there; recordings gone early are the camera's own fault", async () => {
    tmp = tempDir();
    const clock = new ManualClock(START);
    let free = 100e6;
    core = await startCore(tmp.dir, {
      dbFile: ':memory:',
      clock,
      sitePath: siteKeeping30Days(tmp.dir),
      recordings: {
        // Recording on, its ffmpeg processes stand-ins: the files are the test's.
        enabled: true,
        spawn: fakeSpawner().spawn,
        minFreeBytes: 0,
        freeSpace: () => Promise.resolve(free),
      },
    });
    const root = core.recordings.root;
    // Two minutes of cam-01 at 1000 bytes per 10 s: 8.64 MB a day.
    for (let i = 0; i < 12; i++) {
      const t = START + i * 10_000;
      const name = `${new Date(t).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z.mp4`;
      mkdirSync(join(root, 'cam-01', dayFolder(t)), { recursive: true });
      writeFileSync(join(root, 'cam-01', dayFolder(t), name), Buffer.alloc(1000));
      await core.recordings.closed('cam-01', { name, seconds: 10 });
    }
    clock.jump(120_000);
    const view = await core.recordings.checkRetention();
    const cam = view.cameras.find((c) => c.cameraId === 'cam-01')!;
    expect(cam.bytesPerDay).toBeCloseTo(8.64e6, -3);
    // 100 MB free + 12 kB reclaimable at 8.64 MB a day: about 11.6 days, under the required 30.
    expect(cam.projectedDays).toBeCloseTo((100e6 + 12_000) / 8.64e6, 1);
    expect(cam.fault).toBe('projected');
    expect(view.cameras.find((c) => c.cameraId === 'cam-02')?.fault).toBeNull();
    const faults = async (device = 'retention:disk') =>
      (await core!.alarms.openAlarms()).filter((a) => a.deviceId === device);
    expect(await faults()).toHaveLength(1);
    expect((await faults())[0]!.texts?.['zh-CN']).toMatch(
      /录像磁盘不足：按当前录像速度仅可保存 11 天，1 台摄像机/,
    );
    expect((await faults())[0]!.cameras).toEqual(['cam-01']);
    expect(await faults('retention:cam-01')).toHaveLength(0);
    // Checked again while still short: the same one alarm, not a second nor a re-trigger.
    await core.recordings.checkRetention();
    expect((await faults()).map((a) => a.count)).toEqual([1]);

    free = 1e12;
    expect(
      (await core.recordings.checkRetention()).cameras.find((c) => c.cameraId === 'cam-01')!.fault,
    ).toBeNull();
    expect((await faults())[0]!.restoredAt).toBe(START + 120_000);

    // Recorded for 40 days by the console, yet the oldest recording is from 5 minutes ago: recordings went early.
    await core
      .db('recording_cameras')
      .where('camera', 'cam-01')
      .update({ first_ms: START - 40 * 86_400_000 });
    const actual = (await core.recordings.checkRetention()).cameras.find((c) => c.cameraId === 'cam-01')!;
    expect(actual.fault).toBe('actual');
    expect((await faults('retention:cam-01'))[0]!.texts?.['zh-CN']).toMatch(
      /录像留存不足：仅留存 0 天.*不少于 30 天/,
    );
  });
});
