import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { Server, type Socket } from 'socket.io';
import {
  AUDIT_ANCHOR_ACTION,
  AuditAnchor,
  describeIssues,
  HUB_MAX_MESSAGE_BYTES,
  HUB_MESSAGES,
  HubAction,
  HubEventBody,
  HubSyncRequest,
  isUrgentEvent,
  type HubEvent,
  type HubSourceStatus,
} from '../../shared/contract';
import { AckLedger } from './acks';
import { sendBatches, sendEach, type BatchLane } from './batches';
import { admitConsole, type ConsoleSocketData } from './console-socket';
import { Fanout } from './fanout';
import { GroupCommit } from './group-commit';
import { HubMetrics } from './metrics';
import { answerMonitoring, type Monitored } from './monitoring';
import { openHubStore, type HubStore, type HubWriter } from './storage';
import { sendUrgent, type UrgentLane } from './urgent-lane';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/log';

export interface SiteHubOptions {
  /**
   * The hub's storage: a SQLite file path (or ':memory:'), or a `postgres://user@host:port/db` URL (storage.ts).
   */
  dbFile: string;
  /** A token every console may present (the embedded hub's, the demo's); per-console tokens live in the hub's DB. */
  token?: string | undefined;
  /** More tokens from the hub's config file. */
  tokens?: readonly string[] | undefined;
  /** PEM certificate and key (file paths): the hub then serves https/wss only. */
  tls?: { cert: string; key: string } | undefined;
  clock: Clock;
  log: Logger;
  host?: string;
  port?: number;
  /** socket.io heartbeat; with these defaults a dead console is noticed within 8 s. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** How long the pump waits for a console's ack of an event (default 15 s). */
  eventAckTimeoutMs?: number;
  /** Events sent to one console and not yet acknowledged, at most (default 256). */
  window?: number;
  /** The equipment sources' state, for the `sources` message and /health. */
  sources?: () => HubSourceStatus[];
  /** Whether the equipment's sources have been started (/readyz); a hub without any is ready once listening. */
  sourcesStarted?: () => boolean;
  /** Called for each newly applied console action (the demo's guards follow dispatch orders). */
  onAction?(consoleId: string, action: HubAction): void;
  /**
   * This instance's name among several on one PostgreSQL database (fanout.ts): in /readyz, /metrics, the log and
   * the `sync` answer (the console's hub status shows it). Default: the host name and the port.
   */
  instance?: string | undefined;
  /** (PostgreSQL) How often the log's head is read in case a fan-out notification was lost (default 2 s). */
  fanoutPollMs?: number | undefined;
}

/** A row of the hub's log as the pump reads it. */
export interface LogRow {
  seq: number;
  kind: string;
  at: number;
  body: string;
}

/** Adds events to the log inside a transaction; returns the sequence given. */
export type Append = (body: HubEventBody) => Promise<number>;
/** Adds several, in order, in as few statements as the engine allows; returns their sequences. */
export type AppendAll = (bodies: readonly HubEventBody[]) => Promise<number[]>;

/** The most events one group commit of `publish` appends. */
const PUBLISH_GROUP_MAX = 1000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A faithful site hub on loopback: the console talks to it exactly as to the property platform's hub.
 * Persisted event log with gap-free sequence numbers, replay from any sequence, actions applied at most
 * once per key, and fan-out of applied actions to every console.
 */
export class SiteHub {
  private store!: HubStore;
  private acks!: AckLedger;
  private metrics!: HubMetrics;
  private http!: HttpServer;
  private io!: Server;
  private port = 0;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly startedAt = Date.now();
  private tokenHashes = new Set<string>();
  /** (PostgreSQL) The other instances on the same database hear of this one's commits, and it of theirs. */
  private fanout: Fanout | undefined;

  constructor(private readonly o: SiteHubOptions) {}

  /** This instance's name (the option, else host:port once listening). */
  get instance(): string {
    return this.o.instance ?? `${hostname()}:${this.port}`.slice(0, 64);
  }

