import type { Knex } from 'knex';
import { io, type Socket } from 'socket.io-client';
import {
  HUB_MAX_MESSAGE_BYTES,
  HUB_MESSAGES,
  HubSourcesReply,
  HubSyncReply,
  type HubSourceStatus,
  type HubStatus,
} from '../../../shared/contract';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { redactUrl } from '../../common/redact';
import { isInsecureHubUrl, isOversizeClose, socketOptions, type SocketFactory } from './connection';
import { countDeadLetters, lastCommittedSeq } from './inbox';
import { OutboxSender, pendingCount } from './outbox';
import { type BatchAck, type EventAck, type HubNotice, HubReceiver, type HubWiring } from './receiver';

export { isInsecureHubUrl, type HubSocketOptions, type SocketFactory } from './connection';
export type { HubNotice, HubWiring } from './receiver';

const REFUSED_RETRY_MS = 15_000;
/**
 * With several hub addresses: socket.io's reconnect attempts on one address before the link moves to the next
 * (0.5 + 1 + 2 + 4 s of back-off, each ±50 %: about 4–11 s): a hub restarting or a blip of the network is waited out, a dead
 * instance is left.
 */
export const FAILOVER_AFTER_ATTEMPTS = 4;
/** The backlog count is told to the operator at most this often while it moves (each group would be too often). */
const BACKLOG_STATUS_MS = 500;

export interface HubLinkOptions {
  url: string;
  /**
   * Several instances of the hub (one PostgreSQL database behind them), `url` among them: the link moves to the
   * next when its own stops answering or refuses, replays from its cursor there, and stays while it works.
   */
  urls?: readonly string[] | undefined;
  token: string;
  consoleId: string;
  db: Knex;
  clock: Clock;
  log: Logger;
  /** Defaults to socket.io's own; tests and benchmarks watch or cut the socket. */
  socketFactory?: SocketFactory | undefined;
  demo: boolean;
  /** A PEM file with the CA (or CAs) that sign the hub's certificate, for a hub on a site's own PKI. */
  caFile?: string | undefined;
  /** The largest message read from the hub; a bigger one is set aside (default HUB_MAX_MESSAGE_BYTES). */
  maxMessageBytes?: number | undefined;
  onStatus(status: HubStatus): void;
  onNotice(notice: HubNotice): void;
  /** Application ping: the link is declared dead after two missed answers (well inside 10 s). */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  actionTimeoutMs?: number;
}

/**
 * The console's side of the site hub protocol (docs/hub-protocol.md). Never trusts socket.io's own
 * recovery: after every connect it asks for a replay from the last sequence it committed.
 */
export class HubLink {
  private socket: Socket | undefined;
  private state: HubStatus['state'] = 'connecting';
  private since: number;
  private readonly outbox: OutboxSender;
  /** The stream's position (cursor, head, dead letters) lives with the events it receives. */
  private readonly stream: HubReceiver;
  private error: string | undefined;
  /** The backlog the last published status said, and when. */
  private toldBacklog = 0;
  private toldAt = 0;
  /** The last sequence the operator was told (the hub status' 「已同步序号」), and the timer that tells a newer one. */
  private toldSeq = 0;
  private seqTimer: unknown;
  private syncing = false;
  private pingTimer: unknown;
  private missedPings = 0;
  private stopped = false;
  private retryTimer: unknown;
  private insecure: boolean;
  /** The hub addresses, and which one the link is on. */
  private readonly urls: readonly string[];
  private at = 0;
  /** The hub instance that answered the last sync (the hub names itself there). */
  private instance: string | undefined;
  /** Set when the link moved to another address: told (notice, log) once the new one has synced. */
  private moved: { from: string; fromInstance: string | undefined; why: string } | undefined;
  /** Refusals in a row across the list: once every address refused, the next try waits REFUSED_RETRY_MS. */
  private refusals = 0;
  /** The cursor the last answered `sync` asked from, and how many events came after its answer. */
  private syncedAfter: number | undefined;
  private receivedSinceSync = 0;
  /** Connections closed by an oversize message right after a sync from this cursor, in a row. */
  private oversize = { afterSeq: -1, strikes: 0 };

  constructor(private readonly o: HubLinkOptions) {
    this.since = o.clock.now();
    this.urls = o.urls && o.urls.length > 0 ? o.urls : [o.url];
    this.at = Math.max(0, this.urls.indexOf(o.url));
    this.insecure = isInsecureHubUrl(this.url);
    this.outbox = new OutboxSender({
      db: o.db,
      clock: o.clock,
      log: o.log,
      actionTimeoutMs: o.actionTimeoutMs,
      socket: () => (this.state === 'connected' && !this.stopped ? this.socket : undefined),
      later: (fn, ms) => this.later(fn, ms),
      onCount: () => this.publishStatus(),
      onRefused: (row, why) =>
        o.onNotice({
          level: 'error',
          code: 'hub-action-refused',
          fold: 'hub-action-refused',
          message: `The hub refused a ${row.type} action: ${why}`,
          params: { type: row.type, error: why },
        }),
    });
    this.stream = new HubReceiver({
      db: o.db,
      clock: o.clock,
      log: o.log,
      onNotice: (notice) => o.onNotice(notice),
      onStatus: () => this.publishStatus(),
      onGroup: () => this.tellBacklog(),
      resync: () => void this.sync(),
    });
  }

