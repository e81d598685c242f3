import type {
  InBothLanguages,
  ReportCategory,
  ReportChart,
  ReportSection,
  ReportTable,
  ReportUnit,
} from '../../../shared/contract';
import type { ResponseTargets } from '../../../shared/domain/alarm-lifecycle';
import {
  drillSummary,
  hazardSummary,
  ratio,
  type DrillFact,
  type HazardFact,
  type Tally,
} from '../../../shared/domain/report-figures';
import {
  summarize,
  summaryOffenders,
  summaryOrders,
  summaryRounds,
  summaryStageTimes,
  summaryTimeliness,
  summaryWithinTarget,
  talliesOf,
  type AlarmSummary,
  type PeriodSummary,
  type RoundSummary,
} from '../../../shared/domain/report-summary';
import { parkingRate, type ParkingCount } from '../../../shared/domain/posts';
import type { LocalClock } from '../../../shared/domain/report-period';
import type { HandoverFact } from '../../../shared/domain/report-people';
import type { SatisfactionResult } from '../../../shared/contract';
import type { PeriodFacts } from './facts';
import type { SelfCheckFigures } from './self-check';
import type { QuarterReviewFigures } from './quarter-review';
import type { ReportLabels } from './labels';
import { kpi } from './kpi';
import { peopleSection, satisfactionSection, selfCheckSection } from './people-sections';
import { evaluationSection, quarterReviewSection } from './review-sections';

/** What a period's sections are built from: its summary (reports/summaries.ts) and its few drills and hazards. */
export interface PeriodFigures {
  summary: PeriodSummary;
  drills: DrillFact[];
  hazards: HazardFact[];
  /** Handovers signed in the period (people section). */
  handovers?: HandoverFact[];
  /** Per guard: holds a certificate valid at the period's end (absent: no training records to tell). */
  training?: ReadonlyMap<string, boolean>;
  /** Residents' survey results that ended in the period. */
  satisfaction?: SatisfactionResult[];
  /** The monthly self-checks of the period's months. */
  selfChecks?: SelfCheckFigures[];
  /** The quarterly reviews of the period's quarters. */
  quarterReviews?: QuarterReviewFigures[];
  /** A year's report: which year, and the site's today (a month or quarter not over yet is not missing). */
  year?: { year: number; today: string };
  parking: ParkingCount[];
}

export interface BuildContext {
  labels: ReportLabels;
  targets: ResponseTargets;
  clock: LocalClock;
  now: number;
}

/** Bars of tallies, with the period before on the same categories (a category only there is added at the end). */
function tallyChart(
  id: string,
  now: Tally[],
  before: Tally[] | undefined,
  label: (key: string) => InBothLanguages,
  o: { unit?: ReportUnit; drill?: boolean; limit?: number } = {},
): ReportChart {
  const keys = now.map((t) => t.key).slice(0, o.limit ?? 20);
  const prev = new Map((before ?? []).map((t) => [t.key, t.value]));
  const cur = new Map(now.map((t) => [t.key, t.value]));
  const categories: ReportCategory[] = keys.map((key) => ({ key, label: label(key) }));
  return {
    id,
    kind: 'bar',
    unit: o.unit ?? 'count',
    categories,
    series: [
      {
        id: 'count',
        values: keys.map((k) => cur.get(k) ?? 0),
        ...(before ? { previous: keys.map((k) => prev.get(k) ?? 0) } : {}),
      },
    ],
    drill: o.drill ?? true,
  };
}

function tallyTable(id: string, chart: ReportChart): ReportTable {
  const s = chart.series[0]!;
  const hasPrev = s.previous !== undefined;
  return {
    id,
    columns: [{ id: 'count', unit: chart.unit }, ...(hasPrev ? [{ id: 'previous', unit: chart.unit }] : [])],
    rows: chart.categories.map((c, i) => ({
      key: c.key,
      label: c.label,
      values: [s.values[i] ?? 0, ...(hasPrev ? [s.previous![i] ?? 0] : [])],
    })),
  };
}

