import type { Knex } from 'knex';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import type { EventBus } from '../util/bus';
import type { Clock } from '../../common/clock';
import type { Timeline } from '../util/timeline';

/**
 * The alarm sound silenced for a few minutes, with a reason: audited, in the duty log, told to every window. The
 * minutes run on the steady clock: a wall clock stepped back an hour must not keep the sound off an hour longer.
 */
export class AlarmMute {
  private muted: { untilSteady: number; reason: string; by: string } | undefined;

  constructor(private readonly o: { db: Knex; clock: Clock; timeline: Timeline; bus: EventBus }) {}

  private left(): number {
    return this.muted ? this.muted.untilSteady - this.o.timeline.steady() : 0;
  }

  /** While the sound is off: when it comes back, by the wall clock as it reads now. */
  get mutedUntil(): number | undefined {
    const left = this.left();
    return left > 0 ? this.o.clock.now() + left : undefined;
  }

  /** While the sound is off: when it comes back, on the steady clock. */
  get mutedUntilSteady(): number | undefined {
    return this.left() > 0 ? this.muted!.untilSteady : undefined;
  }

  async mute(reason: string, minutes: number, actor: Actor): Promise<{ until: number; untilSteady: number }> {
    const { db, clock } = this.o;
    const until = clock.now() + minutes * 60_000;
    const untilSteady = this.o.timeline.steady() + minutes * 60_000;
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
    this.muted = { untilSteady, reason, by: actor.name };
    this.o.bus.emit('alarms.muted', { until, untilSteady, reason, by: actor.name });
    return { until, untilSteady };
  }
}
