import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { OperatorAccount, OperatorView, Role } from '../../../shared/contract';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { Clock } from '../util/clock';
import type { IdGenerator } from '../util/ids';
import { DEFAULT_HASH_PARAMS, hashPassword, verifyPassword, type HashParams } from './passwords';

export interface LockoutPolicy {
  /** Wrong passwords in a row before the account is locked. */
  maxFailures: number;
  lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 5 * 60_000 };

/**
 * How long a tab's sign-in can be resumed after it was last used: long enough for a tab left open through a week
 * of shifts to come back signed in after a restart of the console service, short enough that a forgotten one ends.
 */
export const RESUME_TTL_MS = 7 * 24 * 3600 * 1000;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

interface OperatorRow {
  id: string;
  username: string;
  name: string;
  role: Role;
  password_hash: string;
  active: number;
  failed_count: number;
  locked_until: number | null;
  last_login_at: number | null;
}

const SYSTEM = { id: 'system', name: 'system' };
// Checking an unknown user name costs as much as a known one, so timing does not tell which names exist.
let dummyHash: Promise<string> | undefined;

/** Operator accounts, passwords and lockout. Nothing here returns a password hash. */
export class OperatorAccounts {
  private readonly params: HashParams;
  private readonly lockout: LockoutPolicy;

  constructor(
    private readonly o: {
      db: Knex;
      clock: Clock;
      ids: IdGenerator;
      hashParams?: HashParams | undefined;
      lockout?: LockoutPolicy | undefined;
      resumeTtlMs?: number | undefined;
    },
  ) {
    this.params = o.hashParams ?? DEFAULT_HASH_PARAMS;
    this.lockout = o.lockout ?? DEFAULT_LOCKOUT;
  }

  async needsSetup(): Promise<boolean> {
    const row = (await this.o.db('operators').count({ n: '*' }).first()) as { n: number };
    return Number(row.n) === 0;
  }

  /** First start: the first account is an administrator chosen by the person installing the console. */
  async setup(input: { username: string; name: string; password: string }): Promise<OperatorView> {
    const hash = await hashPassword(input.password, this.params);
    const now = this.o.clock.now();
    const id = this.o.ids();
    await this.o.db.transaction(async (trx) => {
      const row = (await trx('operators').count({ n: '*' }).first()) as { n: number };
      if (Number(row.n) > 0)
        throw new ServiceError(
          'conflict',
          'The console already has accounts: sign in, or ask an administrator.',
        );
      await trx('operators').insert({
        id,
        username: input.username,
        name: input.name,
        role: 'admin',
        password_hash: hash,
        active: 1,
        failed_count: 0,
        created_at: now,
        updated_at: now,
      });
      await appendAudit(trx, {
        at: now,
        actorId: id,
        actorName: input.name,
        action: 'operators.setup',
        target: id,
        details: { username: input.username, role: 'admin' },
      });
    });
    return { id, name: input.name, role: 'admin' };
  }

  /**
   * Checks a password. Wrong ones count; after `maxFailures` in a row the account is locked for `lockMs`
   * (audited, and written to the duty log so the supervisor sees it). The message never says which of the
   * user name or password was wrong.
   */
  async authenticate(username: string, password: string, purpose: string): Promise<OperatorView> {
    const now = this.o.clock.now();
    const row = (await this.o.db('operators').where({ username }).first()) as OperatorRow | undefined;
    if (!row || !row.active) {
      dummyHash ??= hashPassword('not a password', this.params);
      await verifyPassword(password, await dummyHash);
      await this.o.db.transaction((trx) =>
        appendAudit(trx, {
          at: now,
          ...auditActor(SYSTEM),
          action: 'auth.failed',
          target: username,
          details: { purpose, reason: row ? 'inactive' : 'unknown user' },
        }),
      );
      throw new ServiceError('unauthenticated', 'Wrong user name or password.');
    }
    if (row.locked_until !== null && row.locked_until > now) {
      throw new ServiceError(
        'unauthenticated',
        `The account ${username} is locked after repeated wrong passwords until ${new Date(row.locked_until).toLocaleTimeString()}; an administrator can unlock it by setting a new password.`,
      );
    }
    const ok = await verifyPassword(password, row.password_hash);
    const view: OperatorView = { id: row.id, name: row.name, role: row.role };
    await this.o.db.transaction(async (trx) => {
      if (ok) {
        await trx('operators')
          .where({ id: row.id })
          .update({ failed_count: 0, locked_until: null, last_login_at: now });
        return;
      }
      const failures = row.failed_count + 1;
      const locks = failures >= this.lockout.maxFailures;
      await trx('operators')
        .where({ id: row.id })
        .update({
          failed_count: locks ? 0 : failures,
          locked_until: locks ? now + this.lockout.lockMs : null,
        });
      await appendAudit(trx, {
        at: now,
        ...auditActor(SYSTEM),
        action: locks ? 'auth.locked' : 'auth.failed',
        target: row.id,
        details: { purpose, failures },
      });
      if (locks) {
        await writeDutyLog(trx, {
          at: now,
          kind: 'account_locked',
          text: `${row.name} (${row.username}): ${failures} wrong passwords, locked for ${Math.round(this.lockout.lockMs / 60_000)} min`,
          operatorId: row.id,
        });
      }
    });
    if (!ok) {
      const left = this.lockout.maxFailures - row.failed_count - 1;
      throw new ServiceError(
        'unauthenticated',
        left > 0
          ? `Wrong user name or password (${left} more before the account is locked).`
          : `Wrong password: the account ${username} is now locked for ${Math.round(this.lockout.lockMs / 60_000)} minutes.`,
      );
    }
    return view;
  }

