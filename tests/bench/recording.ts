/**
 * `npm run bench:recording -- [--json] [--seconds N] [--small N] [--large N] [--skip deletion]`: the console's
 * recorder (issue 15), measured on this machine in one run.
 *
 *   cpu_pct_per_camera   share of one core each recorder ffmpeg used (utime + stime from /proc/<pid>/stat over the
 *                        recording window), mean and worst; target <= 0.5 %
 *   write_ratio          bytes the recorders wrote (/proc/<pid>/io wchar) / bytes their segment files hold: 1.0 is
 *                        one copy (no second copy, no re-muxing pass). The files hold the streams' H.264 as sent
 *                        (-c copy); the bytes read off the sockets cannot be told from /proc (rchar leaves out recv),
 *                        so the streams' own rate is given as bytes_per_day of the files
 *   coverage             recorded share of each camera's window (its first segment to the end), worst; >= 99.9 %
 *   first_picture_ms     a replay request 30 s back on the web host's play route until the answer decodes to one
 *                        picture (ffmpeg reading the response); median and worst of 5; target <= 1000 ms
 *   clip_ms              an evidence clip of 4 cameras (recordings.export, -c copy + SHA-256 + manifest) of 5 minutes;
 *                        a shorter run exports the longest clip it recorded and says so (clip_seconds); <= 2000 ms
 *   deletion_s           a day of 32 cameras (32 x 8,640 small 10-s segment files and their rows) deleted by the
 *                        retention pass; target <= 60 s
 *
 * Defaults: 16 cameras at 640x360@25 and 4 at 1080p@25 (GStreamer RTSP test cameras), recorded for 600 s. On a loaded
 * machine run fewer and shorter (`--seconds 60 --small 4 --large 1`): the test cameras' encoders cost far more than
 * the recorders. The LAST line is one JSON object with `pass`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OperatorView } from '../../shared/contract';
import { createDesk } from '../../electron/desk';
import { openDatabase } from '../../electron/common/database';
import { silentLogger } from '../../electron/common/log';
import { runRetention } from '../../electron/core/recordings/retention';
import { SegmentStore, type SegmentRow } from '../../electron/core/recordings/store';
import { MIGRATIONS } from '../../electron/core/schema';
import { startWebHost } from '../../electron/web-host/server';
import { rtspServerAvailable, startRtspServer } from '../support/rtsp-camera';
import { camerasWithStreams, writeDemoSite } from '../support/site';
import { log, machine, onCleanup, runBench, sleep, until, type BenchResult } from './lib/harness';
import { commaList, numberAtLeast, readOptions } from './lib/options';
import { procTable } from './lib/proc';
import { median, round1, round2 } from './lib/stats';

const opts = readOptions('bench:recording', (args) => {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '600' },
      small: { type: 'string', default: '16' },
      large: { type: 'string', default: '4' },
      skip: { type: 'string', default: '' },
    },
    strict: true,
  });
  return {
    json: values.json,
    seconds: numberAtLeast('seconds', values.seconds, 30),
    small: Math.floor(numberAtLeast('small', values.small, 0)),
    large: Math.floor(numberAtLeast('large', values.large, 0)),
    skip: new Set(commaList(values.skip)),
  };
});

interface Result extends BenchResult {
  machine: ReturnType<typeof machine> & { load_avg_1m_at_end?: number };
  cameras: { small: number; large: number };
  seconds: number;
  cpu_pct_per_camera?: { mean: number; max: number; small_mean?: number; large_mean?: number };
  bytes?: { files: number; written: number; write_ratio: number };
  bytes_per_day?: { small_gb?: number; large_gb?: number };
  coverage_min?: number;
  first_picture_ms?: { median: number; max: number };
  clip?: { ms: number; seconds: number; cameras: number; bytes: number; full_5_min: boolean };
  deletion?: { files: number; s: number };
}

const result: Result = {
  machine: machine(),
  cameras: { small: opts.small, large: opts.large },
  seconds: opts.seconds,
};

const supervisor: OperatorView = { id: 'bench', name: 'bench', role: 'supervisor' };

function procIo(pid: number): { wchar: number } {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (k: string) =>
    Number(/^(\w+): (\d+)$/m.exec(text.split('\n').find((l) => l.startsWith(k)) ?? '')?.[2] ?? 0);
  return { wchar: field('wchar') };
}

/** ms from the request until ffmpeg has decoded the first picture of the answer. */
function firstPicture(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const ff = spawn('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      url,
      '-frames:v',
      '1',
      '-f',
      'null',
      '-',
    ]);
    ff.once('error', reject);
    ff.once('exit', (code) =>
      code === 0 ? resolve(Date.now() - started) : reject(new Error(`ffmpeg ${code}`)),
    );
  });
}

