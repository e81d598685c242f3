import type { Migration } from '../../common/migrations';

export const guardsMigration: Migration = {
  version: 4,
  name: 'site map: guard duty, dispatch assignments, patrol visits and rounds',
  async up(db) {
    // One row per guard: what he is doing, so a restart does not forget who was sent where.
    await db.schema.createTable('guard_duty', (t) => {
      t.text('guard_id').primary();
      t.text('duty').notNullable();
      t.text('alarm_id');
      t.integer('since').notNullable();
    });
    await db.schema.createTable('guard_assignments', (t) => {
      t.increments('id');
      t.text('alarm_id').notNullable().references('alarms.id');
      t.text('guard_id').notNullable();
      t.integer('dispatched_at').notNullable();
      t.text('dispatched_by').notNullable();
      t.integer('arrived_at');
      /** `gps` (entered the radius), `guard` (his device said so), `operator` (confirmed by radio). */
      t.text('arrival');
      t.integer('ended_at');
      t.index(['guard_id', 'ended_at'], 'guard_assignments_guard');
      t.index(['alarm_id'], 'guard_assignments_alarm');
    });
    // The first counted visit of a checkpoint per round; extra passes are not kept.
    await db.schema.createTable('patrol_visits', (t) => {
      t.text('route_id').notNullable();
      t.text('checkpoint_id').notNullable();
      t.integer('round_start').notNullable();
      t.integer('at').notNullable();
      t.text('guard_id').notNullable();
      t.text('method').notNullable();
      t.text('timing').notNullable();
      t.primary(['route_id', 'checkpoint_id', 'round_start']);
    });
    await db.schema.createTable('patrol_rounds', (t) => {
      t.text('route_id').notNullable();
      t.integer('round_start').notNullable();
      t.integer('window_end').notNullable();
      t.text('band').notNullable();
      t.integer('on_time').notNullable();
      t.integer('early').notNullable();
      t.integer('late').notNullable();
      t.integer('missed').notNullable();
      t.integer('checkpoints').notNullable();
      t.integer('closed_at').notNullable();
      t.primary(['route_id', 'round_start']);
    });
    await db.raw('CREATE INDEX guard_positions_at ON guard_positions (at)');
  },
};

/**
 * Phone secrets and flagged phone positions. Its version lives here only (the schema list is ordered by version,
 * tests read it from this object): renumber it here if another migration takes its number first (the hub link took 8).
 */
export const guardDevicesMigration: Migration = {
  version: 9,
  name: 'network boundary: phone secrets issued by the console, flagged phone positions',
  async up(db) {
    // Only a hash of each secret is kept: a copy of the database does not let anyone report as a guard.
    await db.schema.createTable('guard_devices', (t) => {
      t.text('id').primary();
      t.text('guard_id').notNullable();
      t.text('label').notNullable();
      t.text('secret_sha256').notNullable().unique();
      t.integer('issued_at').notNullable();
      t.text('issued_by').notNullable();
      t.integer('revoked_at');
      t.text('revoked_by');
    });
    // Why a stored phone position did not count (`jump`, `time`); null for the ones that did.
    await db.schema.alterTable('guard_positions', (t) => {
      t.text('flag');
      t.integer('received_at');
      t.text('device');
    });
  },
};
