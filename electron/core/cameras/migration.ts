import type { Migration } from '../../common/migrations';

export const camerasMigration: Migration = {
  version: 3,
  name: 'camera management: cameras added, edited or removed in the console, over the site file',
  async up(db) {
    await db.schema.createTable('camera_overrides', (t) => {
      t.text('id').primary();
      // The full camera definition (site-file format), or null when the camera was removed.
      t.text('definition');
      t.integer('updated_at').notNullable();
      t.text('updated_by').notNullable();
    });
  },
};
