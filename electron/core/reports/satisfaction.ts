import type { Knex } from 'knex';
import {
  MAX_SATISFACTION_ROWS,
  SATISFACTION_ANSWERS,
  SATISFACTION_COLUMNS,
  type ImportFile,
  type SatisfactionColumn,
  type SatisfactionPreview,
  type SatisfactionProblem,
  type SatisfactionResult,
} from '../../../shared/contract';
import { surveyDimension, surveyPeriod, surveyScore } from '../../../shared/domain/satisfaction';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import type { IdGenerator } from '../util/ids';
import { hasText, readTable, squash } from '../util/sheet';

/**
 * Residents' satisfaction results (issue 19), imported by a supervisor from the CSV or .xlsx a property office
 * keeps: one row per survey period and question, with a score or the counts of each answer. The file is read by the
 * spreadsheet reader the vehicle and ledger imports use (util/sheet.ts); every row is checked before anything is
 * written, and a file with any wrong row writes nothing.
 */

/** Each column's header in either language, and the other words offices use for it. */
const HEADERS: Record<SatisfactionColumn, string[]> = {
  period: ['期间', '调查期间', '统计期间', '调查时间', '月份', '季度', 'period', 'survey period', 'month'],
  dimension: ['调查项目', '项目', '维度', '指标', '问题', '调查内容', 'dimension', 'question', 'item'],
  score: ['满意度', '满意率', '得分', '分数', 'score', 'satisfaction', 'rate'],
  sample: [
    '样本量',
    '样本数',
    '有效样本',
    '有效问卷',
    '样本',
    '问卷数',
    'sample',
    'sample size',
    'responses',
  ],
  verySatisfied: ['非常满意', 'very satisfied'],
  satisfied: ['满意', '比较满意', 'satisfied'],
  neutral: ['一般', '基本满意', 'neutral'],
  dissatisfied: ['不满意', '不太满意', 'dissatisfied'],
  veryDissatisfied: ['非常不满意', '很不满意', 'very dissatisfied'],
};

function columnOf(header: string): SatisfactionColumn | undefined {
  const h = squash(header);
  return SATISFACTION_COLUMNS.find((c) => [c, ...HEADERS[c]].some((n) => squash(n) === h));
}

/** A whole count of answers, at most a million (no residential survey has more). */
const countOf = (text: string): number | undefined =>
  /^\d{1,7}$/.test(text) && Number(text) <= 1_000_000 ? Number(text) : undefined;

export interface SatisfactionRows {
  good: Array<SatisfactionResult & { answers: number[] | null }>;
  problems: SatisfactionProblem[];
  badRows: number;
  rows: number;
  columns: SatisfactionColumn[];
}

type Refusal = Extract<SatisfactionPreview, { ok: false }>['refusal'];

/** The file's rows checked one by one; a refusal when the file as a whole cannot be used. */
export async function readSatisfaction(file: ImportFile): Promise<SatisfactionRows | { refusal: Refusal }> {
  const bytes = Buffer.from(file.base64, 'base64');
  if (bytes.length > 2 * 1024 * 1024) return { refusal: 'too_large' };
  const read = await readTable(file.format, bytes, MAX_SATISFACTION_ROWS + 1);
  if (typeof read === 'string') return { refusal: read };
  const table = read.filter(hasText);
  const header = table[0];
  if (!header) return { refusal: 'no_header' };
  const columns = header.map(columnOf);
  const hasAnswers = SATISFACTION_ANSWERS.some((a) => columns.includes(a));
  if (
    !columns.includes('period') ||
    !columns.includes('dimension') ||
    !(columns.includes('score') || hasAnswers)
  )
    return { refusal: columns.some(Boolean) ? 'no_columns' : 'no_header' };
  if (table.length < 2) return { refusal: 'no_rows' };
  if (table.length - 1 > MAX_SATISFACTION_ROWS) return { refusal: 'too_many_rows' };
  return checkRows(table.slice(1), columns);
}

