import { targetFor, type ResponseTargets } from './alarm-lifecycle';
import type { LocalClock } from './report-period';

/**
 * The figures of the reports (issue 19) as pure functions over rows the core reads: what counts and how is decided
 * here only, and each figure's definition (shared/i18n `reports.def.*`) says the same in words.
 */

export interface AlarmFact {
  id: string;
  type: string;
  priority: number;
  zone: string | null;
  deviceId: string | null;
  receivedAt: number;
  /** Response times on the steady clock where the console measured them (ms), else from the wall times. */
  ackMs: number | null;
  dispatchedAt: number | null;
  onSceneAt: number | null;
  resolvedAt: number | null;
  resolveMs: number | null;
  disposition: string | null;
  escalated: boolean;
  /** A drill alarm or an alarm of a drill incident: never counted. */
  drill: boolean;
  reopened: boolean;
  /** Who acknowledged it and who resolved it last, as the alarm keeps them (the operator's name; 绩效). */
  ackBy?: string | null;
  resolvedBy?: string | null;
}

export interface RoundFact {
  routeId: string;
  roundStart: number;
  band: 'day' | 'night';
  checkpoints: number;
  onTime: number;
  early: number;
  late: number;
  missed: number;
  skipped: boolean;
  /** The guard who reached most of its checkpoints (null: none reached). */
  guardId: string | null;
  /** Checkpoints of the route not reached in the round. */
  missedCheckpoints: string[];
}

export interface DrillFact {
  id: string;
  title: string;
  scheduledAt: number;
  state: string;
  startedAt: number | null;
  finishedAt: number | null;
  /** Steps with a target, and those recorded after it (or never). */
  stepsTimed: number;
  stepsLate: number;
  correctiveActions: number;
}

export interface HazardFact {
  id: string;
  foundAt: number;
  deadline: number | null;
  rectifiedAt: number | null;
  state: string;
}

export interface OrderFact {
  id: string;
  createdAt: number;
  dueAt: number;
  state: string;
  /** When it was verified or refused (null: still open). */
  closedAt: number | null;
}

export interface VisitorFact {
  id: string;
  enteredAt: number;
  overstayed: boolean;
}

/** A count or a rate per key: what a bar chart shows and what a click on a bar lists. */
export interface Tally {
  key: string;
  value: number;
}

/** Nearest-rank percentile (q in 0..1) of ascending values; null for none. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Alarms that count: drills never do. */
export function counted(alarms: readonly AlarmFact[]): AlarmFact[] {
  return alarms.filter((a) => !a.drill);
}

export function tallyBy<T>(rows: readonly T[], key: (r: T) => string | null): Tally[] {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = key(r) ?? '';
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()]
    .map(([k, value]) => ({ key: k, value }))
    .sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1));
}

/** 7 rows (Monday first) × 24 hours of alarm counts in the site's local time. */
export function heatMap(alarms: readonly AlarmFact[], clock: LocalClock): number[][] {
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const a of alarms) {
    const { hour, weekday } = clock.hourAndWeekday(a.receivedAt);
    grid[weekday]![hour]!++;
  }
  return grid;
}

export const FALSE_DISPOSITIONS = new Set(['false_alarm', 'nuisance']);

export interface Offender {
  key: string;
  total: number;
  real: number;
  falseOrNuisance: number;
  /** false + nuisance over resolved with a disposition other than test. */
  falseRate: number | null;
}

/**
 * Real against false/nuisance per device or zone, worst first (the devices that need maintenance): ranked by how
 * many false or nuisance alarms they raised, then by their rate. Test dispositions and open alarms are left out.
 */
export function offenders(alarms: readonly AlarmFact[], by: 'deviceId' | 'zone', limit = 10): Offender[] {
  const m = new Map<string, Offender>();
  for (const a of alarms) {
    const key = a[by];
    if (!key || !a.disposition || a.disposition === 'test') continue;
    const o = m.get(key) ?? { key, total: 0, real: 0, falseOrNuisance: 0, falseRate: null };
    o.total++;
    if (a.disposition === 'real') o.real++;
    if (FALSE_DISPOSITIONS.has(a.disposition)) o.falseOrNuisance++;
    m.set(key, o);
  }
  return worstOffenders([...m.values()], limit);
}

/**
 * The offenders' ranking, for the rows and for the day summaries alike: with their rate, those with a false or
 * nuisance alarm, worst first (count, then rate, then key), at most `limit`.
 */
