import type { Migration } from '../../common/migrations';

/**
 * Issue 13: a wall clock stepped back or forth must neither reorder the queue nor change response times. Each
 * alarm gets its arrival order (`seq`), its arrival on the steady timeline (`received_steady`, see
 * util/timeline.ts) and its times to acknowledge and to resolve measured there. Rows from before keep what their
 * wall times said (received order, differences clamped at zero).
 */
export const ALARM_CLOCK_MIGRATION: Migration = {
  version: 11,
  name: 'alarm queue: arrival order and response times on the steady clock, not the wall clock',
  async up(db) {
    await db.schema.alterTable('alarms', (t) => {
      t.integer('seq');
      t.integer('received_steady');
      t.integer('ack_ms');
      t.integer('resolve_ms');
    });
    await db.raw(`UPDATE alarms SET seq = r.n
      FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY received_at, rowid) AS n FROM alarms) AS r
      WHERE alarms.id = r.id`);
    await db.raw(`UPDATE alarms SET received_steady = received_at,
      ack_ms = CASE WHEN acknowledged_at IS NULL THEN NULL ELSE MAX(0, acknowledged_at - received_at) END,
      resolve_ms = CASE WHEN resolved_at IS NULL THEN NULL ELSE MAX(0, resolved_at - received_at) END`);
    await db.raw('CREATE UNIQUE INDEX alarms_seq ON alarms (seq)');
    // The queue, escalation and incident grouping now read these instead of the wall-clock ones.
    await db.raw('DROP INDEX alarms_open');
    await db.raw("CREATE INDEX alarms_open ON alarms (priority, seq) WHERE state <> 'resolved'");
    await db.raw('DROP INDEX alarms_unacked');
    await db.raw("CREATE INDEX alarms_unacked ON alarms (received_steady) WHERE state = 'new'");
    await db.raw('CREATE INDEX alarms_zone_steady ON alarms (zone, received_steady)');
  },
};

/** The most an alarm's origin takes as JSON: 24 fields of up to 40 + 200 characters, with room to spare. */
export const ORIGIN_MAX_CHARS = 8000;

/**
 * Issue 14 (hub protocol 3): an alarm keeps where it came from (the hub's source and what the equipment said, as
 * JSON, bounded so a chatty source cannot bloat a row) and when its device reported the condition cleared.
 */
export const ALARM_ORIGIN_MIGRATION: Migration = {
  version: 13,
  name: "alarms keep their origin (the equipment's own words) and when their device reported a restore",
  async up(db) {
    await db.raw(
      `ALTER TABLE alarms ADD COLUMN origin TEXT CHECK (origin IS NULL OR length(origin) <= ${ORIGIN_MAX_CHARS})`,
    );
    await db.raw('ALTER TABLE alarms ADD COLUMN restored_at INTEGER');
  },
};

/**
 * Issue 14: a filtered history page must cost the same at any depth over a million closed alarms. The history is
 * read newest first by `(resolved_at, id)` and paged by seeking past the last row shown; these indexes hold the
 * filters an operator uses most (type, zone, both) in front of that order, so SQLite seeks to the page and reads
 * only its rows. Partial on closed alarms: receiving an alarm (the flood path) never writes them.
 * Its number lives only here: renumbered to 14 when it met the alarm origin's 13.
 */
export const ALARM_HISTORY_MIGRATION: Migration = {
  version: 14,
  name: 'alarm history: filtered pages seek by (resolved_at, id) at any depth',
  async up(db) {
    await db.raw('DROP INDEX alarms_history');
    await db.raw(
      'CREATE INDEX alarms_history ON alarms (resolved_at DESC, id DESC) WHERE resolved_at IS NOT NULL',
    );
    await db.raw(
      'CREATE INDEX alarms_history_type_zone ON alarms (type, zone, resolved_at DESC, id DESC) ' +
        'WHERE resolved_at IS NOT NULL',
    );
    await db.raw(
      'CREATE INDEX alarms_history_zone ON alarms (zone, resolved_at DESC, id DESC) WHERE resolved_at IS NOT NULL',
    );
    await db.raw(
      'CREATE INDEX alarms_history_type ON alarms (type, resolved_at DESC, id DESC) WHERE resolved_at IS NOT NULL',
    );
  },
};

/** Both languages of a text of up to 500 characters each, as JSON with room for escapes. */
export const TEXTS_MAX_CHARS = 4000;

/**
 * Issue 14 (hub protocol 4, `texts`): an equipment alarm's text worded in both console languages, as JSON
 * (`{"zh-CN": ..., "en": ...}`), so each operator reads it in their own; null for alarms with one text.
 * Its number lives only here (it may be renumbered when branches meet).
 */
export const ALARM_TEXTS_MIGRATION: Migration = {
  version: 16,
  name: 'alarms keep their text in both languages when their source worded both',
  async up(db) {
    await db.raw(
      `ALTER TABLE alarms ADD COLUMN texts TEXT CHECK (texts IS NULL OR length(texts) <= ${TEXTS_MAX_CHARS})`,
    );
  },
};

/**
 * Issue 23: an alarm that waited in the hub's log (a console restart, a link outage, a backlog replayed) is as old
 * as its source says. `waited_ms` is how long it waited before it reached this console: its response clock
 * (`received_steady`) starts that much before its arrival. One already past its escalation target when it came is
 * escalated for the record (`escalated_waiting`) and told in one summary notice, not a banner each.
 * Its number lives only here (it may be renumbered when branches meet).
 */
export const ALARM_WAITED_MIGRATION: Migration = {
  version: 17,
  name: 'alarms keep how long they waited in the hub; escalations for that time are told once',
  async up(db) {
    await db.raw(
      'ALTER TABLE alarms ADD COLUMN waited_ms INTEGER CHECK (waited_ms IS NULL OR waited_ms > 0)',
    );
    await db.raw(
      'ALTER TABLE alarms ADD COLUMN escalated_waiting INTEGER NOT NULL DEFAULT 0 CHECK (escalated_waiting IN (0, 1))',
    );
  },
};

export const alarmMigrations = [
  ALARM_CLOCK_MIGRATION,
  ALARM_ORIGIN_MIGRATION,
  ALARM_HISTORY_MIGRATION,
  ALARM_TEXTS_MIGRATION,
  ALARM_WAITED_MIGRATION,
] as const;
