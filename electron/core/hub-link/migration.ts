import type { Knex } from 'knex';

/**
 * Hub events the console set aside instead of stopping the stream on them (docs/hub-protocol.md §5.1): refused
 * by validation, failed in an applier, or too big to read. Schema 7 and before kept refused events in
 * `hub_events` as kind `_rejected`; they move here, so `hub_events` holds only events that were applied. The hub
 * link is infrastructure, not a feature: core/schema.ts lists this migration directly. It is a `Migration` of
 * db/migrations.ts written out rather than imported: the database layer reaches the hub link already (backups
 * anchor the audit chain, which uses the outbox), and an import back would close a loop between the folders.
 */
export const hubLinkMigration = {
  version: 8,
  name: 'hub dead letters: events refused or failed, by sequence, for supervisors to read',
  async up(db: Knex.Transaction): Promise<void> {
    await db.schema.createTable('hub_dead_letters', (t) => {
      // One row per sequence: a replay (a restored backup) that refuses it again updates the row.
      t.integer('seq').primary();
      t.text('kind');
      t.text('reason').notNullable();
      t.text('error').notNullable();
      t.text('raw').notNullable();
      t.integer('received_at').notNullable();
    });
    const old = (await db('hub_events').where({ kind: '_rejected' }).orderBy('seq')) as {
      seq: number;
      body: string;
      received_at: number;
    }[];
    for (const row of old) {
      let raw = row.body;
      let error = 'refused by validation';
      try {
        const body = JSON.parse(row.body) as { raw?: unknown; reason?: unknown };
        if (typeof body.raw === 'string') raw = body.raw;
        if (typeof body.reason === 'string') error = body.reason;
      } catch {
        // Kept as it was stored: the row is evidence, even when it cannot be read.
      }
      await db('hub_dead_letters').insert({
        seq: row.seq,
        kind: kindOf(raw),
        reason: 'invalid',
        error,
        raw,
        received_at: row.received_at,
      });
    }
    await db('hub_events').where({ kind: '_rejected' }).delete();
  },
};

function kindOf(raw: string): string | null {
  try {
    const kind = (JSON.parse(raw) as { kind?: unknown } | null)?.kind;
    return typeof kind === 'string' ? kind.slice(0, 64) : null;
  } catch {
    // Cut to 4,000 characters when stored: often no longer JSON.
    return /"kind":"([^"]{1,64})"/.exec(raw)?.[1] ?? null;
  }
}

/**
 * (hub protocol 4) Urgent events committed ahead of the ordered stream, by sequence, until the ordered replay
 * reaches them: the console then recognises each one instead of applying it a second time, also after a restart.
 * The row keeps the event as it came, so the log (`hub_events`) receives it in order, once.
 */
export const hubUrgentMigration = {
  version: 15,
  name: 'hub urgent lane: events committed ahead of the ordered replay',
  async up(db: Knex.Transaction): Promise<void> {
    await db.schema.createTable('hub_urgent', (t) => {
      t.integer('seq').primary();
      t.text('kind').notNullable();
      t.integer('at').notNullable();
      t.text('body').notNullable();
      t.integer('received_at').notNullable();
    });
  },
};
