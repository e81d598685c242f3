import type { Knex } from 'knex';
import { targetFor, type ResponseTargets } from '../../../shared/domain/alarm-lifecycle';

export interface ResponseStatistics {
  from: number;
  to: number;
  /** Real alarms received in the range, by type. Drills never count. */
  byType: Record<string, number>;
  total: number;
  acknowledged: number;
  acknowledgedWithinTarget: number;
  /** Median and 90th-percentile time to acknowledge, in ms (null with no acknowledged alarm). */
  ackP50Ms: number | null;
  ackP90Ms: number | null;
  resolved: number;
  resolvedWithinTarget: number;
  /** Alarms received in the range that are still open. */
  open: number;
}

/**
 * Response statistics for a time range (a shift, a day). The one place that decides what counts: drill alarms
 * (`alarms.drill`) and alarms of drill incidents are excluded, held-back disaster-mode alarms count like others.
 */
export async function responseStatistics(
  db: Knex | Knex.Transaction,
  range: { from: number; to: number },
  targets: ResponseTargets,
): Promise<ResponseStatistics> {
  const rows = (await db('alarms as a')
    .leftJoin('incidents as i', 'i.id', 'a.incident_id')
    .where('a.received_at', '>=', range.from)
    .andWhere('a.received_at', '<', range.to)
    .andWhere('a.drill', 0)
    .andWhere((q) => q.whereNull('i.drill').orWhere('i.drill', 0))
    .select(
      'a.type',
      'a.priority',
      'a.state',
      'a.received_at',
      'a.acknowledged_at',
      'a.resolved_at',
      'a.ack_ms',
      'a.resolve_ms',
    )) as Array<{
    type: string;
    priority: number;
    state: string;
    received_at: number;
    acknowledged_at: number | null;
    resolved_at: number | null;
    ack_ms: number | null;
    resolve_ms: number | null;
  }>;
  const byType: Record<string, number> = {};
  const ackTimes: number[] = [];
  let acknowledgedWithinTarget = 0;
  let resolved = 0;
  let resolvedWithinTarget = 0;
  let open = 0;
  for (const r of rows) {
    byType[r.type] = (byType[r.type] ?? 0) + 1;
    // Response times as measured on the steady clock: the wall clock stepped in between changes none of them.
    if (r.acknowledged_at !== null) {
      const ms = r.ack_ms ?? r.acknowledged_at - r.received_at;
      ackTimes.push(ms);
      if (ms <= targetFor(targets.acknowledgeSec, r.priority) * 1000) acknowledgedWithinTarget++;
    }
    if (r.resolved_at !== null) {
      resolved++;
      if (
        (r.resolve_ms ?? r.resolved_at - r.received_at) <=
        targetFor(targets.resolveSec, r.priority) * 1000
      ) {
        resolvedWithinTarget++;
      }
    }
    if (r.state !== 'resolved') open++;
  }
  ackTimes.sort((a, b) => a - b);
  const pick = (q: number) =>
    ackTimes.length ? ackTimes[Math.min(ackTimes.length - 1, Math.floor(q * ackTimes.length))]! : null;
  return {
    ...range,
    byType,
    total: rows.length,
    acknowledged: ackTimes.length,
    acknowledgedWithinTarget,
    ackP50Ms: pick(0.5),
    ackP90Ms: pick(0.9),
    resolved,
    resolvedWithinTarget,
    open,
  };
}
