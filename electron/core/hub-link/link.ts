import type { Knex } from 'knex';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  HUB_MESSAGES,
  HUB_PROTOCOL_VERSION,
  HubActionReply,
  HubSyncReply,
  type HubStatus,
  type StoredHubEvent,
} from '../../../shared/contract';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import { redactUrl } from '../util/redact';
import { commitHubEvent, type InboxApplier, lastCommittedSeq } from './inbox';
import { oldestPending, pendingCount, toHubAction } from './outbox';

const REFUSED_RETRY_MS = 15_000;
const OUTBOX_RETRY_MS = 5_000;

export type SocketFactory = (url: string, options: Partial<ManagerOptions & SocketOptions>) => Socket;

export interface HubLinkOptions {
  url: string;
  token: string;
  consoleId: string;
  db: Knex;
  clock: Clock;
  log: Logger;
  /** Defaults to socket.io's own; tests and benchmarks watch or cut the socket. */
  socketFactory?: SocketFactory | undefined;
  demo: boolean;
  onStatus(status: HubStatus): void;
  onProblem(message: string): void;
  /** Application ping: the link is declared dead after two missed answers (well inside 10 s). */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  actionTimeoutMs?: number;
}

/** What the features hand the link when it starts: it is created before them, so it can be handed to them. */
export interface HubWiring {
  /** Work done inside each event's transaction (alarms, positions, device faults). */
  appliers: readonly InboxApplier[];
  /** After the commit. */
  onEvent(event: StoredHubEvent): void;
  /** The event could not be stored (a full disk): not acknowledged, so it comes again; meanwhile it may be shown. */
  onUncommitted?(raw: unknown, error: Error): void;
}

/**
 * The console's side of the site hub protocol (docs/hub-protocol.md). Never trusts socket.io's own
 * recovery: after every connect it asks for a replay from the last sequence it committed.
 */
export class HubLink {
  private socket: Socket | undefined;
  private state: HubStatus['state'] = 'connecting';
  private since: number;
  private outbox = 0;
  private lastSeq = 0;
  private error: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  private syncing = false;
  private draining = false;
  private pingTimer: unknown;
  private missedPings = 0;
  private stopped = false;
  private retryTimer: unknown;
  private wiring: HubWiring = { appliers: [], onEvent: () => undefined };

  constructor(private readonly o: HubLinkOptions) {
    this.since = o.clock.now();
  }

  async start(wiring: HubWiring): Promise<void> {
    this.wiring = wiring;
    this.lastSeq = await lastCommittedSeq(this.o.db);
    this.outbox = await pendingCount(this.o.db);
    this.publishStatus();
    const socket = (this.o.socketFactory ?? io)(this.o.url, {
      auth: { consoleId: this.o.consoleId, token: this.o.token, protocolVersion: HUB_PROTOCOL_VERSION },
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      timeout: 5000,
    });
    this.socket = socket;
    socket.on('connect', () => this.onConnect());
    socket.on('disconnect', (reason) => this.onDisconnect(String(reason)));
    socket.on('connect_error', (err: Error & { data?: unknown }) => this.onConnectError(err));
    socket.on(HUB_MESSAGES.event, (raw: unknown, ack?: (reply: unknown) => void) => {
      // Serialised: events commit strictly in order, one transaction each.
      this.queue = this.queue.then(() => this.receive(raw, ack));
    });
    this.pingTimer = this.o.clock.setInterval(() => void this.ping(), this.o.pingIntervalMs ?? 2500);
  }

