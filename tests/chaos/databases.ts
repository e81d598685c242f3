/** What the chaos runs read from the hub's and the console's SQLite files while (and after) the processes run. */
import Database from 'better-sqlite3';

/** One row of `sql` from the database in `file`, opened read-only for that query only (the owner keeps writing). */
export function readOne<T>(file: string, sql: string): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
}

/** How far the console has caught up: the hub log's last sequence and the last one the console applied. */
export function linkProgress(hubDb: string, consoleDb: string): { head: number; last: number } {
  const head = readOne<{ n: number | null }>(hubDb, 'SELECT max(seq) AS n FROM hub_log').n ?? 0;
  const last = Number(
    readOne<{ value: string } | undefined>(consoleDb, "SELECT value FROM meta WHERE key = 'hub.lastSeq'")
      ?.value ?? 0,
  );
  return { head, last };
}
