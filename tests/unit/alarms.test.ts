import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmView, OperatorView } from '../../shared/contract';
import { canMove, compareAlarms } from '../../shared/domain/alarm-lifecycle';
import type { ConsoleCore } from '../../electron/core';
import { verifyAudit } from '../../electron/core/audit/audit';
import { responseStatistics } from '../../electron/core/alarms/stats';
import type { IncomingAlarm } from '../../electron/core/alarms/service';
import { ManualClock } from '../../electron/common/clock';
import { sequentialIds } from '../../electron/core/util/ids';
import { tempDir } from '../support/temp';
import { startCore } from '../support/core';

const op: OperatorView = { id: 'op-li', name: '李明', role: 'operator' };
const sup: OperatorView = { id: 'sup-wang', name: '王芳', role: 'supervisor' };

function incoming(n: number, extra: Partial<IncomingAlarm> = {}): IncomingAlarm {
  return {
    source: 'hub',
    sourceId: `s-${n}`,
    type: 'door_held',
    zone: 'bldg-01',
    deviceId: `door-${n}`,
    cameras: [],
    raisedAt: 1,
    ...extra,
  };
}

describe('alarm queue core', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  let clock: ManualClock;
  const changed: AlarmView[] = [];
  const escalated: AlarmView[] = [];

  beforeEach(async () => {
    tmp = tempDir();
    clock = new ManualClock(Date.UTC(2026, 10, 24, 13, 0));
    core = await startCore(tmp.dir, { dbFile: join(tmp.dir, 'c.sqlite'), clock, ids: sequentialIds('id') });
    changed.length = 0;
    escalated.length = 0;
    core.bus.subscribe((name, payload) => {
      if (name === 'alarms.changed') changed.push(...(payload as { alarms: AlarmView[] }).alarms);
      if (name === 'alarms.escalated') escalated.push((payload as { alarm: AlarmView }).alarm);
    });
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  const receive = (a: IncomingAlarm) => core.db.transaction((trx) => core.alarms.receive(trx, a));
  const call = (method: string, input: unknown, who: OperatorView = op) =>
    core.router.call(method, input, core.openSession('memory', who));

  it('ignores a second delivery of the same source id', async () => {
    const first = await receive(incoming(1));
    const again = await receive(incoming(1));
    expect(first.status).toBe('new');
    expect(again).toEqual({ status: 'duplicate', alarmId: first.status === 'new' ? first.alarm.id : '' });
    expect((await core.alarms.openAlarms()).length).toBe(1);
  });

  it('counts a re-trigger of an open alarm from the same device instead of adding a row', async () => {
    await receive(incoming(1, { deviceId: 'pir-7' }));
    clock.advance(5000);
    const r = await receive(incoming(2, { deviceId: 'pir-7' }));
    expect(r.status).toBe('retrigger');
    const open = await core.alarms.openAlarms();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ count: 2, lastSeenAt: clock.now() });
    // Once resolved, the same device raises a new alarm.
    await core.alarms.resolve(open[0]!.id, 'real', 'door closed by guard', op);
    expect((await receive(incoming(3, { deviceId: 'pir-7' }))).status).toBe('new');
  });

  it('groups alarms in one zone within the window under one incident; later or elsewhere is a new incident', async () => {
    const a = await receive(incoming(1));
    clock.advance(60_000);
    const b = await receive(incoming(2));
    const c = await receive(incoming(3, { zone: 'bldg-02' }));
    clock.advance(121_000);
    const d = await receive(incoming(4));
    const inc = (r: Awaited<ReturnType<typeof receive>>) =>
      r.status === 'new' ? r.alarm.incidentId : undefined;
    expect(inc(b)).toBe(inc(a));
    expect(inc(c)).not.toBe(inc(a));
    expect(inc(d)).not.toBe(inc(a));
  });

  it('pins fire and SOS to priority 1 whatever the source says', async () => {
    const r = await receive(incoming(1, { type: 'fire', priority: 4 }));
    expect(r.status === 'new' && r.alarm.priority).toBe(1);
  });

  it('moves forward through the lifecycle, recording who and when; refuses going back', async () => {
    const r = await receive(incoming(1));
    const id = r.status === 'new' ? r.alarm.id : '';
    clock.advance(12_000);
    expect(await call('alarms.dispatch', { id, note: '张伟 前往' })).toMatchObject({
      ok: true,
      value: { state: 'dispatched', acknowledgedBy: '李明', acknowledgedAt: clock.now() },
    });
    expect(await call('alarms.acknowledge', { id })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await call('alarms.onScene', { id })).toMatchObject({ ok: true, value: { state: 'on_scene' } });
    const detail = await core.alarms.get(id);
    expect(detail.events.map((e) => e.kind)).toEqual(['received', 'dispatched', 'on_scene']);
    expect(detail.events[1]).toMatchObject({
      operatorName: '李明',
      fromState: 'new',
      toState: 'dispatched',
      note: '张伟 前往',
    });
  });

  it('never resolves without a disposition and a note; reopening needs a reason', async () => {
    const r = await receive(incoming(1));
    const id = r.status === 'new' ? r.alarm.id : '';
    expect(await call('alarms.resolve', { id, disposition: 'false_alarm' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await call('alarms.resolve', { id, note: 'checked' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await call('alarms.resolve', { id, disposition: 'maybe', note: 'checked' })).toMatchObject({
      ok: false,
    });
    expect((await core.alarms.get(id)).alarm.state).toBe('new');
    const done = await call('alarms.resolve', { id, disposition: 'false_alarm', note: '风吹门动,误报' });
    expect(done).toMatchObject({
      ok: true,
      value: { state: 'resolved', disposition: 'false_alarm', resolvedBy: '李明' },
    });
    // GB 25201: a false alarm goes into the fault record.
    expect(await core.db('duty_log').where({ kind: 'false_alarm' }).count({ n: '*' }).first()).toEqual({
      n: 1,
    });
    expect(await call('alarms.reopen', { id, reason: '' })).toMatchObject({ ok: false });
    expect(await call('alarms.reopen', { id, reason: '住户再次来电' })).toMatchObject({
      ok: true,
      value: { state: 'acknowledged' },
    });
  });

  it('escalates an unacknowledged alarm once its target passes (30 s for P1, 60 s for others), once', async () => {
    const fire = await receive(incoming(1, { type: 'fire' }));
    const door = await receive(incoming(2));
    clock.advance(29_000);
    await core.alarms.checkEscalations();
    expect(escalated).toHaveLength(0);
    clock.advance(2_000);
    await core.alarms.checkEscalations();
    expect(escalated.map((a) => a.id)).toEqual([fire.status === 'new' ? fire.alarm.id : '']);
    clock.advance(30_000);
    await core.alarms.checkEscalations();
    await core.alarms.checkEscalations();
    expect(escalated.map((a) => a.type)).toEqual(['fire', 'door_held']);
    expect(await core.db('duty_log').where({ kind: 'escalation' }).count({ n: '*' }).first()).toEqual({
      n: 2,
    });
    // An acknowledged alarm never escalates.
    const late = await receive(incoming(3));
    await call('alarms.acknowledge', { id: late.status === 'new' ? late.alarm.id : '' });
    clock.advance(120_000);
    await core.alarms.checkEscalations();
    expect(escalated).toHaveLength(2);
    void door;
  });

  it('disaster mode holds back less urgent alarms (no escalation) and releases them when it ends', async () => {
    expect(
      await call('alarms.setDisasterMode', { on: true, holdFromPriority: 4, reason: '暴雨' }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(
      await call(
        'alarms.setDisasterMode',
        { on: true, holdFromPriority: 4, reason: '暴雨,水浸报警大量涌入' },
        sup,
      ),
    ).toMatchObject({ ok: true });
    const low = await receive(incoming(1, { type: 'lighting_fault' }));
    const high = await receive(incoming(2, { type: 'smoke' }));
    expect(low.status === 'new' && low.alarm.held).toBe(true);
    expect(high.status === 'new' && high.alarm.held).toBe(false);
    clock.advance(120_000);
    await core.alarms.checkEscalations();
    expect(escalated.map((a) => a.type)).toEqual(['smoke']);
    await call('alarms.setDisasterMode', { on: false, holdFromPriority: 4, reason: '雨停' }, sup);
    expect((await core.alarms.openAlarms()).every((a) => !a.held)).toBe(true);
  });

  it('every change is audited in a hash chain that detects tampering, and the log refuses edits', async () => {
    const r = await receive(incoming(1));
    const id = r.status === 'new' ? r.alarm.id : '';
    await call('alarms.acknowledge', { id });
    await call('alarms.note', { id, text: '已通知保安' });
    await call('alarms.resolve', { id, disposition: 'real', note: '已处理' });
    const ok = await verifyAudit(core.db);
    expect(ok).toMatchObject({ ok: true, entries: 4 });
    await expect(
      core.db('audit_log').where({ seq: 2 }).update({ actor_name: 'someone else' }),
    ).rejects.toThrow(/append-only/);
    await expect(core.db('audit_log').where({ seq: 2 }).delete()).rejects.toThrow(/append-only/);

    // Someone with the file and sqlite3 drops the trigger and edits an entry: the chain shows where.
    const file = join(tmp.dir, 'c.sqlite');
    await core.stop();
    const raw = new Database(file);
    raw.exec('DROP TRIGGER audit_no_update');
    raw.prepare("UPDATE audit_log SET details = '{}' WHERE seq = 3").run();
    raw.close();
    core = await startCore(tmp.dir, { dbFile: file, clock });
    expect(await verifyAudit(core.db)).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: 'this entry was changed',
    });
  });

  it('every operator action reaches the outbox in the same transaction, with an idempotency key', async () => {
    const r = await receive(incoming(1));
    await call('alarms.acknowledge', { id: r.status === 'new' ? r.alarm.id : '' });
    await call('alarms.raise', { type: 'manual', text: '3号楼住户来电:楼道有烟味', zone: 'bldg-03' });
    const rows = (await core.db('outbox').orderBy('id')) as { key: string; type: string; payload: string }[];
    expect(rows.map((x) => x.type)).toEqual(expect.arrayContaining(['alarm.acknowledge', 'alarm.raise']));
    expect(new Set(rows.map((x) => x.key)).size).toBe(rows.length);
    expect(JSON.parse(rows.find((x) => x.type === 'alarm.acknowledge')!.payload)).toMatchObject({
      alarm: { source: 'hub', sourceId: 's-1' },
      state: 'acknowledged',
      operator: '李明',
    });
  });

  it('history pages closed alarms newest first with filters, and exports CSV safely', async () => {
    for (let i = 1; i <= 7; i++) {
      const r = await receive(
        incoming(i, {
          type: i % 2 ? 'door_held' : 'water_leak',
          text: i === 3 ? '=HYPERLINK("x")' : `text ${i}`,
        }),
      );
      clock.advance(1000);
      await core.alarms.resolve(r.status === 'new' ? r.alarm.id : '', 'real', `done ${i}`, op);
    }
    const page1 = await core.alarms.history({ includeDrills: false, types: ['door_held'] }, 2);
    expect(page1.alarms.map((a) => a.sourceId)).toEqual(['s-7', 's-5']);
    expect(page1.more).toBe(true);
    const last = page1.alarms.at(-1)!;
    const page2 = await core.alarms.history({ includeDrills: false, types: ['door_held'] }, 2, {
      resolvedAt: last.resolvedAt!,
      id: last.id,
    });
    expect(page2.alarms.map((a) => a.sourceId)).toEqual(['s-3', 's-1']);
    const { csv, rows } = await core.alarms.exportCsv({ includeDrills: false, search: 'HYPERLINK' });
    expect(rows).toBe(1);
    expect(csv.startsWith('\ufeffid,type,priority')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('orders the queue by priority, then by how long an alarm has waited', () => {
    const list = [
      { id: 'a', priority: 3, receivedAt: 10 },
      { id: 'b', priority: 1, receivedAt: 50 },
      { id: 'c', priority: 3, receivedAt: 5 },
      { id: 'd', priority: 1, receivedAt: 60, held: true },
    ];
    expect(list.sort(compareAlarms).map((x) => x.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(canMove('new', 'resolved')).toBe(true);
    expect(canMove('resolved', 'acknowledged')).toBe(false);
    expect(canMove('dispatched', 'acknowledged')).toBe(false);
  });

  it('changes reach renderers batched, only after commit', async () => {
    await core.db
      .transaction(async (trx) => {
        await core.alarms.receive(trx, incoming(99));
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await receive(incoming(1));
    clock.advance(250);
    expect(changed.map((a) => a.sourceId)).toEqual(['s-1']);
  });

  it('response statistics count real alarms against targets and never drills', async () => {
    const from = clock.now();
    const a = await receive(incoming(1, { type: 'smoke' }));
    await receive(incoming(2, { deviceId: 'door-x', zone: 'bldg-02' }));
    const drill = await receive(incoming(3, { deviceId: 'door-y', zone: 'bldg-03' }));
    if (a.status !== 'new' || drill.status !== 'new') throw new Error('expected new alarms');
    await core.db('alarms').where({ id: drill.alarm.id }).update({ drill: 1 });
    clock.advance(20_000);
    await call('alarms.acknowledge', { id: a.alarm.id });
    clock.advance(60_000);
    await call('alarms.resolve', { id: a.alarm.id, disposition: 'real', note: '已处置' });
    const stats = await responseStatistics(
      core.db,
      { from, to: clock.now() + 1 },
      core.alarms.responseTargets,
    );
    expect(stats.total).toBe(2);
    expect(stats.byType).toEqual({ smoke: 1, door_held: 1 });
    expect(stats).toMatchObject({ acknowledged: 1, acknowledgedWithinTarget: 1, ackP50Ms: 20_000 });
    expect(stats).toMatchObject({ resolved: 1, resolvedWithinTarget: 1, open: 1 });
  });
});
