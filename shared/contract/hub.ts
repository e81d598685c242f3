/**
 * The site hub protocol (socket.io). docs/hub-protocol.md describes it for people; these schemas are what
 * both ends validate against. Bump HUB_PROTOCOL_VERSION on any incompatible change.
 */
import { z } from 'zod';
import { EpochMs, Id } from './common';
import { AlarmType, Priority } from '../domain/alarm';
import { LatLon } from '../domain/geo';

/** 2: the `guard` event kind, `sos` on positions, the `guard_no_movement` alarm type (docs/hub-protocol.md §9). */
export const HUB_PROTOCOL_VERSION = 2;

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
});
export type HubAlarm = z.infer<typeof HubAlarm>;

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
] as const;
export const HubDevice = z.object({
  deviceId: z.string().min(1).max(128),
  kind: z.enum(DEVICE_KINDS),
  state: z.enum(['ok', 'fault', 'offline']),
  zone: Id.optional(),
  text: z.string().max(500).optional(),
  at: EpochMs,
});
export type HubDevice = z.infer<typeof HubDevice>;

/** Another console's operator action, fanned out by the hub so every console sees it. */
export const HubActionApplied = z.object({
  key: z.string().min(1).max(128),
  consoleId: Id,
  type: z.string().min(1).max(64),
  payload: z.unknown(),
  appliedAt: EpochMs,
});

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

export const HubEventBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('alarm'), data: HubAlarm }),
  z.object({ kind: z.literal('position'), data: HubPosition }),
  z.object({ kind: z.literal('device'), data: HubDevice }),
  z.object({ kind: z.literal('guard'), data: HubGuardSignal }),
  z.object({ kind: z.literal('action.applied'), data: HubActionApplied }),
]);
export type HubEventBody = z.infer<typeof HubEventBody>;

/** Hub → console `event`: strictly increasing `seq` per hub, no gaps. */
export const HubEvent = z.intersection(
  z.object({ seq: z.number().int().positive(), at: EpochMs }),
  HubEventBody,
);
export type HubEvent = z.infer<typeof HubEvent>;
export type HubEventKind = HubEventBody['kind'];

/** Console → hub `sync`: send me every event after `afterSeq`. Answered with the hub's head. */
export const HubSyncRequest = z.object({ afterSeq: z.number().int().nonnegative() });
export const HubSyncReply = z.object({ ok: z.literal(true), headSeq: z.number().int().nonnegative() });

/** Console → hub `action`, from the outbox. The hub applies each `key` at most once. */
export const HubAction = z.object({
  key: z.string().min(1).max(128),
  type: z.string().min(1).max(64),
  payload: z.unknown(),
  createdAt: EpochMs,
});
export type HubAction = z.infer<typeof HubAction>;
export const HubActionReply = z.union([
  z.object({ ok: z.literal(true), duplicate: z.boolean() }),
  /** `retryable`: the hub could not apply it now (storage fault) and the console should send it again. */
  z.object({ ok: z.literal(false), error: z.string(), retryable: z.boolean().default(false) }),
]);
export type HubActionReply = z.infer<typeof HubActionReply>;

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

/** socket.io event names, in one place. */
export const HUB_MESSAGES = {
  event: 'event',
  sync: 'sync',
  action: 'action',
  ping: 'app-ping',
} as const;
