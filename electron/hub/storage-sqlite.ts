import type { Knex } from 'knex';
import { createKnex } from '../common/database';
import { connectionOf, prepared } from '../common/prepared';
import { ensureHubSchema } from './schema';
import type { ActionRow, DeviceRow, HubStore, HubWriter } from './storage';

/**
 * The embedded default: one SQLite file (WAL, `synchronous=FULL`), one connection. SQLite has one writer at a
 * time, so the log's auto-increment is gap-free and in commit order by itself (a rolled-back append takes its
 * number back with it). The writes a flood makes (an equipment report: ~5 statements; an event) run as prepared
 * better-sqlite3 statements on the transaction's own connection (electron/common/prepared.ts says why); they
 * answer at once, the promise only keeps the interface both engines share.
 */
export function openSqliteStore(file: string): HubStore {
  const db = createKnex(file);
  return {
    engine: 'sqlite',
    db,
    target: file,
    migrate: () => ensureHubSchema(db),
    write: (work) => db.transaction(async (trx) => work(sqliteWriter(trx, await connectionOf(trx)))),
    recordAcks: (acks, now) =>
      db.transaction(async (trx) => {
        const put = prepared(
          await connectionOf(trx),
          `INSERT INTO hub_consoles (console_id, acked_seq, last_seen) VALUES (?, ?, ?)
           ON CONFLICT (console_id) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq),
             last_seen = excluded.last_seen`,
        );
        for (const [consoleId, seq] of acks) put.run(consoleId, seq, now);
      }),
    ping: async () => {
      await db.raw('SELECT 1');
    },
    close: () => db.destroy(),
  };
}

function sqliteWriter(trx: Knex.Transaction, conn: Awaited<ReturnType<typeof connectionOf>>): HubWriter {
  const insert = prepared(conn, 'INSERT INTO hub_log (kind, at, body, urgent) VALUES (?, ?, ?, ?)');
  const keyAt = prepared(conn, 'SELECT at FROM hub_report_keys WHERE key = ?');
  const putKey = prepared(
    conn,
    'INSERT INTO hub_report_keys (key, at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET at = excluded.at',
  );
  return {
    trx,
    append: (kind, at, body, urgent) =>
      Promise.resolve(Number(insert.run(kind, at, body, urgent ? 1 : 0).lastInsertRowid)),
    appendMany: (rows) =>
      Promise.resolve(
        rows.map((r) => Number(insert.run(r.kind, r.at, r.body, r.urgent ? 1 : 0).lastInsertRowid)),
      ),
    reportKeyAt: (key) => Promise.resolve((keyAt.get(key) as { at: number } | undefined)?.at),
    putReportKey: (key, at) => {
      putKey.run(key, at);
      return Promise.resolve();
    },
    device: (deviceId) =>
      Promise.resolve(
        prepared(conn, 'SELECT * FROM hub_devices WHERE device_id = ?').get(deviceId) as
          DeviceRow | undefined,
      ),
    putDevice: (row) => {
      prepared(
        conn,
        `INSERT INTO hub_devices (device_id, source_id, kind, label, zone, state, last_seen, supervision_sec)
         VALUES (@device_id, @source_id, @kind, @label, @zone, @state, @last_seen, @supervision_sec)
         ON CONFLICT (device_id) DO UPDATE SET source_id = excluded.source_id, kind = excluded.kind,
           label = excluded.label, zone = excluded.zone, state = excluded.state, last_seen = excluded.last_seen,
           supervision_sec = excluded.supervision_sec`,
      ).run(row);
      return Promise.resolve();
    },
    claimAction: (a: ActionRow) =>
      Promise.resolve(
        prepared(
          conn,
          `INSERT INTO hub_actions (key, console_id, type, payload, applied_at, applied_seq)
           VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (key) DO NOTHING`,
        ).run(a.key, a.consoleId, a.type, a.payload, a.appliedAt).changes === 1,
      ),
    setActionSeq: (key, seq) => {
      prepared(conn, 'UPDATE hub_actions SET applied_seq = ? WHERE key = ?').run(seq, key);
      return Promise.resolve();
    },
  };
}
