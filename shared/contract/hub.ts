/**
 * The site hub protocol (socket.io). docs/hub-protocol.md describes it for people; these schemas are what
 * both ends validate against. Bump HUB_PROTOCOL_VERSION on any incompatible change.
 */
import { z } from 'zod';
import { EpochMs, Id } from './common';
import { AlarmType, effectivePriority, Priority } from '../domain/alarm';
import { AlarmSource, AlarmState, Disposition } from '../domain/alarm-lifecycle';
import { LatLon } from '../domain/geo';
import { BothTexts } from '../domain/text';

/** 2: the `guard` event kind, `sos` on positions, the `guard_no_movement` alarm type (docs/hub-protocol.md §9). */
/**
 * 3: equipment. Alarms and devices carry an `origin` (which source and what the equipment said: panel account,
 * zone and Contact ID code, a transmitter component and its 部件说明, a sensor topic, a camera rule); the
 * `restore` event kind (the device reports the condition cleared); device kinds for panels, zones, transmitters,
 * components and sensors; a device's label, last-seen time and supervision interval (docs/hub-protocol.md §9).
 */
/**
 * 4: the urgent lane. The hub marks events that must not wait behind a backlog (`isUrgentEvent`) and, while a
 * console's cursor is behind its head, sends them first in an `urgent` message carrying their real `seq`; the
 * ordered replay still brings every event once, in order (docs/hub-protocol.md §10). Also within 4, optional and
 * ignored by a console that predates it: `texts` on alarms and devices, their text worded in both console languages.
 */
/**
 * 5: batched delivery. To a console that announces version 5 or later the hub sends the ordered stream as `events`
 * messages, up to HUB_MAX_BATCH_EVENTS consecutive events each, answered once per message (`HubEventBatchAck`);
 * versions 3 and 4 still get one `event` per event. The urgent lane is unchanged (docs/hub-protocol.md §5.1).
 * Also in 5 (vehicles, issue 17): the `vehicle` event kind (a gate camera's plate read) and the `gate.barrier` action (an
 * operator's decision for a waiting car); docs/hub-protocol.md §9 "version 5".
 */
export const HUB_PROTOCOL_VERSION = 5;
/**
 * The oldest console version a hub of this version still serves: a version-3 console gets the ordered stream only
 * (no `urgent` message, which it would not answer).
 */
export const HUB_MIN_PROTOCOL_VERSION = 3;

/** The hub's equipment sources (electron/hub/sources/), plus `demo` for the scenario and `hub` for its own checks. */
export const ORIGIN_SOURCES = ['dc09', 'gb26875', 'mqtt', 'camera', 'webhook', 'demo', 'hub'] as const;
export type OriginSource = (typeof ORIGIN_SOURCES)[number];

/**
 * Where an alarm or a device state came from, for the operator (the alarm detail) and for the record. `fields`
 * are what the equipment said, by name (`account`, `zone`, `code`, `component`, `description`, `topic`, `rule`...):
 * shown as they came, never interpreted by the console, and bounded so a chatty source cannot bloat a row.
 */
export const HubOrigin = z.object({
  source: z.enum(ORIGIN_SOURCES),
  /** The configured source's own id in the site file (`dc09-main`, `fire-tx-1`...). */
  sourceId: z.string().min(1).max(64).optional(),
  fields: z
    .record(z.string().min(1).max(40), z.union([z.string().max(200), z.number().finite(), z.boolean()]))
    .refine((r) => Object.keys(r).length <= 24, 'at most 24 fields')
    .default({}),
});
export type HubOrigin = z.infer<typeof HubOrigin>;

/** socket.io `auth` payload the console sends when it connects. */
export const HubAuth = z.object({
  consoleId: Id,
  token: z.string().min(1).max(512),
  protocolVersion: z.number().int().positive(),
});
export type HubAuth = z.infer<typeof HubAuth>;

