import type { Knex } from 'knex';
import type { HubAction } from '../../../shared/contract';

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
