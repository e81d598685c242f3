import type { Migration } from '../../common/migrations';

/** Issue 7: playbook versions, runs and their steps, calls, incident snapshots, contact edits, drills. */
export const playbooksMigration: Migration = {
  version: 5,
  name: 'playbooks: versioned definitions, runs with steps, calls, snapshots, contact overrides, drills',
  async up(db) {
    // Every version ever stored; a run points at the version it followed, so editing never rewrites history.
    await db.schema.createTable('playbook_versions', (t) => {
      t.text('id').primary();
      t.text('playbook_id').notNullable();
      t.integer('version').notNullable();
      // The shipped file's revision it came from (0 for edits made in the console).
      t.integer('revision').notNullable();
      t.text('definition').notNullable();
      t.text('source').notNullable();
      t.integer('created_at').notNullable();
      t.text('created_by').notNullable();
      t.unique(['playbook_id', 'version'], { indexName: 'playbook_versions_unique' });
    });
    await db.schema.createTable('playbook_runs', (t) => {
      t.text('id').primary();
      t.text('incident_id').notNullable().references('incidents.id');
      t.text('alarm_id').notNullable().references('alarms.id');
      t.text('version_id').notNullable().references('playbook_versions.id');
      t.integer('started_at').notNullable();
      t.text('started_by').notNullable();
      t.integer('drill').notNullable().defaultTo(0);
      t.integer('finished_at');
      t.index(['incident_id'], 'playbook_runs_incident');
    });
    await db.schema.createTable('playbook_steps', (t) => {
      t.increments('id');
      t.text('run_id').notNullable().references('playbook_runs.id');
      t.text('step_id').notNullable();
      t.text('outcome').notNullable();
      t.integer('at').notNullable();
      t.text('operator_id').notNullable();
      t.text('operator_name').notNullable();
      t.text('note');
      t.text('reason');
      t.text('guard_id');
      t.unique(['run_id', 'step_id'], { indexName: 'playbook_steps_once' });
    });
    await db.schema.createTable('calls', (t) => {
      t.text('id').primary();
      t.text('run_id').references('playbook_runs.id');
      t.text('incident_id');
      t.text('contact_id').notNullable();
      t.text('name').notNullable();
      t.text('number').notNullable();
      t.integer('started_at').notNullable();
      t.integer('ended_at').notNullable();
      t.text('outcome').notNullable();
      t.text('note');
      t.text('operator_id').notNullable();
      t.text('operator_name').notNullable();
      t.integer('simulated').notNullable().defaultTo(0);
      t.index(['incident_id', 'started_at'], 'calls_incident');
    });
    await db.schema.createTable('incident_snapshots', (t) => {
      t.increments('id');
      t.text('incident_id').notNullable().references('incidents.id');
      t.text('camera_id').notNullable();
      t.text('file').notNullable();
      t.integer('at').notNullable();
      t.text('operator_name').notNullable();
      t.index(['incident_id'], 'incident_snapshots_incident');
    });
    await db.schema.createTable('contact_overrides', (t) => {
      t.text('id').primary();
      // The full contact (site-file format), or null when it was removed.
      t.text('definition');
      t.integer('updated_at').notNullable();
      t.text('updated_by').notNullable();
    });
    await db.schema.createTable('drills', (t) => {
      t.text('id').primary();
      t.text('playbook_id').notNullable();
      t.text('title').notNullable();
      t.integer('scheduled_at').notNullable();
      t.text('zone');
      t.text('participants').notNullable();
      t.text('objectives').notNullable();
      t.text('state').notNullable();
      t.text('created_by').notNullable();
      t.integer('created_at').notNullable();
      t.text('incident_id');
      t.text('alarm_id');
      t.text('run_id');
      t.integer('started_at');
      t.integer('finished_at');
      t.text('roll_call').notNullable().defaultTo('{}');
      t.text('observations').notNullable().defaultTo('');
      t.text('corrective_actions').notNullable().defaultTo('[]');
      t.index(['state', 'scheduled_at'], 'drills_state_time');
    });
  },
};