export const HubAlarm = z.object({
  /** The hub's id for this alarm occurrence; a second delivery of the same id is a duplicate. */
  sourceId: z.string().min(1).max(128),
  /** The device that raised it: a re-trigger from the same device counts on the open alarm. */
  deviceId: z.string().min(1).max(128).optional(),
  type: AlarmType,
  priority: Priority.optional(),
  zone: Id.optional(),
  location: LatLon.optional(),
  cameras: z.array(Id).max(16).default([]),
  raisedAt: EpochMs,
  text: z.string().max(500).optional(),
  /**
   * (within version 4, optional) `text` worded in both console languages, from the source's own tables; a console
   * shows its operator's language and falls back to `text` when this is absent.
   */
  texts: BothTexts.optional(),
  /** (since version 3) The source and what the equipment said. */
  origin: HubOrigin.optional(),
});
export type HubAlarm = z.infer<typeof HubAlarm>;

/**
 * (since version 3) The device reports that the condition behind its open alarm of `type` cleared (a Contact ID
 * restore, a transmitter's cleared bit, a sensor back to normal). The console marks that alarm restored and says
 * so in its trail; it does not resolve it: an operator still decides what happened.
 */
export const HubRestore = z.object({
  deviceId: z.string().min(1).max(128),
  type: AlarmType,
  at: EpochMs,
  origin: HubOrigin.optional(),
});
export type HubRestore = z.infer<typeof HubRestore>;

export const HubPosition = z.object({
  guardId: Id,
  position: LatLon,
  at: EpochMs,
  speed: z.number().min(0).max(100).optional(),
  bearing: z.number().min(0).max(360).optional(),
  accuracy: z.number().min(0).max(10_000).optional(),
  battery: z.number().min(0).max(100).optional(),
  /** The guard pressed the panic button on his device. */
  sos: z.boolean().optional(),
});
export type HubPosition = z.infer<typeof HubPosition>;

export const DEVICE_KINDS = [
  'camera',
  'fire_panel',
  'detector',
  'access',
  'lighting',
  'pump',
  'elevator',
  'other',
  // since version 3
  'alarm_panel',
  'panel_zone',
  'fire_transmitter',
  'fire_component',
  'sensor',
] as const;
export const HubDevice = z.object({
  deviceId: z.string().min(1).max(128),
  kind: z.enum(DEVICE_KINDS),
  state: z.enum(['ok', 'fault', 'offline']),
  zone: Id.optional(),
  text: z.string().max(500).optional(),
  /** (within version 4, optional) `text` worded in both console languages, as on an alarm. */
  texts: BothTexts.optional(),
  at: EpochMs,
  /** (since version 3) The device's own name (a transmitter component's 部件说明, a sensor's friendly name). */
  label: z.string().max(200).optional(),
  /** (since version 3) When the hub last heard from it. */
  lastSeenAt: EpochMs.optional(),
  /** (since version 3) Silence past this many seconds is a communication fault; absent: not supervised. */
  supervisionSec: z
    .number()
    .int()
    .positive()
    .max(7 * 86_400)
    .optional(),
  /** (since version 3) The source and what the equipment said. */
  origin: HubOrigin.optional(),
});
export type HubDevice = z.infer<typeof HubDevice>;

/**
 * The `audit.anchor` action's payload: the head of the console's audit chain (docs/hub-protocol.md §4.3). A hub
 * that keeps it holds the chain's state where no one with access to the console's disk can rewrite it; the same
 * object is written beside every backup and in the data directory.
 */
export const AUDIT_ANCHOR_ACTION = 'audit.anchor';
export const AuditAnchor = z.object({
  /** The newest entry when the anchor was taken. */
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: EpochMs,
  /** The first entry linked with the console's audit key; null while the chain has none. */
  keyedFrom: z.number().int().positive().nullable(),
  reason: z.enum(['hourly', 'seal', 'backup']).optional(),
});
export type AuditAnchor = z.infer<typeof AuditAnchor>;

/**
 * The payload of each action type a console sends (docs/hub-protocol.md §4.3). The hub carries payloads without
 * acting on them, so whoever acts on one checks it: the reference hub when a console sends it, every console when
 * it comes back in `action.applied`. A value that fails here never reaches a database.
 */
