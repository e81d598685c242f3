import type { Knex } from 'knex';
import { NOTICE_CLOCK_JUMP } from '../../../shared/contract';
import { DEFAULT_LOCALE, type Locale } from '../../../shared/domain/text';
import { MESSAGES } from '../../../shared/i18n';
import { wordNotice } from '../../../shared/i18n/notices';
import type { Notify } from '../feature';
import type { EventBus } from '../util/bus';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import type { Timeline } from '../util/timeline';

/** Where the steady timeline's last value is kept, so the next run continues from at least there. */
export const STEADY_KEY = 'clock.steady';
/** Jumps this close together (a person setting the clock in steps) are told to the operator once. */
const NOTICE_GAP_MS = 60_000;

export interface ClockWatch {
  /** Stops watching and keeps the timeline's value (before the database closes). */
  stop(): Promise<void>;
}

/**
 * Watches the wall clock against the monotonic one: a jump is logged, published on the bus (the duty log and the
 * patrol engine act on it) and told to the operators once, in their language. The steady timeline continues
 * from the value the previous run kept, and that value is kept again every minute and at stop.
 */
export async function watchClock(o: {
  timeline: Timeline;
  db: Knex;
  clock: Clock;
  log: Logger;
  bus: EventBus;
  notify: Notify;
  locale?: Locale | undefined;
}): Promise<ClockWatch> {
  const { timeline, db, clock, log } = o;
  const row = (await db('meta').where({ key: STEADY_KEY }).first('value')) as { value: string } | undefined;
  if (row) timeline.atLeast(Number(row.value));
  const keep = () =>
    db('meta')
      .insert({ key: STEADY_KEY, value: String(timeline.steady()) })
      .onConflict('key')
      .merge()
      .then(
        () => undefined,
        // A full disk: the floor only matters if the wall clock also goes back while the console is down.
        (err: Error) => log.warn('could not keep the steady clock', { error: err.message }),
      );
  let lastNotice = -Infinity;
  const stopListening = timeline.onJump((jump) => {
    log.warn('the system clock jumped', {
      deltaMs: jump.deltaMs,
      from: new Date(jump.from).toISOString(),
      to: new Date(jump.to).toISOString(),
    });
    o.bus.emit('clock.jumped', jump);
    if (jump.steady - lastNotice < NOTICE_GAP_MS) return;
    lastNotice = jump.steady;
    const params = { deltaMs: jump.deltaMs, from: jump.from, to: jump.to };
    const message = wordNotice(MESSAGES[o.locale ?? DEFAULT_LOCALE], { code: NOTICE_CLOCK_JUMP, params });
    o.notify('warning', NOTICE_CLOCK_JUMP, message ?? 'The system clock jumped.', { params });
  });
  await keep();
  const timer = clock.setInterval(() => void keep(), 60_000);
  timeline.start();
  return {
    async stop() {
      timeline.stop();
      stopListening();
      clock.clearInterval(timer);
      await keep();
    },
  };
}
