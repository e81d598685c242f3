import type { Knex } from 'knex';

/**
 * One automatic or manual line of the duty log (值班记录). Every feature writes through this, inside the same
 * transaction as the change it records, so the log never claims something that was rolled back.
 */
export interface DutyLogEntry {
  at: number;
  /** What happened, e.g. `alarm`, `escalation`, `patrol_missed`, `call`, `drill`, `hub_link`. */
  kind: string;
  text: string;
  alarmId?: string | undefined;
  operatorId?: string | undefined;
}

export async function writeDutyLog(trx: Knex | Knex.Transaction, entry: DutyLogEntry): Promise<void> {
  await trx('duty_log').insert({
    at: entry.at,
    kind: entry.kind,
    text: entry.text,
    alarm_id: entry.alarmId ?? null,
    operator_id: entry.operatorId ?? null,
  });
}
