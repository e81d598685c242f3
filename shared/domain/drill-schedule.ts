/**
 * The recurring drill schedule (定期开展应急演练): a rule drills monthly or quarterly on a day of the month at a
 * local time of the site, and the console generates each drill from it ahead of time. Pure: the core keeps the
 * rules and the drills, this decides when each is due.
 */
import { z } from 'zod';
import { fromLocal, localParts } from './rounds';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM, e.g. "14:30"');

/**
 * `month`: every month on `monthDay` at `at`; `quarter`: in the `quarterMonth`-th month of each quarter (1: January,
 * April, July, October; 3: March, June, September, December). A day the month lacks is its last (31: month end).
 */
export const DrillRecurrence = z
  .object({
    every: z.enum(['month', 'quarter']),
    monthDay: z.number().int().min(1).max(31),
    at: HHMM,
    quarterMonth: z.number().int().min(1).max(3).default(1),
  })
  .strict();
export type DrillRecurrence = z.output<typeof DrillRecurrence>;

/** Drills are generated this far ahead of their time, so they appear in the list and the handover in time. */
export const DRILL_GENERATE_AHEAD_MS = 7 * 86_400_000;
/** The reminder goes out this long before a drill's time. */
export const DRILL_REMINDER_MS = 86_400_000;

const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The first due time strictly after `after`, in the site's calendar and clock. */
export function nextDrillDue(r: DrillRecurrence, after: number, timeZone: string): number {
  const today = localParts(after, timeZone);
  const minute = Number(r.at.slice(0, 2)) * 60 + Number(r.at.slice(3, 5));
  // At most a quarter and a month ahead: 5 months covers any start within a quarter.
  for (let k = 0; k < 5; k++) {
    const first = new Date(Date.UTC(today.y, today.m - 1 + k, 1));
    const y = first.getUTCFullYear();
    const m = first.getUTCMonth() + 1;
    if (r.every === 'quarter' && (m - 1) % 3 !== r.quarterMonth - 1) continue;
    const due = fromLocal({ y, m, d: Math.min(r.monthDay, daysInMonth(y, m)) }, minute, timeZone);
    if (due > after) return due;
  }
  throw new Error(`no drill due after ${after} for ${JSON.stringify(r)}`);
}
