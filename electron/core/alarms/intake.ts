import type { Database } from 'better-sqlite3';
import type { Knex } from 'knex';
import { HubEvent, type HubDevice, type HubRestore, type AlarmView } from '../../../shared/contract';
import { effectivePriority } from '../../../shared/domain/alarm';
import { SYSTEM } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { connectionOf, prepared } from '../../common/prepared';
import { isDiskFull } from '../errors';
import { deviceFaultType, originJson } from './equipment';
import { toView, type AlarmRow } from './rows';
import {
  type AlarmCore,
  INSERT_SOURCE,
  insertSql,
  sourceKey,
  updateSql,
  type IncomingAlarm,
  type ReceiveResult,
} from './core';

/*
 * The alarm queue's intake: what the hub, the console's engines and phones raise (receive), a device's restore and
 * state, and the alarms shown while the disk is full until they can be stored.
 */

/** A hub event that reaches the console this long after the hub logged it was waiting there (a replay). */
export const REPLAY_AFTER_MS = 10_000;
/**
 * When a hub alarm began, if it waited in the hub's log: the hub logged it (`loggedAt`) at least `REPLAY_AFTER_MS`
 * before now. It began when its source raised it, or when the hub logged it if the source's clock says later. An
 * alarm that comes at once keeps its arrival as its start, however wrong its source's clock is.
 */
export function waitedSince(loggedAt: number, raisedAt: number, now: number): number | undefined {
  return now - loggedAt >= REPLAY_AFTER_MS ? Math.min(loggedAt, raisedAt) : undefined;
}

/** Alarms shown while the disk is full, at most; beyond that they wait for the hub's replay like the rest. */
const MAX_UNSAVED = 5000;

/**
 * The new alarm's INSERT, built from the first row's columns: every row has the same ones (an `AlarmRow` literal),
 * and building the statement's 700 characters again for each alarm of a flood only to find it in the cache was
 * wasted.
 */
let insertAlarm: string | undefined;

/**
 * The device reports the condition behind its open alarm of that type cleared: the alarm says so (its trail, a
 * badge) and stays open, since an operator still decides what happened. A restore with no open alarm (already
 * resolved, or never raised here) changes nothing.
 */
export async function restore(
  c: AlarmCore,
  trx: Knex.Transaction,
  r: HubRestore,
): Promise<AlarmView | undefined> {
  // Worded as the partial index alarms_device_open is (knex's whereNot would scan the table).
  const open = prepared(
    await connectionOf(trx),
    "SELECT * FROM alarms WHERE device_id = ? AND type = ? AND state <> 'resolved' ORDER BY seq DESC LIMIT 1",
  ).get(r.deviceId, r.type) as AlarmRow | undefined;
  if (!open) {
    c.o.log.info('restore for no open alarm', { device: r.deviceId, type: r.type });
    return undefined;
  }
  const now = c.o.clock.now();
  const update = { restored_at: r.at, updated_at: now };
  await trx('alarms').where({ id: open.id }).update(update);
  await c.trail(trx, open.id, 'restored', SYSTEM, {});
  await appendAudit(trx, {
    at: now,
    ...auditActor(SYSTEM),
    action: 'alarm.restored',
    target: open.id,
    details: { device: r.deviceId, type: r.type, at: r.at },
  });
  const view = toView({ ...open, ...update });
  c.afterCommit(trx, () => c.changed(view));
  return view;
}

/**
 * A device's state (hub `device` event): a change to fault or offline puts an alarm of the fitting type in the
 * queue at that type's priority; back to ok is a restore of what it raised. Only changes count: a hub that
 * reports the same state again raises nothing new. The duty log's entry is written by the duty feature.
 */
export async function deviceState(
  c: AlarmCore,
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
    await restore(c, trx, { deviceId: d.deviceId, type: deviceFaultType(d.kind, before), at: d.at });
    return;
  }
  await receive(c, trx, {
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
    waitedSince: waitedSince(loggedAt, d.at, c.o.clock.now()),
  });
}

/**
 * One incoming alarm: a source id already seen is a duplicate; the same device raising the same type while
 * its alarm is open re-triggers it (count + 1); otherwise a new alarm, grouped into the zone's incident.
 */
