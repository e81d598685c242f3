import type { Knex } from 'knex';
import type { dutyMethods } from '../../../shared/contract';
import { actorOf } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { ServiceError } from '../errors';
import type { FeatureHandlers } from '../router/router';
import type { SiteNames } from '../site/names';
import type { Clock } from '../../common/clock';
import { dutyEntry, exportDutyLogCsv, listDutyLog, writeDutyLog } from './duty-log';
import { wordDutyText } from './wording';

/** The duty log's own methods: listing, manual entries (with their audit entry), CSV. */
export function dutyHandlers(
  db: Knex,
  clock: Clock,
  names: () => SiteNames,
): FeatureHandlers<typeof dutyMethods> {
  return {
    'duty.list': async ({ filter, limit, before }) => {
      const page = await listDutyLog(db, filter, limit, before);
      const named = names();
      // What operators wrote is shown as written; the console's own texts get the site's names for its ids.
      return {
        ...page,
        entries: page.entries.map((e) =>
          e.manual ? e : { ...e, named: wordDutyText(named.nameIds(e.text)) },
        ),
      };
    },
    'duty.add': async (input, { session }) => {
      const me = actorOf(session);
      const id = await db.transaction(async (trx) => {
        if (input.refId !== undefined) {
          const ref = (await trx('duty_log').where({ id: input.refId }).first('id')) as
            { id: number } | undefined;
          if (!ref) throw new ServiceError('not_found', `There is no duty-log entry #${input.refId}.`);
        }
        if ((input.kind === 'correction' || input.kind === 'follow_up_done') && input.refId === undefined)
          throw new ServiceError(
            'invalid_input',
            'A correction or a closed follow-up must name the entry it refers to.',
          );
        if (input.alarmId) {
          const alarm = await trx('alarms').where({ id: input.alarmId }).first('id');
          if (!alarm) throw new ServiceError('not_found', `There is no alarm "${input.alarmId}".`);
        }
        const entryId = await writeDutyLog(trx, {
          at: clock.now(),
          kind: input.kind,
          text: input.text,
          alarmId: input.alarmId,
          cameraId: input.cameraId,
          operatorId: me.id,
          manual: true,
          followUp: input.followUp,
          refId: input.refId,
        });
        await appendAudit(trx, {
          at: clock.now(),
          ...auditActor(me),
          action: 'duty.add',
          target: String(entryId),
          details: { kind: input.kind, refId: input.refId },
        });
        return entryId;
      });
      return (await dutyEntry(db, id))!;
    },
    'duty.exportCsv': ({ filter }) => exportDutyLogCsv(db, filter),
  };
}
