import { z } from 'zod';
import { EpochMs, Id, method } from './common';
import { AlarmType, Priority } from '../domain/alarm';
import { AlarmSource, AlarmState, Disposition } from '../domain/alarm-lifecycle';
import { LatLon } from '../domain/geo';
import { BothTexts } from '../domain/text';
import { HubOrigin } from './hub';

export const AlarmView = z.object({
  id: z.string(),
  source: AlarmSource,
  sourceId: z.string(),
  deviceId: z.string().optional(),
  type: AlarmType,
  priority: Priority,
  zone: z.string().optional(),
  location: LatLon.optional(),
  cameras: z.array(z.string()),
  text: z.string().optional(),
  /** The text in both languages, when its source worded both (hub protocol 4): show `pickAlarmText`'s choice. */
  texts: BothTexts.optional(),
  raisedAt: EpochMs,
  receivedAt: EpochMs,
  lastSeenAt: EpochMs,
  count: z.number().int().positive(),
  state: AlarmState,
  incidentId: z.string().optional(),
  acknowledgedAt: EpochMs.optional(),
  acknowledgedBy: z.string().optional(),
  resolvedAt: EpochMs.optional(),
  resolvedBy: z.string().optional(),
  disposition: Disposition.optional(),
  resolutionNote: z.string().optional(),
  escalatedAt: EpochMs.optional(),
  /** Held back by disaster mode: shown, but silent and not escalated. */
  held: z.boolean(),
  drill: z.boolean(),
  /** Arrival order at this console: the queue's order within a priority (a wall time can be stepped back). */
  seq: z.number().int().optional(),
  /**
   * When its response clock started on the core's steady timeline (ms): its age is the core's `steadyNow` minus
   * this. Its arrival, or for an alarm that waited in the hub's log, that much earlier (`waitedMs`).
   */
  receivedSteady: z.number().optional(),
  /** How long it waited in the hub's log before it reached this console (a replay after an outage). */
  waitedMs: z.number().int().positive().optional(),
  /**
   * Escalated for the time it waited in the hub (past its target before it came): told in one summary notice with
   * the others that waited, not as an escalation banner of its own.
   */
  escalatedWaiting: z.boolean().optional(),
  /** Time to acknowledge and to resolve, measured on the steady timeline: a clock jump does not change them. */
  ackMs: z.number().int().nonnegative().optional(),
  resolveMs: z.number().int().nonnegative().optional(),
  /** Shown but not stored yet (the disk is full): stored, under the same id, once there is room. */
  unsaved: z.boolean().optional(),
  /** Where it came from: the hub's source and what the equipment said (hub protocol 3). */
  origin: HubOrigin.optional(),
  /** The device reported the condition cleared (a restore); the alarm stays open until an operator resolves it. */
  restoredAt: EpochMs.optional(),
});
export type AlarmView = z.infer<typeof AlarmView>;

export const ALARM_EVENT_KINDS = [
  'received',
  'retrigger',
  'acknowledged',
  'dispatched',
  'on_scene',
  'resolved',
  'reopened',
  'note',
  'escalated',
  'held',
  'released',
  'remote',
  'restored',
  /** Raised by hand at a console: the operator who entered it (older databases hold a note instead). */
  'entered',
] as const;
export const AlarmEventView = z.object({
  at: EpochMs,
  kind: z.enum(ALARM_EVENT_KINDS),
  operatorName: z.string().optional(),
  fromState: AlarmState.optional(),
  toState: AlarmState.optional(),
  note: z.string().optional(),
});
export type AlarmEventView = z.infer<typeof AlarmEventView>;

export const DisasterMode = z.object({
  on: z.boolean(),
  /** Alarms of this priority number and above (less urgent) are held back. */
  holdFromPriority: Priority,
  reason: z.string(),
  since: EpochMs.optional(),
  by: z.string().optional(),
});
export type DisasterMode = z.infer<typeof DisasterMode>;

export const Targets = z.object({
  acknowledgeSec: z.record(z.string(), z.number()),
  resolveSec: z.record(z.string(), z.number()),
});

export const AlarmFilter = z
  .object({
    states: z.array(AlarmState).max(5).optional(),
    types: z.array(AlarmType).max(20).optional(),
    zones: z.array(Id).max(50).optional(),
    priorities: z.array(Priority).max(5).optional(),
    from: EpochMs.optional(),
    to: EpochMs.optional(),
    search: z.string().max(100).optional(),
    includeDrills: z.boolean().default(false),
  })
  .strict();
export type AlarmFilter = z.infer<typeof AlarmFilter>;

const Note = z.string().trim().max(2000);

