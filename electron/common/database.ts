import knexFactory, { type Knex } from 'knex';
import { dirname } from 'node:path';
import type { Logger } from './log';
import { createPrivateFile, makePrivateDir } from './private-files';
import { checkMigrationList, type Migration } from './migrations';

export class DatabaseTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `The database ${file} was written by a newer version of the console (schema ${found}; this version ` +
        `knows up to ${known}). Install the newer version, or start with another data directory.`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

export interface OpenDatabaseOptions {
  /** A path, or ':memory:' (tests). */
  file: string;
  log: Logger;
  /** A better-sqlite3 .node built for the running runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string;
  /** Runs before the first pending migration touches an existing database (the backup hook). */
  beforeMigrate?: (db: Knex, fromVersion: number) => Promise<void>;
  /** The schema history, oldest first: the caller assembles it (this layer knows no feature's tables). */
  migrations: readonly Migration[];
}

export function createKnex(file: string, nativeBinding?: string): Knex {
  if (file !== ':memory:') {
    makePrivateDir(dirname(file));
    // SQLite creates its -wal and -shm files with the database file's permissions.
    createPrivateFile(file);
  }
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file, ...(nativeBinding ? { options: { nativeBinding } } : {}) },
    useNullAsDefault: true,
    // One connection: SQLite serialises writers anyway, and ':memory:' must stay one database.
    pool: {
      min: 1,
      max: 1,
      idleTimeoutMillis: Number.MAX_SAFE_INTEGER,
      afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
        try {
          conn.pragma('journal_mode = WAL');
          // WAL defaults to NORMAL in better-sqlite3; alarms, audit and outbox must survive power loss.
          conn.pragma('synchronous = FULL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
}

export async function schemaVersion(db: Knex): Promise<number> {
  const rows = (await db.raw('PRAGMA user_version')) as Array<{ user_version: number }>;
  return rows[0]?.user_version ?? 0;
}

/** Opens (creating if needed) and migrates; refuses a database from a newer version untouched. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Knex> {
  const { migrations } = options;
  checkMigrationList(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const db = createKnex(options.file, options.nativeBinding);
  try {
    const current = await schemaVersion(db);
    if (current > latest) throw new DatabaseTooNewError(options.file, current, latest);
    const pending = migrations.filter((m) => m.version > current);
    if (pending.length > 0 && current > 0) await options.beforeMigrate?.(db, current);
    for (const m of pending) {
      await db.transaction(async (trx) => {
        await m.up(trx);
        // user_version is transactional in SQLite: a failed migration leaves the old number behind.
        await trx.raw(`PRAGMA user_version = ${m.version}`);
      });
      options.log.info('migrated database', { version: m.version, migration: m.name });
    }
    return db;
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
