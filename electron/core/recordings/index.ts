import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  recordingMethods,
  ClipExport,
  ClipRequest,
  CoverageSpan,
  RecordingList,
  RetentionView,
} from '../../../shared/contract';
import { GAP_MS, MAX_REPLAY_MARKS, type ReplayAlarmMark } from '../../../shared/contract';
import { actorOf, type Actor } from '../actor';
import type { AlarmService } from '../alarms';
import type { Camera, CamerasService } from '../cameras';
import { appendAudit, auditActor } from '../audit/audit';
import { ServiceError } from '../errors';
import type { Feature, Infrastructure } from '../feature';
import type { StreamGateway } from '../streams/gateway';
import { DEFAULT_SUPERVISION, type Spawner, type SupervisionSettings } from '../streams/worker';
import { statfsFree, VERSION, type FreeSpace } from '../system';
import { ClipExporter, toExportView, type ExportRow } from './exports';
import { fileSize, segmentFiles, segmentStart } from './files';
import { recordingExportsMigration } from './exports-migration';
import { recordingsMigration } from './migration';
import { FaultAlarms, RECORDER_STOPPED, RECORDING_DISK_FULL, type FaultWords } from './faults';
import { NvrChannels } from './nvr';
import { pipeMp4, playSegments, type PlayPiece, type Playback } from './play';
import { CameraRecorder, recorderSpawn, type ClosedSegment } from './recorder';
import { retentionView } from './health';
import { runRetention, type Hold, type RetentionResult } from './retention';
import { ffprobeFor, SegmentStore } from './store';

export const recordingMigrations = [recordingsMigration, recordingExportsMigration] as const;

export interface RecordingSettings {
  /** Off: no camera is recorded (the index and replay of what exists still work). On when settings are given. */
  enabled?: boolean | undefined;
  /** Default `<dataDir>/recordings`. */
  root?: string | undefined;
  /** Seconds per segment (default 10; tests use 2). */
  segmentSec?: number | undefined;
  /** All cameras' recordings together may use this many bytes (absent: no quota). */
  quotaBytes?: number | undefined;
  /** Below this free space on the recording disk the oldest segments go (default 1 GB). */
  minFreeBytes?: number | undefined;
  /** Retention runs this often (default 10 min) and at start. */
  retentionEveryMs?: number | undefined;
  freeSpace?: FreeSpace | undefined;
  spawn?: Spawner | undefined;
  supervision?: Partial<SupervisionSettings> | undefined;
}

export interface RecordingsService {
  /** The root every segment path is relative to. */
  readonly root: string;
  /** Plays [from, from + seconds) of a camera, or undefined when nothing is recorded then. */
  play(cameraId: string, from: number, seconds: number): Promise<Playback | undefined>;
  list(cameraId: string, from: number, to: number): Promise<RecordingList>;
  /** Marks a camera's segments over [from, to) as evidence (an incident or export refers to them). */
  protect(cameraId: string, from: number, to: number): Promise<number>;
  retention(): Promise<RetentionResult>;
  /** Indexes the segment a recorder closed (the recorders call this; tests may too). */
  closed(cameraId: string, segment: ClosedSegment): Promise<void>;
  /** The recorders' ffmpeg processes (tests kill one mid-segment). */
  pids(): Map<string, number>;
  /** Exports an evidence clip (see exports.ts). */
  exportClip(req: ClipRequest, actor: Actor): Promise<ClipExport>;
  /** `<dataDir>/exports`: one folder per export; retention never looks here. */
  readonly exportsDir: string;
  /** A download ticket's export (each ticket once, within a minute): its folder and the files in it. */
  download(ticket: string): Promise<{ folder: string; dir: string; files: string[] } | undefined>;
  /** The retention table, and raises or clears each camera's retention fault alarm. */
  checkRetention(): Promise<RetentionView>;
}

export interface RecordingsOptions {
  gateway: StreamGateway;
  cameras: { service: CamerasService };
  alarms: { service: AlarmService };
  settings?: RecordingSettings | undefined;
}

/** The console records a camera unless told not to; a camera on an NVR only when its `record` asks for it. */
export const recordsCamera = (c: Camera): boolean => c.record?.enabled ?? !c.nvr;

