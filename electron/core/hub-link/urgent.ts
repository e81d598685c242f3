import type { Knex } from 'knex';
import { HubEvent, describeIssues, isUrgentEvent } from '../../../shared/contract';
import type { HubEventAck, StoredHubEvent } from '../../../shared/contract';
import type { Logger } from '../../common/log';
import { type InboxApplier, type InboxItem, isStorageFault, lastCommittedSeq } from './inbox';

export type UrgentResult =
  | { status: 'committed'; event: StoredHubEvent }
  | { status: 'duplicate' }
  /** Not taken early (unreadable, not urgent, or an applier failed): the ordered replay brings it and judges it. */
  | { status: 'declined'; error: string };

/**
 * Commits an event of the urgent lane (hub protocol 4) at once, in a transaction of its own, ahead of the ordered
 * stream: its effects (the fire alarm) now, and its sequence in `hub_urgent` so the ordered replay recognises it
 * (inbox.ts logs it in its place without applying it again). The cursor does not move: it still names the last
 * event committed in order. Anything doubtful is declined rather than set aside: the ordered stream is the one
 * that decides about dead letters, and it brings every event anyway.
 */
export async function commitUrgentEvent(
  db: Knex,
  raw: unknown,
  receivedAt: number,
  appliers: readonly InboxApplier[],
): Promise<UrgentResult> {
  const parsed = HubEvent.safeParse(raw);
  if (!parsed.success) return { status: 'declined', error: describeIssues(parsed.error).slice(0, 500) };
  if (!isUrgentEvent(parsed.data)) return { status: 'declined', error: 'not an urgent event' };
  const { seq, at, ...body } = parsed.data;
  const stored = { seq, at, receivedAt, ...body } as StoredHubEvent;
  try {
    return await db.transaction(async (trx) => {
      if (seq <= (await lastCommittedSeq(trx))) return { status: 'duplicate' as const };
      if (await trx('hub_urgent').where({ seq }).first()) return { status: 'duplicate' as const };
      await trx('hub_urgent').insert({
        seq,
        kind: body.kind,
        at,
        body: JSON.stringify(body.data),
        received_at: receivedAt,
      });
      for (const apply of appliers) await apply(trx, stored);
      return { status: 'committed' as const, event: stored };
    });
  } catch (err) {
    if (isStorageFault(err)) throw err;
    return {
      status: 'declined',
      error: `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message}`.slice(0, 500),
    };
  }
}

/** Urgent events committed ahead of the cursor and not yet reached in order (for the status and tests). */
export async function pendingUrgentSeqs(db: Knex): Promise<number[]> {
  return (await db('hub_urgent').orderBy('seq').pluck('seq')) as number[];
}

/**
 * Takes one event off the urgent lane: commits it ahead of the backlog and answers the hub on its lane, only once
 * it is on disk. Nothing here moves the cursor, so the link's ordered stream is untouched whatever happens.
 */
export async function receiveUrgent(
  item: InboxItem & { ack: ((reply: HubEventAck) => void) | undefined },
  o: { db: Knex; log: Logger; appliers: readonly InboxApplier[]; onEvent(event: StoredHubEvent): void },
): Promise<void> {
  let result: UrgentResult;
  try {
    result = await commitUrgentEvent(o.db, item.raw, item.receivedAt, o.appliers);
  } catch (err) {
    // The storage failed: not acknowledged, and the ordered stream brings it again once it can be stored.
    o.log.error('committing an urgent hub event failed', { error: (err as Error).message });
    item.ack?.({ ok: false, error: 'console could not store the event' });
    return;
  }
  switch (result.status) {
    case 'committed':
      item.ack?.({ ok: true, seq: result.event.seq });
      o.log.info('urgent hub event committed ahead of the backlog', {
        seq: result.event.seq,
        kind: result.event.kind,
      });
      o.onEvent(result.event);
      break;
    case 'duplicate':
      item.ack?.({ ok: true, duplicate: true });
      break;
    case 'declined':
      o.log.warn('urgent hub event not taken early', { error: result.error });
      item.ack?.({ ok: false, error: result.error });
      break;
  }
}