  /** The address in use. */
  private get url(): string {
    return this.urls[this.at]!;
  }

  async start(wiring: HubWiring): Promise<void> {
    this.stream.wiring = wiring;
    this.stream.lastSeq = await lastCommittedSeq(this.o.db);
    this.outbox.count = await pendingCount(this.o.db);
    this.stream.deadLetters = await countDeadLetters(this.o.db);
    this.publishStatus();
    this.warnIfInsecure();
    this.open();
    this.pingTimer = this.o.clock.setInterval(() => void this.ping(), this.o.pingIntervalMs ?? 2500);
  }

  private warnIfInsecure(): void {
    if (this.insecure) {
      const hub = redactUrl(this.url);
      this.o.log.warn('hub link is not encrypted', { hub });
      this.o.onNotice({
        level: 'warning',
        code: 'hub-insecure',
        message:
          `The hub at ${hub} is reached without TLS: anyone on the network can read and change alarms. ` +
          'Use an https:// hub address.',
        params: { hub },
      });
    }
  }

  /** Opens the socket to the address in use, with every handler the link has on it. */
  private open(): void {
    const several = this.urls.length > 1;
    const options = {
      ...socketOptions(this.o),
      // Alone, the link tries its hub for ever; with others to go to, it tries a few times and moves on.
      ...(several ? { reconnectionAttempts: FAILOVER_AFTER_ATTEMPTS, forceNew: true } : {}),
    };
    const socket = (this.o.socketFactory ?? io)(this.url, options);
    this.socket = socket;
    if (several) socket.io.on('reconnect_failed', () => this.failover(socket, 'unreachable'));
    socket.on('connect', () => this.onConnect());
    socket.on('disconnect', (reason, description) => this.onDisconnect(String(reason), description));
    socket.on('connect_error', (err: Error & { data?: unknown }) => this.onConnectError(err));
    socket.on(HUB_MESSAGES.event, (raw: unknown, ack?: EventAck) => {
      this.receivedSinceSync += 1;
      this.stream.onEvent(raw, ack);
    });
    socket.on(HUB_MESSAGES.urgent, (raw: unknown, ack?: EventAck) => this.stream.onUrgent(raw, ack));
    socket.on(HUB_MESSAGES.events, (raw: unknown, ack?: BatchAck) => {
      this.receivedSinceSync += 1;
      this.stream.onEvents(raw, ack);
    });
  }

  /**
   * Leaves the address in use for the next one (round the list): the old socket is closed with its handlers (an
   * action in flight on it times out and is sent again with its key, which the other instance answers as a
   * duplicate if the first one applied it), and the new one syncs from the console's committed cursor like
   * after any reconnect. Told once the new address has synced.
   */
  private failover(from: Socket, why: 'unreachable' | 'refused'): void {
    if (this.stopped || from !== this.socket || this.urls.length < 2) return;
    const left = this.url;
    this.moved ??= { from: left, fromInstance: this.instance, why };
    from.io.off('reconnect_failed');
    from.removeAllListeners();
    from.disconnect();
    this.at = (this.at + 1) % this.urls.length;
    this.instance = undefined;
    this.insecure = isInsecureHubUrl(this.url);
    this.o.log.warn('hub failover: moving to the next address', {
      from: redactUrl(left),
      to: redactUrl(this.url),
      why,
    });
    this.warnIfInsecure();
    this.setState('connecting', undefined);
    this.open();
  }

  status(): HubStatus {
    const { lastSeq, headSeq, deadLetters } = this.stream;
    return {
      state: this.state,
      since: this.since,
      outbox: this.outbox.count,
      lastSeq,
      hub: redactUrl(this.url),
      ...(this.instance ? { instance: this.instance } : {}),
      ...(this.urls.length > 1 ? { hubs: this.urls.length } : {}),
      demo: this.o.demo,
      ...(this.error ? { error: this.error } : {}),
      ...(this.insecure ? { insecure: true } : {}),
      ...(deadLetters ? { deadLetters } : {}),
      ...(headSeq ? { headSeq } : {}),
      ...(headSeq > lastSeq ? { backlog: headSeq - lastSeq } : {}),
    };
  }

  /** Drops the link and connects again at once. */
  reconnect(): void {
    this.socket?.disconnect();
    this.socket?.connect();
  }

