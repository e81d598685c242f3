import { targetFor, type ResponseTargets } from './alarm-lifecycle';
import {
  histogramPercentile,
  histogramTotal,
  histogramWithin,
  mergeHistograms,
  count,
  toHistogram,
  type Histogram,
} from './histogram';
import { ratio, stageMs, type AlarmFact } from './report-figures';

/**
 * The people section of the reports (绩效, issue 19): per guard and per operator, folded into a day summary's
 * `people` part so that a month is the sum of its days (report-summary.ts). What counts is decided here only; the
 * definitions in shared/i18n `reports.def.*` say the same in words. Drills never count: a guard sent to a drill
 * alarm, or an operator acknowledging one, is left out like the alarm itself.
 */

/** A guard sent to an alarm: when, and when he got there (null: never). */
export interface AssignmentFact {
  alarmId: string;
  guardId: string;
  dispatchedAt: number;
  arrivedAt: number | null;
}

/** What the people part is folded from, beside the alarms: assignments of those alarms, visits per guard. */
export interface PeopleFacts {
  alarms: readonly AlarmFact[];
  /** Guards sent to the alarms received in the period. */
  assignments?: readonly AssignmentFact[];
  /** Checkpoint visits of the rounds that started in the period, per guard. */
  guardVisits?: ReadonlyArray<{ guardId: string; visits: number }>;
}

export interface GuardPart {
  visits: number;
  /** Assignments to alarms that count (one guard sent twice to one alarm counts twice). */
  dispatched: number;
  /** Whole seconds from being sent to being there, of the assignments that got there. */
  onScene: Histogram;
}

export interface OperatorPart {
  /** Alarms they acknowledged (or resolved without acknowledging first). */
  handled: number;
  /** Of those, alarms that had been escalated for want of an acknowledgement in time. */
  escalated: number;
  /** Alarms they resolved last. */
  resolved: number;
  /** Per priority: whole seconds from receipt to their acknowledgement, and to their resolution. */
  ack: Record<string, Histogram>;
  resolve: Record<string, Histogram>;
}

export interface PeopleSummary {
  guards: Record<string, GuardPart>;
  operators: Record<string, OperatorPart>;
}

export const emptyPeople = (): PeopleSummary => ({ guards: {}, operators: {} });

const guardPart = (m: Record<string, GuardPart>, id: string): GuardPart =>
  m[id] ?? (m[id] = { visits: 0, dispatched: 0, onScene: [] });
const operatorPart = (m: Record<string, OperatorPart>, name: string): OperatorPart =>
  m[name] ?? (m[name] = { handled: 0, escalated: 0, resolved: 0, ack: {}, resolve: {} });

function histogramsOf(m: Map<string, Map<number, number>>): Record<string, Histogram> {
  const out: Record<string, Histogram> = {};
  for (const [k, v] of m) out[k] = toHistogram(v);
  return out;
}

function into(m: Map<string, Map<string, Map<number, number>>>, who: string, p: string, ms: number) {
  const byP = m.get(who) ?? new Map<string, Map<number, number>>();
  m.set(who, byP);
  const h = byP.get(p) ?? new Map<number, number>();
  byP.set(p, h);
  count(h, ms);
}

