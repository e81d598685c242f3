import type { Migration } from '../db/migrations';

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
