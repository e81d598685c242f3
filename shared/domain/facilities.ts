/**
 * Facilities (issue 18): the ledger's kinds and their defaults, work orders' and hazards' states and the moves
 * between them, and the 隐患排查整改率 figure. Pure: the core keeps the records, these decide.
 */
import { z } from 'zod';

/** The fire facilities among the kinds (消防设施): a problem found on one is a fire hazard, not a facility one. */
const FIRE_KINDS = [
  'fire_panel',
  'fire_detector',
  'manual_call_point',
  'hydrant',
  'extinguisher',
  'fire_door',
  'sprinkler',
  'fire_pump',
  'emergency_lighting',
  'evacuation_sign',
] as const;
export const FACILITY_KINDS = [
  'camera',
  'access_control',
  'intrusion_detector',
  'alarm_panel',
  ...FIRE_KINDS,
  'sensor',
  'lighting',
  'barrier',
  'other',
] as const;
export const FacilityKind = z.enum(FACILITY_KINDS);
export const FIRE_FACILITY_KINDS: ReadonlySet<string> = new Set<FacilityKind>(FIRE_KINDS);
export type FacilityKind = z.infer<typeof FacilityKind>;

/** Days between inspections and between maintenance visits: each kind's default, editable per entry. */
export interface KindDefaults {
  inspectEveryDays: number;
  maintainEveryDays: number;
}

/**
 * The defaults a property office starts from: security equipment checked daily (「确保设备24小时正常运行」),
 * fire parts on the monthly check GB 25201 practice keeps, extinguishers monthly with a yearly service.
 */
export const KIND_DEFAULTS: Record<FacilityKind, KindDefaults> = {
  camera: { inspectEveryDays: 1, maintainEveryDays: 90 },
  access_control: { inspectEveryDays: 1, maintainEveryDays: 90 },
  intrusion_detector: { inspectEveryDays: 7, maintainEveryDays: 180 },
  alarm_panel: { inspectEveryDays: 7, maintainEveryDays: 180 },
  fire_panel: { inspectEveryDays: 1, maintainEveryDays: 30 },
  fire_detector: { inspectEveryDays: 30, maintainEveryDays: 365 },
  manual_call_point: { inspectEveryDays: 30, maintainEveryDays: 365 },
  hydrant: { inspectEveryDays: 30, maintainEveryDays: 365 },
  extinguisher: { inspectEveryDays: 30, maintainEveryDays: 365 },
  fire_door: { inspectEveryDays: 7, maintainEveryDays: 180 },
  sprinkler: { inspectEveryDays: 30, maintainEveryDays: 365 },
  fire_pump: { inspectEveryDays: 7, maintainEveryDays: 30 },
  emergency_lighting: { inspectEveryDays: 30, maintainEveryDays: 180 },
  evacuation_sign: { inspectEveryDays: 30, maintainEveryDays: 180 },
  sensor: { inspectEveryDays: 7, maintainEveryDays: 180 },
  lighting: { inspectEveryDays: 1, maintainEveryDays: 180 },
  barrier: { inspectEveryDays: 1, maintainEveryDays: 90 },
  other: { inspectEveryDays: 30, maintainEveryDays: 365 },
};

/** What a hub device of each kind is in the ledger. */
export const KIND_OF_HUB_DEVICE: Record<string, FacilityKind> = {
  camera: 'camera',
  fire_panel: 'fire_panel',
  fire_transmitter: 'fire_panel',
  fire_component: 'fire_detector',
  detector: 'fire_detector',
  pump: 'fire_pump',
  lighting: 'lighting',
  alarm_panel: 'alarm_panel',
  panel_zone: 'intrusion_detector',
  sensor: 'sensor',
  access: 'access_control',
  elevator: 'other',
  other: 'other',
};

export const SEVERITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Hours from opening to due, per severity; the site file may set its own (`facilities.dueHours`). */
export const DEFAULT_DUE_HOURS: Record<Severity, number> = { urgent: 4, high: 24, normal: 72, low: 168 };

export const ORDER_STATES = ['open', 'assigned', 'in_progress', 'done', 'verified', 'refused'] as const;
export const OrderState = z.enum(ORDER_STATES);
export type OrderState = z.infer<typeof OrderState>;
/** An order in these states is finished: it no longer runs late, carries over or blocks a new one. */
export const ORDER_CLOSED: readonly OrderState[] = ['verified', 'refused'];
export const orderOpen = (s: OrderState): boolean => !ORDER_CLOSED.includes(s);
/** Work not finished yet: what can run late. A done order waits for verification, not for the maintainer. */
export const orderPending = (s: OrderState): boolean => orderOpen(s) && s !== 'done';

