import type { Knex } from 'knex';
import { appendAudit } from '../audit/audit';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import type { RefusalInfo } from './router';

/** A refused call is audited: someone tried something their role does not allow, or without signing in. */
export function auditRefusals(db: Knex, clock: Clock, log: Logger): (info: RefusalInfo) => Promise<void> {
  return ({ method, session, code }) =>
    db
      .transaction((trx) =>
        appendAudit(trx, {
          at: clock.now(),
          actorId: session.operator?.id ?? 'anonymous',
          actorName: session.operator?.name ?? 'anonymous',
          action: 'call.refused',
          target: method,
          details: {
            code,
            carrier: session.carrier,
            ...(session.operator ? { role: session.operator.role } : {}),
          },
        }),
      )
      .catch((err: Error) => log.error('auditing a refused call failed', { error: err.message }));
}
