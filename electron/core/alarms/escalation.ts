import type { Knex } from 'knex';
import { type AlarmView } from '../../../shared/contract';
import { targetFor } from '../../../shared/domain/alarm-lifecycle';
import { SYSTEM } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { toView, type AlarmRow } from './rows';
import type { AlarmCore } from './core';

/* Escalation: an alarm not acknowledged within its target is escalated once; those a replay brought late, told once. */

/** The summary of alarms that came past their escalation target waits for a quiet tick, or this long at most. */
const SUMMARY_EVERY_MS = 10_000;

/**
 * Unacknowledged past the target: escalate once (event, banner, duty log). Held alarms wait. An alarm that was past
 * its target before it reached this console (it waited in the hub's log) is escalated for the record all the same,
 * but without a banner: those of a replay are told together in one notice (`alarms-waited`).
 */
export async function checkEscalations(c: AlarmCore): Promise<void> {
  const now = c.o.clock.now();
  const candidates = (await c.o
    .db('alarms')
    .where({ state: 'new', held: 0 })
    .whereNull('escalated_at')
    .orderBy('received_steady')
    .limit(500)) as AlarmRow[];
  const waited: AlarmRow[] = [];
  for (const row of candidates) {
    // Its age on the steady clock: a wall clock stepped forwards escalates nothing early, nor one stepped back late.
    const targetMs = targetFor(c.targets.acknowledgeSec, row.priority) * 1000;
    if (c.ageOf(row) < targetMs) continue;
    if (row.waited_ms !== null && row.waited_ms >= targetMs) {
      waited.push(row);
      continue;
    }
    const view = await c.o.db.transaction((trx) => escalateIn(c, trx, row, now, false));
    if (view) {
      c.o.log.warn('alarm escalated', { alarm: row.id, type: row.type, priority: row.priority });
      c.changed(view);
      c.o.onEscalated(view, now);
    }
  }
  if (waited.length > 0) {
    // One transaction for the lot: a replay can bring thousands at once.
    const views = await c.o.db.transaction(async (trx) => {
      const out: AlarmView[] = [];
      for (const row of waited) {
        const view = await escalateIn(c, trx, row, now, true);
        if (view) out.push(view);
      }
      return out;
    });
    for (const view of views) c.changed(view);
    if (views.length > 0) {
      const oldestMs = Math.max(...waited.map((r) => c.ageOf(r)));
      const s = c.waitedSummary ?? { n: 0, oldestMs: 0, since: now };
      c.waitedSummary = {
        n: s.n + views.length,
        oldestMs: Math.max(s.oldestMs, oldestMs),
        since: s.since,
      };
      c.o.log.warn('alarms escalated that waited in the hub', { n: views.length });
    }
  }
  // Told once the replay's escalations are through (a tick with none), or every so often while it goes on.
  const s = c.waitedSummary;
  if (s && (waited.length === 0 || now - s.since >= SUMMARY_EVERY_MS)) {
    c.waitedSummary = undefined;
    c.o.onWaited?.(s.n, s.oldestMs);
  }
}

/** One escalation: the row, its trail, audit and duty-log entries; undefined when it no longer applies. */
export async function escalateIn(
  c: AlarmCore,
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
  const target = targetFor(c.targets.acknowledgeSec, row.priority);
  const waitedSec = Math.round((row.waited_ms ?? 0) / 1000);
  await c.trail(trx, row.id, 'escalated', SYSTEM, {
    note: `not acknowledged within ${target} s${waiting ? ` (waited ${waitedSec} s in the hub)` : ''}`,
  });
  await appendAudit(trx, {
    at: now,
    ...auditActor(SYSTEM),
    action: 'alarm.escalated',
    target: row.id,
    details: waiting ? { waitedMs: row.waited_ms } : {},
  });
  await c.o.dutyLog?.(trx, {
    kind: 'escalation',
    text: `${row.type} P${row.priority} not acknowledged in time${waiting ? ` (waited ${waitedSec} s in the hub)` : ''}`,
    alarmId: row.id,
  });
  return toView({ ...row, ...update });
}
