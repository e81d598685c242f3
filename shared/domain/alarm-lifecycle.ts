import { z } from 'zod';
import type { Priority } from './alarm';

/** new → acknowledged → dispatched → on scene → resolved; forward jumps allowed, resolved can be reopened. */
export const ALARM_STATES = ['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved'] as const;
export const AlarmState = z.enum(ALARM_STATES);
export type AlarmState = z.infer<typeof AlarmState>;

export const DISPOSITIONS = ['real', 'false_alarm', 'test', 'nuisance'] as const;
export const Disposition = z.enum(DISPOSITIONS);
export type Disposition = z.infer<typeof Disposition>;

export const ALARM_SOURCES = ['hub', 'guard', 'engine', 'manual'] as const;
export const AlarmSource = z.enum(ALARM_SOURCES);
export type AlarmSource = z.infer<typeof AlarmSource>;

const ORDER: Record<AlarmState, number> = {
  new: 0,
  acknowledged: 1,
  dispatched: 2,
  on_scene: 3,
  resolved: 4,
};

/**
 * Whether an operator may move an alarm from one state to another. Moving forward past `acknowledged`
 * implies acknowledging (the operator is clearly handling it); nothing moves backwards except a reopen.
 */
export function canMove(from: AlarmState, to: AlarmState): boolean {
  if (from === 'resolved') return false;
  return ORDER[to] > ORDER[from];
}

export function isOpen(state: AlarmState): boolean {
  return state !== 'resolved';
}

/** Response targets in seconds, per priority (configurable; GB 25506 asks for fire confirmation at once). */
export interface ResponseTargets {
  acknowledgeSec: Record<Priority, number>;
  resolveSec: Record<Priority, number>;
}

export const DEFAULT_TARGETS: ResponseTargets = {
  acknowledgeSec: { 1: 30, 2: 60, 3: 60, 4: 60, 5: 60 },
  resolveSec: { 1: 15 * 60, 2: 30 * 60, 3: 60 * 60, 4: 4 * 3600, 5: 8 * 3600 },
};

export const ResponseTargetsSchema = z.object({
  acknowledgeSec: z.record(z.enum(['1', '2', '3', '4', '5']), z.number().int().min(5).max(86_400)),
  resolveSec: z.record(
    z.enum(['1', '2', '3', '4', '5']),
    z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400),
  ),
});

/** Now, to age alarms by: the wall clock, and the core's steady clock where the page knows it. */
export interface AgeClock {
  wall: number;
  steady?: number | undefined;
}

/**
 * How long an alarm has waited (ms). On the core's steady clock when the alarm and the caller both have it:
 * the wall clock stepped forwards or back (NTP, a person) then changes nothing. Else by the wall clock.
 */
export function alarmAge(
  alarm: { receivedAt: number; receivedSteady?: number | undefined; waitedMs?: number | undefined },
  now: number | AgeClock,
): number {
  const clock = typeof now === 'number' ? { wall: now } : now;
  // `receivedSteady` already starts before the arrival by what the alarm waited in the hub; the wall time does not.
  return clock.steady !== undefined && alarm.receivedSteady !== undefined
    ? clock.steady - alarm.receivedSteady
    : clock.wall - alarm.receivedAt + (alarm.waitedMs ?? 0);
}

/** How far along its target an open alarm is: < 0.5 calm, < 1 getting late, ≥ 1 overdue. */
export function ageRatio(
  alarm: {
    state: AlarmState;
    priority: Priority;
    receivedAt: number;
    receivedSteady?: number | undefined;
    waitedMs?: number | undefined;
    acknowledgedAt?: number | undefined;
  },
  now: number | AgeClock,
  targets: ResponseTargets = DEFAULT_TARGETS,
): number {
  if (alarm.state === 'resolved') return 0;
  const target =
    alarm.state === 'new'
      ? targetFor(targets.acknowledgeSec, alarm.priority)
      : targetFor(targets.resolveSec, alarm.priority);
  return alarmAge(alarm, now) / 1000 / target;
}

export function targetFor(table: Record<number, number>, priority: number): number {
  return table[priority] ?? table[5] ?? 60;
}

type Queued = { priority: number; receivedAt: number; seq?: number | undefined; held?: boolean; id: string };

/**
 * Queue order: most urgent priority first, then the one waiting longest — by arrival order, which a wall clock
 * stepped back cannot reverse (by wall time only for a view without it). Held-back alarms go last.
 */
export function compareAlarms(a: Queued, b: Queued): number {
  const arrival = a.seq !== undefined && b.seq !== undefined ? a.seq - b.seq : a.receivedAt - b.receivedAt;
  return (
    Number(a.held ?? false) - Number(b.held ?? false) ||
    a.priority - b.priority ||
    arrival ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
