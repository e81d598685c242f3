import type { Knex } from 'knex';
import type {
  AlarmFilter,
  AlarmView,
  DisasterMode,
  HubRestore,
  StoredHubEvent,
} from '../../../shared/contract';
import type { Priority } from '../../../shared/domain/alarm';
import type { AlarmState, Disposition, ResponseTargets } from '../../../shared/domain/alarm-lifecycle';
import type { Actor } from '../actor';
import type { InboxApplier } from '../hub-link/inbox';
import { applyRemote, moveIn, noteIn, raiseManual, reopen, resolve, setDisasterMode } from './actions';
import { AlarmCore, type AlarmServiceOptions, type IncomingAlarm, type ReceiveResult } from './core';
import { checkEscalations } from './escalation';
import { deviceState, receive, restore, storeUnsaved, uncommitted, waitedSince } from './intake';
import { exportCsv, get, history, openAlarms } from './queries';

export type { AlarmServiceOptions, IncomingAlarm, ReceiveResult } from './core';
export { REPLAY_AFTER_MS, waitedSince } from './intake';

/**
 * Receives, stores and moves alarms through their lifecycle. Every change is one transaction with its trail
 * entry, its audit entry and (for what the hub must know) its outbox row. The work is in this folder's parts —
 * intake.ts (what comes in), actions.ts (what operators do), escalation.ts, queries.ts — over one `AlarmCore`
 * (core.ts); this class is their one public face.
 */
export class AlarmService {
  private readonly c: AlarmCore;
  private escalationTimer: unknown;

  constructor(o: AlarmServiceOptions) {
    this.c = new AlarmCore(o);
  }

  async start(): Promise<void> {
    const rows = (await this.c.o.db('settings').whereIn('key', ['alarms.targets', 'alarms.disaster'])) as {
      key: string;
      value: string;
    }[];
    for (const row of rows) {
      if (row.key === 'alarms.targets') this.c.targets = JSON.parse(row.value) as ResponseTargets;
      if (row.key === 'alarms.disaster') this.c.disaster = JSON.parse(row.value) as DisasterMode;
    }
    if (this.c.o.targets) this.c.targets = this.c.o.targets;
    const last = (await this.c.o.db('alarms').max({ seq: 'seq', steady: 'received_steady' }).first()) as
      { seq: number | null; steady: number | null } | undefined;
    this.c.nextSeq = (last?.seq ?? 0) + 1;
    // An earlier run's arrivals stay in the past even if the wall clock went back while the console was down.
    if (last?.steady) this.c.o.timeline.atLeast(last.steady + 1);
    this.escalationTimer = this.c.o.clock.setInterval(() => void checkEscalations(this.c), 1000);
  }

  stop(): void {
    this.c.o.clock.clearInterval(this.escalationTimer);
  }

  /** Another feature follows committed changes too (guards are released when their alarm is resolved). */
  watch(listener: (alarm: AlarmView) => void): () => void {
    this.c.watchers.add(listener);
    return () => this.c.watchers.delete(listener);
  }

  get responseTargets(): ResponseTargets {
    return this.c.targets;
  }

  get disasterMode(): DisasterMode {
    return this.c.disaster;
  }

  /** The hub's alarms, committed in the same transaction as the hub event (so acknowledged only after). */
  readonly hubApplier: InboxApplier = async (trx, event: StoredHubEvent) => {
    if (event.kind === 'alarm') {
      const a = event.data;
      const since = waitedSince(event.at, a.raisedAt, this.c.o.clock.now());
      await receive(this.c, trx, { source: 'hub', ...a, sourceId: a.sourceId, waitedSince: since });
    } else if (event.kind === 'restore') {
      await restore(this.c, trx, event.data);
    } else if (event.kind === 'device') {
      await deviceState(this.c, trx, event.seq, event.data, event.at);
    } else if (event.kind === 'action.applied') {
      await applyRemote(this.c, trx, event);
    }
  };

  /**
   * The device reports the condition behind its open alarm of that type cleared: the alarm says so (its trail, a
   * badge) and stays open, since an operator still decides what happened. A restore with no open alarm (already
   * resolved, or never raised here) changes nothing.
   */
  restore(trx: Knex.Transaction, r: HubRestore): Promise<AlarmView | undefined> {
    return restore(this.c, trx, r);
  }

