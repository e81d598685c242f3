import type { Knex } from 'knex';
import { openDatabase } from '../../electron/common/database';
import type { Migration } from '../../electron/common/migrations';
import { MIGRATIONS } from '../../electron/core/schema';
import { silentLogger } from '../../electron/common/log';

/** A database in memory with the schema up to and including `last` (a migration or its version). */
export function openMigratedTo(last: Migration | number): Promise<Knex> {
  const version = typeof last === 'number' ? last : last.version;
  return openDatabase({
    file: ':memory:',
    log: silentLogger,
    migrations: MIGRATIONS.filter((m) => m.version <= version),
  });
}

/** The tables among `names` that the database lacks (an empty list when all are there). */
export async function missingTables(db: Knex, names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const name of names) if (!(await db.schema.hasTable(name))) missing.push(name);
  return missing;
}

/** How SQLite would run `sql`: its query plan's lines, joined by ` | ` (an index in use is named there). */
export async function queryPlan(db: Knex, sql: string): Promise<string> {
  const rows = (await db.raw(`EXPLAIN QUERY PLAN ${sql}`)) as { detail: string }[];
  return rows.map((r) => r.detail).join(' | ');
}
