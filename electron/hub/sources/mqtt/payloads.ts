/**
 * MQTT sensor messages, without I/O: which device and what a topic is (Zigbee2MQTT, Tasmota LWT, the native
 * topic), what its payload says (a refusal always names its reason), and what that changes for the device
 * (alarms on a rising signal, restores when the last cause of an alarm type clears, the device's health).
 * README.md in this folder documents the topics and payloads.
 */
import { z } from 'zod';
import type { AlarmType } from '../../../../shared/domain/alarm';
import type { DevicePolicy } from './config';

/** What a sensor can say, each a boolean; `open` is a contact open (Zigbee2MQTT's `contact: false`). */
export const SIGNALS = [
  'water_leak',
  'smoke',
  'gas',
  'carbon_monoxide',
  'open',
  'tamper',
  'battery_low',
] as const;
export type Signal = (typeof SIGNALS)[number];

export type Protocol = 'zigbee2mqtt' | 'tasmota' | 'native';
export type Availability = 'online' | 'offline';
export type Health = 'ok' | 'fault' | 'offline';

export interface TopicSets {
  zigbee2mqtt: string | false;
  tasmotaLwt: string | false;
  native: string | false;
}

/** Tasmota's periodic `STATE` telemetry (every TelePeriod, 300 s by default) beside its LWT: proof of life. */
function tasmotaStateTopic(lwt: string | false): string | undefined {
  return lwt && lwt.endsWith('/LWT') ? `${lwt.slice(0, -'LWT'.length)}STATE` : undefined;
}

/** The topic filters the source subscribes to (QoS 1) for these sets. */
export function subscriptions(sets: TopicSets): string[] {
  const out: string[] = [];
  if (sets.zigbee2mqtt) out.push(`${sets.zigbee2mqtt}/#`);
  if (sets.tasmotaLwt) out.push(sets.tasmotaLwt);
  const tasmotaState = tasmotaStateTopic(sets.tasmotaLwt);
  if (tasmotaState) out.push(tasmotaState);
  if (sets.native) out.push(`${sets.native}/+/event`);
  return out;
}

export interface DeviceMessage {
  protocol: Protocol;
  device: string;
  topic: string;
  signals: Partial<Record<Signal, boolean>>;
  availability?: Availability;
  /** When the device says it happened (epoch ms): Zigbee2MQTT's `last_seen`, the native `at`. */
  at?: number;
  /** The native event's own id: makes the de-duplication key exact. */
  eventId?: string;
  text?: string;
  /** Parts of the payload that were ignored, each with why (the rest of the message is used). */
  problems: string[];
}

export type Parsed =
  /** Not a topic of the source's sets: the broker carries it for others. */
  | { kind: 'other' }
  /** A topic of the sets that says nothing about a sensor (Zigbee2MQTT's bridge log, `/set` commands). */
  | { kind: 'ignored'; reason: string }
  | { kind: 'refused'; reason: string; device?: string; protocol?: Protocol; tooLarge?: true }
  | { kind: 'message'; message: DeviceMessage };

export interface ParseOptions {
  sets: TopicSets;
  maxPayloadBytes: number;
}

const MAX_DEVICE_NAME = 128;
/** Zigbee2MQTT exposes (zigbee-herdsman-converters) the source reads; `contact` is inverted into `open`. */
const Z2M_KEYS: Record<string, Signal> = {
  water_leak: 'water_leak',
  smoke: 'smoke',
  gas: 'gas',
  carbon_monoxide: 'carbon_monoxide',
  contact: 'open',
  tamper: 'tamper',
  battery_low: 'battery_low',
};
const Z2M_COMMANDS = new Set(['set', 'get']);

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(payload: Uint8Array, max: number): { text: string } | { reason: string; tooLarge?: true } {
  if (payload.byteLength > max)
    return { reason: `payload of ${payload.byteLength} bytes is over ${max}`, tooLarge: true };
  try {
    return { text: utf8.decode(payload) };
  } catch {
    return { reason: 'payload is not UTF-8 text' };
  }
}

