import type { Knex } from 'knex';
import { HubEvent, describeIssues } from '../../../shared/contract';
import type { StoredHubEvent } from '../../../shared/contract';

export const LAST_SEQ_KEY = 'hub.lastSeq';

export type CommitResult =
  | { status: 'committed'; event: StoredHubEvent }
  | { status: 'rejected'; seq: number; reason: string }
  | { status: 'duplicate' }
  | { status: 'gap'; expected: number; got: number };

/** Work another feature does inside the same transaction as the event (alarms, positions...). */
export type InboxApplier = (trx: Knex.Transaction, event: StoredHubEvent) => Promise<void>;

export async function lastCommittedSeq(db: Knex | Knex.Transaction): Promise<number> {
  const row = (await db('meta').where({ key: LAST_SEQ_KEY }).first()) as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

/**
 * Commits one hub event and the cursor together. Events must arrive in sequence: a duplicate is ignored and
 * a gap is reported so the link asks for a replay. An event that fails validation is kept as `_rejected`
 * (so the cursor can move past it) and reported; it is never applied.
 */
export async function commitHubEvent(
  db: Knex,
  raw: unknown,
  receivedAt: number,
  appliers: readonly InboxApplier[],
): Promise<CommitResult> {
  const seq = (raw as { seq?: unknown } | null)?.seq;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) {
    return { status: 'rejected', seq: -1, reason: 'event without a valid seq' };
  }
  return db.transaction(async (trx) => {
    const last = await lastCommittedSeq(trx);
    if (seq <= last) return { status: 'duplicate' } as const;
    if (seq !== last + 1) return { status: 'gap', expected: last + 1, got: seq } as const;
    const parsed = HubEvent.safeParse(raw);
    await trx('meta')
      .insert({ key: LAST_SEQ_KEY, value: String(seq) })
      .onConflict('key')
      .merge();
    if (!parsed.success) {
      const reason = describeIssues(parsed.error);
      await trx('hub_events').insert({
        seq,
        kind: '_rejected',
        at: receivedAt,
        body: JSON.stringify({ raw: JSON.stringify(raw).slice(0, 4000), reason }),
        received_at: receivedAt,
      });
      return { status: 'rejected', seq, reason } as const;
    }
    const { seq: _s, at, ...body } = parsed.data;
    const stored = { seq, at, receivedAt, ...body } as StoredHubEvent;
    await trx('hub_events').insert({
      seq,
      kind: body.kind,
      at,
      body: JSON.stringify(body.data),
      received_at: receivedAt,
    });
    for (const apply of appliers) await apply(trx, stored);
    return { status: 'committed', event: stored } as const;
  });
}

export function rowToStoredEvent(row: {
  seq: number;
  kind: string;
  at: number;
  body: string;
  received_at: number;
}): StoredHubEvent {
  return {
    seq: row.seq,
    at: row.at,
    receivedAt: row.received_at,
    kind: row.kind,
    data: JSON.parse(row.body),
  } as StoredHubEvent;
}
