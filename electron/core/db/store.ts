import type { Knex } from 'knex';
import { join } from 'node:path';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { backupDatabase, recoverIfCorrupt, type RecoveryReport } from './backup';
import { openDatabase } from '../../common/database';
import type { Migration } from '../../common/migrations';
import type { NoticeParams } from '../../../shared/contract';

export interface ConsoleStore {
  db: Knex;
  /** A file (not ':memory:'): backed up, checked at start, its duty log pruned. */
  persistent: boolean;
  backupsDir: string;
  /** Set when the file was damaged at start and replaced (the operator must be told). */
  recovery: RecoveryReport | undefined;
  /** Ends the daily backups; the database itself is closed by whoever destroys `db`. */
  stop(): void;
}

/**
 * The console's database with its safety net: a damaged file is set aside and the newest good backup restored
 * (unsent operator actions salvaged into it), a backup before any migration, one at start and one a day.
 */
export async function openConsoleStore(o: {
  dataDir: string;
  /** Defaults to `<dataDir>/console.sqlite`; ':memory:' for tests. */
  file?: string | undefined;
  nativeBinding?: string | undefined;
  backups?: { enabled?: boolean | undefined; keep?: number | undefined } | undefined;
  migrations: readonly Migration[];
  /** Runs right after the database is opened, before anything is salvaged or backed up (the audit key). */
  afterOpen?: ((db: Knex, persistent: boolean) => Promise<void>) | undefined;
  clock: Clock;
  log: Logger;
}): Promise<ConsoleStore> {
  const { clock, log } = o;
  const file = o.file ?? join(o.dataDir, 'console.sqlite');
  const backupsDir = join(o.dataDir, 'backups');
  const persistent = file !== ':memory:';
  const keep = o.backups?.keep;
  const dbLog = log.child('db');
  const recovery = persistent
    ? recoverIfCorrupt({
        file,
        dataDir: o.dataDir,
        at: clock.now(),
        log: dbLog,
        nativeBinding: o.nativeBinding,
      })
    : undefined;
  const db = await openDatabase({
    file,
    log: dbLog,
    nativeBinding: o.nativeBinding,
    migrations: o.migrations,
    // A migration is the riskiest moment in a database's life: keep the version before it.
    beforeMigrate: persistent
      ? (old) => backupDatabase(old, backupsDir, 'migration', clock.now(), keep).then(() => undefined)
      : undefined,
  });
  await o.afterOpen?.(db, persistent);
  if (recovery?.salvaged.length) {
    await db.transaction(async (trx) => {
      for (const row of recovery.salvaged) await trx('outbox').insert(row).onConflict('key').ignore();
    });
  }
  const backupNow = async (reason: 'start' | 'daily') => {
    try {
      const backup = await backupDatabase(db, backupsDir, reason, clock.now(), keep);
      log.info('database backed up', { file: backup, reason });
    } catch (err) {
      log.error('database backup failed', { reason, error: (err as Error).message });
    }
  };
  const backups = persistent && o.backups?.enabled !== false;
  if (backups) await backupNow('start');
  const timer = backups ? clock.setInterval(() => void backupNow('daily'), 24 * 3600 * 1000) : undefined;
  return {
    db,
    persistent,
    backupsDir,
    recovery,
    stop: () => {
      if (timer !== undefined) clock.clearInterval(timer);
    },
  };
}

/**
 * What the operator is told after a damaged database was replaced at start: the values, worded in the operator's
 * language by `wordNotice` (shared/i18n/notices.ts); the message is the log's English.
 */
export function recoveryNotice(recovery: RecoveryReport): { message: string; params: NoticeParams } {
  const params: NoticeParams = {
    problem: recovery.problem.slice(0, 200),
    setAsideAs: recovery.setAsideAs,
    salvaged: recovery.salvaged.length,
    ...(recovery.restoredFrom ? { restoredAt: recovery.restoredFrom.at } : {}),
  };
  const message = recovery.restoredFrom
    ? `The local database was damaged (${recovery.problem}); set aside as ${recovery.setAsideAs}, the backup of ` +
      `${new Date(recovery.restoredFrom.at).toISOString()} restored, ${recovery.salvaged.length} unsent action(s) recovered.`
    : `The local database was damaged (${recovery.problem}) and no good backup was found; set aside as ` +
      `${recovery.setAsideAs}, a new database started, ${recovery.salvaged.length} unsent action(s) recovered.`;
  return { message, params };
}

/** This console's id, chosen once and kept in the database (the `meta` table of the base schema). */
export async function storedConsoleId(db: Knex, make: () => string): Promise<string> {
  const row = (await db('meta').where({ key: 'console.id' }).first()) as { value: string } | undefined;
  if (row) return row.value;
  const id = make();
  await db('meta').insert({ key: 'console.id', value: id });
  return id;
}
