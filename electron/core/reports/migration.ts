import type { Migration } from '../../common/migrations';

/**
 * Reports (issue 19) read a period's rows by when they happened: alarms by arrival, patrol rounds and visits by
 * the round's start, work orders by opening, visitors by entry, gate reads by time. None of the existing indexes
 * leads with those columns. One index each, nothing pre-aggregated: each costs one more B-tree insert per row
 * written (measured in docs/measurements.md). Its number lives only in this object (renumbered when branches meet).
 */
export const reportsMigration: Migration = {
  version: 24,
  name: 'reports: rows of a period read by when they happened',
  async up(db) {
    await db.raw('CREATE INDEX alarms_received ON alarms (received_at)');
    await db.raw('CREATE INDEX patrol_rounds_start ON patrol_rounds (round_start)');
    await db.raw('CREATE INDEX patrol_visits_round ON patrol_visits (round_start)');
    await db.raw('CREATE INDEX work_orders_created ON work_orders (created_at)');
    await db.raw('CREATE INDEX visitors_entered ON visitors (entered_at)');
    await db.raw('CREATE INDEX gate_reads_at ON gate_reads (at)');
  },
};

/** A 15-minute slot of UTC time: every zone's offset is a whole number of them, so a slot lies in one local day. */
export const DIRTY_SLOT_MS = 900_000;

/**
 * Triggers that mark the slot of a row's time as changed in `report_dirty`, in the same statement as the write:
 * a stored day summary (report_days) is dropped and folded again the next time a report reads that day. Each is one
 * `INSERT OR IGNORE` of an integer key into a small table (measured in docs/measurements.md). Only the columns the
 * figures read fire them on update (an alarm's repeat count or last-seen time does not).
 */
const MARKS: Array<{ table: string; time: string; update: string[] }> = [
  {
    table: 'alarms',
    time: 'received_at',
    update: [
      'type',
      'priority',
      'zone',
      'device_id',
      'received_at',
      'acknowledged_at',
      'ack_ms',
      'resolved_at',
      'resolve_ms',
      'disposition',
      'escalated_at',
      'drill',
      'incident_id',
    ],
  },
  { table: 'patrol_rounds', time: 'round_start', update: [] },
  { table: 'patrol_visits', time: 'round_start', update: [] },
  { table: 'work_orders', time: 'created_at', update: [] },
  { table: 'visitors', time: 'entered_at', update: ['entered_at', 'overstayed_at'] },
  { table: 'gate_reads', time: 'at', update: ['at', 'gate_id'] },
];

/**
 * Reports of long periods (issue 19's speed): one summary per past local day of the site, folded once from the rows
 * and kept (report_days), and the slots whose rows changed since (report_dirty). Today is always folded live.
 */
export const reportDaysMigration: Migration = {
  version: 25,
  name: 'reports: a summary per past day, dropped when a row of that day changes',
  async up(db) {
    await db.raw(`CREATE TABLE report_days (
      day TEXT PRIMARY KEY CHECK (length(day) = 10),
      time_zone TEXT NOT NULL CHECK (length(time_zone) <= 64),
      version INTEGER NOT NULL,
      data TEXT NOT NULL,
      computed_at INTEGER NOT NULL
    )`);
    await db.raw('CREATE TABLE report_dirty (slot INTEGER PRIMARY KEY)');
    const mark = (row: 'NEW' | 'OLD', time: string) =>
      `INSERT OR IGNORE INTO report_dirty (slot) SELECT CAST(${row}.${time} / ${DIRTY_SLOT_MS} AS INTEGER)
        WHERE ${row}.${time} IS NOT NULL;`;
    for (const { table, time, update } of MARKS) {
      const p = `report_dirty_${table}`;
      await db.raw(`CREATE TRIGGER ${p}_ins AFTER INSERT ON ${table} BEGIN ${mark('NEW', time)} END`);
      await db.raw(`CREATE TRIGGER ${p}_del AFTER DELETE ON ${table} BEGIN ${mark('OLD', time)} END`);
      const of = update.length ? ` OF ${update.join(', ')}` : '';
      await db.raw(
        `CREATE TRIGGER ${p}_upd AFTER UPDATE${of} ON ${table} BEGIN ${mark('NEW', time)} ${mark('OLD', time)} END`,
      );
    }
    // An alarm's trail moves its figures (dispatched, on scene, reopened): the alarm's own slot.
    await db.raw(`CREATE TRIGGER report_dirty_alarm_events AFTER INSERT ON alarm_events
      WHEN NEW.kind IN ('dispatched', 'on_scene', 'reopened') BEGIN
        INSERT OR IGNORE INTO report_dirty (slot)
          SELECT CAST(received_at / ${DIRTY_SLOT_MS} AS INTEGER) FROM alarms WHERE id = NEW.alarm_id;
      END`);
    // An incident made a drill (or not) moves every alarm of it in or out of the figures.
    await db.raw(`CREATE TRIGGER report_dirty_incidents AFTER UPDATE OF drill ON incidents
      WHEN OLD.drill IS NOT NEW.drill BEGIN
        INSERT OR IGNORE INTO report_dirty (slot)
          SELECT CAST(received_at / ${DIRTY_SLOT_MS} AS INTEGER) FROM alarms WHERE incident_id = NEW.id;
      END`);
  },
};

