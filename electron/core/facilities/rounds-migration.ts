import type { Migration } from '../../common/migrations';

/**
 * Rounds (issue 18, second slice): video inspection rounds and facility inspections done, what each camera or
 * checklist item was found to be, and the due times told missed. Number 22; the number
 * lives only in this object so it can be renumbered when branches meet.
 */
export const roundsMigration: Migration = {
  version: 22,
  name: 'facility rounds: video and inspection rounds done, their results, due times missed; maintenance visits',
  async up(db) {
    await db.schema.createTable('facility_rounds', (t) => {
      t.text('id').primary();
      t.text('round_id').notNullable();
      // `video` or `inspection`
      t.text('kind').notNullable();
      t.integer('due_at').notNullable();
      t.integer('started_at').notNullable();
      t.integer('finished_at');
      t.text('by_id').notNullable();
      t.text('by_name').notNullable();
      // The cameras or entries as they were at the start (a camera removed later still reads in the record).
      t.text('subjects').notNullable();
      // The due list reads each round's finish times of the last weeks.
      t.index(['round_id', 'finished_at'], 'facility_rounds_done');
      // The recent list, newest first across rounds.
      t.index(['finished_at'], 'facility_rounds_finished');
    });
    await db.schema.createTable('facility_round_results', (t) => {
      t.increments('id');
      t.text('run_id').notNullable();
      t.text('subject_id').notNullable();
      // Empty for a camera's picture.
      t.text('item_id').notNullable();
      t.text('result').notNullable();
      t.text('problem');
      t.float('value');
      t.text('note');
      t.text('snapshot');
      t.text('order_id');
      t.text('hazard_id');
      t.integer('at').notNullable();
      t.text('by').notNullable();
      // Marked again, a subject's item is replaced: one result each per round.
      t.unique(['run_id', 'subject_id', 'item_id'], { indexName: 'facility_round_results_one' });
    });
    // The maintenance schedule: each visit done, and each due time reminded of (once).
    await db.schema.createTable('facility_maintenance', (t) => {
      t.increments('id');
      t.text('entry_id').notNullable();
      t.integer('done_at').notNullable();
      t.text('by').notNullable();
      t.text('note');
      t.index(['entry_id', 'done_at'], 'facility_maintenance_entry');
    });
    await db.schema.createTable('facility_maintenance_reminded', (t) => {
      t.text('entry_id').notNullable();
      t.integer('due_at').notNullable();
      t.primary(['entry_id', 'due_at']);
    });
    // An inspection round takes the ledger's entries of its kinds (in a zone).
    await db.schema.raw('CREATE INDEX facilities_kind ON facilities (kind, zone)');
    // Told once: a due time that passed without its round.
    await db.schema.createTable('facility_rounds_missed', (t) => {
      t.text('round_id').notNullable();
      t.integer('due_at').notNullable();
      t.integer('told_at').notNullable();
      t.primary(['round_id', 'due_at']);
    });
  },
};
