import type { Knex } from 'knex';
import { HubEvent, describeIssues, isUrgentEvent } from '../../../shared/contract';
import type { HubEventAck, StoredHubEvent } from '../../../shared/contract';
import type { Logger } from '../../common/log';
import { connectionOf, prepared } from '../../common/prepared';
import { inSavepoint } from '../util/prepared';
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
  const [result] = await commitUrgentEvents(db, [{ raw, receivedAt }], appliers);
  return result!;
}

/**
 * The urgent events waiting together, in ONE transaction (one disk flush: in a flood with many fires the lane
 * brings up to 16 at a time, and a flush each was most of what they cost), each judged as `commitUrgentEvent`
 * judges it, in its own savepoint so an applier's failure declines that one alone. A storage fault rolls back all
 * of them and is thrown: none may be acknowledged. Results come in the order of `items`.
 */
export async function commitUrgentEvents(
  db: Knex,
  items: readonly InboxItem[],
  appliers: readonly InboxApplier[],
): Promise<UrgentResult[]> {
  const results: (UrgentResult | undefined)[] = items.map(({ raw }) => {
    const parsed = HubEvent.safeParse(raw);
    if (!parsed.success) return { status: 'declined', error: describeIssues(parsed.error).slice(0, 500) };
    if (!isUrgentEvent(parsed.data)) return { status: 'declined', error: 'not an urgent event' };
    return undefined;
  });
  if (results.every((r) => r !== undefined)) return results;
  return db.transaction(async (trx) => {
    const cursor = await lastCommittedSeq(trx);
    const taken = new Set<number>();
    // Prepared, as the inbox's statements are: a flood's fires come this way by the hundred.
    const known = prepared(await connectionOf(trx), 'SELECT 1 FROM hub_urgent WHERE seq = ?');
    for (const [i, { raw, receivedAt }] of items.entries()) {
      if (results[i]) continue;
      const { seq, at, ...body } = HubEvent.parse(raw);
      const stored = { seq, at, receivedAt, ...body } as StoredHubEvent;
      if (seq <= cursor || taken.has(seq) || known.get(seq) !== undefined) {
        results[i] = { status: 'duplicate' };
        continue;
      }
      try {
        await inSavepoint(trx, async (sp) => {
          prepared(
            await connectionOf(sp),
            'INSERT INTO hub_urgent (seq, kind, at, body, received_at) VALUES (?, ?, ?, ?, ?)',
          ).run(seq, body.kind, at, JSON.stringify(body.data), receivedAt);
          for (const apply of appliers) await apply(sp, stored);
        });
        taken.add(seq);
        results[i] = { status: 'committed', event: stored };
      } catch (err) {
        if (isStorageFault(err)) throw err;
        results[i] = {
          status: 'declined',
          error: `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message}`.slice(0, 500),
        };
      }
    }
    return results.map((r) => r!);
  });
}

/** Urgent events committed ahead of the cursor and not yet reached in order (for the status and tests). */
export async function pendingUrgentSeqs(db: Knex): Promise<number[]> {
  return (await db('hub_urgent').orderBy('seq').pluck('seq')) as number[];
}

/**
 * Takes the events waiting on the urgent lane: commits them ahead of the backlog and answers the hub on its lane
 * for each, only once it is on disk. Nothing here moves the cursor, so the link's ordered stream is untouched
 * whatever happens.
 */
export async function receiveUrgent(
  items: readonly (InboxItem & { ack: ((reply: HubEventAck) => void) | undefined })[],
  o: { db: Knex; log: Logger; appliers: readonly InboxApplier[]; onEvent(event: StoredHubEvent): void },
): Promise<void> {
  let results: UrgentResult[];
  try {
    results = await commitUrgentEvents(o.db, items, o.appliers);
  } catch (err) {
    // The storage failed: not acknowledged, and the ordered stream brings them again once they can be stored.
    o.log.error('committing an urgent hub event failed', { error: (err as Error).message });
    for (const item of items) item.ack?.({ ok: false, error: 'console could not store the event' });
    return;
  }
  for (const [i, result] of results.entries()) {
    const item = items[i]!;
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
}
