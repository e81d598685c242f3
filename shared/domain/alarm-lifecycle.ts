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

/** How far along its target an open alarm is: < 0.5 calm, < 1 getting late, ≥ 1 overdue. */
export function ageRatio(
  alarm: { state: AlarmState; priority: Priority; receivedAt: number; acknowledgedAt?: number | undefined },
  now: number,
  targets: ResponseTargets = DEFAULT_TARGETS,
): number {
  if (alarm.state === 'resolved') return 0;
  const target =
    alarm.state === 'new'
      ? targetFor(targets.acknowledgeSec, alarm.priority)
      : targetFor(targets.resolveSec, alarm.priority);
  return (now - alarm.receivedAt) / 1000 / target;
}

export function targetFor(table: Record<number, number>, priority: number): number {
  return table[priority] ?? table[5] ?? 60;
}

/** Queue order: most urgent priority first, then the one waiting longest. Held-back alarms go last. */
export function compareAlarms(
  a: { priority: number; receivedAt: number; held?: boolean; id: string },
  b: { priority: number; receivedAt: number; held?: boolean; id: string },
): number {
  return (
    Number(a.held ?? false) - Number(b.held ?? false) ||
    a.priority - b.priority ||
    a.receivedAt - b.receivedAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
