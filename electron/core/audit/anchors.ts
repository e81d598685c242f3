import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Knex } from 'knex';
import { AUDIT_ANCHOR_ACTION, AuditAnchor } from '../../../shared/contract';
import { enqueueAction } from '../hub-link/outbox';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { auditKeyring, readKeyingRecord } from './chain';

export { AuditAnchor };

/**
 * The chain's head, kept where a rewrite of the database cannot reach it: beside every backup, in the data
 * directory (`audit-anchor.json`, the latest) and at the hub (the `audit.anchor` action). A chain rebuilt after
 * an anchor was taken — rows removed and every link recomputed, even with the key — no longer has that hash at
 * that sequence number, and `verifyAudit` names the anchor.
 */
export const LATEST_ANCHOR_FILE = 'audit-anchor.json';

export async function auditHead(
  db: Knex | Knex.Transaction,
): Promise<{ seq: number; hash: string } | undefined> {
  return (await db('audit_log').orderBy('seq', 'desc').first('seq', 'hash')) as
    { seq: number; hash: string } | undefined;
}

export async function currentAnchor(
  db: Knex | Knex.Transaction,
  at: number,
  reason: NonNullable<AuditAnchor['reason']>,
): Promise<AuditAnchor | undefined> {
  const head = await auditHead(db);
  if (!head) return undefined;
  const record = await readKeyingRecord(db);
  return {
    seq: head.seq,
    hash: head.hash,
    at,
    keyedFrom: record && record !== 'damaged' ? record.keyedFrom : null,
    reason,
  };
}

/** Written aside and renamed over, so a crash leaves the previous anchor rather than half a file. */
export function writeAnchorFile(file: string, anchor: AuditAnchor): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ format: 'audit-anchor/1', ...anchor }, null, 2)}\n`);
  renameSync(tmp, file);
}

export function anchorFileForBackup(backupFile: string): string {
  return backupFile.replace(/\.sqlite$/, '') + '.anchor.json';
}

/** Beside a backup just written; also the data directory's latest when the database's keyring is known. */
export function anchorBackup(db: Knex, backupFile: string, anchor: AuditAnchor | undefined): void {
  if (!anchor) return;
  writeAnchorFile(anchorFileForBackup(backupFile), anchor);
  announceAnchor(db, anchor);
}

/** The head before a backup: the copy taken after it holds at least that row. Undefined before migration 2. */
export async function anchorBeforeBackup(db: Knex, at: number): Promise<AuditAnchor | undefined> {
  if (!(await db.schema.hasTable('audit_log'))) return undefined;
  return currentAnchor(db, at, 'backup');
}

export function removeBackupAnchor(backupFile: string): void {
  rmSync(anchorFileForBackup(backupFile), { force: true });
}

/** After the anchor's transaction committed: the data directory's copy, and the outbox nudged. */
export function announceAnchor(db: Knex, anchor: AuditAnchor): void {
  const ring = auditKeyring(db);
  if (!ring) return;
  if (ring.anchorDir) writeAnchorFile(join(ring.anchorDir, LATEST_ANCHOR_FILE), anchor);
  ring.anchored?.();
}

export interface FoundAnchor {
  /** Where it was found, relative to the data directory. */
  name: string;
  anchor?: AuditAnchor;
  problem?: string;
}

/** Every anchor kept in the data directory: the latest one and those beside the backups. */
export function localAnchors(dataDir: string): FoundAnchor[] {
  const files = [join(dataDir, LATEST_ANCHOR_FILE)];
  for (const dir of [join(dataDir, 'backups'), join(dataDir, 'backups', 'retention')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.anchor.json')) files.push(join(dir, f));
  }
  const found: FoundAnchor[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const name = relative(dataDir, file);
    try {
      const parsed = AuditAnchor.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      found.push(parsed.success ? { name, anchor: parsed.data } : { name, problem: 'not an audit anchor' });
    } catch (err) {
      found.push({ name, problem: (err as Error).message });
    }
  }
  return found;
}

const ANCHORED = 'audit.anchoredSeq';

/**
 * Queues the head for the hub inside the caller's transaction (a shift seal anchors the very entry that records
 * it). Call announceAnchor with the result once the transaction has committed. The idempotency key is the head
 * itself: unique across the consoles of one hub (their chains differ) and across a chain rebuilt after a restore,
 * and the same head queued twice is queued once.
 */
export async function enqueueAnchor(
  trx: Knex.Transaction,
  o: { at: number; reason: 'hourly' | 'seal' },
): Promise<AuditAnchor | undefined> {
  const anchor = await currentAnchor(trx, o.at, o.reason);
  if (!anchor) return undefined;
  const key = `audit-anchor-${anchor.seq}-${anchor.hash}`;
  if (await trx('outbox').where({ key }).first('id')) return anchor;
  await enqueueAction(trx, { key, type: AUDIT_ANCHOR_ACTION, payload: anchor, createdAt: o.at });
  await trx('meta')
    .insert({ key: ANCHORED, value: String(anchor.seq) })
    .onConflict('key')
    .merge();
  return anchor;
}

/** The hourly anchor to the hub; an hour without a new entry sends nothing (the hub has that head already). */
export class AuditAnchoring {
  private timer: unknown;

  constructor(
    private readonly o: {
      db: Knex;
      clock: Clock;
      log: Logger;
      everyMs?: number;
    },
  ) {}

  start(): void {
    this.timer = this.o.clock.setInterval(() => {
      this.anchorNow().catch((err: Error) =>
        this.o.log.error('anchoring the audit chain failed', { error: err.message }),
      );
    }, this.o.everyMs ?? 3600_000);
  }

  stop(): void {
    if (this.timer !== undefined) this.o.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  async anchorNow(): Promise<AuditAnchor | undefined> {
    const anchor = await this.o.db.transaction(async (trx) => {
      const head = await auditHead(trx);
      const sent = (await trx('meta').where({ key: ANCHORED }).first('value')) as
        { value: string } | undefined;
      if (!head || (sent && Number(sent.value) >= head.seq)) return undefined;
      return enqueueAnchor(trx, { at: this.o.clock.now(), reason: 'hourly' });
    });
    if (anchor) announceAnchor(this.o.db, anchor);
    return anchor;
  }
}
