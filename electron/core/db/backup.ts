import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from '../../common/log';
import { anchorBackup, anchorBeforeBackup, removeBackupAnchor } from '../audit/anchors';
import { makePrivateDir, makePrivateFile } from '../../common/private-files';

export type BackupReason = 'start' | 'daily' | 'migration' | 'manual';

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * An online backup: `VACUUM INTO` writes a consistent, compacted copy while the console keeps running.
 * Keeps the newest `keep` backups. Each carries an anchor of the audit chain beside it (`….anchor.json`), taken
 * just before the copy, so the copy holds the anchored entry and a later rewrite of the chain shows.
 */
export async function backupDatabase(
  db: Knex,
  dir: string,
  reason: BackupReason,
  at: number,
  keep = 14,
): Promise<string> {
  makePrivateDir(dir);
  let file = join(dir, `console-${stamp(at)}-${reason}.sqlite`);
  for (let n = 2; existsSync(file); n++) file = join(dir, `console-${stamp(at)}-${reason}-${n}.sqlite`);
  const anchor = await anchorBeforeBackup(db, at);
  await db.raw('VACUUM INTO ?', [file]);
  // SQLite creates the copy under the process umask, which an embedding process may not have narrowed.
  makePrivateFile(file);
  anchorBackup(db, file, anchor);
  pruneBackups(dir, keep);
  return file;
}

export function listBackups(dir: string): { file: string; at: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^console-.*\.sqlite$/.test(f))
    .map((f) => ({ file: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at || (a.file < b.file ? 1 : -1));
}

function pruneBackups(dir: string, keep: number): void {
  for (const old of listBackups(dir).slice(keep)) {
    rmSync(old.file, { force: true });
    removeBackupAnchor(old.file);
  }
}

/** 'ok', or what is wrong with the file in SQLite's words. Never throws. */
export function checkIntegrity(file: string, nativeBinding?: string): string {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, {
      readonly: true,
      fileMustExist: true,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    return problems.length === 0 ? 'ok' : problems.slice(0, 3).join('; ');
  } catch (err) {
    return (err as Error).message;
  } finally {
    db?.close();
  }
}

export interface SalvagedAction {
  key: string;
  type: string;
  payload: string;
  created_at: number;
}

export interface RecoveryReport {
  problem: string;
  setAsideAs: string;
  restoredFrom?: { file: string; at: number };
  salvaged: SalvagedAction[];
}

/**
 * At start: a database that fails its check is moved aside (never deleted), the newest good backup takes its
 * place, and the operator actions only the damaged file held are read out of it where still readable. Hub
 * events after the backup are not lost: the console asks the hub to replay from the backup's sequence.
 */
export function recoverIfCorrupt(opts: {
  file: string;
  dataDir: string;
  at: number;
  log: Logger;
  nativeBinding?: string;
}): RecoveryReport | undefined {
  if (!existsSync(opts.file)) return undefined;
  const problem = checkIntegrity(opts.file, opts.nativeBinding);
  if (problem === 'ok') return undefined;
  opts.log.error('database failed its integrity check', { file: opts.file, problem });

  const corruptDir = join(opts.dataDir, 'corrupt');
  makePrivateDir(corruptDir);
  const setAsideAs = join(corruptDir, `${basename(opts.file, '.sqlite')}-${stamp(opts.at)}.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(opts.file + suffix)) renameSync(opts.file + suffix, setAsideAs + suffix);
  }

  const salvaged: SalvagedAction[] = [];
  try {
    const damaged = new Database(setAsideAs, {
      readonly: true,
      ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    });
    try {
      for (const row of damaged
        .prepare('SELECT key, type, payload, created_at FROM outbox WHERE refused_at IS NULL ORDER BY id')
        .iterate()) {
        salvaged.push(row as SalvagedAction);
      }
    } finally {
      damaged.close();
    }
  } catch (err) {
    opts.log.warn('could not read the outbox of the damaged database', { error: (err as Error).message });
  }

  const good = listBackups(join(opts.dataDir, 'backups')).find(
    (b) => checkIntegrity(b.file, opts.nativeBinding) === 'ok',
  );
  if (good) {
    copyFileSync(good.file, opts.file);
    makePrivateFile(opts.file);
  }
  const report: RecoveryReport = { problem, setAsideAs, salvaged, ...(good ? { restoredFrom: good } : {}) };
  opts.log.error('database recovered', { setAsideAs, restoredFrom: good?.file, salvaged: salvaged.length });
  return report;
}
