import { targetFor, type ResponseTargets } from './alarm-lifecycle';
import {
  counted,
  FALSE_DISPOSITIONS,
  RESPONSE_STAGES,
  ratio,
  roundOutcome,
  stageMs,
  worstOffenders,
  type AlarmFact,
  type Offender,
  type OrderFact,
  type PriorityShare,
  type ResponseStage,
  type RoundFact,
  type RoundTally,
  type StageTimes,
  type Tally,
  type VisitorFact,
} from './report-figures';
import {
  histogramPercentile,
  histogramTotal,
  histogramWithin,
  toHistogram,
  wholeSeconds,
  type Histogram,
} from './histogram';
import { emptyPeople, foldPeople, PeopleMerger, type PeopleFacts, type PeopleSummary } from './report-people';
import type { LocalClock } from './report-period';

export { histogramPercentile, histogramWithin, wholeSeconds, type Histogram };

/**
 * A report's large inputs (alarms, patrol rounds, work orders, visitors, gate reads) folded into counts and
 * histograms that add up: the summary of a month is the sum of its days' summaries (issue 19's speed). The core
 * keeps one per past local day (reports/summaries.ts); today's is folded from its rows each time.
 *
 * Exact, with one stated resolution: durations (response times, time to close a work order) are kept in whole
 * seconds rounded up. A share within a target is exact (targets are whole seconds: ⌈t/1000⌉ ≤ T ⇔ t ≤ 1000·T);
 * a median or p90 is the nearest-rank one of those whole seconds (the screen shows seconds at best).
 * Version 2 added the per-person parts (`people`, report-people.ts): a stored day of version 1 is folded again.
 */
export const SUMMARY_VERSION = 2;

/** key → count */
export type Counts = Record<string, number>;
export interface AlarmSummary {
  /** Alarms that count (drills never do). */
  n: number;
  real: number;
  /** With a disposition other than test, and of those false or nuisance. */
  judged: number;
  falseN: number;
  escalated: number;
  reopened: number;
  byType: Counts;
  byZone: Counts;
  byPriority: Counts;
  /** 7 × 24 (weekday × local hour, Monday first), flat. */
  heat: number[];
  /** Per device / zone: [judged, real, false or nuisance]. */
  devices: Record<string, [number, number, number]>;
  zones: Record<string, [number, number, number]>;
  /** Per stage, per priority: the seconds each alarm took to reach it. */
  times: Record<ResponseStage, Record<string, Histogram>>;
  /** Real alarms per priority: [ack s, resolve s, count, …] (-1: never), for 突发事件处置及时率's joint test. */
  realTimes: Record<string, number[]>;
}

export interface RoundSummary {
  /** Walked rounds (skipped ones left out) per key: [on time, late, missed]. */
  byRoute: Record<string, [number, number, number]>;
  byBand: Record<string, [number, number, number]>;
  byGuard: Record<string, [number, number, number]>;
  checkpointsMissed: Counts;
}

export interface OrderSummaryParts {
  opened: number;
  closed: number;
  /** Closed after their due time. */
  closedLate: number;
  /** Seconds from opening to closing. */
  closeTimes: Histogram;
  /** The due times of orders still open: whether they are overdue depends on when the report is read. */
  openDue: number[];
}

export interface PeriodSummary {
  alarms: AlarmSummary;
  rounds: RoundSummary;
  orders: OrderSummaryParts;
  visitors: { n: number; overstays: number };
  gateReads: Counts;
  /** Per guard and per operator (绩效). */
  people: PeopleSummary;
}

/** The rows a summary is folded from. */
export interface SummaryFacts extends PeopleFacts {
  alarms: readonly AlarmFact[];
  rounds: readonly RoundFact[];
  orders: readonly OrderFact[];
  visitors: readonly VisitorFact[];
  gateReads: ReadonlyArray<{ gateId: string; reads: number }>;
}

