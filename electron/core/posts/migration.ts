import type { Migration } from '../../common/migrations';

/**
 * Fixed posts, peaks and patrol parking counts (issue 17): every table of the feature in one migration, number 28
 * (the number lives only in this object so it can be renumbered when branches meet).
 */
export const postsMigration: Migration = {
  version: 28,
  name: 'posts: guards assigned to posts per shift, the holiday calendar, unmanned posts, patrol parking counts',
  async up(db) {
    // One guard per post and shift; the shift key is its local start day and band (shared/domain/posts.ts).
    await db.raw(`CREATE TABLE post_assignments (
      shift TEXT NOT NULL CHECK (length(shift) <= 20),
      post_id TEXT NOT NULL CHECK (length(post_id) <= 64),
      guard_id TEXT NOT NULL CHECK (length(guard_id) <= 64),
      assigned_at INTEGER NOT NULL,
      assigned_by TEXT NOT NULL,
      PRIMARY KEY (shift, post_id)
    )`);
    await db.raw(`CREATE TABLE holidays (
      date TEXT PRIMARY KEY CHECK (length(date) = 10),
      name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
      kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
      updated_at INTEGER NOT NULL,
      updated_by TEXT NOT NULL
    )`);
    // A post a running peak requires and nobody holds: one row while its alarm stands, removed when it is restored
    // (so a second episode raises again, and a restart neither forgets nor repeats one).
    await db.raw(`CREATE TABLE post_unmanned (
      post_id TEXT PRIMARY KEY CHECK (length(post_id) <= 64),
      peak_id TEXT NOT NULL,
      since INTEGER NOT NULL,
      alarm_id TEXT
    )`);
    await db.raw(`CREATE TABLE parking_counts (
      id TEXT PRIMARY KEY,
      at INTEGER NOT NULL,
      area TEXT NOT NULL CHECK (length(area) <= 64),
      counted INTEGER NOT NULL CHECK (counted BETWEEN 1 AND 5000),
      violations INTEGER NOT NULL CHECK (violations BETWEEN 0 AND counted),
      guard_id TEXT,
      note TEXT NOT NULL DEFAULT '',
      recorded_at INTEGER NOT NULL,
      recorded_by TEXT NOT NULL
    )`);
    // Reports read a period's counts by when they were taken.
    await db.raw('CREATE INDEX parking_counts_at ON parking_counts (at)');
  },
};
