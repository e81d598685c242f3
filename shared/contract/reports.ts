import { z } from 'zod';
import { EpochMs, InBothLanguages, method, NoInput } from './common';
import { Locale } from '../domain/text';
import { LocalDay, PERIOD_KINDS, ReportPeriod } from '../domain/report-period';
import { Severity } from '../domain/facilities';
import { ImportFile } from './vehicles';

/**
 * Reports (issue 19): the figures of a period (日巡查、周复盘、月总结, the quarter, the year, a range) compared with
 * the period before, in sections with charts and tables; the live shift board; exports. Operators may ask for
 * today only (the core refuses other periods by role); supervisors for any.
 */

export const REPORT_SECTIONS = [
  'alarms',
  'response',
  'patrols',
  'drills',
  'facilities',
  'vehicles',
  'people',
  'satisfaction',
  'selfCheck',
  'quarterReview',
  'evaluation',
] as const;
export type ReportSectionId = (typeof REPORT_SECTIONS)[number];

/**
 * `percent` values are 0..1; `ms` durations; `flag` 1 (yes) or 0 (no). Names and definitions are worded in
 * shared/i18n `reports.*`.
 */
export const ReportUnit = z.enum(['count', 'percent', 'ms', 'flag']);
export type ReportUnit = z.infer<typeof ReportUnit>;

export const ReportKpi = z.object({
  id: z.string(),
  unit: ReportUnit,
  value: z.number().nullable(),
  previous: z.number().nullable().optional(),
});
export type ReportKpi = z.infer<typeof ReportKpi>;

export const ReportCategory = z.object({ key: z.string(), label: InBothLanguages });
export type ReportCategory = z.infer<typeof ReportCategory>;

export const ReportSeries = z.object({
  id: z.string(),
  values: z.array(z.number()),
  /** The same categories in the period before (compare). */
  previous: z.array(z.number()).optional(),
});
export type ReportSeries = z.infer<typeof ReportSeries>;

export const ReportChart = z.object({
  id: z.string(),
  kind: z.enum(['bar', 'stack', 'heatmap']),
  unit: ReportUnit,
  categories: z.array(ReportCategory),
  series: z.array(ReportSeries),
  /** heatmap: 7 rows (Monday first) × 24 hours. */
  grid: z.array(z.array(z.number())).optional(),
  /** A click on a bar lists the rows behind it (`reports.rows` with this chart's id and the bar's key). */
  drill: z.boolean(),
});
export type ReportChart = z.infer<typeof ReportChart>;

export const ReportTable = z.object({
  id: z.string(),
  columns: z.array(z.object({ id: z.string(), unit: ReportUnit })),
  rows: z.array(
    z.object({ key: z.string(), label: InBothLanguages, values: z.array(z.number().nullable()) }),
  ),
});
export type ReportTable = z.infer<typeof ReportTable>;

export const ReportSection = z.object({
  id: z.enum(REPORT_SECTIONS),
  kpis: z.array(ReportKpi),
  charts: z.array(ReportChart),
  tables: z.array(ReportTable),
});
export type ReportSection = z.infer<typeof ReportSection>;

export const PeriodView = z.object({
  kind: z.enum(PERIOD_KINDS),
  first: LocalDay,
  last: LocalDay,
  from: EpochMs,
  to: EpochMs,
});
export type PeriodView = z.infer<typeof PeriodView>;

export const ReportView = z.object({
  site: InBothLanguages,
  timeZone: z.string(),
  period: PeriodView,
  previous: PeriodView.optional(),
  generatedAt: EpochMs,
  sections: z.array(ReportSection),
});
export type ReportView = z.infer<typeof ReportView>;

export const ReportRow = z.object({ id: z.string(), at: EpochMs, text: InBothLanguages });
export type ReportRow = z.infer<typeof ReportRow>;

/** The live shift board on the console: today's shift so far. */
export const ShiftBoard = z.object({
  from: EpochMs,
  band: z.enum(['day', 'night']),
  alarmsOpen: z.number().int(),
  alarmsHandled: z.number().int(),
  ackMedianMs: z.number().nullable(),
  /** The acknowledge target of the shift's most common priority (s). */
  ackTargetSec: z.number(),
  roundsDone: z.number().int(),
  roundsMissed: z.number().int(),
  hazardsOverdue: z.number().int(),
});
export type ShiftBoard = z.infer<typeof ShiftBoard>;

