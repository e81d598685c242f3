import type { Migration } from '../../common/migrations';

/**
 * Issue 13: a round whose window the wall clock jumped over (NTP stepping it forwards, a person setting it) was
 * never walked in real time; it is closed as skipped — kept, noted in the duty log, never raised as missed.
 */
export const PATROL_SKIPPED_MIGRATION: Migration = {
  version: 12,
  name: 'patrol rounds closed as skipped when the clock jumped over their window',
  async up(db) {
    await db.schema.alterTable('patrol_rounds', (t) => {
      t.integer('skipped').notNullable().defaultTo(0);
    });
  },
};
