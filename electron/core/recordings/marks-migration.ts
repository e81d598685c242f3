import type { Migration } from '../../common/migrations';

/**
 * The replay timeline's alarm marks read the alarms raised in an hour: by `raised_at`, which had no index (a full
 * scan of every alarm each time a replay opens). Number 22 (the reports, vehicles and facilities branches renumber theirs after it); the number lives only in
 * this object so it can be renumbered when branches meet. One more index entry per alarm written.
 */
export const recordingMarksMigration: Migration = {
  version: 22,
  name: 'alarms by the time they were raised (replay timeline marks)',
  async up(db) {
    await db.schema.raw('CREATE INDEX IF NOT EXISTS alarms_raised_at ON alarms (raised_at)');
  },
};