export async function receive(
  c: AlarmCore,
  trx: Knex.Transaction,
  input: IncomingAlarm,
): Promise<ReceiveResult> {
  const now = c.o.clock.now();
  const key = sourceKey(input.source, input.sourceId);
  // Not stored for want of space: shown anyway, and stored (or dropped, if stored meanwhile) when there is room.
  trx.executionPromise.then(
    () => c.unsaved.delete(key),
    (err: unknown) => {
      if (isDiskFull(err)) void holdUnsaved(c, input);
    },
  );
  // A flood is thousands of these in one transaction: prepared statements, not knex (common/prepared.ts).
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
        ...(raised && open.held && incoming < c.disaster.holdFromPriority ? { held: 0 } : {}),
      };
      prepared(conn, updateSql('alarms', again)).run({ ...again, id: open.id });
      prepared(conn, INSERT_SOURCE).run(input.source, input.sourceId, open.id, now);
      await c.trail(
        trx,
        open.id,
        'retrigger',
        SYSTEM,
        raised ? { note: `P${open.priority} → P${incoming}` } : {},
      );
      const view = toView({ ...open, ...again });
      c.afterCommit(trx, () => c.changed(view));
      return { status: 'retrigger', alarm: view };
    }
  }

  const priority = effectivePriority(input.type, input.priority);
  // Shown already while the disk was full: the same id, arrival number and arrival time.
  const shown = c.unsaved.get(key);
  const arrival = shown?.fresh ? shown.view : undefined;
  const waited = c.waitOf(input);
  // The response clock starts when the alarm began: on arrival, or as long before it as it waited in the hub.
  const steady = arrival?.receivedSteady ?? c.o.timeline.steady() - waited;
  const incidentId = incidentFor(c, conn, input.zone, now, steady, input.drill ?? false);
  const held = c.disaster.on && priority >= c.disaster.holdFromPriority;
  const row: AlarmRow = {
    id: arrival?.id ?? c.o.ids(),
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
    seq: arrival?.seq ?? c.nextSeq++,
    received_steady: steady,
    ack_ms: null,
    resolve_ms: null,
    origin: originJson(input.origin),
    restored_at: null,
    texts: input.texts ? JSON.stringify(input.texts) : null,
    waited_ms: arrival ? (arrival.waitedMs ?? null) : waited > 0 ? waited : null,
    escalated_waiting: 0,
  };
  insertAlarm ??= insertSql('alarms', row);
  prepared(conn, insertAlarm).run(row);
  prepared(conn, INSERT_SOURCE).run(input.source, input.sourceId, row.id, now);
  await c.trail(trx, row.id, 'received', SYSTEM, {
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
  await c.o.dutyLog?.(trx, {
    kind: 'alarm',
    text: `${input.type} P${priority}${input.zone ? ` ${input.zone}` : ''}`,
    alarmId: row.id,
  });
  const view = toView(row);
  c.afterCommit(trx, () => c.changed(view));
  return { status: 'new', alarm: view };
}

/** Runs inside the receiving transaction (`conn` is its connection). */
export function incidentFor(
  c: AlarmCore,
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
    ).get(zone, drill ? 1 : 0, steady - (c.o.groupWindowMs ?? 120_000)) as
      { incident_id: string } | undefined;
    if (recent) return recent.incident_id;
  }
  const id = c.o.ids();
  prepared(conn, 'INSERT INTO incidents (id, zone, opened_at, drill) VALUES (?, ?, ?, ?)').run(
    id,
    zone ?? null,
    now,
    drill ? 1 : 0,
  );
  return id;
}

/** A hub event the inbox could not store (a full disk): an alarm in it is shown until the replay stores it. */
export function uncommitted(c: AlarmCore, raw: unknown, error: Error): void {
  if (!isDiskFull(error)) return;
  const parsed = HubEvent.safeParse(raw);
  if (!parsed.success || parsed.data.kind !== 'alarm') return;
  void holdUnsaved(c, { source: 'hub', ...parsed.data.data });
}

/** Alarms of this console's own making (engines, phones) that could not be stored: try again now. */
export async function storeUnsaved(c: AlarmCore): Promise<void> {
  for (const { input } of [...c.unsaved.values()]) {
    // The hub's come back with its replay, in sequence and with the rest of their event.
    if (input.source === 'hub') continue;
    await c.o.db
      .transaction((trx) => receive(c, trx, input))
      .catch((err: Error) => c.o.log.warn('an unsaved alarm is still not stored', { error: err.message }));
  }
}

/** Shows an alarm that could not be stored: a new one in the queue, or a re-trigger of an open one. */
export async function holdUnsaved(c: AlarmCore, input: IncomingAlarm): Promise<void> {
  const key = sourceKey(input.source, input.sourceId);
  if (c.unsaved.has(key) || c.holding.has(key)) return;
  if (c.unsaved.size >= MAX_UNSAVED) {
    c.o.log.error('too many alarms waiting for disk space; this one waits for its replay', {
      source: input.source,
      sourceId: input.sourceId,
    });
    return;
  }
  c.holding.add(key);
  try {
    // Reading still works on a full disk.
    const seen = await c.o
      .db('alarm_sources')
      .where({ source: input.source, source_id: input.sourceId })
      .first();
    if (seen) return;
    const now = c.o.clock.now();
    const open = input.deviceId
      ? ((await c.o
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
      const waited = c.waitOf(input);
      view = {
        id: c.o.ids(),
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
        held: c.disaster.on && priority >= c.disaster.holdFromPriority,
        drill: input.drill ?? false,
        seq: c.nextSeq++,
        receivedSteady: c.o.timeline.steady() - waited,
        ...(waited > 0 ? { waitedMs: waited } : {}),
        unsaved: true,
        ...(input.origin ? { origin: input.origin } : {}),
      };
    }
    c.unsaved.set(key, { view, input, fresh: !open });
    c.o.log.warn('alarm shown but not stored (disk full)', { alarm: view.id, type: view.type });
    c.changed(view);
  } catch (err) {
    c.o.log.error('could not show an unsaved alarm', { error: (err as Error).message });
  } finally {
    c.holding.delete(key);
  }
}