const AlarmRef = z.object({ source: AlarmSource, sourceId: z.string().min(1).max(128) });
const ActorName = z.string().min(1).max(200);
/** Operators type up to 2,000 characters and the console may prefix a guard's names: room for both. */
const ActionText = z.string().max(5000);
const alarmCommon = { alarm: AlarmRef, state: AlarmState, operator: ActorName, at: EpochMs };
const AlarmStepPayload = z.object({ ...alarmCommon, note: ActionText.optional() });
export const HUB_ACTION_PAYLOADS = {
  'alarm.acknowledge': AlarmStepPayload,
  'alarm.dispatched': AlarmStepPayload,
  'alarm.on_scene': AlarmStepPayload,
  'alarm.resolve': z.object({ ...alarmCommon, disposition: Disposition, note: ActionText }),
  'alarm.reopen': z.object({ ...alarmCommon, reason: ActionText }),
  'alarm.note': z.object({ ...alarmCommon, text: ActionText }),
  'alarm.raise': z.object({
    ...alarmCommon,
    type: AlarmType,
    zone: Id.optional(),
    text: z.string().max(500).optional(),
  }),
  'guard.dispatch': z.object({
    guardId: Id,
    alarm: AlarmRef.extend({ type: AlarmType }),
    location: LatLon.nullable(),
    operator: ActorName,
    note: ActionText.nullable(),
    at: EpochMs,
  }),
  'guard.arrived': z.object({
    guardId: Id,
    alarm: AlarmRef,
    how: z.enum(['gps', 'guard', 'operator']),
    at: EpochMs,
  }),
  [AUDIT_ANCHOR_ACTION]: AuditAnchor,
  /** (since version 5) The operator's decision for a car at a gate: the gate controller opens or keeps closed. */
  'gate.barrier': z.object({
    gateId: Id,
    readId: z.string().min(1).max(128),
    plate: z.string().max(16),
    open: z.boolean(),
    decision: z.enum(['allow_once', 'visitor', 'refuse']),
    operator: ActorName,
    at: EpochMs,
  }),
} as const;
export type HubActionType = keyof typeof HUB_ACTION_PAYLOADS;
export type HubActionPayload<T extends HubActionType> = z.infer<(typeof HUB_ACTION_PAYLOADS)[T]>;
/** A payload checked against its type: narrow on `type` to get the payload's shape. */
export type KnownHubAction = {
  [T in HubActionType]: { type: T; payload: HubActionPayload<T> };
}[HubActionType];

/** A payload of a type this version does not know is carried, stored and ignored, but never unbounded. */
export const HUB_MAX_PAYLOAD_CHARS = 64 * 1024;

function isKnownActionType(type: string): type is HubActionType {
  return Object.hasOwn(HUB_ACTION_PAYLOADS, type);
}

/**
 * Checks `payload` against its type (a known one) or against the size limit (any other) and puts the checked
 * value in its place, so unknown fields are dropped as everywhere else in the protocol.
 */
function checkedPayload<T extends { type: string; payload?: unknown }>(value: T, ctx: z.RefinementCtx): T {
  if (isKnownActionType(value.type)) {
    const parsed = HUB_ACTION_PAYLOADS[value.type].safeParse(value.payload);
    if (parsed.success) return { ...value, payload: parsed.data };
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['payload', ...issue.path] });
    }
    return z.NEVER;
  }
  let size: number;
  try {
    size = JSON.stringify(value.payload ?? null).length;
  } catch {
    // A value JSON cannot hold (a cycle, a BigInt) cannot have come over the wire as JSON either.
    size = Infinity;
  }
  if (size > HUB_MAX_PAYLOAD_CHARS) {
    ctx.addIssue({
      code: 'custom',
      message: `payload too large (${size} chars, at most ${HUB_MAX_PAYLOAD_CHARS})`,
      path: ['payload'],
    });
    return z.NEVER;
  }
  return value;
}

/** The typed view of an action whose type this console knows; undefined for any other type. */
export function knownHubAction(action: { type: string; payload?: unknown }): KnownHubAction | undefined {
  if (!isKnownActionType(action.type)) return undefined;
  const parsed = HUB_ACTION_PAYLOADS[action.type].safeParse(action.payload);
  return parsed.success ? ({ type: action.type, payload: parsed.data } as KnownHubAction) : undefined;
}

/** Another console's operator action, fanned out by the hub so every console sees it. */
export const HubActionApplied = z
  .object({
    key: z.string().min(1).max(128),
    consoleId: Id,
    type: z.string().min(1).max(64),
    payload: z.unknown(),
    appliedAt: EpochMs,
  })
  .transform(checkedPayload);

/**
 * Something a guard's device reports other than a position: a checkpoint tag scanned (NFC/QR), arrival at the
 * alarm he was sent to, or the panic button.
 */
