import type { Migration } from '../../common/migrations';

/**
 * Training and certificates (issue 18): training records, certificates, and which expiring or expired ones were
 * already told to the supervisor. Number 26 (assigned to this branch); the number lives only in this object so it
 * can be renumbered when branches meet.
 */
export const trainingMigration: Migration = {
  version: 26,
  name: 'training: training records, certificates, expiry notices sent',
  async up(db) {
    await db.schema.createTable('training_records', (t) => {
      t.text('id').primary();
      // `operator` (an account's id) or `guard` (a guard of the site file): a guard has no account.
      t.text('person_kind').notNullable();
      t.text('person_id').notNullable();
      t.text('course').notNullable();
      // The local day it took place (YYYY-MM-DD), as written on the attendance sheet.
      t.text('on_day').notNullable();
      t.float('hours').notNullable();
      t.text('trainer').notNullable();
      t.text('result').notNullable();
      t.text('note');
      t.text('updated_by').notNullable();
      t.integer('updated_at').notNullable();
      t.index(['person_kind', 'person_id', 'on_day'], 'training_records_person');
    });
    await db.schema.createTable('certificates', (t) => {
      t.text('id').primary();
      t.text('person_kind').notNullable();
      t.text('person_id').notNullable();
      t.text('kind').notNullable();
      t.integer('level');
      t.text('number').notNullable();
      t.text('issued_on').notNullable();
      // Valid through this local day of the site (YYYY-MM-DD).
      t.text('expires_on').notNullable();
      t.text('issued_by').notNullable();
      t.text('updated_by').notNullable();
      t.integer('updated_at').notNullable();
      // Signing on reads a person's certificates of one kind, the newest first.
      t.index(['person_kind', 'person_id', 'kind', 'expires_on'], 'certificates_person_kind');
    });
    // One notice per certificate, expiry date and stage: a corrected expiry date is told again, a restart is not.
    await db.schema.createTable('certificate_notices', (t) => {
      t.text('certificate_id').notNullable();
      t.text('expires_on').notNullable();
      // `expiring` or `expired`
      t.text('stage').notNullable();
      t.integer('at').notNullable();
      t.primary(['certificate_id', 'expires_on', 'stage']);
    });
  },
};