  /** What the ordered stream needs of this hub (batches.ts). */
  private get batchLane(): BatchLane {
    return {
      ackTimeoutMs: this.o.eventAckTimeoutMs ?? 15_000,
      window: this.o.window ?? 256,
      log: this.o.log,
      record: (consoleId, seq) => this.acks.record(consoleId, seq),
      pump: (socket) => void this.pump(socket),
    };
  }

  /** The urgent lane's view of this hub (urgent-lane.ts). */
  private get urgentLane(): UrgentLane {
    return {
      db: this.store.db,
      ackTimeoutMs: this.o.eventAckTimeoutMs ?? 15_000,
      log: this.o.log,
      urgentHead: this.urgentHead,
    };
  }

  /**
   * The highest urgent event appended (read at start, raised by every urgent append, also one whose transaction
   * is then rolled back: that costs one look at the log, nothing more). The pump asks the lane before every
   * ordered batch, for every ack: without this the lane queried the log each time, nearly always for nothing.
   */
  private urgentHead = 0;

  get url(): string {
    return `${this.o.tls ? 'https' : 'http'}://${this.o.host ?? '127.0.0.1'}:${this.port}`;
  }

  /** The hub's database, for reads of the tables the hub keeps in it (the device registry, tests). */
  get database(): Knex {
    return this.store.db;
  }

  /** Which engine keeps the log (`sqlite` or `postgres`). */
  get engine(): HubStore['engine'] {
    return this.store.engine;
  }