export const HubGuardSignal = z.discriminatedUnion('signal', [
  z.object({ signal: z.literal('scan'), guardId: Id, at: EpochMs, tag: z.string().min(1).max(128) }),
  z.object({
    signal: z.literal('arrived'),
    guardId: Id,
    at: EpochMs,
    alarmSourceId: z.string().min(1).max(128).optional(),
  }),
  z.object({ signal: z.literal('sos'), guardId: Id, at: EpochMs, position: LatLon.optional() }),
]);
export type HubGuardSignal = z.infer<typeof HubGuardSignal>;

/**
 * (since version 5) A gate camera read a plate (车牌识别): which gate, which way, what it read and how sure it was.
 * `readId` is the camera's or the hub's own id for this read: a second delivery of it is the same read.
 */
export const HubVehicleRead = z.object({
  readId: z.string().min(1).max(128),
  gateId: Id,
  direction: z.enum(['in', 'out']),
  /** As the camera read it; the console checks and folds it (shared/domain/plate.ts), so any text up to 16. */
  plate: z.string().max(16),
  /** 0..1; a camera that gives none sends 1. */
  confidence: z.number().min(0).max(1),
  at: EpochMs,
  /** Where the read's picture is: a path or URL on the hub or the camera, shown as a link, never fetched by the hub. */
  picture: z.string().max(500).optional(),
  /** The barrier opened by itself (the gate controller's own list); absent: it waits for the console. */
  opened: z.boolean().optional(),
});
export type HubVehicleRead = z.infer<typeof HubVehicleRead>;

export const HubEventBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('alarm'), data: HubAlarm }),
  z.object({ kind: z.literal('position'), data: HubPosition }),
  z.object({ kind: z.literal('device'), data: HubDevice }),
  z.object({ kind: z.literal('restore'), data: HubRestore }),
  z.object({ kind: z.literal('guard'), data: HubGuardSignal }),
  z.object({ kind: z.literal('action.applied'), data: HubActionApplied }),
  z.object({ kind: z.literal('vehicle'), data: HubVehicleRead }),
]);
export type HubEventBody = z.infer<typeof HubEventBody>;

/** Alarm types that never wait, whatever priority a source gave them: fire and smoke from any source, and gas. */
const URGENT_TYPES: ReadonlySet<AlarmType> = new Set(['fire', 'smoke', 'gas', 'guard_sos']);

/**
 * (since version 4) Whether an event must overtake a backlog: an alarm of priority 1 or 2 (after the console's own
 * rule, `effectivePriority`) or of a fire/smoke type, and a guard's SOS (the signal or a position with `sos`). The hub
 * decides with this when it appends; the console checks an `urgent` message with the same function.
 */
export function isUrgentEvent(body: { kind: string; data?: unknown }): boolean {
  const data = body.data as Record<string, unknown> | null | undefined;
  if (typeof data !== 'object' || data === null) return false;
  switch (body.kind) {
    case 'alarm': {
      const type = AlarmType.safeParse(data.type);
      if (!type.success) return false;
      if (URGENT_TYPES.has(type.data)) return true;
      const requested = Priority.safeParse(data.priority);
      return effectivePriority(type.data, requested.success ? requested.data : undefined) <= 2;
    }
    case 'guard':
      return data.signal === 'sos';
    case 'position':
      return data.sos === true;
    default:
      return false;
  }
}

const HubEventEnvelope = z.object({ seq: z.number().int().positive(), at: EpochMs });
/** What an event is: the envelope and a body (for its type; `HubEvent` checks the same, faster). */
type HubEventShape = z.ZodIntersection<typeof HubEventEnvelope, typeof HubEventBody>;

/**
 * Hub → console `event`: strictly increasing `seq` per hub, no gaps. Checked as one discriminated union of each
 * body kind with the envelope's fields, built from `HubEventBody` (a kind added there is an event kind here): the
 * same rules as the intersection of the two, in about half the time, which a console pays for every event of a
 * flood.
 */
export const HubEvent = z.discriminatedUnion(
  'kind',
  HubEventBody.options.map((body) => body.extend(HubEventEnvelope.shape)) as unknown as [
    (typeof HubEventBody.options)[number],
  ],
) as unknown as z.ZodType<z.output<HubEventShape>, z.input<HubEventShape>>;
export type HubEvent = z.infer<typeof HubEvent>;
export type HubEventKind = HubEventBody['kind'];

