import type { Migration } from '../../common/migrations';

/** Issue 8's one schema change; its number was assigned by the lead (4 and 5 belong to issues 6 and 7). */
export const DUTY_MIGRATION: Migration = {
  // The lead assigned 6 (issue 7 has 5); main has only issue 6's 4 so far, and the list must be contiguous.
  version: 6,
  name: 'operators and sign-in, duty-log links and flags, shifts with sealed hash chains',
  async up(db) {
    await db.schema.createTable('operators', (t) => {
      t.text('id').primary();
      t.text('username').notNullable().unique();
      t.text('name').notNullable();
      t.text('role').notNullable();
      // `scrypt$N$r$p$salt$hash`: the parameters travel with the hash so they can be raised later.
      t.text('password_hash').notNullable();
      t.integer('active').notNullable().defaultTo(1);
      t.integer('failed_count').notNullable().defaultTo(0);
      t.integer('locked_until');
      t.integer('last_login_at');
      t.integer('created_at').notNullable();
      t.integer('updated_at').notNullable();
    });
    await db.schema.alterTable('duty_log', (t) => {
      t.text('camera_id');
      t.integer('manual').notNullable().defaultTo(0);
      t.integer('follow_up').notNullable().defaultTo(0);
      t.integer('ref_id');
      t.index(['at'], 'duty_log_at');
      t.index(['follow_up'], 'duty_log_follow_up');
    });
    // A device's previous state (fault/recovery entries) and the devices still faulty (handover) are looked up by id.
    await db.raw(
      "CREATE INDEX hub_events_device ON hub_events (json_extract(body, '$.deviceId'), seq) WHERE kind = 'device'",
    );
    // Entries are never edited: a mistake is corrected by a new entry that refers to it.
    await db.raw(`CREATE TRIGGER duty_log_no_update BEFORE UPDATE ON duty_log
      BEGIN SELECT RAISE(ABORT, 'duty-log entries are never edited; add a correction'); END`);
    await db.schema.createTable('duty_log_pruned', (t) => {
      t.increments('id');
      t.integer('at').notNullable();
      t.text('kind').notNullable();
      t.integer('up_to_id').notNullable();
      t.integer('removed').notNullable();
      t.text('backup_file').notNullable();
    });
    await db.schema.createTable('shifts', (t) => {
      t.text('id').primary();
      t.integer('started_at').notNullable();
      t.integer('ended_at');
      // The shift covers duty-log ids after `after_log_id` up to `to_log_id` (set when sealed).
      t.integer('after_log_id').notNullable();
      t.integer('to_log_id');
      t.text('outgoing');
      t.text('incoming');
      t.text('report');
      t.integer('sealed_at');
      t.text('seal_hash');
      t.index(['started_at'], 'shifts_started');
    });
    await db.raw(`CREATE TRIGGER shifts_sealed_no_update BEFORE UPDATE ON shifts WHEN OLD.sealed_at IS NOT NULL
      BEGIN SELECT RAISE(ABORT, 'a sealed shift is never changed'); END`);
    await db.raw(`CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
      BEGIN SELECT RAISE(ABORT, 'shifts are never deleted'); END`);
    await db.schema.createTable('shift_operators', (t) => {
      t.increments('id');
      t.text('shift_id').notNullable().references('shifts.id');
      t.text('operator_id').notNullable().references('operators.id');
      t.integer('joined_at').notNullable();
      t.integer('left_at');
      t.index(['shift_id', 'left_at'], 'shift_operators_shift');
    });
    // The seal: one hash per sealed entry, chained; seq 0 is the shift record and its report.
    await db.schema.createTable('shift_seal', (t) => {
      t.text('shift_id').notNullable().references('shifts.id');
      t.integer('seq').notNullable();
      t.integer('duty_log_id');
      t.text('prev_hash').notNullable();
      t.text('hash').notNullable();
      t.primary(['shift_id', 'seq']);
    });
    await db.raw(`CREATE TRIGGER shift_seal_no_update BEFORE UPDATE ON shift_seal
      BEGIN SELECT RAISE(ABORT, 'a shift seal is append-only'); END`);
    await db.raw(`CREATE TRIGGER shift_seal_no_delete BEFORE DELETE ON shift_seal
      BEGIN SELECT RAISE(ABORT, 'a shift seal is append-only'); END`);
  },
};
