import { z } from 'zod';

/** Alarm types the console knows, from the site hub, guards, its own engines and the operator. */
export const ALARM_TYPES = [
  'fire',
  'smoke',
  'intrusion',
  'door_forced',
  'door_held',
  'water_leak',
  'elevator_entrapment',
  'gas',
  'fire_facility_fault',
  'lighting_fault',
  'fire_lane_parking',
  'guard_sos',
  'guard_no_movement',
  'camera_offline',
  'patrol_missed',
  /** A device the hub reports faulty or offline that no other type fits (an alarm panel, a zone, a sensor). */
  'device_fault',
  'manual',
  /** A supervised device (alarm panel, fire transmitter, sensor) silent past its interval (issue 14). */
  'device_offline',
  /** A visitor vehicle still inside past its time limit (issue 17): low priority, raised once. */
  'visitor_overstay',
  /** A work order or a hazard past its deadline unfinished (issue 18): for the supervisor, raised once each. */
  'facility_overdue',
  /** A post a peak period requires with no guard holding it (issue 17): priority from the site file's peak. */
  'post_unmanned',
] as const;
export const AlarmType = z.enum(ALARM_TYPES);
export type AlarmType = z.infer<typeof AlarmType>;

/** 1 is the most urgent. Fire and SOS are always 1. */
export const Priority = z.number().int().min(1).max(5);
export type Priority = z.infer<typeof Priority>;

export const DEFAULT_PRIORITY: Record<AlarmType, Priority> = {
  fire: 1,
  smoke: 1,
  guard_sos: 1,
  guard_no_movement: 1,
  gas: 1,
  elevator_entrapment: 2,
  intrusion: 2,
  door_forced: 2,
  water_leak: 3,
  fire_facility_fault: 3,
  patrol_missed: 3,
  camera_offline: 3,
  device_fault: 3,
  device_offline: 3,
  fire_lane_parking: 4,
  door_held: 4,
  lighting_fault: 5,
  visitor_overstay: 5,
  facility_overdue: 4,
  post_unmanned: 4,
  manual: 3,
};

/** Types whose priority no source may lower (GB 25506: fire first; a guard in danger first). */
const PINNED: ReadonlySet<AlarmType> = new Set(['fire', 'smoke', 'guard_sos']);

export function effectivePriority(type: AlarmType, requested?: Priority): Priority {
  if (PINNED.has(type) || requested === undefined) return DEFAULT_PRIORITY[type];
  return requested;
}
