import type { Knex } from 'knex';
import { type HubOrigin, type AlarmView, type DisasterMode } from '../../../shared/contract';
import { type AlarmType, type Priority } from '../../../shared/domain/alarm';
import {
  DEFAULT_TARGETS,
  type AlarmSource,
  type AlarmState,
  type ResponseTargets,
} from '../../../shared/domain/alarm-lifecycle';
import type { LatLon } from '../../../shared/domain/geo';
import type { BothTexts } from '../../../shared/domain/text';
import { type Actor } from '../actor';
import { connectionOf, isTransaction, prepared } from '../../common/prepared';
import type { Clock } from '../../common/clock';
import type { IdGenerator } from '../util/ids';
import type { Logger } from '../../common/log';
import type { Timeline } from '../util/timeline';
import { type AlarmRow } from './rows';

/*
 * What the alarm queue's parts share (intake.ts, actions.ts, escalation.ts, queries.ts): the options, the state the
 * service keeps between calls, and the few steps every part takes (the trail, the age, telling listeners).
 */

export interface IncomingAlarm {
  source: AlarmSource;
  sourceId: string;
  deviceId?: string | undefined;
  type: AlarmType;
  priority?: Priority | undefined;
  zone?: string | undefined;
  location?: LatLon | undefined;
  cameras: string[];
  raisedAt: number;
  text?: string | undefined;
  /** The text in both languages, when its source worded both (hub protocol 4). */
  texts?: BothTexts | undefined;
  drill?: boolean;
  /** Where the hub's equipment alarm came from (hub protocol 3). */
  origin?: HubOrigin | undefined;
  /**
   * For an alarm that waited in the hub's log (see {@link waitedSince}): when it began. Its response clock starts
   * then, not on arrival, so the operator sees how old it is.
   */
  waitedSince?: number | undefined;
}

export type ReceiveResult =
  | { status: 'new'; alarm: AlarmView }
  | { status: 'retrigger'; alarm: AlarmView }
  | { status: 'duplicate'; alarmId: string };

export interface AlarmServiceOptions {
  db: Knex;
  clock: Clock;
  /** Arrival, ages and response times are measured on it, so a stepped wall clock changes none of them. */
  timeline: Timeline;
  ids: IdGenerator;
  log: Logger;
  consoleId: string;
  /** Called after the change is committed (never for rolled-back work). */
  onChanged(alarm: AlarmView): void;
  onEscalated(alarm: AlarmView, at: number): void;
  /** Alarms escalated for time they waited in the hub (a replay), told at once: how many, the oldest's age (ms). */
  onWaited?(n: number, oldestMs: number): void;
  onDisaster(mode: DisasterMode): void;
  /** The outbox has new rows: send them. */
  kickOutbox(): void;
  /** Alarms in one zone within this window join one incident. */
  groupWindowMs?: number;
  /** Overrides the stored response targets (site configuration, drills, tests). */
  targets?: ResponseTargets;
  dutyLog?(
    trx: Knex.Transaction,
    entry: { kind: string; text: string; alarmId?: string; operatorId?: string },
  ): Promise<void>;
}

export type Db = Knex | Knex.Transaction;
/** The most a replayed alarm's clock is set back: a source's clock a year wrong must not make it older than that. */
export const MAX_WAIT_MS = 86_400_000;
export const INSERT_SOURCE =
  'INSERT INTO alarm_sources (source, source_id, alarm_id, received_at) VALUES (?, ?, ?, ?)';
/** The row's own fields name the columns (`AlarmRow` is the table); the statement is prepared once per shape. */
export const insertSql = (table: string, row: object) => {
  const columns = Object.keys(row);
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
};

export const updateSql = (table: string, set: object) =>
  `UPDATE ${table} SET ${Object.keys(set)
    .map((c) => `${c} = @${c}`)
    .join(', ')} WHERE id = @id`;

export const sourceKey = (source: string, sourceId: string) => `${source}\u0000${sourceId}`;

/** The alarm service's state and shared steps; each part of the service takes it as its first argument. */
export class AlarmCore {
  targets: ResponseTargets = DEFAULT_TARGETS;
  disaster: DisasterMode = { on: false, holdFromPriority: 4, reason: '' };
  readonly watchers = new Set<(alarm: AlarmView) => void>();
  /** The next arrival number (the queue's order; kept in `alarms.seq`). */
  nextSeq = 1;
  /**
   * Alarms that arrived but could not be stored (the disk is full), by source: shown in the queue and pushed to
   * the pages all the same; stored under the same id and arrival number once there is room.
   */
  readonly unsaved = new Map<string, { view: AlarmView; input: IncomingAlarm; fresh: boolean }>();
  readonly holding = new Set<string>();
  /** Alarms escalated for the time they waited in the hub, not yet told: one notice for them all. */
  waitedSummary: { n: number; oldestMs: number; since: number } | undefined;

  constructor(readonly o: AlarmServiceOptions) {}

  /** How far back an incoming alarm's response clock starts (ms): how long it waited in the hub, bounded. */
  waitOf(input: IncomingAlarm): number {
    if (input.waitedSince === undefined) return 0;
    return Math.round(Math.min(MAX_WAIT_MS, Math.max(0, this.o.clock.now() - input.waitedSince)));
  }

  changed(alarm: AlarmView): void {
    this.o.onChanged(alarm);
    for (const listener of this.watchers) listener(alarm);
  }

  async trail(
    trx: Db,
    alarmId: string,
    kind: string,
    actor: Actor,
    extra: { fromState?: AlarmState; toState?: AlarmState; note?: string | undefined },
  ): Promise<void> {
    const row = {
      alarm_id: alarmId,
      at: this.o.clock.now(),
      kind,
      operator_id: actor.id,
      operator_name: actor.name,
      from_state: extra.fromState ?? null,
      to_state: extra.toState ?? null,
      note: extra.note ?? null,
    };
    if (!isTransaction(trx)) {
      await trx('alarm_events').insert(row);
      return;
    }
    prepared(
      await connectionOf(trx),
      'INSERT INTO alarm_events (alarm_id, at, kind, operator_id, operator_name, from_state, to_state, note) ' +
        'VALUES (@alarm_id, @at, @kind, @operator_id, @operator_name, @from_state, @to_state, @note)',
    ).run(row);
  }

  /** How long the alarm has been here, on the steady clock (ms); its wall times for a row from before migration 8. */
  ageOf(row: AlarmRow): number {
    const since = row.received_steady ?? row.received_at;
    return Math.max(0, Math.round(this.o.timeline.steady() - since));
  }

  afterCommit(trx: Knex.Transaction, fn: () => void): void {
    trx.executionPromise.then(fn, () => undefined);
  }
}
