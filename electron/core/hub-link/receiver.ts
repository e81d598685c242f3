import type { Knex } from 'knex';
import {
  HUB_MAX_BATCH_EVENTS,
  type HubEventAck,
  type HubEventBatchAck,
  type Notice,
  type NoticeParams,
  type StoredHubEvent,
} from '../../../shared/contract';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { type CommitResult, commitHubEvents, type InboxApplier, type InboxItem, setAsideNext } from './inbox';
import { receiveUrgent } from './urgent';

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

export type EventAck = (reply: HubEventAck) => void;
export type BatchAck = (reply: HubEventBatchAck) => void;
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

/** What the features hand the link when it starts: it is created before them, so it can be handed to them. */
export interface HubWiring {
  /** Work done inside each event's transaction (alarms, positions, device faults). */
  appliers: readonly InboxApplier[];
  /** After the commit. */
  onEvent(event: StoredHubEvent): void;
  /** The event could not be stored (a full disk): not acknowledged, so it comes again; meanwhile it may be shown. */
  onUncommitted?(raw: unknown, error: Error): void;
}

export interface HubReceiverOptions {
  db: Knex;
  clock: Clock;
  log: Logger;
  onNotice(notice: HubNotice): void;
  /** The cursor or the dead-letter count moved in a way the operator is told at once. */
  onStatus(): void;
  /** An ordered group was committed: the backlog may have moved. */
  onGroup(): void;
  /** The stream wants a replay from the cursor (a gap, or the unread rest of an `events` message). */
  resync(): void;
}

/**
 * The receiving side of the link (docs/hub-protocol.md §5, §10): the events the hub streams, in order (`event`,
 * protocol 5's `events` batches) and on the urgent lane, wait here while a commit runs and are committed together
 * as the next group, strictly in arrival order, each acknowledged only once it is on disk. The connection itself
 * (sync, pings, oversize closes) is the link's; this keeps the stream's position for it.
 */
export class HubReceiver {
  /** The last sequence committed in order (the cursor), as the status tells it. */
  lastSeq = 0;
  /** The hub's newest sequence as far as we know (its sync answer, every sequence since). */
  headSeq = 0;
  deadLetters = 0;
  wiring: HubWiring = { appliers: [], onEvent: () => undefined };
  private queue: Promise<void> = Promise.resolve();
  /** Events that arrived while a commit was running: the next group. */
  private waiting: Waiting[] = [];
  /** (protocol 4) Urgent events: committed before the next ordered group. */
  private urgentWaiting: Waiting[] = [];
  private pumping = false;

  constructor(private readonly o: HubReceiverOptions) {}

  /** Settles once every commit (and set-aside) queued so far has run. */
  idle(): Promise<void> {
    return this.queue;
  }

  onEvent(raw: unknown, ack: EventAck | undefined): void {
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
  onEvents(raw: unknown, ack: BatchAck | undefined): void {
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
      if (items.length < raw.length) this.o.resync();
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
  onUrgent(raw: unknown, ack: EventAck | undefined): void {
    this.enqueue(this.urgentWaiting, MAX_URGENT_WAITING, raw, ack);
  }

  /**
   * The message after `afterSeq` was too big to read (the link's `afterOversize`): set aside as a dead letter, on the
   * queue, so the next sync (which waits for it) already asks from after the skipped event. `onSetAside` runs first
   * when it was.
   */
  setAsideOversize(afterSeq: number, error: string, onSetAside: () => void): void {
    this.queue = this.queue.then(async () => {
      try {
        const seq = await setAsideNext(this.o.db, afterSeq, error, this.o.clock.now());
        if (seq === undefined) return;
        onSetAside();
        this.lastSeq = seq;
        this.deadLetters += 1;
        this.o.onStatus();
        this.refusedNotice(seq, null, 'oversize', error);
      } catch (err) {
        this.o.log.error('setting aside an oversize hub message failed', { error: (err as Error).message });
      }
    });
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
        this.o.onGroup();
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
    if (statusChanged) this.o.onStatus();
    if (resync) this.o.resync();
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