function parseJson(text: string): { value: unknown } | { reason: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { reason: 'payload is not JSON' };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function validName(name: string): string | undefined {
  if (name.length === 0) return 'empty device name';
  if (name.length > MAX_DEVICE_NAME) return `device name longer than ${MAX_DEVICE_NAME}`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'device name with control characters';
  return undefined;
}

/** A device time: epoch ms (or s, as some firmwares send) or ISO 8601. */
function deviceTime(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
    const ms = v < 1e11 ? v * 1000 : v;
    return ms < 8.64e15 ? Math.round(ms) : undefined;
  }
  if (typeof v === 'string' && v.length <= 40 && /^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const ms = Date.parse(v);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

function availabilityOf(text: string): Availability | undefined {
  const t = text.trim();
  if (t === 'online' || t === 'offline') return t;
  if (!t.startsWith('{') && !t.startsWith('"')) return undefined;
  const parsed = parseJson(t);
  if (!('value' in parsed)) return undefined;
  const v = parsed.value;
  if (v === 'online' || v === 'offline') return v;
  if (isObject(v) && (v.state === 'online' || v.state === 'offline')) return v.state;
  return undefined;
}

/** Reads a Zigbee2MQTT state object: known keys must be booleans; the rest is the device's business. */
function z2mState(v: Record<string, unknown>, msg: DeviceMessage): void {
  for (const [key, signal] of Object.entries(Z2M_KEYS)) {
    if (!Object.hasOwn(v, key)) continue;
    const value = v[key];
    if (typeof value !== 'boolean') {
      msg.problems.push(`${key} is not true or false`);
      continue;
    }
    msg.signals[signal] = signal === 'open' ? !value : value;
  }
  if (Object.hasOwn(v, 'last_seen')) {
    const at = deviceTime(v.last_seen);
    if (at === undefined) msg.problems.push('last_seen is not a time');
    else msg.at = at;
  }
}

function message(protocol: Protocol, device: string, topic: string): DeviceMessage {
  return { protocol, device, topic, signals: {}, problems: [] };
}

function parseZigbee2mqtt(base: string, topic: string, payload: Uint8Array, max: number): Parsed {
  const rest = topic.slice(base.length + 1);
  const levels = rest.split('/');
  const last = levels[levels.length - 1]!;
  if (levels[0] === 'bridge') {
    if (rest !== 'bridge/state') return { kind: 'ignored', reason: 'bridge topic other than bridge/state' };
  } else if (Z2M_COMMANDS.has(last) || levels.slice(1).some((l) => Z2M_COMMANDS.has(l))) {
    return { kind: 'ignored', reason: 'a command to the device, not from it' };
  }
  const decoded = decode(payload, max);
  const device = rest === 'bridge/state' ? `${base}/bridge` : rest;
  if ('reason' in decoded) return { kind: 'refused', ...decoded, protocol: 'zigbee2mqtt' };

  if (rest === 'bridge/state' || (last === 'availability' && levels.length > 1)) {
    const name = rest === 'bridge/state' ? device : levels.slice(0, -1).join('/');
    const bad = validName(name);
    if (bad) return { kind: 'refused', reason: bad, protocol: 'zigbee2mqtt' };
    const availability = availabilityOf(decoded.text);
    if (!availability) {
      return {
        kind: 'refused',
        reason: 'availability is not online/offline nor {"state":"online"|"offline"}',
        device: name,
        protocol: 'zigbee2mqtt',
      };
    }
    return { kind: 'message', message: { ...message('zigbee2mqtt', name, topic), availability } };
  }

  const parsed = parseJson(decoded.text);
  if ('reason' in parsed) {
    const bad = validName(rest);
    return {
      kind: 'refused',
      reason: parsed.reason,
      protocol: 'zigbee2mqtt',
      ...(bad ? {} : { device: rest }),
    };
  }
  const value = parsed.value;
  if (isObject(value)) {
    const bad = validName(rest);
    if (bad) return { kind: 'refused', reason: bad, protocol: 'zigbee2mqtt' };
    const msg = message('zigbee2mqtt', rest, topic);
    z2mState(value, msg);
    return { kind: 'message', message: msg };
  }
  // Zigbee2MQTT's `output: attribute` publishes each attribute as a bare value under the device's topic.
  if (
    levels.length > 1 &&
    (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string')
  ) {
    const name = levels.slice(0, -1).join('/');
    const bad = validName(name);
    if (bad) return { kind: 'refused', reason: bad, protocol: 'zigbee2mqtt' };
    const msg = message('zigbee2mqtt', name, topic);
    z2mState({ [last]: value }, msg);
    return { kind: 'message', message: msg };
  }
  return {
    kind: 'refused',
    reason: 'a device state must be a JSON object',
    protocol: 'zigbee2mqtt',
    ...(validName(rest) ? {} : { device: rest }),
  };
}

function matchTasmota(pattern: string, topic: string): string | undefined {
  const p = pattern.split('/');
  const t = topic.split('/');
  if (p.length !== t.length) return undefined;
  let device: string | undefined;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '+') device = t[i];
    else if (p[i] !== t[i]) return undefined;
  }
  return device;
}

function parseTasmota(device: string, topic: string, payload: Uint8Array, max: number): Parsed {
  const bad = validName(device);
  if (bad) return { kind: 'refused', reason: bad, protocol: 'tasmota' };
  const decoded = decode(payload, max);
  if ('reason' in decoded) return { kind: 'refused', ...decoded, device, protocol: 'tasmota' };
  const word = decoded.text.trim().toLowerCase();
  if (word !== 'online' && word !== 'offline') {
    return { kind: 'refused', reason: 'LWT is not Online or Offline', device, protocol: 'tasmota' };
  }
  return { kind: 'message', message: { ...message('tasmota', device, topic), availability: word } };
}

/** Only its arrival matters: the content (uptime, Wi-Fi, relays) is the device's business. */
function parseTasmotaState(device: string, topic: string, payload: Uint8Array, max: number): Parsed {
  const bad = validName(device);
  if (bad) return { kind: 'refused', reason: bad, protocol: 'tasmota' };
  const decoded = decode(payload, max);
  if ('reason' in decoded) return { kind: 'refused', ...decoded, device, protocol: 'tasmota' };
  return { kind: 'message', message: message('tasmota', device, topic) };
}

/** The native topic's payload, version 1 (README.md, "Native topic"). */
export const NATIVE_EVENTS = [...SIGNALS, 'heartbeat', 'online', 'offline'] as const;
export const NativeEvent = z
  .object({
    event: z.enum(NATIVE_EVENTS),
    active: z.boolean().optional(),
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .optional(),
    at: z.union([z.number(), z.string().max(40)]).optional(),
    text: z.string().max(200).optional(),
  })
  .refine((e) => !(SIGNALS as readonly string[]).includes(e.event) || e.active !== undefined, {
    message: 'a sensor event needs active: true or false',
    path: ['active'],
  });
export type NativeEvent = z.infer<typeof NativeEvent>;

function parseNative(device: string, topic: string, payload: Uint8Array, max: number): Parsed {
  const bad = validName(device);
  if (bad) return { kind: 'refused', reason: bad, protocol: 'native' };
  const decoded = decode(payload, max);
  if ('reason' in decoded) return { kind: 'refused', reason: decoded.reason, device, protocol: 'native' };
  const parsed = parseJson(decoded.text);
  if ('reason' in parsed) return { kind: 'refused', reason: parsed.reason, device, protocol: 'native' };
  const event = NativeEvent.safeParse(parsed.value);
  if (!event.success) {
    const issue = event.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return {
      kind: 'refused',
      reason: `native event: ${where}${issue?.message ?? 'invalid'}`,
      device,
      protocol: 'native',
    };
  }
  const e = event.data;
  const msg = message('native', device, topic);
  if (e.event === 'online' || e.event === 'offline') msg.availability = e.event;
  else if (e.event !== 'heartbeat') msg.signals[e.event] = e.active === true;
  if (e.id !== undefined) msg.eventId = e.id;
  if (e.text !== undefined) msg.text = e.text;
  if (e.at !== undefined) {
    const at = deviceTime(e.at);
    if (at === undefined) msg.problems.push('at is not a time');
    else msg.at = at;
  }
  return { kind: 'message', message: msg };
}

/** Reads one MQTT message. Pure and total: any topic and any bytes give a result, never an exception. */
export function parseMessage(topic: string, payload: Uint8Array, options: ParseOptions): Parsed {
  const { sets, maxPayloadBytes: max } = options;
  if (
    sets.zigbee2mqtt &&
    topic.startsWith(`${sets.zigbee2mqtt}/`) &&
    topic.length > sets.zigbee2mqtt.length + 1
  ) {
    return parseZigbee2mqtt(sets.zigbee2mqtt, topic, payload, max);
  }
  if (sets.tasmotaLwt) {
    const device = matchTasmota(sets.tasmotaLwt, topic);
    if (device !== undefined) return parseTasmota(device, topic, payload, max);
    const tasmotaState = tasmotaStateTopic(sets.tasmotaLwt);
    const alive = tasmotaState ? matchTasmota(tasmotaState, topic) : undefined;
    if (alive !== undefined) return parseTasmotaState(alive, topic, payload, max);
  }
  if (sets.native && topic.startsWith(`${sets.native}/`) && topic.endsWith('/event')) {
    const device = topic.slice(sets.native.length + 1, -'/event'.length);
    if (!device.includes('/')) return parseNative(device, topic, payload, max);
  }
  return { kind: 'other' };
}

// ---------------------------------------------------------------------------------------------------------------
// What a message changes for its device.

export interface SignalState {
  value: boolean;
  /** Known only from a retained message: it raised nothing, so a live `true` still raises the alarm. */
  retained: boolean;
}

export interface DeviceState {
  signals: Partial<Record<Signal, SignalState>>;
  availability?: Availability;
  /** Silent past its supervision interval (set by {@link supervise}, cleared by any proof of life). */
  silent: boolean;
  /** The last message that proves the device there (epoch ms): not a Last Will, nor a broker's stored copy. */
  lastSeen?: number;
  /** The health last reported (committed) for the device. */
  reported?: { state: Health; reasons: string };
}

/** A report before the source adds the device, the key and where it came from. */
export interface Draft {
  kind: 'alarm' | 'restore' | 'state';
  type?: AlarmType;
  state?: Health;
  /** The signals behind an alarm or restore (`water_leak`, `open+tamper`), the reasons behind a state. */
  cause: string;
}

export interface Interpretation {
  next: DeviceState;
  drafts: Draft[];
  /** Why part of the message raised nothing (a retained alarm). */
  notes: string[];
}

export interface MessageFlags {
  /** The retain flag: state only, never an alarm nor a restore. */
  retained: boolean;
  /**
   * Possibly an old copy the broker stored: a retained message delivered by an external broker. On the embedded
   * broker every message is being published by its sender right now, retained or not.
   */
  stale: boolean;
  /** Published by the broker for a vanished client (its Last Will): news, but no proof of life. */
  will: boolean;
  now: number;
}

export function emptyState(): DeviceState {
  return { signals: {}, silent: false };
}

function cloneState(s: DeviceState): DeviceState {
  return { ...s, signals: { ...s.signals }, ...(s.reported ? { reported: { ...s.reported } } : {}) };
}

/** The alarm a signal raises on this device, or null when it is a fault or state only. */
export function alarmTypeOf(signal: Signal, policy: DevicePolicy): AlarmType | null {
  switch (signal) {
    case 'water_leak':
      return 'water_leak';
    case 'smoke':
      return 'smoke';
    case 'gas':
    case 'carbon_monoxide':
      return 'gas';
    case 'open':
      return policy.contact === 'none' ? null : policy.contact;
    case 'tamper':
      return policy.tamper === 'intrusion' ? 'intrusion' : null;
    case 'battery_low':
      return null;
  }
}

/** offline (availability or Last Will) over fault (battery low, a tamper kept as fault, silence) over ok. */
export function healthOf(s: DeviceState, policy: DevicePolicy): { state: Health; reasons: string } {
  if (s.availability === 'offline') return { state: 'offline', reasons: 'offline' };
  const reasons: string[] = [];
  if (s.signals.battery_low?.value) reasons.push('battery_low');
  if (policy.tamper === 'fault' && s.signals.tamper?.value) reasons.push('tamper');
  if (s.silent) reasons.push('silent');
  return reasons.length ? { state: 'fault', reasons: reasons.join(',') } : { state: 'ok', reasons: '' };
}

function healthDraft(
  prev: DeviceState | undefined,
  next: DeviceState,
  policy: DevicePolicy,
): Draft | undefined {
  const health = healthOf(next, policy);
  next.reported = health;
  const before = prev?.reported;
  if (before && before.state === health.state && before.reasons === health.reasons) return undefined;
  return { kind: 'state', state: health.state, cause: health.reasons || 'ok' };
}

/**
 * What one message changes. A rising signal (false, unknown or only retained → true) raises its alarm type;
 * when the last signal behind an alarm type falls, that type is restored; retained messages change the state
 * only. The device's health is reported when it changes. The caller keeps `next` only once the drafts are
 * committed, so a message given back and sent again is interpreted again the same way.
 */
export function interpret(
  prev: DeviceState | undefined,
  msg: DeviceMessage,
  policy: DevicePolicy,
  flags: MessageFlags,
): Interpretation {
  const next = cloneState(prev ?? emptyState());
  const drafts: Draft[] = [];
  const notes: string[] = [];
  const live = !flags.retained;
  const proofOfLife = !flags.stale && !flags.will && msg.availability !== 'offline';
  if (proofOfLife) {
    next.lastSeen = flags.now;
    next.silent = false;
    // An old retained `offline` (or one published before the device reconnected) is contradicted by data.
    if (next.availability === 'offline' && msg.availability === undefined) next.availability = 'online';
  }
  if (msg.availability) next.availability = msg.availability;

  const raised = new Map<AlarmType, Signal[]>();
  const fallen = new Set<AlarmType>();
  for (const signal of SIGNALS) {
    const value = msg.signals[signal];
    if (value === undefined) continue;
    const before = next.signals[signal];
    const type = alarmTypeOf(signal, policy);
    next.signals[signal] = { value, retained: flags.retained };
    if (!type) continue;
    if (!live) {
      if (value) notes.push(`retained ${signal}: state only, alarms are never taken from retained messages`);
      continue;
    }
    if (value && (!before || !before.value || before.retained))
      raised.set(type, [...(raised.get(type) ?? []), signal]);
    if (!value && before?.value) fallen.add(type);
  }
  for (const [type, signals] of raised) drafts.push({ kind: 'alarm', type, cause: signals.join('+') });
  for (const type of fallen) {
    if (raised.has(type)) continue;
    const still = SIGNALS.some((s) => next.signals[s]?.value && alarmTypeOf(s, policy) === type);
    if (!still) drafts.push({ kind: 'restore', type, cause: causeOf(msg, type, policy) });
  }
  const health = healthDraft(prev, next, policy);
  if (health) drafts.push(health);
  return { next, drafts, notes };
}

function causeOf(msg: DeviceMessage, type: AlarmType, policy: DevicePolicy): string {
  return SIGNALS.filter((s) => msg.signals[s] === false && alarmTypeOf(s, policy) === type).join('+');
}

/**
 * Supervision: a supervised device silent past its interval (counted from its last proof of life, or from when
 * the source started) becomes a fault; undefined when nothing changes. Offline devices are not also silent.
 */
export function supervise(
  prev: DeviceState | undefined,
  policy: DevicePolicy,
  now: number,
  startedAt: number,
): Interpretation | undefined {
  if (policy.supervisionSec <= 0) return undefined;
  const state = prev ?? emptyState();
  if (state.silent || state.availability === 'offline') return undefined;
  const since = Math.max(state.lastSeen ?? startedAt, startedAt);
  if (now - since <= policy.supervisionSec * 1000) return undefined;
  const next = cloneState(state);
  next.silent = true;
  const health = healthDraft(prev, next, policy);
  return { next, drafts: health ? [health] : [], notes: [] };
}
