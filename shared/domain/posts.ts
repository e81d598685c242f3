import { z } from 'zod';
import { Id } from '../contract/common';
import { LatLon } from './geo';
import { addDays, fromLocal, localParts, minutesOf, shiftAt } from './rounds';
import type { Bands } from './shift';
import { LocalizedText } from './text';

/**
 * Fixed posts (定点值守), peak periods and the holiday calendar (issue 17): the site file's part and the pure rules
 * the core and the tests share. Times of day are the site's local time; days are the site's calendar days.
 */

/** A gate post (门岗) watches a vehicle gate; a traffic post (交通疏导岗) directs traffic somewhere inside. */
export const POST_KINDS = ['gate', 'traffic'] as const;
export type PostKind = (typeof POST_KINDS)[number];

export const PostDef = z
  .object({
    id: Id,
    name: LocalizedText,
    kind: z.enum(POST_KINDS),
    position: LatLon,
    /** The vehicle gate (site file `gates`) a gate post stands at. */
    gate: Id.optional(),
    /** The zone an unmanned-post alarm names. */
    zone: Id.optional(),
  })
  .strict();
export type PostDef = z.infer<typeof PostDef>;

/** What a calendar day is for the peaks: a working day, a weekend, or a holiday from the calendar. */
export const DAY_KINDS = ['workday', 'weekend', 'holiday'] as const;
export type DayKind = (typeof DAY_KINDS)[number];

export const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM, e.g. "07:00"');

/**
 * A peak period (高峰时段): on the days of the kinds listed, from `from` to `to` (a `to` earlier than `from` runs past
 * midnight into the next day; the day it starts on decides), the listed posts must be held. An unheld one is an
 * alarm of `priority` (3 medium … 5 low).
 */
export const PeakDef = z
  .object({
    id: Id,
    name: LocalizedText,
    days: z.array(z.enum(DAY_KINDS)).min(1).max(3),
    from: HHMM,
    to: HHMM,
    posts: z.array(Id).min(1).max(64),
    priority: z.number().int().min(3).max(5).default(4),
    /**
     * Minutes a listed post may be without its guard before it is an alarm (default 3): a guard sent to an alarm
     * nearby, a missed phone report or a console just started is not yet an unmanned post.
     */
    unmannedAfterMin: z.number().int().min(0).max(60).default(3),
  })
  .strict()
  .refine((p) => p.from !== p.to, { message: '"to" must differ from "from"', path: ['to'] });
export type PeakDef = z.infer<typeof PeakDef>;

/** A date of the holiday calendar: a holiday (法定节假日), or a weekend made a working day (调休上班). */
export const HOLIDAY_KINDS = ['holiday', 'workday'] as const;
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
  }, 'not a calendar date');
export const Holiday = z
  .object({
    date: LocalDate,
    name: z.string().trim().min(1).max(40),
    kind: z.enum(HOLIDAY_KINDS).default('holiday'),
  })
  .strict();
export type Holiday = z.infer<typeof Holiday>;