  /**
   * Asks the hub for its equipment sources (hub protocol 3). `silent`: connected, but no answer in time, which is
   * what a hub without the message gives (socket.io never acknowledges a message nobody listens to).
   */
  async sources(
    timeoutMs = this.o.actionTimeoutMs ?? 5000,
  ): Promise<
    | { state: 'offline' }
    | { state: 'silent' }
    | { state: 'invalid'; error: string }
    | { state: 'answered'; sources: HubSourceStatus[] }
  > {
    const socket = this.socket;
    if (!socket?.connected || this.state !== 'connected') return { state: 'offline' };
    let raw: unknown;
    try {
      raw = await socket.timeout(timeoutMs).emitWithAck(HUB_MESSAGES.sources);
    } catch {
      return socket.connected ? { state: 'silent' } : { state: 'offline' };
    }
    const parsed = HubSourcesReply.safeParse(raw);
    if (!parsed.success) {
      this.o.log.warn('the hub answered `sources` with something else', { error: parsed.error.message });
      return { state: 'invalid', error: parsed.error.message.slice(0, 500) };
    }
    return { state: 'answered', sources: parsed.data.sources };
  }

  /** Call after committing outbox rows: sends them now if the link is up. */
  kick(): void {
    void this.outbox.refresh().then(() => this.outbox.drain());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.o.clock.clearInterval(this.pingTimer);
    this.o.clock.clearTimeout(this.retryTimer);
    this.o.clock.clearTimeout(this.seqTimer);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    await this.stream.idle();
  }

  private setState(state: HubStatus['state'], error?: string): void {
    const changed = state !== this.state || error !== this.error;
    if (state !== this.state) this.since = this.o.clock.now();
    this.state = state;
    this.error = error;
    if (changed) this.publishStatus();
  }

  private publishStatus(): void {
    this.toldBacklog = Math.max(0, this.stream.headSeq - this.stream.lastSeq);
    this.toldSeq = this.stream.lastSeq;
    this.toldAt = this.o.clock.now();
    this.o.clock.clearTimeout(this.seqTimer);
    this.seqTimer = undefined;
    this.o.onStatus(this.status());
  }

  private onConnect(): void {
    this.missedPings = 0;
    this.o.log.info('hub connected', { hub: redactUrl(this.url) });
    void this.sync();
  }

  private onDisconnect(reason: string, description: unknown): void {
    if (this.stopped) return;
    this.o.log.warn('hub link lost', { reason });
    this.setState('offline', undefined);
    if (isOversizeClose(description)) this.afterOversize();
  }

  /**
   * The hub sent a message bigger than we read, and `ws` closed the connection before anyone saw its content.
   * The hub sends it again after the next sync, and again: the stream would be stuck for good. When it comes
   * twice in a row as the very first message after a sync from the same cursor, it is the event after that
   * cursor (the hub streams in order); it is set aside like any refused event and the stream moves on.
   */
  private afterOversize(): void {
    const afterSeq = this.syncedAfter;
    const first = afterSeq !== undefined && this.receivedSinceSync === 0;
    this.syncedAfter = undefined;
    if (!first) {
      this.oversize = { afterSeq: -1, strikes: 0 };
      this.o.log.warn('hub sent a message over the size limit; reconnecting');
      return;
    }
    this.oversize =
      this.oversize.afterSeq === afterSeq
        ? { afterSeq, strikes: this.oversize.strikes + 1 }
        : { afterSeq, strikes: 1 };
    if (this.oversize.strikes < 2) return;
    const limit = this.o.maxMessageBytes ?? HUB_MAX_MESSAGE_BYTES;
    const error = `message larger than ${limit} bytes; closed unread`;
    // On the stream's queue, so the next sync (which waits for it) already asks from after the skipped event.
    this.stream.setAsideOversize(afterSeq, error, () => {
      this.oversize = { afterSeq: -1, strikes: 0 };
    });
  }

  private onConnectError(err: Error & { data?: unknown }): void {
    if (this.stopped) return;
    // The hub's own refusals (token, protocol version) arrive as the error message; say them as they are.
    const refused = err.message && !/websocket error|xhr poll error|timeout/i.test(err.message);
    const message = refused
      ? `The hub refused this console: ${err.message}`
      : `Cannot reach the hub at ${redactUrl(this.url)}; retrying.`;
    if (message !== this.error) this.o.log.warn('hub connection failed', { error: err.message });
    if (refused && message !== this.error)
      this.o.onNotice({
        level: 'error',
        code: 'hub-refused',
        message,
        params: { reason: err.message },
        fold: 'hub-refused',
      });
    this.setState('offline', message);
    if (this.socket?.active) return;
    // socket.io gives up after a refusal by the hub; a control room must not, so try again slowly: with other
    // instances to try, the next one now, until each has refused once.
    const socket = this.socket;
    if (socket && this.urls.length > 1 && ++this.refusals < this.urls.length) {
      this.failover(socket, 'refused');
      return;
    }
    this.refusals = 0;
    this.later(() => {
      if (socket && this.urls.length > 1) this.failover(socket, 'refused');
      else this.socket?.connect();
    }, REFUSED_RETRY_MS);
  }