  /**
   * One incoming alarm: a source id already seen is a duplicate; the same device raising the same type while
   * its alarm is open re-triggers it (count + 1); otherwise a new alarm, grouped into the zone's incident.
   */
  receive(trx: Knex.Transaction, input: IncomingAlarm): Promise<ReceiveResult> {
    return receive(this.c, trx, input);
  }

  /** An operator enters an alarm (a resident phones in). Told to the hub through the outbox. */
  raiseManual(
    input: Omit<IncomingAlarm, 'source' | 'sourceId' | 'raisedAt'>,
    actor: Actor,
  ): Promise<AlarmView> {
    return raiseManual(this.c, input, actor);
  }

  /** acknowledged, dispatched, on scene: forward only; jumping ahead from `new` also records the acknowledgement. */
  async move(
    id: string,
    to: Exclude<AlarmState, 'new' | 'resolved'>,
    actor: Actor,
    note?: string,
  ): Promise<AlarmView> {
    const view = await this.c.o.db.transaction((trx) => moveIn(this.c, trx, id, to, actor, note));
    this.c.o.kickOutbox();
    return view;
  }

  /** `move` inside a caller's transaction (a dispatch, an arrival): listeners hear of it after the commit. */
  moveIn(
    trx: Knex.Transaction,
    id: string,
    to: Exclude<AlarmState, 'new' | 'resolved'>,
    actor: Actor,
    note?: string,
  ): Promise<AlarmView> {
    return moveIn(this.c, trx, id, to, actor, note);
  }

  resolve(id: string, disposition: Disposition, note: string, actor: Actor): Promise<AlarmView> {
    return resolve(this.c, id, disposition, note, actor);
  }

  reopen(id: string, reason: string, actor: Actor): Promise<AlarmView> {
    return reopen(this.c, id, reason, actor);
  }

  async note(id: string, text: string, actor: Actor): Promise<AlarmView> {
    const view = await this.c.o.db.transaction((trx) => noteIn(this.c, trx, id, text, actor));
    this.c.o.kickOutbox();
    return view;
  }

  noteIn(trx: Knex.Transaction, id: string, text: string, actor: Actor): Promise<AlarmView> {
    return noteIn(this.c, trx, id, text, actor);
  }

  get(id: string): ReturnType<typeof get> {
    return get(this.c, id);
  }

  openAlarms(): Promise<AlarmView[]> {
    return openAlarms(this.c);
  }

  /** Closed alarms newest first, keyset-paged so page 1000 costs what page 1 costs. */
  history(
    filter: AlarmFilter,
    limit: number,
    before?: { resolvedAt: number; id: string },
  ): Promise<{ alarms: AlarmView[]; more: boolean }> {
    return history(this.c, filter, limit, before);
  }

  exportCsv(filter: AlarmFilter): Promise<{ csv: string; rows: number }> {
    return exportCsv(this.c, filter);
  }

  setDisasterMode(
    input: { on: boolean; holdFromPriority: Priority; reason: string },
    actor: Actor,
  ): Promise<DisasterMode> {
    return setDisasterMode(this.c, input, actor);
  }

  /**
   * Unacknowledged past the target: escalate once (event, banner, duty log). Held alarms wait. An alarm that was past
   * its target before it reached this console (it waited in the hub's log) is escalated for the record all the same,
   * but without a banner: those of a replay are told together in one notice (`alarms-waited`).
   */
  checkEscalations(): Promise<void> {
    return checkEscalations(this.c);
  }

  /** The steady clock now: a page ages alarms as `steadyNow - receivedSteady`. */
  steadyNow(): number {
    return this.c.o.timeline.steady();
  }

  /** A hub event the inbox could not store (a full disk): an alarm in it is shown until the replay stores it. */
  readonly uncommitted = (raw: unknown, error: Error): void => uncommitted(this.c, raw, error);

  /** Alarms of this console's own making (engines, phones) that could not be stored: try again now. */
  storeUnsaved(): Promise<void> {
    return storeUnsaved(this.c);
  }
}
