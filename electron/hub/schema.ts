import type { Knex } from 'knex';

/** The one site whose log a hub keeps today; the counter table is keyed by site for the hubs that keep many. */
export const DEFAULT_SITE = 'default';

/** The table socket.io's PostgreSQL adapter keeps large notifications in (fanout.ts). */
export const FANOUT_TABLE = 'hub_fanout_attachments';

/** Any fixed number: the advisory lock under which a PostgreSQL hub completes its schema (two starting at once). */
const SCHEMA_LOCK = 0x4855_4253; // "HUBS"

export function isPostgres(db: Knex): boolean {
  const client = (db.client as { config?: { client?: unknown } }).config?.client;
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

/**
 * The hub's tables: created on first start, completed after that (tables and columns are only ever added), the
 * same on both engines except where they must differ. On PostgreSQL times and sequences are `bigint` (a
 * millisecond time does not fit its 32-bit `integer`; SQLite's integer is 64-bit already), and the log's sequence
 * comes from `hub_log_head` instead of an auto-increment (storage-postgres.ts says why). A PostgreSQL hub does it
 * in one transaction under an advisory lock: its DDL is transactional, and a second hub starting at the same
 * moment waits, then finds everything there.
 */
export async function ensureHubSchema(db: Knex): Promise<void> {
  if (!isPostgres(db)) return build(db, false);
  await db.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [SCHEMA_LOCK]);
    await build(trx, true);
  });
}

async function build(db: Knex | Knex.Transaction, pg: boolean): Promise<void> {
  const table = async (name: string, columns: (t: Knex.CreateTableBuilder) => void) => {
    if (!(await db.schema.hasTable(name))) await db.schema.createTable(name, columns);
  };
  // Milliseconds and sequence numbers: 64-bit on both engines.
  const long = (t: Knex.CreateTableBuilder | Knex.AlterTableBuilder, name: string) =>
    pg ? t.bigInteger(name) : t.integer(name);
  await table('hub_log', (t) => {
    if (pg) t.bigInteger('seq').primary();
    else t.increments('seq');
    t.text('kind').notNullable();
    long(t, 'at').notNullable();
    t.text('body').notNullable();
  });
  // Version 4: the urgent mark. Added to a log file an older hub wrote; its old rows stay unmarked (the console
  // that needs them is long past them, or gets them in order).
  if (!(await db.schema.hasColumn('hub_log', 'urgent'))) {
    await db.schema.alterTable('hub_log', (t) => {
      t.integer('urgent').notNullable().defaultTo(0);
    });
    await db.raw('CREATE INDEX IF NOT EXISTS hub_log_urgent ON hub_log (seq) WHERE urgent = 1');
  }
  if (pg) {
    // The per-site counter the log's sequence is taken from, in the appending transaction (storage-postgres.ts).
    await table('hub_log_head', (t) => {
      t.text('site').primary();
      t.bigInteger('seq').notNullable();
    });
    // socket.io's PostgreSQL adapter (fanout.ts) puts a notification over NOTIFY's 8,000 bytes here; ours are a
    // few dozen bytes, but the adapter sweeps the table every 30 s and would log an error each time without it.
    await db.raw(`CREATE TABLE IF NOT EXISTS ${FANOUT_TABLE} (
      id bigserial UNIQUE,
      created_at timestamptz DEFAULT NOW(),
      payload bytea
    )`);
    // A log moved over from elsewhere carries on above what it holds.
    await db.raw(
      `INSERT INTO hub_log_head (site, seq) SELECT ?, COALESCE(MAX(seq), 0) FROM hub_log
       ON CONFLICT (site) DO NOTHING`,
      [DEFAULT_SITE],
    );
  }
  await table('hub_actions', (t) => {
    t.text('key').primary();
    t.text('console_id').notNullable();
    t.text('type').notNullable();
    t.text('payload').notNullable();
    long(t, 'applied_at').notNullable();
    long(t, 'applied_seq').notNullable();
  });
  await table('hub_consoles', (t) => {
    t.text('console_id').primary();
    long(t, 'acked_seq').notNullable();
    long(t, 'last_seen').notNullable();
  });
  // Per-console tokens an administrator issues and revokes (`npm run hub -- token ...`); only hashes are kept.
  await table('hub_tokens', (t) => {
    t.text('name').primary();
    t.text('hash').notNullable().unique();
    long(t, 'issued_at').notNullable();
    long(t, 'revoked_at');
  });
  // The device registry: every device a source reported, with its last state.
  await table('hub_devices', (t) => {
    t.text('device_id').primary();
    t.text('source_id').notNullable();
    t.text('kind').notNullable();
    t.text('label');
    t.text('zone');
    t.text('state').notNullable();
    long(t, 'last_seen').notNullable();
    t.integer('supervision_sec');
  });
  // A source's report keys already in the log: a panel's retry or a broker's redelivery is one event.
  await table('hub_report_keys', (t) => {
    t.text('key').primary();
    long(t, 'at').notNullable();
  });
}
