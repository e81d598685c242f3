/**
 * The MQTT sensor source: the hub's own broker (aedes on TCP, optionally WebSocket and TLS) or a client of an
 * external broker (Mosquitto, EMQX) with a persistent session (broker.ts). Every message on its topics is read by
 * payloads.ts; what it changes is committed to the hub's log before the sender gets its acknowledgement, where
 * the library lets the source hold it (README.md in this folder says exactly what holds, and where it does not).
 * This file routes each message to its device, one after the other per device, and watches devices for silence.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RefusalCode } from '../../../../shared/contract';
import { RefusedLog, problemOf, sourceStatus } from '../source';
import type { Source, SourceContext, SourceReport, SourceStatus } from '../source';
import { sensorWords, silenceWords } from './words';
import { devicePolicy, type DevicePolicy, type MqttSourceConfig } from './config';
import { createBrokerLink, type Incoming, type LinkHealth, type Outcome } from './broker';
import {
  interpret,
  parseMessage,
  supervise,
  type DeviceMessage,
  type DeviceState,
  type Draft,
  type Interpretation,
  type Protocol,
} from './payloads';

export interface MqttSourceOptions {
  /** The site file's folder: TLS and CA paths in the config are relative to it. */
  baseDir?: string;
  /** How often supervision looks for silent devices (ms). */
  sweepMs?: number;
}

export interface MqttSource extends Source {
  /** The embedded broker's bound ports once started (0 in the config = a free port); undefined for external. */
  ports(): { mqtt: number; websocket?: number; tls?: number } | undefined;
}

interface DeviceEntry {
  state?: DeviceState;
  tail: Promise<unknown>;
  sweepQueued: boolean;
}

const LAST_REFUSED = 10;
const RAW_BYTES = 160;
/** Messages of one QoS 1 occurrence resent within this window give the same de-duplication key. */
const KEY_WINDOW_MS = 10 * 60_000;
const LOG_EVERY_MS = 10_000;

/** The message as the operator's view shows it: topic, then the payload's first bytes with the rest escaped. */
export function escapeRaw(topic: string, payload: Uint8Array): string {
  let out = '';
  for (const b of payload.subarray(0, RAW_BYTES)) {
    out +=
      b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  const more = payload.byteLength > RAW_BYTES ? `…(+${payload.byteLength - RAW_BYTES} bytes)` : '';
  return `${topic.slice(0, 120)} ${out}${more}`;
}

const sha = (...parts: Array<string | Uint8Array>) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\n');
  return h.digest('hex').slice(0, 24);
};

