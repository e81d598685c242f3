import {
  REVIEW_DIMENSIONS,
  SATISFACTION_DIMENSIONS,
  type InBothLanguages,
  type ReportChart,
  type ReportSection,
} from '../../../shared/contract';
import { monthDay } from '../../../shared/domain/report-period';
import { ratio } from '../../../shared/domain/report-figures';
import { monthsOf, quarterDays, quartersOf } from '../../../shared/domain/quarter-review';
import type { BuildContext, PeriodFigures } from './build';
import { kpi } from './kpi';
import { same } from './labels';
import { byDimension } from './people-sections';
import type { QuarterReviewFigures } from './quarter-review';

/**
 * The quarterly review (季度互评) in a report, and the year's overall evaluation (年度总评) that gathers the twelve
 * monthly self-checks, the four reviews and the year's residents' satisfaction results (the plan's
 * 「月度自查、季度互评、年度总评」). Built from what the supervisors recorded and the facilities feature's states now;
 * nothing here comes from alarms, so drills cannot count.
 */

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 10) / 10;

/** Per dimension: the mean score of the reviews given. */
function dimensionScores(reviews: readonly QuarterReviewFigures[]): Map<string, number | null> {
  return new Map(
    REVIEW_DIMENSIONS.map((d) => [
      d,
      mean(reviews.flatMap((r) => r.review.scores.filter((s) => s.id === d).map((s) => s.score))),
    ]),
  );
}

/** The reviews' totals: how many, their mean score, their opinions and the share of those acted on closed now. */
function reviewTotals(reviews: readonly QuarterReviewFigures[]) {
  const opened = reviews.reduce((s, r) => s + r.hazards + r.orders, 0);
  const closed = reviews.reduce((s, r) => s + r.closed, 0);
  return {
    held: reviews.length,
    score: mean(reviews.flatMap((r) => (r.average === null ? [] : [r.average]))),
    opinions: reviews.reduce((s, r) => s + r.opinions, 0),
    opened,
    closedShare: ratio(closed, opened),
  };
}

const quarterName = (c: BuildContext, quarter: string): InBothLanguages =>
  c.labels.text('reports.quarterReview.quarterName', {
    year: quarter.slice(0, 4),
    q: quarter.slice(6),
  });