/** The answers a survey counts, best first: the score from them is (very satisfied + satisfied) ÷ answers. */
export const SATISFACTION_ANSWERS = [
  'verySatisfied',
  'satisfied',
  'neutral',
  'dissatisfied',
  'veryDissatisfied',
] as const;
/** The columns a residents' satisfaction file may have; headers are matched in either language. */
export const SATISFACTION_COLUMNS = [
  'period',
  'dimension',
  'score',
  'sample',
  ...SATISFACTION_ANSWERS,
] as const;
export type SatisfactionColumn = (typeof SATISFACTION_COLUMNS)[number];
/** Why the file as a whole cannot be read, worded in `reports.satisfaction.refusal.<code>`. */
export const SATISFACTION_REFUSALS = [
  'too_large',
  'unreadable',
  'no_header',
  'no_columns',
  'no_rows',
  'too_many_rows',
] as const;
/** What is wrong with one cell, worded in `reports.satisfaction.problem.<code>`. */
export const SATISFACTION_PROBLEMS = [
  'period',
  'dimension',
  'too_long',
  'score',
  'sample',
  'answers',
  'no_score',
  'score_mismatch',
  'repeated',
] as const;
/** A property office's survey results: a few questions a month for some years. */
export const MAX_SATISFACTION_ROWS = 2000;

/** Known questions by id (worded in `reports.satisfaction.dimension.<id>`); any other is kept as written. */
export const SATISFACTION_DIMENSIONS = ['safety', 'overall'] as const;

export const SatisfactionResult = z.object({
  first: LocalDay,
  last: LocalDay,
  /** `safety`, `overall`, or the question as the file words it. */
  dimension: z.string().min(1).max(40),
  /** 0..1 */
  score: z.number().min(0).max(1),
  sample: z.number().int().positive().nullable(),
});
export type SatisfactionResult = z.infer<typeof SatisfactionResult>;

export const SatisfactionProblem = z.object({
  /** 1-based, as a spreadsheet numbers it (the header is row 1). */
  row: z.number().int().positive(),
  column: z.enum(SATISFACTION_COLUMNS),
  problem: z.enum(SATISFACTION_PROBLEMS),
  value: z.string().max(60),
});
export type SatisfactionProblem = z.infer<typeof SatisfactionProblem>;

export const SatisfactionPreview = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    rows: z.number().int().nonnegative(),
    good: z.number().int().nonnegative(),
    badRows: z.number().int().nonnegative(),
    /** Results of a period and question already on record: imported, they replace it. */
    replacing: z.number().int().nonnegative(),
    /** The first problems (at most 500), row by row. */
    problems: z.array(SatisfactionProblem).max(500),
    columns: z.array(z.enum(SATISFACTION_COLUMNS)),
    /** The first good rows, as they would be stored. */
    sample: z.array(SatisfactionResult).max(5),
  }),
  z.object({ ok: z.literal(false), refusal: z.enum(SATISFACTION_REFUSALS) }),
]);
export type SatisfactionPreview = z.infer<typeof SatisfactionPreview>;

/**
 * The monthly self-check (月度自查, the service plan's 「月度自查、季度互评、年度总评」): the property team goes
 * through a fixed checklist once a month; each finding becomes a hazard (隐患) or a work order (报修工单) in the
 * facilities feature, opened as the supervisor who recorded it. Items are worded in `reports.selfCheck.item.<id>`.
 */
export const SELF_CHECK_ITEMS = [
  'patrol',
  'monitoring',
  'fire',
  'vehicles',
  'gate',
  'handover',
  'drills',
  'training',
  'hazards',
  'feedback',
] as const;
export type SelfCheckItemId = (typeof SELF_CHECK_ITEMS)[number];

export const SelfCheckMonth = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

export const SelfCheckFinding = z
  .object({
    text: z.string().trim().min(1).max(500),
    becomes: z.enum(['hazard', 'order']),
    severity: Severity,
  })
  .strict();
export type SelfCheckFinding = z.infer<typeof SelfCheckFinding>;