const pad = (n: number) => String(n).padStart(2, '0');
interface Ymd {
  y: number;
  m: number;
  d: number;
}
const isoOf = (p: Ymd) => `${p.y}-${pad(p.m)}-${pad(p.d)}`;
/** 1 Monday … 7 Sunday, of a calendar date. */
function weekdayOf(p: Ymd): number {
  const d = new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The kind of a calendar day: the calendar's word first (a holiday, a make-up working day), else the weekday. */
export function dayKindOf(date: string, calendar: ReadonlyMap<string, Pick<Holiday, 'kind'>>): DayKind {
  const entry = calendar.get(date);
  if (entry) return entry.kind === 'holiday' ? 'holiday' : 'workday';
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return weekdayOf({ y, m, d }) >= 6 ? 'weekend' : 'workday';
}

export interface ActivePeak {
  peak: PeakDef;
  /** The local day the window started on (YYYY-MM-DD). */
  day: string;
  from: number;
  to: number;
}

/** The window of a peak on a local day, as instants. */
function windowOn(peak: PeakDef, day: Ymd, timeZone: string): { from: number; to: number } {
  const a = minutesOf(peak.from);
  const b = minutesOf(peak.to);
  return { from: fromLocal(day, a, timeZone), to: fromLocal(b > a ? day : addDays(day, 1), b, timeZone) };
}

/** The peaks running at `at`: each whose window on today (or, past midnight, on yesterday) holds it on a day it runs. */
export function peaksAt(
  at: number,
  peaks: readonly PeakDef[],
  calendar: ReadonlyMap<string, Pick<Holiday, 'kind'>>,
  timeZone: string,
): ActivePeak[] {
  const today = localParts(at, timeZone);
  const out: ActivePeak[] = [];
  for (const peak of peaks)
    for (const back of [0, -1]) {
      const day = addDays(today, back);
      const iso = isoOf(day);
      if (!peak.days.includes(dayKindOf(iso, calendar))) continue;
      const w = windowOn(peak, day, timeZone);
      if (at >= w.from && at < w.to) {
        out.push({ peak, day: iso, ...w });
        break;
      }
    }
  return out;
}

/** The peaks of the next `days` local days from `at`'s, whose window has not ended by `at`: what the board lists. */
export function peaksAhead(
  at: number,
  peaks: readonly PeakDef[],
  calendar: ReadonlyMap<string, Pick<Holiday, 'kind'>>,
  timeZone: string,
  days = 2,
): ActivePeak[] {
  const today = localParts(at, timeZone);
  const out: ActivePeak[] = [];
  for (let n = -1; n < days; n++) {
    const day = addDays(today, n);
    const iso = isoOf(day);
    for (const peak of peaks) {
      if (!peak.days.includes(dayKindOf(iso, calendar))) continue;
      const w = windowOn(peak, day, timeZone);
      if (w.to > at) out.push({ peak, day: iso, ...w });
    }
  }
  return out.sort((a, b) => a.from - b.from || (a.peak.id < b.peak.id ? -1 : 1));
}

export interface GuardShift {
  /** `YYYY-MM-DD/day` or `YYYY-MM-DD/night`: the local day the shift starts on and its band. */
  key: string;
  band: 'day' | 'night';
  from: number;
  to: number;
}
export const SHIFT_KEY = /^\d{4}-\d{2}-\d{2}\/(day|night)$/;

/** The guards' shift at `at`: the day or night band of the patrol schedule (shifts change at the band edges). */
export function guardShiftAt(at: number, timeZone: string, bands: Bands): GuardShift {
  const s = shiftAt(at, timeZone, bands);
  const start = localParts(s.from, timeZone);
  const band = start.minute === bands.dayStartMin ? 'day' : 'night';
  return { key: `${isoOf(start)}/${band}`, band, ...s };
}

/** The shift after `shift`. */
export const nextGuardShift = (shift: GuardShift, timeZone: string, bands: Bands): GuardShift =>
  guardShiftAt(shift.to, timeZone, bands);

/**
 * The posts that must be held now, each with the peak that asks it (the first, by the order of the site file, when
 * several do) and that peak's alarm priority (the most urgent of them).
 */
export function requiredPosts(
  active: readonly ActivePeak[],
): Map<string, { peak: ActivePeak; priority: number }> {
  const out = new Map<string, { peak: ActivePeak; priority: number }>();
  for (const a of active)
    for (const post of a.peak.posts) {
      const had = out.get(post);
      if (!had) out.set(post, { peak: a, priority: a.peak.priority });
      else had.priority = Math.min(had.priority, a.peak.priority);
    }
  return out;
}

/** The parking count's figure (车辆规范停放率): per area and in all, compliant ÷ counted. */
export interface ParkingCount {
  area: string;
  counted: number;
  violations: number;
}
export interface ParkingRate {
  counted: number;
  compliant: number;
  rate: number | null;
  byArea: Array<{ area: string; counted: number; compliant: number; rate: number | null }>;
}

/**
 * 车辆规范停放率 = vehicles parked as the rules ask ÷ vehicles counted, over the patrol counts of a period. A count
 * whose violations exceed its vehicles is read as all of them in violation (the form refuses it; a row in the file
 * from elsewhere may not).
 */
export function parkingRate(counts: readonly ParkingCount[]): ParkingRate {
  const areas = new Map<string, { counted: number; compliant: number }>();
  let counted = 0;
  let compliant = 0;
  for (const c of counts) {
    const ok = Math.max(0, c.counted - Math.min(c.violations, c.counted));
    counted += c.counted;
    compliant += ok;
    const a = areas.get(c.area) ?? { counted: 0, compliant: 0 };
    a.counted += c.counted;
    a.compliant += ok;
    areas.set(c.area, a);
  }
  const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  return {
    counted,
    compliant,
    rate: rate(compliant, counted),
    byArea: [...areas.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([area, v]) => ({ area, ...v, rate: rate(v.compliant, v.counted) })),
  };
}
