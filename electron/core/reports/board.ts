import type { Knex } from 'knex';
import type { ShiftBoard } from '../../../shared/contract';
import { targetFor, type ResponseTargets } from '../../../shared/domain/alarm-lifecycle';
import { minuteOfDay } from '../../../shared/domain/patrol';
import { percentile } from '../../../shared/domain/report-figures';

/** When the shift (band) open at `now` began: the day band from `dayStart`, the night one from `dayEnd`. */
export function shiftStart(
  now: number,
  timeZone: string,
  bands: { dayStart: number; dayEnd: number },
): { from: number; band: 'day' | 'night' } {
  const minute = minuteOfDay(now, timeZone);
  const day = bands.dayStart <= minute && minute < bands.dayEnd;
  const start = day ? bands.dayStart : bands.dayEnd;
  const since = (minute - start + 1440) % 1440;
  const from = Math.floor(now / 60_000) * 60_000 - since * 60_000;
  return { from, band: day ? 'day' : 'night' };
}

/** The live shift board: the current shift's figures so far. Drills never count. */
export async function shiftBoard(
  db: Knex,
  o: { now: number; timeZone: string; bands: { dayStart: number; dayEnd: number }; targets: ResponseTargets },
): Promise<ShiftBoard> {
  const { from, band } = shiftStart(o.now, o.timeZone, o.bands);
  const notDrill = `a.drill = 0 AND (a.incident_id IS NULL OR NOT EXISTS
    (SELECT 1 FROM incidents i WHERE i.id = a.incident_id AND i.drill = 1))`;
  const one = async (sql: string, b: unknown[]) =>
    ((await db.raw(sql, b as Knex.RawBinding[])) as Array<Record<string, number | null>>)[0] ?? {};
  const open = await one(
    `SELECT COUNT(*) AS n FROM alarms a WHERE a.state <> 'resolved' AND ${notDrill}`,
    [],
  );
  const handled = await one(`SELECT COUNT(*) AS n FROM alarms a WHERE a.resolved_at >= ? AND ${notDrill}`, [
    from,
  ]);
  const received = (await db.raw(
    `SELECT a.priority, a.ack_ms FROM alarms a WHERE a.received_at >= ? AND ${notDrill}`,
    [from],
  )) as Array<{ priority: number; ack_ms: number | null }>;
  const acks = received
    .map((r) => r.ack_ms)
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  const byPriority = new Map<number, number>();
  for (const r of received) byPriority.set(r.priority, (byPriority.get(r.priority) ?? 0) + 1);
  const common = [...byPriority.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 3;
  const rounds = await one(
    `SELECT SUM(CASE WHEN missed = 0 THEN 1 ELSE 0 END) AS done, SUM(CASE WHEN missed > 0 THEN 1 ELSE 0 END) AS missed
      FROM patrol_rounds WHERE round_start >= ? AND skipped = 0`,
    [from],
  );
  const hazards = await one(
    "SELECT COUNT(*) AS n FROM hazards WHERE rectified_at IS NULL AND state <> 'closed' AND deadline IS NOT NULL AND deadline < ?",
    [o.now],
  );
  return {
    from,
    band,
    alarmsOpen: Number(open.n ?? 0),
    alarmsHandled: Number(handled.n ?? 0),
    ackMedianMs: percentile(acks, 0.5),
    ackTargetSec: targetFor(o.targets.acknowledgeSec, common),
    roundsDone: Number(rounds.done ?? 0),
    roundsMissed: Number(rounds.missed ?? 0),
    hazardsOverdue: Number(hazards.n ?? 0),
  };
}
