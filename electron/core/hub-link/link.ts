import type { Knex } from 'knex';
import { io, type Socket } from 'socket.io-client';
import {
  HUB_MAX_BATCH_EVENTS,
  HUB_MAX_MESSAGE_BYTES,
  HUB_MESSAGES,
  HubSourcesReply,
  HubSyncReply,
  type HubEventAck,
  type HubEventBatchAck,
  type HubSourceStatus,
  type HubStatus,
  type Notice,
  type NoticeParams,
  type StoredHubEvent,
} from '../../../shared/contract';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { redactUrl } from '../../common/redact';
import { isInsecureHubUrl, isOversizeClose, socketOptions, type SocketFactory } from './connection';
import {
  type CommitResult,
  commitHubEvents,
  countDeadLetters,
  type InboxApplier,
  type InboxItem,
  lastCommittedSeq,
  setAsideNext,
} from './inbox';
import { OutboxSender, pendingCount } from './outbox';
import { receiveUrgent } from './urgent';

export { isInsecureHubUrl, type HubSocketOptions, type SocketFactory } from './connection';

const REFUSED_RETRY_MS = 15_000;
/**
 * Events committed together at most: 128, one `events` message of the reference hub (half its 256-event window), so
 * a batch is one transaction and one disk flush, and a group's acks go while the hub's next batch is already here:
 * a group of two batches held every ack until both were on disk, and the console then waited a round trip for more.
 * SQLite (better-sqlite3) works synchronously, so a group runs without giving the event loop back: at ~0.13 ms per
 * alarm since its statements are prepared (tests/bench/inbox.ts), 128 keep that near ~20 ms on a quiet machine.
 * The loop gets a turn between groups (socket reads, pings, the web host).
 */
const MAX_GROUP = HUB_MAX_BATCH_EVENTS / 2;
/**
 * Events waiting behind the running commit at most. A hub keeps far fewer unacked; one that ignores its window is
 * answered "not stored" for the excess, which the protocol treats like a storage fault: the next one is a gap and
 * the replay brings them again, so memory stays bounded and nothing is lost.
 */
const MAX_WAITING = 8192;
/** Urgent events waiting at most; the hub keeps 16 in flight, so more is a hub out of step (answered, not kept). */
const MAX_URGENT_WAITING = 64;
/** The backlog count is told to the operator at most this often while it moves (each group would be too often). */
const BACKLOG_STATUS_MS = 500;

type EventAck = (reply: HubEventAck) => void;
type BatchAck = (reply: HubEventBatchAck) => void;
interface Waiting extends InboxItem {
  ack: EventAck | undefined;
}

