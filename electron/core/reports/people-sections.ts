import {
  SATISFACTION_DIMENSIONS,
  type ReportChart,
  type ReportKpi,
  type ReportSection,
  type SatisfactionResult,
} from '../../../shared/contract';
import { ratio } from '../../../shared/domain/report-figures';
import {
  guardFigures,
  operatorFigures,
  teamAckWithin,
  teamOnSceneP50,
} from '../../../shared/domain/report-people';
import { weightedScore } from '../../../shared/domain/satisfaction';
import type { BuildContext, PeriodFigures } from './build';
import { kpi } from './kpi';
import { same } from './labels';

/**
 * The report's sections about people (issue 19): the 绩效 of guards and operators, the residents' satisfaction and
 * the monthly self-checks. They are built from the parts of a period's figures that the other sections do not read
 * (handovers, training, survey results, self-checks), after those sections (satisfaction quotes their KPIs).
 */

/**
 * 绩效: per guard (rounds, checkpoints visited, alarms sent to and time to get there, training) and per operator
 * (alarms handled, acknowledge and resolve times against target, escalations, handovers), with the period before.
 */
export function peopleSection(
  now: PeriodFigures,
  before: PeriodFigures | undefined,
  c: BuildContext,
): ReportSection {
  const training = (f: PeriodFigures) => (g: string) => (f.training ? (f.training.get(g) ?? false) : null);
  const guardsOf = (f: PeriodFigures) =>
    guardFigures(f.summary.people, f.summary.rounds.byGuard, c.labels.guardIds, training(f));
  const guards = guardsOf(now);
  const guardsBefore = before && guardsOf(before);
  const prevRate = new Map(guardsBefore?.map((g) => [g.key, g.onTimeRate] as const));
  const ops = operatorFigures(now.summary.people, c.targets, now.handovers ?? []);
  const opsBefore = before && operatorFigures(before.summary.people, c.targets, before.handovers ?? []);
  const prevAck = new Map(opsBefore?.map((o) => [o.key, o.ackP50Ms] as const));
  const trainedShare = (f: PeriodFigures, list: typeof guards) =>
    f.training ? ratio(list.filter((g) => g.trainingCurrent).length, list.length) : null;
  const handovers = (f: PeriodFigures) => (f.handovers ?? []).length;
  const guardChart: ReportChart = {
    id: 'guardRounds',
    kind: 'stack',
    unit: 'count',
    categories: guards.map((g) => ({ key: g.key, label: c.labels.guard(g.key) })),
    series: (['onTime', 'late', 'missed'] as const).map((s) => ({ id: s, values: guards.map((g) => g[s]) })),
    drill: true,
  };
  const opChart: ReportChart = {
    id: 'operatorAck',
    kind: 'bar',
    unit: 'ms',
    categories: ops.map((o) => ({ key: o.key, label: same(o.key) })),
    series: [
      {
        id: 'p50',
        values: ops.map((o) => o.ackP50Ms ?? 0),
        ...(opsBefore ? { previous: ops.map((o) => prevAck.get(o.key) ?? 0) } : {}),
      },
      { id: 'p90', values: ops.map((o) => o.ackP90Ms ?? 0) },
    ],
    drill: true,
  };
  return {
    id: 'people',
    kpis: [
      kpi(
        'guardsTrained',
        'percent',
        trainedShare(now, guards),
        before && guardsBefore && trainedShare(before, guardsBefore),
      ),
      kpi(
        'guardOnSceneP50',
        'ms',
        teamOnSceneP50(now.summary.people),
        before && teamOnSceneP50(before.summary.people),
      ),
      kpi(
        'operatorAckWithin',
        'percent',
        teamAckWithin(now.summary.people, c.targets),
        before && teamAckWithin(before.summary.people, c.targets),
      ),
      kpi('handovers', 'count', handovers(now), before && handovers(before)),
    ],
    charts: [guardChart, opChart],
    tables: [
      {
        id: 'guardRounds',
        columns: [
          { id: 'total', unit: 'count' },
          { id: 'onTime', unit: 'count' },
          { id: 'late', unit: 'count' },
          { id: 'missed', unit: 'count' },
          { id: 'onTimeRate', unit: 'percent' },
          ...(before ? [{ id: 'previousOnTimeRate', unit: 'percent' as const }] : []),
          { id: 'visits', unit: 'count' },
          { id: 'dispatched', unit: 'count' },
          { id: 'onSceneP50', unit: 'ms' },
          { id: 'onSceneP90', unit: 'ms' },
          { id: 'trainingCurrent', unit: 'flag' },
        ],
        rows: guards.map((g) => ({
          key: g.key,
          label: c.labels.guard(g.key),
          values: [
            g.rounds,
            g.onTime,
            g.late,
            g.missed,
            g.onTimeRate,
            ...(before ? [prevRate.get(g.key) ?? null] : []),
            g.visits,
            g.dispatched,
            g.onSceneP50Ms,
            g.onSceneP90Ms,
            g.trainingCurrent === null ? null : g.trainingCurrent ? 1 : 0,
          ],
        })),
      },
      {
        id: 'operatorAck',
        columns: [
          { id: 'handled', unit: 'count' },
          { id: 'p50', unit: 'ms' },
          { id: 'p90', unit: 'ms' },
          { id: 'ackShare', unit: 'percent' },
          ...(before ? [{ id: 'previousP50', unit: 'ms' as const }] : []),
          { id: 'resolved', unit: 'count' },
          { id: 'resolveP50', unit: 'ms' },
          { id: 'resolveP90', unit: 'ms' },
          { id: 'resolveShare', unit: 'percent' },
          { id: 'escalations', unit: 'count' },
          { id: 'handedOver', unit: 'count' },
          { id: 'tookOver', unit: 'count' },
        ],
        rows: ops.map((o) => ({
          key: o.key,
          label: same(o.key),
          values: [
            o.handled,
            o.ackP50Ms,
            o.ackP90Ms,
            o.ackWithinRate,
            ...(before ? [prevAck.get(o.key) ?? null] : []),
            o.resolved,
            o.resolveP50Ms,
            o.resolveP90Ms,
            o.resolveWithinRate,
            o.escalated,
            o.handedOver,
            o.tookOver,
          ],
        })),
      },
    ],
  };
}

