import type { Migration } from '../../common/migrations';

/**
 * The recorder's segment index (issue 15). Number 18 (16 and 17 are the alarms' texts and wait); the number lives
 * only in this object so it can be renumbered when branches meet.
 */
export const recordingsMigration: Migration = {
  version: 18,
  name: 'recordings: one row per closed video segment on disk (camera, path, start, end, bytes, protected)',
  async up(db) {
    await db.schema.createTable('recordings', (t) => {
      t.increments('id');
      t.text('camera').notNullable();
      // Relative to the recording root, written by the recorder only: never a path taken from a request.
      t.text('path').notNullable().unique();
      t.integer('start_ms').notNullable();
      t.integer('end_ms').notNullable();
      t.integer('bytes').notNullable();
      // Referenced by an incident or an export: retention never deletes it.
      t.integer('protected').notNullable().defaultTo(0);
    });
    await db.schema.raw('CREATE INDEX recordings_camera_start ON recordings (camera, start_ms)');
    await db.schema.raw('CREATE INDEX recordings_start ON recordings (start_ms)');
  },
};
