/**
 * The MQTT sensor source: the hub's own broker (aedes on TCP, optionally WebSocket and TLS) or a client of an
 * external broker (Mosquitto, EMQX) with a persistent session. Every message on its topics is read by
 * payloads.ts; what it changes is committed to the hub's log before the sender gets its acknowledgement, where
 * the library lets the source hold it (README.md in this folder says exactly what holds, and where it does not).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions, type Client as AedesClient, type PublishPacket } from 'aedes';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { RefusalCode, SourceProblem } from '../../../../shared/contract';
import { problemOf, RefusedLog } from '../source';
import type { Source, SourceContext, SourceReport, SourceStatus } from '../source';
import { sensorWords, silenceWords } from './words';
import { devicePolicy, type DevicePolicy, type MqttSourceConfig } from './config';
import { createFrameGuard } from './frame-guard';
import {
  interpret,
  parseMessage,
  subscriptions,
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

/** One MQTT message as the source handles it, whichever broker it came through. */
interface Incoming {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  messageId?: number;
  /** The sending client's id (embedded broker) or this hub's session (external broker). */
  peer: string;
  will: boolean;
  /** A retained message from an external broker: possibly a copy it stored long ago. */
  stale: boolean;
}

type Outcome = 'ack' | 'nack';

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

function sameSecret(given: Buffer | undefined, expected: string): boolean {
  if (!given) return false;
  return timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );
}