  async start(): Promise<string> {
    this.store = openHubStore(this.o.dbFile, this.o.log);
    try {
      await this.store.migrate();
    } catch (err) {
      await this.store.close();
      throw new Error(
        `the hub's database (${this.store.target}) could not be opened: ${(err as Error).message}`,
      );
    }
    this.acks = new AckLedger(this.store, this.o.clock, this.o.log);
    this.metrics = new HubMetrics({
      engine: this.store.engine,
      consoles: () => this.consoleStates(),
      headSeq: () => this.headSeq(),
      pendingAcks: () => this.acks.pending(),
      writeQueue: () => this.published.waitingCount,
      sources: () => this.o.sources?.() ?? [],
      instance: () => this.instance,
      instances: () => this.fanout?.instances() ?? Promise.resolve(1),
    });
    this.urgentHead = await this.urgentAbove(0);
    await this.reloadTokens();
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.http1(req, res);
    this.http = this.o.tls
      ? createHttpsServer({ cert: readFileSync(this.o.tls.cert), key: readFileSync(this.o.tls.key) }, handler)
      : createServer(handler);
    this.io = new Server(this.http, {
      pingInterval: this.o.pingIntervalMs ?? 4000,
      pingTimeout: this.o.pingTimeoutMs ?? 4000,
      maxHttpBufferSize: HUB_MAX_MESSAGE_BYTES,
      serveClient: false,
    });
    this.io.use((socket, next) => {
      const admitted = admitConsole(socket.handshake.auth, (token) => this.knowsToken(token));
      if (admitted instanceof Error) return next(admitted);
      socket.data = admitted;
      next();
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
    if (this.store.engine === 'postgres') {
      this.fanout = new Fanout({
        url: this.o.dbFile,
        io: this.io,
        instance: () => this.instance,
        log: this.o.log.child('fanout'),
        pollMs: this.o.fanoutPollMs,
        readHead: async (after) => ({ seq: await this.headSeq(), urgent: await this.urgentAbove(after) }),
        onMoved: (head, by) => {
          this.urgentHead = Math.max(this.urgentHead, head.urgent);
          this.metrics.wokenBy(by);
          this.kickAll();
        },
      });
      this.fanout.start(await this.headSeq(), this.urgentHead);
    }
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', () => resolve());
    });
    this.port = (this.http.address() as AddressInfo).port;
    this.o.log.info('site hub listening', { url: this.url, instance: this.instance });
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.io) return;
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
    await this.fanout?.close();
    await this.writes.catch(() => undefined);
    await this.acks.close();
    await this.store.close();
  }

  /**
   * Appends an event to the log and streams it to every synced console. Events published while a write is under
   * way are appended together in the next one (one fsync for the group): a scenario or a webhook burst is
   * written as fast as the disk commits groups, not one commit per event, and reaches the consoles in groups
   * that they commit as groups in turn.
   */
  publish(body: HubEventBody): Promise<HubEvent> {
    let parsed: HubEventBody;
    try {
      parsed = HubEventBody.parse(body);
    } catch (err) {
      // A bad body is refused alone, as a rejection (callers that `.catch` still catch it).
      return Promise.reject(err as Error);
    }
    return this.published.submit(parsed);
  }

  private readonly published = new GroupCommit<HubEventBody, HubEvent>(
    (group) =>
      this.transact(async (_w, _append, appendAll) => {
        const at = this.o.clock.now();
        const seqs = await appendAll(group);
        return group.map((parsed, i) => ({ seq: seqs[i]!, at, ...parsed }) as HubEvent);
      }),
    PUBLISH_GROUP_MAX,
  );

  /**
   * Runs `work` in one transaction, after the writes before it: whatever it appends is committed together (one
   * fsync for a source's whole batch) and then streamed to the consoles.
   */
  transact<T>(work: (w: HubWriter, append: Append, appendAll: AppendAll) => Promise<T>): Promise<T> {
    let appended = 0;
    let top = 0;
    const run = this.writes.then(() =>
      this.store.write(async (w) => {
        appended = 0;
        top = 0;
        const append: Append = async (body) => {
          const parsed = HubEventBody.parse(body);
          const urgent = isUrgentEvent(parsed);
          const seq = await w.append(
            parsed.kind,
            this.o.clock.now(),
            JSON.stringify(parsed.data),
            // Marked once, when appended: the pump finds what must overtake a backlog by this flag alone.
            urgent,
          );
          if (urgent) this.urgentHead = Math.max(this.urgentHead, seq);
          appended++;
          top = Math.max(top, seq);
          return seq;
        };
        const appendAll: AppendAll = async (bodies) => {
          const at = this.o.clock.now();
          const rows = bodies.map((body) => {
            const parsed = HubEventBody.parse(body);
            return {
              kind: parsed.kind,
              at,
              body: JSON.stringify(parsed.data),
              urgent: isUrgentEvent(parsed),
            };
          });
          const seqs = await w.appendMany(rows);
          rows.forEach((r, i) => {
            if (r.urgent) this.urgentHead = Math.max(this.urgentHead, seqs[i]!);
          });
          appended += rows.length;
          // In order, the last the highest (no spread: an equipment batch may be long).
          top = Math.max(top, seqs.at(-1) ?? 0);
          return seqs;
        };
        return work(w, append, appendAll);
      }),
    );
    this.writes = run.catch(() => undefined);
    return run.then((r) => {
      this.committed(appended, top);
      return r;
    });
  }

  /** Reads the per-console tokens again (after the CLI issued or revoked one); a revoked one's consoles go. */
  async reloadTokens(): Promise<void> {
    const rows = (await this.store.db('hub_tokens').whereNull('revoked_at').select('hash')) as {
      hash: string;
    }[];
    this.tokenHashes = new Set(rows.map((r) => r.hash));
    if (!this.io) return;
    for (const socket of this.io.sockets.sockets.values()) {
      const { token } = socket.data as ConsoleSocketData;
      if (!this.knowsToken(token)) {
        this.o.log.warn('console token revoked: disconnected', {
          consoleId: (socket.data as ConsoleSocketData).consoleId,
        });
        socket.disconnect(true);
      }
    }
  }

  private knowsToken(token: string): boolean {
    if (this.o.token !== undefined && token === this.o.token) return true;
    if (this.o.tokens?.includes(token)) return true;
    return this.tokenHashes.has(hashToken(token));
  }

  /** The monitoring endpoints (monitoring.ts); everything else is socket.io's or a 404. */
  private async http1(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await answerMonitoring(req, res, this.monitored)) return;
    if (!res.headersSent && !res.writableEnded) res.writeHead(404).end();
  }

  /** What the monitoring endpoints read of this hub. */
  private readonly monitored: Monitored = {
    ping: () => this.store.ping(),
    engine: () => this.store.engine,
    sourcesStarted: () => this.o.sourcesStarted?.() ?? true,
    metrics: () => this.metrics,
    log: () => this.o.log,
    headSeq: () => this.headSeq(),
    uptimeSec: () => Math.round((Date.now() - this.startedAt) / 1000),
    consoles: () => (this.io ? this.connectedConsoles().length : 0),
    sources: () => this.o.sources?.() ?? [],
    instance: () => this.instance,
    instances: () => this.fanout?.instances() ?? Promise.resolve(1),
  };

  async headSeq(): Promise<number> {
    const row = (await this.store.db('hub_log').max({ seq: 'seq' }).first()) as
      { seq: number | null } | undefined;
    return row?.seq ?? 0;
  }

  /** The highest urgent sequence above `after` (0: none): at start, and what another instance appended since. */
  private async urgentAbove(after: number): Promise<number> {
    const row = (await this.store
      .db('hub_log')
      .where('urgent', 1)
      .andWhere('seq', '>', after)
      .max({ seq: 'seq' })
      .first()) as { seq: number | null } | undefined;
    return row?.seq ?? 0;
  }

  async countEvents(kind: HubEventBody['kind']): Promise<number> {
    const row = (await this.store.db('hub_log').where({ kind }).count({ n: '*' }).first()) as
      { n: number } | undefined;
    return Number(row?.n ?? 0);
  }

  /** Actions applied, oldest first (tests and the chaos run read this). */
  async appliedActions(): Promise<{ key: string; consoleId: string; type: string; payload: unknown }[]> {
    const rows = (await this.store.db('hub_actions').orderBy('applied_seq')) as {
      key: string;
      console_id: string;
      type: string;
      payload: string;
    }[];
    return rows.map((r) => ({
      key: r.key,
      consoleId: r.console_id,
      type: r.type,
      payload: JSON.parse(r.payload),
    }));
  }

  /**
   * The audit anchors a console sent, oldest first. They are stored like every action (`hub_actions`, by key,
   * at most once); this is the hub's copy of the console's audit chain head, out of the console's reach.
   */
  async auditAnchors(consoleId: string): Promise<AuditAnchor[]> {
    const rows = (await this.store
      .db('hub_actions')
      .where({ type: AUDIT_ANCHOR_ACTION, console_id: consoleId })
      .orderBy('applied_seq')
      .select('payload')) as { payload: string }[];
    return rows.flatMap((r) => {
      const parsed = AuditAnchor.safeParse(JSON.parse(r.payload));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** The highest sequence each console has acknowledged as committed. */
  ackedSeq(consoleId: string): Promise<number> {
    return this.acks.acked(consoleId);
  }

  /** Each connected console's place in the stream, for /metrics (bounded: the first 1,000). */
  private consoleStates(): { consoleId: string; cursor: number; inFlight: number }[] {
    if (!this.io) return [];
    const out: { consoleId: string; cursor: number; inFlight: number }[] = [];
    for (const socket of this.io.sockets.sockets.values()) {
      if (out.length >= 1000) break;
      const d = socket.data as ConsoleSocketData;
      out.push({ consoleId: d.consoleId, cursor: d.cursor, inFlight: d.inFlight + d.urgentInFlight });
    }
    return out;
  }

  connectedConsoles(): string[] {
    return [...this.io.sockets.sockets.values()].map((s) => (s.data as ConsoleSocketData).consoleId);
  }

  /** Drops every console connection (they reconnect by themselves). */
  disconnectAll(): void {
    this.io.disconnectSockets(true);
  }

  private onConnection(socket: Socket): void {
    const data = socket.data as ConsoleSocketData;
    this.o.log.info('console connected', { consoleId: data.consoleId });
    socket.on(HUB_MESSAGES.ping, (ack?: (r: unknown) => void) => {
      if (typeof ack === 'function') ack({ ok: true, at: this.o.clock.now() });
    });
    socket.on(HUB_MESSAGES.sources, (...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      (ack as (r: unknown) => void)({ ok: true, sources: (this.o.sources?.() ?? []).slice(0, 64) });
    });
    socket.on(HUB_MESSAGES.sync, async (raw: unknown, ack?: (r: unknown) => void) => {
      if (typeof ack !== 'function') return;
      const req = HubSyncRequest.safeParse(raw);
      if (!req.success) return ack({ ok: false, error: describeIssues(req.error) });
      data.cursor = req.data.afterSeq;
      data.urgentSent = req.data.afterSeq;
      data.synced = true;
      // The instance's name: the console's hub status shows which of several it is on.
      ack({ ok: true, headSeq: await this.headSeq(), instance: this.instance });
      void this.pump(socket);
    });
    socket.on(HUB_MESSAGES.action, (raw: unknown, ack?: (r: unknown) => void) => {
      if (typeof ack !== 'function') return;
      const action = HubAction.safeParse(raw);
      if (!action.success)
        return ack({ ok: false, error: `invalid action: ${describeIssues(action.error)}` });
      void this.apply(data.consoleId, action.data).then(ack, (err: Error) => {
        this.o.log.error('applying an action failed', { key: action.data.key, error: err.message });
        ack({ ok: false, error: `the hub could not store the action: ${err.message}`, retryable: true });
      });
    });
  }

  private apply(consoleId: string, action: HubAction): Promise<{ ok: true; duplicate: boolean }> {
    const run = this.writes.then(() =>
      this.store.write(async (w) => {
        const at = this.o.clock.now();
        // The key first: a duplicate (also one another hub on the same PostgreSQL is writing now) stops here.
        const claimed = await w.claimAction({
          key: action.key,
          consoleId,
          type: action.type,
          payload: JSON.stringify(action.payload ?? null),
          appliedAt: at,
        });
        if (!claimed) return { ok: true as const, duplicate: true, seq: 0 };
        const body = {
          key: action.key,
          consoleId,
          type: action.type,
          payload: action.payload,
          appliedAt: at,
        };
        const seq = await w.append('action.applied', at, JSON.stringify(body), false);
        await w.setActionSeq(action.key, seq);
        return { ok: true as const, duplicate: false, seq };
      }),
    );
    this.writes = run.catch(() => undefined);
    return run.then(({ seq, ...r }) => {
      if (!r.duplicate) {
        this.committed(1, seq);
        this.o.onAction?.(consoleId, action);
      }
      return r;
    });
  }

  /** After a commit of `n` events up to `top`: counted, this instance's pumps woken, the other instances told. */
  private committed(n: number, top: number): void {
    this.metrics.committed(n);
    this.kickAll();
    if (top > 0) this.fanout?.announce(top, this.urgentHead);
  }

  private kickAll(): void {
    for (const socket of this.io.sockets.sockets.values()) void this.pump(socket);
  }

  /**
   * Streams the log from the socket's cursor, pipelined: up to `window` events in flight, each acknowledged on its
   * own, or (version 5) in `events` messages acknowledged once each (the console commits them in groups as they
   * arrive). After a reconnect the console's sync says where it stands, and the stream carries on from its first
   * unacknowledged event.
   */
  private async pump(socket: Socket): Promise<void> {
    const data = socket.data as ConsoleSocketData;
    if (!data.synced) return;
    if (data.pumping) {
      data.dirty = true;
      return;
    }
    data.pumping = true;
    const window = this.o.window ?? 256;
    try {
      do {
        data.dirty = false;
        // Also with the window full: the urgent lane has its own.
        if (data.version >= 4) await sendUrgent(this.urgentLane, socket, data, window);
        while (socket.connected && data.inFlight < window) {
          // Before every ordered batch: a fire appended mid-replay goes out now, not after the backlog.
          if (data.version >= 4) await sendUrgent(this.urgentLane, socket, data, window);
          const rows = (await this.store
            .db('hub_log')
            .where('seq', '>', data.cursor)
            .orderBy('seq')
            .limit(window - data.inFlight)) as LogRow[];
          if (rows.length === 0) break;
          if (data.version >= 5) sendBatches(this.batchLane, socket, data, rows);
          else sendEach(this.batchLane, socket, data, rows);
        }
      } while (data.dirty && socket.connected);
    } finally {
      data.pumping = false;
    }
  }
}

/** The hub's tables (schema.ts), here too for the callers that knew them from here. */
export { ensureHubSchema } from './schema';
