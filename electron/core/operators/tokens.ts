import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { OperatorView, Role, SessionEndReason } from '../../../shared/contract';
import type { Clock } from '../../common/clock';

/**
 * How long a window's sign-in can be resumed after it was last connected: a night shift's length, so a tab left
 * open through the shift comes back signed in after a restart of the console service, and a closed one's token
 * is dead by the next shift. While a window is connected its token keeps being renewed.
 */
export const DEFAULT_RESUME_IDLE_MS = 12 * 3600 * 1000;

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

interface TokenRow {
  token_hash: string;
  operator_id: string;
  expires_at: number;
  locked_at: number | null;
  revoked: SessionEndReason | null;
  name: string;
  role: Role;
  active: number;
}

export type Consumed =
  { operator: OperatorView; locked: boolean; token: string; hash: string } | { ended: SessionEndReason };

/**
 * Resume tokens: single-use (each resume deletes the token and answers with the next), renewed while their
 * window is connected, dead after `idleMs` without one, revoked at sign-out and by a change to the account.
 * Only a SHA-256 of each is stored, so a copy of the database signs nobody in.
 */
export class ResumeTokens {
  constructor(private readonly o: { db: Knex; clock: Clock; idleMs: number }) {}

  async issue(
    operatorId: string,
    locked = false,
    db: Knex | Knex.Transaction = this.o.db,
  ): Promise<{ token: string; hash: string }> {
    const token = randomBytes(24).toString('base64url');
    const hash = tokenHash(token);
    const now = this.o.clock.now();
    await db('resume_tokens').insert({
      token_hash: hash,
      operator_id: operatorId,
      created_at: now,
      expires_at: now + this.o.idleMs,
      locked_at: locked ? now : null,
    });
    return { token, hash };
  }

  /**
   * Uses a token up. Good: the operator, whether the window was locked, and the next token (same lock). Revoked:
   * why (told once). Unknown, expired or for an inactive account: undefined.
   */
  async consume(token: string): Promise<Consumed | undefined> {
    const hash = tokenHash(token);
    const now = this.o.clock.now();
    return this.o.db.transaction(async (trx) => {
      const row = (await trx('resume_tokens as r')
        .join('operators as o', 'o.id', 'r.operator_id')
        .where('r.token_hash', hash)
        .first(
          'r.token_hash',
          'r.operator_id',
          'r.expires_at',
          'r.locked_at',
          'r.revoked',
          'o.name',
          'o.role',
          'o.active',
        )) as TokenRow | undefined;
      if (!row) return undefined;
      await trx('resume_tokens').where({ token_hash: hash }).delete();
      if (row.expires_at <= now) return undefined;
      if (row.revoked) return { ended: row.revoked };
      if (!row.active) return undefined;
      const locked = row.locked_at !== null;
      const next = await this.issue(row.operator_id, locked, trx);
      return {
        operator: { id: row.operator_id, name: row.name, role: row.role },
        locked,
        ...next,
      };
    });
  }

  async drop(hash: string): Promise<void> {
    await this.o.db('resume_tokens').where({ token_hash: hash }).delete();
  }

  /**
   * Revokes every token of an operator. With a reason the rows stay (until they would have expired) so a window
   * that was not connected learns why when it comes back; without one they are deleted.
   */
  async revokeOperator(
    operatorId: string,
    reason: SessionEndReason | undefined,
    db: Knex | Knex.Transaction = this.o.db,
  ): Promise<void> {
    const rows = db('resume_tokens').where({ operator_id: operatorId });
    if (reason) await rows.whereNull('revoked').update({ revoked: reason, locked_at: null });
    else await rows.delete();
  }

  async setLocked(hash: string, locked: boolean): Promise<void> {
    await this.o
      .db('resume_tokens')
      .where({ token_hash: hash })
      .update({ locked_at: locked ? this.o.clock.now() : null });
  }

  /** Connected windows are not idle: their tokens' expiry moves on. Expired rows are swept. */
  async renew(hashes: readonly string[]): Promise<void> {
    const now = this.o.clock.now();
    await this.o.db.transaction(async (trx) => {
      for (let i = 0; i < hashes.length; i += 200)
        await trx('resume_tokens')
          .whereIn('token_hash', hashes.slice(i, i + 200))
          .whereNull('revoked')
          .update({ expires_at: now + this.o.idleMs });
      await trx('resume_tokens').where('expires_at', '<=', now).delete();
    });
  }
}
