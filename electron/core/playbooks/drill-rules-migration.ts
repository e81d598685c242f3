import type { Migration } from '../../common/migrations';

/**
 * The recurring drill schedule (issue 18): rules, and on each drill the rule that generated it and when its
 * reminder went out. Number 27 (assigned to this branch with training's 26); the number lives only in this
 * object so it can be renumbered when branches meet.
 */
export const drillRulesMigration: Migration = {
  version: 27,
  name: 'recurring drills: monthly and quarterly rules; drills know their rule and their reminder',
  async up(db) {
    await db.schema.createTable('drill_rules', (t) => {
      t.text('id').primary();
      t.text('playbook_id').notNullable();
      t.text('title').notNullable();
      t.text('zone');
      t.text('participants').notNullable();
      t.text('objectives').notNullable();
      // DrillRecurrence as JSON: every, monthDay, at, quarterMonth.
      t.text('recurrence').notNullable();
      t.text('created_by').notNullable();
      t.integer('created_at').notNullable();
      t.integer('updated_at').notNullable();
    });
    await db.schema.alterTable('drills', (t) => {
      t.text('rule_id');
      t.integer('reminded_at');
    });
    // One drill per rule and due time: generating again (a restart, two timers) cannot make a second.
    await db.raw(
      'CREATE UNIQUE INDEX drills_rule_due ON drills (rule_id, scheduled_at) WHERE rule_id IS NOT NULL',
    );
  },
};
