/**
 * The hub's storage, on one of two engines behind one interface: SQLite (the embedded default, one file, the
 * better-sqlite3 fast paths) or PostgreSQL (knex with `pg`, for a hub that has outgrown one machine's file). The
 * rest of the hub reads through knex (the same SQL on both) and writes through `HubWriter`, whose few statements
 * differ per engine: the sequence, the upserts, the prepared statements SQLite's hot paths need.
 */
import type { Knex } from 'knex';
import type { Logger } from '../common/log';
import { ensureHubSchema } from './schema';
import { openSqliteStore } from './storage-sqlite';
import { HubDatabaseUrlError, openPostgresStore, postgresTarget } from './storage-postgres';

export type HubEngine = 'sqlite' | 'postgres';

/** A row of the device registry (`hub_devices`). */
export interface DeviceRow {
  device_id: string;
  source_id: string;
  kind: string;
  label: string | null;
  zone: string | null;
  state: string;
  last_seen: number;
  supervision_sec: number | null;
}

/** An action as the ledger (`hub_actions`) keeps it; its sequence is set once its event is appended. */
export interface ActionRow {
  key: string;
  consoleId: string;
  type: string;
  /** JSON. */
  payload: string;
  appliedAt: number;
}

/** An event as the log stores it (`body`: its data as JSON). */
export interface LogEntry {
  kind: string;
  at: number;
  body: string;
  urgent: boolean;
}

/** What one write transaction can do, on either engine: all of it commits or rolls back together. */
export interface HubWriter {
  /** The transaction itself, for the rare statement that is plain knex on both engines. */
  readonly trx: Knex.Transaction;
  /** Appends an event to the log; its sequence is the next one, gap-free, in commit order. */
  append(kind: string, at: number, body: string, urgent: boolean): Promise<number>;
  /** Appends several, in order, in as few statements as the engine allows; their sequences, consecutive. */
  appendMany(rows: readonly LogEntry[]): Promise<number[]>;
  /** When a source's report key was taken, if it was. */
  reportKeyAt(key: string): Promise<number | undefined>;
  /** Takes (or moves) a report key. */
  putReportKey(key: string, at: number): Promise<void>;
  device(deviceId: string): Promise<DeviceRow | undefined>;
  putDevice(row: DeviceRow): Promise<void>;
  /** Takes an action's key in the ledger; false when it was already taken (the action is a duplicate). */
  claimAction(row: ActionRow): Promise<boolean>;
  /** The log sequence of a claimed action's `action.applied` event. */
  setActionSeq(key: string, seq: number): Promise<void>;
}

export interface HubStore {
  readonly engine: HubEngine;
  /** The knex instance: reads (the pump, the urgent lane, the registry, tests) are the same SQL on both. */
  readonly db: Knex;
  /** Where the data is, fit for a log line: a file path, or a PostgreSQL URL without its password. */
  readonly target: string;
  /** Creates or completes the hub's tables (schema.ts); idempotent. */
  migrate(): Promise<void>;
  /** One write transaction. The hub calls it one at a time (its write chain); PostgreSQL is safe beyond that. */
  write<T>(work: (w: HubWriter) => Promise<T>): Promise<T>;
  /** Each console's acknowledged sequence, raised (never lowered) in one transaction. */
  recordAcks(acks: ReadonlyMap<string, number>, now: number): Promise<void>;
  /** A round trip to the database (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Whether `--db` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** A URL of any scheme (`mysql://…`, a mistyped `pg://…`): never a SQLite file name. */
const isUrl = (spec: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(spec);

/** Where `spec` points, without credentials (a log line, /metrics, an error message). */
export function describeTarget(spec: string): string {
  return isUrl(spec) ? postgresTarget(spec) : spec;
}

/**
 * Opens the hub's storage: a `postgres://` or `postgresql://` URL is PostgreSQL, anything else a SQLite file (or
 * ':memory:'). The schema is not touched here: `migrate()` does that.
 */
export function openHubStore(spec: string, log: Logger): HubStore {
  if (isPostgresUrl(spec)) return openPostgresStore(spec, log);
  // Taken as a file name it would become a stray SQLite file, its password in the name.
  if (isUrl(spec)) throw new HubDatabaseUrlError('only postgres:// and postgresql:// URLs name a database');
  return openSqliteStore(spec);
}

export { ensureHubSchema };