export function emptySummary(): PeriodSummary {
  const times = {} as Record<ResponseStage, Record<string, Histogram>>;
  for (const s of RESPONSE_STAGES) times[s] = {};
  return {
    alarms: {
      n: 0,
      real: 0,
      judged: 0,
      falseN: 0,
      escalated: 0,
      reopened: 0,
      byType: {},
      byZone: {},
      byPriority: {},
      heat: new Array<number>(7 * 24).fill(0),
      devices: {},
      zones: {},
      times,
      realTimes: {},
    },
    rounds: { byRoute: {}, byBand: {}, byGuard: {}, checkpointsMissed: {} },
    orders: { opened: 0, closed: 0, closedLate: 0, closeTimes: [], openDue: [] },
    visitors: { n: 0, overstays: 0 },
    gateReads: {},
    people: emptyPeople(),
  };
}

const bump = (c: Counts, k: string, by = 1) => {
  c[k] = (c[k] ?? 0) + by;
};

function bumpTriple(m: Record<string, [number, number, number]>, k: string, t: readonly number[]) {
  const e = m[k] ?? (m[k] = [0, 0, 0]);
  e[0] += t[0]!;
  e[1] += t[1]!;
  e[2] += t[2]!;
}

/** Folds rows into a summary. `clock` places alarms on their local weekday and hour. */
export function summarize(f: SummaryFacts, clock: LocalClock): PeriodSummary {
  const s = emptySummary();
  const a = s.alarms;
  const times = new Map<string, Map<number, number>>();
  const real = new Map<string, Map<string, number>>();
  for (const x of counted(f.alarms)) {
    a.n++;
    bump(a.byType, x.type);
    bump(a.byZone, x.zone ?? '');
    bump(a.byPriority, String(x.priority));
    const { hour, weekday } = clock.hourAndWeekday(x.receivedAt);
    a.heat[weekday * 24 + hour]!++;
    if (x.escalated) a.escalated++;
    if (x.reopened) a.reopened++;
    if (x.disposition === 'real') a.real++;
    if (x.disposition && x.disposition !== 'test') {
      a.judged++;
      const isFalse = FALSE_DISPOSITIONS.has(x.disposition);
      if (isFalse) a.falseN++;
      const t = [1, x.disposition === 'real' ? 1 : 0, isFalse ? 1 : 0];
      if (x.deviceId) bumpTriple(a.devices, x.deviceId, t);
      if (x.zone) bumpTriple(a.zones, x.zone, t);
    }
    const p = String(x.priority);
    for (const stage of RESPONSE_STAGES) {
      const ms = stageMs(x, stage);
      if (ms === null) continue;
      const key = `${stage}|${p}`;
      const h = times.get(key) ?? new Map<number, number>();
      const sec = wholeSeconds(ms);
      h.set(sec, (h.get(sec) ?? 0) + 1);
      times.set(key, h);
    }
    if (x.disposition === 'real') {
      const ack = x.ackMs === null ? -1 : wholeSeconds(x.ackMs);
      const res = stageMs(x, 'resolve');
      const pair = `${ack},${res === null ? -1 : wholeSeconds(res)}`;
      const m = real.get(p) ?? new Map<string, number>();
      m.set(pair, (m.get(pair) ?? 0) + 1);
      real.set(p, m);
    }
  }
  for (const [key, h] of times) {
    const [stage, p] = key.split('|') as [ResponseStage, string];
    a.times[stage][p] = toHistogram(h);
  }
  for (const [p, m] of real) {
    const flat: number[] = [];
    for (const [pair, n] of m) {
      const [ack, res] = pair.split(',').map(Number) as [number, number];
      flat.push(ack, res, n);
    }
    a.realTimes[p] = flat;
  }

  const r = s.rounds;
  for (const x of f.rounds) {
    if (x.skipped) continue;
    const o = roundOutcome(x);
    const t = [o === 'onTime' ? 1 : 0, o === 'late' ? 1 : 0, o === 'missed' ? 1 : 0];
    bumpTriple(r.byRoute, x.routeId, t);
    bumpTriple(r.byBand, x.band, t);
    bumpTriple(r.byGuard, x.guardId ?? '', t);
    for (const c of x.missedCheckpoints) bump(r.checkpointsMissed, c);
  }

  const close = new Map<number, number>();
  for (const o of f.orders) {
    s.orders.opened++;
    if (o.closedAt === null) {
      s.orders.openDue.push(o.dueAt);
      continue;
    }
    s.orders.closed++;
    if (o.closedAt > o.dueAt) s.orders.closedLate++;
    const sec = wholeSeconds(o.closedAt - o.createdAt);
    close.set(sec, (close.get(sec) ?? 0) + 1);
  }
  s.orders.closeTimes = toHistogram(close);
  s.orders.openDue.sort((x, y) => x - y);
  for (const v of f.visitors) {
    s.visitors.n++;
    if (v.overstayed) s.visitors.overstays++;
  }
  for (const g of f.gateReads) bump(s.gateReads, g.gateId, g.reads);
  s.people = foldPeople(f);
  return s;
}

