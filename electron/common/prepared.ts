import type { Database, Statement } from 'better-sqlite3';
import type { Knex } from 'knex';

/**
 * The hot paths of a flood (a hub alarm in the console: ~10 rows in one transaction; an equipment report in the
 * hub: 5) cannot afford knex's query building, its dialect preparing every statement anew and a promise hop per
 * statement: on this machine that was most of ~1 ms per alarm. They run the same SQL as prepared better-sqlite3
 * statements on the transaction's own connection, so the rows still commit or roll back with the transaction
 * (and its savepoint) they were written in.
 */
export async function connectionOf(trx: Knex.Transaction): Promise<Database> {
  // A transaction's client hands out the one connection the transaction holds (knex's makeTxClient).
  return (await trx.client.acquireConnection()) as Database;
}

const cache = new WeakMap<Database, Map<string, Statement>>();

/** The statement for this SQL on this connection, prepared once (SQLite keeps it valid across schema changes). */
export function prepared(conn: Database, sql: string): Statement {
  let statements = cache.get(conn);
  if (!statements) {
    statements = new Map();
    cache.set(conn, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = conn.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

/** Whether `db` is a transaction (raw statements are only safe where the transaction holds the connection). */
export function isTransaction(db: Knex | Knex.Transaction): db is Knex.Transaction {
  return (db as { isTransaction?: boolean }).isTransaction === true;
}
