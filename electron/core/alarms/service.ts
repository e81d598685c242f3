import type { Database } from 'better-sqlite3';
import type { Knex } from 'knex';
import {
  HubEvent,
  knownHubAction,
  type HubDevice,
  type HubOrigin,
  type HubRestore,
  type AlarmFilter,
  type AlarmView,
  type DisasterMode,
  type KnownHubAction,
  type StoredHubEvent,
} from '../../../shared/contract';
import { effectivePriority, type AlarmType, type Priority } from '../../../shared/domain/alarm';
import {
  canMove,
  DEFAULT_TARGETS,
  targetFor,
  type AlarmSource,
  type AlarmState,
  type Disposition,
  type ResponseTargets,
} from '../../../shared/domain/alarm-lifecycle';
import type { LatLon } from '../../../shared/domain/geo';
import type { BothTexts } from '../../../shared/domain/text';
import { SYSTEM, type Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { connectionOf, isTransaction, prepared } from '../util/prepared';
import { enqueueAction } from '../hub-link/outbox';
import type { InboxApplier } from '../hub-link/inbox';
import { isDiskFull, ServiceError } from '../errors';
import type { Clock } from '../../common/clock';
import type { IdGenerator } from '../util/ids';
import type { Logger } from '../../common/log';
import type { Timeline } from '../util/timeline';
import { deviceFaultType, originJson } from './equipment';
import { toCsv, toEventView, toView, type AlarmRow } from './rows';

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

/** A hub event that reaches the console this long after the hub logged it was waiting there (a replay). */
export const REPLAY_AFTER_MS = 10_000;
/** The most a replayed alarm's clock is set back: a source's clock a year wrong must not make it older than that. */
const MAX_WAIT_MS = 86_400_000;
/** The summary of alarms that came past their escalation target waits for a quiet tick, or this long at most. */
const SUMMARY_EVERY_MS = 10_000;

/**
 * When a hub alarm began, if it waited in the hub's log: the hub logged it (`loggedAt`) at least `REPLAY_AFTER_MS`
 * before now. It began when its source raised it, or when the hub logged it if the source's clock says later. An
 * alarm that comes at once keeps its arrival as its start, however wrong its source's clock is.
 */
export function waitedSince(loggedAt: number, raisedAt: number, now: number): number | undefined {
  return now - loggedAt >= REPLAY_AFTER_MS ? Math.min(loggedAt, raisedAt) : undefined;
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

type Db = Knex | Knex.Transaction;
type ChangeApply = (
  trx: Knex.Transaction,
  row: AlarmRow,
  now: number,
) => Promise<{ row: AlarmRow; action: string; details: Record<string, unknown> }>;

/** Alarms shown while the disk is full, at most; beyond that they wait for the hub's replay like the rest. */
const MAX_UNSAVED = 5000;

const INSERT_SOURCE =
  'INSERT INTO alarm_sources (source, source_id, alarm_id, received_at) VALUES (?, ?, ?, ?)';
/** The row's own fields name the columns (`AlarmRow` is the table); the statement is prepared once per shape. */
const insertSql = (table: string, row: object) => {
  const columns = Object.keys(row);
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
};

const updateSql = (table: string, set: object) =>
  `UPDATE ${table} SET ${Object.keys(set)
    .map((c) => `${c} = @${c}`)
    .join(', ')} WHERE id = @id`;

const sourceKey = (source: string, sourceId: string) => `${source}\u0000${sourceId}`;

const TRANSITION_KIND: Record<Exclude<AlarmState, 'new'>, string> = {
  acknowledged: 'acknowledged',
  dispatched: 'dispatched',
  on_scene: 'on_scene',
  resolved: 'resolved',
};

/**
 * Receives, stores and moves alarms through their lifecycle. Every change is one transaction with its trail
 * entry, its audit entry and (for what the hub must know) its outbox row.
 */
export class AlarmService {
  private targets: ResponseTargets = DEFAULT_TARGETS;
  private disaster: DisasterMode = { on: false, holdFromPriority: 4, reason: '' };
  private escalationTimer: unknown;
  private readonly watchers = new Set<(alarm: AlarmView) => void>();
  /** The next arrival number (the queue's order; kept in `alarms.seq`). */
  private nextSeq = 1;
  /**
   * Alarms that arrived but could not be stored (the disk is full), by source: shown in the queue and pushed to
   * the pages all the same; stored under the same id and arrival number once there is room.
   */
  private readonly unsaved = new Map<string, { view: AlarmView; input: IncomingAlarm; fresh: boolean }>();
  private readonly holding = new Set<string>();
  /** Alarms escalated for the time they waited in the hub, not yet told: one notice for them all. */
  private waitedSummary: { n: number; oldestMs: number; since: number } | undefined;

  constructor(private readonly o: AlarmServiceOptions) {}

  /** How far back an incoming alarm's response clock starts (ms): how long it waited in the hub, bounded. */
  private waitOf(input: IncomingAlarm): number {
    if (input.waitedSince === undefined) return 0;
    return Math.round(Math.min(MAX_WAIT_MS, Math.max(0, this.o.clock.now() - input.waitedSince)));
  }

  async start(): Promise<void> {
    const rows = (await this.o.db('settings').whereIn('key', ['alarms.targets', 'alarms.disaster'])) as {
      key: string;
      value: string;
    }[];
    for (const row of rows) {
      if (row.key === 'alarms.targets') this.targets = JSON.parse(row.value) as ResponseTargets;
      if (row.key === 'alarms.disaster') this.disaster = JSON.parse(row.value) as DisasterMode;
    }
    if (this.o.targets) this.targets = this.o.targets;
    const last = (await this.o.db('alarms').max({ seq: 'seq', steady: 'received_steady' }).first()) as
      { seq: number | null; steady: number | null } | undefined;
    this.nextSeq = (last?.seq ?? 0) + 1;
    // An earlier run's arrivals stay in the past even if the wall clock went back while the console was down.
    if (last?.steady) this.o.timeline.atLeast(last.steady + 1);
    this.escalationTimer = this.o.clock.setInterval(() => void this.checkEscalations(), 1000);
  }

  stop(): void {
    this.o.clock.clearInterval(this.escalationTimer);
  }

  /** Another feature follows committed changes too (guards are released when their alarm is resolved). */
  watch(listener: (alarm: AlarmView) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private changed(alarm: AlarmView): void {
    this.o.onChanged(alarm);
    for (const listener of this.watchers) listener(alarm);
  }

  get responseTargets(): ResponseTargets {
    return this.targets;
  }

  get disasterMode(): DisasterMode {
    return this.disaster;
  }

  /** The hub's alarms, committed in the same transaction as the hub event (so acknowledged only after). */
  readonly hubApplier: InboxApplier = async (trx, event: StoredHubEvent) => {
    if (event.kind === 'alarm') {
      const a = event.data;
      const since = waitedSince(event.at, a.raisedAt, this.o.clock.now());
      await this.receive(trx, { source: 'hub', ...a, sourceId: a.sourceId, waitedSince: since });
    } else if (event.kind === 'restore') {
      await this.restore(trx, event.data);
    } else if (event.kind === 'device') {
      await this.deviceState(trx, event.seq, event.data, event.at);
    } else if (event.kind === 'action.applied') {
      await this.applyRemote(trx, event);
    }
  };

  /**
   * The device reports the condition behind its open alarm of that type cleared: the alarm says so (its trail, a
   * badge) and stays open, since an operator still decides what happened. A restore with no open alarm (already
   * resolved, or never raised here) changes nothing.
   */
  async restore(trx: Knex.Transaction, r: HubRestore): Promise<AlarmView | undefined> {
    // Worded as the partial index alarms_device_open is (knex's whereNot would scan the table).
    const open = prepared(
      await connectionOf(trx),
      "SELECT * FROM alarms WHERE device_id = ? AND type = ? AND state <> 'resolved' ORDER BY seq DESC LIMIT 1",
    ).get(r.deviceId, r.type) as AlarmRow | undefined;
    if (!open) {
      this.o.log.info('restore for no open alarm', { device: r.deviceId, type: r.type });
      return undefined;
    }
    const now = this.o.clock.now();
    const update = { restored_at: r.at, updated_at: now };
    await trx('alarms').where({ id: open.id }).update(update);
    await this.trail(trx, open.id, 'restored', SYSTEM, {});
    await appendAudit(trx, {
      at: now,
      ...auditActor(SYSTEM),
      action: 'alarm.restored',
      target: open.id,
      details: { device: r.deviceId, type: r.type, at: r.at },
    });
    const view = toView({ ...open, ...update });
    this.afterCommit(trx, () => this.changed(view));
    return view;
  }

  /**
   * A device's state (hub `device` event): a change to fault or offline puts an alarm of the fitting type in the
   * queue at that type's priority; back to ok is a restore of what it raised. Only changes count: a hub that
   * reports the same state again raises nothing new. The duty log's entry is written by the duty feature.
   */
  private async deviceState(
    trx: Knex.Transaction,
    seq: number,
    d: HubDevice,
    loggedAt: number,
  ): Promise<void> {
    const previous = (await trx('hub_events')
      // A literal kind, so SQLite can use the partial index hub_events_device.
      .whereRaw("kind = 'device'")
      .andWhere('seq', '<', seq)
      .whereRaw("json_extract(body, '$.deviceId') = ?", [d.deviceId])
      .orderBy('seq', 'desc')
      .first('body')) as { body: string } | undefined;
    const before = previous ? (JSON.parse(previous.body) as { state: string }).state : 'ok';
    if (before === d.state) return;
    if (d.state === 'ok') {
      await this.restore(trx, { deviceId: d.deviceId, type: deviceFaultType(d.kind, before), at: d.at });
      return;
    }
    await this.receive(trx, {
      source: 'hub',
      // One alarm per reported change: the event's sequence makes it unique and a replay a duplicate.
      sourceId: `device:${seq}`,
      deviceId: d.deviceId,
      type: deviceFaultType(d.kind, d.state),
      zone: d.zone,
      cameras: [],
      raisedAt: d.at,
      text: [d.label, d.text].filter(Boolean).join(' · ') || undefined,
      texts: d.texts && {
        'zh-CN': [d.label, d.texts['zh-CN']].filter(Boolean).join(' · '),
        en: [d.label, d.texts.en].filter(Boolean).join(' · '),
      },
      origin: d.origin,
      waitedSince: waitedSince(loggedAt, d.at, this.o.clock.now()),
    });
  }

  /**
   * One incoming alarm: a source id already seen is a duplicate; the same device raising the same type while
   * its alarm is open re-triggers it (count + 1); otherwise a new alarm, grouped into the zone's incident.
   */
  async receive(trx: Knex.Transaction, input: IncomingAlarm): Promise<ReceiveResult> {
    const now = this.o.clock.now();
    const key = sourceKey(input.source, input.sourceId);
    // Not stored for want of space: shown anyway, and stored (or dropped, if stored meanwhile) when there is room.
    trx.executionPromise.then(
      () => this.dropUnsaved(key),
      (err: unknown) => {
        if (isDiskFull(err)) void this.holdUnsaved(input);
      },
    );
    // A flood is thousands of these in one transaction: prepared statements, not knex (util/prepared.ts).
    const conn = await connectionOf(trx);
    const seen = prepared(
      conn,
      'SELECT alarm_id FROM alarm_sources WHERE source = ? AND source_id = ? LIMIT 1',
    ).get(input.source, input.sourceId) as { alarm_id: string } | undefined;
    if (seen) return { status: 'duplicate', alarmId: seen.alarm_id };

    if (input.deviceId) {
      const open = prepared(
        conn,
        // Worded as the partial index alarms_device_open is, or SQLite scans the whole table for each alarm.
        "SELECT * FROM alarms WHERE device_id = ? AND type = ? AND state <> 'resolved' LIMIT 1",
      ).get(input.deviceId, input.type) as AlarmRow | undefined;
      if (open) {
        // The condition is back: a restore reported before it no longer holds. A more urgent occurrence (a line
        // crossing on a camera whose motion opened the alarm at a low priority) raises the alarm to its priority;
        // a less urgent one never lowers it.
        const incoming = effectivePriority(input.type, input.priority);
        const raised = incoming < open.priority;
        const again = {
          count: open.count + 1,
          last_seen_at: now,
          updated_at: now,
          restored_at: null,
          ...(raised ? { priority: incoming } : {}),
          ...(raised && open.held && incoming < this.disaster.holdFromPriority ? { held: 0 } : {}),
        };
        prepared(conn, updateSql('alarms', again)).run({ ...again, id: open.id });
        prepared(conn, INSERT_SOURCE).run(input.source, input.sourceId, open.id, now);
        await this.trail(
          trx,
          open.id,
          'retrigger',
          SYSTEM,
          raised ? { note: `P${open.priority} → P${incoming}` } : {},
        );
        const view = toView({ ...open, ...again });
        this.afterCommit(trx, () => this.changed(view));
        return { status: 'retrigger', alarm: view };
      }
    }

    const priority = effectivePriority(input.type, input.priority);
    // Shown already while the disk was full: the same id, arrival number and arrival time.
    const shown = this.unsaved.get(key);
    const arrival = shown?.fresh ? shown.view : undefined;
    const waited = this.waitOf(input);
    // The response clock starts when the alarm began: on arrival, or as long before it as it waited in the hub.
    const steady = arrival?.receivedSteady ?? this.o.timeline.steady() - waited;
    const incidentId = this.incidentFor(conn, input.zone, now, steady, input.drill ?? false);
    const held = this.disaster.on && priority >= this.disaster.holdFromPriority;
    const row: AlarmRow = {
      id: arrival?.id ?? this.o.ids(),
      source: input.source,
      source_id: input.sourceId,
      device_id: input.deviceId ?? null,
      type: input.type,
      priority,
      zone: input.zone ?? null,
      lat: input.location?.lat ?? null,
      lon: input.location?.lon ?? null,
      cameras: JSON.stringify(input.cameras),
      text: input.text ?? null,
      raised_at: input.raisedAt,
      received_at: arrival?.receivedAt ?? now,
      last_seen_at: now,
      count: 1,
      state: 'new',
      incident_id: incidentId,
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      resolved_by: null,
      disposition: null,
      resolution_note: null,
      escalated_at: null,
      held: held ? 1 : 0,
      drill: input.drill ? 1 : 0,
      updated_at: now,
      seq: arrival?.seq ?? this.nextSeq++,
      received_steady: steady,
      ack_ms: null,
      resolve_ms: null,
      origin: originJson(input.origin),
      restored_at: null,
      texts: input.texts ? JSON.stringify(input.texts) : null,
      waited_ms: arrival ? (arrival.waitedMs ?? null) : waited > 0 ? waited : null,
      escalated_waiting: 0,
    };
    prepared(conn, insertSql('alarms', row)).run(row);
    prepared(conn, INSERT_SOURCE).run(input.source, input.sourceId, row.id, now);
    await this.trail(trx, row.id, 'received', SYSTEM, {
      toState: 'new',
      note: held ? 'held back (disaster mode)' : undefined,
    });
    await appendAudit(trx, {
      at: now,
      ...auditActor(SYSTEM),
      action: 'alarm.received',
      target: row.id,
      details: {
        source: input.source,
        sourceId: input.sourceId,
        type: input.type,
        priority,
        zone: input.zone,
        held,
      },
    });
    await this.o.dutyLog?.(trx, {
      kind: 'alarm',
      text: `${input.type} P${priority}${input.zone ? ` ${input.zone}` : ''}`,
      alarmId: row.id,
    });
    const view = toView(row);
    this.afterCommit(trx, () => this.changed(view));
    return { status: 'new', alarm: view };
  }

  /** An operator enters an alarm (a resident phones in). Told to the hub through the outbox. */
  async raiseManual(
    input: Omit<IncomingAlarm, 'source' | 'sourceId' | 'raisedAt'>,
    actor: Actor,
  ): Promise<AlarmView> {
    return this.o.db
      .transaction(async (trx) => {
        const now = this.o.clock.now();
        const result = await this.receive(trx, {
          ...input,
          source: 'manual',
          sourceId: `manual-${this.o.ids()}`,
          raisedAt: now,
        });
        if (result.status === 'duplicate')
          throw new ServiceError('conflict', 'This alarm was already entered.');
        await this.trail(trx, result.alarm.id, 'note', actor, { note: `entered by ${actor.name}` });
        await this.outbox(trx, 'alarm.raise', result.alarm, actor, {
          text: input.text,
          type: input.type,
          zone: input.zone,
        });
        await appendAudit(trx, {
          at: now,
          ...auditActor(actor),
          action: 'alarm.raise',
          target: result.alarm.id,
          details: { type: input.type },
        });
        return result.alarm;
      })
      .finally(() => this.o.kickOutbox());
  }

  /** acknowledged, dispatched, on scene: forward only; jumping ahead from `new` also records the acknowledgement. */
  async move(
    id: string,
    to: Exclude<AlarmState, 'new' | 'resolved'>,
    actor: Actor,
    note?: string,
  ): Promise<AlarmView> {
    const view = await this.o.db.transaction((trx) => this.moveIn(trx, id, to, actor, note));
    this.o.kickOutbox();
    return view;
  }

  /** `move` inside a caller's transaction (a dispatch, an arrival): listeners hear of it after the commit. */
  async moveIn(
    trx: Knex.Transaction,
    id: string,
    to: Exclude<AlarmState, 'new' | 'resolved'>,
    actor: Actor,
    note?: string,
  ): Promise<AlarmView> {
    return this.changeIn(trx, id, actor, async (trx, row, now) => {
      const from = row.state as AlarmState;
      if (!canMove(from, to)) {
        throw new ServiceError(
          'conflict',
          `This alarm is ${from.replace('_', ' ')}; it cannot be moved to ${to.replace('_', ' ')}.`,
        );
      }
      const update: Partial<AlarmRow> = { state: to, updated_at: now };
      if (!row.acknowledged_at)
        Object.assign(update, { acknowledged_at: now, acknowledged_by: actor.name, ack_ms: this.ageOf(row) });
      await trx('alarms').where({ id }).update(update);
      await this.trail(trx, id, TRANSITION_KIND[to], actor, { fromState: from, toState: to, note });
      return {
        row: { ...row, ...update },
        action: `alarm.${to === 'acknowledged' ? 'acknowledge' : to}`,
        details: { note },
      };
    });
  }

  async resolve(id: string, disposition: Disposition, note: string, actor: Actor): Promise<AlarmView> {
    if (note.trim().length < 2) throw new ServiceError('invalid_input', 'A resolution note is required.');
    return this.change(id, actor, async (trx, row, now) => {
      const from = row.state as AlarmState;
      if (from === 'resolved') throw new ServiceError('conflict', 'This alarm is already resolved.');
      const update: Partial<AlarmRow> = {
        state: 'resolved',
        resolved_at: now,
        resolved_by: actor.name,
        disposition,
        resolution_note: note.trim(),
        updated_at: now,
        resolve_ms: this.ageOf(row),
      };
      if (!row.acknowledged_at)
        Object.assign(update, { acknowledged_at: now, acknowledged_by: actor.name, ack_ms: this.ageOf(row) });
      await trx('alarms').where({ id }).update(update);
      await this.trail(trx, id, 'resolved', actor, {
        fromState: from,
        toState: 'resolved',
        note: `${disposition}: ${note.trim()}`,
      });
      if (disposition === 'false_alarm' || disposition === 'nuisance') {
        // GB 25201: false alarms go into the fault record.
        await this.o.dutyLog?.(trx, {
          kind: 'false_alarm',
          text: `${row.type} ${row.device_id ?? ''}: ${note.trim()}`,
          alarmId: id,
          operatorId: actor.id,
        });
      }
      return {
        row: { ...row, ...update },
        action: 'alarm.resolve',
        details: { disposition, note: note.trim() },
      };
    });
  }

  async reopen(id: string, reason: string, actor: Actor): Promise<AlarmView> {
    return this.change(id, actor, async (trx, row, now) => {
      if (row.state !== 'resolved')
        throw new ServiceError('conflict', 'Only a resolved alarm can be reopened.');
      const update: Partial<AlarmRow> = {
        state: 'acknowledged',
        resolved_at: null,
        resolved_by: null,
        disposition: null,
        resolution_note: null,
        resolve_ms: null,
        updated_at: now,
      };
      await trx('alarms').where({ id }).update(update);
      await this.trail(trx, id, 'reopened', actor, {
        fromState: 'resolved',
        toState: 'acknowledged',
        note: reason,
      });
      return { row: { ...row, ...update }, action: 'alarm.reopen', details: { reason } };
    });
  }

  async note(id: string, text: string, actor: Actor): Promise<AlarmView> {
    const view = await this.o.db.transaction((trx) => this.noteIn(trx, id, text, actor));
    this.o.kickOutbox();
    return view;
  }

  async noteIn(trx: Knex.Transaction, id: string, text: string, actor: Actor): Promise<AlarmView> {
    return this.changeIn(trx, id, actor, async (trx, row, now) => {
      await trx('alarms').where({ id }).update({ updated_at: now });
      await this.trail(trx, id, 'note', actor, { note: text });
      return { row: { ...row, updated_at: now }, action: 'alarm.note', details: { text } };
    });
  }

  async get(id: string) {
    const row = (await this.o.db('alarms').where({ id }).first()) as AlarmRow | undefined;
    if (!row) throw new ServiceError('not_found', `There is no alarm "${id}".`);
    const events = (await this.o.db('alarm_events').where({ alarm_id: id }).orderBy('id')) as Parameters<
      typeof toEventView
    >[0][];
    const deviceHistory = row.device_id
      ? ((await this.o
          .db('alarms')
          .where({ device_id: row.device_id })
          .whereNot({ id })
          .orderBy('received_at', 'desc')
          .limit(20)) as AlarmRow[])
      : [];
    return { alarm: toView(row), events: events.map(toEventView), deviceHistory: deviceHistory.map(toView) };
  }

  async openAlarms(): Promise<AlarmView[]> {
    const rows = (await this.o
      .db('alarms')
      .whereNot('state', 'resolved')
      .orderBy([{ column: 'priority' }, { column: 'seq' }])) as AlarmRow[];
    const views = rows.map(toView);
    if (this.unsaved.size === 0) return views;
    // Alarms not stored yet join the queue (a re-trigger shown in place of its stored alarm).
    const byId = new Map(views.map((v) => [v.id, v]));
    for (const { view } of this.unsaved.values()) byId.set(view.id, view);
    return [...byId.values()].sort(
      (a, b) => a.priority - b.priority || (a.seq ?? a.receivedAt) - (b.seq ?? b.receivedAt),
    );
  }

  /** Closed alarms newest first, keyset-paged so page 1000 costs what page 1 costs. */
  async history(
    filter: AlarmFilter,
    limit: number,
    before?: { resolvedAt: number; id: string },
  ): Promise<{ alarms: AlarmView[]; more: boolean }> {
    const q = this.o.db('alarms').whereNotNull('resolved_at');
    if (filter.types?.length) q.whereIn('type', filter.types);
    if (filter.zones?.length) q.whereIn('zone', filter.zones);
    if (filter.priorities?.length) q.whereIn('priority', filter.priorities);
    if (filter.from !== undefined) q.where('resolved_at', '>=', filter.from);
    if (filter.to !== undefined) q.where('resolved_at', '<', filter.to);
    if (!filter.includeDrills) q.where('drill', 0);
    if (filter.search) {
      const like = `%${filter.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      q.where((w) =>
        w
          .whereRaw("text LIKE ? ESCAPE '\\'", [like])
          .orWhereRaw("texts LIKE ? ESCAPE '\\'", [like])
          .orWhereRaw("resolution_note LIKE ? ESCAPE '\\'", [like])
          .orWhereRaw("device_id LIKE ? ESCAPE '\\'", [like]),
      );
    }
    // A row value, not `a < x OR (a = x AND b < y)`: SQLite seeks an index to it instead of filtering every row
    // newer than the page (the deeper the page, the more rows), so page 1,000 costs what page 1 costs.
    if (before) q.whereRaw('(resolved_at, id) < (?, ?)', [before.resolvedAt, before.id]);
    const rows = (await q
      .orderBy([
        { column: 'resolved_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit + 1)) as AlarmRow[];
    return { alarms: rows.slice(0, limit).map(toView), more: rows.length > limit };
  }

  async exportCsv(filter: AlarmFilter): Promise<{ csv: string; rows: number }> {
    const all: AlarmView[] = [];
    let before: { resolvedAt: number; id: string } | undefined;
    for (;;) {
      const page = await this.history(filter, 500, before);
      all.push(...page.alarms);
      const last = page.alarms.at(-1);
      if (!page.more || !last || all.length >= 100_000) break;
      before = { resolvedAt: last.resolvedAt!, id: last.id };
    }
    return { csv: toCsv(all), rows: all.length };
  }

  async setDisasterMode(
    input: { on: boolean; holdFromPriority: Priority; reason: string },
    actor: Actor,
  ): Promise<DisasterMode> {
    const now = this.o.clock.now();
    const mode: DisasterMode = { ...input, since: now, by: actor.name };
    const released: AlarmView[] = [];
    await this.o.db.transaction(async (trx) => {
      await trx('settings')
        .insert({ key: 'alarms.disaster', value: JSON.stringify(mode), updated_at: now })
        .onConflict('key')
        .merge();
      if (!input.on) {
        const held = (await trx('alarms').where({ held: 1 }).whereNot('state', 'resolved')) as AlarmRow[];
        await trx('alarms').where({ held: 1 }).update({ held: 0, updated_at: now });
        for (const r of held) {
          await this.trail(trx, r.id, 'released', actor, { note: input.reason });
          released.push(toView({ ...r, held: 0, updated_at: now }));
        }
      }
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'alarms.disaster_mode',
        details: { ...input },
      });
      await this.o.dutyLog?.(trx, {
        kind: 'disaster_mode',
        text: `${input.on ? 'ON' : 'OFF'} (hold P${input.holdFromPriority}+): ${input.reason}`,
        operatorId: actor.id,
      });
    });
    this.disaster = mode;
    this.o.onDisaster(mode);
    for (const v of released) this.changed(v);
    return mode;
  }

  /**
   * Unacknowledged past the target: escalate once (event, banner, duty log). Held alarms wait. An alarm that was past
   * its target before it reached this console (it waited in the hub's log) is escalated for the record all the same,
   * but without a banner: those of a replay are told together in one notice (`alarms-waited`).
   */
  async checkEscalations(): Promise<void> {
    const now = this.o.clock.now();
    const candidates = (await this.o
      .db('alarms')
      .where({ state: 'new', held: 0 })
      .whereNull('escalated_at')
      .orderBy('received_steady')
      .limit(500)) as AlarmRow[];
    const waited: AlarmRow[] = [];
    for (const row of candidates) {
      // Its age on the steady clock: a wall clock stepped forwards escalates nothing early, nor one stepped back late.
      const targetMs = targetFor(this.targets.acknowledgeSec, row.priority) * 1000;
      if (this.ageOf(row) < targetMs) continue;
      if (row.waited_ms !== null && row.waited_ms >= targetMs) {
        waited.push(row);
        continue;
      }
      const view = await this.o.db.transaction((trx) => this.escalateIn(trx, row, now, false));
      if (view) {
        this.o.log.warn('alarm escalated', { alarm: row.id, type: row.type, priority: row.priority });
        this.changed(view);
        this.o.onEscalated(view, now);
      }
    }
    if (waited.length > 0) {
      // One transaction for the lot: a replay can bring thousands at once.
      const views = await this.o.db.transaction(async (trx) => {
        const out: AlarmView[] = [];
        for (const row of waited) {
          const view = await this.escalateIn(trx, row, now, true);
          if (view) out.push(view);
        }
        return out;
      });
      for (const view of views) this.changed(view);
      if (views.length > 0) {
        const oldestMs = Math.max(...waited.map((r) => this.ageOf(r)));
        const s = this.waitedSummary ?? { n: 0, oldestMs: 0, since: now };
        this.waitedSummary = {
          n: s.n + views.length,
          oldestMs: Math.max(s.oldestMs, oldestMs),
          since: s.since,
        };
        this.o.log.warn('alarms escalated that waited in the hub', { n: views.length });
      }
    }
    // Told once the replay's escalations are through (a tick with none), or every so often while it goes on.
    const s = this.waitedSummary;
    if (s && (waited.length === 0 || now - s.since >= SUMMARY_EVERY_MS)) {
      this.waitedSummary = undefined;
      this.o.onWaited?.(s.n, s.oldestMs);
    }
  }

  /** One escalation: the row, its trail, audit and duty-log entries; undefined when it no longer applies. */
  private async escalateIn(
    trx: Knex.Transaction,
    row: AlarmRow,
    now: number,
    waiting: boolean,
  ): Promise<AlarmView | undefined> {
    const update = { escalated_at: now, updated_at: now, escalated_waiting: waiting ? 1 : 0 };
    const changed = await trx('alarms')
      .where({ id: row.id, state: 'new' })
      .whereNull('escalated_at')
      .update(update);
    if (!changed) return undefined;
    const target = targetFor(this.targets.acknowledgeSec, row.priority);
    const waitedSec = Math.round((row.waited_ms ?? 0) / 1000);
    await this.trail(trx, row.id, 'escalated', SYSTEM, {
      note: `not acknowledged within ${target} s${waiting ? ` (waited ${waitedSec} s in the hub)` : ''}`,
    });
    await appendAudit(trx, {
      at: now,
      ...auditActor(SYSTEM),
      action: 'alarm.escalated',
      target: row.id,
      details: waiting ? { waitedMs: row.waited_ms } : {},
    });
    await this.o.dutyLog?.(trx, {
      kind: 'escalation',
      text: `${row.type} P${row.priority} not acknowledged in time${waiting ? ` (waited ${waitedSec} s in the hub)` : ''}`,
      alarmId: row.id,
    });
    return toView({ ...row, ...update });
  }

  /** Another console's action on an alarm we also hold (matched by its source id): take it over, marked remote. */
  private async applyRemote(
    trx: Knex.Transaction,
    event: Extract<StoredHubEvent, { kind: 'action.applied' }>,
  ): Promise<void> {
    const { consoleId } = event.data;
    if (consoleId === this.o.consoleId) return;
    // Checked with the event against its type's schema (shared/contract/hub.ts); a type this version does not
    // know changes nothing here.
    const action = knownHubAction(event.data);
    if (!action || !action.type.startsWith('alarm.')) return;
    const type = action.type;
    const p = action.payload as Extract<KnownHubAction, { type: `alarm.${string}` }>['payload'];
    // What the other operator wrote, whichever field the action keeps it in, for this console's trail.
    const note = 'note' in p ? p.note : 'text' in p ? p.text : 'reason' in p ? p.reason : undefined;
    const row = (await trx('alarms')
      .where({ source: p.alarm.source, source_id: p.alarm.sourceId })
      .first()) as AlarmRow | undefined;
    if (!row) return;
    const from = row.state as AlarmState;
    const who = `${p.operator} @ ${consoleId}`;
    const at = p.at;
    const update: Partial<AlarmRow> = { updated_at: this.o.clock.now() };
    if (p.state === 'resolved' && from !== 'resolved') {
      Object.assign(update, {
        state: 'resolved',
        resolved_at: at,
        resolved_by: who,
        disposition: 'disposition' in p ? p.disposition : null,
        resolution_note: 'disposition' in p ? p.note : null,
      });
    } else if (p.state !== 'resolved' && canMove(from, p.state)) {
      Object.assign(update, { state: p.state });
    }
    // The other console's wall time, bounded by what this console measured: neither clock can make it negative
    // or longer than the alarm has been here.
    const remoteMs = (t: number) => Math.min(this.ageOf(row), Math.max(0, t - row.received_at));
    if (update.state === 'resolved') update.resolve_ms = remoteMs(at);
    if (!row.acknowledged_at && p.state !== 'new')
      Object.assign(update, { acknowledged_at: at, acknowledged_by: who, ack_ms: remoteMs(at) });
    await trx('alarms').where({ id: row.id }).update(update);
    await this.trail(
      trx,
      row.id,
      'remote',
      { id: consoleId, name: who },
      {
        fromState: from,
        toState: (update.state as AlarmState) ?? from,
        note: `${type}${note ? `: ${note}` : ''}`,
      },
    );
    const view = toView({ ...row, ...update });
    this.afterCommit(trx, () => this.changed(view));
  }

  private async change(id: string, actor: Actor, apply: ChangeApply): Promise<AlarmView> {
    const view = await this.o.db.transaction((trx) => this.changeIn(trx, id, actor, apply));
    this.o.kickOutbox();
    return view;
  }

  private async changeIn(
    trx: Knex.Transaction,
    id: string,
    actor: Actor,
    apply: ChangeApply,
  ): Promise<AlarmView> {
    const row = (await trx('alarms').where({ id }).first()) as AlarmRow | undefined;
    if (!row && [...this.unsaved.values()].some((u) => u.view.id === id))
      throw new ServiceError(
        'unavailable',
        'This alarm is shown but could not be stored yet: the disk is full. It can be handled once space is freed.',
      );
    if (!row) throw new ServiceError('not_found', `There is no alarm "${id}".`);
    const now = this.o.clock.now();
    const result = await apply(trx, row, now);
    const v = toView(result.row);
    await appendAudit(trx, {
      at: now,
      ...auditActor(actor),
      action: result.action,
      target: id,
      details: result.details,
    });
    await this.outbox(trx, result.action, v, actor, result.details);
    this.afterCommit(trx, () => this.changed(v));
    return v;
  }

  private async outbox(
    trx: Knex.Transaction,
    type: string,
    alarm: AlarmView,
    actor: Actor,
    details: Record<string, unknown>,
  ): Promise<void> {
    await enqueueAction(trx, {
      key: this.o.ids(),
      type,
      createdAt: this.o.clock.now(),
      payload: {
        alarm: { source: alarm.source, sourceId: alarm.sourceId },
        state: alarm.state,
        operator: actor.name,
        at: this.o.clock.now(),
        ...details,
      },
    });
  }

  private async trail(
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

  /** Runs inside the receiving transaction (`conn` is its connection). */
  private incidentFor(
    conn: Database,
    zone: string | undefined,
    now: number,
    steady: number,
    drill: boolean,
  ): string {
    if (zone) {
      // The window on the steady clock: after the wall clock went back, a later alarm is not "within 2 min"
      // of every alarm stamped up to the jump.
      const recent = prepared(
        conn,
        'SELECT incident_id FROM alarms WHERE zone = ? AND drill = ? AND received_steady >= ? ' +
          'AND incident_id IS NOT NULL ORDER BY received_steady DESC LIMIT 1',
      ).get(zone, drill ? 1 : 0, steady - (this.o.groupWindowMs ?? 120_000)) as
        { incident_id: string } | undefined;
      if (recent) return recent.incident_id;
    }
    const id = this.o.ids();
    prepared(conn, 'INSERT INTO incidents (id, zone, opened_at, drill) VALUES (?, ?, ?, ?)').run(
      id,
      zone ?? null,
      now,
      drill ? 1 : 0,
    );
    return id;
  }

  /** How long the alarm has been here, on the steady clock (ms); its wall times for a row from before migration 8. */
  private ageOf(row: AlarmRow): number {
    const since = row.received_steady ?? row.received_at;
    return Math.max(0, Math.round(this.o.timeline.steady() - since));
  }

  /** The steady clock now: a page ages alarms as `steadyNow - receivedSteady`. */
  steadyNow(): number {
    return this.o.timeline.steady();
  }

  /** A hub event the inbox could not store (a full disk): an alarm in it is shown until the replay stores it. */
  readonly uncommitted = (raw: unknown, error: Error): void => {
    if (!isDiskFull(error)) return;
    const parsed = HubEvent.safeParse(raw);
    if (!parsed.success || parsed.data.kind !== 'alarm') return;
    void this.holdUnsaved({ source: 'hub', ...parsed.data.data });
  };

  /** Alarms of this console's own making (engines, phones) that could not be stored: try again now. */
  async storeUnsaved(): Promise<void> {
    for (const { input } of [...this.unsaved.values()]) {
      // The hub's come back with its replay, in sequence and with the rest of their event.
      if (input.source === 'hub') continue;
      await this.o.db
        .transaction((trx) => this.receive(trx, input))
        .catch((err: Error) =>
          this.o.log.warn('an unsaved alarm is still not stored', { error: err.message }),
        );
    }
  }

  private dropUnsaved(key: string): void {
    this.unsaved.delete(key);
  }

  /** Shows an alarm that could not be stored: a new one in the queue, or a re-trigger of an open one. */
  private async holdUnsaved(input: IncomingAlarm): Promise<void> {
    const key = sourceKey(input.source, input.sourceId);
    if (this.unsaved.has(key) || this.holding.has(key)) return;
    if (this.unsaved.size >= MAX_UNSAVED) {
      this.o.log.error('too many alarms waiting for disk space; this one waits for its replay', {
        source: input.source,
        sourceId: input.sourceId,
      });
      return;
    }
    this.holding.add(key);
    try {
      // Reading still works on a full disk.
      const seen = await this.o
        .db('alarm_sources')
        .where({ source: input.source, source_id: input.sourceId })
        .first();
      if (seen) return;
      const now = this.o.clock.now();
      const open = input.deviceId
        ? ((await this.o
            .db('alarms')
            .where({ device_id: input.deviceId, type: input.type })
            .whereNot('state', 'resolved')
            .first()) as AlarmRow | undefined)
        : undefined;
      let view: AlarmView;
      if (open) {
        view = { ...toView(open), count: open.count + 1, lastSeenAt: now, unsaved: true };
      } else {
        const priority = effectivePriority(input.type, input.priority);
        const waited = this.waitOf(input);
        view = {
          id: this.o.ids(),
          source: input.source,
          sourceId: input.sourceId,
          ...(input.deviceId ? { deviceId: input.deviceId } : {}),
          type: input.type,
          priority,
          ...(input.zone ? { zone: input.zone } : {}),
          ...(input.location ? { location: input.location } : {}),
          cameras: input.cameras,
          ...(input.text ? { text: input.text } : {}),
          ...(input.texts ? { texts: input.texts } : {}),
          raisedAt: input.raisedAt,
          receivedAt: now,
          lastSeenAt: now,
          count: 1,
          state: 'new',
          held: this.disaster.on && priority >= this.disaster.holdFromPriority,
          drill: input.drill ?? false,
          seq: this.nextSeq++,
          receivedSteady: this.o.timeline.steady() - waited,
          ...(waited > 0 ? { waitedMs: waited } : {}),
          unsaved: true,
          ...(input.origin ? { origin: input.origin } : {}),
        };
      }
      this.unsaved.set(key, { view, input, fresh: !open });
      this.o.log.warn('alarm shown but not stored (disk full)', { alarm: view.id, type: view.type });
      this.changed(view);
    } catch (err) {
      this.o.log.error('could not show an unsaved alarm', { error: (err as Error).message });
    } finally {
      this.holding.delete(key);
    }
  }

  private afterCommit(trx: Knex.Transaction, fn: () => void): void {
    trx.executionPromise.then(fn, () => undefined);
  }
}