/**
 * The console's answer to each `event` (docs/hub-protocol.md §4.1, §5.1). `refused`: the event failed validation
 * or could not be applied; the console keeps it as a dead letter, has moved past `seq` and never asks for it
 * again, so a hub counts it as delivered.
 */
export const HubEventAck = z.union([
  z.object({ ok: z.literal(true), seq: z.number().int().positive() }),
  z.object({ ok: z.literal(true), duplicate: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    refused: z.literal(true),
    seq: z.number().int().positive(),
    error: z.string(),
  }),
  z.object({ ok: z.literal(false), gap: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type HubEventAck = z.infer<typeof HubEventAck>;

/**
 * (since version 5) The most events one `events` message carries, and the size a hub keeps a message of more than
 * one event under (an event bigger than that goes alone, so a message over HUB_MAX_MESSAGE_BYTES is one event).
 */
export const HUB_MAX_BATCH_EVENTS = 256;
export const HUB_MAX_BATCH_BYTES = 256 * 1024;

/**
 * (since version 5) Hub → console `events`: consecutive events of the ordered stream, oldest first. Each element
 * is judged as an `event` is (a bad one is set aside as a dead letter, the rest are committed); a console reads at
 * most HUB_MAX_BATCH_EVENTS of them and asks for a replay of the rest.
 */
export const HubEventBatch = z.array(HubEvent).min(1).max(HUB_MAX_BATCH_EVENTS);

/**
 * (since version 5) The console's one answer to an `events` message, after its commit. `seq`: the highest event
 * of the message it has moved past (committed, or set aside: those are in `refused` with the reason, as `event`'s
 * refusal says it); the hub counts everything up to `seq` as delivered. `duplicate`: it had them all already;
 * `gap` and `error` as for `event` (nothing of the message was stored; it asks for a replay).
 */
export const HubEventBatchAck = z.union([
  z.object({
    ok: z.literal(true),
    seq: z.number().int().positive(),
    refused: z
      .array(z.object({ seq: z.number().int().positive(), error: z.string() }))
      .max(HUB_MAX_BATCH_EVENTS)
      .optional(),
  }),
  z.object({ ok: z.literal(true), duplicate: z.literal(true) }),
  z.object({ ok: z.literal(false), gap: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type HubEventBatchAck = z.infer<typeof HubEventBatchAck>;

/**
 * The largest WebSocket message either side reads (the reference hub's `maxHttpBufferSize`, the console's
 * `maxPayload`). A bigger one closes the connection before its content can be read; `HubLink` says how the
 * stream still moves on.
 */
export const HUB_MAX_MESSAGE_BYTES = 1_000_000;

/** Console → hub `sync`: send me every event after `afterSeq`. Answered with the hub's head. */
export const HubSyncRequest = z.object({ afterSeq: z.number().int().nonnegative() });
export const HubSyncReply = z.object({
  ok: z.literal(true),
  headSeq: z.number().int().nonnegative(),
  /** Which hub instance answered (several on one PostgreSQL database); older hubs leave it out. */
  instance: z.string().min(1).max(64).optional(),
});

/**
 * (since version 4) Hub → console `urgent`: an event of the log (its real `seq`) sent ahead of the ordered replay.
 * Answered like `event`: `{ok:true, seq}` once committed, `{ok:true, duplicate:true}` when the console has it
 * already, `{ok:false, error}` when it will not take it early (the ordered replay brings it anyway).
 */
export const HubUrgentEvent = HubEvent;

/** Console → hub `action`, from the outbox. The hub applies each `key` at most once. */
export const HubAction = z
  .object({
    key: z.string().min(1).max(128),
    type: z.string().min(1).max(64),
    payload: z.unknown(),
    createdAt: EpochMs,
  })
  .transform(checkedPayload);
export type HubAction = z.infer<typeof HubAction>;
export const HubActionReply = z.union([
  z.object({ ok: z.literal(true), duplicate: z.boolean() }),
  /** `retryable`: the hub could not apply it now (storage fault) and the console should send it again. */
  z.object({ ok: z.literal(false), error: z.string(), retryable: z.boolean().default(false) }),
]);
export type HubActionReply = z.infer<typeof HubActionReply>;

/** socket.io event names, in one place. */
export const HUB_MESSAGES = {
  event: 'event',
  sync: 'sync',
  action: 'action',
  ping: 'app-ping',
  sources: 'sources',
  /** (since version 4) Hub → console: an urgent event ahead of the backlog. */
  urgent: 'urgent',
  /** (since version 5) Hub → console: consecutive events of the ordered stream in one message. */
  events: 'events',
} as const;

/**
 * Why a source refused an input, in words the console says in the operator's language (`reason` keeps the
 * source's technical detail for whoever fixes the equipment): the frame could not be read (`malformed`), its
 * check digits were wrong (`checksum`), it did not decrypt (`decrypt`), its clock was outside the window
 * (`stale_time`), its sender is not configured (`unknown_sender`), its credentials were wrong (`unauthorized`), it
 * came too often (`rate_limited`), too big (`too_large`) or cut off (`cut_off`), the source was full
 * (`over_capacity`), it was read and deliberately not acted on (`ignored`), or the hub could not store it and
 * asked the device to send it again (`not_stored`).
 */
export const REFUSAL_CODES = [
  'malformed',
  'checksum',
  'decrypt',
  'stale_time',
  'unknown_sender',
  'unauthorized',
  'rate_limited',
  'too_large',
  'cut_off',
  'over_capacity',
  'ignored',
  'not_stored',
] as const;
export const RefusalCode = z.enum(REFUSAL_CODES);
export type RefusalCode = z.infer<typeof RefusalCode>;

/** A frame or message a source refused, kept for the sources view: cut, never interpreted. */
export const HubRefusedInput = z.object({
  at: EpochMs,
  /** Who sent it: a panel's address, a broker client id, a camera. */
  peer: z.string().max(200),
  /** Optional within version 3: a hub that predates it sends only `reason`. */
  code: RefusalCode.optional(),
  reason: z.string().max(300),
  /** The bytes as received, printable ASCII with others escaped, cut to 500 characters. */
  raw: z.string().max(500),
});
export type HubRefusedInput = z.infer<typeof HubRefusedInput>;

/**
 * What is wrong with a source that is not working, in words the console says in the operator's language (`detail`
 * keeps the technical message): its port is taken (`port_in_use`), it may not open it (`no_permission`), the
 * address is not this machine's (`no_such_address`), the far end refused the connection (`refused`), cannot be
 * reached (`unreachable`) or did not answer in time (`timeout`), TLS failed (`tls`), the far end refused our
 * credentials (`unauthorized`), only part of its connections are up (`degraded`), or something else (`other`).
 */
export const SOURCE_PROBLEMS = [
  'port_in_use',
  'no_permission',
  'no_such_address',
  'refused',
  'unreachable',
  'timeout',
  'tls',
  'unauthorized',
  'degraded',
  'other',
] as const;
export const SourceProblem = z.enum(SOURCE_PROBLEMS);
export type SourceProblem = z.infer<typeof SourceProblem>;

/** (since version 3) One configured equipment source as the hub sees it now. */
export const HubSourceStatus = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(ORIGIN_SOURCES),
  /** `listening`: up, waiting for equipment; `connected`: a client of an external service (broker, camera). */
  state: z.enum(['listening', 'connected', 'starting', 'error', 'stopped']),
  /** What is wrong, for `error` (a port in use, a broker refusing us), in the source's technical words. */
  detail: z.string().max(300).optional(),
  /** The same in a word the console translates; optional within version 3 (an older hub sends only `detail`). */
  problem: SourceProblem.optional(),
  /** Where it listens or what it connects to (`tcp 0.0.0.0:12000`, `mqtt://broker:1883`). */
  endpoint: z.string().max(200).optional(),
  /** Panels, transmitters, MQTT clients or camera streams connected now. */
  peers: z.number().int().nonnegative(),
  lastMessageAt: EpochMs.optional(),
  received: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  lastRefused: z.array(HubRefusedInput).max(10),
});
export type HubSourceStatus = z.infer<typeof HubSourceStatus>;

/** (since version 3) Console → hub `sources` (no payload): the sources and their state, answered by ack. */
export const HubSourcesReply = z.object({
  ok: z.literal(true),
  sources: z.array(HubSourceStatus).max(64),
});
export type HubSourcesReply = z.infer<typeof HubSourcesReply>;
