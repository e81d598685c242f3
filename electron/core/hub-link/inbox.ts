import type { Knex } from 'knex';
import { HubEvent, describeIssues } from '../../../shared/contract';
import type { HubDeadLetter, StoredHubEvent } from '../../../shared/contract';
import { connectionOf, prepared } from '../../common/prepared';
import { inSavepoint } from '../util/prepared';
import { isDiskFull } from '../errors';

export const LAST_SEQ_KEY = 'hub.lastSeq';
/** What a dead letter keeps of the event as it came: enough to see what the hub sent, never megabytes. */
const RAW_KEPT = 4000;

export type DeadLetterReason = HubDeadLetter['reason'];

export type CommitResult =
  | { status: 'committed'; event: StoredHubEvent }
  | { status: 'refused'; seq: number; kind: string | null; reason: DeadLetterReason; error: string }
  | { status: 'unreadable'; error: string }
  | { status: 'duplicate' }
  | { status: 'gap'; expected: number; got: number }
  /** Committed already on the urgent lane (protocol 4): logged in order now, its effects not applied again. */
  | { status: 'overtaken'; seq: number };

/** Work another feature does inside the same transaction as the event (alarms, positions...). */
export type InboxApplier = (trx: Knex.Transaction, event: StoredHubEvent) => Promise<void>;

