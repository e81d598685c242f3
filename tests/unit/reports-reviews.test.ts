import { describe, expect, it } from 'vitest';
import { demoSitePath, loadSite } from '../../electron/common/site-file';
import type { BuildContext, PeriodFigures } from '../../electron/core/reports/build';
import { ReportLabels } from '../../electron/core/reports/labels';
import type { QuarterReviewFigures } from '../../electron/core/reports/quarter-review';
import { evaluationSection, quarterReviewSection } from '../../electron/core/reports/review-sections';
import type { SelfCheckFigures } from '../../electron/core/reports/self-check';
import {
  REVIEW_DIMENSIONS,
  type QuarterReviewView,
  type ReportSection,
  type SatisfactionResult,
} from '../../shared/contract';
import { DEFAULT_TARGETS } from '../../shared/domain/alarm-lifecycle';
import { quarterDays, quarterOf, quartersOf, reviewAverage } from '../../shared/domain/quarter-review';
import { LocalClock } from '../../shared/domain/report-period';

const { site } = loadSite(demoSitePath());
const c: BuildContext = {
  labels: new ReportLabels(site),
  targets: DEFAULT_TARGETS,
  clock: new LocalClock(site.timeZone),
  now: Date.parse('2026-10-20T04:00:00Z'),
};

const check = (month: string, findings: number, closed: number): SelfCheckFigures => ({
  check: { id: `c-${month}`, month, doneAt: 0, doneBy: '刘主管', note: '', items: [] },
  findings,
  hazards: findings,
  orders: 0,
  closed,
});

function review(
  quarter: string,
  scores: number[],
  opinions: QuarterReviewView['opinions'],
  states: QuarterReviewFigures['states'],
): QuarterReviewFigures {
  const view: QuarterReviewView = {
    id: `r-${quarter}`,
    quarter,
    heldOn: quarterDays(quarter).last,
    recordedAt: 0,
    recordedBy: '刘主管',
    participants: { residents: ['陈', '赵'], committee: ['周'], staff: ['郑', '冯', '孙'] },
    scores: REVIEW_DIMENSIONS.map((id, i) => ({ id, score: scores[i]! })),
    opinions,
    conclusion: '良好',
  };
  const refs = opinions.flatMap((o) => (o.ref ? [o.ref] : []));
  return {
    review: view,
    average: reviewAverage(view.scores),
    opinions: opinions.length,
    hazards: refs.filter((r) => r.kind === 'hazard').length,
    orders: refs.filter((r) => r.kind === 'order').length,
    closed: states.filter((s) => s === 'closed').length,
    states,
  };
}

const result = (first: string, last: string, dimension: string, score: number, sample: number | null) =>
  ({ first, last, dimension, score, sample }) satisfies SatisfactionResult;

/** Only what these sections read; the other sections' figures are not theirs. */
const figures = (f: Partial<PeriodFigures>): PeriodFigures => f as PeriodFigures;

const kpis = (s: ReportSection) => Object.fromEntries(s.kpis.map((k) => [k.id, k.value]));
const table = (s: ReportSection, id: string) =>
  Object.fromEntries(s.tables.find((t) => t.id === id)!.rows.map((r) => [r.key, r.values]));

// A hand-made year, told on 2026-10-20: January to September are over, October to December are not.
const Q1 = review(
  '2026-Q1',
  [80, 90, 85, 85, 85, 85],
  [
    { text: '消防通道堆物', dimension: 'fire', ref: { kind: 'hazard', id: 'h1', number: 'HZ-000001' } },
    { text: '保安态度好', dimension: 'attitude' },
  ],
  ['closed', null],
);
const Q2 = review(
  '2026-Q2',
  [90, 91, 90, 91, 90, 91],
  [{ text: '报修慢', dimension: 'response', ref: { kind: 'order', id: 'o1', number: 'WO-000001' } }],
  ['open'],
);
const YEAR = figures({
  year: { year: 2026, today: '2026-10-20' },
  selfChecks: [check('2026-01', 2, 1), check('2026-02', 0, 0), check('2026-05', 3, 3)],
  quarterReviews: [Q1, Q2],
  satisfaction: [
    result('2026-01-01', '2026-03-31', 'safety', 0.9, 100),
    result('2026-04-01', '2026-06-30', 'safety', 0.8, 300),
    result('2026-04-01', '2026-06-30', 'overall', 0.85, null),
  ],
});

