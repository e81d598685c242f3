import type { Migration } from '../../common/migrations';

/**
 * No-parking violations and their steps (issue 17, second slice). Number 23; the
 * number lives only in this object so it can be renumbered when branches meet.
 */
export const violationsMigration: Migration = {
  version: 23,
  name: 'vehicles: no-parking violations with their timed steps; gate reads indexed by gate and id',
  async up(db) {
    await db.schema.createTable('violations', (t) => {
      t.text('id').primary();
      // The running number people read out (WT-000001).
      t.integer('seq').notNullable().unique();
      t.text('plate').notNullable().defaultTo('');
      t.text('area').notNullable();
      t.text('kind').notNullable();
      t.text('source').notNullable();
      t.integer('found_at').notNullable();
      t.text('found_by').notNullable();
      // Unique: the fire-lane alarm opens one violation, however often it is seen again.
      t.text('alarm_id').unique();
      t.text('camera');
      t.integer('deadline_at').notNullable();
      t.text('state').notNullable();
      t.integer('notified_at');
      t.integer('escalated_at');
      t.integer('overdue_at');
      t.text('outcome');
      t.integer('closed_at');
      t.text('closed_by');
    });
    await db.schema.raw('CREATE INDEX violations_plate ON violations (plate, found_at)');
    await db.schema.raw(
      "CREATE INDEX violations_standing ON violations (deadline_at) WHERE state <> 'closed'",
    );
    await db.schema.raw('CREATE INDEX violations_found ON violations (found_at)');
    await db.schema.createTable('violation_steps', (t) => {
      t.increments('id');
      t.text('violation_id').notNullable().references('violations.id');
      t.integer('at').notNullable();
      t.text('kind').notNullable();
      t.text('result');
      t.text('by').notNullable();
      t.text('note').notNullable().defaultTo('');
    });
    await db.schema.raw('CREATE INDEX violation_steps_of ON violation_steps (violation_id, id)');
    // The desk's last reads per gate (newest ids first) without sorting a month of one gate's reads.
    await db.schema.raw('CREATE INDEX gate_reads_gate_id ON gate_reads (gate_id, id)');
  },
};