/**
 * Adds summaries into one (a period's days). Histograms are merged through maps and put back in order once, at
 * the end, so a year of days costs one pass over their entries.
 */
export class SummaryMerger {
  private readonly s = emptySummary();
  private readonly times = new Map<string, Map<number, number>>();
  private readonly close = new Map<number, number>();
  private readonly real = new Map<string, number[]>();
  private readonly people = new PeopleMerger();

  add(d: PeriodSummary): this {
    const a = this.s.alarms;
    const b = d.alarms;
    a.n += b.n;
    a.real += b.real;
    a.judged += b.judged;
    a.falseN += b.falseN;
    a.escalated += b.escalated;
    a.reopened += b.reopened;
    for (const [k, v] of Object.entries(b.byType)) bump(a.byType, k, v);
    for (const [k, v] of Object.entries(b.byZone)) bump(a.byZone, k, v);
    for (const [k, v] of Object.entries(b.byPriority)) bump(a.byPriority, k, v);
    for (let i = 0; i < a.heat.length; i++) a.heat[i]! += b.heat[i] ?? 0;
    for (const [k, t] of Object.entries(b.devices)) bumpTriple(a.devices, k, t);
    for (const [k, t] of Object.entries(b.zones)) bumpTriple(a.zones, k, t);
    for (const stage of RESPONSE_STAGES)
      for (const [p, h] of Object.entries(b.times[stage] ?? {})) {
        const key = `${stage}|${p}`;
        let m = this.times.get(key);
        if (!m) this.times.set(key, (m = new Map()));
        for (let i = 0; i < h.length; i += 2) m.set(h[i]!, (m.get(h[i]!) ?? 0) + h[i + 1]!);
      }
    for (const [p, flat] of Object.entries(b.realTimes)) {
      const list = this.real.get(p) ?? [];
      for (const v of flat) list.push(v);
      this.real.set(p, list);
    }
    const r = this.s.rounds;
    for (const [k, t] of Object.entries(d.rounds.byRoute)) bumpTriple(r.byRoute, k, t);
    for (const [k, t] of Object.entries(d.rounds.byBand)) bumpTriple(r.byBand, k, t);
    for (const [k, t] of Object.entries(d.rounds.byGuard)) bumpTriple(r.byGuard, k, t);
    for (const [k, v] of Object.entries(d.rounds.checkpointsMissed)) bump(r.checkpointsMissed, k, v);
    const o = this.s.orders;
    o.opened += d.orders.opened;
    o.closed += d.orders.closed;
    o.closedLate += d.orders.closedLate;
    const h = d.orders.closeTimes;
    for (let i = 0; i < h.length; i += 2) this.close.set(h[i]!, (this.close.get(h[i]!) ?? 0) + h[i + 1]!);
    for (const due of d.orders.openDue) o.openDue.push(due);
    this.s.visitors.n += d.visitors.n;
    this.s.visitors.overstays += d.visitors.overstays;
    for (const [k, v] of Object.entries(d.gateReads)) bump(this.s.gateReads, k, v);
    this.people.add(d.people);
    return this;
  }

  result(): PeriodSummary {
    for (const [key, m] of this.times) {
      const [stage, p] = key.split('|') as [ResponseStage, string];
      this.s.alarms.times[stage][p] = toHistogram(m);
    }
    // Real pairs stay a list of triples: the joint test needs no order and equal pairs are rare across days.
    for (const [p, list] of this.real) this.s.alarms.realTimes[p] = list;
    this.s.orders.closeTimes = toHistogram(this.close);
    this.s.orders.openDue.sort((x, y) => x - y);
    this.s.people = this.people.result();
    return this.s;
  }
}

