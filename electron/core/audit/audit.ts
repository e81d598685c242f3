import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

export const GENESIS = '0'.repeat(64);

export interface AuditEntry {
  at: number;
  actorId: string;
  actorName: string;
  action: string;
  target?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

interface AuditRow {
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

/** The hash covers every field and the previous hash, so any edit, insertion or removal breaks the chain. */
export function entryHash(prevHash: string, row: Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>): string {
  return chainHash(prevHash, [row.at, row.actor_id, row.actor_name, row.action, row.target, row.details]);
}

/** One link of a hash chain: SHA-256 over the previous hash and the fields, as canonical JSON. */
export function chainHash(prevHash: string, fields: readonly unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify([prevHash, ...fields]))
    .digest('hex');
}

/** Appends inside the caller's transaction: the change and its audit entry commit together. */
export async function appendAudit(trx: Knex.Transaction | Knex, entry: AuditEntry): Promise<void> {
  const last = (await trx('audit_log').orderBy('seq', 'desc').first('hash')) as { hash: string } | undefined;
  const prevHash = last?.hash ?? GENESIS;
  const row = {
    at: entry.at,
    actor_id: entry.actorId,
    actor_name: entry.actorName,
    action: entry.action,
    target: entry.target ?? null,
    details: JSON.stringify(entry.details ?? {}),
  };
  await trx('audit_log').insert({ ...row, prev_hash: prevHash, hash: entryHash(prevHash, row) });
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first sequence number whose entry does not match the chain. */
  brokenAt?: number;
  reason?: string;
}

/** Walks the whole chain; with 10^6 entries this takes seconds, so it is an explicit check, not a hot path. */
export async function verifyAudit(db: Knex): Promise<AuditVerification> {
  let prev = GENESIS;
  let expectedSeq = 1;
  let entries = 0;
  let afterSeq = 0;
  for (;;) {
    const rows = (await db('audit_log').where('seq', '>', afterSeq).orderBy('seq').limit(5000)) as AuditRow[];
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.seq !== expectedSeq)
        return { ok: false, entries, brokenAt: expectedSeq, reason: 'an entry is missing' };
      if (row.prev_hash !== prev)
        return { ok: false, entries, brokenAt: row.seq, reason: 'the chain is broken here' };
      if (entryHash(prev, row) !== row.hash)
        return { ok: false, entries, brokenAt: row.seq, reason: 'this entry was changed' };
      prev = row.hash;
      expectedSeq += 1;
      entries += 1;
      afterSeq = row.seq;
    }
  }
  return { ok: true, entries };
}
