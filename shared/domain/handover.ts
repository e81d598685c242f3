/**
 * Shift handover rules (交接班). What the outgoing shift must hand over, and when the incoming operator has
 * taken all of it. Pure: the core gathers the facts, these decide.
 */
import { z } from 'zod';

/** Fire control room rules: two operators on every shift. */
export const MIN_ON_DUTY = 2;

export const CARRY_KINDS = [
  'alarm',
  'camera',
  'device',
  'patrol',
  'drill',
  'note',
  'work_order',
  'hazard',
  'violation',
] as const;
export type CarryKind = (typeof CARRY_KINDS)[number];

/** One thing the incoming operator must acknowledge before the shift can be sealed. */
export const CarryItem = z.object({
  /** Stable across report refreshes: `alarm:<id>`, `camera:<id>`, `device:<id>`, `patrol:<entry>`, `note:<entry>`. */
  key: z.string(),
  kind: z.enum(CARRY_KINDS),
  text: z.string(),
  since: z.number().int().optional(),
  priority: z.number().int().optional(),
  /** For alarms, so each language can name the type and state. */
  alarmType: z.string().optional(),
  state: z.string().optional(),
  /** A zone id: for alarms and devices. Each language names it from the site file. */
  zone: z.string().optional(),
  /** For devices: their kind (`pump`, `detector`, …), the hub names no device. */
  deviceKind: z.string().optional(),
  /** Words that are not a name: why a camera is offline, what a device reports. */
  detail: z.string().optional(),
  /** For work orders and hazards (issue 18): their number (WO-000001, HZ-000001) and whether past the deadline. */
  number: z.string().optional(),
  overdue: z.boolean().optional(),
  /** For hazards: their category (fire, security…), which names them in English. */
  category: z.string().optional(),
  /** For parking violations (issue 17): the plate (empty when unknown), the no-parking kind and area's names. */
  plate: z.string().optional(),
  areaKind: z.string().optional(),
  areaName: z.object({ 'zh-CN': z.string(), en: z.string() }).optional(),
});
export type CarryItem = z.infer<typeof CarryItem>;

/** Kinds an operator may write by hand; automatic kinds (alarm, hub_link, …) are the core's. */
export const MANUAL_KINDS = [
  'note',
  'visitor',
  'maintenance',
  'call',
  'patrol',
  'handover',
  'correction',
  'follow_up_done',
] as const;
export type ManualKind = (typeof MANUAL_KINDS)[number];

export interface CarrySources {
  openAlarms: Array<{
    id: string;
    type: string;
    priority: number;
    zone?: string;
    state: string;
    receivedAt: number;
  }>;
  offlineCameras: Array<{ id: string; name: string; since: number; reason?: string }>;
  faultyDevices: Array<{
    deviceId: string;
    kind: string;
    state: string;
    since: number;
    zone?: string;
    text?: string;
  }>;
  missedPatrols: Array<{ entryId: number; at: number; text: string }>;
  drillsDue: Array<{ key: string; due: number; text: string }>;
  followUps: Array<{ entryId: number; at: number; text: string }>;
  /** Unfinished work orders and open hazards (issue 18). */
  workOrders?: CarryWork[];
  hazards?: CarryWork[];
  /** No-parking violations still standing (issue 17). */
  violations?: CarryViolation[];
}

/** What the vehicles feature tells the handover: standing violations and the shift's counts (issue 17). */
export interface VehicleFacts {
  violations: CarryViolation[];
  counts: { inside: number; gateDecisions: number; overstays: number; violationsFound: number };
}

export interface CarryViolation {
  id: string;
  number: string;
  plate: string;
  kind: string;
  areaName: { 'zh-CN': string; en: string };
  state: string;
  since: number;
  overdue: boolean;
}

export interface CarryWork {
  id: string;
  number: string;
  /** As people wrote it (an order's title, a hazard's description). */
  title: string;
  /** An order the console opened: its English words. */
  titleEn?: string;
  /** A hazard's category (fire, security…): its English line names that instead of the description. */
  category?: string;
  state: string;
  since: number;
  zone?: string;
  overdue: boolean;
}