export const SelfCheckInput = z
  .object({
    month: SelfCheckMonth,
    /** Every item of the checklist once, in any order; one without a finding was found in order. */
    items: z
      .array(z.object({ id: z.enum(SELF_CHECK_ITEMS), finding: SelfCheckFinding.optional() }).strict())
      .length(SELF_CHECK_ITEMS.length)
      .refine((items) => new Set(items.map((i) => i.id)).size === items.length, 'each item once'),
    note: z.string().trim().max(1000).default(''),
  })
  .strict();
export type SelfCheckInput = z.input<typeof SelfCheckInput>;

export const SelfCheckView = z.object({
  id: z.string(),
  month: SelfCheckMonth,
  doneAt: EpochMs,
  doneBy: z.string(),
  note: z.string(),
  items: z.array(
    z.object({
      id: z.enum(SELF_CHECK_ITEMS),
      finding: z.string().max(500).optional(),
      /** What the finding became in the facilities feature (its number as people read it). */
      ref: z.object({ kind: z.enum(['hazard', 'order']), id: z.string(), number: z.string() }).optional(),
    }),
  ),
});
export type SelfCheckView = z.infer<typeof SelfCheckView>;

/**
 * The quarterly review (季度互评, the plan's 「每季度邀请居民代表、业委会参与互评，监督服务质量」): residents'
 * representatives (居民代表), owners' committee members (业委会) and the property staff meet once a quarter, score the
 * service on a short fixed list of dimensions (the plan's service modules and what its residents' survey asks about:
 * worded in `reports.quarterReview.dimension.<id>`), raise opinions — each of which may become a hazard or a work
 * order in the facilities feature, as the self-check's findings do — and write a conclusion. One record per quarter.
 */
export const REVIEW_DIMENSIONS = [
  'security',
  'vehicles',
  'fire',
  'emergency',
  'attitude',
  'response',
] as const;
export type ReviewDimensionId = (typeof REVIEW_DIMENSIONS)[number];

/** The most people of one group at a review (a committee of a few, some representatives, the staff who attend). */
export const MAX_REVIEW_PEOPLE = 20;
/** The most opinions one review records: a meeting's minutes, not a survey. */
export const MAX_REVIEW_OPINIONS = 30;

export const ReviewQuarter = z.string().regex(/^20\d{2}-Q[1-4]$/, 'a quarter as YYYY-Qn');

const PersonName = z.string().trim().min(1).max(40);
const People = z
  .array(PersonName)
  .max(MAX_REVIEW_PEOPLE)
  .refine((names) => new Set(names).size === names.length, 'each name once');

export const ReviewOpinion = z
  .object({
    text: z.string().trim().min(1).max(500),
    dimension: z.enum(REVIEW_DIMENSIONS),
    /** `note`: recorded only (praise, a question answered at the meeting). */
    becomes: z.enum(['hazard', 'order', 'note']),
    severity: Severity,
  })
  .strict();
export type ReviewOpinion = z.infer<typeof ReviewOpinion>;

export const QuarterReviewInput = z
  .object({
    quarter: ReviewQuarter,
    /** The day the review was held: within the quarter or the first weeks after it (checked by the core). */
    heldOn: LocalDay,
    participants: z
      .object({ residents: People, committee: People, staff: People })
      .strict()
      .refine((p) => p.residents.length + p.committee.length > 0, {
        message: "a mutual review needs at least one residents' representative or owners' committee member",
      }),
    /** A score 0–100 (百分制) for every dimension once, in any order. */
    scores: z
      .array(z.object({ id: z.enum(REVIEW_DIMENSIONS), score: z.number().int().min(0).max(100) }).strict())
      .length(REVIEW_DIMENSIONS.length)
      .refine((s) => new Set(s.map((x) => x.id)).size === s.length, 'each dimension once'),
    opinions: z.array(ReviewOpinion).max(MAX_REVIEW_OPINIONS).default([]),
    conclusion: z.string().trim().min(1).max(2000),
  })
  .strict();
export type QuarterReviewInput = z.input<typeof QuarterReviewInput>;

