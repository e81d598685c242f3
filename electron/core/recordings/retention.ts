import type { Knex } from 'knex';
import type { SegmentRow, SegmentStore } from './store';

export interface RetentionSettings {
  /** All cameras' segments together may use this many bytes (absent: no quota). */
  quotaBytes?: number | undefined;
  /** Below this much free space on the recording disk, the oldest segments go whatever their age. */
  minFreeBytes: number;
  /** Files deleted (and rows removed) per transaction. */
  batch: number;
  /** Spans an export is reading now: passed by like protected segments until it ends. */
  held?: readonly Hold[] | undefined;
}

export interface Hold {
  camera: string;
  from: number;
  to: number;
}

export interface RetentionResult {
  byAge: number;
  bySpace: number;
  bytes: number;
  /** Space is still short and only protected segments are left to delete. */
  short: boolean;
}

const DAY_MS = 86_400_000;

/**
 * One retention pass: first by age per camera (its `retentionDays`), then, while the quota is exceeded or the
 * disk's free space is under the floor, the oldest unprotected segments of any camera. Protected segments
 * (evidence) are never deleted here.
 */
export async function runRetention(
  db: Knex,
  store: SegmentStore,
  now: number,
  cameras: readonly { id: string; retentionDays: number }[],
  settings: RetentionSettings,
  freeSpace: () => Promise<number>,
): Promise<RetentionResult> {
  const result: RetentionResult = { byAge: 0, bySpace: 0, bytes: 0, short: false };
  const unprotected = () => {
    const q = db('recordings').where('protected', 0);
    for (const h of settings.held ?? [])
      q.whereNot((b) =>
        b.where('camera', h.camera).andWhere('end_ms', '>', h.from).andWhere('start_ms', '<', h.to),
      );
    return q.orderBy('start_ms').limit(settings.batch);
  };
  for (const camera of cameras) {
    for (;;) {
      const rows = (await unprotected()
        .andWhere('camera', camera.id)
        .andWhere('end_ms', '<', now - camera.retentionDays * DAY_MS)) as SegmentRow[];
      if (rows.length === 0) break;
      result.bytes += await store.remove(rows);
      result.byAge += rows.length;
    }
  }
  for (;;) {
    const used = Number(
      ((await db('recordings').sum({ n: 'bytes' }).first()) as { n: number | null } | undefined)?.n ?? 0,
    );
    const over = settings.quotaBytes !== undefined && used > settings.quotaBytes;
    if (!over && (await freeSpace()) >= settings.minFreeBytes) break;
    const rows = (await unprotected()) as SegmentRow[];
    if (rows.length === 0) {
      result.short = true;
      break;
    }
    // Past the quota, only as many as bring it back under; for free space, a batch at a time.
    const take = over && settings.quotaBytes !== undefined ? upTo(rows, used - settings.quotaBytes) : rows;
    result.bytes += await store.remove(take);
    result.bySpace += take.length;
  }
  return result;
}

function upTo(rows: SegmentRow[], bytes: number): SegmentRow[] {
  let sum = 0;
  const out: SegmentRow[] = [];
  for (const r of rows) {
    out.push(r);
    sum += r.bytes;
    if (sum >= bytes) break;
  }
  return out;
}
