import type { Migration } from '../../common/migrations';

/**
 * Facilities (issue 18): the ledger, its devices' state history, work orders, hazards and their timelines. Number
 * 20 (the vehicles take 19, another branch 21); the number lives only in this object so it can be renumbered when
 * branches meet.
 */
export const facilitiesMigration: Migration = {
  version: 20,
  name: 'facilities: ledger entries, device state history, work orders, hazards, their timelines',
  async up(db) {
    await db.schema.createTable('facilities', (t) => {
      t.text('id').primary();
      t.text('code').notNullable().unique();
      t.text('name').notNullable();
      t.text('kind').notNullable();
      t.text('zone');
      t.float('lat');
      t.float('lon');
      t.text('installed_on');
      t.text('maintainer_name');
      t.text('maintainer_phone');
      // Null: the kind's default (the site file's, else the built-in one), so changing a default reaches them.
      t.integer('inspect_days');
      t.integer('maintain_days');
      // One entry per device: the hub's device id, or `camera:<id>` for a camera of the site file.
      t.text('device_id').unique();
      t.text('origin').notNullable();
      t.integer('created_at').notNullable();
      t.integer('updated_at').notNullable();
    });
    // Each change of a linked device's state (not every report): availability is read from it.
    await db.schema.createTable('facility_states', (t) => {
      t.increments('id');
      t.text('device_id').notNullable();
      t.integer('at').notNullable();
      t.text('state').notNullable();
      t.text('text');
      t.index(['device_id', 'at'], 'facility_states_device');
    });
    await db.schema.createTable('work_orders', (t) => {
      t.text('id').primary();
      t.integer('number').notNullable().unique();
      t.text('title').notNullable();
      // The English words of an order the console opened itself (an operator's title is as typed).
      t.text('title_en');
      t.text('entry_id');
      t.text('device_id');
      t.text('alarm_id');
      t.text('source').notNullable();
      t.text('severity').notNullable();
      t.text('state').notNullable();
      t.text('zone');
      t.integer('due_at').notNullable();
      t.text('assignee_name');
      t.text('assignee_phone');
      t.integer('created_at').notNullable();
      t.text('created_by').notNullable();
      t.text('done_by_id');
      t.text('done_by');
      t.text('verified_by');
      t.text('refused_reason');
      t.integer('recovered_at');
      t.integer('escalated_at');
      t.integer('updated_at').notNullable();
    });
    // Exactly one unfinished order per device, whatever races the alarm intake and an operator run.
    await db.schema.raw(
      "CREATE UNIQUE INDEX work_orders_device_open ON work_orders (device_id) WHERE device_id IS NOT NULL AND state NOT IN ('verified', 'refused')",
    );
    await db.schema.raw('CREATE INDEX work_orders_state ON work_orders (state, due_at)');
    await db.schema.createTable('hazards', (t) => {
      t.text('id').primary();
      t.integer('number').notNullable().unique();
      t.text('category').notNullable();
      t.text('severity').notNullable();
      t.text('source').notNullable();
      t.text('zone');
      t.float('lat');
      t.float('lon');
      t.text('description').notNullable();
      t.text('alarm_id');
      t.text('state').notNullable();
      t.text('plan');
      t.text('owner_name');
      t.text('owner_phone');
      t.integer('deadline');
      t.integer('found_at').notNullable();
      t.text('found_by').notNullable();
      t.integer('rectified_at');
      t.text('rectified_by_id');
      t.text('rectified_by');
      t.text('verified_by');
      t.integer('closed_at');
      t.integer('escalated_at');
      t.integer('updated_at').notNullable();
      t.index(['found_at'], 'hazards_found');
    });
    await db.schema.createTable('facility_timeline', (t) => {
      t.increments('id');
      // `order` or `hazard`
      t.text('subject').notNullable();
      t.text('subject_id').notNullable();
      t.integer('at').notNullable();
      t.text('action').notNullable();
      t.text('by').notNullable();
      t.text('note');
      t.index(['subject', 'subject_id'], 'facility_timeline_subject');
    });
  },
};
