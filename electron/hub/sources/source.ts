/**
 * What every equipment source of the site hub (SIA DC-09 panels, GB/T 26875.3 fire transmitters, MQTT sensors,
 * camera event streams, webhooks) hands to the hub, and what the hub gives it. A source speaks its device's
 * language on the wire and turns each message into {@link SourceReport}s; the hub owns the log, the device
 * registry, supervision and the mapping to hub-protocol events.
 *
 * The one rule every source keeps: **acknowledge a device only after `sink.commit` resolved** — the event is
 * then in the hub's log and survives a crash; a rejected commit is answered with the protocol's negative reply
 * (or none), so the device sends it again.
 */
import type { RefusalCode, SourceProblem } from '../../../shared/contract';
import type { AlarmType, Priority } from '../../../shared/domain/alarm';
import type { LatLon } from '../../../shared/domain/geo';
import type { BothTexts } from '../../../shared/domain/text';

export type SourceKind = 'dc09' | 'gb26875' | 'mqtt' | 'camera' | 'webhook';

/** What a source can say a device is; the hub maps these to the hub protocol's device kinds. */
export type SourceDeviceKind =
  | 'alarm_panel'
  | 'panel_zone'
  | 'fire_transmitter'
  | 'fire_component'
  | 'sensor'
  | 'camera'
  | 'access'
  | 'other';

/** Where an event came from, shown to the operator in the alarm detail (panel account/zone/code, 部件说明...). */
export type SourceOrigin = Readonly<Record<string, string | number | boolean>>;

export interface SourceReport {
  /**
   * Identifies this occurrence for de-duplication across retries (a panel resending the same frame, a broker
   * redelivering at QoS 1): the same key twice is one event in the log.
   */
  key: string;
  /**
   * A retry its key cannot recognise: a DC-09 panel stamps each attempt with its clock, so an attempt that reaches
   * a restarted receiver (which lost the first copy's key with its memory) carries a new key. The log keeps each
   * `scope` with its `at`; a report of the same scope within `windowMs` of that is the message already logged.
   */
  retryOf?: { scope: string; at: number; windowMs: number };
  /** The device that raised it, registered in the hub's device registry on first sight. */
  device: {
    id: string;
    kind: SourceDeviceKind;
    /** The device's own description (a transmitter's 部件说明, a sensor's friendly name). */
    label?: string;
    /** Silence past this many seconds is a fault (communication fail); absent = not supervised. */
    supervisionSec?: number;
  };
  /**
   * `alarm` opens (or re-triggers) an alarm of `type` on the device; `restore` closes the open alarm of `type`
   * on the device; `state` only updates the device's state (ok / fault / offline) in the registry; `alive` is a
   * link poll or heartbeat that only proves the device is there (it clears a communication fault); `event` is
   * an occurrence for the log and the device's history that opens no alarm and changes no state (a panel armed
   * or disarmed, a zone bypassed, a walk test), described by its `origin`, or a fire transmitter's
   * detector disabled at the panel or 查岗 answered.
   */
  kind: 'alarm' | 'restore' | 'state' | 'alive' | 'event';
  type?: AlarmType;
  state?: 'ok' | 'fault' | 'offline';
  /** A site zone id, from the source's mapping in the site file. */
  zone?: string;
  /** Site camera ids linked to the device. */
  cameras?: string[];
  /**
   * Where the device is on the site map, from the source's mapping in the site file; absent: the hub places it
   * itself (a camera where the site file has it, anything else at its zone's centre).
   */
  location?: LatLon;
  /** When the device says it happened (epoch ms); the hub stamps its own receive time separately. */
  at: number;
  /** A short human text, in English: what a console that predates `texts` shows. */
  text?: string;
  /** The same worded in both console languages from the source's own tables (see {@link worded}). */
  texts?: BothTexts;
  /** The alarm's priority when the source's settings lower or raise it (a camera's motion); absent: the type's. */
  priority?: Priority;
  origin: SourceOrigin;
}

/**
 * A report's text in both languages: `texts` for a console that shows its operator's language, `text` (the English)
 * for one that predates it. Each half is cut to the protocol's 500 characters.
 */
export function worded(zh: string, en: string): { text: string; texts: BothTexts } {
  const cut = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 500);
  return { text: cut(en), texts: { 'zh-CN': cut(zh), en: cut(en) } };
}

export interface SourceSink {
  /** Resolves once the report is committed to the hub's log; rejects when it could not be. */
  commit(report: SourceReport): Promise<void>;
}