  /**
   * A token a window keeps (per tab) to sign back in after a reload or a restart of the console service; only its
   * hash is stored. Ends at sign-out, a new password, a deactivated account, or `RESUME_TTL_MS` unused.
   */
  async issueResumeToken(operatorId: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    const now = this.o.clock.now();
    await this.o.db.transaction(async (trx) => {
      await trx('resume_tokens').where('expires_at', '<=', now).delete();
      await trx('resume_tokens').insert({
        token_hash: tokenHash(token),
        operator_id: operatorId,
        created_at: now,
        expires_at: now + this.resumeTtlMs,
      });
    });
    return token;
  }

  /** The operator the token signs in, if it is still good; using it renews it. */
  async resumeWith(token: string): Promise<OperatorView | undefined> {
    const now = this.o.clock.now();
    const hash = tokenHash(token);
    const row = (await this.o
      .db('resume_tokens as r')
      .join('operators as o', 'o.id', 'r.operator_id')
      .where('r.token_hash', hash)
      .andWhere('r.expires_at', '>', now)
      .andWhere('o.active', 1)
      .first('o.id', 'o.name', 'o.role')) as Pick<OperatorRow, 'id' | 'name' | 'role'> | undefined;
    if (!row) return undefined;
    await this.o
      .db('resume_tokens')
      .where({ token_hash: hash })
      .update({ expires_at: now + this.resumeTtlMs });
    return { id: row.id, name: row.name, role: row.role };
  }

  async forgetResumeTokens(operatorId: string, db: Knex | Knex.Transaction = this.o.db): Promise<void> {
    await db('resume_tokens').where({ operator_id: operatorId }).delete();
  }

  private get resumeTtlMs(): number {
    return this.o.resumeTtlMs ?? RESUME_TTL_MS;
  }

  async list(): Promise<OperatorAccount[]> {
    const rows = (await this.o.db('operators').orderBy('username')) as OperatorRow[];
    const now = this.o.clock.now();
    return rows.map((r) => toAccount(r, now));
  }

  async save(
    input: {
      id?: string | undefined;
      username: string;
      name: string;
      role: Role;
      password?: string | undefined;
      active: boolean;
    },
    actor: OperatorView,
  ): Promise<OperatorAccount> {
    const hash = input.password ? await hashPassword(input.password, this.params) : undefined;
    const now = this.o.clock.now();
    return this.o.db.transaction(async (trx) => {
      const existing = input.id
        ? ((await trx('operators').where({ id: input.id }).first()) as OperatorRow | undefined)
        : undefined;
      if (input.id && !existing) throw new ServiceError('not_found', `There is no account "${input.id}".`);
      const clash = (await trx('operators').where({ username: input.username }).first()) as
        OperatorRow | undefined;
      if (clash && clash.id !== input.id)
        throw new ServiceError('conflict', `The user name ${input.username} is taken by ${clash.name}.`);
      if (existing && existing.role === 'admin' && (input.role !== 'admin' || !input.active)) {
        const admins = (await trx('operators')
          .where({ role: 'admin', active: 1 })
          .count({ n: '*' })
          .first()) as {
          n: number;
        };
        if (Number(admins.n) <= 1)
          throw new ServiceError(
            'conflict',
            'This is the last active administrator: make another one first.',
          );
      }
      if (!existing && !hash) throw new ServiceError('invalid_input', 'A new account needs a password.');
      const id = existing?.id ?? this.o.ids();
      const fields = {
        username: input.username,
        name: input.name,
        role: input.role,
        active: input.active ? 1 : 0,
        updated_at: now,
        // A new password is how an administrator lifts a lockout.
        ...(hash ? { password_hash: hash, failed_count: 0, locked_until: null } : {}),
      };
      if (existing) await trx('operators').where({ id }).update(fields);
      else
        await trx('operators').insert({
          id,
          ...fields,
          password_hash: hash,
          failed_count: 0,
          created_at: now,
        });
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: existing ? 'operators.update' : 'operators.create',
        target: id,
        details: {
          username: input.username,
          role: input.role,
          active: input.active,
          passwordChanged: Boolean(hash),
        },
      });
      if (!input.active || hash) await this.forgetResumeTokens(id, trx);
      const row = (await trx('operators').where({ id }).first()) as OperatorRow;
      return toAccount(row, now);
    });
  }
}

function toAccount(r: OperatorRow, now: number): OperatorAccount {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    username: r.username,
    active: r.active === 1,
    ...(r.locked_until !== null && r.locked_until > now ? { lockedUntil: r.locked_until } : {}),
    ...(r.last_login_at !== null ? { lastLoginAt: r.last_login_at } : {}),
  };
}