export const QuarterReviewView = z.object({
  id: z.string(),
  quarter: ReviewQuarter,
  heldOn: LocalDay,
  recordedAt: EpochMs,
  recordedBy: z.string(),
  participants: z.object({
    residents: z.array(z.string()),
    committee: z.array(z.string()),
    staff: z.array(z.string()),
  }),
  scores: z.array(z.object({ id: z.enum(REVIEW_DIMENSIONS), score: z.number() })),
  opinions: z.array(
    z.object({
      text: z.string().max(500),
      dimension: z.enum(REVIEW_DIMENSIONS),
      /** What the opinion became in the facilities feature (its number as people read it). */
      ref: z.object({ kind: z.enum(['hazard', 'order']), id: z.string(), number: z.string() }).optional(),
    }),
  ),
  conclusion: z.string(),
});
export type QuarterReviewView = z.infer<typeof QuarterReviewView>;

const ReportQuery = z.object({ period: ReportPeriod, compare: z.boolean().default(false) }).strict();

export const reportMethods = {
  'reports.get': method({
    input: ReportQuery,
    output: ReportView,
    role: 'operator',
    mutates: false,
    summary:
      "A period's figures in sections (alarms, response, patrols, drills, facilities, vehicles, people, satisfaction, self-check, quarterly review; the year's overall evaluation), with the period before if asked. Operators: today only.",
  }),
  'reports.rows': method({
    input: z
      .object({
        period: ReportPeriod,
        chart: z.string().min(1).max(40),
        key: z.string().max(200),
        series: z.string().max(40).optional(),
      })
      .strict(),
    output: z.object({ rows: z.array(ReportRow), total: z.number().int() }),
    role: 'operator',
    mutates: false,
    summary: 'The rows behind one bar of a chart (at most 500, newest first). Operators: today only.',
  }),
  'reports.export': method({
    input: z
      .object({
        period: ReportPeriod,
        compare: z.boolean().default(false),
        format: z.enum(['pdf', 'csv', 'xlsx']),
        /** csv: the table to write (every table is its own file); xlsx: every table, a sheet each. */
        table: z.string().max(40).optional(),
        locale: Locale,
      })
      .strict(),
    output: z.object({ name: z.string(), base64: z.string() }),
    role: 'operator',
    mutates: false,
    summary:
      "The report as the monthly-summary PDF (charts, the site's name, the period, a signature line), a table as CSV, or every table as Excel.",
  }),
  'reports.satisfactionPreview': method({
    input: ImportFile,
    output: SatisfactionPreview,
    role: 'supervisor',
    mutates: false,
    summary:
      "Reads a CSV or .xlsx of residents' survey results (period, question, score or answer counts, sample) and says, row by row, what it would import.",
  }),
  'reports.satisfactionImport': method({
    input: z.object({ file: ImportFile }).strict(),
    output: z.object({ imported: z.number().int().nonnegative(), preview: SatisfactionPreview }),
    role: 'supervisor',
    mutates: true,
    summary:
      "Imports residents' survey results in one transaction, every row or none: a file with any wrong row imports nothing and comes back with its preview.",
  }),
  'reports.selfCheck': method({
    input: SelfCheckInput,
    output: SelfCheckView,
    role: 'supervisor',
    mutates: true,
    summary:
      "Records a month's self-check (月度自查): every checklist item in order or with a finding; each finding is opened as a hazard or a work order in the facilities feature as the supervisor. One per month.",
  }),
  'reports.selfChecks': method({
    input: NoInput,
    output: z.object({ checks: z.array(SelfCheckView) }),
    role: 'supervisor',
    mutates: false,
    summary: 'The monthly self-checks of the last two years, newest first.',
  }),
  'reports.quarterReview': method({
    input: QuarterReviewInput,
    output: QuarterReviewView,
    role: 'supervisor',
    mutates: true,
    summary:
      "Records a quarter's mutual review (季度互评) with residents' representatives and the owners' committee: who took part, a score per dimension, the opinions raised (each may be opened as a hazard or a work order in the facilities feature as the supervisor) and the conclusion. One per quarter: a second is refused.",
  }),
  'reports.quarterReviews': method({
    input: NoInput,
    output: z.object({ reviews: z.array(QuarterReviewView) }),
    role: 'supervisor',
    mutates: false,
    summary: 'The quarterly reviews of the last five years, newest first.',
  }),
  'reports.board': method({
    input: NoInput,
    output: ShiftBoard,
    role: 'operator',
    mutates: false,
    summary:
      "The live shift board: the current shift's alarms, acknowledge median, rounds and overdue hazards.",
  }),
};
