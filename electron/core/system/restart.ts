import type { Knex } from 'knex';
import { NOTICE_CONSOLE_RESTARTED, type Notice } from '../../../shared/contract';
import { writeDutyLog } from '../duty';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';

/**
 * This start follows an unexpected stop of the console service (a crash the supervisor recovered from): the
 * operator sees one notice, in their language, with the time (the page words it from the notice's `code` and
 * `at`), and the duty log keeps the fact for the shift report.
 */
export async function announceRestart(o: {
  stoppedAt: number;
  reason: string;
  db: Knex;
  clock: Clock;
  log: Logger;
  notify: (level: Notice['level'], code: string, message: string) => void;
}): Promise<void> {
  const at = o.clock.now();
  const downSec = Math.max(0, Math.round((at - o.stoppedAt) / 1000));
  o.log.warn('the console service was restarted after an unexpected stop', {
    reason: o.reason,
    stoppedAt: new Date(o.stoppedAt).toISOString(),
    downSec,
  });
  const time = new Date(at).toTimeString().slice(0, 5);
  o.notify(
    'warning',
    NOTICE_CONSOLE_RESTARTED,
    `The console service restarted at ${time} after an unexpected stop (${o.reason}).`,
  );
  try {
    await writeDutyLog(o.db, {
      at,
      kind: 'console_restart',
      text: `console service restarted after an unexpected stop (${o.reason}); down ${downSec} s`,
    });
  } catch (err) {
    o.log.error('could not write the restart to the duty log', { error: (err as Error).message });
  }
}