export function createMqttSource(
  config: MqttSourceConfig,
  ctx: SourceContext,
  options: MqttSourceOptions = {},
): MqttSource {
  const bootId = randomBytes(6).toString('hex');
  const sweepMs = options.sweepMs ?? 5000;
  const baseDir = options.baseDir ?? process.cwd();
  const parseOptions = { sets: config.topics, maxPayloadBytes: config.maxPayloadBytes };

  const health: LinkHealth = { state: 'stopped' };
  let lastMessageAt: number | undefined;
  const counts = { received: 0, committed: 0, refused: 0, errors: 0 };
  const refused = new RefusedLog(LAST_REFUSED);
  const devices = new Map<string, DeviceEntry>();
  let unknownDevices = 0;
  let seq = 0;
  let startedAt = 0;
  let stopping = false;
  const sleepers = new Set<() => void>();
  const lastLog = new Map<string, number>();

  let sweepTimer: NodeJS.Timeout | undefined;

  const logLimited = (level: 'info' | 'warn', what: string, fields: Record<string, unknown>) => {
    const now = Date.now();
    if ((lastLog.get(what) ?? 0) + LOG_EVERY_MS > now) return;
    lastLog.set(what, now);
    ctx.log[level](what, { source: config.id, ...fields });
  };

  const refuse = (code: RefusalCode, reason: string, topic: string, payload: Uint8Array) => {
    counts.refused++;
    refused.add({ at: ctx.now(), code, peer: topic, reason, raw: escapeRaw(topic, payload) });
    logLimited('info', 'mqtt message refused', { reason, topic: topic.slice(0, 120) });
  };

  const sleep = (ms: number) =>
    new Promise<void>((done) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        done();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  /** Commits the reports in order, retrying a refused commit until `retryUntil` (performance.now()). */
  async function commitAll(reports: SourceReport[], retryUntil: number): Promise<boolean> {
    for (const report of reports) {
      let backoff = 100;
      for (;;) {
        try {
          await ctx.sink.commit(report);
          counts.committed++;
          break;
        } catch (err) {
          counts.errors++;
          logLimited('warn', 'mqtt report not committed', { key: report.key, error: String(err) });
          const left = retryUntil - performance.now();
          if (stopping || left <= 0) return false;
          await sleep(Math.min(backoff, left));
          backoff = Math.min(backoff * 2, 2000);
          if (stopping) return false;
        }
      }
    }
    return true;
  }

  function entryOf(name: string): DeviceEntry {
    let entry = devices.get(name);
    if (!entry) {
      entry = { tail: Promise.resolve(), sweepQueued: false };
      devices.set(name, entry);
    }
    return entry;
  }

  /** One device's messages are interpreted and committed one after the other, in arrival order. */
  function onDevice<T>(name: string, work: (entry: DeviceEntry) => Promise<T>): Promise<T> {
    const e = entryOf(name);
    const run = e.tail.then(
      () => work(e),
      () => work(e),
    );
    e.tail = run.catch(() => undefined);
    return run;
  }

  const deviceId = (name: string) => `${config.id}:${name}`;

  function toReport(
    name: string,
    policy: DevicePolicy,
    draft: Draft,
    tag: string,
    from: {
      protocol: Protocol | 'supervision';
      topic?: string;
      at?: number;
      text?: string;
      /** The same in both languages (the sensor's own `text` has only the one the device sent). */
      words?: { text: string; texts: { 'zh-CN': string; en: string } };
      retained?: boolean;
    },
  ): SourceReport {
    const what = draft.type ?? draft.state ?? 'state';
    const label = policy.label ?? name;
    const origin: Record<string, string | number | boolean> = { protocol: from.protocol, cause: draft.cause };
    if (from.topic !== undefined) origin.topic = from.topic.slice(0, 200);
    if (from.retained) origin.retained = true;
    if (from.protocol === 'supervision') origin.supervisionSec = policy.supervisionSec;
    return {
      // Names and ids are escaped so that no ':' in them can make one report's key look like another's.
      key: `mqtt:${config.id}:${encodeURIComponent(name)}:${tag}:${draft.kind}:${what}:${draft.cause}`,
      device: {
        id: deviceId(name),
        kind: from.protocol === 'native' || from.protocol === 'zigbee2mqtt' ? 'sensor' : 'other',
        label,
      },
      kind: draft.kind,
      ...(draft.type ? { type: draft.type } : {}),
      ...(draft.state ? { state: draft.state } : {}),
      ...(policy.zone ? { zone: policy.zone } : {}),
      ...(policy.cameras.length ? { cameras: policy.cameras } : {}),
      ...(policy.position ? { location: policy.position } : {}),
      at: from.at ?? ctx.now(),
      // The device's own words when it sent some (a native message's `text`), else ours in both languages.
      ...(from.text !== undefined ? { text: from.text } : (from.words ?? sensorWords(label, draft))),
      origin,
    };
  }

  /** Stable across a QoS 1 resend of the same message (same sender, packet id and bytes); unique otherwise. */
  function messageTag(incoming: Incoming, msg: DeviceMessage, firstAt: number, n: number): string {
    if (msg.eventId) return `id:${encodeURIComponent(msg.eventId)}`;
    if (incoming.qos > 0 && incoming.messageId !== undefined && !incoming.will) {
      const window = String(Math.floor(firstAt / KEY_WINDOW_MS));
      return `m:${sha(incoming.peer, String(incoming.messageId), incoming.topic, incoming.payload, window)}`;
    }
    return `b:${bootId}:${n}`;
  }

  async function apply(
    incoming: Incoming,
    msg: DeviceMessage,
    policy: DevicePolicy,
    n: number,
  ): Promise<Outcome> {
    const firstAt = Date.now();
    const retryUntil = performance.now() + config.commitRetrySec * 1000;
    return onDevice(msg.device, async (entry) => {
      const result: Interpretation = interpret(entry.state, msg, policy, {
        retained: incoming.retain,
        stale: incoming.stale,
        will: incoming.will,
        now: ctx.now(),
      });
      for (const note of result.notes) refuse('ignored', note, incoming.topic, incoming.payload);
      const tag = messageTag(incoming, msg, firstAt, n);
      const reports = result.drafts.map((d) =>
        toReport(msg.device, policy, d, tag, {
          protocol: msg.protocol,
          topic: incoming.topic,
          at: msg.at,
          text: msg.text,
          retained: incoming.retain,
        }),
      );
      if (!(await commitAll(reports, retryUntil))) return 'nack';
      entry.state = result.next;
      return 'ack';
    });
  }

  /** Every message on the broker goes through here; nothing in it may throw to the broker or the client. */
  async function handle(incoming: Incoming): Promise<Outcome> {
    try {
      const parsed = parseMessage(incoming.topic, incoming.payload, parseOptions);
      if (parsed.kind === 'other') return 'ack';
      counts.received++;
      lastMessageAt = ctx.now();
      if (parsed.kind === 'ignored') return 'ack';
      if (parsed.kind === 'refused') {
        refuse(parsed.tooLarge ? 'too_large' : 'malformed', parsed.reason, incoming.topic, incoming.payload);
        return 'ack';
      }
      const msg = parsed.message;
      const policy = devicePolicy(config, msg.device);
      if (!policy.configured && !devices.has(msg.device)) {
        if (config.unknownDevices === 'refuse') {
          refuse(
            'unknown_sender',
            `device ${msg.device} is not in the site file`,
            incoming.topic,
            incoming.payload,
          );
          return 'ack';
        }
        if (unknownDevices >= config.maxUnknownDevices) {
          refuse(
            'over_capacity',
            `more than ${config.maxUnknownDevices} unlisted devices`,
            incoming.topic,
            incoming.payload,
          );
          return 'ack';
        }
        unknownDevices++;
        entryOf(msg.device);
      }
      if (msg.problems.length) refuse('ignored', msg.problems.join('; '), incoming.topic, incoming.payload);
      return await apply(incoming, msg, policy, seq++);
    } catch (err) {
      counts.errors++;
      logLimited('warn', 'mqtt message failed', { error: String(err), topic: incoming.topic.slice(0, 120) });
      return 'ack';
    }
  }

  function sweep(): void {
    if (stopping) return;
    for (const name of Object.keys(config.devices)) {
      const policy = devicePolicy(config, name);
      if (policy.supervisionSec <= 0) continue;
      const entry = entryOf(name);
      if (entry.sweepQueued || !supervise(entry.state, policy, ctx.now(), startedAt)) continue;
      entry.sweepQueued = true;
      const n = seq++;
      void onDevice(name, async (e) => {
        try {
          const result = supervise(e.state, policy, ctx.now(), startedAt);
          if (!result) return;
          const reports = result.drafts.map((d) =>
            toReport(name, policy, d, `s:${bootId}:${n}`, {
              protocol: 'supervision',
              words: silenceWords(policy.label ?? name, policy.supervisionSec),
            }),
          );
          if (await commitAll(reports, performance.now() + config.commitRetrySec * 1000))
            e.state = result.next;
        } finally {
          e.sweepQueued = false;
        }
      }).catch(() => undefined);
    }
  }

  const link = createBrokerLink(config, {
    handle,
    health,
    counts,
    log: ctx.log,
    logLimited,
    stopping: () => stopping,
    baseDir,
  });
  return {
    id: config.id,
    kind: 'mqtt',

    async start() {
      if (health.state !== 'stopped' && health.state !== 'failed') return;
      stopping = false;
      health.error = undefined;
      startedAt = ctx.now();
      health.state = 'starting';
      try {
        await link.start();
      } catch (err) {
        health.state = 'failed';
        health.error = (err as Error).message;
        health.problem = problemOf(err);
        await link.closeAll().catch(() => undefined);
        throw err;
      }
      sweepTimer = setInterval(sweep, sweepMs);
      sweepTimer.unref();
      ctx.log.info('mqtt source started', { source: config.id, endpoint: link.endpoint() });
    },

    async stop() {
      stopping = true;
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = undefined;
      for (const wake of [...sleepers]) wake();
      await link.stop();
      health.state = 'stopped';
    },

    status(): SourceStatus {
      return sourceStatus({
        id: config.id,
        kind: 'mqtt',
        ...health,
        endpoint: link.endpoint(),
        peers: link.peers(),
        lastMessageAt,
        counts,
        refused,
      });
    },

    ports: () => link.ports(),
  };
}
