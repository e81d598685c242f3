import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from '../common/log';
import { DEFAULT_SITE, ensureHubSchema } from './schema';
import type { ActionRow, DeviceRow, HubStore, HubWriter } from './storage';

/** Rows per multi-row insert: 5 parameters each, well below PostgreSQL's 65,535 a statement. */
const INSERT_CHUNK = 1000;

/** Connections a hub holds at most: one writer at a time (the hub's write chain), the pump's reads beside it. */
const POOL_MAX = 8;

export class HubDatabaseUrlError extends Error {
  constructor(detail: string) {
    super(
      `--db: ${detail}. Give a PostgreSQL URL like postgres://hub@db.example:5432/hub (a password, if any, ` +
        `better in ~/.pgpass or PGPASSWORD than on the command line), or a SQLite file path.`,
    );
    this.name = 'HubDatabaseUrlError';
  }
}

/** The URL without its password, for log lines and messages. */
export function postgresTarget(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    // libpq takes it as a parameter too.
    if (u.searchParams.has('password')) u.searchParams.set('password', '-');
    return u.toString();
  } catch {
    // Unparsed, it might still hold the password: only its scheme is shown.
    return `${/^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? ''}//(not a valid URL)`;
  }
}

/**
 * `bigint` (int8) columns as numbers: times in milliseconds and sequence numbers stay far below 2^53, and the rest
 * of the hub (and the protocol) handles numbers. Per connection, so no other user of `pg` in the process is
 * changed.
 */
const types = {
  getTypeParser: (oid: number, format?: string): unknown =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format === 'binary' ? 'binary' : 'text'),
};

/**
 * The hub on PostgreSQL. Two things SQLite gave for free are made explicit here:
 *
 * - **The gap-free sequence.** A PostgreSQL SEQUENCE (or identity column) is neither gap-free nor in commit order:
 *   a rolled-back transaction burns its number, and of two concurrent writers the one holding 11 may commit
 *   before the one holding 10 — a console reading the log then moves its cursor past 10 before 10 exists, and
 *   never gets it. So the sequence is a counter row per site (`hub_log_head`), incremented by the appending
 *   statement in the appending transaction: the row lock it takes is held until commit, so the next writer on
 *   that site waits, takes the next number and commits after; a rollback takes the increment back with it. Any
 *   number of writers (this hub's, or several hubs' on one database) therefore commit 1, 2, 3… with no gap
 *   and no reordering, at the price of one writer per site at a time — what SQLite did anyway.
 * - **Idempotent actions.** The ledger's key is its primary key and the claim is `INSERT … ON CONFLICT DO
 *   NOTHING`: a second writer with the same key waits on the first's uncommitted row, then finds it and does
 *   nothing, so an action is applied once even from two hubs at the same moment.
 */
export function openPostgresStore(url: string, log: Logger): HubStore {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HubDatabaseUrlError('not a valid URL');
  }
  if (!parsed.hostname && !parsed.searchParams.get('host'))
    throw new HubDatabaseUrlError('the URL names no host');
  if (parsed.pathname.length <= 1) throw new HubDatabaseUrlError('the URL names no database (…/dbname)');
  const target = postgresTarget(url);
  const db = knexFactory({
    client: 'pg',
    connection: { connectionString: url, types, application_name: 'site-hub' },
    pool: { min: 0, max: POOL_MAX },
    // A database that does not answer fails a request in 10 s (readiness says so) instead of queueing forever.
    acquireConnectionTimeout: 10_000,
  });
  return {
    engine: 'postgres',
    db,
    target,
    migrate: async () => {
      await ensureHubSchema(db);
      log.info('hub storage on PostgreSQL', { target });
    },
    write: (work) => db.transaction((trx) => work(postgresWriter(trx))),
    recordAcks: async (acks, now) => {
      if (acks.size === 0) return;
      await db('hub_consoles')
        .insert([...acks].map(([console_id, acked_seq]) => ({ console_id, acked_seq, last_seen: now })))
        .onConflict('console_id')
        .merge({
          acked_seq: db.raw('GREATEST(hub_consoles.acked_seq, excluded.acked_seq)'),
          last_seen: db.raw('excluded.last_seen'),
        });
    },
    ping: async () => {
      await db.raw('SELECT 1');
    },
    close: () => db.destroy(),
  };
}

function postgresWriter(trx: Knex.Transaction): HubWriter {
  return {
    trx,
    append: async (kind, at, body, urgent) => {
      // One statement: the counter row's increment (its lock held to commit) and the row under that number.
      const result = (await trx.raw(
        `WITH head AS (UPDATE hub_log_head SET seq = seq + 1 WHERE site = ? RETURNING seq)
         INSERT INTO hub_log (seq, kind, at, body, urgent) SELECT seq, ?, ?, ?, ? FROM head RETURNING seq`,
        [DEFAULT_SITE, kind, at, body, urgent ? 1 : 0],
      )) as { rows: { seq: number }[] };
      const seq = result.rows[0]?.seq;
      if (seq === undefined) throw new Error(`the log has no sequence row for site "${DEFAULT_SITE}"`);
      return seq;
    },
    appendMany: async (rows) => {
      if (rows.length === 0) return [];
      // A group's numbers in one go: the counter raised by the group's size (its lock held to commit, as above),
      // then the rows in multi-row inserts. One round trip per 1,000 events instead of one per event.
      const head = (await trx.raw('UPDATE hub_log_head SET seq = seq + ? WHERE site = ? RETURNING seq', [
        rows.length,
        DEFAULT_SITE,
      ])) as { rows: { seq: number }[] };
      const last = head.rows[0]?.seq;
      if (last === undefined) throw new Error(`the log has no sequence row for site "${DEFAULT_SITE}"`);
      const first = last - rows.length + 1;
      const seqs = rows.map((_, i) => first + i);
      for (let i = 0; i < rows.length; i += INSERT_CHUNK)
        await trx('hub_log').insert(
          rows.slice(i, i + INSERT_CHUNK).map((r, k) => ({
            seq: first + i + k,
            kind: r.kind,
            at: r.at,
            body: r.body,
            urgent: r.urgent ? 1 : 0,
          })),
        );
      return seqs;
    },
    reportKeyAt: async (key) =>
      ((await trx('hub_report_keys').where({ key }).first('at')) as { at: number } | undefined)?.at,
    putReportKey: async (key, at) => {
      await trx('hub_report_keys').insert({ key, at }).onConflict('key').merge(['at']);
    },
    device: async (deviceId) =>
      (await trx('hub_devices').where({ device_id: deviceId }).first()) as DeviceRow | undefined,
    putDevice: async (row) => {
      await trx('hub_devices').insert(row).onConflict('device_id').merge();
    },
    claimAction: async (a: ActionRow) => {
      const rows = (await trx('hub_actions')
        .insert({
          key: a.key,
          console_id: a.consoleId,
          type: a.type,
          payload: a.payload,
          applied_at: a.appliedAt,
          applied_seq: 0,
        })
        .onConflict('key')
        .ignore()
        .returning('key')) as unknown[];
      return rows.length === 1;
    },
    setActionSeq: async (key, seq) => {
      await trx('hub_actions').where({ key }).update({ applied_seq: seq });
    },
  };
}
