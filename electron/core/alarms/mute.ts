import type { Knex } from 'knex';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import type { EventBus } from '../util/bus';
import type { Clock } from '../util/clock';

/** The alarm sound silenced for a few minutes, with a reason: audited, in the duty log, told to every window. */
export class AlarmMute {
  private muted: { until: number; reason: string; by: string } | undefined;

  constructor(private readonly o: { db: Knex; clock: Clock; bus: EventBus }) {}

  /** While the sound is off: when it comes back. */
  get mutedUntil(): number | undefined {
    return this.muted && this.muted.until > this.o.clock.now() ? this.muted.until : undefined;
  }

  async mute(reason: string, minutes: number, actor: Actor): Promise<{ until: number }> {
    const { db, clock } = this.o;
    const until = clock.now() + minutes * 60_000;
    await db.transaction(async (trx) => {
      await appendAudit(trx, {
        at: clock.now(),
        ...auditActor(actor),
        action: 'alarms.mute',
        details: { reason, minutes },
      });
      await writeDutyLog(trx, {
        at: clock.now(),
        kind: 'mute',
        text: `${minutes} min: ${reason}`,
        operatorId: actor.id,
      });
    });
    this.muted = { until, reason, by: actor.name };
    this.o.bus.emit('alarms.muted', this.muted);
    return { until };
  }
}
