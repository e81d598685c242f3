import type { Knex } from 'knex';
import type { OperatorView, shiftMethods } from '../../../shared/contract';
import { ServiceError } from '../errors';
import type { OperatorsService } from '../operators';
import type { FeatureHandlers, Session } from '../router/router';
import { handoverPdf } from './pdf';
import type { ShiftService } from './shifts';

/** Who is on duty, the handover with both signatures, sealed shifts and their PDF. */
export function shiftHandlers(d: {
  db: Knex;
  operators: Pick<OperatorsService, 'accounts' | 'sessions'>;
  shifts: ShiftService;
  /** The fire desk's certificate rule: may refuse (throws) or warn before the operator goes on duty. */
  signOn?: (operator: OperatorView, how: string) => Promise<void>;
}): FeatureHandlers<typeof shiftMethods> {
  const { shifts } = d;
  const { accounts, sessions } = d.operators;
  const operatorOf = (session: Session): OperatorView => session.operator!;

  return {
    'shift.current': () => shifts.current(),
    'shift.join': async ({ username, password }, { session }) => {
      const operator = await accounts.authenticate(username, password, 'join shift', session.source);
      const how = `signed on at ${operatorOf(session).name}'s console`;
      await d.signOn?.(operator, how);
      return shifts.join(operator, how);
    },
    'shift.leave': ({ operatorId }, { session }) => {
      const me = operatorOf(session);
      // Sending someone else off duty is a supervisor's call; anyone may go off duty themselves.
      if (operatorId !== me.id && me.role === 'operator')
        throw new ServiceError('forbidden', 'Only a supervisor can take another operator off duty.');
      return shifts.leave(operatorId, me);
    },
    'shift.report': () => shifts.reportView(),
    'shift.handover': async ({ outgoing, incoming, acknowledged, note }, { session }) => {
      const me = operatorOf(session);
      const out = await accounts.authenticate(
        outgoing.username,
        outgoing.password,
        'handover (outgoing)',
        session.source,
      );
      const inc = await accounts.authenticate(
        incoming.username,
        incoming.password,
        'handover (incoming)',
        session.source,
      );
      const onDuty = (await shifts.current()).onDuty.map((o) => o.operator.id);
      if (!onDuty.includes(out.id) && out.id !== me.id)
        throw new ServiceError(
          'conflict',
          `${out.name} is not on duty in this shift and cannot hand it over.`,
        );
      const result = await shifts.handover({ outgoing: out, incoming: inc, acknowledged, note });
      // The console now belongs to the incoming operator; the outgoing one is signed out of every window.
      const resumeToken = await sessions.signIn(session, inc);
      if (out.id !== inc.id) await sessions.signOutEverywhere(out.id, session);
      return { ...result, operator: inc, resumeToken };
    },
    'shift.list': async ({ limit }) => ({ shifts: await shifts.list(limit) }),
    'shift.get': ({ id }) => shifts.get(id),
    'shift.pdf': async ({ id, locale }) => {
      const { shift, record } = await shifts.get(id);
      if (!record)
        throw new ServiceError('conflict', 'This shift has not been handed over yet: there is no report.');
      const pdf = await handoverPdf({ record, locale });
      const day = new Date(shift.startedAt).toISOString().slice(0, 10);
      return { fileName: `handover-${day}-${id}.pdf`, pdf: pdf.toString('base64') };
    },
  };
}