export function mergeSummaries(list: Iterable<PeriodSummary>): PeriodSummary {
  const m = new SummaryMerger();
  for (const s of list) m.add(s);
  return m.result();
}

/** Counts as tallies, most first (then by key), as `tallyBy` orders rows. */
export function talliesOf(c: Counts): Tally[] {
  return Object.entries(c)
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1));
}

function mergedStage(a: AlarmSummary, stage: ResponseStage): Histogram {
  const m = new Map<number, number>();
  for (const h of Object.values(a.times[stage] ?? {}))
    for (let i = 0; i < h.length; i += 2) m.set(h[i]!, (m.get(h[i]!) ?? 0) + h[i + 1]!);
  return toHistogram(m);
}

/** `stageTimes` of a summary. */
export function summaryStageTimes(a: AlarmSummary): StageTimes[] {
  return RESPONSE_STAGES.map((stage) => {
    const h = mergedStage(a, stage);
    const count = histogramTotal(h);
    return {
      stage,
      count,
      p50Ms: histogramPercentile(h, count, 0.5),
      p90Ms: histogramPercentile(h, count, 0.9),
    };
  });
}

/** `withinTarget` of a summary. */
export function summaryWithinTarget(a: AlarmSummary, targets: ResponseTargets): PriorityShare[] {
  const out: PriorityShare[] = [];
  for (const priority of [1, 2, 3, 4, 5]) {
    const alarms = a.byPriority[String(priority)] ?? 0;
    if (alarms === 0) continue;
    const acknowledgedWithin = histogramWithin(
      a.times.acknowledge[String(priority)],
      targetFor(targets.acknowledgeSec, priority),
    );
    const resolvedWithin = histogramWithin(
      a.times.resolve[String(priority)],
      targetFor(targets.resolveSec, priority),
    );
    out.push({
      priority,
      alarms,
      acknowledgedWithin,
      resolvedWithin,
      ackShare: ratio(acknowledgedWithin, alarms),
      resolveShare: ratio(resolvedWithin, alarms),
    });
  }
  return out;
}

/** `incidentTimeliness` of a summary. */
export function summaryTimeliness(
  a: AlarmSummary,
  targets: ResponseTargets,
): { real: number; timely: number; rate: number | null } {
  let timely = 0;
  for (const [p, flat] of Object.entries(a.realTimes)) {
    const ackT = targetFor(targets.acknowledgeSec, Number(p));
    const resT = targetFor(targets.resolveSec, Number(p));
    for (let i = 0; i < flat.length; i += 3) {
      const ack = flat[i]!;
      const res = flat[i + 1]!;
      if (ack >= 0 && res >= 0 && ack <= ackT && res <= resT) timely += flat[i + 2]!;
    }
  }
  return { real: a.real, timely, rate: ratio(timely, a.real) };
}

/** `offenders` of a summary: worst first, by false and nuisance alarms, then their rate. */
export function summaryOffenders(m: Record<string, [number, number, number]>, limit = 10): Offender[] {
  return worstOffenders(
    Object.entries(m).map(([key, [total, real, falseOrNuisance]]) => ({ key, total, real, falseOrNuisance })),
    limit,
  );
}

/** `roundsBy` of a summary's per-key outcomes. */
export function summaryRounds(m: Record<string, [number, number, number]>): RoundTally[] {
  return Object.entries(m)
    .map(([key, [onTime, late, missed]]) => {
      const total = onTime + late + missed;
      return { key, onTime, late, missed, total, onTimeRate: ratio(onTime, total) };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** `orderSummary` of a summary, overdue as of `now`. */
export function summaryOrders(
  o: OrderSummaryParts,
  now: number,
): { opened: number; closed: number; overdue: number; closeP50Ms: number | null; closeP90Ms: number | null } {
  const closed = histogramTotal(o.closeTimes);
  return {
    opened: o.opened,
    closed: o.closed,
    overdue: o.closedLate + o.openDue.filter((due) => now > due).length,
    closeP50Ms: histogramPercentile(o.closeTimes, closed, 0.5),
    closeP90Ms: histogramPercentile(o.closeTimes, closed, 0.9),
  };
}
