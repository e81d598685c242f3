import { z } from 'zod';
import { utcOffsetMin } from './patrol';

/**
 * Report periods in the site's own calendar (issue 19): 日巡查、周复盘、月总结, the quarter's briefing and the
 * year's evaluation, or any range of days. Weeks start on Monday, as Chinese calendars print them.
 */
export const PERIOD_KINDS = ['day', 'week', 'month', 'quarter', 'year', 'range'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** A local calendar day, `YYYY-MM-DD`, checked to exist. */
export const LocalDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const t = new Date(Date.UTC(y, m - 1, d));
    return y >= 2000 && y <= 2100 && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }, 'no such day (years 2000–2100)');

/** The longest range a report covers: a year and a day (a leap year's whole year plus its neighbour's edge). */
export const MAX_RANGE_DAYS = 367;

export const ReportPeriod = z
  .object({
    kind: z.enum(PERIOD_KINDS),
    /** Any day inside the period (its first day for a range). */
    day: LocalDay,
    /** A range's last day, included. */
    until: LocalDay.optional(),
  })
  .strict()
  .refine((p) => p.kind !== 'range' || (p.until !== undefined && p.until >= p.day), {
    message: 'a range needs "until" on or after "day"',
    path: ['until'],
  })
  .refine((p) => p.kind !== 'range' || !p.until || dayNumber(p.until) - dayNumber(p.day) < MAX_RANGE_DAYS, {
    message: `a range covers at most ${MAX_RANGE_DAYS} days`,
    path: ['until'],
  });
export type ReportPeriod = z.infer<typeof ReportPeriod>;

/** Days since 1970-01-01 of a `YYYY-MM-DD`. */
export function dayNumber(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

export function dayOfNumber(n: number): string {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

/** The local day (`YYYY-MM-DD`) that `at` falls on in `timeZone`. */
export function localDay(at: number, timeZone: string): string {
  return dayOfNumber(Math.floor((at + utcOffsetMin(at, timeZone) * 60_000) / 86_400_000));
}

/**
 * The instant a local day starts (its midnight) in `timeZone`. DST changes happen at night, never at midnight in the
 * zones the console is used in, so the offset at midnight is found by trying the offsets either side of it.
 */
export function startOfLocalDay(day: string, timeZone: string): number {
  const utcMidnight = dayNumber(day) * 86_400_000;
  let guess = utcMidnight - utcOffsetMin(utcMidnight, timeZone) * 60_000;
  // The offset at the guess may differ from the one at UTC midnight (a DST change between the two): once more.
  guess = utcMidnight - utcOffsetMin(guess, timeZone) * 60_000;
  return guess;
}

export interface PeriodBounds {
  kind: PeriodKind;
  /** First and last local day (included). */
  first: string;
  last: string;
  /** [from, to) in epoch ms. */
  from: number;
  to: number;
}

function ymd(day: string): [number, number, number] {
  return day.split('-').map(Number) as [number, number, number];
}

/**
 * Day `d` of month `m` of year `y`, as a local day. Month arithmetic through Date.UTC: month 13 is next January,
 * month 0 last December, day 0 the last of the month before.
 */
export function monthDay(y: number, m: number, d = 1): string {
  return dayOfNumber(Math.floor(Date.UTC(y, m - 1, d) / 86_400_000));
}

/** The local days a period covers, and the instants they start and end at in the site's time zone. */
export function periodBounds(p: ReportPeriod, timeZone: string): PeriodBounds {
  const [y, m] = ymd(p.day);
  let first: string;
  let last: string;
  switch (p.kind) {
    case 'day':
      first = last = p.day;
      break;
    case 'week': {
      const n = dayNumber(p.day);
      // 1970-01-01 was a Thursday: (n + 3) % 7 is 0 on Mondays.
      const monday = n - ((n + 3) % 7);
      first = dayOfNumber(monday);
      last = dayOfNumber(monday + 6);
      break;
    }
    case 'month':
      first = monthDay(y, m);
      last = dayOfNumber(dayNumber(monthDay(y, m + 1)) - 1);
      break;
    case 'quarter': {
      const q0 = Math.floor((m - 1) / 3) * 3 + 1;
      first = monthDay(y, q0);
      last = dayOfNumber(dayNumber(monthDay(y, q0 + 3)) - 1);
      break;
    }
    case 'year':
      first = `${y}-01-01`;
      last = `${y}-12-31`;
      break;
    case 'range':
      first = p.day;
      last = p.until ?? p.day;
      break;
  }
  return {
    kind: p.kind,
    first,
    last,
    from: startOfLocalDay(first, timeZone),
    to: startOfLocalDay(dayOfNumber(dayNumber(last) + 1), timeZone),
  };
}

/** The period before: yesterday, last week, last month…, or the range of as many days just before. */
export function previousPeriod(p: ReportPeriod): ReportPeriod {
  const [y, m] = ymd(p.day);
  switch (p.kind) {
    case 'day':
      return { kind: 'day', day: dayOfNumber(dayNumber(p.day) - 1) };
    case 'week':
      return { kind: 'week', day: dayOfNumber(dayNumber(p.day) - 7) };
    case 'month':
      return { kind: 'month', day: monthDay(y, m - 1) };
    case 'quarter':
      return { kind: 'quarter', day: monthDay(y, m - 3) };
    case 'year':
      return { kind: 'year', day: `${y - 1}-01-01` };
    case 'range': {
      const days = dayNumber(p.until ?? p.day) - dayNumber(p.day) + 1;
      return {
        kind: 'range',
        day: dayOfNumber(dayNumber(p.day) - days),
        until: dayOfNumber(dayNumber(p.day) - 1),
      };
    }
  }
}

/**
 * The local hour (0–23) and weekday (0 = Monday) of instants, for the heat map. A formatter per instant would cost
 * seconds over a year of a large site; the offset is kept per quarter hour (offsets change only on those).
 */
export class LocalClock {
  private readonly offsets = new Map<number, number>();
  constructor(private readonly timeZone: string) {}

  offsetMs(at: number): number {
    const key = Math.floor(at / 900_000);
    let off = this.offsets.get(key);
    if (off === undefined) {
      off = utcOffsetMin(key * 900_000, this.timeZone) * 60_000;
      this.offsets.set(key, off);
    }
    return off;
  }

  hourAndWeekday(at: number): { hour: number; weekday: number } {
    const local = at + this.offsetMs(at);
    const dayN = Math.floor(local / 86_400_000);
    return { hour: Math.floor((local - dayN * 86_400_000) / 3_600_000), weekday: (dayN + 3) % 7 };
  }

  day(at: number): string {
    return dayOfNumber(Math.floor((at + this.offsetMs(at)) / 86_400_000));
  }
}
