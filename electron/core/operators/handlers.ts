import type { Knex } from 'knex';
import type { operatorMethods, OperatorView } from '../../../shared/contract';
import { appendAudit, type AuditEntry } from '../audit/audit';
import { ServiceError } from '../errors';
import type { FeatureHandlers, Session } from '../router/router';
import type { Clock } from '../../common/clock';
import type { OperatorAccounts } from './accounts';
import type { LiveSessions } from './sessions';
import type { ResumeTokens } from './tokens';

/** Another feature's part in signing in and out (the shift puts the operator on and off duty). */
export interface SessionHooks {
  /** Before the session is signed in: throwing refuses the sign-in (the fire desk's certificate rule). */
  beforeSignIn?(operator: OperatorView, how: string): Promise<unknown>;
  signedIn(operator: OperatorView, how: string): Promise<unknown>;
  /** `leaveShift`: the operator also goes off duty (the default). */
  signedOut(operator: OperatorView, leaveShift: boolean): Promise<unknown>;
}

/** Sign-in, the lock screen and accounts. */
export function operatorHandlers(d: {
  db: Knex;
  clock: Clock;
  accounts: OperatorAccounts;
  sessions: LiveSessions;
  tokens: ResumeTokens;
  lockAfterMin: number;
  hooks: readonly SessionHooks[];
}): FeatureHandlers<typeof operatorMethods> {
  const { db, clock, accounts, sessions } = d;
  const operatorOf = (session: Session): OperatorView => session.operator!;
  const audit = (operator: OperatorView, entry: Omit<AuditEntry, 'at' | 'actorId' | 'actorName'>) =>
    db.transaction((trx) =>
      appendAudit(trx, { at: clock.now(), actorId: operator.id, actorName: operator.name, ...entry }),
    );

  const signIn = async (session: Session, operator: OperatorView, how: string) => {
    const previous = session.operator;
    for (const hook of d.hooks) await hook.beforeSignIn?.(operator, how);
    const resumeToken = await sessions.signIn(session, operator);
    await audit(operator, {
      action: 'auth.login',
      details: {
        how,
        carrier: session.carrier,
        source: session.source,
        ...(previous ? { replaces: previous.id } : {}),
      },
    });
    for (const hook of d.hooks) await hook.signedIn(operator, how);
    return { operator, resumeToken };
  };

  return {
    'session.current': (_input, { session }) => ({ operator: session.operator, locked: session.locked }),
    'auth.status': async () => ({ needsSetup: await accounts.needsSetup(), lockAfterMin: d.lockAfterMin }),
    'auth.setup': async (input, { session }) => {
      const admin = await accounts.setup(input);
      return signIn(session, admin, 'first start');
    },
    'auth.login': async ({ username, password }, { session }) => {
      const operator = await accounts.authenticate(username, password, 'login', session.source);
      return signIn(session, operator, session.operator ? `switch from ${session.operator.name}` : 'sign-in');
    },
    'auth.resume': async ({ token }, { session }) => {
      const resumed = await sessions.resume(session, token);
      if (resumed && 'ended' in resumed)
        throw new ServiceError(
          'unauthenticated',
          `The sign-in has ended (${resumed.ended}): sign in again.`,
          'sign_in_ended',
          { why: resumed.ended },
        );
      if (!resumed) throw new ServiceError('unauthenticated', 'The sign-in has ended: sign in again.');
      return { operator: resumed.operator, resumeToken: resumed.token, locked: resumed.locked };
    },
    'auth.windowToken': async (_input, { session }) => {
      const operator = operatorOf(session);
      const { token } = await d.tokens.issue(operator.id);
      await audit(operator, { action: 'auth.window', details: { carrier: session.carrier } });
      return { resumeToken: token };
    },
    'auth.logout': async ({ leaveShift }, { session }) => {
      const operator = operatorOf(session);
      // Signing out signs the operator out of every window (a pop-out wall, another tab) as well.
      await sessions.signOut(session);
      await sessions.signOutEverywhere(operator.id);
      await audit(operator, { action: 'auth.logout', details: { source: session.source } });
      for (const hook of d.hooks) await hook.signedOut(operator, leaveShift);
      return { done: true as const };
    },
    'auth.lock': async (_input, { session }) => {
      const operator = operatorOf(session);
      if (!session.locked) {
        await sessions.setLocked(session, true);
        await audit(operator, { action: 'auth.lock', details: { carrier: session.carrier } });
      }
      return { done: true as const };
    },
    'auth.unlock': async ({ password }, { session }) => {
      const operator = operatorOf(session);
      const row = (await db('operators').where({ id: operator.id }).first('username')) as
        { username: string } | undefined;
      if (!row) throw new ServiceError('unauthenticated', 'This account no longer exists: sign in again.');
      await accounts.authenticate(row.username, password, 'unlock', session.source);
      if (session.locked) {
        await sessions.setLocked(session, false);
        await audit(operator, { action: 'auth.unlock', details: { carrier: session.carrier } });
      }
      return { done: true as const };
    },
    'operators.list': async () => ({ operators: await accounts.list() }),
    'operators.save': (input, { session }) => accounts.save(input, operatorOf(session)),
  };
}
