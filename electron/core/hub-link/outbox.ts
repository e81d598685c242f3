import type { Knex } from 'knex';
import type { Socket } from 'socket.io-client';
import { HUB_MESSAGES, HubActionReply, type HubAction } from '../../../shared/contract';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';

const OUTBOX_RETRY_MS = 5_000;

export interface OutboxRow {
  id: number;
  key: string;
  type: string;
  payload: string;
  created_at: number;
  attempts: number;
}

/**
 * Queues an action for the hub inside the caller's transaction, so the local change and the promise to
 * tell the hub commit or roll back together.
 */
export async function enqueueAction(
  trx: Knex.Transaction,
  action: { key: string; type: string; payload: unknown; createdAt: number },
): Promise<void> {
  await trx('outbox').insert({
    key: action.key,
    type: action.type,
    payload: JSON.stringify(action.payload ?? null),
    created_at: action.createdAt,
  });
}

export async function pendingCount(db: Knex): Promise<number> {
  const row = (await db('outbox').whereNull('refused_at').count({ n: '*' }).first()) as
    { n: number } | undefined;
  return Number(row?.n ?? 0);
}

export async function oldestPending(db: Knex): Promise<OutboxRow | undefined> {
  return (await db('outbox').whereNull('refused_at').orderBy('id').first()) as OutboxRow | undefined;
}

export function toHubAction(row: OutboxRow): HubAction {
  return { key: row.key, type: row.type, payload: JSON.parse(row.payload), createdAt: row.created_at };
}

export interface OutboxSenderOptions {
  db: Knex;
  clock: Clock;
  log: Logger;
  actionTimeoutMs?: number | undefined;
  /** The link's socket while it is connected and synced, else nothing: only then may actions go. */
  socket(): Socket | undefined;
  /** Runs `fn` after `ms`, in place of any retry already pending on the link. */
  later(fn: () => void, ms: number): void;
  /** The number of rows waiting changed. */
  onCount(): void;
  /** The hub will never apply this action; the row stays, marked, for the operator to see. */
  onRefused(row: OutboxRow, why: string): void;
}

/** The sending side of the outbox: one action at a time, each row deleted only after the hub's acknowledgement. */
export class OutboxSender {
  /** Rows still to send (refused ones are not counted). */
  count = 0;
  private draining = false;

  constructor(private readonly o: OutboxSenderOptions) {}

  async refresh(): Promise<void> {
    const n = await pendingCount(this.o.db);
    if (n !== this.count) {
      this.count = n;
      this.o.onCount();
    }
  }

  /** Sends the outbox oldest first, one at a time; a row is deleted only after the hub's acknowledgement. */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const socket = this.o.socket();
        if (!socket?.connected) break;
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
          this.o.onRefused(row, why);
        }
        await this.refresh();
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
    this.o.later(() => void this.drain(), OUTBOX_RETRY_MS);
  }
}