/** What the link tells the operator: `code` and `params` for the renderer's words, `message` in English. */
export interface HubNotice {
  level: Notice['level'];
  code: string;
  message: string;
  params?: NoticeParams;
  /** Repeats with this key fold into one notice with a count. */
  fold?: string;
}

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
  private readonly outbox: OutboxSender;
  private lastSeq = 0;
  private error: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** Events that arrived while a commit was running: the next group. */
  private waiting: Waiting[] = [];
  /** (protocol 4) Urgent events: committed before the next ordered group. */
  private urgentWaiting: Waiting[] = [];
  /** The hub's newest sequence as far as we know (its sync answer, every sequence since). */
  private headSeq = 0;
  /** The backlog the last published status said, and when. */
  private toldBacklog = 0;
  private toldAt = 0;
  /** The last sequence the operator was told (the hub status' 「已同步序号」), and the timer that tells a newer one. */
  private toldSeq = 0;
  private seqTimer: unknown;
  private pumping = false;
  private syncing = false;
  private pingTimer: unknown;
  private missedPings = 0;
  private stopped = false;
  private retryTimer: unknown;
  private wiring: HubWiring = { appliers: [], onEvent: () => undefined };
  private deadLetters = 0;
  private readonly insecure: boolean;
  /** The cursor the last answered `sync` asked from, and how many events came after its answer. */
  private syncedAfter: number | undefined;
  private receivedSinceSync = 0;
  /** Connections closed by an oversize message right after a sync from this cursor, in a row. */
  private oversize = { afterSeq: -1, strikes: 0 };

  constructor(private readonly o: HubLinkOptions) {
    this.since = o.clock.now();
    this.insecure = isInsecureHubUrl(o.url);
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
  }

  async start(wiring: HubWiring): Promise<void> {
    this.wiring = wiring;
    this.lastSeq = await lastCommittedSeq(this.o.db);
    this.outbox.count = await pendingCount(this.o.db);
    this.deadLetters = await countDeadLetters(this.o.db);
    this.publishStatus();
    const options = socketOptions(this.o);
    if (this.insecure) {
      const hub = redactUrl(this.o.url);
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
    const socket = (this.o.socketFactory ?? io)(this.o.url, options);
    this.socket = socket;
    socket.on('connect', () => this.onConnect());
    socket.on('disconnect', (reason, description) => this.onDisconnect(String(reason), description));
    socket.on('connect_error', (err: Error & { data?: unknown }) => this.onConnectError(err));
    socket.on(HUB_MESSAGES.event, (raw: unknown, ack?: EventAck) => this.onEvent(raw, ack));
    socket.on(HUB_MESSAGES.urgent, (raw: unknown, ack?: EventAck) => this.onUrgent(raw, ack));
    socket.on(HUB_MESSAGES.events, (raw: unknown, ack?: BatchAck) => this.onEvents(raw, ack));
    this.pingTimer = this.o.clock.setInterval(() => void this.ping(), this.o.pingIntervalMs ?? 2500);
  }

  status(): HubStatus {
    return {
      state: this.state,
      since: this.since,
      outbox: this.outbox.count,
      lastSeq: this.lastSeq,
      hub: redactUrl(this.o.url),
      demo: this.o.demo,
      ...(this.error ? { error: this.error } : {}),
      ...(this.insecure ? { insecure: true } : {}),
      ...(this.deadLetters ? { deadLetters: this.deadLetters } : {}),
      ...(this.headSeq ? { headSeq: this.headSeq } : {}),
      ...(this.headSeq > this.lastSeq ? { backlog: this.headSeq - this.lastSeq } : {}),
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
    this.toldBacklog = Math.max(0, this.headSeq - this.lastSeq);
    this.toldSeq = this.lastSeq;
    this.toldAt = this.o.clock.now();
    this.o.clock.clearTimeout(this.seqTimer);
    this.seqTimer = undefined;
    this.o.onStatus(this.status());
  }

  private onConnect(): void {
    this.missedPings = 0;
    this.o.log.info('hub connected', { hub: redactUrl(this.o.url) });
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
    // On the queue, so the next sync (which waits for it) already asks from after the skipped event.
    this.queue = this.queue.then(async () => {
      try {
        const error = `message larger than ${limit} bytes; closed unread`;
        const seq = await setAsideNext(this.o.db, afterSeq, error, this.o.clock.now());
        if (seq === undefined) return;
        this.oversize = { afterSeq: -1, strikes: 0 };
        this.lastSeq = seq;
        this.deadLetters += 1;
        this.publishStatus();
        this.refusedNotice(seq, null, 'oversize', error);
      } catch (err) {
        this.o.log.error('setting aside an oversize hub message failed', { error: (err as Error).message });
      }
    });
  }

  private refusedNotice(seq: number, kind: string | null, reason: string, error: string): void {
    this.o.log.error('hub event set aside', { seq, kind, reason, error });
    this.o.onNotice({
      level: 'error',
      code: 'hub-event-refused',
      fold: 'hub-event-refused',
      message:
        `A message from the hub was set aside (sequence ${seq}${kind ? `, ${kind}` : ''}): ${error}. ` +
        'Later messages still arrive; a supervisor can read it next to the hub status.',
      params: { seq, kind: kind ?? '?', reason, error },
    });
  }

  private onConnectError(err: Error & { data?: unknown }): void {
    if (this.stopped) return;
    // The hub's own refusals (token, protocol version) arrive as the error message; say them as they are.
    const refused = err.message && !/websocket error|xhr poll error|timeout/i.test(err.message);
    const message = refused
      ? `The hub refused this console: ${err.message}`
      : `Cannot reach the hub at ${redactUrl(this.o.url)}; retrying.`;
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
      if (!reply.success) throw new Error('the hub answered sync with something unexpected');
      this.o.log.info('hub sync', { afterSeq, headSeq: reply.data.headSeq });
      this.headSeq = Math.max(this.headSeq, reply.data.headSeq);
      if (this.state === 'connected') this.publishStatus();
      this.setState('connected', undefined);
      void this.outbox.drain();
    } catch (err) {
      this.o.log.warn('hub sync failed; reconnecting', { error: (err as Error).message });
      this.reconnect();
    } finally {
      this.syncing = false;
    }
  }

  private onEvent(raw: unknown, ack: EventAck | undefined): void {
    this.receivedSinceSync += 1;
    const seq = (raw as { seq?: unknown } | null)?.seq;
    if (typeof seq === 'number' && Number.isInteger(seq) && seq > this.headSeq) this.headSeq = seq;
    this.enqueue(this.waiting, MAX_WAITING, raw, ack);
  }

  /**
   * (protocol 5) Consecutive events in one message. Each joins the queue as if it had come alone, so it is judged,
   * committed or set aside exactly as one would be; the message is answered once, when all of them are. Past
   * HUB_MAX_BATCH_EVENTS the rest is not read: the answer covers what was, and a sync afterwards asks for the rest,
   * so a hub that ignores the bound costs bounded work per message and loses nothing.
   */
  private onEvents(raw: unknown, ack: BatchAck | undefined): void {
    this.receivedSinceSync += 1;
    const reply = typeof ack === 'function' ? ack : undefined;
    if (!Array.isArray(raw) || raw.length === 0) {
      reply?.({ ok: false, error: 'events: expected a non-empty array' });
      this.o.log.warn('hub sent an events message that is not a list of events');
      return;
    }
    const items = raw.length > HUB_MAX_BATCH_EVENTS ? raw.slice(0, HUB_MAX_BATCH_EVENTS) : raw;
    if (items.length < raw.length)
      this.o.log.warn('hub sent more events in one message than a console reads; asking for the rest', {
        sent: raw.length,
        read: items.length,
      });
    const answer = batchAnswer(items.length, (r) => {
      reply?.(r);
      if (items.length < raw.length) void this.sync();
    });
    for (const [i, item] of items.entries()) {
      const seq = (item as { seq?: unknown } | null)?.seq;
      if (typeof seq === 'number' && Number.isInteger(seq) && seq > this.headSeq) this.headSeq = seq;
      this.enqueue(this.waiting, MAX_WAITING, item, (r) => answer(i, r));
    }
  }

  /**
   * (protocol 4) An urgent event ahead of the backlog: it goes before every ordered group still waiting, in one
   * transaction with the other urgent events waiting (never with ordered ones), and is acknowledged on its lane once
   * committed.
   */
  private onUrgent(raw: unknown, ack: EventAck | undefined): void {
    this.enqueue(this.urgentWaiting, MAX_URGENT_WAITING, raw, ack);
  }

  /** Over `max` waiting, the event is answered "not stored": the hub brings it again, memory stays bounded. */
  private enqueue(queue: Waiting[], max: number, raw: unknown, ack: EventAck | undefined): void {
    // A hub that sends no callback cannot be answered; calling a non-function would break the queue.
    const reply = typeof ack === 'function' ? ack : undefined;
    if (queue.length >= max) {
      reply?.({ ok: false, error: 'console could not store the event' });
      return;
    }
    queue.push({ raw, receivedAt: this.o.clock.now(), ack: reply });
    this.startPump();
  }

  private startPump(): void {
    if (this.pumping) return;
    this.pumping = true;
    // Serialised: groups commit strictly in order, and whatever arrives meanwhile forms the next group.
    this.queue = this.queue.then(() => this.pump());
  }

  private async pump(): Promise<void> {
    try {
      while (this.waiting.length > 0 || this.urgentWaiting.length > 0) {
        // Every urgent event waiting, together, before the next ordered group.
        const urgent = this.urgentWaiting.splice(0);
        if (urgent.length > 0) {
          await this.receiveUrgent(urgent);
          continue;
        }
        const group = this.waiting.splice(0, MAX_GROUP);
        await this.receive(group);
        this.tellBacklog();
        if (this.waiting.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.pumping = false;
    }
  }

  private async receiveUrgent(items: Waiting[]): Promise<void> {
    for (const item of items) {
      const seq = (item.raw as { seq?: unknown } | null)?.seq;
      if (typeof seq === 'number' && Number.isInteger(seq)) this.headSeq = Math.max(this.headSeq, seq);
    }
    await receiveUrgent(items, {
      db: this.o.db,
      log: this.o.log,
      appliers: this.wiring.appliers,
      onEvent: (event) => this.wiring.onEvent(event),
    });
  }

  /**
   * The backlog count, now and then while it moves, and at once when it is gone; the synced sequence likewise,
   * at most every BACKLOG_STATUS_MS but always in the end (a quiet hub after one event still shows it).
   */
  private tellBacklog(): void {
    const backlog = Math.max(0, this.headSeq - this.lastSeq);
    if (backlog === this.toldBacklog && this.lastSeq === this.toldSeq) return;
    const wait = BACKLOG_STATUS_MS - (this.o.clock.now() - this.toldAt);
    if (backlog === 0 && this.toldBacklog > 0) this.publishStatus();
    else if (wait <= 0) this.publishStatus();
    else
      this.seqTimer ??= this.o.clock.setTimeout(() => {
        this.seqTimer = undefined;
        if (!this.stopped) this.publishStatus();
      }, wait);
  }

  /** Commits a group in one transaction; every acknowledgement only after that commit. */
  private async receive(group: Waiting[]): Promise<void> {
    let results: CommitResult[];
    try {
      results = await commitHubEvents(this.o.db, group, this.wiring.appliers);
    } catch (err) {
      if (group.length === 1) {
        this.uncommitted(group[0]!, err as Error);
        return;
      }
      // The storage failed under the group: nothing of it is on disk. Go through it one by one, as events came
      // before groups, so what can be stored is, and each one that cannot is answered and shown as before.
      for (const item of group) await this.receive([item]);
      return;
    }
    let statusChanged = false;
    let resync = false;
    for (const [i, result] of results.entries()) {
      const reply = group[i]!.ack;
      switch (result.status) {
        case 'overtaken':
          // Shown already when its urgent copy came: logged in its place now, never shown again.
          this.lastSeq = result.seq;
          reply?.({ ok: true, seq: result.seq });
          break;
        case 'committed':
          this.lastSeq = result.event.seq;
          // Acknowledged only now: the event is on disk.
          reply?.({ ok: true, seq: result.event.seq });
          this.wiring.onEvent(result.event);
          break;
        case 'refused':
          this.lastSeq = result.seq;
          this.deadLetters += 1;
          statusChanged = true;
          // Final: the console has moved past it, and says so with its sequence (docs/hub-protocol.md §5.1).
          reply?.({ ok: false, refused: true, seq: result.seq, error: result.error });
          this.refusedNotice(result.seq, result.kind, result.reason, result.error);
          break;
        case 'unreadable':
          reply?.({ ok: false, error: result.error });
          this.o.log.error('hub event without a sequence ignored', { error: result.error });
          this.o.onNotice({
            level: 'error',
            code: 'hub-event-unreadable',
            fold: 'hub-event-unreadable',
            message: `The hub sent a message the console cannot place in its stream: ${result.error}.`,
            params: { error: result.error },
          });
          break;
        case 'duplicate':
          reply?.({ ok: true, duplicate: true });
          break;
        case 'gap':
          // Answer at once so the hub does not wait on us; the replay below brings the missing events.
          reply?.({ ok: false, gap: true });
          this.o.log.warn('hub sequence gap; asking for replay', {
            expected: result.expected,
            got: result.got,
          });
          resync = true;
          break;
      }
    }
    if (statusChanged) this.publishStatus();
    if (resync) void this.sync();
  }

  private uncommitted(item: Waiting, err: Error): void {
    const error = err.message;
    this.o.log.error('committing a hub event failed', { error });
    item.ack?.({ ok: false, error: 'console could not store the event' });
    this.o.onNotice({
      level: 'error',
      code: 'hub-store-failed',
      fold: 'hub-store-failed',
      message: `The console cannot store messages from the hub (${error}); they will come again once it can.`,
      params: { error },
    });
    this.wiring.onUncommitted?.(item.raw, err);
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

/**
 * Collects the per-event answers of one `events` message (as `event` would have had them) into its one answer: the
 * highest sequence moved past, with the refusals among them; else a gap, all duplicates, or the first error.
 */
function batchAnswer(
  count: number,
  send: (reply: HubEventBatchAck) => void,
): (i: number, r: HubEventAck) => void {
  const replies: (HubEventAck | undefined)[] = new Array<HubEventAck | undefined>(count);
  let pending = count;
  return (i, r) => {
    if (replies[i] !== undefined) return;
    replies[i] = r;
    if (--pending > 0) return;
    let seq = 0;
    const refused: { seq: number; error: string }[] = [];
    let gap = false;
    let error: string | undefined;
    for (const reply of replies as HubEventAck[]) {
      if ('seq' in reply) seq = Math.max(seq, reply.seq);
      if ('refused' in reply) refused.push({ seq: reply.seq, error: reply.error });
      else if ('gap' in reply) gap = true;
      else if (!reply.ok && 'error' in reply) error ??= reply.error;
    }
    if (seq > 0) send(refused.length > 0 ? { ok: true, seq, refused } : { ok: true, seq });
    else if (gap) send({ ok: false, gap: true });
    else if (error !== undefined) send({ ok: false, error });
    else send({ ok: true, duplicate: true });
  };
}