/** 季度互评: the period's reviews — who took part, the scores, the opinions and what became of each. */
export function quarterReviewSection(
  now: PeriodFigures,
  before: PeriodFigures | undefined,
  c: BuildContext,
): ReportSection {
  const reviews = now.quarterReviews ?? [];
  const t = reviewTotals(reviews);
  const tb = before && reviewTotals(before.quarterReviews ?? []);
  const scores = dimensionScores(reviews);
  const prevScores = before && dimensionScores(before.quarterReviews ?? []);
  const dimension = (d: string) => c.labels.text(`reports.quarterReview.dimension.${d}`);
  const chart: ReportChart = {
    id: 'reviewScores',
    kind: 'bar',
    unit: 'count',
    categories: REVIEW_DIMENSIONS.map((d) => ({ key: d, label: dimension(d) })),
    series: [
      {
        id: 'reviewScore',
        values: REVIEW_DIMENSIONS.map((d) => scores.get(d) ?? 0),
        ...(prevScores ? { previous: REVIEW_DIMENSIONS.map((d) => prevScores.get(d) ?? 0) } : {}),
      },
    ],
    drill: false,
  };
  return {
    id: 'quarterReview',
    kpis: [
      kpi('quarterReviews', 'count', t.held, tb?.held),
      kpi('reviewScore', 'count', t.score, tb && tb.score),
      kpi('reviewOpinions', 'count', t.opinions, tb?.opinions),
      kpi('reviewOpinionsClosed', 'percent', t.closedShare, tb && tb.closedShare),
    ],
    charts: reviews.length ? [chart] : [],
    tables: [
      {
        id: 'reviews',
        columns: [
          { id: 'residents', unit: 'count' },
          { id: 'committee', unit: 'count' },
          { id: 'staff', unit: 'count' },
          { id: 'average', unit: 'count' },
          { id: 'opinions', unit: 'count' },
          { id: 'hazards', unit: 'count' },
          { id: 'orders', unit: 'count' },
          { id: 'closedNow', unit: 'count' },
        ],
        rows: reviews.map((r) => {
          const q = quarterName(c, r.review.quarter);
          const by = `${r.review.heldOn} · ${r.review.recordedBy}`;
          return {
            key: r.review.id,
            label: { 'zh-CN': `${q['zh-CN']} · ${by}`, en: `${q.en} · ${by}` },
            values: [
              r.review.participants.residents.length,
              r.review.participants.committee.length,
              r.review.participants.staff.length,
              r.average,
              r.opinions,
              r.hazards,
              r.orders,
              r.closed,
            ],
          };
        }),
      },
      {
        id: 'reviewScores',
        columns: [
          { id: 'reviewScore', unit: 'count' },
          ...(prevScores ? [{ id: 'previousScore', unit: 'count' as const }] : []),
        ],
        rows: reviews.length
          ? REVIEW_DIMENSIONS.map((d) => ({
              key: d,
              label: dimension(d),
              values: [scores.get(d) ?? null, ...(prevScores ? [prevScores.get(d) ?? null] : [])],
            }))
          : [],
      },
      {
        id: 'reviewOpinions',
        columns: [
          { id: 'isHazard', unit: 'flag' },
          { id: 'isOrder', unit: 'flag' },
          { id: 'closedNow', unit: 'flag' },
        ],
        rows: reviews.flatMap((r) =>
          r.review.opinions.map((op, i) => {
            const d = dimension(op.dimension);
            const ref = op.ref ? `${op.ref.number} · ` : '';
            const state = r.states[i] ?? null;
            return {
              key: `${r.review.id}:${i}`,
              label: {
                'zh-CN': `${ref}${d['zh-CN']}：${op.text}`,
                en: `${ref}${d.en}: ${op.text}`,
              },
              values: [
                op.ref ? (op.ref.kind === 'hazard' ? 1 : 0) : 0,
                op.ref ? (op.ref.kind === 'order' ? 1 : 0) : 0,
                state === null ? null : state === 'closed' ? 1 : 0,
              ],
            };
          }),
        ),
      },
    ],
  };
}

/** The year's evaluation figures (one year's figures; the section and its comparison read the same). */
function yearTotals(f: PeriodFigures) {
  const year = f.year!;
  const checks = new Map((f.selfChecks ?? []).map((x) => [x.check.month, x]));
  const reviews = new Map((f.quarterReviews ?? []).map((r) => [r.review.quarter, r]));
  const months = monthsOf(year.year).map((month) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    // A month is due once its last day is over (its check is done in it or just after).
    const due = monthDay(y, m + 1, 0) < year.today;
    return { month, check: checks.get(month), due };
  });
  const quarters = quartersOf(year.year).map((quarter) => ({
    quarter,
    review: reviews.get(quarter),
    due: quarterDays(quarter).last < year.today,
  }));
  const findings = months.reduce((s, m) => s + (m.check?.findings ?? 0), 0);
  const findingsClosed = months.reduce((s, m) => s + (m.check?.closed ?? 0), 0);
  const satisfaction = byDimension(f.satisfaction ?? []);
  return {
    months,
    quarters,
    checked: months.filter((m) => m.check).length,
    missing: months.filter((m) => m.due && !m.check).length,
    findingsClosed: ratio(findingsClosed, findings),
    reviews: reviewTotals(quarters.flatMap((q) => (q.review ? [q.review] : []))),
    satisfaction,
  };
}

/**
 * 年度总评: the year's twelve self-checks (done, missing — a month over without one — and their findings closed), its
 * four quarterly reviews (held, score, opinions closed) and its residents' satisfaction results, in one section of the
 * year's report, with the year before when comparing.
 */