/** Folds one period's rows into its people part. */
export function foldPeople(f: PeopleFacts): PeopleSummary {
  const out = emptyPeople();
  const counted = new Set<string>();
  const ack = new Map<string, Map<string, Map<number, number>>>();
  const resolve = new Map<string, Map<string, Map<number, number>>>();
  for (const a of f.alarms) {
    if (a.drill) continue;
    counted.add(a.id);
    const p = String(a.priority);
    if (a.ackBy) {
      const o = operatorPart(out.operators, a.ackBy);
      o.handled++;
      if (a.escalated) o.escalated++;
      if (a.ackMs !== null) into(ack, a.ackBy, p, a.ackMs);
    }
    const res = stageMs(a, 'resolve');
    if (a.resolvedBy && res !== null) {
      operatorPart(out.operators, a.resolvedBy).resolved++;
      into(resolve, a.resolvedBy, p, res);
    }
  }
  for (const [who, m] of ack) operatorPart(out.operators, who).ack = histogramsOf(m);
  for (const [who, m] of resolve) operatorPart(out.operators, who).resolve = histogramsOf(m);

  const onScene = new Map<string, Map<number, number>>();
  for (const x of f.assignments ?? []) {
    if (!counted.has(x.alarmId)) continue;
    guardPart(out.guards, x.guardId).dispatched++;
    if (x.arrivedAt === null) continue;
    const h = onScene.get(x.guardId) ?? new Map<number, number>();
    onScene.set(x.guardId, h);
    count(h, Math.max(0, x.arrivedAt - x.dispatchedAt));
  }
  for (const [id, h] of onScene) guardPart(out.guards, id).onScene = toHistogram(h);
  for (const v of f.guardVisits ?? []) guardPart(out.guards, v.guardId).visits += v.visits;
  return out;
}

/** Adds people parts of days into a period's. */
export class PeopleMerger {
  private readonly s = emptyPeople();

  add(d: PeopleSummary | undefined): this {
    if (!d) return this;
    for (const [id, g] of Object.entries(d.guards)) {
      const t = guardPart(this.s.guards, id);
      t.visits += g.visits;
      t.dispatched += g.dispatched;
      t.onScene = mergeHistograms(t.onScene, g.onScene);
    }
    for (const [name, o] of Object.entries(d.operators)) {
      const t = operatorPart(this.s.operators, name);
      t.handled += o.handled;
      t.escalated += o.escalated;
      t.resolved += o.resolved;
      for (const [p, h] of Object.entries(o.ack)) t.ack[p] = mergeHistograms(t.ack[p], h);
      for (const [p, h] of Object.entries(o.resolve)) t.resolve[p] = mergeHistograms(t.resolve[p], h);
    }
    return this;
  }

  result(): PeopleSummary {
    return this.s;
  }
}

export interface GuardFigures {
  key: string;
  rounds: number;
  onTime: number;
  late: number;
  missed: number;
  onTimeRate: number | null;
  visits: number;
  dispatched: number;
  arrived: number;
  onSceneP50Ms: number | null;
  onSceneP90Ms: number | null;
  /** Holds a certificate valid on the period's last day (null: not known, the training records are missing). */
  trainingCurrent: boolean | null;
}

/**
 * Per guard: the site's guards (a guard with nothing in the period shows with zeros) and anyone else the rows
 * name, in the site's order and then by id. Rounds are the guard's who reached most of a round's checkpoints.
 */
export function guardFigures(
  people: PeopleSummary,
  rounds: Readonly<Record<string, readonly [number, number, number]>>,
  siteGuards: readonly string[],
  training: (guardId: string) => boolean | null,
): GuardFigures[] {
  const extra = new Set([...Object.keys(people.guards), ...Object.keys(rounds)].filter(Boolean));
  for (const g of siteGuards) extra.delete(g);
  const keys = [...siteGuards, ...[...extra].sort()];
  return keys.map((key) => {
    const [onTime, late, missed] = rounds[key] ?? [0, 0, 0];
    const g = people.guards[key];
    const arrived = histogramTotal(g?.onScene);
    const total = onTime + late + missed;
    return {
      key,
      rounds: total,
      onTime,
      late,
      missed,
      onTimeRate: ratio(onTime, total),
      visits: g?.visits ?? 0,
      dispatched: g?.dispatched ?? 0,
      arrived,
      onSceneP50Ms: g ? histogramPercentile(g.onScene, arrived, 0.5) : null,
      onSceneP90Ms: g ? histogramPercentile(g.onScene, arrived, 0.9) : null,
      trainingCurrent: training(key),
    };
  });
}

