import { z } from 'zod';
import type { Band } from './shift';

const HHMM = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM, e.g. "08:00"')
  .transform((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5)));

/**
 * How often each route is walked. The property's service plan: every 2 hours by day, every hour at night.
 * A round opens at its start and must be walked within `roundMin`; a checkpoint reached up to `earlyMarginMin`
 * before the next round opens counts for that round, but as early.
 */
export const PatrolScheduleInput = z.object({
  dayStart: HHMM.default(8 * 60),
  dayEnd: HHMM.default(20 * 60),
  dayEveryMin: z
    .number()
    .int()
    .min(10)
    .max(24 * 60)
    .default(120),
  nightEveryMin: z
    .number()
    .int()
    .min(10)
    .max(24 * 60)
    .default(60),
  roundMin: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(30),
  earlyMarginMin: z.number().int().min(0).max(120).default(10),
});
export type PatrolSchedule = z.output<typeof PatrolScheduleInput>;
export const DEFAULT_PATROL_SCHEDULE: PatrolSchedule = PatrolScheduleInput.parse({});

/** A route's own schedule: any field left out comes from the site's. */
export const RouteScheduleInput = PatrolScheduleInput.partial();

export function mergeSchedule(
  site: PatrolSchedule,
  route: Partial<PatrolSchedule> | undefined,
): PatrolSchedule {
  const merged = {
    ...site,
    ...Object.fromEntries(Object.entries(route ?? {}).filter(([, v]) => v !== undefined)),
  };
  // A round longer than the gap to the next one would overlap it.
  const shortest = Math.min(merged.dayEveryMin, merged.nightEveryMin);
  return { ...merged, roundMin: Math.min(merged.roundMin, shortest) };
}

/** Building a formatter costs far more than using one, and patrol views ask for local times on every visit. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Minutes east of UTC that `timeZone` has at `at` (no DST in China, but a site elsewhere may have it). */
export function utcOffsetMin(at: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return Math.round((local - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/** Local minute of the day at `at` in the site's time zone. */
export function minuteOfDay(at: number, timeZone: string): number {
  const local = at + utcOffsetMin(at, timeZone) * 60_000;
  return Math.floor(local / 60_000) % 1440;
}

function startsOfLocalDay(schedule: PatrolSchedule): Array<{ minute: number; band: Band }> {
  const { dayStart, dayEnd, dayEveryMin, nightEveryMin } = schedule;
  const out: Array<{ minute: number; band: Band }> = [];
  const dayLength = (dayEnd - dayStart + 1440) % 1440;
  for (let m = 0; m < dayLength; m += dayEveryMin) out.push({ minute: (dayStart + m) % 1440, band: 'day' });
  for (let m = 0; m < 1440 - dayLength; m += nightEveryMin) {
    out.push({ minute: (dayEnd + m) % 1440, band: 'night' });
  }
  return out.sort((a, b) => a.minute - b.minute);
}

export interface Round {
  start: number;
  /** The round must be walked by then; a checkpoint not reached is missed. */
  windowEnd: number;
  /** The next round's start. */
  next: number;
  band: Band;
}

/** Every round that starts in [from, to), in order. */
export function roundsBetween(from: number, to: number, schedule: PatrolSchedule, timeZone: string): Round[] {
  const starts: Array<{ at: number; band: Band }> = [];
  const perDay = startsOfLocalDay(schedule);
  // Walk local days from the one before `from` (its last night round may still be open) to the one after `to`.
  const offset = utcOffsetMin(from, timeZone) * 60_000;
  let midnight = Math.floor((from + offset) / 86_400_000) * 86_400_000 - offset - 86_400_000;
  while (midnight <= to + 86_400_000) {
    const dayOffset = utcOffsetMin(midnight + 12 * 3_600_000, timeZone) * 60_000;
    const localMidnight =
      Math.floor((midnight + 12 * 3_600_000 + dayOffset) / 86_400_000) * 86_400_000 - dayOffset;
    for (const s of perDay) starts.push({ at: localMidnight + s.minute * 60_000, band: s.band });
    midnight += 86_400_000;
  }
  const unique = [...new Map(starts.map((s) => [s.at, s])).values()].sort((a, b) => a.at - b.at);
  const rounds: Round[] = [];
  for (let i = 0; i < unique.length - 1; i++) {
    const s = unique[i]!;
    if (s.at < from || s.at >= to) continue;
    const next = unique[i + 1]!.at;
    rounds.push({
      start: s.at,
      next,
      band: s.band,
      windowEnd: Math.min(next, s.at + schedule.roundMin * 60_000),
    });
  }
  return rounds;
}

/** The round open or most recently opened at `at`. */
export function roundAt(at: number, schedule: PatrolSchedule, timeZone: string): Round | undefined {
  const rounds = roundsBetween(at - 25 * 3_600_000, at + 1, schedule, timeZone);
  return rounds[rounds.length - 1];
}

export const VISIT_TIMINGS = ['on_time', 'early', 'late'] as const;
export type VisitTiming = (typeof VISIT_TIMINGS)[number];
export type CheckpointState = VisitTiming | 'pending' | 'missed';

/**
 * Which round a visit at `at` counts for, and how it was timed:
 * - inside the round's window: on time;
 * - after the window, checkpoint not yet reached this round: late (the miss was already raised; this records
 *   that someone did come);
 * - after the window, already reached, within `earlyMarginMin` of the next round: early for the next round;
 * - otherwise an extra pass that counts for nothing.
 */
export function classifyVisit(
  at: number,
  visitedInRound: (roundStart: number) => boolean,
  schedule: PatrolSchedule,
  timeZone: string,
): { roundStart: number; timing: VisitTiming } | undefined {
  const round = roundAt(at, schedule, timeZone);
  if (!round) return undefined;
  if (at <= round.windowEnd) {
    return visitedInRound(round.start) ? undefined : { roundStart: round.start, timing: 'on_time' };
  }
  if (!visitedInRound(round.start)) return { roundStart: round.start, timing: 'late' };
  if (round.next - at <= schedule.earlyMarginMin * 60_000 && !visitedInRound(round.next)) {
    return { roundStart: round.next, timing: 'early' };
  }
  return undefined;
}

export interface RoundSummary {
  onTime: number;
  early: number;
  late: number;
  missed: number;
  total: number;
}

/** A closed round's compliance from the timing of each checkpoint's counted visit (undefined: none). */
export function summariseRound(timings: ReadonlyArray<VisitTiming | undefined>): RoundSummary {
  const s: RoundSummary = { onTime: 0, early: 0, late: 0, missed: 0, total: timings.length };
  for (const t of timings) {
    if (t === 'on_time') s.onTime++;
    else if (t === 'early') s.early++;
    // A late visit still leaves the round's window missed: the miss was raised when the window closed.
    else s.missed++;
  }
  return s;
}
