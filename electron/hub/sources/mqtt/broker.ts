/**
 * The MQTT source's connection to its broker: the hub's own (aedes on TCP, optionally WebSocket and TLS, with
 * users and a byte bound per connection) or a client of an external broker with a persistent session. Either way
 * every PUBLISH is handed to `handle`, and the sender's acknowledgement waits on its outcome where the library
 * lets it (README.md in this folder says where it does not).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions, type Client as AedesClient, type PublishPacket } from 'aedes';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { SourceProblem } from '../../../../shared/contract';
import { problemOf, type SourceLog, type SourceStatus } from '../source';
import type { MqttSourceConfig } from './config';
import { createFrameGuard } from './frame-guard';
import { subscriptions } from './payloads';

/** One MQTT message as the source handles it, whichever broker it came through. */
export interface Incoming {
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

export type Outcome = 'ack' | 'nack';

/** What the status shows of the link, written by the broker side and the source alike. */
export interface LinkHealth {
  state: SourceStatus['state'];
  error?: string | undefined;
  problem?: SourceProblem | undefined;
}

export interface BrokerDeps {
  /** Every message on the broker goes through here; it never rejects. */
  handle(incoming: Incoming): Promise<Outcome>;
  health: LinkHealth;
  counts: { errors: number };
  log: SourceLog;
  logLimited(level: 'info' | 'warn', what: string, fields: Record<string, unknown>): void;
  /** The source is stopping: a closed link is not a fault. */
  stopping(): boolean;
  /** The site file's folder: TLS and CA paths are relative to it. */
  baseDir: string;
}

export interface BrokerLink {
  start(): Promise<void>;
  /** Ends the client's session politely, then closes the embedded broker and its servers. */
  stop(): Promise<void>;
  /** Closes the embedded broker and its servers (a failed start). */
  closeAll(): Promise<void>;
  endpoint(): string | undefined;
  peers(): number;
  ports(): { mqtt: number; websocket?: number; tls?: number } | undefined;
}

function sameSecret(given: Buffer | undefined, expected: string): boolean {
  if (!given) return false;
  return timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );
}

export function createBrokerLink(config: MqttSourceConfig, deps: BrokerDeps): BrokerLink {
  const { handle, health, counts, logLimited, baseDir } = deps;
  let broker: Aedes | undefined;
  const servers: Array<NetServer | HttpServer> = [];
  const streams = new Set<Duplex>();
  let bound: { mqtt: number; websocket?: number; tls?: number } | undefined;
  let client: MqttClient | undefined;

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
            health.error = err.message;
            health.problem = problemOf(err);
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
    health.state = 'listening';
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
    health.state = 'starting';
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
      health.error = undefined;
      if (!connack.sessionPresent) subscribed = false;
      if (subscribed) {
        health.state = 'connected';
        return;
      }
      // MQTT 5 "retain as published": a retained publish stays marked as one, as the embedded broker sees it.
      const subscribeOptions = b.protocolVersion === 5 ? { qos: 1 as const, rap: true } : { qos: 1 as const };
      c.subscribe(subscriptions(config.topics), subscribeOptions, (err) => {
        if (!err) {
          subscribed = true;
          health.state = 'connected';
          return;
        }
        counts.errors++;
        health.error = `subscribe: ${err.message}`;
        health.problem = problemOf(err);
        deps.log.error('mqtt subscribe failed', { source: config.id, error: err.message });
      });
    });
    c.on('close', () => {
      if (!deps.stopping()) health.state = 'degraded';
    });
    c.on('error', (err) => {
      counts.errors++;
      health.error = err.message;
      health.problem = problemOf(err);
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
    async start() {
      if (config.broker.mode === 'embedded') await startEmbedded(config.broker);
      else startExternal(config.broker);
    },
    async stop() {
      if (client) {
        const c = client;
        client = undefined;
        await new Promise<void>((done) => c.end(true, {}, () => done()));
      }
      await closeAll();
    },
    closeAll,
    endpoint,
    peers: () => (broker ? broker.connectedClients : client?.connected ? 1 : 0),
    ports: () => (bound ? { ...bound } : undefined),
  };
}