  /** One pending retry at a time (a refused connect, an unsent outbox). */
  private later(fn: () => void, ms: number): void {
    this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.o.clock.setTimeout(() => {
      if (!this.stopped) fn();
    }, ms);
  }

  /** Asks for everything after our last committed sequence; the hub then streams it in order. */
  private async sync(): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected || this.syncing) return;
    this.syncing = true;
    try {
      await this.stream.idle();
      const afterSeq = await lastCommittedSeq(this.o.db);
      this.syncedAfter = undefined;
      this.receivedSinceSync = 0;
      const reply = await new Promise<ReturnType<typeof HubSyncReply.safeParse>>((resolve, reject) => {
        socket
          .timeout(this.o.actionTimeoutMs ?? 5000)
          .emit(HUB_MESSAGES.sync, { afterSeq }, (err: Error | null, raw: unknown) => {
            if (err) return reject(err);
            const parsed = HubSyncReply.safeParse(raw);
            // Noted here, not after an await: the first event (or a message too big to read) can arrive in
            // the same network read as this reply, before any promise continuation runs.
            if (parsed.success) this.syncedAfter = afterSeq;
            resolve(parsed);
          });
      });
      // Answered on a socket the link has since left: the new one's own sync counts.
      if (socket !== this.socket) return;
      if (!reply.success) throw new Error('the hub answered sync with something unexpected');
      this.instance = reply.data.instance;
      this.refusals = 0;
      this.o.log.info('hub sync', { afterSeq, headSeq: reply.data.headSeq, instance: this.instance });
      this.tellMoved(afterSeq);
      this.stream.headSeq = Math.max(this.stream.headSeq, reply.data.headSeq);
      if (this.state === 'connected') this.publishStatus();
      this.setState('connected', undefined);
      void this.outbox.drain();
    } catch (err) {
      this.o.log.warn('hub sync failed; reconnecting', { error: (err as Error).message });
      // A sync on a socket the link has left (a failover) just ends: the new one syncs by itself.
      if (socket === this.socket) this.reconnect();
    } finally {
      this.syncing = false;
      // The new socket may have connected while this one's sync was failing: it syncs now.
      if (socket !== this.socket && this.socket?.connected) void this.sync();
    }
  }

  /** After a failover, once the new address answered the sync: the operator's notice (the duty log has it too). */
  private tellMoved(afterSeq: number): void {
    const moved = this.moved;
    if (!moved) return;
    this.moved = undefined;
    const params = {
      from: redactUrl(moved.from),
      fromInstance: moved.fromInstance ?? '-',
      to: redactUrl(this.url),
      instance: this.instance ?? '-',
      afterSeq,
    };
    this.o.log.warn('hub failover done', { ...params, why: moved.why });
    this.o.onNotice({
      level: 'warning',
      code: 'hub-failover',
      fold: 'hub-failover',
      message:
        `The hub at ${params.from} stopped answering; this console moved to ${params.to} ` +
        `(instance ${params.instance}) and is catching up from event ${afterSeq}.`,
      params,
    });
  }

  /**
   * The backlog count, now and then while it moves, and at once when it is gone; the synced sequence likewise,
   * at most every BACKLOG_STATUS_MS but always in the end (a quiet hub after one event still shows it).
   */
  private tellBacklog(): void {
    const backlog = Math.max(0, this.stream.headSeq - this.stream.lastSeq);
    if (backlog === this.toldBacklog && this.stream.lastSeq === this.toldSeq) return;
    const wait = BACKLOG_STATUS_MS - (this.o.clock.now() - this.toldAt);
    if (backlog === 0 && this.toldBacklog > 0) this.publishStatus();
    else if (wait <= 0) this.publishStatus();
    else
      this.seqTimer ??= this.o.clock.setTimeout(() => {
        this.seqTimer = undefined;
        if (!this.stopped) this.publishStatus();
      }, wait);
  }

  private async ping(): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected || this.stopped) return;
    try {
      await socket.timeout(this.o.pingTimeoutMs ?? 3000).emitWithAck(HUB_MESSAGES.ping);
      this.missedPings = 0;
    } catch {
      this.missedPings += 1;
      if (this.missedPings >= 2) {
        this.o.log.warn('hub stopped answering pings; reconnecting');
        this.missedPings = 0;
        this.setState('offline', undefined);
        this.reconnect();
      }
    }
  }
}
