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
