import type { Knex } from 'knex';
import type { AssignmentFact, HandoverFact } from '../../../shared/domain/report-people';
import type {
  AlarmFact,
  DrillFact,
  HazardFact,
  OrderFact,
  RoundFact,
  VisitorFact,
} from '../../../shared/domain/report-figures';
import type { ParkingCount } from '../../../shared/domain/posts';

/** Everything a report of one period is computed from, read once. */
export interface PeriodFacts {
  from: number;
  to: number;
  alarms: AlarmFact[];
  rounds: RoundFact[];
  drills: DrillFact[];
  hazards: HazardFact[];
  orders: OrderFact[];
  visitors: VisitorFact[];
  /** Patrol parking counts taken in the period (车辆规范停放率). */
  parking: ParkingCount[];
  gateReads: Array<{ gateId: string; reads: number }>;
  assignments: AssignmentFact[];
  guardVisits: Array<{ guardId: string; visits: number }>;
}

type Raw = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

async function all(db: Knex, sql: string, bindings: readonly unknown[]): Promise<Raw[]> {
  return (await db.raw(sql, bindings as Knex.RawBinding[])) as Raw[];
}

/**
 * SQLite answers synchronously, on the core's one thread: a year of a large site read in one query would hold every
 * alarm arriving meanwhile. A period is read a week at a time, each an indexed range scan, with a turn of the event
 * loop between them.
 */
const CHUNK_MS = 7 * 86_400_000;

