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

export const alarmMigrations = [ALARM_CLOCK_MIGRATION, ALARM_ORIGIN_MIGRATION] as const;
