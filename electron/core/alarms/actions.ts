import type { Knex } from 'knex';
import {
  knownHubAction,
  type AlarmView,
  type DisasterMode,
  type KnownHubAction,
} from '../../../shared/contract';
import { type Priority } from '../../../shared/domain/alarm';
import { canMove, type AlarmState, type Disposition } from '../../../shared/domain/alarm-lifecycle';
import type { StoredHubEvent } from '../../../shared/contract';
import { type Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { enqueueAction } from '../hub-link/outbox';
import { ServiceError } from '../errors';
import { toView, type AlarmRow } from './rows';
import { type AlarmCore, type IncomingAlarm } from './core';
import { receive } from './intake';

/*
 * What operators do to alarms, here and at other consoles (`action.applied` from the hub): each change one
 * transaction with its trail, audit entry and outbox row.
 */

type ChangeApply = (
  trx: Knex.Transaction,
  row: AlarmRow,
  now: number,
) => Promise<{ row: AlarmRow; action: string; details: Record<string, unknown> }>;

const TRANSITION_KIND: Record<Exclude<AlarmState, 'new'>, string> = {
  acknowledged: 'acknowledged',
  dispatched: 'dispatched',
  on_scene: 'on_scene',
  resolved: 'resolved',
};

/** An operator enters an alarm (a resident phones in). Told to the hub through the outbox. */
export async function raiseManual(
  c: AlarmCore,
  input: Omit<IncomingAlarm, 'source' | 'sourceId' | 'raisedAt'>,
  actor: Actor,
): Promise<AlarmView> {
  return c.o.db
    .transaction(async (trx) => {
      const now = c.o.clock.now();
      const result = await receive(c, trx, {
        ...input,
        source: 'manual',
        sourceId: `manual-${c.o.ids()}`,
        raisedAt: now,
      });
      if (result.status === 'duplicate')
        throw new ServiceError('conflict', 'This alarm was already entered.');
      // The trail names who entered it in the operator's language (the kind's words); no English note.
      await c.trail(trx, result.alarm.id, 'entered', actor, {});
      await outbox(c, trx, 'alarm.raise', result.alarm, actor, {
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
    .finally(() => c.o.kickOutbox());
}

/** `move` inside a caller's transaction (a dispatch, an arrival): listeners hear of it after the commit. */
export async function moveIn(
  c: AlarmCore,
  trx: Knex.Transaction,
  id: string,
  to: Exclude<AlarmState, 'new' | 'resolved'>,
  actor: Actor,
  note?: string,
): Promise<AlarmView> {
  return changeIn(c, trx, id, actor, async (trx, row, now) => {
    const from = row.state as AlarmState;
    if (!canMove(from, to)) {
      throw new ServiceError(
        'conflict',
        `This alarm is ${from.replace('_', ' ')}; it cannot be moved to ${to.replace('_', ' ')}.`,
      );
    }
    const update: Partial<AlarmRow> = { state: to, updated_at: now };
    if (!row.acknowledged_at)
      Object.assign(update, { acknowledged_at: now, acknowledged_by: actor.name, ack_ms: c.ageOf(row) });
    await trx('alarms').where({ id }).update(update);
    await c.trail(trx, id, TRANSITION_KIND[to], actor, { fromState: from, toState: to, note });
    return {
      row: { ...row, ...update },
      action: `alarm.${to === 'acknowledged' ? 'acknowledge' : to}`,
      details: { note },
    };
  });
}

export async function resolve(
  c: AlarmCore,
  id: string,
  disposition: Disposition,
  note: string,
  actor: Actor,
): Promise<AlarmView> {
  if (note.trim().length < 2) throw new ServiceError('invalid_input', 'A resolution note is required.');
  return change(c, id, actor, async (trx, row, now) => {
    const from = row.state as AlarmState;
    if (from === 'resolved') throw new ServiceError('conflict', 'This alarm is already resolved.');
    const update: Partial<AlarmRow> = {
      state: 'resolved',
      resolved_at: now,
      resolved_by: actor.name,
      disposition,
      resolution_note: note.trim(),
      updated_at: now,
      resolve_ms: c.ageOf(row),
    };
    if (!row.acknowledged_at)
      Object.assign(update, { acknowledged_at: now, acknowledged_by: actor.name, ack_ms: c.ageOf(row) });
    await trx('alarms').where({ id }).update(update);
    await c.trail(trx, id, 'resolved', actor, {
      fromState: from,
      toState: 'resolved',
      note: `${disposition}: ${note.trim()}`,
    });
    if (disposition === 'false_alarm' || disposition === 'nuisance') {
      // GB 25201: false alarms go into the fault record.
      await c.o.dutyLog?.(trx, {
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

export async function reopen(c: AlarmCore, id: string, reason: string, actor: Actor): Promise<AlarmView> {
  return change(c, id, actor, async (trx, row, now) => {
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
    await c.trail(trx, id, 'reopened', actor, {
      fromState: 'resolved',
      toState: 'acknowledged',
      note: reason,
    });
    return { row: { ...row, ...update }, action: 'alarm.reopen', details: { reason } };
  });
}

export async function noteIn(
  c: AlarmCore,
  trx: Knex.Transaction,
  id: string,
  text: string,
  actor: Actor,
): Promise<AlarmView> {
  return changeIn(c, trx, id, actor, async (trx, row, now) => {
    await trx('alarms').where({ id }).update({ updated_at: now });
    await c.trail(trx, id, 'note', actor, { note: text });
    return { row: { ...row, updated_at: now }, action: 'alarm.note', details: { text } };
  });
}

export async function setDisasterMode(
  c: AlarmCore,
  input: { on: boolean; holdFromPriority: Priority; reason: string },
  actor: Actor,
): Promise<DisasterMode> {
  const now = c.o.clock.now();
  const mode: DisasterMode = { ...input, since: now, by: actor.name };
  const released: AlarmView[] = [];
  await c.o.db.transaction(async (trx) => {
    await trx('settings')
      .insert({ key: 'alarms.disaster', value: JSON.stringify(mode), updated_at: now })
      .onConflict('key')
      .merge();
    if (!input.on) {
      const held = (await trx('alarms').where({ held: 1 }).whereNot('state', 'resolved')) as AlarmRow[];
      await trx('alarms').where({ held: 1 }).update({ held: 0, updated_at: now });
      for (const r of held) {
        await c.trail(trx, r.id, 'released', actor, { note: input.reason });
        released.push(toView({ ...r, held: 0, updated_at: now }));
      }
    }
    await appendAudit(trx, {
      at: now,
      ...auditActor(actor),
      action: 'alarms.disaster_mode',
      details: { ...input },
    });
    await c.o.dutyLog?.(trx, {
      kind: 'disaster_mode',
      text: `${input.on ? 'ON' : 'OFF'} (hold P${input.holdFromPriority}+): ${input.reason}`,
      operatorId: actor.id,
    });
  });
  c.disaster = mode;
  c.o.onDisaster(mode);
  for (const v of released) c.changed(v);
  return mode;
}

/** Another console's action on an alarm we also hold (matched by its source id): take it over, marked remote. */
export async function applyRemote(
  c: AlarmCore,
  trx: Knex.Transaction,
  event: Extract<StoredHubEvent, { kind: 'action.applied' }>,
): Promise<void> {
  const { consoleId } = event.data;
  if (consoleId === c.o.consoleId) return;
  // Checked with the event against its type's schema (shared/contract/hub.ts); a type this version does not
  // know changes nothing here.
  const action = knownHubAction(event.data);
  if (!action || !action.type.startsWith('alarm.')) return;
  const type = action.type;
  const p = action.payload as Extract<KnownHubAction, { type: `alarm.${string}` }>['payload'];
  // What the other operator wrote, whichever field the action keeps it in, for this console's trail.
  const note = 'note' in p ? p.note : 'text' in p ? p.text : 'reason' in p ? p.reason : undefined;
  const row = (await trx('alarms').where({ source: p.alarm.source, source_id: p.alarm.sourceId }).first()) as
    AlarmRow | undefined;
  if (!row) return;
  const from = row.state as AlarmState;
  const who = `${p.operator} @ ${consoleId}`;
  const at = p.at;
  const update: Partial<AlarmRow> = { updated_at: c.o.clock.now() };
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
  const remoteMs = (t: number) => Math.min(c.ageOf(row), Math.max(0, t - row.received_at));
  if (update.state === 'resolved') update.resolve_ms = remoteMs(at);
  if (!row.acknowledged_at && p.state !== 'new')
    Object.assign(update, { acknowledged_at: at, acknowledged_by: who, ack_ms: remoteMs(at) });
  await trx('alarms').where({ id: row.id }).update(update);
  await c.trail(
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
  c.afterCommit(trx, () => c.changed(view));
}

export async function change(c: AlarmCore, id: string, actor: Actor, apply: ChangeApply): Promise<AlarmView> {
  const view = await c.o.db.transaction((trx) => changeIn(c, trx, id, actor, apply));
  c.o.kickOutbox();
  return view;
}

export async function changeIn(
  c: AlarmCore,
  trx: Knex.Transaction,
  id: string,
  actor: Actor,
  apply: ChangeApply,
): Promise<AlarmView> {
  const row = (await trx('alarms').where({ id }).first()) as AlarmRow | undefined;
  if (!row && [...c.unsaved.values()].some((u) => u.view.id === id))
    throw new ServiceError(
      'unavailable',
      'This alarm is shown but could not be stored yet: the disk is full. It can be handled once space is freed.',
    );
  if (!row) throw new ServiceError('not_found', `There is no alarm "${id}".`);
  const now = c.o.clock.now();
  const result = await apply(trx, row, now);
  const v = toView(result.row);
  await appendAudit(trx, {
    at: now,
    ...auditActor(actor),
    action: result.action,
    target: id,
    details: result.details,
  });
  await outbox(c, trx, result.action, v, actor, result.details);
  c.afterCommit(trx, () => c.changed(v));
  return v;
}

export async function outbox(
  c: AlarmCore,
  trx: Knex.Transaction,
  type: string,
  alarm: AlarmView,
  actor: Actor,
  details: Record<string, unknown>,
): Promise<void> {
  await enqueueAction(trx, {
    key: c.o.ids(),
    type,
    createdAt: c.o.clock.now(),
    payload: {
      alarm: { source: alarm.source, sourceId: alarm.sourceId },
      state: alarm.state,
      operator: actor.name,
      at: c.o.clock.now(),
      ...details,
    },
  });
}
