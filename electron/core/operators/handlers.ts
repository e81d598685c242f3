import type { Knex } from 'knex';
import type { operatorMethods, OperatorView } from '../../../shared/contract';
import { appendAudit } from '../audit/audit';
import { ServiceError } from '../errors';
import type { FeatureHandlers, Session } from '../router/router';
import type { Clock } from '../util/clock';
import type { OperatorAccounts } from './accounts';

/** Another feature's part in signing in and out (the shift puts the operator on and off duty). */
export interface SessionHooks {
  signedIn(operator: OperatorView, how: string): Promise<unknown>;
  /** `leaveShift`: the operator also goes off duty (the default). */
  signedOut(operator: OperatorView, leaveShift: boolean): Promise<unknown>;
}

/** Sign-in, the lock screen and accounts. */
export function operatorHandlers(d: {
  db: Knex;
  clock: Clock;
  accounts: OperatorAccounts;
  lockAfterMin: number;
  hooks: readonly SessionHooks[];
}): FeatureHandlers<typeof operatorMethods> {
  const { db, clock, accounts } = d;
  const operatorOf = (session: Session): OperatorView => session.operator!;

  const signIn = async (session: Session, operator: OperatorView, how: string) => {
    const previous = session.operator;
    session.operator = operator;
    await db.transaction(async (trx) => {
      await appendAudit(trx, {
        at: clock.now(),
        actorId: operator.id,
        actorName: operator.name,
        action: 'auth.login',
        details: { how, carrier: session.carrier, ...(previous ? { replaces: previous.id } : {}) },
      });
    });
    for (const hook of d.hooks) await hook.signedIn(operator, how);
    return { operator, resumeToken: await accounts.issueResumeToken(operator.id) };
  };

  return {
    'session.current': (_input, { session }) => ({ operator: session.operator }),
    'auth.status': async () => ({ needsSetup: await accounts.needsSetup(), lockAfterMin: d.lockAfterMin }),
    'auth.setup': async (input, { session }) => {
      const admin = await accounts.setup(input);
      return signIn(session, admin, 'first start');
    },
    'auth.login': async ({ username, password }, { session }) => {
      const operator = await accounts.authenticate(username, password, 'login');
      return signIn(session, operator, session.operator ? `switch from ${session.operator.name}` : 'sign-in');
    },
    'auth.resume': async ({ token }, { session }) => {
      const operator = await accounts.resumeWith(token);
      if (!operator) throw new ServiceError('unauthenticated', 'The sign-in has ended: sign in again.');
      session.operator = operator;
      return { operator };
    },
    'auth.logout': async ({ leaveShift }, { session }) => {
      const operator = operatorOf(session);
      await accounts.forgetResumeTokens(operator.id);
      await db.transaction((trx) =>
        appendAudit(trx, {
          at: clock.now(),
          actorId: operator.id,
          actorName: operator.name,
          action: 'auth.logout',
        }),
      );
      for (const hook of d.hooks) await hook.signedOut(operator, leaveShift);
      session.operator = null;
      return { done: true as const };
    },
    'auth.unlock': async ({ password }, { session }) => {
      const operator = operatorOf(session);
      const row = (await db('operators').where({ id: operator.id }).first('username')) as
        { username: string } | undefined;
      if (!row) throw new ServiceError('unauthenticated', 'This account no longer exists: sign in again.');
      await accounts.authenticate(row.username, password, 'unlock');
      return { done: true as const };
    },
    'operators.list': async () => ({ operators: await accounts.list() }),
    'operators.save': (input, { session }) => accounts.save(input, operatorOf(session)),
  };
}
