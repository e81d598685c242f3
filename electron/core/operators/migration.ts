import type { Migration } from '../../common/migrations';

/**
 * Sign-ins that outlive the process: a browser tab's resume token survives a restart of the console service (the
 * supervisor restarts it after a crash, and the tab reconnects by itself). Only a SHA-256 of the token is stored,
 * so a copy of the database signs nobody in.
 */
export const RESUME_TOKENS_MIGRATION: Migration = {
  version: 7,
  name: 'resume tokens kept (hashed, with an expiry) across restarts of the console service',
  async up(db) {
    await db.schema.createTable('resume_tokens', (t) => {
      t.text('token_hash').primary();
      t.text('operator_id').notNullable().references('operators.id');
      t.integer('created_at').notNullable();
      t.integer('expires_at').notNullable();
      t.index(['operator_id'], 'resume_tokens_operator');
      t.index(['expires_at'], 'resume_tokens_expires');
    });
  },
};

/**
 * A resume token carries its window's lock screen (a reload or a restart of the service must not lift it) and,
 * once revoked by a change to the account or a sign-out elsewhere, why: the window that comes back with it is
 * told once, then the row is gone.
 */
export const RESUME_LOCK_MIGRATION: Migration = {
  version: 10,
  name: 'resume tokens carry the lock screen and why they were revoked',
  async up(db) {
    await db.schema.alterTable('resume_tokens', (t) => {
      t.integer('locked_at');
      t.text('revoked');
    });
  },
};
