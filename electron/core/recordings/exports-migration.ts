import type { Migration } from '../../common/migrations';

/**
 * Evidence clips and the retention check (issue 15). Number 21 (19 and 20 are other branches'); the number lives
 * only in this object so it can be renumbered when branches meet.
 */
export const recordingExportsMigration: Migration = {
  version: 21,
  name: 'recording exports (evidence clips with their files and hashes) and the first recording per camera',
  async up(db) {
    await db.schema.createTable('recording_exports', (t) => {
      t.text('id').primary();
      t.text('alarm_id');
      t.text('incident_id');
      t.integer('from_ms').notNullable();
      t.integer('to_ms').notNullable();
      t.text('reason').notNullable();
      t.text('operator_id').notNullable();
      t.text('operator_name').notNullable();
      t.integer('exported_at').notNullable();
      // The folder's name under <dataDir>/exports, made by the console (never taken from a request).
      t.text('folder').notNullable();
      // JSON: one entry per camera (file, bytes, sha256, seconds, gaps), as the manifest has them.
      t.text('files').notNullable();
      t.integer('gaps').notNullable().defaultTo(0);
    });
    await db.schema.raw('CREATE INDEX recording_exports_alarm ON recording_exports (alarm_id)');
    await db.schema.raw('CREATE INDEX recording_exports_incident ON recording_exports (incident_id)');
    await db.schema.raw('CREATE INDEX recording_exports_at ON recording_exports (exported_at)');
    // When the console first recorded a camera: a camera whose oldest recording is younger than its required days
    // although it has been recorded longer than that lost recordings (the "actual" retention fault).
    await db.schema.createTable('recording_cameras', (t) => {
      t.text('camera').primary();
      t.integer('first_ms').notNullable();
    });
    await db.raw(
      'INSERT INTO recording_cameras (camera, first_ms) SELECT camera, MIN(start_ms) FROM recordings GROUP BY camera',
    );
  },
};
