import { monthDay } from './report-period';

/**
 * The quarterly review's calendar and figures (季度互评, issue 19), shared by the core (report sections) and the page
 * (the quarter a dialog starts on). A quarter is written `YYYY-Qn`, as the review records it.
 */

/** The quarter a local day (`YYYY-MM-DD`) falls in. */
export function quarterOf(day: string): string {
  const m = Number(day.slice(5, 7));
  return `${day.slice(0, 4)}-Q${Math.ceil(m / 3)}`;
}

/** A quarter's first and last local days. */
export function quarterDays(quarter: string): { first: string; last: string } {
  const y = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  return { first: monthDay(y, 3 * q - 2), last: monthDay(y, 3 * q + 1, 0) };
}

/** The four quarters of a year, in order. */
export const quartersOf = (year: number): string[] => [1, 2, 3, 4].map((q) => `${year}-Q${q}`);

/** The twelve months (`YYYY-MM`) of a year, in order. */
export const monthsOf = (year: number): string[] =>
  Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

/**
 * How long after its quarter a review may still be held: the meeting of the last quarter often falls in the first
 * weeks of the next (the quarter's figures must be in first).
 */
export const REVIEW_LATE_DAYS = 45;

/** The mean of a review's scores (0–100), one decimal; null without scores. */
export function reviewAverage(scores: ReadonlyArray<{ score: number }>): number | null {
  if (scores.length === 0) return null;
  return Math.round((scores.reduce((s, x) => s + x.score, 0) / scores.length) * 10) / 10;
}