  status(): HubStatus {
    return {
      state: this.state,
      since: this.since,
      outbox: this.outbox,
      lastSeq: this.lastSeq,
      hub: redactUrl(this.o.url),
      demo: this.o.demo,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Drops the link and connects again at once. */
  reconnect(): void {
    this.socket?.disconnect();
    this.socket?.connect();
  }

  /** Call after committing outbox rows: sends them now if the link is up. */
  kick(): void {
    void this.refreshOutbox().then(() => this.drain());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.o.clock.clearInterval(this.pingTimer);
    this.o.clock.clearTimeout(this.retryTimer);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    await this.queue;
  }

  private setState(state: HubStatus['state'], error?: string): void {
    const changed = state !== this.state || error !== this.error;
    if (state !== this.state) this.since = this.o.clock.now();
    this.state = state;
    this.error = error;
    if (changed) this.publishStatus();
  }

  private publishStatus(): void {
    this.o.onStatus(this.status());
  }

  private onConnect(): void {
    this.missedPings = 0;
    this.o.log.info('hub connected', { hub: redactUrl(this.o.url) });
    void this.sync();
  }

  private onDisconnect(reason: string): void {
    if (this.stopped) return;
    this.o.log.warn('hub link lost', { reason });
    this.setState('offline', undefined);
  }

  private onConnectError(err: Error & { data?: unknown }): void {
    if (this.stopped) return;
    // The hub's own refusals (token, protocol version) arrive as the error message; say them as they are.
    const refused = err.message && !/websocket error|xhr poll error|timeout/i.test(err.message);
    const message = refused
      ? `The hub refused this console: ${err.message}`
      : `Cannot reach the hub at ${redactUrl(this.o.url)}; retrying.`;
    if (message !== this.error) this.o.log.warn('hub connection failed', { error: err.message });
    if (refused && message !== this.error) this.o.onProblem(message);
    this.setState('offline', message);
    // socket.io gives up after a refusal by the hub; a control room must not, so try again slowly.
    if (!this.socket?.active) this.later(() => this.socket?.connect(), REFUSED_RETRY_MS);
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
      await this.queue;
      const afterSeq = await lastCommittedSeq(this.o.db);
      const reply = HubSyncReply.safeParse(
        await socket.timeout(this.o.actionTimeoutMs ?? 5000).emitWithAck(HUB_MESSAGES.sync, { afterSeq }),
      );
      if (!reply.success) throw new Error('the hub answered sync with something unexpected');
      this.o.log.info('hub sync', { afterSeq, headSeq: reply.data.headSeq });
      this.setState('connected', undefined);
      void this.drain();
    } catch (err) {
      this.o.log.warn('hub sync failed; reconnecting', { error: (err as Error).message });
      this.reconnect();
    } finally {
      this.syncing = false;
    }
  }

  private async receive(raw: unknown, ack?: (reply: unknown) => void): Promise<void> {
    try {
      const result = await commitHubEvent(this.o.db, raw, this.o.clock.now(), this.wiring.appliers);
      switch (result.status) {
        case 'committed':
          this.lastSeq = result.event.seq;
          // Acknowledged only now: the event is on disk.
          ack?.({ ok: true, seq: result.event.seq });
          this.wiring.onEvent(result.event);
          break;
        case 'rejected':
          if (result.seq > 0) this.lastSeq = result.seq;
          ack?.({ ok: false, error: result.reason });
          this.o.log.error('hub event refused', { seq: result.seq, reason: result.reason });
          this.o.onProblem(`A message from the hub was refused (sequence ${result.seq}): ${result.reason}`);
          break;
        case 'duplicate':
          ack?.({ ok: true, duplicate: true });
          break;
        case 'gap':
          // Answer at once so the hub does not wait on us; the replay below brings the missing events.
          ack?.({ ok: false, gap: true });
          this.o.log.warn('hub sequence gap; asking for replay', {
            expected: result.expected,
            got: result.got,
          });
          void this.sync();
          break;
      }
    } catch (err) {
      this.o.log.error('committing a hub event failed', { error: (err as Error).message });
      ack?.({ ok: false, error: 'console could not store the event' });
      this.wiring.onUncommitted?.(raw, err as Error);
    }
  }

  private async refreshOutbox(): Promise<void> {
    const n = await pendingCount(this.o.db);
    if (n !== this.outbox) {
      this.outbox = n;
      this.publishStatus();
    }
  }

  /** Sends the outbox oldest first, one at a time; a row is deleted only after the hub's acknowledgement. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const socket = this.socket;
        if (!socket?.connected || this.state !== 'connected' || this.stopped) break;
        const row = await oldestPending(this.o.db);
        if (!row) break;
        let raw: unknown;
        try {
          raw = await socket
            .timeout(this.o.actionTimeoutMs ?? 5000)
            .emitWithAck(HUB_MESSAGES.action, toHubAction(row));
        } catch (err) {
          await this.retryLater(row, (err as Error).message);
          break;
        }
        const reply = HubActionReply.safeParse(raw);
        if (reply.success && reply.data.ok) {
          await this.o.db('outbox').where({ id: row.id }).delete();
        } else if (reply.success && !reply.data.ok && reply.data.retryable) {
          this.o.log.warn('hub could not apply an action yet; will retry', {
            key: row.key,
            why: reply.data.error,
          });
          await this.retryLater(row, reply.data.error);
          break;
        } else {
          const why = reply.success && !reply.data.ok ? reply.data.error : 'unreadable reply';
          await this.o
            .db('outbox')
            .where({ id: row.id })
            .update({ refused_at: this.o.clock.now(), attempts: row.attempts + 1, last_error: why });
          this.o.log.error('hub refused an action', { key: row.key, type: row.type, why });
          this.o.onProblem(`The hub refused a ${row.type} action: ${why}`);
        }
        await this.refreshOutbox();
      }
    } finally {
      this.draining = false;
    }
  }

  /** The row stays, its attempt is counted, and the drain runs again shortly with the same key. */
  private async retryLater(row: { id: number; attempts: number }, why: string): Promise<void> {
    await this.o
      .db('outbox')
      .where({ id: row.id })
      .update({ attempts: row.attempts + 1, last_attempt_at: this.o.clock.now(), last_error: why });
    this.later(() => void this.drain(), OUTBOX_RETRY_MS);
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