export const alarmInputs = {
  id: z.object({ id: z.string().min(1).max(64) }).strict(),
  transition: z.object({ id: z.string().min(1).max(64), note: Note.optional() }).strict(),
  resolve: z
    .object({
      id: z.string().min(1).max(64),
      disposition: Disposition,
      note: Note.min(2, 'a resolution note is required (what was found, what was done)'),
    })
    .strict(),
  reopen: z
    .object({ id: z.string().min(1).max(64), reason: Note.min(2, 'say why the alarm is reopened') })
    .strict(),
  note: z.object({ id: z.string().min(1).max(64), text: Note.min(1, 'the note is empty') }).strict(),
  raise: z
    .object({
      type: AlarmType,
      priority: Priority.optional(),
      zone: Id.optional(),
      location: LatLon.optional(),
      cameras: z.array(Id).max(16).default([]),
      text: z.string().trim().min(2, 'describe what was reported').max(500),
    })
    .strict(),
  history: z
    .object({
      filter: AlarmFilter.default({ includeDrills: false }),
      limit: z.number().int().min(1).max(500).default(100),
      /** Keyset paging: the last row of the previous page. */
      before: z.object({ resolvedAt: EpochMs, id: z.string() }).optional(),
    })
    .strict(),
  disaster: z
    .object({
      on: z.boolean(),
      holdFromPriority: Priority.default(4),
      reason: z.string().trim().min(2, 'give the reason').max(500),
    })
    .strict(),
  mute: z
    .object({
      reason: z.string().trim().min(2, 'give the reason for muting').max(200),
      minutes: z.number().int().min(1).max(10).default(3),
    })
    .strict(),
};

const Empty = z.object({}).strict();

export const alarmMethods = {
  'alarms.open': method({
    input: Empty,
    output: z.object({
      alarms: z.array(AlarmView),
      targets: Targets,
      disaster: DisasterMode,
      mutedUntil: z.number().optional(),
      /** When the mute ends on the core's steady clock (a page compares it with `steadyNow`, not its wall clock). */
      mutedUntilSteady: z.number().optional(),
      /** The core's steady timeline now: the page ages alarms on it, not on a wall clock that can be stepped. */
      steadyNow: z.number().optional(),
    }),
    role: 'operator',
    mutates: false,
    whileLocked: true,
    summary: 'Every open alarm (the queue), the response targets and the disaster-mode setting.',
  }),
  'alarms.get': method({
    input: alarmInputs.id,
    output: z.object({
      alarm: AlarmView,
      events: z.array(AlarmEventView),
      deviceHistory: z.array(AlarmView),
    }),
    role: 'operator',
    mutates: false,
    summary: "One alarm with its trail and its device's recent alarms.",
  }),
  'alarms.acknowledge': method({
    input: alarmInputs.transition,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'The operator has seen the alarm and takes it.',
  }),
  'alarms.dispatch': method({
    input: alarmInputs.transition,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'Someone (a guard) is on the way.',
  }),
  'alarms.onScene': method({
    input: alarmInputs.transition,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'Someone is at the alarm location.',
  }),
  'alarms.resolve': method({
    input: alarmInputs.resolve,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'Close the alarm with a disposition and a note (both required).',
  }),
  'alarms.reopen': method({
    input: alarmInputs.reopen,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'Open a resolved alarm again, with the reason.',
  }),
  'alarms.note': method({
    input: alarmInputs.note,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: "Add a note to the alarm's trail.",
  }),
  'alarms.raise': method({
    input: alarmInputs.raise,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'Enter an alarm by hand (a resident phones in, a guard radios in).',
  }),
  'alarms.history': method({
    input: alarmInputs.history,
    output: z.object({ alarms: z.array(AlarmView), more: z.boolean() }),
    role: 'operator',
    mutates: false,
    summary: 'Closed alarms, newest first, filtered, a page at a time.',
  }),
  'alarms.exportCsv': method({
    input: alarmInputs.history,
    output: z.object({ csv: z.string(), rows: z.number().int() }),
    role: 'operator',
    mutates: false,
    summary: 'The same filtered history as CSV (UTF-8 with BOM, opens in Excel).',
  }),
  'alarms.setDisasterMode': method({
    input: alarmInputs.disaster,
    output: DisasterMode,
    role: 'supervisor',
    mutates: true,
    summary: 'During a flood of alarms, hold back the less urgent ones (logged with the reason).',
  }),
  'alarms.mute': method({
    input: alarmInputs.mute,
    output: z.object({ until: z.number().int(), untilSteady: z.number().optional() }),
    role: 'operator',
    mutates: true,
    summary: 'Silence the alarm sound for a few minutes, with a reason; it comes back by itself.',
  }),
};

export const alarmEvents = {
  /** Alarms that changed (new, re-triggered, state, escalation), batched a few times a second. */
  'alarms.changed': z.object({ alarms: z.array(AlarmView), steadyNow: z.number().optional() }),
  /** An unacknowledged alarm passed its target: the supervisor must see it. */
  'alarms.escalated': z.object({ alarm: AlarmView, at: z.number().int() }),
  'alarms.disaster': DisasterMode,
  'alarms.muted': z.object({
    until: z.number().int(),
    untilSteady: z.number().optional(),
    reason: z.string(),
    by: z.string(),
  }),
};
