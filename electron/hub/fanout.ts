/**
 * Several hub instances on one PostgreSQL database: each instance tells the others "the log's head moved" through
 * socket.io's PostgreSQL adapter (`@socket.io/postgres-adapter`, LISTEN/NOTIFY on the hub's own database), and
 * each reads what it sends its consoles from the log, never from the notification. The log is the truth; a
 * notification only wakes the pumps. A lost one (the LISTEN connection dropped, PostgreSQL restarted, a payload
 * the adapter could not read) costs latency, never an event: the slow poll here reads the head and wakes the
 * pumps when it moved without a word.
 */
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Server } from 'socket.io';
import { z } from 'zod';
import type { Logger } from '../common/log';
import { FANOUT_TABLE } from './schema';

/** The server-side event (socket.io `serverSideEmit`) one instance sends the others after a commit. */
export const HEAD_MOVED = 'hub:head-moved';

/** What a notification carries, validated like every message from outside the process. */
export const HeadMoved = z.object({
  instance: z.string().min(1).max(64),
  /** The highest sequence the sender committed. */
  seq: z.number().int().nonnegative(),
  /** The highest urgent sequence it committed (the urgent lane's shortcut, urgent-lane.ts). */
  urgent: z.number().int().nonnegative(),
});
export type HeadMoved = z.infer<typeof HeadMoved>;

/** The safety poll's period: the most a lost notification delays an event (default). */
export const DEFAULT_POLL_MS = 2000;

export interface FanoutOptions {
  /** The hub's PostgreSQL URL (the adapter's LISTEN connection and its NOTIFYs go to the log's own database). */
  url: string;
  io: Server;
  /** This instance's name (known once it listens: the default has its port in it). */
  instance(): string;
  log: Logger;
  /** The log's head as the database has it now, and the highest urgent sequence above `after`. */
  readHead(after: number): Promise<{ seq: number; urgent: number }>;
  /** The head moved (another instance committed): wake the pumps. */
  onMoved(head: { seq: number; urgent: number }, by: 'notify' | 'poll'): void;
  pollMs?: number | undefined;
}

/** How long the stop waits for the fan-out's connections to come back. */
const POOL_END_MS = 3000;

/**
 * The fan-out between instances. `announce` after every local commit (coalesced: one NOTIFY in flight, the
 * newest head after it), `known` is the highest head this instance has seen by any way.
 */
export class Fanout {
  private readonly pool: pg.Pool;
  private known = 0;
  /** The highest urgent sequence seen likewise. */
  private urgent = 0;
  private announcing = false;
  private pending: { seq: number; urgent: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;

  constructor(private readonly o: FanoutOptions) {
    // Its own small pool: the adapter holds one connection for LISTEN and NOTIFYs through another; the hub's
    // writes never queue behind them.
    this.pool = new pg.Pool({ connectionString: o.url, max: 3 });
    // An idle connection that PostgreSQL closed (a restart) must not end the process: the adapter reconnects.
    this.pool.on('error', (err) => o.log.warn('fan-out connection lost', { error: err.message }));
    // The adapter's LISTEN connection is checked out for good, where the pool's own handler is not on it.
    this.pool.on('connect', (client) =>
      client.on('error', (err) => o.log.warn('fan-out listener lost', { error: err.message })),
    );
    o.io.adapter(
      createAdapter(this.pool, {
        channelPrefix: 'hub',
        tableName: FANOUT_TABLE,
        errorHandler: (err: Error) => o.log.warn('fan-out notification failed', { error: err.message }),
      }),
    );
    o.io.on(HEAD_MOVED, (raw: unknown) => {
      const msg = HeadMoved.safeParse(raw);
      if (!msg.success) {
        o.log.warn('a fan-out notification was not understood', { error: msg.error.message.slice(0, 200) });
        return;
      }
      this.moved(msg.data, 'notify');
    });
  }

  /** Starts the safety poll from the head the hub started with. */
  start(head: number, urgent: number): void {
    this.known = Math.max(this.known, head);
    this.urgent = Math.max(this.urgent, urgent);
    const every = this.o.pollMs ?? DEFAULT_POLL_MS;
    this.timer = setInterval(() => void this.poll(), every);
    this.timer.unref();
  }

  /** Tells the other instances this one committed up to `seq`. */
  announce(seq: number, urgent: number): void {
    if (this.closed) return;
    this.known = Math.max(this.known, seq);
    this.urgent = Math.max(this.urgent, urgent);
    this.pending = {
      seq: Math.max(seq, this.pending?.seq ?? 0),
      urgent: Math.max(urgent, this.pending?.urgent ?? 0),
    };
    if (this.announcing) return;
    void this.flush();
  }

  /** How many instances the adapter's heartbeats show, this one included. */
  instances(): Promise<number> {
    return this.o.io.of('/').adapter.serverCount();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    // io.close() has closed the adapter, which releases its LISTEN connection; the pool ends once every connection is
    // back. A connection never given back (a NOTIFY or the LISTEN client still out) must not hold the hub's stop
    // for ever — seen once in CI as a 30 s hang: after 3 s the stop goes on and says so.
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      this.pool.end().then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), POOL_END_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!ended)
      this.o.log.warn('fan-out connections still out at stop; going on without them', {
        total: this.pool.totalCount,
        idle: this.pool.idleCount,
      });
  }

  private async flush(): Promise<void> {
    this.announcing = true;
    try {
      while (this.pending && !this.closed) {
        const { seq, urgent } = this.pending;
        this.pending = undefined;
        const msg: HeadMoved = { instance: this.o.instance(), seq, urgent };
        // The adapter NOTIFYs through the pool; a failure is its errorHandler's (the poll covers it).
        this.o.io.serverSideEmit(HEAD_MOVED, msg);
        // One notification per turn of the event loop at most: a flood's group commits share them.
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.announcing = false;
    }
  }

  /**
   * Also a notification for a head already passed counts when it names a newer urgent event: this instance's own
   * later commit woke the pumps, but the urgent lane learns of another's urgent events only from here.
   */
  private moved(head: { seq: number; urgent: number }, by: 'notify' | 'poll'): void {
    if (head.seq <= this.known && head.urgent <= this.urgent) return;
    this.known = Math.max(this.known, head.seq);
    this.urgent = Math.max(this.urgent, head.urgent);
    this.o.onMoved(head, by);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const head = await this.o.readHead(this.known);
      // Also right after a local commit whose announce has not run yet: a wake-up too many, nothing worse.
      if (head.seq > this.known)
        this.o.log.debug('the poll found the head moved', { from: this.known, to: head.seq });
      this.moved(head, 'poll');
    } catch (err) {
      // The database away: readiness says so; the next poll tries again.
      this.o.log.warn('fan-out poll failed', { error: (err as Error).message });
    } finally {
      this.polling = false;
    }
  }
}