export async function lastCommittedSeq(db: Knex | Knex.Transaction): Promise<number> {
  const row = (await db('meta').where({ key: LAST_SEQ_KEY }).first()) as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

/** One event as it came off the link, with the time the console read it. */
export interface InboxItem {
  raw: unknown;
  receivedAt: number;
}

/**
 * Commits one hub event and the cursor together. Events must arrive in sequence: a duplicate is ignored and
 * a gap is reported so the link asks for a replay. An event that fails validation, or whose appliers fail, is
 * set aside as a dead letter in the same transaction as the cursor, so the stream moves past it: one bad event
 * must never hold back the fire alarm behind it. Only a fault of the storage itself (disk full, I/O error) rolls
 * everything back, so the event comes again once the disk is fixed.
 */
export async function commitHubEvent(
  db: Knex,
  raw: unknown,
  receivedAt: number,
  appliers: readonly InboxApplier[],
): Promise<CommitResult> {
  const [result] = await commitHubEvents(db, [{ raw, receivedAt }], appliers);
  return result!;
}

/**
 * Commits several hub events in ONE transaction (one fsync under `synchronous=FULL`, which is what a flood costs),
 * each judged exactly as `commitHubEvent` judges it, in order, against the cursor the events before it left: each
 * in its own savepoint, so a refused one becomes a dead letter while the rest commit. A storage fault rolls back
 * the whole group and is thrown: none of them may be acknowledged. Results come in the order of `items`.
 */
export async function commitHubEvents(
  db: Knex,
  items: readonly InboxItem[],
  appliers: readonly InboxApplier[],
): Promise<CommitResult[]> {
  const results: (CommitResult | undefined)[] = items.map(({ raw }) => {
    const seq = (raw as { seq?: unknown } | null)?.seq;
    return typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1
      ? { status: 'unreadable', error: 'event without a valid seq' }
      : undefined;
  });
  // Nothing to store: no transaction (and no fsync) for a group of unreadable messages.
  if (results.every((r) => r !== undefined)) return results;
  return db.transaction(async (trx) => {
    const first = await lastCommittedSeq(trx);
    let last = first;
    const early = await overtakenAfter(trx, first, first + items.length);
    for (const [i, { raw, receivedAt }] of items.entries()) {
      if (results[i]) continue;
      const seq = (raw as { seq: number }).seq;
      if (seq <= last) {
        results[i] = { status: 'duplicate' };
        continue;
      }
      if (seq !== last + 1) {
        results[i] = { status: 'gap', expected: last + 1, got: seq };
        continue;
      }
      last = seq;
      const overtaken = early.get(seq);
      results[i] =
        overtaken && (await isSameEvent(trx, overtaken, raw))
          ? await logOvertaken(trx, overtaken)
          : await applyOne(trx, seq, raw, receivedAt, appliers);
    }
    // The cursor once for the group: it names the last event the group moved past.
    if (last !== first) await setCursor(trx, last);
    return results.map((r) => r!);
  });
}

interface UrgentRow {
  seq: number;
  kind: string;
  at: number;
  body: string;
  received_at: number;
}

/** The urgent-lane commits (hub_urgent) the ordered stream may reach in this group: one query per group. */
async function overtakenAfter(
  trx: Knex.Transaction,
  after: number,
  upTo: number,
): Promise<Map<number, UrgentRow>> {
  const rows = prepared(
    await connectionOf(trx),
    'SELECT seq, kind, at, body, received_at FROM hub_urgent WHERE seq > ? AND seq <= ?',
  ).all(after, upTo) as UrgentRow[];
  return new Map(rows.map((r) => [r.seq, r]));
}

/*
 * The overtaken events' statements are prepared too: in a flood with many fires a fifth of the events came on the
 * urgent lane, and each then cost three knex queries (built, prepared and run anew) when the ordered stream reached
 * it.
 */
const DROP_URGENT = 'DELETE FROM hub_urgent WHERE seq = ?';

/**
 * Whether the ordered event is the one the urgent lane brought under its sequence. A hub out of step (or hostile)
 * could have sent something else there: then the urgent row goes (its alarm stays: it was shown) and the ordered
 * event is applied as any other, so no event of the log is ever replaced by another.
 */
async function isSameEvent(trx: Knex.Transaction, row: UrgentRow, raw: unknown): Promise<boolean> {
  const parsed = HubEvent.safeParse(raw);
  if (parsed.success && parsed.data.kind === row.kind && JSON.stringify(parsed.data.data) === row.body)
    return true;
  prepared(await connectionOf(trx), DROP_URGENT).run(row.seq);
  return false;
}

/**
 * The ordered stream reached an event the urgent lane committed: it enters the log in its place, as it came then,
 * and its effects (the alarm) stay as they are, once. The urgent row has done its work.
 */
async function logOvertaken(trx: Knex.Transaction, row: UrgentRow): Promise<CommitResult> {
  const conn = await connectionOf(trx);
  prepared(
    conn,
    'INSERT INTO hub_events (seq, kind, at, body, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING',
  ).run(row.seq, row.kind, row.at, row.body, row.received_at);
  prepared(conn, DROP_URGENT).run(row.seq);
  return { status: 'overtaken', seq: row.seq };
}

/** One in-sequence event inside the group's transaction: stored with its effects, or set aside. */
async function applyOne(
  trx: Knex.Transaction,
  seq: number,
  raw: unknown,
  receivedAt: number,
  appliers: readonly InboxApplier[],
): Promise<CommitResult> {
  const kind = kindOf(raw);
  const parsed = HubEvent.safeParse(raw);
  if (!parsed.success) {
    const error = clip(describeIssues(parsed.error), 2000);
    await putDeadLetter(trx, { seq, kind, reason: 'invalid', error, raw, receivedAt });
    return { status: 'refused', seq, kind, reason: 'invalid', error };
  }
  const { seq: _s, at, ...body } = parsed.data;
  const stored = { seq, at, receivedAt, ...body } as StoredHubEvent;
  try {
    // The event and its effects in a savepoint: if an applier throws, they go and the cursor stays.
    await inSavepoint(trx, async (sp) => {
      prepared(
        await connectionOf(sp),
        'INSERT INTO hub_events (seq, kind, at, body, received_at) VALUES (?, ?, ?, ?, ?)',
      ).run(seq, body.kind, at, JSON.stringify(body.data), receivedAt);
      for (const apply of appliers) await apply(sp, stored);
    });
  } catch (err) {
    if (isStorageFault(err)) throw err;
    const error = clip(`${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`, 2000);
    await putDeadLetter(trx, { seq, kind, reason: 'failed', error, raw, receivedAt });
    return { status: 'refused', seq, kind, reason: 'failed', error };
  }
  return { status: 'committed', event: stored };
}

/**
 * Sets aside the event after the cursor without having read it (it was too big to receive). Only if the cursor
 * is still `afterSeq`: the link decides from what it saw, and the database must agree.
 */
export async function setAsideNext(
  db: Knex,
  afterSeq: number,
  error: string,
  receivedAt: number,
): Promise<number | undefined> {
  return db.transaction(async (trx) => {
    if ((await lastCommittedSeq(trx)) !== afterSeq) return undefined;
    const seq = afterSeq + 1;
    await setCursor(trx, seq);
    await putDeadLetter(trx, { seq, kind: null, reason: 'oversize', error, raw: '', receivedAt });
    return seq;
  });
}

export async function listDeadLetters(
  db: Knex,
  limit: number,
  beforeSeq?: number,
): Promise<{ deadLetters: HubDeadLetter[]; total: number }> {
  const q = db('hub_dead_letters');
  if (beforeSeq !== undefined) q.where('seq', '<', beforeSeq);
  const rows = (await q.orderBy('seq', 'desc').limit(limit)) as {
    seq: number;
    kind: string | null;
    reason: DeadLetterReason;
    error: string;
    raw: string;
    received_at: number;
  }[];
  return {
    deadLetters: rows.map((r) => ({
      seq: r.seq,
      kind: r.kind,
      reason: r.reason,
      error: r.error,
      raw: r.raw,
      receivedAt: r.received_at,
    })),
    total: await countDeadLetters(db),
  };
}

export async function countDeadLetters(db: Knex | Knex.Transaction): Promise<number> {
  const row = (await db('hub_dead_letters').count({ n: '*' }).first()) as { n: number } | undefined;
  return Number(row?.n ?? 0);
}

async function setCursor(trx: Knex.Transaction, seq: number): Promise<void> {
  await trx('meta')
    .insert({ key: LAST_SEQ_KEY, value: String(seq) })
    .onConflict('key')
    .merge();
}

async function putDeadLetter(
  trx: Knex.Transaction,
  d: {
    seq: number;
    kind: string | null;
    reason: DeadLetterReason;
    error: string;
    raw: unknown;
    receivedAt: number;
  },
): Promise<void> {
  const raw = typeof d.raw === 'string' ? d.raw : safeJson(d.raw);
  await trx('hub_dead_letters')
    .insert({
      seq: d.seq,
      kind: d.kind,
      reason: d.reason,
      error: d.error,
      raw: clip(raw, RAW_KEPT),
      received_at: d.receivedAt,
    })
    .onConflict('seq')
    .merge();
}

/** The storage failed, not the event: roll it all back and let the hub send it again. */
export function isStorageFault(err: unknown): boolean {
  if (isDiskFull(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    /^SQLITE_(BUSY|LOCKED|FULL|IOERR|NOMEM|INTERRUPT|READONLY|CORRUPT|NOTADB|CANTOPEN|PROTOCOL|PERM|AUTH)/.test(
      code,
    )
  );
}

function kindOf(raw: unknown): string | null {
  const kind = (raw as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? clip(kind, 64) : null;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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