/**
 * The people section and the residents' satisfaction (issue 19). Day summaries (version 2) now fold the guards
 * sent to each alarm: a guard sent or arriving later than the alarm's day marks that day, as the alarm's trail does.
 * Survey results are imported by a supervisor (reports/satisfaction.ts): one row per survey period and question,
 * the same period and question imported again replaces it. The monthly self-checks (reports/self-check.ts), one per
 * month. Its number lives only in this object.
 */
export const peopleMigration: Migration = {
  version: 29,
  name: 'reports: guards sent to alarms mark their day; residents satisfaction results; monthly self-checks',
  async up(db) {
    const mark = (row: 'NEW' | 'OLD') => `INSERT OR IGNORE INTO report_dirty (slot)
        SELECT CAST(received_at / ${DIRTY_SLOT_MS} AS INTEGER) FROM alarms WHERE id = ${row}.alarm_id;`;
    await db.raw(`CREATE TRIGGER report_dirty_guard_assignments_ins AFTER INSERT ON guard_assignments
      BEGIN ${mark('NEW')} END`);
    await db.raw(`CREATE TRIGGER report_dirty_guard_assignments_upd
      AFTER UPDATE OF alarm_id, guard_id, dispatched_at, arrived_at ON guard_assignments
      BEGIN ${mark('NEW')} ${mark('OLD')} END`);
    await db.raw(`CREATE TRIGGER report_dirty_guard_assignments_del AFTER DELETE ON guard_assignments
      BEGIN ${mark('OLD')} END`);
    await db.raw(`CREATE TABLE satisfaction_results (
      id TEXT PRIMARY KEY,
      first_day TEXT NOT NULL CHECK (length(first_day) = 10),
      last_day TEXT NOT NULL CHECK (length(last_day) = 10 AND last_day >= first_day),
      dimension TEXT NOT NULL CHECK (length(dimension) BETWEEN 1 AND 40),
      score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
      sample INTEGER CHECK (sample IS NULL OR sample > 0),
      answers TEXT,
      file_name TEXT NOT NULL,
      imported_at INTEGER NOT NULL,
      imported_by TEXT NOT NULL,
      UNIQUE (first_day, last_day, dimension)
    )`);
    // A report reads the results whose survey ended in its period.
    await db.raw('CREATE INDEX satisfaction_results_last ON satisfaction_results (last_day)');
    // The monthly self-check (月度自查): one per month, its items and what each finding became, as JSON.
    await db.raw(`CREATE TABLE self_checks (
      id TEXT PRIMARY KEY,
      month TEXT NOT NULL UNIQUE CHECK (length(month) = 7),
      done_at INTEGER NOT NULL,
      done_by TEXT NOT NULL,
      note TEXT NOT NULL DEFAULT '',
      items TEXT NOT NULL
    )`);
  },
};

/**
 * The quarterly review (季度互评, reports/quarter-review.ts): one per quarter (a second is refused), who took part,
 * the scores, the opinions with what each became, and the conclusion, as JSON (read whole, a handful a year). Its
 * number lives only in this object.
 */
export const quarterReviewMigration: Migration = {
  version: 30,
  name: 'reports: quarterly reviews with residents representatives and the owners committee',
  async up(db) {
    await db.raw(`CREATE TABLE quarter_reviews (
      id TEXT PRIMARY KEY,
      quarter TEXT NOT NULL UNIQUE CHECK (length(quarter) = 7),
      held_on TEXT NOT NULL CHECK (length(held_on) = 10),
      recorded_at INTEGER NOT NULL,
      recorded_by TEXT NOT NULL,
      participants TEXT NOT NULL,
      scores TEXT NOT NULL,
      opinions TEXT NOT NULL,
      conclusion TEXT NOT NULL
    )`);
  },
};
