import type { Knex } from 'knex';

export interface Migration {
  version: number;
  name: string;
  up(db: Knex.Transaction): Promise<void>;
}

/**
 * The schema history, oldest first. An explicit list (not a folder scan) so bundling cannot drop or
 * reorder one. Append only: a released migration is never edited; its test pins what it creates.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation: meta, hub event log, outbox, operator preferences, guard positions',
    async up(db) {
      await db.schema.createTable('meta', (t) => {
        t.text('key').primary();
        t.text('value').notNullable();
      });
      // Every hub event committed, by the hub's sequence number: the replay cursor is max(seq).
      await db.schema.createTable('hub_events', (t) => {
        t.integer('seq').primary();
        t.text('kind').notNullable();
        t.integer('at').notNullable();
        t.text('body').notNullable();
        t.integer('received_at').notNullable();
        t.index(['kind', 'seq'], 'hub_events_kind_seq');
      });
      // Operator actions the hub must learn about; a row leaves only when the hub acknowledges it.
      await db.schema.createTable('outbox', (t) => {
        t.increments('id');
        t.text('key').notNullable().unique();
        t.text('type').notNullable();
        t.text('payload').notNullable();
        t.integer('created_at').notNullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.integer('last_attempt_at');
        t.text('last_error');
        // Set when the hub answered that it will never accept the action; kept for the operator to see.
        t.integer('refused_at');
      });
      await db.schema.createTable('operator_prefs', (t) => {
        t.text('operator_id').notNullable();
        t.text('key').notNullable();
        t.text('value').notNullable();
        t.integer('updated_at').notNullable();
        t.primary(['operator_id', 'key']);
      });
      await db.schema.createTable('guard_positions', (t) => {
        t.increments('id');
        t.text('guard_id').notNullable();
        t.float('lat').notNullable();
        t.float('lon').notNullable();
        t.integer('at').notNullable();
        t.float('speed');
        t.float('bearing');
        t.float('accuracy');
        t.float('battery');
        t.text('source').notNullable();
        t.index(['guard_id', 'at'], 'guard_positions_guard_at');
      });
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** Refuses a list that is not strictly increasing from 1: a mistake that would corrupt every install. */
export function checkMigrationList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration list broken at index ${i}: expected version ${i + 1}, found ${m.version}`);
    }
  });
}