export function worstOffenders(counts: readonly Omit<Offender, 'falseRate'>[], limit: number): Offender[] {
  return counts
    .map((o) => ({ ...o, falseRate: ratio(o.falseOrNuisance, o.total) }))
    .filter((o) => o.falseOrNuisance > 0)
    .sort(
      (a, b) =>
        b.falseOrNuisance - a.falseOrNuisance ||
        (b.falseRate ?? 0) - (a.falseRate ?? 0) ||
        (a.key < b.key ? -1 : 1),
    )
    .slice(0, limit);
}

export const RESPONSE_STAGES = ['acknowledge', 'dispatch', 'onScene', 'resolve'] as const;
export type ResponseStage = (typeof RESPONSE_STAGES)[number];

/** ms from receipt to a stage, or null if it never got there. */
export function stageMs(a: AlarmFact, stage: ResponseStage): number | null {
  switch (stage) {
    case 'acknowledge':
      return a.ackMs;
    case 'dispatch':
      return a.dispatchedAt === null ? null : Math.max(0, a.dispatchedAt - a.receivedAt);
    case 'onScene':
      return a.onSceneAt === null ? null : Math.max(0, a.onSceneAt - a.receivedAt);
    case 'resolve':
      return a.resolveMs ?? (a.resolvedAt === null ? null : Math.max(0, a.resolvedAt - a.receivedAt));
  }
}

export interface StageTimes {
  stage: ResponseStage;
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
}

export function stageTimes(alarms: readonly AlarmFact[]): StageTimes[] {
  return RESPONSE_STAGES.map((stage) => {
    const times = alarms
      .map((a) => stageMs(a, stage))
      .filter((t): t is number => t !== null)
      .sort((x, y) => x - y);
    return { stage, count: times.length, p50Ms: percentile(times, 0.5), p90Ms: percentile(times, 0.9) };
  });
}

export interface PriorityShare {
  priority: number;
  alarms: number;
  acknowledgedWithin: number;
  resolvedWithin: number;
  /** Acknowledged within target over all alarms of the priority (never acknowledged = not within). */
  ackShare: number | null;
  resolveShare: number | null;
}

/** Per priority: the share acknowledged and resolved within its targets. */
export function withinTarget(alarms: readonly AlarmFact[], targets: ResponseTargets): PriorityShare[] {
  const out: PriorityShare[] = [];
  for (const priority of [1, 2, 3, 4, 5]) {
    const of = alarms.filter((a) => a.priority === priority);
    if (of.length === 0) continue;
    const ackT = targetFor(targets.acknowledgeSec, priority) * 1000;
    const resT = targetFor(targets.resolveSec, priority) * 1000;
    const acknowledgedWithin = of.filter((a) => a.ackMs !== null && a.ackMs <= ackT).length;
    const resolvedWithin = of.filter((a) => {
      const t = stageMs(a, 'resolve');
      return t !== null && t <= resT;
    }).length;
    out.push({
      priority,
      alarms: of.length,
      acknowledgedWithin,
      resolvedWithin,
      ackShare: ratio(acknowledgedWithin, of.length),
      resolveShare: ratio(resolvedWithin, of.length),
    });
  }
  return out;
}

/**
 * 突发事件处置及时率: of the real incidents (disposition real) received in the period, the share acknowledged and
 * resolved within their priority's targets. A reopened alarm is judged by its final resolution.
 */
export function incidentTimeliness(
  alarms: readonly AlarmFact[],
  targets: ResponseTargets,
): { real: number; timely: number; rate: number | null } {
  const real = alarms.filter((a) => a.disposition === 'real');
  const timely = real.filter((a) => {
    const ack = a.ackMs;
    const res = stageMs(a, 'resolve');
    return (
      ack !== null &&
      res !== null &&
      ack <= targetFor(targets.acknowledgeSec, a.priority) * 1000 &&
      res <= targetFor(targets.resolveSec, a.priority) * 1000
    );
  }).length;
  return { real: real.length, timely, rate: ratio(timely, real.length) };
}

export type RoundOutcome = 'onTime' | 'late' | 'missed';

/**
 * A round is missed when any of its checkpoints was not reached, late when all were but one or more after the
 * round's window, on time otherwise (early visits count as on time). Rounds the clock jumped over are skipped.
 */
