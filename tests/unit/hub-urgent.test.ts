/**
 * Hub protocol 4's urgent lane, below the network: which events are urgent (one function for hub and console), and
 * what the console does with an urgent message on its own database — committed once, recognised when the ordered
 * stream reaches it, and never allowed to replace a different event the ordered stream brings under that sequence.
 */
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUrgentEvent } from '../../shared/contract';
import { openDatabase } from '../../electron/common/database';
import { silentLogger } from '../../electron/common/log';
import { commitHubEvents, lastCommittedSeq, type InboxApplier } from '../../electron/core/hub-link/inbox';
import { commitUrgentEvent } from '../../electron/core/hub-link/urgent';
import { MIGRATIONS } from '../../electron/core/schema';

const alarm = (type: string, priority?: number) => ({
  kind: 'alarm',
  data: { sourceId: `s-${type}`, type, cameras: [], raisedAt: 1, ...(priority ? { priority } : {}) },
});

describe('isUrgentEvent', () => {
  it('takes priority 1-2 alarms, fire/smoke/gas whatever their priority, and SOS; nothing else', () => {
    expect(isUrgentEvent(alarm('fire'))).toBe(true);
    expect(isUrgentEvent(alarm('smoke', 5))).toBe(true);
    expect(isUrgentEvent(alarm('gas', 4))).toBe(true);
    expect(isUrgentEvent(alarm('intrusion'))).toBe(true);
    expect(isUrgentEvent(alarm('door_held'))).toBe(false);
    expect(isUrgentEvent(alarm('door_held', 2))).toBe(true);
    expect(isUrgentEvent(alarm('intrusion', 3))).toBe(false);
    expect(isUrgentEvent(alarm('no_such_type'))).toBe(false);
    expect(isUrgentEvent({ kind: 'guard', data: { signal: 'sos', guardId: 'g1', at: 1 } })).toBe(true);
    expect(isUrgentEvent({ kind: 'guard', data: { signal: 'scan', guardId: 'g1', at: 1, tag: 't' } })).toBe(
      false,
    );
    expect(isUrgentEvent({ kind: 'position', data: { guardId: 'g1', sos: true } })).toBe(true);
    expect(isUrgentEvent({ kind: 'position', data: { guardId: 'g1' } })).toBe(false);
    expect(isUrgentEvent({ kind: 'device', data: { state: 'fault' } })).toBe(false);
    expect(isUrgentEvent({ kind: 'alarm', data: null })).toBe(false);
  });
});

describe('commitUrgentEvent and the ordered stream', () => {
  let db: Knex;
  const applied: number[] = [];
  const applier: InboxApplier = async (_trx, event) => {
    applied.push(event.seq);
  };
  const event = (seq: number, body: { kind: string; data: unknown }) => ({ seq, at: 10, ...body });

  beforeEach(async () => {
    applied.length = 0;
    db = await openDatabase({ file: ':memory:', log: silentLogger, migrations: MIGRATIONS });
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('commits an urgent event once, ahead of the cursor, and the ordered stream logs it without applying it again', async () => {
    const fire = event(3, alarm('fire'));
    expect(await commitUrgentEvent(db, fire, 100, [applier])).toMatchObject({ status: 'committed' });
    expect(await commitUrgentEvent(db, fire, 101, [applier])).toEqual({ status: 'duplicate' });
    expect(await lastCommittedSeq(db)).toBe(0);
    const results = await commitHubEvents(
      db,
      [1, 2, 3, 4].map((seq) => ({
        raw: seq === 3 ? fire : event(seq, alarm('door_held')),
        receivedAt: 200,
      })),
      [applier],
    );
    expect(results.map((r) => r.status)).toEqual(['committed', 'committed', 'overtaken', 'committed']);
    expect(applied).toEqual([3, 1, 2, 4]);
    expect(await db('hub_events').orderBy('seq').pluck('seq')).toEqual([1, 2, 3, 4]);
    expect(await db('hub_urgent').count({ n: '*' }).first()).toEqual({ n: 0 });
    // Behind the cursor now: a late copy on the lane is a duplicate.
    expect(await commitUrgentEvent(db, fire, 300, [applier])).toEqual({ status: 'duplicate' });
  });

  it('declines what is not urgent or not valid, and lets the ordered stream decide', async () => {
    expect(await commitUrgentEvent(db, event(1, alarm('door_held')), 1, [applier])).toEqual({
      status: 'declined',
      error: 'not an urgent event',
    });
    expect(await commitUrgentEvent(db, { seq: 'x', kind: 'alarm' }, 1, [applier])).toMatchObject({
      status: 'declined',
    });
    expect(applied).toEqual([]);
    expect(await db('hub_urgent').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('applies a different event the ordered stream brings under an urgent sequence instead of replacing it', async () => {
    await commitUrgentEvent(db, event(1, alarm('fire')), 1, [applier]);
    const other = event(1, { kind: 'device', data: { deviceId: 'p1', kind: 'pump', state: 'ok', at: 1 } });
    const [result] = await commitHubEvents(db, [{ raw: other, receivedAt: 2 }], [applier]);
    expect(result?.status).toBe('committed');
    expect(applied).toEqual([1, 1]);
    expect(await db('hub_events').pluck('kind')).toEqual(['device']);
    expect(await db('hub_urgent').count({ n: '*' }).first()).toEqual({ n: 0 });
  });
});