export function evaluationSection(
  now: PeriodFigures,
  before: PeriodFigures | undefined,
  c: BuildContext,
): ReportSection {
  const t = yearTotals(now);
  const tb = before?.year ? yearTotals(before) : undefined;
  const dims = [...new Set([...SATISFACTION_DIMENSIONS, ...t.satisfaction.keys()])].filter((d) =>
    t.satisfaction.has(d),
  );
  const samples = (d: string) => {
    const list = (now.satisfaction ?? []).filter((r) => r.dimension === d);
    return list.every((r) => r.sample !== null) ? list.reduce((s, r) => s + (r.sample ?? 0), 0) : null;
  };
  const chart: ReportChart = {
    id: 'evalQuarterScores',
    kind: 'bar',
    unit: 'count',
    categories: t.quarters.map((q) => ({ key: q.quarter, label: quarterName(c, q.quarter) })),
    series: [{ id: 'reviewScore', values: t.quarters.map((q) => q.review?.average ?? 0) }],
    drill: false,
  };
  return {
    id: 'evaluation',
    kpis: [
      kpi('evalMonthsChecked', 'count', t.checked, tb?.checked),
      kpi('evalMonthsMissing', 'count', t.missing, tb?.missing),
      kpi('evalFindingsClosed', 'percent', t.findingsClosed, tb && tb.findingsClosed),
      kpi('evalReviewsHeld', 'count', t.reviews.held, tb?.reviews.held),
      kpi('evalReviewScore', 'count', t.reviews.score, tb && tb.reviews.score),
      kpi('evalOpinionsClosed', 'percent', t.reviews.closedShare, tb && tb.reviews.closedShare),
      kpi(
        'satisfactionSafety',
        'percent',
        t.satisfaction.get('safety') ?? null,
        tb && (tb.satisfaction.get('safety') ?? null),
      ),
      kpi(
        'satisfactionOverall',
        'percent',
        t.satisfaction.get('overall') ?? null,
        tb && (tb.satisfaction.get('overall') ?? null),
      ),
    ],
    charts: [chart],
    tables: [
      {
        id: 'evalMonths',
        columns: [
          { id: 'checkDone', unit: 'flag' },
          { id: 'findings', unit: 'count' },
          { id: 'closedNow', unit: 'count' },
        ],
        // A month not over yet and not checked is neither done nor missing: —.
        rows: t.months.map((m) => ({
          key: m.month,
          label: same(m.month),
          values: [
            m.check ? 1 : m.due ? 0 : null,
            m.check ? m.check.findings : null,
            m.check ? m.check.closed : null,
          ],
        })),
      },
      {
        id: 'evalQuarters',
        columns: [
          { id: 'reviewHeld', unit: 'flag' },
          { id: 'average', unit: 'count' },
          { id: 'opinions', unit: 'count' },
          { id: 'actedOn', unit: 'count' },
          { id: 'closedNow', unit: 'count' },
        ],
        rows: t.quarters.map((q) => ({
          key: q.quarter,
          label: quarterName(c, q.quarter),
          values: [
            q.review ? 1 : q.due ? 0 : null,
            q.review ? q.review.average : null,
            q.review ? q.review.opinions : null,
            q.review ? q.review.hazards + q.review.orders : null,
            q.review ? q.review.closed : null,
          ],
        })),
      },
      {
        id: 'evalSatisfaction',
        columns: [
          { id: 'score', unit: 'percent' },
          { id: 'sample', unit: 'count' },
        ],
        rows: dims.map((d) => ({
          key: d,
          label: (SATISFACTION_DIMENSIONS as readonly string[]).includes(d)
            ? c.labels.text(`reports.satisfaction.dimension.${d}`)
            : same(d),
          values: [t.satisfaction.get(d) ?? null, samples(d)],
        })),
      },
    ],
  };
}