async function chunked(
  db: Knex,
  range: { from: number; to: number },
  sql: string,
  extra: readonly unknown[] = [],
): Promise<Raw[]> {
  const out: Raw[] = [];
  for (let a = range.from; a < range.to; a += CHUNK_MS) {
    const rows = await all(db, sql, [a, Math.min(range.to, a + CHUNK_MS), ...extra]);
    for (const r of rows) out.push(r);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

/** Whether a table exists: the vehicles and facilities tables arrived with their own migrations. */
async function hasTable(db: Knex, name: string): Promise<boolean> {
  const rows = await all(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]);
  return rows.length > 0;
}

/** Everything a report of one period is computed from: its summarised rows and the rest. */
export async function readFacts(
  db: Knex,
  range: { from: number; to: number },
  routeCheckpoints: ReadonlyMap<string, readonly string[]>,
): Promise<PeriodFacts> {
  const summarised = await readSummaryFacts(db, range, routeCheckpoints);
  return { from: range.from, to: range.to, ...summarised, ...(await readOtherFacts(db, range)) };
}

/**
 * The rows of [from, to) that a day summary folds (report-summary.ts): alarms received in it (with when they were
 * first dispatched, on scene and whether they were ever reopened), patrol rounds that started in it, work orders opened, visitors who entered in
 * it and gate reads. Reads only columns that other features keep stable.
 */
export async function readSummaryFacts(
  db: Knex,
  range: { from: number; to: number },
  routeCheckpoints: ReadonlyMap<string, readonly string[]>,
): Promise<Omit<PeriodFacts, 'from' | 'to' | 'drills' | 'hazards' | 'parking'>> {
  const { from, to } = range;
  const alarmRows = await chunked(
    db,
    range,
    `SELECT a.id, a.type, a.priority, a.zone, a.device_id, a.received_at, a.acknowledged_at, a.ack_ms,
        a.resolved_at, a.resolve_ms, a.disposition, a.escalated_at, a.drill, i.drill AS incident_drill,
        a.acknowledged_by, a.resolved_by
      FROM alarms a LEFT JOIN incidents i ON i.id = a.incident_id
      WHERE a.received_at >= ? AND a.received_at < ?`,
  );
  const stages = await chunked(
    db,
    range,
    // CROSS JOIN keeps SQLite on this order: the period's alarms by their index, then each one's trail by its
    // own (alarm_events has no index by kind; scanning it whole was 20 times slower on a year of a large site).
    `SELECT e.alarm_id, e.kind, MIN(e.at) AS at FROM alarms a
      CROSS JOIN alarm_events e ON e.alarm_id = a.id
      WHERE a.received_at >= ? AND a.received_at < ? AND e.kind IN ('dispatched', 'on_scene', 'reopened')
      GROUP BY e.alarm_id, e.kind`,
  );
  const stageOf = new Map<string, { dispatched?: number; on_scene?: number; reopened?: number }>();
  for (const s of stages) {
    const id = String(s.alarm_id);
    const entry = stageOf.get(id) ?? {};
    entry[String(s.kind) as 'dispatched' | 'on_scene' | 'reopened'] = Number(s.at);
    stageOf.set(id, entry);
  }
  const alarms: AlarmFact[] = alarmRows.map((r) => {
    const id = String(r.id);
    const s = stageOf.get(id);
    const receivedAt = Number(r.received_at);
    const acknowledgedAt = num(r.acknowledged_at);
    return {
      id,
      type: String(r.type),
      priority: Number(r.priority),
      zone: str(r.zone),
      deviceId: str(r.device_id),
      receivedAt,
      ackMs: num(r.ack_ms) ?? (acknowledgedAt === null ? null : Math.max(0, acknowledgedAt - receivedAt)),
      dispatchedAt: s?.dispatched ?? null,
      onSceneAt: s?.on_scene ?? null,
      resolvedAt: num(r.resolved_at),
      resolveMs: num(r.resolve_ms),
      disposition: str(r.disposition),
      escalated: r.escalated_at !== null,
      drill: Number(r.drill) === 1 || Number(r.incident_drill) === 1,
      reopened: s?.reopened !== undefined,
      ackBy: str(r.acknowledged_by),
      resolvedBy: str(r.resolved_by),
    };
  });
  // The guards sent to the period's alarms (people section): the same order as the trail above, for the same reason.
  const assignments: AssignmentFact[] = (
    await chunked(
      db,
      range,
      `SELECT g.alarm_id, g.guard_id, g.dispatched_at, g.arrived_at FROM alarms a
        CROSS JOIN guard_assignments g ON g.alarm_id = a.id
        WHERE a.received_at >= ? AND a.received_at < ?`,
    )
  ).map((g) => ({
    alarmId: String(g.alarm_id),
    guardId: String(g.guard_id),
    dispatchedAt: Number(g.dispatched_at),
    arrivedAt: num(g.arrived_at),
  }));

  const roundRows = await chunked(
    db,
    range,
    `SELECT route_id, round_start, band, checkpoints, on_time, early, late, missed, skipped
      FROM patrol_rounds WHERE round_start >= ? AND round_start < ?`,
  );
  const visitRows = await chunked(
    db,
    range,
    'SELECT route_id, round_start, checkpoint_id, guard_id FROM patrol_visits WHERE round_start >= ? AND round_start < ?',
  );
  const visits = new Map<string, Array<{ checkpoint: string; guard: string }>>();
  const perGuard = new Map<string, number>();
  for (const v of visitRows) {
    perGuard.set(String(v.guard_id), (perGuard.get(String(v.guard_id)) ?? 0) + 1);
    const key = `${String(v.route_id)}|${String(v.round_start)}`;
    const list = visits.get(key) ?? [];
    list.push({ checkpoint: String(v.checkpoint_id), guard: String(v.guard_id) });
    visits.set(key, list);
  }
  const rounds: RoundFact[] = roundRows.map((r) => {
    const routeId = String(r.route_id);
    const seen = visits.get(`${routeId}|${String(r.round_start)}`) ?? [];
    const byGuard = new Map<string, number>();
    for (const v of seen) byGuard.set(v.guard, (byGuard.get(v.guard) ?? 0) + 1);
    const guardId =
      [...byGuard.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
    const reached = new Set(seen.map((v) => v.checkpoint));
    const missed = Number(r.missed);
    return {
      routeId,
      roundStart: Number(r.round_start),
      band: r.band === 'night' ? 'night' : 'day',
      checkpoints: Number(r.checkpoints),
      onTime: Number(r.on_time),
      early: Number(r.early),
      late: Number(r.late),
      missed,
      skipped: Number(r.skipped) === 1,
      guardId,
      missedCheckpoints:
        missed > 0 ? (routeCheckpoints.get(routeId) ?? []).filter((c) => !reached.has(c)) : [],
    };
  });

  // A closed order is not touched again, so its last update is when it was verified or refused.
  const orders: OrderFact[] = (await hasTable(db, 'work_orders'))
    ? (
        await all(
          db,
          'SELECT id, created_at, due_at, state, updated_at FROM work_orders WHERE created_at >= ? AND created_at < ?',
          [from, to],
        )
      ).map((o) => ({
        id: String(o.id),
        createdAt: Number(o.created_at),
        dueAt: Number(o.due_at),
        state: String(o.state),
        closedAt: o.state === 'verified' || o.state === 'refused' ? Number(o.updated_at) : null,
      }))
    : [];
  const visitors: VisitorFact[] = (await hasTable(db, 'visitors'))
    ? (
        await all(
          db,
          'SELECT id, entered_at, overstayed_at FROM visitors WHERE entered_at >= ? AND entered_at < ?',
          [from, to],
        )
      ).map((v) => ({
        id: String(v.id),
        enteredAt: Number(v.entered_at),
        overstayed: v.overstayed_at !== null,
      }))
    : [];
  const perGate = new Map<string, number>();
  if (await hasTable(db, 'gate_reads'))
    for (const g of await chunked(
      db,
      range,
      'SELECT gate_id, COUNT(*) AS n FROM gate_reads WHERE at >= ? AND at < ? GROUP BY gate_id',
    ))
      perGate.set(String(g.gate_id), (perGate.get(String(g.gate_id)) ?? 0) + Number(g.n));
  const gateReads = [...perGate.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([gateId, reads]) => ({ gateId, reads }));
  const guardVisits = [...perGuard.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([guardId, n]) => ({ guardId, visits: n }));
  return { alarms, rounds, orders, visitors, gateReads, assignments, guardVisits };
}

/**
 * The period's drills (scheduled in it, with their steps against the playbook's targets), hazards found and patrol
 * parking counts taken.
 */
export async function readOtherFacts(
  db: Knex,
  range: { from: number; to: number },
): Promise<{ drills: DrillFact[]; hazards: HazardFact[]; parking: ParkingCount[] }> {
  const { from, to } = range;
  const drillRows = await all(
    db,
    `SELECT d.id, d.title, d.scheduled_at, d.state, d.started_at, d.finished_at, d.corrective_actions, d.run_id,
        v.definition
      FROM drills d LEFT JOIN playbook_runs r ON r.id = d.run_id LEFT JOIN playbook_versions v ON v.id = r.version_id
      WHERE d.scheduled_at >= ? AND d.scheduled_at < ?`,
    [from, to],
  );
  const drills: DrillFact[] = [];
  for (const d of drillRows) {
    const startedAt = num(d.started_at);
    let stepsTimed = 0;
    let stepsLate = 0;
    if (d.run_id && d.definition && startedAt !== null) {
      const targets = stepTargets(String(d.definition));
      const done = await all(db, 'SELECT step_id, at FROM playbook_steps WHERE run_id = ?', [d.run_id]);
      const at = new Map(done.map((s) => [String(s.step_id), Number(s.at)]));
      for (const [step, targetSec] of targets) {
        stepsTimed++;
        const t = at.get(step);
        if (t === undefined || t - startedAt > targetSec * 1000) stepsLate++;
      }
    }
    drills.push({
      id: String(d.id),
      title: String(d.title),
      scheduledAt: Number(d.scheduled_at),
      state: String(d.state),
      startedAt,
      finishedAt: num(d.finished_at),
      stepsTimed,
      stepsLate,
      correctiveActions: jsonLength(d.corrective_actions),
    });
  }

  const hazards: HazardFact[] = (await hasTable(db, 'hazards'))
    ? (
        await all(
          db,
          'SELECT id, found_at, deadline, rectified_at, state FROM hazards WHERE found_at >= ? AND found_at < ?',
          [from, to],
        )
      ).map((h) => ({
        id: String(h.id),
        foundAt: Number(h.found_at),
        deadline: num(h.deadline),
        rectifiedAt: num(h.rectified_at),
        state: String(h.state),
      }))
    : [];
  // Few rows (a count per area and round): read whole, not summarised per day.
  const parking: ParkingCount[] = (await hasTable(db, 'parking_counts'))
    ? (
        await all(db, 'SELECT area, counted, violations FROM parking_counts WHERE at >= ? AND at < ?', [
          from,
          to,
        ])
      ).map((p) => ({ area: String(p.area), counted: Number(p.counted), violations: Number(p.violations) }))
    : [];
  return { drills, hazards, parking };
}

/** A stored playbook definition's steps that have a target (`targetSec`), read leniently. */
export function stepTargets(definition: string): Array<[string, number]> {
  try {
    const def = JSON.parse(definition) as { steps?: Array<{ id?: unknown; targetSec?: unknown }> };
    return (def.steps ?? [])
      .filter((s) => typeof s.id === 'string' && typeof s.targetSec === 'number')
      .map((s) => [s.id as string, s.targetSec as number]);
  } catch {
    return [];
  }
}

function jsonLength(v: unknown): number {
  try {
    const parsed = JSON.parse(String(v ?? '[]')) as unknown;
    return Array.isArray(parsed) ? parsed.length : 0;
  } catch {
    return 0;
  }
}

/**
 * What the people section reads beside the day summaries, both small: the handovers signed in the period (the shift
 * record keeps the outgoing and incoming operators' names) and, per guard, whether he holds a certificate valid on
 * `asOf` (a local day). Without the training feature's table, `training` is undefined: not known, not "no".
 */
export async function readPeopleFacts(
  db: Knex,
  range: { from: number; to: number },
  asOf: string,
): Promise<{ handovers: HandoverFact[]; training?: Map<string, boolean> }> {
  const names = (v: unknown): string[] => {
    try {
      const list = JSON.parse(String(v ?? '[]')) as unknown;
      return Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : [];
    } catch {
      return [];
    }
  };
  const handovers: HandoverFact[] = (
    await all(
      db,
      `SELECT ended_at, outgoing, incoming FROM shifts
        WHERE ended_at >= ? AND ended_at < ? AND outgoing IS NOT NULL ORDER BY ended_at`,
      [range.from, range.to],
    )
  ).map((s) => ({ at: Number(s.ended_at), outgoing: names(s.outgoing), incoming: names(s.incoming) }));
  if (!(await hasTable(db, 'certificates'))) return { handovers };
  const training = new Map<string, boolean>();
  for (const r of await all(
    db,
    `SELECT DISTINCT person_id FROM certificates
      WHERE person_kind = 'guard' AND issued_on <= ? AND expires_on >= ?`,
    [asOf, asOf],
  ))
    training.set(String(r.person_id), true);
  return { handovers, training };
}
