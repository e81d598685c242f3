import type { Knex } from 'knex';
import type { OperatorView } from '../../../shared/contract';
import { appendAudit } from '../audit/audit';
import type { OperatorAccounts } from '../operators/accounts';
import { ServiceError } from '../errors';
import type { Handlers, Session } from '../router/router';
import { handoverPdf } from '../shift/pdf';
import type { ShiftService } from '../shift/shifts';
import type { Clock } from '../util/clock';

type DutyMethod =
  | 'auth.status'
  | 'auth.setup'
  | 'auth.login'
  | 'auth.resume'
  | 'auth.logout'
  | 'auth.unlock'
  | 'operators.list'
  | 'operators.save'
  | 'shift.current'
  | 'shift.join'
  | 'shift.leave'
  | 'shift.report'
  | 'shift.handover'
  | 'shift.list'
  | 'shift.get'
  | 'shift.pdf';

/** Sign-in, accounts and shifts: the handlers `createConsoleCore` spreads into its table. */
export function operatorHandlers(d: {
  db: Knex;
  clock: Clock;
  accounts: OperatorAccounts;
  shifts: ShiftService;
  lockAfterMin: number;
  siteName: (locale: 'zh-CN' | 'en') => string;
}): Pick<Handlers, DutyMethod> {
  const { db, clock, accounts, shifts } = d;
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
    await shifts.join(operator, how);
    return { operator, resumeToken: accounts.issueResumeToken(operator.id) };
  };

  return {
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
      accounts.forgetResumeTokens(operator.id);
      await db.transaction((trx) =>
        appendAudit(trx, {
          at: clock.now(),
          actorId: operator.id,
          actorName: operator.name,
          action: 'auth.logout',
        }),
      );
      if (leaveShift) await shifts.leave(operator.id, operator);
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
    'shift.current': () => shifts.current(),
    'shift.join': async ({ username, password }, { session }) => {
      const operator = await accounts.authenticate(username, password, 'join shift');
      return shifts.join(operator, `signed on at ${operatorOf(session).name}'s console`);
    },
    'shift.leave': ({ operatorId }, { session }) => {
      const me = operatorOf(session);
      // Sending someone else off duty is a supervisor's call; anyone may go off duty themselves.
      if (operatorId !== me.id && me.role === 'operator')
        throw new ServiceError('forbidden', 'Only a supervisor can take another operator off duty.');
      return shifts.leave(operatorId, me);
    },
    'shift.report': () => shifts.report(),
    'shift.handover': async ({ outgoing, incoming, acknowledged, note }, { session }) => {
      const me = operatorOf(session);
      const out = await accounts.authenticate(outgoing.username, outgoing.password, 'handover (outgoing)');
      const inc = await accounts.authenticate(incoming.username, incoming.password, 'handover (incoming)');
      const onDuty = (await shifts.current()).onDuty.map((o) => o.operator.id);
      if (!onDuty.includes(out.id) && out.id !== me.id)
        throw new ServiceError(
          'conflict',
          `${out.name} is not on duty in this shift and cannot hand it over.`,
        );
      const result = await shifts.handover({ outgoing: out, incoming: inc, acknowledged, note });
      // The console now belongs to the incoming operator.
      session.operator = inc;
      accounts.forgetResumeTokens(out.id);
      return { ...result, operator: inc, resumeToken: accounts.issueResumeToken(inc.id) };
    },
    'shift.list': async ({ limit }) => ({ shifts: await shifts.list(limit) }),
    'shift.get': ({ id }) => shifts.get(id),
    'shift.pdf': async ({ id, locale }) => {
      const { shift, report, check } = await shifts.get(id);
      if (!report)
        throw new ServiceError('conflict', 'This shift has not been handed over yet: there is no report.');
      const row = (await db('shifts').where({ id }).first('seal_hash')) as { seal_hash: string | null };
      const pdf = await handoverPdf({
        shift,
        report,
        check,
        sealHash: row.seal_hash ?? undefined,
        siteName: d.siteName(locale),
        locale,
      });
      const day = new Date(shift.startedAt).toISOString().slice(0, 10);
      return { fileName: `handover-${day}-${id}.pdf`, pdf: pdf.toString('base64') };
    },
  };
}