export const ORDER_ACTIONS = ['assign', 'start', 'done', 'verify', 'reject', 'refuse'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** Where each action may be taken from, and where it leads. `assign` again hands the order to someone else. */
export const ORDER_MOVES: Record<OrderAction, { from: readonly OrderState[]; to: OrderState }> = {
  assign: { from: ['open', 'assigned', 'in_progress'], to: 'assigned' },
  start: { from: ['assigned'], to: 'in_progress' },
  done: { from: ['open', 'assigned', 'in_progress'], to: 'done' },
  verify: { from: ['done'], to: 'verified' },
  // The check found the repair wanting: back to the maintainer.
  reject: { from: ['done'], to: 'in_progress' },
  refuse: { from: ['open', 'assigned', 'in_progress'], to: 'refused' },
};

export const HAZARD_CATEGORIES = ['fire', 'security', 'facility', 'traffic', 'other'] as const;
export const HazardCategory = z.enum(HAZARD_CATEGORIES);
export type HazardCategory = z.infer<typeof HazardCategory>;
export const HAZARD_SOURCES = ['patrol', 'inspection', 'alarm', 'drill', 'manual'] as const;
export const HazardSource = z.enum(HAZARD_SOURCES);

export const HAZARD_STATES = ['open', 'rectifying', 'rectified', 'closed'] as const;
export const HazardState = z.enum(HAZARD_STATES);
export type HazardState = z.infer<typeof HazardState>;

export const HAZARD_ACTIONS = ['plan', 'rectified', 'verify', 'reject'] as const;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];
export const HAZARD_MOVES: Record<HazardAction, { from: readonly HazardState[]; to: HazardState }> = {
  // The rectification plan with its owner and deadline (整改时限与责任人); set again to change them.
  plan: { from: ['open', 'rectifying'], to: 'rectifying' },
  rectified: { from: ['rectifying'], to: 'rectified' },
  // A second person checks the rectification on the spot and closes the hazard.
  verify: { from: ['rectified'], to: 'closed' },
  reject: { from: ['rectified'], to: 'rectifying' },
};

/** Whoever marked the work finished may not be the one who checks it. */
export function sameHands(finishedBy: string | null | undefined, checker: string): boolean {
  return finishedBy !== null && finishedBy !== undefined && finishedBy === checker;
}

/** A deadline passed with the work not finished, and not yet told to the supervisor. */
export function escalationDue(
  item: { dueAt: number | null | undefined; pending: boolean; escalatedAt: number | null | undefined },
  now: number,
): boolean {
  return (
    item.pending && item.dueAt !== null && item.dueAt !== undefined && now > item.dueAt && !item.escalatedAt
  );
}

export interface RateHazard {
  foundAt: number;
  deadline?: number | null | undefined;
  rectifiedAt?: number | null | undefined;
}

export interface RectificationRate {
  /** Hazards found in the period. */
  found: number;
  /** Of those, rectified by their deadline (a hazard without a deadline counts when rectified at all). */
  rectifiedOnTime: number;
  /** rectifiedOnTime / found; null when nothing was found (no rate, rather than 0 % or 100 %). */
  rate: number | null;
}

/**
 * 安全风险隐患排查整改率 for hazards found in [from, to): those rectified on time over those found. A hazard
 * still open counts as found and not rectified, so leaving hazards open lowers the figure.
 */
export function rectificationRate(
  hazards: readonly RateHazard[],
  period: { from: number; to: number },
): RectificationRate {
  const found = hazards.filter((h) => h.foundAt >= period.from && h.foundAt < period.to);
  const onTime = found.filter(
    (h) =>
      h.rectifiedAt !== null &&
      h.rectifiedAt !== undefined &&
      (h.deadline === null || h.deadline === undefined || h.rectifiedAt <= h.deadline),
  ).length;
  return { found: found.length, rectifiedOnTime: onTime, rate: found.length ? onTime / found.length : null };
}

/**
 * Share of the window [from, to) a device was neither faulted nor offline, from its state changes (oldest first);
 * `before` is its state when the window opened. Null when nothing is known of it in the window.
 */
export function availability(
  changes: readonly { at: number; state: string }[],
  before: string | undefined,
  window: { from: number; to: number },
): number | null {
  if (window.to <= window.from) return null;
  let state = before;
  let at = window.from;
  let up = 0;
  let known = 0;
  for (const c of changes) {
    if (c.at < window.from) {
      state = c.state;
      continue;
    }
    if (c.at >= window.to) break;
    if (state !== undefined) {
      known += c.at - at;
      if (state === 'ok') up += c.at - at;
    }
    state = c.state;
    at = c.at;
  }
  if (state !== undefined) {
    known += window.to - at;
    if (state === 'ok') up += window.to - at;
  }
  return known > 0 ? up / known : null;
}