export interface OperatorFigures {
  key: string;
  handled: number;
  ackP50Ms: number | null;
  ackP90Ms: number | null;
  /** Acknowledged within their priority's target over handled. */
  ackWithinRate: number | null;
  resolved: number;
  resolveP50Ms: number | null;
  resolveP90Ms: number | null;
  resolveWithinRate: number | null;
  escalated: number;
  /** Handovers signed as the outgoing and as the incoming operator. */
  handedOver: number;
  tookOver: number;
}

/** One histogram of all priorities, and how many of its durations were within their priority's target. */
function againstTargets(byPriority: Record<string, Histogram>, targets: Record<number, number>) {
  let all: Histogram = [];
  let within = 0;
  for (const [p, h] of Object.entries(byPriority)) {
    all = mergeHistograms(all, h);
    within += histogramWithin(h, targetFor(targets, Number(p)));
  }
  const n = histogramTotal(all);
  return {
    n,
    within,
    p50: histogramPercentile(all, n, 0.5),
    p90: histogramPercentile(all, n, 0.9),
  };
}

export interface HandoverFact {
  at: number;
  outgoing: readonly string[];
  incoming: readonly string[];
}

/** Each operator's figures, created with zeros the first time a name comes up. */
class Out {
  private readonly m = new Map<string, OperatorFigures>();
  get(key: string): OperatorFigures {
    let o = this.m.get(key);
    if (!o)
      this.m.set(
        key,
        (o = {
          key,
          handled: 0,
          ackP50Ms: null,
          ackP90Ms: null,
          ackWithinRate: null,
          resolved: 0,
          resolveP50Ms: null,
          resolveP90Ms: null,
          resolveWithinRate: null,
          escalated: 0,
          handedOver: 0,
          tookOver: 0,
        }),
      );
    return o;
  }
  all() {
    return this.m.values();
  }
}

/** Per operator (by the name the alarms and handovers keep), most alarms handled first, then by name. */
export function operatorFigures(
  people: PeopleSummary,
  targets: ResponseTargets,
  handovers: readonly HandoverFact[],
): OperatorFigures[] {
  const out = new Out();
  for (const h of handovers) {
    for (const n of h.outgoing) out.get(n).handedOver++;
    for (const n of h.incoming) out.get(n).tookOver++;
  }
  for (const [name, o] of Object.entries(people.operators)) {
    const ack = againstTargets(o.ack, targets.acknowledgeSec);
    const res = againstTargets(o.resolve, targets.resolveSec);
    Object.assign(out.get(name), {
      handled: o.handled,
      ackP50Ms: ack.p50,
      ackP90Ms: ack.p90,
      // Handled without a measured acknowledgement (resolved by the hub, say) counts as not within.
      ackWithinRate: ratio(ack.within, o.handled),
      resolved: o.resolved,
      resolveP50Ms: res.p50,
      resolveP90Ms: res.p90,
      resolveWithinRate: ratio(res.within, res.n),
      escalated: o.escalated,
    });
  }
  return [...out.all()].sort((a, b) => b.handled - a.handled || (a.key < b.key ? -1 : 1));
}

/** All operators' acknowledgements together: the share within target (the section's headline). */
export function teamAckWithin(people: PeopleSummary, targets: ResponseTargets): number | null {
  let within = 0;
  let handled = 0;
  for (const o of Object.values(people.operators)) {
    handled += o.handled;
    within += againstTargets(o.ack, targets.acknowledgeSec).within;
  }
  return ratio(within, handled);
}

/** All guards' times from being sent to being there: the median. */
export function teamOnSceneP50(people: PeopleSummary): number | null {
  let all: Histogram = [];
  for (const g of Object.values(people.guards)) all = mergeHistograms(all, g.onScene);
  return histogramPercentile(all, histogramTotal(all), 0.5);
}