const TICKET_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * The console's recorder (issue 15): per recorded camera one supervised ffmpeg writing fragmented-MP4
 * segments, indexed in SQLite once closed and reconciled with the disk at start; retention by age and space;
 * replay of any range as one MP4 over HTTP (the web host's `/recordings/<camera>/play`). A recorder that stops
 * writing, or a disk retention cannot free, is an alarm.
 */
export function createRecordings(
  infra: Infrastructure,
  o: RecordingsOptions,
): Feature<typeof recordingMethods, RecordingsService> {
  const { db, clock, log: parentLog } = infra;
  const log = parentLog.child('recordings');
  const s = o.settings ?? {};
  const root = s.root ?? join(infra.dataDir, 'recordings');
  const segmentSec = s.segmentSec ?? 10;
  const store = new SegmentStore(db, root, log);
  const ffmpeg = o.gateway.ffmpeg.path;
  const ffprobe = ffprobeFor(ffmpeg);
  const freeSpace = () => (s.freeSpace ?? statfsFree)(root);
  const recorders = new Map<string, CameraRecorder>();
  let timer: unknown;
  let retentionTimer: unknown;
  let retentionRunning: Promise<RetentionResult> | undefined;

  const faults = new FaultAlarms({ db, alarms: o.alarms.service, find: (id) => o.cameras.service.find(id) });
  /** A recorder's (or the recording disk's) fault, once per outage; raised in the background, a failure logged. */
  const recorderFault = (key: string, cameraId: string | undefined, words: FaultWords) =>
    void faults
      .raise({
        deviceId: cameraId ? `recorder:${cameraId}` : 'recorder:disk',
        sourceId: `recording:${key}`,
        at: clock.now(),
        words,
        cameras: cameraId ? [cameraId] : [],
        place: cameraId,
      })
      .catch((err: Error) => log.error('recording alarm failed', { error: err.message }));

  const closed = async (cameraId: string, seg: ClosedSegment) => {
    const start = segmentStart(seg.name);
    if (start === undefined) return;
    const path = join(cameraId, seg.name.slice(0, 8), seg.name);
    const bytes = fileSize(join(root, path));
    if (bytes === undefined) return;
    await store.add({
      camera: cameraId,
      path,
      start_ms: start,
      end_ms: start + Math.round(seg.seconds * 1000),
      bytes,
    });
  };

  /** The segment a recorder is writing now: the newest file newer than the newest indexed one. */
  const openSegment = async (cameraId: string): Promise<PlayPiece | undefined> => {
    const newest = await store.newest(cameraId);
    const last = segmentFiles(root, cameraId).at(-1);
    const start = last ? segmentStart(last.split(/[\\/]/).at(-1)!) : undefined;
    if (!last || start === undefined || (newest && newest.start_ms >= start)) return undefined;
    return { file: join(root, last), start, end: undefined };
  };

  const recording = () =>
    Boolean(o.settings && s.enabled !== false) && o.cameras.service.list().some(recordsCamera);
  const retention = async (): Promise<RetentionResult> => {
    retentionRunning ??= runRetention(
      db,
      store,
      clock.now(),
      o.cameras.service.list().map((c) => ({ id: c.id, retentionDays: c.record?.retentionDays ?? 30 })),
      {
        quotaBytes: s.quotaBytes,
        minFreeBytes: s.minFreeBytes ?? 1024 ** 3,
        batch: 500,
        held: [...holds],
      },
      freeSpace,
    ).finally(() => (retentionRunning = undefined));
    const result = await retentionRunning;
    if (result.byAge || result.bySpace) log.info('recording retention', { ...result });
    // Only a console that records can be short of space for recordings (no recorder: nothing to alarm about).
    if (result.short && recording())
      recorderFault(`disk:${Math.floor(clock.now() / 3_600_000)}`, undefined, RECORDING_DISK_FULL);
    return result;
  };

  /** A recorder with no new segment for three segment lengths has stopped writing: one alarm per outage. */
  const watch = async () => {
    const now = clock.now();
    for (const cameraId of recorders.keys()) {
      const open = await openSegment(cameraId);
      const newest = await store.newest(cameraId);
      const lastWrite = Math.max(open?.start ?? 0, newest?.end_ms ?? 0, startedAt);
      if (now - lastWrite > 3 * segmentSec * 1000)
        recorderFault(`${cameraId}:${lastWrite}`, cameraId, RECORDER_STOPPED);
    }
  };
  let startedAt = 0;

  const nvrs = new NvrChannels({
    nvrOf: (cameraId) => o.cameras.service.find(cameraId)?.nvr,
    siteTimeZone: () => infra.site.timeZone,
    ffmpegMajor: o.gateway.ffmpegMajor,
    log,
  });

  /** The alarms that named this camera in [from, to), newest first: the marks on the replay timeline. */
  const alarmMarks = async (cameraId: string, from: number, to: number): Promise<ReplayAlarmMark[]> => {
    // Read by arrival (the reports' index on received_at): an alarm arrives at or after it is raised, and one the
    // hub held back arrives later still, so the window runs on past `to` by an hour.
    const rows = (await db('alarms')
      .where('received_at', '>=', from)
      .andWhere('received_at', '<', to + HOUR_MS)
      .andWhere('raised_at', '>=', from)
      .andWhere('raised_at', '<', to)
      // `cameras` is a JSON array of ids; ids are plain (site-file Id), so the quoted id matches one element only.
      .andWhere('cameras', 'like', `%${JSON.stringify(cameraId)}%`)
      .orderBy('raised_at', 'desc')
      .limit(MAX_REPLAY_MARKS)
      .select('id', 'raised_at', 'priority', 'type', 'drill')) as {
      id: string;
      raised_at: number;
      priority: number;
      type: string;
      drill: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      at: r.raised_at,
      priority: r.priority,
      type: r.type,
      drill: r.drill === 1,
    }));
  };

  const holds = new Set<Hold>();
  const exportsDir = join(infra.dataDir, 'exports');
  /** The segments and the open one over [from, to), as replay and exports read them. */
  const pieces = async (cameraId: string, from: number, to: number): Promise<PlayPiece[]> => {
    const out: PlayPiece[] = (await store.range(cameraId, from, to)).map((r) => ({
      file: join(root, r.path),
      start: r.start_ms,
      end: r.end_ms,
    }));
    const open = await openSegment(cameraId);
    if (open && open.start < to && open.start >= (out.at(-1)?.end ?? 0) - GAP_MS) out.push(open);
    return out;
  };
  const exporter = new ClipExporter({
    db,
    dir: exportsDir,
    ffmpeg,
    ffprobe,
    now: () => clock.now(),
    newId: () =>
      infra
        .ids()
        .replace(/[^A-Za-z0-9_-]/g, '')
        .slice(0, 36) || randomBytes(9).toString('hex'),
    log,
    version: VERSION,
    consoleId: infra.consoleId,
    site: () => ({
      name: infra.site.name,
      timeZone: infra.site.timeZone,
      preRollSec: infra.site.recording.preRollSec,
      postRollSec: infra.site.recording.postRollSec,
    }),
    cameraName: (id) => o.cameras.service.find(id)?.name,
    alarm: async (id) => {
      const row = (await db('alarms').where({ id }).first('cameras', 'raised_at', 'incident_id')) as
        { cameras: string; raised_at: number; incident_id: string | null } | undefined;
      return row
        ? {
            cameras: JSON.parse(row.cameras) as string[],
            raisedAt: row.raised_at,
            incidentId: row.incident_id ?? undefined,
          }
        : undefined;
    },
    pieces,
    nvr: (cameraId) => {
      const n = nvrs.of(cameraId);
      return n
        ? {
            spans: (from, to) => nvrs.ask(cameraId, n.nvr.host, () => n.search.spans(from, to)),
            pullArgs: (from, to) => nvrs.pull(n.nvr, from, to),
          }
        : undefined;
    },
    hold: (camera, from, to) => {
      const h = { camera, from, to };
      holds.add(h);
      return () => holds.delete(h);
    },
  });
  const tickets = new Map<string, { exportId: string; until: number }>();

  const exportsOf = async (where: { alarmId?: string | undefined; incidentId?: string | undefined }) => {
    let incident = where.incidentId;
    if (where.alarmId && !incident)
      incident =
        (
          (await db('alarms').where({ id: where.alarmId }).first('incident_id')) as
            { incident_id: string | null } | undefined
        )?.incident_id ?? undefined;
    const rows = (await db('recording_exports')
      .where((q) => {
        if (where.alarmId) q.orWhere('alarm_id', where.alarmId);
        if (incident) q.orWhere('incident_id', incident);
      })
      .orderBy('exported_at', 'desc')
      .limit(100)) as ExportRow[];
    return rows.map(toExportView);
  };

  const checkRetention = async (): Promise<RetentionView> => {
    const now = clock.now();
    const view = await retentionView(db, {
      now,
      cameras: await Promise.all(
        o.cameras.service.list().map(async (c) => ({
          id: c.id,
          recording: recording() && recordsCamera(c),
          retentionDays: c.record?.retentionDays ?? 30,
          requiredDays: c.record?.requiredDays ?? 30,
          nvr: c.nvr ? await nvrs.retention(c.id, now) : undefined,
        })),
      ),
      freeBytes: await freeSpace(),
      minFreeBytes: s.minFreeBytes ?? 1024 ** 3,
      quotaBytes: s.quotaBytes,
    });
    await faults.fromRetention(view);
    return view;
  };

  const service: RecordingsService = {
    root,
    async play(cameraId, from, seconds) {
      if (!o.cameras.service.find(cameraId))
        throw new ServiceError('not_found', `There is no camera "${cameraId}".`);
      const to = from + seconds * 1000;
      // From the NVR by time: no search first, so the first picture comes as soon as the NVR sends it.
      const n = nvrs.of(cameraId);
      if (n) return pipeMp4(ffmpeg, nvrs.pull(n.nvr, from, to));
      const found = await pieces(cameraId, from, to);
      if (found.length === 0) return undefined;
      return playSegments(ffmpeg, join(infra.dataDir, 'video', 'replay'), found, from, to);
    },
    async list(cameraId, from, to) {
      const camera = o.cameras.service.find(cameraId);
      if (!camera) throw new ServiceError('not_found', `There is no camera "${cameraId}".`);
      const play = `/recordings/${encodeURIComponent(cameraId)}/play`;
      const alarms = await alarmMarks(cameraId, from, to);
      const n = nvrs.of(cameraId);
      if (n) {
        const [coverage, oldest] = await nvrs.ask(cameraId, n.nvr.host, () =>
          Promise.all([n.search.spans(from, to), n.oldest(clock.now())]),
        );
        return {
          cameraId,
          recording: recorders.has(cameraId),
          source: 'nvr',
          coverage,
          oldest,
          bytes: 0,
          play,
          alarms,
        };
      }
      const spans: CoverageSpan[] = (await store.range(cameraId, from, to)).map((r) => ({
        start: r.start_ms,
        end: r.end_ms,
      }));
      const open = await openSegment(cameraId);
      if (open && open.start < to) spans.push({ start: open.start, end: Math.max(open.start, clock.now()) });
      const coverage: CoverageSpan[] = [];
      for (const span of spans) {
        const prev = coverage.at(-1);
        if (prev && span.start - prev.end <= GAP_MS) prev.end = Math.max(prev.end, span.end);
        else coverage.push({ ...span });
      }
      const { oldest, bytes } = await store.summary(cameraId);
      return {
        cameraId,
        recording: recorders.has(cameraId),
        source: 'console',
        coverage: coverage.map((c) => ({ start: Math.max(c.start, from), end: Math.min(c.end, to) })),
        oldest,
        bytes,
        play,
        alarms,
      };
    },
    protect: (cameraId, from, to) => store.protect(cameraId, from, to),
    retention,
    closed,
    pids: () =>
      new Map([...recorders].flatMap(([id, r]) => (r.worker.pid ? [[id, r.worker.pid] as const] : []))),
    exportClip: (req, actor) => exporter.export(req, actor),
    exportsDir,
    async download(ticket) {
      const t = tickets.get(ticket);
      tickets.delete(ticket);
      if (!t || t.until < clock.now()) return undefined;
      const row = (await db('recording_exports').where({ id: t.exportId }).first('folder')) as
        { folder: string } | undefined;
      if (!row) return undefined;
      const dir = join(exportsDir, row.folder);
      try {
        return {
          folder: row.folder,
          dir,
          files: readdirSync(dir)
            .filter((f) => !f.startsWith('.'))
            .sort(),
        };
      } catch {
        return undefined;
      }
    },
    checkRetention,
  };

  return {
    service,
    handlers: {
      'recordings.list': ({ cameraId, from, to }) => service.list(cameraId, from, to),
      'recordings.export': (input, { session }) => exporter.export(input, actorOf(session)),
      'recordings.exports': (input) => exportsOf(input),
      'recordings.allExports': async ({ before }) =>
        (
          (await db('recording_exports')
            .where('exported_at', '<', before ?? Number.MAX_SAFE_INTEGER)
            .orderBy('exported_at', 'desc')
            .limit(100)) as ExportRow[]
        ).map(toExportView),
      'recordings.exportDownload': async ({ exportId }, { session }) => {
        const row = (await db('recording_exports').where({ id: exportId }).first()) as ExportRow | undefined;
        if (!row) throw new ServiceError('not_found', `There is no export "${exportId}".`);
        const ticket = randomBytes(24).toString('base64url');
        const now = clock.now();
        for (const [k, v] of tickets) if (v.until < now) tickets.delete(k);
        tickets.set(ticket, { exportId, until: now + TICKET_MS });
        const actor = actorOf(session);
        // In a transaction like every audited change: two appends at once must not both link to the same entry.
        await db.transaction((trx) =>
          appendAudit(trx, {
            at: now,
            ...auditActor(actor),
            action: 'recordings.export.download',
            target: exportId,
            details: { folder: row.folder },
          }),
        );
        return { url: `/exports/${ticket}.zip` };
      },
      'recordings.retention': () => checkRetention(),
    },
    appliers: [],
    migrations: recordingMigrations,
    async start() {
      mkdirSync(root, { recursive: true });
      mkdirSync(exportsDir, { recursive: true });
      startedAt = clock.now();
      // A fault raised before a restart stays one alarm: it is not raised again while still open.
      await faults.resume();
      for (const camera of o.cameras.service.list()) await store.reconcile(camera.id, ffprobe);
      await retention().catch((err: Error) =>
        log.error('recording retention failed', { error: err.message }),
      );
      if (recording()) {
        for (const camera of o.cameras.service.list().filter(recordsCamera)) {
          const recorder = new CameraRecorder({
            camera,
            root,
            segmentSec,
            ffmpeg,
            major: o.gateway.ffmpegMajor,
            spawn: s.spawn ?? recorderSpawn,
            clock,
            log,
            settings: { ...DEFAULT_SUPERVISION, stallMs: 10_000, ...s.supervision },
            onClosed: (id, seg) =>
              void closed(id, seg).catch((err: Error) =>
                log.error('recording segment not indexed', { camera: id, error: err.message }),
              ),
            onStatus: () => undefined,
          });
          recorders.set(camera.id, recorder);
          recorder.start();
        }
      }
      timer = clock.setInterval(
        () => void watch().catch((err: Error) => log.error('recorder watch failed', { error: err.message })),
        Math.max(1000, segmentSec * 500),
      );
      await checkRetention().catch((err: Error) =>
        log.error('recording retention check failed', { error: err.message }),
      );
      retentionTimer = clock.setInterval(
        () =>
          void retention()
            .then(() => checkRetention())
            .catch((err: Error) => log.error('recording retention failed', { error: err.message })),
        s.retentionEveryMs ?? 600_000,
      );
    },
    async stop() {
      clock.clearInterval(timer);
      clock.clearInterval(retentionTimer);
      await Promise.all([...recorders.values()].map((r) => r.stop()));
      recorders.clear();
      await retentionRunning?.catch(() => undefined);
    },
  };
}