const carryWork = (kind: 'work_order' | 'hazard', items: readonly CarryWork[] = []): CarryItem[] =>
  items.map((w) => ({
    key: `${kind}:${w.id}`,
    kind,
    text: `${w.number} ${w.titleEn ?? w.title}`,
    since: w.since,
    state: w.state,
    number: w.number,
    detail: w.title,
    ...(w.category ? { category: w.category } : {}),
    overdue: w.overdue,
    ...(w.zone ? { zone: w.zone } : {}),
  }));

/** Most urgent first: alarms by priority and age, then what is broken, then what was missed or promised. */
export function carryOverItems(src: CarrySources): CarryItem[] {
  const alarms = [...src.openAlarms]
    .sort((a, b) => a.priority - b.priority || a.receivedAt - b.receivedAt)
    .map<CarryItem>((a) => ({
      key: `alarm:${a.id}`,
      kind: 'alarm',
      text: `P${a.priority} ${a.type}${a.zone ? ` · ${a.zone}` : ''} · ${a.state}`,
      since: a.receivedAt,
      priority: a.priority,
      alarmType: a.type,
      state: a.state,
      ...(a.zone ? { zone: a.zone } : {}),
    }));
  return [
    ...alarms,
    ...src.offlineCameras.map<CarryItem>((c) => ({
      key: `camera:${c.id}`,
      kind: 'camera',
      text: c.reason ? `${c.name}: ${c.reason}` : c.name,
      since: c.since,
      ...(c.reason ? { detail: c.reason } : {}),
    })),
    ...src.faultyDevices.map<CarryItem>((d) => ({
      key: `device:${d.deviceId}`,
      kind: 'device',
      text: `${d.deviceId} (${d.kind}) ${d.state}${d.text ? `: ${d.text}` : ''}`,
      since: d.since,
      state: d.state,
      deviceKind: d.kind,
      ...(d.zone ? { zone: d.zone } : {}),
      ...(d.text ? { detail: d.text } : {}),
    })),
    ...src.missedPatrols.map<CarryItem>((p) => ({
      key: `patrol:${p.entryId}`,
      kind: 'patrol',
      text: p.text,
      since: p.at,
    })),
    ...src.drillsDue.map<CarryItem>((d) => ({
      key: `drill:${d.key}`,
      kind: 'drill',
      text: d.text,
      since: d.due,
    })),
    ...src.followUps.map<CarryItem>((n) => ({
      key: `note:${n.entryId}`,
      kind: 'note',
      text: n.text,
      since: n.at,
    })),
    ...carryWork('work_order', src.workOrders),
    ...carryWork('hazard', src.hazards),
    ...(src.violations ?? []).map<CarryItem>((v) => ({
      key: `violation:${v.id}`,
      kind: 'violation',
      text: `${v.number} ${v.plate} ${v.kind} ${v.areaName.en} ${v.state}`,
      since: v.since,
      state: v.state,
      number: v.number,
      plate: v.plate,
      areaKind: v.kind,
      areaName: v.areaName,
      overdue: v.overdue,
    })),
  ];
}

/** The items the incoming operator has not acknowledged; the handover is refused while any remain. */
export function unacknowledged(items: readonly CarryItem[], acknowledged: readonly string[]): CarryItem[] {
  const seen = new Set(acknowledged);
  return items.filter((i) => !seen.has(i.key));
}

/**
 * Follow-up notes stay open, shift after shift, until an entry of kind `follow_up_done` refers to them.
 * A correction of a follow-up note does not close it.
 */
export function openFollowUps<
  T extends { id: number; followUp: boolean; kind: string; refId?: number | undefined },
>(entries: readonly T[]): T[] {
  const closed = new Set(entries.filter((e) => e.kind === 'follow_up_done' && e.refId).map((e) => e.refId));
  return entries.filter((e) => e.followUp && !closed.has(e.id));
}

export function understaffed(onDuty: number): boolean {
  return onDuty < MIN_ON_DUTY;
}