async function recordPhase(tmp: string): Promise<void> {
  if (!rtspServerAvailable())
    throw new Error('GStreamer RTSP test cameras are not available (tests/support/rtsp-camera.ts)');
  const streams: { main: string }[] = [];
  if (opts.small > 0) {
    const s = await startRtspServer({ cameras: opts.small, width: 640, height: 360, fps: 25 });
    onCleanup('rtsp 360p', () => s.stop());
    for (let i = 1; i <= opts.small; i++) streams.push({ main: s.url(`/cam${i}`) });
  }
  if (opts.large > 0) {
    const s = await startRtspServer({ cameras: opts.large, width: 1920, height: 1080, fps: 25 });
    onCleanup('rtsp 1080p', () => s.stop());
    for (let i = 1; i <= opts.large; i++) streams.push({ main: s.url(`/cam${i}`) });
  }
  const dataDir = join(tmp, 'console');
  mkdirSync(dataDir, { recursive: true });
  const sitePath = writeDemoSite(dataDir, (site) => {
    site.cameras = camerasWithStreams(site.cameras ?? [], streams);
  });
  const core = await createDesk({
    dataDir,
    sitePath,
    dbFile: join(dataDir, 'console.sqlite'),
    demo: { scenario: false },
    backups: { enabled: false },
    log: silentLogger,
    recordings: { enabled: true, segmentSec: 10 },
  });
  onCleanup('console core', () => core.stop());
  const host = await startWebHost({ core, staticDir: join(tmp, 'static'), log: silentLogger });
  onCleanup('web host', () => host.stop());
  const ids = streams.map((_, i) => `cam-${String(i + 1).padStart(2, '0')}`);

  await until('every recorder running', () => core.recordings.pids().size === ids.length, 60_000);
  const pids = core.recordings.pids();
  const cpu0 = new Map([...pids].map(([id, pid]) => [id, procTable().get(pid)?.cpuMs ?? 0]));
  const t0 = Date.now();
  log(`recording ${ids.length} cameras for ${opts.seconds} s`);
  await sleep(opts.seconds * 1000);
  const wall = Date.now() - t0;
  const table = procTable();
  const cpu = ids.map((id) => {
    const pid = pids.get(id)!;
    const now = table.get(pid);
    if (!now || core.recordings.pids().get(id) !== pid)
      throw new Error(`the recorder of ${id} restarted during the run`);
    return ((now.cpuMs - (cpu0.get(id) ?? 0)) / wall) * 100;
  });
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  result.cpu_pct_per_camera = {
    mean: round2(mean(cpu)),
    max: round2(Math.max(...cpu)),
    ...(opts.small ? { small_mean: round2(mean(cpu.slice(0, opts.small))) } : {}),
    ...(opts.large ? { large_mean: round2(mean(cpu.slice(opts.small))) } : {}),
  };
  log(`recorder CPU per camera: ${JSON.stringify(result.cpu_pct_per_camera)}`);

  // Bytes: what the recorders wrote and read against what their files hold (closed and open segments).
  let files = 0;
  let written = 0;
  const perDay: number[] = [];
  const now = Date.now();
  let coverageMin = 1;
  for (const id of ids) {
    const io = procIo(pids.get(id)!);
    written += io.wchar;
    const list = await core.recordings.list(id, now - 3_600_000, now);
    const first = list.coverage[0]?.start ?? now;
    const covered = list.coverage.reduce((n, c) => n + c.end - c.start, 0);
    coverageMin = Math.min(coverageMin, covered / Math.max(1, now - first));
    const onDisk = Number(
      (
        execFileSync('du', ['-sb', join(core.recordings.root, id)], { encoding: 'utf8' }).split('\t')[0] ??
        '0'
      ).trim(),
    );
    files += onDisk;
    perDay.push((onDisk / Math.max(1, covered)) * 86_400_000);
  }
  result.bytes = {
    files,
    written,
    write_ratio: round2(written / Math.max(1, files)),
  };
  result.bytes_per_day = {
    ...(opts.small ? { small_gb: round2(mean(perDay.slice(0, opts.small)) / 1e9) } : {}),
    ...(opts.large ? { large_gb: round2(mean(perDay.slice(opts.small)) / 1e9) } : {}),
  };
  result.coverage_min = Math.round(coverageMin * 100_000) / 100_000;
  log(
    `bytes ${JSON.stringify(result.bytes)}, per day ${JSON.stringify(result.bytes_per_day)}, coverage ${result.coverage_min}`,
  );

  // First replay picture: 30 s back (or as far as recorded), five times over the cameras.
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const id = ids[i % ids.length]!;
    const back = Math.min(30_000, opts.seconds * 500);
    const from = new Date(Date.now() - back).toISOString();
    times.push(
      await firstPicture(
        `${host.url.split('?')[0]!.replace(/\/$/, '')}/recordings/${id}/play?from=${from}&seconds=10&token=${host.token}`,
      ),
    );
  }
  result.first_picture_ms = { median: Math.round(median(times)), max: Math.max(...times) };
  log(`first replay picture: ${JSON.stringify(result.first_picture_ms)}`);

  // An evidence clip of 4 cameras: 5 minutes, or the longest this run recorded (its closed segments).
  const four = ids.slice(0, 4);
  const end = Date.now() - 12_000;
  const clipMs = Math.min(300_000, Math.max(10_000, end - (t0 + 12_000)));
  const raised = await core.db.transaction((trx) =>
    core.alarms.receive(trx, {
      source: 'engine',
      sourceId: 'bench-clip',
      type: 'intrusion',
      cameras: four,
      raisedAt: end - clipMs / 2,
    }),
  );
  if (raised.status === 'duplicate') throw new Error('duplicate alarm');
  const c0 = Date.now();
  const clip = await core.recordings.exportClip(
    { alarmId: raised.alarm.id, range: { from: end - clipMs, to: end }, reason: 'bench' },
    supervisor,
  );
  result.clip = {
    ms: Date.now() - c0,
    seconds: clipMs / 1000,
    cameras: four.length,
    bytes: clip.files.reduce((n, f) => n + f.bytes, 0),
    full_5_min: clipMs === 300_000,
  };
  log(`clip: ${JSON.stringify(result.clip)}`);
}