export interface SourceLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface SourceContext {
  sink: SourceSink;
  now(): number;
  log: SourceLog;
}

/** What the sources-and-devices view shows of a source. */
export interface SourceStatus {
  id: string;
  kind: SourceKind;
  state: 'starting' | 'listening' | 'connected' | 'degraded' | 'stopped' | 'failed';
  /** e.g. the bound port, the broker URL. */
  endpoint?: string;
  /** Connected panels / transmitters / clients right now. */
  peers: number;
  lastMessageAt?: number;
  counts: { received: number; committed: number; refused: number; errors: number };
  /** The last few refused frames, raw (escaped, bounded), with why; newest first. */
  lastRefused: RefusedInput[];
  error?: string;
  /** `error` as a word the console translates; see {@link problemOf}. */
  problem?: SourceProblem;
}

export interface Source {
  readonly id: string;
  readonly kind: SourceKind;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): SourceStatus;
}

/** One input a source refused: why (`code` for the operator, `reason` for the technician), from whom, the bytes. */
export interface RefusedInput {
  at: number;
  code: RefusalCode;
  reason: string;
  /** The bytes as received, escaped by the source (printable text, hex), already bounded. */
  raw: string;
  /** The panel's address, the camera, the client: whoever sent it, when the source knows. */
  peer?: string;
}

/**
 * The last few inputs a source refused, newest first: one bounded list for every source, so a flood of bad frames
 * costs a fixed amount of memory and the sources view reads them all the same way.
 */
/** How much of a refused input its status keeps, at most, in characters. */
export const RAW_CHARS = 400;

/** Refused bytes as text for the status view: printable ASCII as is, the rest as \xNN, at most `maxChars`. */
export function escapeRaw(raw: Uint8Array, maxChars = 300): string {
  let out = '';
  for (const b of raw) {
    const next = b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
    if (out.length + next.length > maxChars) break;
    out += next;
  }
  return out;
}

export class RefusedLog {
  private readonly items: RefusedInput[] = [];

  constructor(private readonly keep = 10) {}

  add(entry: RefusedInput): void {
    this.items.unshift({
      ...entry,
      reason: entry.reason.slice(0, 300),
      // What the status view shows of the input: a sample, not the input (a source's own escaping may run longer).
      raw: entry.raw.slice(0, RAW_CHARS),
      ...(entry.peer !== undefined ? { peer: entry.peer.slice(0, 200) } : {}),
    });
    if (this.items.length > this.keep) this.items.length = this.keep;
  }

  /** A copy, newest first. */
  list(): RefusedInput[] {
    return this.items.map((r) => ({ ...r }));
  }
}

/** What every source tracks, for its {@link SourceStatus}. */
export interface StatusParts {
  id: string;
  kind: SourceKind;
  state: SourceStatus['state'];
  endpoint?: string | undefined;
  peers: number;
  lastMessageAt: number | undefined;
  counts: SourceStatus['counts'];
  refused: RefusedLog;
  /** The last error, worded for the technician; `problem` the word the operator reads (default `other`). */
  error?: string | undefined;
  problem?: SourceProblem | undefined;
}

/** A source's status as the sources view reads it: the same fields, copied, for every source. */
export function sourceStatus(p: StatusParts): SourceStatus {
  return {
    id: p.id,
    kind: p.kind,
    state: p.state,
    ...(p.endpoint !== undefined ? { endpoint: p.endpoint } : {}),
    peers: p.peers,
    ...(p.lastMessageAt !== undefined ? { lastMessageAt: p.lastMessageAt } : {}),
    counts: { ...p.counts },
    lastRefused: p.refused.list(),
    ...(p.error !== undefined ? { error: p.error, problem: p.problem ?? 'other' } : {}),
  };
}

/**
 * What kind of trouble an error from Node's sockets, TLS or an MQTT broker is, by its code (never by its text,
 * which changes between versions): what the sources view tells the operator, with the message kept as detail.
 */
export function problemOf(err: unknown): SourceProblem {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  switch (code) {
    case 'EADDRINUSE':
      return 'port_in_use';
    case 'EACCES':
    case 'EPERM':
      return 'no_permission';
    case 'EADDRNOTAVAIL':
      return 'no_such_address';
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'unreachable';
    case 'ETIMEDOUT':
      return 'timeout';
    // MQTT CONNACK: 4/5 bad user name or password / not authorised (3.1.1); 134/135 the same in MQTT 5.
    case 4:
    case 5:
    case 134:
    case 135:
      return 'unauthorized';
  }
  if (typeof code === 'string' && /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code))
    return 'tls';
  return 'other';
}
