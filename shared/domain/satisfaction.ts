import { LocalDay, dayNumber, monthDay } from './report-period';

/**
 * Residents' satisfaction surveys as property offices keep them (issue 19): the console does not run surveys, a
 * supervisor imports their results. How a cell of such a file is read — a survey period, a score, a question — is
 * decided here; electron/core/reports/satisfaction.ts reads the file and keeps the results.
 */

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4 };

/** The last day of month `m` (day 0 of the next). */
const lastOfMonth = (y: number, m: number) => monthDay(y, m + 1, 0);

const day = (text: string): string | undefined => {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text.trim());
  if (!m) return undefined;
  const d = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return LocalDay.safeParse(d).success ? d : undefined;
};

/**
 * The days a survey covered, from how an office writes its period: a month (`2026-10`, `2026/10`, `2026年10月`), a
 * quarter (`2026-Q3`, `2026Q3`, `2026年第3季度`, `2026年三季度`), a year (`2026`, `2026年`) or two days
 * (`2026-10-01~2026-10-31`, `2026-10-01 至 2026-10-31`). Undefined when it is none of those, or outside 2000–2100.
 */
export function surveyPeriod(text: string): { first: string; last: string } | undefined {
  const t = text.trim().replace(/\s+/g, '');
  let m = /^(\d{4})(?:[-/.年](\d{1,2})月?)?年?$/.exec(t);
  if (m) {
    const y = Number(m[1]);
    if (y < 2000 || y > 2100) return undefined;
    if (m[2] === undefined) return { first: `${y}-01-01`, last: `${y}-12-31` };
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return undefined;
    return { first: monthDay(y, mo), last: lastOfMonth(y, mo) };
  }
  m = /^(\d{4})(?:[-/.]?[Qq]|年第?)([1-4一二三四])(?:季度?)?$/.exec(t);
  if (m) {
    const y = Number(m[1]);
    const q = CN_DIGITS[m[2]!] ?? Number(m[2]);
    if (y < 2000 || y > 2100) return undefined;
    return { first: monthDay(y, q * 3 - 2), last: lastOfMonth(y, q * 3) };
  }
  const parts = t.split(/~|～|至|到|—|–|--/);
  if (parts.length === 2) {
    const first = day(parts[0]!);
    const last = day(parts[1]!);
    if (first && last && last >= first && dayNumber(last) - dayNumber(first) <= 366) return { first, last };
  }
  return undefined;
}

/**
 * A score as a share 0..1: `92.5%`, `92.5` (out of 100) or `0.925`. A number up to 1 is read as a share, above 1
 * as out of 100. Undefined for anything else or outside 0–100 %.
 */
export function surveyScore(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(%|％|分)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const share = m[2] === '%' || m[2] === '％' || n > 1 ? n / 100 : n;
  return share >= 0 && share <= 1 ? share : undefined;
}

const DIMENSION_WORDS: Record<string, 'safety' | 'overall'> = {
  居民安全满意度: 'safety',
  安全满意度: 'safety',
  安全: 'safety',
  safety: 'safety',
  residentssafetysatisfaction: 'safety',
  safetysatisfaction: 'safety',
  居民综合满意度: 'overall',
  综合满意度: 'overall',
  综合: 'overall',
  overall: 'overall',
  residentsoverallsatisfaction: 'overall',
  overallsatisfaction: 'overall',
};

/** The service plan's two questions by their id; any other question as written (trimmed). */
export function surveyDimension(text: string): string {
  const key = text
    .trim()
    .toLowerCase()
    .replace(/[\s'’_\-()（）]/g, '');
  return DIMENSION_WORDS[key] ?? text.trim();
}

/** Results of one question over several surveys: the mean weighted by sample (unweighted where one has none). */
export function weightedScore(results: ReadonlyArray<{ score: number; sample: number | null }>): {
  score: number | null;
  sample: number;
} {
  if (results.length === 0) return { score: null, sample: 0 };
  if (results.some((r) => r.sample === null))
    return {
      score: results.reduce((s, r) => s + r.score, 0) / results.length,
      sample: results.reduce((s, r) => s + (r.sample ?? 0), 0),
    };
  const sample = results.reduce((s, r) => s + r.sample!, 0);
  return { score: results.reduce((s, r) => s + r.score * r.sample!, 0) / sample, sample };
}
