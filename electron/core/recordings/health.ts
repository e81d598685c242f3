import type { Knex } from 'knex';
import type { CameraRetention, CoverageSpan, RetentionView } from '../../../shared/contract';
import { gapsIn } from './exports';

const DAY_MS = 86_400_000;
/** Below this much recorded in the last day a rate is a guess: none is given. */
const MIN_RATE_SAMPLE_MS = 60_000;
/** The oldest recording may be this much younger than the required days before it counts as short (deletion runs). */
const SLACK_MS = 3_600_000;

export interface RetentionCamera {
  id: string;
  recording: boolean;
  retentionDays: number;
  requiredDays: number;
  /** The camera is recorded on its NVR: what the NVR's search said of it, or why it could not be asked. */
  nvr?: { oldest: number | null; day: CoverageSpan[]; month: CoverageSpan[] } | { error: string } | undefined;
}

const spanMs = (spans: readonly CoverageSpan[]) => spans.reduce((n, s) => n + (s.end - s.start), 0);

export interface HealthInputs {
  now: number;
  cameras: readonly RetentionCamera[];
  freeBytes: number;
  minFreeBytes: number;
  quotaBytes: number | undefined;
}

/** Recorded milliseconds and bytes of a camera in [from, to), segments cut to the window. */
async function recordedIn(db: Knex, camera: string, from: number, to: number) {
  const row = (await db('recordings')
    .where('camera', camera)
    .andWhere('end_ms', '>', from)
    .andWhere('start_ms', '<', to)
    .select(
      db.raw('SUM(MIN(end_ms, ?) - MAX(start_ms, ?)) AS ms', [to, from]),
      db.raw('SUM(bytes * (MIN(end_ms, ?) - MAX(start_ms, ?)) * 1.0 / MAX(end_ms - start_ms, 1)) AS bytes', [
        to,
        from,
      ]),
    )
    .first()) as { ms: number | null; bytes: number | null } | undefined;
  return { ms: Number(row?.ms ?? 0), bytes: Number(row?.bytes ?? 0) };
}

/**
 * The retention check (guide/video.md A3): per camera the oldest recording, the share of the last 24 h and 30 days
 * recorded, the last day's gaps, bytes per day at the last day's rate, and the days the disk holds at all cameras'
 * rate: the bytes retention can reclaim (every unprotected recording) plus the free space above the floor, within
 * the quota, divided by the combined bytes per day, capped by the camera's own retention days. A recorded camera
 * is at fault when that projection is below its required days, or when it has been recorded longer than them and
 * still holds less (recordings went early).
 */
export async function retentionView(db: Knex, h: HealthInputs): Promise<RetentionView> {
  const total = (await db('recordings')
    .select(db.raw('COALESCE(SUM(bytes), 0) AS bytes'))
    .select(db.raw('COALESCE(SUM(CASE WHEN protected = 1 THEN bytes ELSE 0 END), 0) AS kept'))
    .first()) as { bytes: number; kept: number } | undefined;
  const recordingBytes = Number(total?.bytes ?? 0);
  const protectedBytes = Number(total?.kept ?? 0);
  const firsts = new Map(
    (
      (await db('recording_cameras').select('camera', 'first_ms')) as { camera: string; first_ms: number }[]
    ).map((r) => [r.camera, r.first_ms]),
  );
  type Row = Omit<CameraRetention, 'projectedDays' | 'fault'> & { first: number | undefined };
  const rows: Row[] = [];
  const nvrFaults = new Map<string, CameraRetention['fault']>();
  for (const c of h.cameras) {
    if (c.nvr) {
      // The NVR's own recording: its oldest and coverage from its search; its disk is its own business.
      const found = 'error' in c.nvr ? undefined : c.nvr;
      const oldest = found?.oldest ?? null;
      rows.push({
        cameraId: c.id,
        recording: true,
        source: 'nvr',
        oldest,
        actualDays: oldest === null ? 0 : Math.max(0, (h.now - oldest) / DAY_MS),
        coverage24h: found ? Math.min(1, spanMs(found.day) / DAY_MS) : 0,
        coverage30d: found ? Math.min(1, spanMs(found.month) / (30 * DAY_MS)) : 0,
        gaps24h: found ? gapsIn(found.day, h.now - DAY_MS, h.now).slice(-50) : [],
        bytesPerDay: null,
        retentionDays: c.retentionDays,
        requiredDays: c.requiredDays,
        first: undefined,
      });
      nvrFaults.set(
        c.id,
        !found
          ? 'unreachable'
          : oldest === null || oldest > h.now - c.requiredDays * DAY_MS + SLACK_MS
            ? 'actual'
            : null,
      );
      continue;
    }
    const oldestRow = (await db('recordings').where('camera', c.id).min({ oldest: 'start_ms' }).first()) as
      { oldest: number | null } | undefined;
    const oldest = oldestRow?.oldest ?? null;
    const day = await recordedIn(db, c.id, h.now - DAY_MS, h.now);
    const month = await recordedIn(db, c.id, h.now - 30 * DAY_MS, h.now);
    const spans = (await db('recordings')
      .where('camera', c.id)
      .andWhere('end_ms', '>', h.now - DAY_MS)
      .orderBy('start_ms')
      .select({ start: 'start_ms', end: 'end_ms' })) as { start: number; end: number }[];
    rows.push({
      cameraId: c.id,
      recording: c.recording,
      source: 'console',
      oldest,
      actualDays: oldest === null ? 0 : Math.max(0, (h.now - oldest) / DAY_MS),
      coverage24h: Math.min(1, day.ms / DAY_MS),
      coverage30d: Math.min(1, month.ms / (30 * DAY_MS)),
      gaps24h: gapsIn(spans, h.now - DAY_MS, h.now).slice(-50),
      bytesPerDay: day.ms >= MIN_RATE_SAMPLE_MS ? (day.bytes / day.ms) * DAY_MS : null,
      retentionDays: c.retentionDays,
      requiredDays: c.requiredDays,
      first: firsts.get(c.id),
    });
  }
  const rate = rows.reduce((n, r) => n + (r.recording ? (r.bytesPerDay ?? 0) : 0), 0);
  let usable = recordingBytes - protectedBytes + Math.max(0, h.freeBytes - h.minFreeBytes);
  if (h.quotaBytes !== undefined) usable = Math.min(usable, Math.max(0, h.quotaBytes - protectedBytes));
  const diskDays = rate > 0 ? usable / rate : null;
  return {
    at: h.now,
    freeBytes: h.freeBytes,
    recordingBytes,
    protectedBytes,
    quotaBytes: h.quotaBytes ?? null,
    cameras: rows.map(({ first, ...r }) => {
      if (nvrFaults.has(r.cameraId)) return { ...r, projectedDays: null, fault: nvrFaults.get(r.cameraId)! };
      const projectedDays =
        r.recording && r.bytesPerDay !== null && diskDays !== null
          ? Math.min(r.retentionDays, diskDays)
          : null;
      const lost =
        first !== undefined &&
        first <= h.now - r.requiredDays * DAY_MS &&
        (r.oldest === null || r.oldest > h.now - r.requiredDays * DAY_MS + SLACK_MS);
      const fault: CameraRetention['fault'] = !r.recording
        ? null
        : lost
          ? 'actual'
          : projectedDays !== null && projectedDays < r.requiredDays
            ? 'projected'
            : null;
      return { ...r, projectedDays, fault };
    }),
  };
}
