import type { Migration } from '../common/migrations';

/**
 * The base schema: the first two migrations, released before features had folders of their own. They span
 * several features (the hub log, operator preferences and guard positions; alarms, the audit chain and the duty
 * log), so the composition root owns them rather than any one feature. Released: never edited.
 */
export const BASE_SCHEMA: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation: meta, hub event log, outbox, operator preferences, guard positions',
    async up(db) {
      await db.schema.createTable('meta', (t) => {
        t.text('key').primary();
        t.text('value').notNullable();
      });
      // Every hub event committed, by the hub's sequence number: the replay cursor is max(seq).
      await db.schema.createTable('hub_events', (t) => {
        t.integer('seq').primary();
        t.text('kind').notNullable();
        t.integer('at').notNullable();
        t.text('body').notNullable();
        t.integer('received_at').notNullable();
        t.index(['kind', 'seq'], 'hub_events_kind_seq');
      });
      // Operator actions the hub must learn about; a row leaves only when the hub acknowledges it.
      await db.schema.createTable('outbox', (t) => {
        t.increments('id');
        t.text('key').notNullable().unique();
        t.text('type').notNullable();
        t.text('payload').notNullable();
        t.integer('created_at').notNullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.integer('last_attempt_at');
        t.text('last_error');
        // Set when the hub answered that it will never accept the action; kept for the operator to see.
        t.integer('refused_at');
      });
      await db.schema.createTable('operator_prefs', (t) => {
        t.text('operator_id').notNullable();
        t.text('key').notNullable();
        t.text('value').notNullable();
        t.integer('updated_at').notNullable();
        t.primary(['operator_id', 'key']);
      });
      await db.schema.createTable('guard_positions', (t) => {
        t.increments('id');
        t.text('guard_id').notNullable();
        t.float('lat').notNullable();
        t.float('lon').notNullable();
        t.integer('at').notNullable();
        t.float('speed');
        t.float('bearing');
        t.float('accuracy');
        t.float('battery');
        t.text('source').notNullable();
        t.index(['guard_id', 'at'], 'guard_positions_guard_at');
      });
    },
  },
  {
    version: 2,
    name: 'alarm queue: alarms, their sources and history, incidents, audit chain, duty log, settings',
    async up(db) {
      await db.schema.createTable('incidents', (t) => {
        t.text('id').primary();
        t.text('zone');
        t.integer('opened_at').notNullable();
        t.integer('closed_at');
        t.integer('drill').notNullable().defaultTo(0);
      });
      await db.schema.createTable('alarms', (t) => {
        t.text('id').primary();
        t.text('source').notNullable();
        t.text('source_id').notNullable();
        t.text('device_id');
        t.text('type').notNullable();
        t.integer('priority').notNullable();
        t.text('zone');
        t.float('lat');
        t.float('lon');
        t.text('cameras').notNullable().defaultTo('[]');
        t.text('text');
        t.integer('raised_at').notNullable();
        t.integer('received_at').notNullable();
        t.integer('last_seen_at').notNullable();
        t.integer('count').notNullable().defaultTo(1);
        t.text('state').notNullable();
        t.text('incident_id').references('incidents.id');
        t.integer('acknowledged_at');
        t.text('acknowledged_by');
        t.integer('resolved_at');
        t.text('resolved_by');
        t.text('disposition');
        t.text('resolution_note');
        t.integer('escalated_at');
        t.integer('held').notNullable().defaultTo(0);
        t.integer('drill').notNullable().defaultTo(0);
        t.integer('updated_at').notNullable();
        t.unique(['source', 'source_id'], { indexName: 'alarms_source_unique' });
      });
      // The queue reads open alarms; the history reads resolved ones newest first, filtered.
      await db.raw("CREATE INDEX alarms_open ON alarms (priority, received_at) WHERE state <> 'resolved'");
      await db.raw("CREATE INDEX alarms_device_open ON alarms (device_id, type) WHERE state <> 'resolved'");
      await db.raw("CREATE INDEX alarms_unacked ON alarms (received_at) WHERE state = 'new'");
      await db.raw('CREATE INDEX alarms_history ON alarms (resolved_at DESC) WHERE resolved_at IS NOT NULL');
      await db.raw('CREATE INDEX alarms_zone_received ON alarms (zone, received_at)');
      await db.raw('CREATE INDEX alarms_type_resolved ON alarms (type, resolved_at)');
      // Every source id seen, so a second delivery of any of them is recognised (a re-trigger has its own id).
      await db.schema.createTable('alarm_sources', (t) => {
        t.text('source').notNullable();
        t.text('source_id').notNullable();
        t.text('alarm_id').notNullable().references('alarms.id');
        t.integer('received_at').notNullable();
        t.primary(['source', 'source_id']);
      });
      await db.schema.createTable('alarm_events', (t) => {
        t.increments('id');
        t.text('alarm_id').notNullable().references('alarms.id');
        t.integer('at').notNullable();
        t.text('kind').notNullable();
        t.text('operator_id');
        t.text('operator_name');
        t.text('from_state');
        t.text('to_state');
        t.text('note');
        t.index(['alarm_id', 'id'], 'alarm_events_alarm');
      });
      // Append-only, hash-chained: each row carries the hash of the one before it.
      await db.schema.createTable('audit_log', (t) => {
        t.increments('seq');
        t.integer('at').notNullable();
        t.text('actor_id').notNullable();
        t.text('actor_name').notNullable();
        t.text('action').notNullable();
        t.text('target');
        t.text('details').notNullable();
        t.text('prev_hash').notNullable();
        t.text('hash').notNullable();
        t.index(['target', 'seq'], 'audit_target');
      });
      await db.raw(`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`);
      await db.raw(`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`);
      await db.schema.createTable('duty_log', (t) => {
        t.increments('id');
        t.integer('at').notNullable();
        t.text('kind').notNullable();
        t.text('text').notNullable();
        t.text('alarm_id');
        t.text('operator_id');
        t.index(['kind', 'at'], 'duty_log_kind_at');
      });
      await db.schema.createTable('settings', (t) => {
        t.text('key').primary();
        t.text('value').notNullable();
        t.integer('updated_at').notNullable();
      });
    },
  },
];
