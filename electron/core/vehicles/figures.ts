/**
 * The vehicle figures the service plan's KPIs ask for (车辆管理成效), as pure functions over plain facts so the
 * reports feature can call them with whatever period it reports on. Times are epoch ms; days are the site's.
 */
import type { ViolationOutcome } from '../../../shared/contract';
import type { NoParkingKind } from '../../../shared/domain/site';

export interface ViolationFact {
  foundAt: number;
  deadlineAt: number;
  area: string;
  kind: NoParkingKind;
  escalatedAt?: number | undefined;
  closedAt?: number | undefined;
  outcome?: ViolationOutcome | undefined;
}

export interface Timeliness {
  /** Violations that count: real ones whose deadline has come, or that were dealt with before it. */
  counted: number;
  /** Of those, dealt with by the deadline: moved by then, or sent to towing by then. */
  inTime: number;
  /** inTime / counted; null when nothing counted. */
  rate: number | null;
}

/**
 * 违规停放处置及时率: a violation is handled in time when, by its deadline, the car was moved or (the owner
 * refusing) towing with the police was under way. False reports do not count; one still standing before its
 * deadline is not yet decided and does not count either.
 */
export function violationTimeliness(facts: readonly ViolationFact[], now: number): Timeliness {
  let counted = 0;
  let inTime = 0;
  for (const f of facts) {
    if (f.outcome === 'false') continue;
    const handledAt = f.escalatedAt ?? (f.outcome ? f.closedAt : undefined);
    const inTimeNow = handledAt !== undefined && handledAt <= f.deadlineAt;
    if (!inTimeNow && now < f.deadlineAt) continue;
    counted += 1;
    if (inTimeNow) inTime += 1;
  }
  return { counted, inTime, rate: counted === 0 ? null : inTime / counted };
}

/** A site calendar day (YYYY-MM-DD) of an instant. */
export function dayIn(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

export interface DayAreaCount {
  day: string;
  area: string;
  count: number;
}

/** Violations found per site day and area (false reports left out), by day then area. */
export function violationsPerDayByArea(facts: readonly ViolationFact[], timeZone: string): DayAreaCount[] {
  const counts = new Map<string, DayAreaCount>();
  for (const f of facts) {
    if (f.outcome === 'false') continue;
    const day = dayIn(f.foundAt, timeZone);
    const key = `${day}\u0000${f.area}`;
    const c = counts.get(key) ?? { day, area: f.area, count: 0 };
    c.count += 1;
    counts.set(key, c);
  }
  return [...counts.values()].sort((a, b) => a.day.localeCompare(b.day) || a.area.localeCompare(b.area));
}

export interface VisitFact {
  enteredAt?: number | undefined;
  leftAt?: number | undefined;
  limitMin: number;
  /** When the overstay alarm was raised, if it was. */
  overstayedAt?: number | undefined;
}

export interface Overstays {
  /** Visits that entered in the period. */
  visits: number;
  /** Of those, past their limit (left late, or still inside past it). */
  overstays: number;
  rate: number | null;
  /** Minutes past the limit, longest first (at most 20): who stayed how long. */
  longestOverMin: number[];
}

/** Visitor overstays among the visits that entered in [from, to), judged at `now`. */
export function visitorOverstays(
  visits: readonly VisitFact[],
  from: number,
  to: number,
  now: number,
): Overstays {
  let count = 0;
  const over: number[] = [];
  for (const v of visits) {
    if (v.enteredAt === undefined || v.enteredAt < from || v.enteredAt >= to) continue;
    count += 1;
    const end = v.leftAt ?? now;
    const past = end - (v.enteredAt + v.limitMin * 60_000);
    if (v.overstayedAt !== undefined || past > 0) over.push(Math.max(0, Math.round(past / 60_000)));
  }
  over.sort((a, b) => b - a);
  return {
    visits: count,
    overstays: over.length,
    rate: count === 0 ? null : over.length / count,
    longestOverMin: over.slice(0, 20),
  };
}
