import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';

/**
 * The one chain mechanism of the console (the audit log and the shift seals). A link is computed over the
 * previous link and the entry's fields as canonical JSON: with the audit key it is an HMAC-SHA256, so only the
 * holder of the key can make a link that verifies; without it (rows written before keying began, or while the
 * key file was missing) it is a plain SHA-256, which anyone can recompute.
 */
export const GENESIS = '0'.repeat(64);

export function chainHash(key: Buffer | undefined, prevHash: string, fields: readonly unknown[]): string {
  const text = JSON.stringify([prevHash, ...fields]);
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(text).digest('hex');
}

export const AUDIT_KEY_FILE = 'audit.key';
const KEY_BYTES = 32;

export type AuditKeyFile =
  | { file: string; key: Buffer }
  | { file: string; key?: undefined; problem: 'missing' | 'damaged'; detail?: string };

/** Reads `<dataDir>/audit.key`; never creates it. */
export function readAuditKey(dataDir: string): AuditKeyFile {
  const file = join(dataDir, AUDIT_KEY_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? { file, problem: 'missing' }
      : { file, problem: 'damaged', detail: (err as Error).message };
  }
  if (bytes.length !== KEY_BYTES)
    return { file, problem: 'damaged', detail: `${bytes.length} bytes instead of ${KEY_BYTES}` };
  return { file, key: bytes };
}

/**
 * Makes a new key file, readable by its owner only. `wx`: an existing key is never overwritten, whatever the
 * caller believed. Flushed before anything is keyed with it, so a power cut cannot leave keyed rows behind a
 * key that never reached the disk.
 */
export function createAuditKey(dataDir: string): { file: string; key: Buffer } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, AUDIT_KEY_FILE);
  const key = randomBytes(KEY_BYTES);
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { file, key };
}

/** Names a key without revealing it, so a key file from another database is told apart from a changed record. */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('audit-key-id').digest('hex').slice(0, 16);
}

/**
 * Where the keyed chain begins, kept in `meta` and MAC'd with the key: moving the cut-over (to pass keyed rows
 * off as unkeyed ones anyone may recompute) needs the key. `legacyHead` pins the last unkeyed row before it, so
 * the legacy part cannot be rebuilt either, even before the first keyed row exists. `unkeyed` lists the spans
 * written while the key file was missing, accepted when it came back.
 */
export interface KeyingRecord {
  keyedFrom: number;
  legacyHead: string;
  unkeyed: Array<[number, number]>;
  keyId: string;
  mac: string;
}

const KEYING = 'audit.keying';
/** Set (unauthenticated: there is no key to sign it with) when rows start being written without the key. */
export const UNKEYED_FROM = 'audit.unkeyedFrom';

function recordMac(key: Buffer, r: Omit<KeyingRecord, 'mac'>): string {
  return chainHash(key, KEYING, [r.keyedFrom, r.legacyHead, r.unkeyed, r.keyId]);
}

export function keyingRecordValid(key: Buffer, r: KeyingRecord): boolean {
  const expected = Buffer.from(recordMac(key, r), 'hex');
  const found = Buffer.from(r.mac, 'hex');
  return found.length === expected.length && timingSafeEqual(found, expected);
}

export async function readKeyingRecord(
  db: Knex | Knex.Transaction,
): Promise<KeyingRecord | 'damaged' | undefined> {
  const row = (await db('meta').where({ key: KEYING }).first('value')) as { value: string } | undefined;
  if (!row) return undefined;
  try {
    const r = JSON.parse(row.value) as Partial<KeyingRecord>;
    const spansOk =
      Array.isArray(r.unkeyed) &&
      r.unkeyed.every((s) => Array.isArray(s) && s.length === 2 && s.every(Number.isInteger));
    if (
      !Number.isInteger(r.keyedFrom) ||
      typeof r.legacyHead !== 'string' ||
      typeof r.keyId !== 'string' ||
      typeof r.mac !== 'string' ||
      !spansOk
    )
      return 'damaged';
    return r as KeyingRecord;
  } catch {
    return 'damaged';
  }
}

export async function writeKeyingRecord(
  db: Knex | Knex.Transaction,
  key: Buffer,
  r: Omit<KeyingRecord, 'mac' | 'keyId'>,
): Promise<KeyingRecord> {
  const body = { ...r, keyId: keyId(key) };
  const record = { ...body, mac: recordMac(key, body) };
  await db('meta')
    .insert({ key: KEYING, value: JSON.stringify(record) })
    .onConflict('key')
    .merge();
  return record;
}

/** Whether the row at `seq` must carry a keyed link. */
export function isKeyed(record: KeyingRecord | undefined, seq: number): boolean {
  return (
    record !== undefined && seq >= record.keyedFrom && !record.unkeyed.some(([a, b]) => seq >= a && seq <= b)
  );
}

/** What the console knows about the key of one open database. */
export interface AuditKeyring {
  /** The data directory whose anchor files belong to this database; none for an in-memory one. */
  anchorDir: string | undefined;
  keyFile: string;
  /** The key this database's chain is made with; absent when the file is missing or belongs elsewhere. */
  key: Buffer | undefined;
  /** Why there is no key, for the administrator. */
  problem?: string;
  /** Called after an anchor was recorded (the composition root nudges the outbox). */
  anchored?: () => void;
}

/**
 * appendAudit(trx, entry) is called from everywhere with nothing but a transaction, and its signature stays so.
 * The key is found from the transaction instead: knex gives every transaction (and savepoint) a client whose
 * `config` is the very object of the knex instance it was opened on (makeTxClient in knex/lib/execution/
 * transaction.js), while two knex instances — another database, the demo hub's — never share one. So a WeakMap
 * keyed by that object maps any query builder to the database it writes to, and lets a destroyed knex go.
 */
const keyrings = new WeakMap<object, AuditKeyring>();

function configOf(db: Knex | Knex.Transaction): object {
  return (db as unknown as { client: { config: object } }).client.config;
}

export function attachAuditKeyring(db: Knex, ring: AuditKeyring): void {
  keyrings.set(configOf(db), ring);
}

export function auditKeyring(db: Knex | Knex.Transaction): AuditKeyring | undefined {
  return keyrings.get(configOf(db));
}

/** A keyring read from a data directory without touching anything (verification by tools and tests). */
export function keyringFromDir(dataDir: string): AuditKeyring {
  const read = readAuditKey(dataDir);
  return read.key
    ? { anchorDir: dataDir, keyFile: read.file, key: read.key }
    : { anchorDir: dataDir, keyFile: read.file, key: undefined, problem: keyProblem(read) };
}

export function keyProblem(read: { file: string; problem: 'missing' | 'damaged'; detail?: string }): string {
  return read.problem === 'missing'
    ? `the audit key file ${read.file} is missing`
    : `the audit key file ${read.file} cannot be used (${read.detail ?? 'damaged'})`;
}