/** A day of 32 cameras in 10-s segments (small files, rows indexed), then one retention pass deleting it. */
async function deletionPhase(tmp: string): Promise<void> {
  const root = join(tmp, 'deletion');
  const db = await openDatabase({
    file: join(tmp, 'deletion.sqlite'),
    log: silentLogger,
    migrations: MIGRATIONS,
  });
  onCleanup('deletion db', () => db.destroy());
  const store = new SegmentStore(db, root, silentLogger);
  const day = Date.UTC(2026, 10, 1);
  const cameras = Array.from({ length: 32 }, (_, i) => `cam-${String(i + 1).padStart(2, '0')}`);
  const buf = Buffer.alloc(64);
  log('writing 32 x 8,640 segment files');
  for (const camera of cameras) {
    const dir = join(root, camera, '20261101');
    mkdirSync(dir, { recursive: true });
    const rows: Omit<SegmentRow, 'id'>[] = [];
    for (let i = 0; i < 8640; i++) {
      const t = day + i * 10_000;
      const name = `${new Date(t).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z.mp4`;
      writeFileSync(join(dir, name), buf);
      rows.push({
        camera,
        path: join(camera, '20261101', name),
        start_ms: t,
        end_ms: t + 10_000,
        bytes: 64,
        protected: 0,
      });
    }
    await db.transaction(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) await trx('recordings').insert(rows.slice(i, i + 500));
    });
  }
  const s0 = Date.now();
  const r = await runRetention(
    db,
    store,
    // A day past the 30 days kept: every segment of the day is older (one ending exactly at the limit stays).
    day + 32 * 86_400_000,
    cameras.map((id) => ({ id, retentionDays: 30 })),
    { minFreeBytes: 0, batch: 500 },
    () => Promise.resolve(1e12),
  );
  result.deletion = { files: r.byAge, s: round1((Date.now() - s0) / 1000) };
  log(`deletion: ${JSON.stringify(result.deletion)}`);
}

void runBench<Result>({
  name: 'bench:recording',
  json: opts.json,
  budgetMs: (opts.seconds + 900) * 1000,
  result,
  async run(tmp) {
    mkdirSync(join(tmp, 'static'), { recursive: true });
    await recordPhase(tmp);
    if (!opts.skip.has('deletion')) await deletionPhase(tmp);
    result.machine.load_avg_1m_at_end = round1(loadavg()[0] ?? NaN);
  },
  pass: (r) => ({
    cpu_per_camera: r.cpu_pct_per_camera ? r.cpu_pct_per_camera.max <= 0.5 : undefined,
    one_copy: r.bytes ? r.bytes.write_ratio <= 1.05 : undefined,
    coverage: r.coverage_min !== undefined ? r.coverage_min >= 0.999 : undefined,
    first_picture: r.first_picture_ms ? r.first_picture_ms.max <= 1000 : undefined,
    clip: r.clip ? r.clip.ms <= 2000 : undefined,
    deletion: r.deletion ? r.deletion.s <= 60 : undefined,
  }),
  summary: (r) =>
    [
      `recorder CPU per camera: ${JSON.stringify(r.cpu_pct_per_camera)} (% of one core)`,
      `bytes: ${JSON.stringify(r.bytes)}; per camera-day: ${JSON.stringify(r.bytes_per_day)}`,
      `coverage (worst camera): ${r.coverage_min}`,
      `first replay picture: ${JSON.stringify(r.first_picture_ms)}`,
      `clip: ${JSON.stringify(r.clip)}`,
      `deletion of a day of 32 cameras: ${JSON.stringify(r.deletion)}`,
    ].join('\n'),
});