export function roundOutcome(r: RoundFact): RoundOutcome {
  if (r.missed > 0) return 'missed';
  if (r.late > 0) return 'late';
  return 'onTime';
}

export interface RoundTally {
  key: string;
  onTime: number;
  late: number;
  missed: number;
  total: number;
  onTimeRate: number | null;
}

export function roundsBy(rounds: readonly RoundFact[], key: (r: RoundFact) => string | null): RoundTally[] {
  const m = new Map<string, RoundTally>();
  for (const r of rounds) {
    if (r.skipped) continue;
    const k = key(r) ?? '';
    const t = m.get(k) ?? { key: k, onTime: 0, late: 0, missed: 0, total: 0, onTimeRate: null };
    t[roundOutcome(r)]++;
    t.total++;
    m.set(k, t);
  }
  return [...m.values()]
    .map((t) => ({ ...t, onTimeRate: ratio(t.onTime, t.total) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function checkpointsMissed(rounds: readonly RoundFact[], limit = 10): Tally[] {
  const all = rounds.filter((r) => !r.skipped).flatMap((r) => r.missedCheckpoints);
  return tallyBy(all, (c) => c).slice(0, limit);
}

export interface DrillSummary {
  scheduled: number;
  done: number;
  cancelled: number;
  stepsTimed: number;
  stepsLate: number;
  /** Steps done within their target over steps with a target. */
  onTargetRate: number | null;
  correctiveActions: number;
}

/** Drills scheduled in the period: how many were run to the end, and their steps against the playbook's targets. */
export function drillSummary(drills: readonly DrillFact[]): DrillSummary {
  const done = drills.filter((d) => d.state === 'finished');
  const stepsTimed = done.reduce((s, d) => s + d.stepsTimed, 0);
  const stepsLate = done.reduce((s, d) => s + d.stepsLate, 0);
  return {
    scheduled: drills.filter((d) => d.state !== 'cancelled').length,
    done: done.length,
    cancelled: drills.filter((d) => d.state === 'cancelled').length,
    stepsTimed,
    stepsLate,
    onTargetRate: ratio(stepsTimed - stepsLate, stepsTimed),
    correctiveActions: done.reduce((s, d) => s + d.correctiveActions, 0),
  };
}

export interface HazardSummary {
  found: number;
  rectifiedOnTime: number;
  /** 隐患排查整改率: hazards found in the period rectified by their deadline (no deadline: at all), over found. */
  rate: number | null;
  overdue: number;
}

export function hazardSummary(hazards: readonly HazardFact[], now: number): HazardSummary {
  const onTime = hazards.filter(
    (h) => h.rectifiedAt !== null && (h.deadline === null || h.rectifiedAt <= h.deadline),
  ).length;
  const overdue = hazards.filter(
    (h) => h.rectifiedAt === null && h.deadline !== null && h.deadline < now,
  ).length;
  return { found: hazards.length, rectifiedOnTime: onTime, rate: ratio(onTime, hazards.length), overdue };
}

export interface OrderSummary {
  opened: number;
  closed: number;
  /** Still open past their due time now, or closed after it. */
  overdue: number;
  closeP50Ms: number | null;
  closeP90Ms: number | null;
}

export function orderSummary(orders: readonly OrderFact[], now: number): OrderSummary {
  const closed = orders.filter((o) => o.closedAt !== null);
  const times = closed.map((o) => o.closedAt! - o.createdAt).sort((a, b) => a - b);
  const overdue = orders.filter((o) => (o.closedAt ?? now) > o.dueAt).length;
  return {
    opened: orders.length,
    closed: closed.length,
    overdue,
    closeP50Ms: percentile(times, 0.5),
    closeP90Ms: percentile(times, 0.9),
  };
}

export function visitorSummary(visitors: readonly VisitorFact[]): {
  visitors: number;
  overstays: number;
  rate: number | null;
} {
  const overstays = visitors.filter((v) => v.overstayed).length;
  return { visitors: visitors.length, overstays, rate: ratio(overstays, visitors.length) };
}

/** Alarms per local day, for the trend line of a period and its comparison. */
export function perDay(alarms: readonly AlarmFact[], clock: LocalClock): Tally[] {
  return tallyBy(alarms, (a) => clock.day(a.receivedAt)).sort((a, b) => (a.key < b.key ? -1 : 1));
}