describe('quarters', () => {
  it('a day its quarter, a quarter its days, a review its mean', () => {
    expect(quarterOf('2026-01-01')).toBe('2026-Q1');
    expect(quarterOf('2026-09-30')).toBe('2026-Q3');
    expect(quarterOf('2026-12-31')).toBe('2026-Q4');
    expect(quarterDays('2026-Q1')).toEqual({ first: '2026-01-01', last: '2026-03-31' });
    expect(quarterDays('2028-Q1').last).toBe('2028-03-31');
    expect(quarterDays('2026-Q4')).toEqual({ first: '2026-10-01', last: '2026-12-31' });
    expect(quartersOf(2026)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(reviewAverage([{ score: 90 }, { score: 85 }, { score: 86 }])).toBe(87);
    expect(reviewAverage([{ score: 90 }, { score: 85 }])).toBe(87.5);
    expect(reviewAverage([])).toBeNull();
  });
});

describe("the quarterly review (季度互评) and the year's evaluation (年度总评) against a hand-made year", () => {
  it("a quarter's review: its scores per service, its opinions and what became of each", () => {
    const s = quarterReviewSection(figures({ quarterReviews: [Q1] }), figures({ quarterReviews: [] }), c);
    expect(kpis(s)).toEqual({
      quarterReviews: 1,
      reviewScore: 85,
      reviewOpinions: 2,
      // One opinion acted on (the hazard), rectified; the praise was only noted.
      reviewOpinionsClosed: 1,
    });
    expect(s.kpis.find((k) => k.id === 'quarterReviews')!.previous).toBe(0);
    expect(table(s, 'reviews')).toEqual({ 'r-2026-Q1': [2, 1, 3, 85, 2, 1, 0, 1] });
    expect(table(s, 'reviewScores')).toEqual({
      security: [80, null],
      vehicles: [90, null],
      fire: [85, null],
      emergency: [85, null],
      attitude: [85, null],
      response: [85, null],
    });
    expect(table(s, 'reviewOpinions')).toEqual({ 'r-2026-Q1:0': [1, 0, 1], 'r-2026-Q1:1': [0, 0, null] });
    const labels = s.tables.find((t) => t.id === 'reviewOpinions')!.rows.map((r) => r.label['zh-CN']);
    expect(labels).toEqual(['HZ-000001 · 消防安全：消防通道堆物', '服务态度：保安态度好']);
    expect(s.tables.find((t) => t.id === 'reviews')!.rows[0]!.label).toEqual({
      'zh-CN': '2026年第1季度 · 2026-03-31 · 刘主管',
      en: '2026 Q1 · 2026-03-31 · 刘主管',
    });
  });

  it('a period without a review: zeros and dashes, no chart, no rows', () => {
    const s = quarterReviewSection(figures({}), undefined, c);
    expect(kpis(s)).toEqual({
      quarterReviews: 0,
      reviewScore: null,
      reviewOpinions: 0,
      reviewOpinionsClosed: null,
    });
    expect(s.charts).toEqual([]);
    expect(s.tables.every((t) => t.rows.length === 0)).toBe(true);
  });

  it("the year: twelve months' self-checks (done, missing, not yet due), four quarters' reviews, the satisfaction", () => {
    const s = evaluationSection(YEAR, undefined, c);
    expect(kpis(s)).toEqual({
      evalMonthsChecked: 3,
      // January–September are over; three of them were checked.
      evalMonthsMissing: 6,
      evalFindingsClosed: 0.8, // (1 + 0 + 3) of (2 + 0 + 3)
      evalReviewsHeld: 2,
      evalReviewScore: 87.8, // (85 + 90.5) / 2 = 87.75, one decimal
      evalOpinionsClosed: 0.5, // the hazard rectified, the order still open
      satisfactionSafety: 0.825, // (0.9 × 100 + 0.8 × 300) / 400
      satisfactionOverall: 0.85,
    });
    const months = table(s, 'evalMonths');
    expect(Object.keys(months)).toHaveLength(12);
    expect(months['2026-01']).toEqual([1, 2, 1]);
    expect(months['2026-02']).toEqual([1, 0, 0]);
    expect(months['2026-03']).toEqual([0, null, null]);
    expect(months['2026-09']).toEqual([0, null, null]);
    expect(months['2026-10']).toEqual([null, null, null]);
    expect(table(s, 'evalQuarters')).toEqual({
      '2026-Q1': [1, 85, 2, 1, 1],
      '2026-Q2': [1, 90.5, 1, 1, 0],
      '2026-Q3': [0, null, null, null, null],
      '2026-Q4': [null, null, null, null, null],
    });
    expect(table(s, 'evalSatisfaction')).toEqual({ safety: [0.825, 400], overall: [0.85, null] });
    expect(s.charts[0]!.series[0]!.values).toEqual([85, 90.5, 0, 0]);
  });

  it('the year before, when comparing, is read the same way', () => {
    const before = figures({
      year: { year: 2025, today: '2026-10-20' },
      selfChecks: [check('2025-03', 1, 0)],
      quarterReviews: [],
      satisfaction: [],
    });
    const s = evaluationSection(YEAR, before, c);
    const prev = Object.fromEntries(s.kpis.map((k) => [k.id, k.previous]));
    expect(prev).toEqual({
      evalMonthsChecked: 1,
      evalMonthsMissing: 11,
      evalFindingsClosed: 0,
      evalReviewsHeld: 0,
      evalReviewScore: null,
      evalOpinionsClosed: null,
      satisfactionSafety: null,
      satisfactionOverall: null,
    });
  });
});
