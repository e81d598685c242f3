import type { Knex } from 'knex';
import type { GuardPosition, TrackPoint } from '../../../shared/contract';
import { present } from '../util/optional';

/** A track longer than this is thinned evenly (the first and last points always kept). */
const MAX_TRACK_POINTS = 5000;

interface PositionRow {
  guard_id: string;
  lat: number;
  lon: number;
  at: number;
  speed: number | null;
  bearing: number | null;
  accuracy: number | null;
  battery: number | null;
  source: string;
}

/** The stored columns of a position; the caller adds what it knows besides (flag, received_at, device). */
export function positionRow(p: GuardPosition) {
  return {
    guard_id: p.guardId,
    lat: p.position.lat,
    lon: p.position.lon,
    at: p.at,
    speed: p.speed ?? null,
    bearing: p.bearing ?? null,
    accuracy: p.accuracy ?? null,
    battery: p.battery ?? null,
    source: p.source,
  };
}

function fromRow(r: PositionRow): GuardPosition {
  return {
    guardId: r.guard_id,
    position: { lat: r.lat, lon: r.lon },
    at: r.at,
    ...present({ speed: r.speed, bearing: r.bearing, accuracy: r.accuracy, battery: r.battery }),
    source: r.source === 'osmand' ? 'osmand' : 'hub',
  };
}

/** Each guard's newest believed position (flagged fixes never count), for the map after a restart. */
export async function latestPositions(db: Knex): Promise<GuardPosition[]> {
  const rows = (await db('guard_positions')
    .whereIn('id', db('guard_positions').whereNull('flag').max('id').groupBy('guard_id'))
    .select()) as PositionRow[];
  return rows.map(fromRow);
}

/** A guard's track between two times, thinned to at most MAX_TRACK_POINTS; flagged fixes only when asked. */
export async function readTrack(
  db: Knex,
  guardId: string,
  from: number,
  to: number,
  flagged: boolean,
): Promise<{ points: TrackPoint[]; total: number; thinned: boolean }> {
  const query = db('guard_positions')
    .where({ guard_id: guardId })
    .whereBetween('at', [from, to])
    .orderBy('at')
    .select('lat', 'lon', 'at', 'bearing', 'speed', 'flag');
  if (!flagged) void query.whereNull('flag');
  const rows = (await query) as Array<{
    lat: number;
    lon: number;
    at: number;
    bearing: number | null;
    speed: number | null;
    flag: 'jump' | 'time' | null;
  }>;
  const step = Math.max(1, Math.ceil(rows.length / MAX_TRACK_POINTS));
  const kept = rows.filter((_, i) => i % step === 0 || i === rows.length - 1);
  return {
    points: kept.map((r) => ({
      lat: r.lat,
      lon: r.lon,
      at: r.at,
      ...(r.bearing !== null ? { bearing: r.bearing } : {}),
      ...(r.speed !== null ? { speed: r.speed } : {}),
      ...(r.flag ? { flag: r.flag } : {}),
    })),
    total: rows.length,
    thinned: step > 1,
  };
}

/** Deletes positions older than `before`; returns how many went. */
export async function prunePositions(db: Knex, before: number): Promise<number> {
  return db('guard_positions').where('at', '<', before).delete();
}
