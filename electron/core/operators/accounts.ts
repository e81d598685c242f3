import type { Knex } from 'knex';
import type { OperatorAccount, OperatorView, Role, SessionEndReason } from '../../../shared/contract';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { Clock } from '../../common/clock';
import type { IdGenerator } from '../util/ids';
import { passwordProblem, personalWords } from './password-policy';
import { DEFAULT_HASH_PARAMS, hashPassword, verifyPassword, type HashParams } from './passwords';
import { SignInThrottle, type ThrottlePolicy } from './throttle';
import type { ResumeTokens } from './tokens';

interface OperatorRow {
  id: string;
  username: string;
  name: string;
  role: Role;
  password_hash: string;
  active: number;
  last_login_at: number | null;
}

/** What a change to an account does to its open sessions, decided in the transaction that makes it. */
export interface AccountChange {
  operator: OperatorView;
  /** The sessions and tokens of the account end, for this reason; absent: they go on (with the new name). */
  ended?: SessionEndReason;
}

/** The one answer to a failed sign-in, whatever failed: unknown name, wrong password, inactive account. */
function wrongCredentials(): ServiceError {
  return new ServiceError('unauthenticated', 'Wrong user name or password.', 'wrong_credentials');
}

const SYSTEM = { id: 'system', name: 'system' };
// Checking an unknown user name costs as much as a known one, so timing does not tell which names exist.
let dummyHash: Promise<string> | undefined;

/**
 * Operator accounts and passwords. Nothing here returns a password hash. Wrong passwords slow down further tries
 * from the same source (`SignInThrottle`); no account is ever locked by them, so nobody can keep the supervisor out.
 */
export class OperatorAccounts {
  private readonly params: HashParams;
  private readonly throttle: SignInThrottle;

  constructor(
    private readonly o: {
      db: Knex;
      clock: Clock;
      ids: IdGenerator;
      tokens: ResumeTokens;
      hashParams?: HashParams | undefined;
      throttle?: ThrottlePolicy | undefined;
      /** Words a new password must not be made of besides the account's own names (the site's names). */
      siteWords?: (() => readonly string[]) | undefined;
      /** After a change to an account is committed: its open sessions end, or learn its new name. */
      onChanged?: ((change: AccountChange) => void) | undefined;
    },
  ) {
    this.params = o.hashParams ?? DEFAULT_HASH_PARAMS;
    this.throttle = new SignInThrottle(o.throttle);
  }

  /** Refuses a new password a guesser would try first; says why in the operator's language. */
  private checkNewPassword(password: string, account: { username: string; name: string }): void {
    const problem = passwordProblem(password, [
      ...personalWords({ ...account, site: [] }),
      ...(this.o.siteWords?.() ?? []),
    ]);
    if (problem === 'password_common')
      throw new ServiceError(
        'invalid_input',
        'This password is one of the first a guesser tries (a common password, a run or a repeat): choose another.',
        problem,
      );
    if (problem === 'password_personal')
      throw new ServiceError(
        'invalid_input',
        "This password is made of the user name, the person's name or the site's name: choose another.",
        problem,
      );
  }

  async needsSetup(): Promise<boolean> {
    const row = (await this.o.db('operators').count({ n: '*' }).first()) as { n: number };
    return Number(row.n) === 0;
  }

  /** First start: the first account is an administrator chosen by the person installing the console. */
  async setup(input: { username: string; name: string; password: string }): Promise<OperatorView> {
    this.checkNewPassword(input.password, input);
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
   * Checks a password, for a sign-in or anything else that asks for one (unlock, joining the shift, the
   * handover). Unknown name, inactive account and wrong password give the same answer in the same time. Wrong
   * ones from `source` make its next tries for that name wait (audited; the duty log says when the slowing
   * starts, so the supervisor sees someone guessing); a try during the wait is refused without looking at it.
   */
  async authenticate(
    username: string,
    password: string,
    purpose: string,
    source: string,
  ): Promise<OperatorView> {
    const now = this.o.clock.now();
    const wait = this.throttle.waitMs(source, username, now);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new ServiceError(
        'too_many_attempts',
        `Too many wrong passwords from here: wait ${seconds} s before trying again.`,
        'too_many_attempts',
        { seconds },
      );
    }
    const row = (await this.o.db('operators').where({ username }).first()) as OperatorRow | undefined;
    let ok = false;
    if (row?.active) ok = await verifyPassword(password, row.password_hash);
    else {
      dummyHash ??= hashPassword('not a password', this.params);
      await verifyPassword(password, await dummyHash);
    }
    if (ok && row) {
      this.throttle.succeeded(source, username);
      await this.o.db('operators').where({ id: row.id }).update({ last_login_at: now });
      return { id: row.id, name: row.name, role: row.role };
    }
    const { failures, slowed } = this.throttle.failed(source, username, now);
    await this.o.db.transaction(async (trx) => {
      const reason = !row ? 'unknown user' : row.active ? 'wrong password' : 'inactive';
      await appendAudit(trx, {
        at: now,
        ...auditActor(SYSTEM),
        action: 'auth.failed',
        target: row?.id ?? username,
        details: { purpose, reason, source, failures },
      });
      if (!slowed) return;
      await appendAudit(trx, {
        at: now,
        ...auditActor(SYSTEM),
        action: 'auth.slowed',
        target: row?.id ?? username,
        details: { source, failures },
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'sign_in_slowed',
        text: `${row ? `${row.name} (${username})` : username}: ${failures} wrong passwords from ${source}; further tries from there are slowed down`,
        ...(row ? { operatorId: row.id } : {}),
      });
    });
    throw wrongCredentials();
  }

  async list(): Promise<OperatorAccount[]> {
    const rows = (await this.o.db('operators').orderBy('username')) as OperatorRow[];
    return rows.map(toAccount);
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
    if (input.password) this.checkNewPassword(input.password, input);
    const hash = input.password ? await hashPassword(input.password, this.params) : undefined;
    const now = this.o.clock.now();
    const { account, change } = await this.o.db.transaction(async (trx) => {
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
        ...(hash ? { password_hash: hash } : {}),
      };
      // Whoever had this account open keeps none of what the change takes away: not a role it no longer has,
      // not a sign-in made with the old password, not an account that is off.
      const ended: SessionEndReason | undefined = !existing
        ? undefined
        : existing.active && !input.active
          ? 'deactivated'
          : existing.role !== input.role
            ? 'role_changed'
            : hash
              ? 'password_changed'
              : undefined;
      if (existing) await trx('operators').where({ id }).update(fields);
      else
        await trx('operators').insert({
          id,
          ...fields,
          password_hash: hash,
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
          ...(ended ? { sessionsEnded: ended } : {}),
        },
      });
      if (ended) await this.o.tokens.revokeOperator(id, ended, trx);
      const row = (await trx('operators').where({ id }).first()) as OperatorRow;
      const change: AccountChange = {
        operator: { id, name: row.name, role: row.role },
        ...(ended ? { ended } : {}),
      };
      return { account: toAccount(row), change };
    });
    this.o.onChanged?.(change);
    return account;
  }
}

function toAccount(r: OperatorRow): OperatorAccount {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    username: r.username,
    active: r.active === 1,
    ...(r.last_login_at !== null ? { lastLoginAt: r.last_login_at } : {}),
  };
}
