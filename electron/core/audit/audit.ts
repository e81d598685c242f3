import type { Knex } from 'knex';
import { connectionOf, isTransaction, prepared } from '../../common/prepared';
import { ServiceError } from '../errors';
import { localAnchors, type FoundAnchor } from './anchors';
import {
  auditKeyring,
  chainHash,
  GENESIS,
  isKeyed,
  keyId,
  keyingRecordValid,
  keyringFromDir,
  readKeyingRecord,
  type AuditKeyring,
  type KeyingRecord,
} from './chain';

export { chainHash, GENESIS } from './chain';

export interface AuditEntry {
  at: number;
  actorId: string;
  actorName: string;
  action: string;
  target?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

export interface AuditRow {
  seq: number;
  at: number;
  actor_id: string;
  actor_name: string;
  action: string;
  target: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** Who an entry names as its actor: an operator, or the console itself (`SYSTEM`). */
export function auditActor(a: { id: string; name: string }): { actorId: string; actorName: string } {
  return { actorId: a.id, actorName: a.name };
}

/**
 * Deletes the row of `table` with this id and writes its audit entry, in the caller's transaction, so neither
 * happens without the other; an id that is not there is refused as not_found with `missing` as the sentence.
 * Returns the row as it was.
 */
export async function removeAudited<Row extends object>(
  trx: Knex.Transaction,
  o: {
    table: string;
    id: string;
    missing: string;
    at: number;
    actor: { id: string; name: string };
    action: string;
    details(row: Row): Record<string, unknown>;
  },
): Promise<Row> {
  const row = (await trx(o.table).where({ id: o.id }).first()) as Row | undefined;
  if (!row) throw new ServiceError('not_found', o.missing);
  await trx(o.table).where({ id: o.id }).delete();
  await appendAudit(trx, {
    at: o.at,
    ...auditActor(o.actor),
    action: o.action,
    target: o.id,
    details: o.details(row),
  });
  return row;
}

/** The link covers every field and the previous link, so any edit, insertion or removal breaks the chain. */
export function entryHash(
  key: Buffer | undefined,
  prevHash: string,
  row: Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>,
): string {
  return chainHash(key, prevHash, auditColumns(row));
}

/** An entry's columns in the order the chain links them, which is also the order they are inserted in. */
function auditColumns(row: Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>) {
  return [row.at, row.actor_id, row.actor_name, row.action, row.target, row.details] as const;
}

/**
 * The key for a new row. The composition root attaches a keyring to the database it opens; one without a key
 * (file missing) writes plain links, fenced by the marker it set at start. A database opened without the
 * composition root (tests, tools) may still append to an unkeyed chain, never to a keyed one: an unkeyed row
 * there would break the chain for good.
 */
async function keyForAppend(trx: Knex.Transaction | Knex): Promise<Buffer | undefined> {
  const ring = auditKeyring(trx);
  if (ring) return ring.key;
  if (await readKeyingRecord(trx))
    throw new Error("this database's audit chain is keyed: open it with its audit key before writing to it");
  return undefined;
}

/** Appends inside the caller's transaction: the change and its audit entry commit together. */
export async function appendAudit(trx: Knex.Transaction | Knex, entry: AuditEntry): Promise<void> {
  const key = await keyForAppend(trx);
  const row = {
    at: entry.at,
    actor_id: entry.actorId,
    actor_name: entry.actorName,
    action: entry.action,
    target: entry.target ?? null,
    details: JSON.stringify(entry.details ?? {}),
  };
  if (isTransaction(trx)) {
    // Every hub alarm appends here: prepared statements on the transaction's connection (common/prepared.ts).
    const conn = await connectionOf(trx);
    const last = prepared(conn, 'SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
      { hash: string } | undefined;
    const prevHash = last?.hash ?? GENESIS;
    prepared(
      conn,
      'INSERT INTO audit_log (at, actor_id, actor_name, action, target, details, prev_hash, hash) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(...auditColumns(row), prevHash, entryHash(key, prevHash, row));
    return;
  }
  const last = (await trx('audit_log').orderBy('seq', 'desc').first('hash')) as { hash: string } | undefined;
  const prevHash = last?.hash ?? GENESIS;
  await trx('audit_log').insert({ ...row, prev_hash: prevHash, hash: entryHash(key, prevHash, row) });
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first sequence number whose entry does not match the chain. */
  brokenAt?: number;
  reason?: string;
  /** The first entry linked with the audit key (absent: the chain has never been keyed). */
  keyedFrom?: number;
  /** How many anchors kept outside the database were checked against the chain. */
  anchors?: number;
  /** Entries written while the key file was missing, accepted as unkeyed when it came back. */
  unkeyed?: Array<{ from: number; to: number }>;
}

function describeAnchor(a: FoundAnchor): string {
  return a.anchor
    ? `the anchor ${a.name} (taken ${new Date(a.anchor.at).toISOString()})`
    : `the anchor ${a.name}`;
}

/**
 * Walks the whole chain; with 10^6 entries this takes seconds, so it is an explicit check, not a hot path.
 * Rows before the keyed cut-over are checked with SHA-256 as they always were, rows after it with the key, and
 * then every anchor found in the data directory must still name a row of this chain with the same hash.
 * `dataDir` reads the key and the anchors from there (tools); otherwise the database's attached keyring is used.
 */
export async function verifyAudit(db: Knex, options: { dataDir?: string } = {}): Promise<AuditVerification> {
  const ring: AuditKeyring | undefined = options.dataDir ? keyringFromDir(options.dataDir) : auditKeyring(db);
  const read = await readKeyingRecord(db);
  if (read === 'damaged')
    return { ok: false, entries: 0, reason: 'the record of where the keyed chain begins cannot be read' };
  const record: KeyingRecord | undefined = read;
  const base: Pick<AuditVerification, 'keyedFrom' | 'unkeyed'> = record
    ? { keyedFrom: record.keyedFrom, unkeyed: record.unkeyed.map(([from, to]) => ({ from, to })) }
    : {};

  let key: Buffer | undefined;
  let noKey: string | undefined;
  if (record) {
    if (!ring) noKey = 'the audit key was not loaded for this check';
    else if (!ring.key) noKey = ring.problem ?? `the audit key file ${ring.keyFile} is missing`;
    else if (keyId(ring.key) !== record.keyId)
      noKey = `the audit key file ${ring.keyFile} belongs to another database`;
    else if (!keyingRecordValid(ring.key, record))
      return {
        ok: false,
        entries: 0,
        ...base,
        reason: 'the record of where the keyed chain begins was changed',
      };
    else key = ring.key;
  } else if (ring?.key) {
    // The console records the cut-over the moment it has a key; a keyed console without one lost it.
    return {
      ok: false,
      entries: 0,
      reason: 'the record of where the keyed chain begins is missing, though this console has an audit key',
    };
  }

  const found = ring?.anchorDir ? localAnchors(ring.anchorDir) : [];
  const fail = (entries: number, reason: string, brokenAt?: number): AuditVerification => ({
    ok: false,
    entries,
    ...(brokenAt !== undefined ? { brokenAt } : {}),
    reason,
    ...base,
    anchors: found.length,
  });
  const bySeq = new Map<number, FoundAnchor[]>();
  for (const a of found) {
    if (!a.anchor) return fail(0, `${describeAnchor(a)} cannot be read (${a.problem ?? 'unknown'})`);
    const k = a.anchor.keyedFrom;
    if (k !== null && k !== record?.keyedFrom)
      return fail(
        0,
        `${describeAnchor(a)} records that keyed entries begin at ${k}, but the database now says ` +
          `${record ? record.keyedFrom : 'the chain was never keyed'}: the chain was rebuilt`,
      );
    bySeq.set(a.anchor.seq, [...(bySeq.get(a.anchor.seq) ?? []), a]);
  }

  let prev = GENESIS;
  let expectedSeq = 1;
  let entries = 0;
  let unchecked = 0;
  let afterSeq = 0;
  if (record && record.keyedFrom === 1 && record.legacyHead !== GENESIS)
    return fail(0, 'the record of where the keyed chain begins was changed');
  for (;;) {
    const rows = (await db('audit_log').where('seq', '>', afterSeq).orderBy('seq').limit(5000)) as AuditRow[];
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.seq !== expectedSeq) return fail(entries, 'an entry is missing', expectedSeq);
      if (row.prev_hash !== prev) return fail(entries, 'the chain is broken here', row.seq);
      const keyed = isKeyed(record, row.seq);
      if (keyed && !key) unchecked += 1;
      else if (entryHash(keyed ? key : undefined, prev, row) !== row.hash)
        return fail(entries, 'this entry was changed', row.seq);
      if (record && row.seq === record.keyedFrom - 1 && row.hash !== record.legacyHead)
        return fail(entries, 'the entries before the keyed chain began were rebuilt', row.seq);
      for (const a of bySeq.get(row.seq) ?? []) {
        if (a.anchor!.hash !== row.hash)
          return fail(
            entries,
            `${describeAnchor(a)} does not match entry ${row.seq}: the chain was rebuilt after it was anchored`,
            row.seq,
          );
      }
      prev = row.hash;
      expectedSeq += 1;
      entries += 1;
      afterSeq = row.seq;
    }
  }
  const last = expectedSeq - 1;
  if (record && last < record.keyedFrom - 1)
    return fail(entries, `the chain ends at ${last}, before the keyed chain began`, last + 1);
  const beyond = found.filter((a) => a.anchor!.seq > last).sort((a, b) => a.anchor!.seq - b.anchor!.seq)[0];
  if (beyond)
    return fail(
      entries,
      `${describeAnchor(beyond)} names entry ${beyond.anchor!.seq}, but the chain ends at ${last}: entries were removed`,
      last + 1,
    );
  if (noKey && unchecked > 0)
    return {
      ok: false,
      entries: entries - unchecked,
      ...base,
      anchors: found.length,
      reason:
        `${noKey}, so ${unchecked} keyed entr${unchecked === 1 ? 'y' : 'ies'} cannot be checked. Put the key file ` +
        'back from its safe copy and restart the console; do not make a new one (the keyed entries could never be ' +
        'checked again).',
    };
  return { ok: true, entries, ...base, anchors: found.length };
}