/** One question's results of a period: sample-weighted (report-people's definition in `reports.def.*`). */
export function byDimension(results: readonly SatisfactionResult[]): Map<string, number | null> {
  const groups = new Map<string, SatisfactionResult[]>();
  for (const r of results) groups.set(r.dimension, [...(groups.get(r.dimension) ?? []), r]);
  return new Map([...groups].map(([d, list]) => [d, weightedScore(list).score]));
}

/**
 * Residents' satisfaction (imported survey results) beside the figures that drive it: incidents handled in time,
 * hazards rectified, rounds on time.
 */
export function satisfactionSection(
  now: PeriodFigures,
  before: PeriodFigures | undefined,
  c: BuildContext,
  drivers: readonly ReportSection[],
): ReportSection {
  const results = now.satisfaction ?? [];
  const cur = byDimension(results);
  const prev = before && byDimension(before.satisfaction ?? []);
  // The plan's questions first, then the others as the files word them: those the period has results for.
  const dims = [...new Set([...SATISFACTION_DIMENSIONS, ...cur.keys()])].filter((d) => cur.has(d));
  const label = (d: string) =>
    (SATISFACTION_DIMENSIONS as readonly string[]).includes(d)
      ? c.labels.text(`reports.satisfaction.dimension.${d}`)
      : same(d);
  const chart: ReportChart = {
    id: 'satisfaction',
    kind: 'bar',
    unit: 'percent',
    categories: dims.map((d) => ({ key: d, label: label(d) })),
    series: [
      {
        id: 'score',
        values: dims.map((d) => cur.get(d) ?? 0),
        ...(prev ? { previous: dims.map((d) => prev.get(d) ?? 0) } : {}),
      },
    ],
    drill: false,
  };
  const driver = (section: string, id: string) =>
    drivers.find((s) => s.id === section)?.kpis.find((k) => k.id === id);
  return {
    id: 'satisfaction',
    kpis: [
      kpi('satisfactionSafety', 'percent', cur.get('safety') ?? null, prev && (prev.get('safety') ?? null)),
      kpi(
        'satisfactionOverall',
        'percent',
        cur.get('overall') ?? null,
        prev && (prev.get('overall') ?? null),
      ),
      ...[
        driver('response', 'incidentTimeliness'),
        driver('facilities', 'hazardRate'),
        driver('patrols', 'roundsOnTime'),
      ].filter((k): k is ReportKpi => k !== undefined),
    ],
    charts: [chart],
    tables: [
      {
        id: 'satisfaction',
        columns: [
          { id: 'score', unit: 'percent' },
          { id: 'sample', unit: 'count' },
        ],
        rows: results.map((r) => {
          const d = label(r.dimension);
          const span =
            r.first.slice(0, 7) === r.last.slice(0, 7) ? r.first.slice(0, 7) : `${r.first} – ${r.last}`;
          return {
            key: `${r.first}|${r.last}|${r.dimension}`,
            label: { 'zh-CN': `${span} · ${d['zh-CN']}`, en: `${span} · ${d.en}` },
            values: [r.score, r.sample],
          };
        }),
      },
    ],
  };
}

/** 月度自查: the checks recorded for the period's months, their findings and how many are rectified now. */
export function selfCheckSection(now: PeriodFigures, before: PeriodFigures | undefined): ReportSection {
  const totals = (f: PeriodFigures) => {
    const list = f.selfChecks ?? [];
    const findings = list.reduce((s, x) => s + x.findings, 0);
    const closed = list.reduce((s, x) => s + x.closed, 0);
    return { done: list.length, findings, closedShare: ratio(closed, findings) };
  };
  const t = totals(now);
  const tb = before && totals(before);
  return {
    id: 'selfCheck',
    kpis: [
      kpi('selfChecks', 'count', t.done, tb?.done),
      kpi('selfCheckFindings', 'count', t.findings, tb?.findings),
      kpi('selfCheckClosed', 'percent', t.closedShare, tb?.closedShare),
    ],
    charts: [],
    tables: [
      {
        id: 'selfChecks',
        columns: [
          { id: 'items', unit: 'count' },
          { id: 'findings', unit: 'count' },
          { id: 'hazards', unit: 'count' },
          { id: 'orders', unit: 'count' },
          { id: 'closedNow', unit: 'count' },
        ],
        rows: (now.selfChecks ?? []).map((x) => ({
          key: x.check.id,
          label: same(`${x.check.month} · ${x.check.doneBy}`),
          values: [x.check.items.length, x.findings, x.hazards, x.orders, x.closed],
        })),
      },
    ],
  };
}