function checkRows(body: string[][], columns: (SatisfactionColumn | undefined)[]): SatisfactionRows {
  const out: SatisfactionRows = {
    good: [],
    problems: [],
    badRows: 0,
    rows: body.length,
    columns: columns.filter((c): c is SatisfactionColumn => c !== undefined),
  };
  const seen = new Set<string>();
  body.forEach((cells, index) => {
    const row = index + 2;
    const get = (c: SatisfactionColumn): string => {
      const at = columns.indexOf(c);
      return at < 0 ? '' : (cells[at] ?? '').trim().replace(/^'/, '');
    };
    const problems: SatisfactionProblem[] = [];
    const problem = (column: SatisfactionColumn, p: SatisfactionProblem['problem']) =>
      problems.push({ row, column, problem: p, value: get(column).slice(0, 60) });

    const period = surveyPeriod(get('period'));
    if (!period) problem('period', 'period');
    const dimensionText = get('dimension');
    if (!dimensionText) problem('dimension', 'dimension');
    else if (dimensionText.length > 40) problem('dimension', 'too_long');
    const dimension = surveyDimension(dimensionText);

    const sampleText = get('sample');
    const sample = sampleText ? countOf(sampleText) : null;
    if (sample === undefined || sample === 0) problem('sample', 'sample');

    // The answers, if the file counts them: all five or none, whole numbers, adding up to the sample if it has one.
    const answerTexts = SATISFACTION_ANSWERS.map((a) => get(a));
    let answers: number[] | null = null;
    if (answerTexts.some(Boolean)) {
      const counts = answerTexts.map((t) => (t === '' ? 0 : countOf(t)));
      const bad = counts.findIndex((n) => n === undefined);
      const total = counts.reduce<number>((s, n) => s + (n ?? 0), 0);
      if (bad >= 0) problem(SATISFACTION_ANSWERS[bad]!, 'answers');
      else if (total === 0 || (sample && total !== sample)) problem('verySatisfied', 'answers');
      else answers = counts as number[];
    }

    const scoreText = get('score');
    let score = scoreText ? surveyScore(scoreText) : undefined;
    if (scoreText && score === undefined) problem('score', 'score');
    const total = answers?.reduce((s, n) => s + n, 0) ?? 0;
    const fromAnswers = answers && total > 0 ? (answers[0]! + answers[1]!) / total : undefined;
    if (!scoreText && !answerTexts.some(Boolean)) problem('score', 'no_score');
    // Both given: they must tell the same (to the rounding an office's sheet shows, half a percent).
    if (score !== undefined && fromAnswers !== undefined && Math.abs(score - fromAnswers) > 0.005)
      problem('score', 'score_mismatch');
    score ??= fromAnswers;

    const key = period ? `${period.first}|${period.last}|${dimension}` : '';
    if (period && dimensionText && seen.has(key)) problem('dimension', 'repeated');
    if (problems.length > 0 || !period || score === undefined || sample === undefined || !dimensionText) {
      out.badRows++;
      for (const p of problems) if (out.problems.length < 500) out.problems.push(p);
      return;
    }
    seen.add(key);
    out.good.push({
      first: period.first,
      last: period.last,
      dimension,
      score,
      sample: sample ?? (answers ? total : null),
      answers,
    });
  });
  return out;
}

type Raw = Record<string, unknown>;

/** The results kept, their preview and import, and those of a report's period. */
export class SatisfactionStore {
  constructor(private readonly o: { db: Knex; now: () => number; ids: IdGenerator }) {}

  /** How many of `good` are a period and question already on record (read in one query, not one per row). */
  private async replacing(good: SatisfactionRows['good']): Promise<number> {
    if (good.length === 0) return 0;
    const firsts = good.map((g) => g.first).sort();
    const lasts = good.map((g) => g.last).sort();
    const kept = (await this.o.db.raw(
      'SELECT first_day, last_day, dimension FROM satisfaction_results WHERE last_day >= ? AND first_day <= ?',
      [firsts[0]!, lasts[lasts.length - 1]!],
    )) as Raw[];
    const keys = new Set(
      kept.map((r) => `${String(r.first_day)}|${String(r.last_day)}|${String(r.dimension)}`),
    );
    return good.filter((g) => keys.has(`${g.first}|${g.last}|${g.dimension}`)).length;
  }

  /** The file read and checked once: its preview, and the rows an import writes. */
  private async check(
    file: ImportFile,
  ): Promise<{ preview: SatisfactionPreview; good: SatisfactionRows['good'] }> {
    const read = await readSatisfaction(file);
    if ('refusal' in read) return { preview: { ok: false, refusal: read.refusal }, good: [] };
    return {
      good: read.good,
      preview: {
        ok: true,
        rows: read.rows,
        good: read.good.length,
        badRows: read.badRows,
        replacing: await this.replacing(read.good),
        problems: read.problems,
        columns: read.columns,
        sample: read.good.slice(0, 5).map(({ first, last, dimension, score, sample }) => ({
          first,
          last,
          dimension,
          score,
          sample,
        })),
      },
    };
  }

  async preview(file: ImportFile): Promise<SatisfactionPreview> {
    return (await this.check(file)).preview;
  }

  /** Every row in one transaction with its audit entry, or none: a file with a wrong row writes nothing. */
  async import(file: ImportFile, actor: Actor): Promise<{ imported: number; preview: SatisfactionPreview }> {
    const { preview, good } = await this.check(file);
    if (!preview.ok || preview.badRows > 0 || preview.good === 0) return { imported: 0, preview };
    const at = this.o.now();
    await this.o.db.transaction(async (trx) => {
      for (const g of good)
        await trx('satisfaction_results')
          .insert({
            id: this.o.ids(),
            first_day: g.first,
            last_day: g.last,
            dimension: g.dimension,
            score: g.score,
            sample: g.sample,
            answers: g.answers ? JSON.stringify(g.answers) : null,
            file_name: file.name,
            imported_at: at,
            imported_by: actor.name,
          })
          .onConflict(['first_day', 'last_day', 'dimension'])
          .merge(['score', 'sample', 'answers', 'file_name', 'imported_at', 'imported_by']);
      await appendAudit(trx, {
        at,
        ...auditActor(actor),
        action: 'reports.satisfactionImport',
        target: file.name,
        details: { rows: good.length, replacing: preview.replacing },
      });
    });
    return { imported: good.length, preview };
  }

  /** The results of surveys that ended within first..last (local days), oldest first. */
  async within(first: string, last: string): Promise<SatisfactionResult[]> {
    const rows = (await this.o.db.raw(
      `SELECT first_day, last_day, dimension, score, sample FROM satisfaction_results
        WHERE last_day >= ? AND last_day <= ? ORDER BY last_day, first_day, dimension`,
      [first, last],
    )) as Raw[];
    return rows.map((r) => ({
      first: String(r.first_day),
      last: String(r.last_day),
      dimension: String(r.dimension),
      score: Number(r.score),
      sample: r.sample === null || r.sample === undefined ? null : Number(r.sample),
    }));
  }
}