function alarmsSection(now: AlarmSummary, before: AlarmSummary | undefined, c: BuildContext): ReportSection {
  const { labels } = c;
  const falseOf = (a: AlarmSummary) => ratio(a.falseN, a.judged);
  const byType = tallyChart(
    'byType',
    talliesOf(now.byType),
    before && talliesOf(before.byType),
    labels.alarmType,
  );
  const byZone = tallyChart('byZone', talliesOf(now.byZone), before && talliesOf(before.byZone), labels.zone);
  const prioTally = (a: AlarmSummary) => talliesOf(a.byPriority).sort((x, y) => (x.key < y.key ? -1 : 1));
  const byPriority = tallyChart('byPriority', prioTally(now), before && prioTally(before), labels.priority);
  const heat: ReportChart = {
    id: 'heat',
    kind: 'heatmap',
    unit: 'count',
    categories: Array.from({ length: 24 }, (_, h) => ({
      key: String(h),
      label: { 'zh-CN': `${h}时`, en: `${h}h` },
    })),
    series: [],
    grid: Array.from({ length: 7 }, (_, d) => now.heat.slice(d * 24, d * 24 + 24)),
    drill: false,
  };
  const devices = summaryOffenders(now.devices);
  const zones = summaryOffenders(now.zones);
  const offenderChart = (
    id: string,
    list: typeof devices,
    label: (k: string) => InBothLanguages,
  ): ReportChart => ({
    id,
    kind: 'stack',
    unit: 'count',
    categories: list.map((o) => ({ key: o.key, label: label(o.key) })),
    series: [
      { id: 'falseOrNuisance', values: list.map((o) => o.falseOrNuisance) },
      { id: 'real', values: list.map((o) => o.real) },
    ],
    drill: true,
  });
  const offenderTable = (
    id: string,
    list: typeof devices,
    label: (k: string) => InBothLanguages,
  ): ReportTable => ({
    id,
    columns: [
      { id: 'total', unit: 'count' },
      { id: 'real', unit: 'count' },
      { id: 'falseOrNuisance', unit: 'count' },
      { id: 'falseRate', unit: 'percent' },
    ],
    rows: list.map((o) => ({
      key: o.key,
      label: label(o.key),
      values: [o.total, o.real, o.falseOrNuisance, o.falseRate],
    })),
  });
  return {
    id: 'alarms',
    kpis: [
      kpi('alarms', 'count', now.n, before?.n),
      kpi('real', 'count', now.real, before?.real),
      kpi('falseRate', 'percent', falseOf(now), before && falseOf(before)),
    ],
    charts: [
      byType,
      byZone,
      byPriority,
      heat,
      offenderChart('worstDevices', devices, labels.device),
      offenderChart('worstZones', zones, labels.zone),
    ],
    tables: [
      tallyTable('byType', byType),
      tallyTable('byZone', byZone),
      tallyTable('byPriority', byPriority),
      offenderTable('worstDevices', devices, labels.device),
      offenderTable('worstZones', zones, labels.zone),
    ],
  };
}

function responseSection(
  now: AlarmSummary,
  before: AlarmSummary | undefined,
  c: BuildContext,
): ReportSection {
  const stages = summaryStageTimes(now);
  const stagesBefore = before && summaryStageTimes(before);
  const shares = summaryWithinTarget(now, c.targets);
  const timely = summaryTimeliness(now, c.targets);
  const timelyBefore = before && summaryTimeliness(before, c.targets);
  const stageCats = stages.map((s) => ({ key: s.stage, label: c.labels.text(`reports.stage.${s.stage}`) }));
  const stageChart: ReportChart = {
    id: 'stages',
    kind: 'bar',
    unit: 'ms',
    categories: stageCats,
    series: [
      {
        id: 'p50',
        values: stages.map((s) => s.p50Ms ?? 0),
        ...(stagesBefore ? { previous: stagesBefore.map((s) => s.p50Ms ?? 0) } : {}),
      },
      { id: 'p90', values: stages.map((s) => s.p90Ms ?? 0) },
    ],
    drill: false,
  };
  const shareChart: ReportChart = {
    id: 'withinTarget',
    kind: 'bar',
    unit: 'percent',
    categories: shares.map((s) => ({ key: String(s.priority), label: c.labels.priority(s.priority) })),
    series: [
      { id: 'ackShare', values: shares.map((s) => s.ackShare ?? 0) },
      { id: 'resolveShare', values: shares.map((s) => s.resolveShare ?? 0) },
    ],
    drill: true,
  };
  return {
    id: 'response',
    kpis: [
      kpi('ackP50', 'ms', stages[0]!.p50Ms, stagesBefore?.[0]!.p50Ms),
      kpi('ackP90', 'ms', stages[0]!.p90Ms, stagesBefore?.[0]!.p90Ms),
      kpi('resolveP50', 'ms', stages[3]!.p50Ms, stagesBefore?.[3]!.p50Ms),
      kpi('incidentTimeliness', 'percent', timely.rate, timelyBefore?.rate),
      kpi('escalations', 'count', now.escalated, before?.escalated),
      kpi('reopened', 'count', now.reopened, before?.reopened),
    ],
    charts: [stageChart, shareChart],
    tables: [
      {
        id: 'stages',
        columns: [
          { id: 'count', unit: 'count' },
          { id: 'p50', unit: 'ms' },
          { id: 'p90', unit: 'ms' },
        ],
        rows: stages.map((s, i) => ({
          key: s.stage,
          label: stageCats[i]!.label,
          values: [s.count, s.p50Ms, s.p90Ms],
        })),
      },
      {
        id: 'withinTarget',
        columns: [
          { id: 'count', unit: 'count' },
          { id: 'ackShare', unit: 'percent' },
          { id: 'resolveShare', unit: 'percent' },
        ],
        rows: shares.map((s) => ({
          key: String(s.priority),
          label: c.labels.priority(s.priority),
          values: [s.alarms, s.ackShare, s.resolveShare],
        })),
      },
    ],
  };
}