export function createMqttSource(
  config: MqttSourceConfig,
  ctx: SourceContext,
  options: MqttSourceOptions = {},
): MqttSource {
  const bootId = randomBytes(6).toString('hex');
  const sweepMs = options.sweepMs ?? 5000;
  const baseDir = options.baseDir ?? process.cwd();
  const parseOptions = { sets: config.topics, maxPayloadBytes: config.maxPayloadBytes };

  let state: SourceStatus['state'] = 'stopped';
  let error: string | undefined;
  let problem: SourceProblem | undefined;
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

  let broker: Aedes | undefined;
  const servers: Array<NetServer | HttpServer> = [];
  const streams = new Set<Duplex>();
  let bound: { mqtt: number; websocket?: number; tls?: number } | undefined;
  let client: MqttClient | undefined;
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

  // ------------------------------------------------------------------------------------------------------------
  // The embedded broker.

  function toIncoming(
    packet: PublishPacket | IPublishPacket,
    peer: string,
    how: { will: boolean; external: boolean },
  ): Incoming {
    const payload = Buffer.isBuffer(packet.payload)
      ? packet.payload
      : Buffer.from(String(packet.payload ?? ''));
    return {
      topic: String(packet.topic),
      payload,
      qos: packet.qos ?? 0,
      retain: packet.retain === true,
      ...(packet.messageId !== undefined ? { messageId: packet.messageId } : {}),
      peer,
      will: how.will,
      stale: how.external && packet.retain === true,
    };
  }

  async function startEmbedded(b: Extract<MqttSourceConfig['broker'], { mode: 'embedded' }>): Promise<void> {
    const aedesOptions: AedesOptions = {
      id: `site-hub-${config.id}`,
      connectTimeout: 10_000,
      drainTimeout: 10_000,
      authorizePublish: (
        c: AedesClient | null,
        packet: PublishPacket,
        callback: (error?: Error | null) => void,
      ) => {
        // The broker's own publishes ($SYS, stale wills of a cluster) have no client: not from a sensor.
        if (!c) return callback(null);
        // As aedes's own default: clients may not pose as the broker.
        if (packet.topic.startsWith('$SYS')) return callback(new Error("$SYS topics are the broker's"));
        // During the client's close, aedes authorizes its Last Will while it still holds it as `client.will`.
        const will = (c as AedesClient & { will?: unknown }).will === packet;
        handle(toIncoming(packet, c.id, { will, external: false })).then(
          (outcome) => callback(outcome === 'ack' ? null : new Error('not committed to the hub log')),
          () => callback(null),
        );
      },
    };
    const users = b.users;
    if (users?.length) {
      aedesOptions.authenticate = (_c, username, password, done) => {
        const user = users.find((u) => u.username === username);
        const ok = user !== undefined && sameSecret(password, user.password);
        if (ok) return done(null, true);
        const err = Object.assign(new Error('bad username or password'), { returnCode: 4 as const });
        done(err, null);
      };
    }
    const aedes = new Aedes(aedesOptions);
    broker = aedes;
    aedes.on('clientError', (c, err) =>
      logLimited('info', 'mqtt client error', { client: c?.id, error: err.message }),
    );
    aedes.on('connectionError', (_c, err) =>
      logLimited('info', 'mqtt connection error', { error: err.message }),
    );
    await aedes.listen();

    const attach = (stream: Duplex) => {
      streams.add(stream);
      stream.once('close', () => streams.delete(stream));
      aedes.handle(stream);
      const guard = createFrameGuard(b.maxPacketBytes);
      // aedes reads with read(), which also emits 'data': the guard sees every byte without taking any.
      stream.on('data', (chunk: Buffer) => {
        const bad = guard(chunk);
        if (bad) {
          logLimited('info', 'mqtt connection closed', { reason: bad });
          stream.destroy();
        }
      });
    };
    const onSocket = (socket: Socket) => {
      socket.setNoDelay(true);
      attach(socket);
    };
    const listen = (server: NetServer | HttpServer, port: number) =>
      new Promise<number>((ok, fail) => {
        server.once('error', fail);
        server.listen(port, b.host, () => {
          server.off('error', fail);
          server.on('error', (err) => {
            counts.errors++;
            error = err.message;
            problem = problemOf(err);
          });
          const address = server.address();
          ok(typeof address === 'object' && address ? address.port : port);
        });
      });

    const tcp = createNetServer(onSocket);
    tcp.maxConnections = b.maxClients;
    servers.push(tcp);
    bound = { mqtt: await listen(tcp, b.port) };

    if (b.websocketPort !== undefined) {
      const http = createHttpServer((_req, res) => {
        res.writeHead(426).end();
      });
      http.maxConnections = b.maxClients;
      const wss = new WebSocketServer({ server: http, maxPayload: b.maxPacketBytes });
      wss.on('connection', (ws) => {
        const stream = createWebSocketStream(ws);
        stream.on('error', () => undefined);
        attach(stream);
      });
      servers.push(http);
      bound.websocket = await listen(http, b.websocketPort);
    }
    if (b.tls) {
      const tls = createTlsServer(
        {
          cert: readFileSync(resolve(baseDir, b.tls.cert)),
          key: readFileSync(resolve(baseDir, b.tls.key)),
          ...(b.tls.ca ? { ca: readFileSync(resolve(baseDir, b.tls.ca)) } : {}),
        },
        onSocket,
      );
      tls.maxConnections = b.maxClients;
      tls.on('tlsClientError', () => undefined);
      servers.push(tls);
      bound.tls = await listen(tls, b.tls.port);
    }
    state = 'listening';
  }

  // ------------------------------------------------------------------------------------------------------------
  // A client of an external broker.

  function startExternal(b: Extract<MqttSourceConfig['broker'], { mode: 'external' }>): void {
    const clientId = b.clientId ?? `site-hub-${config.id}`;
    const opts: IClientOptions = {
      clientId,
      clean: false,
      protocolVersion: b.protocolVersion,
      keepalive: b.keepaliveSec,
      reconnectPeriod: b.reconnectMs,
      connectTimeout: 10_000,
      // Subscriptions live in the broker's session; they are made again only when it has none.
      resubscribe: false,
      ...(b.username !== undefined ? { username: b.username } : {}),
      ...(b.password !== undefined ? { password: b.password } : {}),
      ...(b.ca ? { ca: readFileSync(resolve(baseDir, b.ca)) } : {}),
      ...(b.protocolVersion === 5 ? { properties: { sessionExpiryInterval: b.sessionExpirySec } } : {}),
    };
    const c = connect(b.url, opts);
    client = c;
    state = 'starting';
    // The PUBACK of a QoS 1 message goes out when this calls back without an error (mqtt.js handlePublish).
    c.handleMessage = (packet, done) => {
      handle(toIncoming(packet, clientId, { will: false, external: true })).then(
        (outcome) => {
          if (outcome === 'ack') return done();
          // No PUBACK, and a new connection: the broker sends the message again when the session resumes.
          c.stream?.destroy();
          done(new Error('not committed to the hub log'));
        },
        () => done(),
      );
    };
    // Whether the broker's session for this client id holds the subscriptions (it may exist without them when
    // a first SUBSCRIBE was cut off).
    let subscribed = false;
    c.on('connect', (connack) => {
      error = undefined;
      if (!connack.sessionPresent) subscribed = false;
      if (subscribed) {
        state = 'connected';
        return;
      }
      // MQTT 5 "retain as published": a retained publish stays marked as one, as the embedded broker sees it.
      const subscribeOptions = b.protocolVersion === 5 ? { qos: 1 as const, rap: true } : { qos: 1 as const };
      c.subscribe(subscriptions(config.topics), subscribeOptions, (err) => {
        if (!err) {
          subscribed = true;
          state = 'connected';
          return;
        }
        counts.errors++;
        error = `subscribe: ${err.message}`;
        problem = problemOf(err);
        ctx.log.error('mqtt subscribe failed', { source: config.id, error: err.message });
      });
    });
    c.on('close', () => {
      if (!stopping) state = 'degraded';
    });
    c.on('error', (err) => {
      counts.errors++;
      error = err.message;
      problem = problemOf(err);
      logLimited('warn', 'mqtt broker error', { error: err.message });
    });
  }

  function endpoint(): string | undefined {
    const b = config.broker;
    if (b.mode === 'external') {
      try {
        const u = new URL(b.url);
        u.username = '';
        u.password = '';
        return u.toString().replace(/\/$/, '');
      } catch {
        return undefined;
      }
    }
    if (!bound) return undefined;
    const host = b.host.includes(':') ? `[${b.host}]` : b.host;
    const parts = [`mqtt://${host}:${bound.mqtt}`];
    if (bound.websocket !== undefined) parts.push(`ws://${host}:${bound.websocket}`);
    if (bound.tls !== undefined) parts.push(`mqtts://${host}:${bound.tls}`);
    return parts.join(', ');
  }

  async function closeAll(): Promise<void> {
    for (const s of streams) s.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((done) => s.close(() => done()))));
    servers.length = 0;
    if (broker) {
      const b = broker;
      broker = undefined;
      await new Promise<void>((done) => b.close(() => done()));
    }
  }

  return {
    id: config.id,
    kind: 'mqtt',

    async start() {
      if (state !== 'stopped' && state !== 'failed') return;
      stopping = false;
      error = undefined;
      startedAt = ctx.now();
      state = 'starting';
      try {
        if (config.broker.mode === 'embedded') await startEmbedded(config.broker);
        else startExternal(config.broker);
      } catch (err) {
        state = 'failed';
        error = (err as Error).message;
        problem = problemOf(err);
        await closeAll().catch(() => undefined);
        throw err;
      }
      sweepTimer = setInterval(sweep, sweepMs);
      sweepTimer.unref();
      ctx.log.info('mqtt source started', { source: config.id, endpoint: endpoint() });
    },

    async stop() {
      stopping = true;
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = undefined;
      for (const wake of [...sleepers]) wake();
      if (client) {
        const c = client;
        client = undefined;
        await new Promise<void>((done) => c.end(true, {}, () => done()));
      }
      await closeAll();
      state = 'stopped';
    },

    status(): SourceStatus {
      const peers = broker ? broker.connectedClients : client?.connected ? 1 : 0;
      return {
        id: config.id,
        kind: 'mqtt',
        state,
        ...(endpoint() !== undefined ? { endpoint: endpoint() } : {}),
        peers,
        ...(lastMessageAt !== undefined ? { lastMessageAt } : {}),
        counts: { ...counts },
        lastRefused: refused.list(),
        ...(error !== undefined ? { error, problem: problem ?? 'other' } : {}),
      };
    },

    ports() {
      return bound ? { ...bound } : undefined;
    },
  };
}