function roundsChart(
  id: string,
  tallies: ReturnType<typeof summaryRounds>,
  label: (k: string) => InBothLanguages,
) {
  const chart: ReportChart = {
    id,
    kind: 'stack',
    unit: 'count',
    categories: tallies.map((t) => ({ key: t.key, label: label(t.key) })),
    series: (['onTime', 'late', 'missed'] as const).map((s) => ({ id: s, values: tallies.map((t) => t[s]) })),
    drill: true,
  };
  const table: ReportTable = {
    id,
    columns: [
      { id: 'total', unit: 'count' },
      { id: 'onTime', unit: 'count' },
      { id: 'late', unit: 'count' },
      { id: 'missed', unit: 'count' },
      { id: 'onTimeRate', unit: 'percent' },
    ],
    rows: tallies.map((t) => ({
      key: t.key,
      label: label(t.key),
      values: [t.total, t.onTime, t.late, t.missed, t.onTimeRate],
    })),
  };
  return { chart, table };
}

function patrolsSection(now: RoundSummary, before: RoundSummary | undefined, c: BuildContext): ReportSection {
  const totals = (r: RoundSummary) => {
    let onTime = 0;
    let late = 0;
    let missed = 0;
    for (const [o, l, m] of Object.values(r.byBand)) {
      onTime += o;
      late += l;
      missed += m;
    }
    return { onTime, late, missed, walked: onTime + late + missed };
  };
  const t = totals(now);
  const tb = before && totals(before);
  const route = roundsChart('byRoute', summaryRounds(now.byRoute), c.labels.route);
  const band = roundsChart('byBand', summaryRounds(now.byBand), c.labels.band);
  const guard = roundsChart('byGuard', summaryRounds(now.byGuard), c.labels.guard);
  const cps = tallyChart(
    'checkpointsMissed',
    talliesOf(now.checkpointsMissed).slice(0, 10),
    before && talliesOf(before.checkpointsMissed).slice(0, 1000),
    c.labels.checkpoint,
  );
  return {
    id: 'patrols',
    kpis: [
      kpi('rounds', 'count', t.walked, tb?.walked),
      kpi('roundsOnTime', 'percent', ratio(t.onTime, t.walked), tb && ratio(tb.onTime, tb.walked)),
      kpi('roundsLate', 'count', t.late, tb?.late),
      kpi('roundsMissed', 'count', t.missed, tb?.missed),
    ],
    charts: [route.chart, band.chart, guard.chart, cps],
    tables: [route.table, band.table, guard.table, tallyTable('checkpointsMissed', cps)],
  };
}

/** A period's rows as figures: its summary folded from them (the tests and a drill-down's own rows). */
export function figuresOf(facts: PeriodFacts, clock: LocalClock): PeriodFigures {
  return {
    summary: summarize(facts, clock),
    drills: facts.drills,
    hazards: facts.hazards,
    parking: facts.parking,
  };
}

/** The figures of a period's rows as sections; `before` is the period before (compare). */
export function buildSections(
  now: PeriodFacts,
  before: PeriodFacts | undefined,
  c: BuildContext,
): ReportSection[] {
  return buildFromFigures(figuresOf(now, c.clock), before && figuresOf(before, c.clock), c);
}

/** The figures of a period as sections of KPIs, charts and tables; `before` is the period before (compare). */
export function buildFromFigures(
  now: PeriodFigures,
  before: PeriodFigures | undefined,
  c: BuildContext,
): ReportSection[] {
  const drills = drillSummary(now.drills);
  const drillsBefore = before && drillSummary(before.drills);
  const hz = hazardSummary(now.hazards, c.now);
  const hzBefore = before && hazardSummary(before.hazards, c.now);
  const wo = summaryOrders(now.summary.orders, c.now);
  const woBefore = before && summaryOrders(before.summary.orders, c.now);
  const vs = { visitors: now.summary.visitors.n, overstays: now.summary.visitors.overstays };
  const vsBefore = before && {
    visitors: before.summary.visitors.n,
    overstays: before.summary.visitors.overstays,
  };
  const ordersChart: ReportChart = {
    id: 'orders',
    kind: 'bar',
    unit: 'count',
    categories: (['opened', 'closed', 'overdue'] as const).map((k) => ({
      key: k,
      label: c.labels.text(`reports.col.${k}`),
    })),
    series: [
      {
        id: 'count',
        values: [wo.opened, wo.closed, wo.overdue],
        ...(woBefore ? { previous: [woBefore.opened, woBefore.closed, woBefore.overdue] } : {}),
      },
    ],
    drill: true,
  };
  const gates = tallyChart(
    'gateReads',
    gateTallies(now.summary.gateReads),
    before && gateTallies(before.summary.gateReads),
    c.labels.gate,
    { drill: false },
  );
  const parking = parkingRate(now.parking);
  const parkingBefore = before && parkingRate(before.parking);
  const parkingChart: ReportChart = {
    id: 'parkingByArea',
    kind: 'bar',
    unit: 'percent',
    categories: parking.byArea.map((a) => ({ key: a.area, label: c.labels.zone(a.area) })),
    series: [
      {
        id: 'count',
        values: parking.byArea.map((a) => a.rate ?? 0),
        ...(parkingBefore
          ? {
              previous: parking.byArea.map(
                (a) => parkingBefore.byArea.find((b) => b.area === a.area)?.rate ?? 0,
              ),
            }
          : {}),
      },
    ],
    drill: false,
  };
  const sections: ReportSection[] = [
    alarmsSection(now.summary.alarms, before?.summary.alarms, c),
    responseSection(now.summary.alarms, before?.summary.alarms, c),
    patrolsSection(now.summary.rounds, before?.summary.rounds, c),
    {
      id: 'drills',
      kpis: [
        kpi('drillsScheduled', 'count', drills.scheduled, drillsBefore?.scheduled),
        kpi('drillsDone', 'count', drills.done, drillsBefore?.done),
        kpi('drillStepsOnTarget', 'percent', drills.onTargetRate, drillsBefore?.onTargetRate),
        kpi('correctiveActions', 'count', drills.correctiveActions, drillsBefore?.correctiveActions),
      ],
      charts: [],
      tables: [
        {
          id: 'drills',
          columns: [
            { id: 'stepsTimed', unit: 'count' },
            { id: 'stepsLate', unit: 'count' },
            { id: 'duration', unit: 'ms' },
            { id: 'correctiveActions', unit: 'count' },
          ],
          rows: now.drills.map((d) => ({
            key: d.id,
            label: { 'zh-CN': d.title, en: d.title },
            values: [
              d.stepsTimed,
              d.stepsLate,
              d.startedAt !== null && d.finishedAt !== null ? d.finishedAt - d.startedAt : null,
              d.correctiveActions,
            ],
          })),
        },
      ],
    },
    {
      id: 'facilities',
      kpis: [
        kpi('hazardsFound', 'count', hz.found, hzBefore?.found),
        kpi('hazardRate', 'percent', hz.rate, hzBefore?.rate),
        kpi('hazardsOverdue', 'count', hz.overdue, hzBefore?.overdue),
        kpi('ordersOpened', 'count', wo.opened, woBefore?.opened),
        kpi('ordersClosed', 'count', wo.closed, woBefore?.closed),
        kpi('ordersOverdue', 'count', wo.overdue, woBefore?.overdue),
        kpi('orderCloseP50', 'ms', wo.closeP50Ms, woBefore?.closeP50Ms),
      ],
      charts: [ordersChart],
      tables: [tallyTable('orders', ordersChart)],
    },
    {
      id: 'vehicles',
      kpis: [
        kpi('visitors', 'count', vs.visitors, vsBefore?.visitors),
        kpi('overstays', 'count', vs.overstays, vsBefore?.overstays),
        kpi('parkingRate', 'percent', parking.rate, parkingBefore?.rate),
        kpi('parkingCounted', 'count', parking.counted, parkingBefore?.counted),
        kpi(
          'gateReads',
          'count',
          sum(Object.values(now.summary.gateReads)),
          before && sum(Object.values(before.summary.gateReads)),
        ),
      ],
      charts: [gates, parkingChart],
      tables: [tallyTable('gateReads', gates), tallyTable('parkingByArea', parkingChart)],
    },
    peopleSection(now, before, c),
  ];
  sections.push(
    satisfactionSection(now, before, c, sections),
    selfCheckSection(now, before),
    quarterReviewSection(now, before, c),
  );
  // The year's overall evaluation (年度总评) only in a year's report.
  if (now.year) sections.push(evaluationSection(now, before, c));
  return sections;
}

const sum = (l: number[]) => l.reduce((s, n) => s + n, 0);

/** Gate reads per gate, in the gates' order. */
const gateTallies = (c: Record<string, number>): Tally[] =>
  Object.entries(c)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([key, value]) => ({ key, value }));
