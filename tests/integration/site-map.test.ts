import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmView, GuardView, OperatorView } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import type { Desk } from '../../electron/desk';
import { ManualClock } from '../../electron/common/clock';
import { sequentialIds } from '../../electron/core/util/ids';
import { demoPhone } from '../support/demo-phones';
import { startLinkedConsole, startSiteHub } from '../support/hub';
import { tempDir } from '../support/temp';
import { until } from '../support/until';
import { startCore } from '../support/core';

const op: OperatorView = { id: 'op-li', name: '李明', role: 'operator' };
/** 09:50 in Hangzhou on 2026-11-24: the 10:00 day round opens in ten minutes. */
const START = Date.UTC(2026, 10, 24, 1, 50);
const MIN = 60_000;
// From the demo site: guard-03 walks route-bldg-a; cp-201 is its first checkpoint (radius 10 m).
const CP201 = { lat: 30.271386, lon: 120.15135 };
const ROUTE_A = ['cp-201', 'cp-202', 'cp-203', 'cp-204', 'cp-205'];

describe('site map core: phones, patrols, dispatch, SOS (real SQLite file, real HTTP)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: Desk;
  let clock: ManualClock;
  let changedGuards: GuardView[];
  let osmandUrl: string;

  beforeEach(async () => {
    tmp = tempDir();
    clock = new ManualClock(START);
    core = await startCore(tmp.dir, {
      dbFile: join(tmp.dir, 'console.sqlite'),
      clock,
      ids: sequentialIds('id'),
      backups: { enabled: false },
      osmand: { port: 0, host: '127.0.0.1' },
    });
    changedGuards = [];
    core.bus.subscribe((name, payload) => {
      if (name === 'guards.changed') changedGuards.push(...(payload as { guards: GuardView[] }).guards);
    });
    osmandUrl = `http://127.0.0.1:${core.osmandPort}/`;
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  const call = <T = unknown>(method: string, input: unknown = {}) =>
    core.router.call(method, input, core.openSession('memory', op)) as Promise<{
      ok: boolean;
      value: T;
      error?: { message: string };
    }>;
  const report = (query: string) => fetch(`${osmandUrl}?${query}`, { method: 'POST' });
  const seconds = () => Math.floor(clock.now() / 1000);
  const guardsNow = async () => (await call<{ guards: GuardView[] }>('guards.latest')).value.guards;

  it('an OsmAnd request from a phone moves its guard; unknown and malformed ones are refused and store nothing', async () => {
    const ok = await report(
      `id=${demoPhone('guard-03')}&lat=30.2716&lon=120.1520&timestamp=${seconds()}&speed=2&bearing=45&accuracy=6&batt=81`,
    );
    expect(ok.status).toBe(200);
    const g3 = (await guardsNow()).find((g) => g.guardId === 'guard-03')!;
    expect(g3).toMatchObject({
      duty: 'on_patrol',
      last: {
        position: { lat: 30.2716, lon: 120.152 },
        at: seconds() * 1000,
        bearing: 45,
        battery: 81,
        source: 'osmand',
      },
    });
    expect(g3.last!.speed).toBeCloseTo(1.03, 2);
    // The renderers hear of it in the next batch.
    clock.advance(600);
    expect(changedGuards.map((g) => g.guardId)).toContain('guard-03');

    const unknown = await report('id=stolen-phone&lat=30.27&lon=120.15');
    expect(unknown.status).toBe(403);
    expect(await unknown.text()).toMatch(/unknown device id: issue one for this phone in the console/);
    const malformed = await report(`id=${demoPhone('guard-03')}&lat=95&lon=120.15`);
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toMatch(/lat must be at most 90/);
    const wrongMethod = await fetch(osmandUrl, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    const rows = await core.db('guard_positions').count({ n: '*' }).first();
    expect(Number(rows?.n)).toBe(1);

    // A late, buffered position goes into the track but does not move the marker back.
    expect(
      (await report(`id=${demoPhone('guard-03')}&lat=30.2700&lon=120.1500&timestamp=${seconds() - 600}`))
        .status,
    ).toBe(200);
    expect((await guardsNow()).find((g) => g.guardId === 'guard-03')!.last!.position.lat).toBe(30.2716);
    const track = await call<{ points: Array<{ at: number }> }>('guards.track', {
      guardId: 'guard-03',
      from: clock.now() - 3_600_000,
      to: clock.now() + 1,
    });
    expect(track.value.points.map((p) => p.at)).toEqual([(seconds() - 600) * 1000, seconds() * 1000]);
  });

  it('a checkpoint not reached in its window raises a patrol-missed alarm with the guard, the checkpoint and the nearest camera', async () => {
    // 10:00 round opens; at 10:05 guard-03 reaches cp-201 and scans cp-202's tag through the hub; nothing else.
    clock.advance(15 * MIN);
    expect(
      (
        await report(
          `id=${demoPhone('guard-03')}&lat=${CP201.lat}&lon=${CP201.lon + 0.00005}&timestamp=${seconds()}`,
        )
      ).status,
    ).toBe(200);
    await core.demoHub!.publish({
      kind: 'guard',
      data: { signal: 'scan', guardId: 'guard-03', at: clock.now(), tag: 'NFC-0202' },
    });
    const status = await until('both visits counted', async () => {
      const routes = (
        await call<{
          routes: Array<{
            routeId: string;
            current?: { checkpoints: Array<{ checkpointId: string; state: string; method?: string }> };
          }>;
        }>('patrols.status')
      ).value.routes;
      const a = routes.find((r) => r.routeId === 'route-bldg-a')!;
      return a.current!.checkpoints.filter((c) => c.state === 'on_time').length === 2 && a;
    });
    expect(status.current!.checkpoints.find((c) => c.checkpointId === 'cp-202')).toMatchObject({
      state: 'on_time',
      method: 'scan',
    });

    // The window closes at 10:30.
    clock.advance(26 * MIN);
    await core.patrols.evaluate();
    const open = await core.alarms.openAlarms();
    const missedA = open.filter(
      (a) => a.type === 'patrol_missed' && a.deviceId?.startsWith('checkpoint:route-bldg-a:'),
    );
    expect(missedA.map((a) => a.deviceId!.split(':')[2]).sort()).toEqual(ROUTE_A.slice(2));
    const cp203 = missedA.find((a) => a.deviceId === 'checkpoint:route-bldg-a:cp-203')!;
    expect(cp203.text).toMatch(/王磊 未按时巡查/); // guard-03, who walks this route
    expect(cp203.location).toBeDefined();
    expect(cp203.cameras).toHaveLength(1);
    expect(cp203).toMatchObject({ priority: 3, state: 'new', source: 'engine' });
    // The round's compliance goes to the duty log; evaluating again raises nothing twice.
    const log = (await core.db('duty_log').whereIn('kind', ['patrol_missed', 'patrol_round'])) as Array<{
      text: string;
    }>;
    expect(log.some((l) => /按时 2，提前 0，漏检 3 \/ 5/.test(l.text))).toBe(true);
    await core.patrols.evaluate();
    expect((await core.alarms.openAlarms()).length).toBe(open.length);

    // A late visit is recorded as late.
    clock.advance(5 * MIN);
    const cp203Pos = cp203.location!;
    expect(
      (
        await report(
          `id=${demoPhone('guard-03')}&lat=${cp203Pos.lat}&lon=${cp203Pos.lon}&timestamp=${seconds()}`,
        )
      ).status,
    ).toBe(200);
    const visit = (await core
      .db('patrol_visits')
      .where({ route_id: 'route-bldg-a', checkpoint_id: 'cp-203' })
      .first()) as { timing: string };
    expect(visit.timing).toBe('late');
    expect(await core.db('duty_log').where({ kind: 'patrol_late' }).first()).toBeDefined();
  });

  it('suggests the nearest free guard, dispatches him through the outbox, detects arrival and releases him on resolve', async () => {
    for (const [phone, lat, lon] of [
      [demoPhone('guard-02'), 30.2735, 120.1505],
      [demoPhone('guard-03'), 30.2716, 120.153],
      [demoPhone('guard-05'), 30.2705, 120.1536],
    ] as const) {
      expect((await report(`id=${phone}&lat=${lat}&lon=${lon}&timestamp=${seconds()}`)).status).toBe(200);
    }
    const raised = await call<AlarmView>('alarms.raise', {
      type: 'intrusion',
      location: { lat: 30.2714, lon: 120.1531 },
      text: '住户报告可疑人员翻越围墙',
    });
    const alarmId = raised.value.id;
    const suggested = await call<{
      candidates: Array<{ guardId: string; distanceM: number; etaSec: number; available: boolean }>;
    }>('guards.suggest', { alarmId });
    expect(suggested.value.candidates.map((c) => c.guardId)).toEqual(['guard-03', 'guard-05', 'guard-02']);
    expect(suggested.value.candidates[0]).toMatchObject({ available: true });
    expect(suggested.value.candidates[0]!.distanceM).toBeLessThan(30);

    const sent = await call<{ alarm: AlarmView; guard: GuardView }>('guards.dispatch', {
      alarmId,
      guardId: 'guard-05',
      note: '从车库方向包抄',
    });
    expect(sent.ok).toBe(true);
    expect(sent.value.alarm.state).toBe('dispatched');
    expect(sent.value.guard).toMatchObject({ duty: 'dispatched', alarmId });
    const action = (await core.db('outbox').where({ type: 'guard.dispatch' }).first()) as
      { payload: string } | undefined;
    expect(JSON.parse(action!.payload)).toMatchObject({
      guardId: 'guard-05',
      location: { lat: 30.2714, lon: 120.1531 },
      operator: '李明',
    });
    expect(await core.db('duty_log').where({ kind: 'dispatch', alarm_id: alarmId }).first()).toBeDefined();
    // He is busy now: no longer suggested as free, and cannot be sent twice.
    const again = await call<{ candidates: Array<{ guardId: string; available: boolean }> }>(
      'guards.suggest',
      { alarmId },
    );
    expect(again.value.candidates.find((c) => c.guardId === 'guard-05')).toMatchObject({ available: false });
    const twice = await call('guards.dispatch', { alarmId, guardId: 'guard-05' });
    expect(twice.ok).toBe(false);

    // He walks in: 20 m away is inside the 30 m arrival radius.
    clock.advance(60_000);
    expect(
      (await report(`id=${demoPhone('guard-05')}&lat=30.27155&lon=120.1531&timestamp=${seconds()}`)).status,
    ).toBe(200);
    const onScene = await core.alarms.get(alarmId);
    expect(onScene.alarm.state).toBe('on_scene');
    expect(onScene.events.some((e) => /已到场/.test(e.note ?? ''))).toBe(true);
    expect((await guardsNow()).find((g) => g.guardId === 'guard-05')).toMatchObject({ duty: 'on_scene' });

    await call('alarms.resolve', { id: alarmId, disposition: 'real', note: '人员已带离，已报 110' });
    await until(
      'guard released',
      async () => (await guardsNow()).find((g) => g.guardId === 'guard-05')?.duty === 'on_patrol',
    );
    const assignment = (await core.db('guard_assignments').where({ alarm_id: alarmId }).first()) as {
      arrival: string;
      ended_at: number | null;
    };
    expect(assignment).toMatchObject({ arrival: 'gps' });
    expect(assignment.ended_at).not.toBeNull();
  });

  it('a panic flag from the phone raises a priority-1 SOS at his position; standing still for 10 minutes raises another', async () => {
    expect(
      (await report(`id=${demoPhone('guard-04')}&lat=30.2718&lon=120.1546&timestamp=${seconds()}&alarm=sos`))
        .status,
    ).toBe(200);
    const sos = (await core.alarms.openAlarms()).find((a) => a.type === 'guard_sos')!;
    expect(sos).toMatchObject({ priority: 1, location: { lat: 30.2718, lon: 120.1546 } });
    expect((await guardsNow()).find((g) => g.guardId === 'guard-04')).toMatchObject({
      duty: 'sos',
      alarmId: sos.id,
    });
    // He cannot be sent anywhere while in SOS; once the operator confirms he is safe, he is back on patrol.
    const cleared = await call<GuardView>('guards.clearSos', { guardId: 'guard-04', note: '对讲确认：误触' });
    expect(cleared.value.duty).toBe('on_patrol');

    // Fixed posts this shift (定点值守): guard-02 holds the south gate post and stands at it; guard-05 holds the
    // north gate post but stands still at the south gate, 400 m away from it.
    const supervisor = core.openSession('memory', { id: 'op-zhou', name: '周主管', role: 'supervisor' });
    const board = (await call<{ shift: { key: string } }>('posts.board')).value;
    for (const [postId, guardId] of [
      ['post-south', 'guard-02'],
      ['post-north', 'guard-05'],
    ] as const) {
      const assigned = await core.router.call(
        'posts.assign',
        { postId, shift: board.shift.key, guardId },
        supervisor,
      );
      expect(assigned.ok).toBe(true);
    }
    // guard-01 (no post) reports every 30 s from the same spot (within 15 m) for 11 minutes, and so do they.
    const SOUTH_POST = { lat: 30.27045, lon: 120.1527 };
    for (let i = 0; i <= 22; i++) {
      const jitter = (i % 3) * 0.00002;
      for (const [guardId, lat, lon] of [
        ['guard-01', 30.2725 + jitter, 120.1525],
        ['guard-02', SOUTH_POST.lat + jitter, SOUTH_POST.lon],
        ['guard-05', SOUTH_POST.lat - jitter, SOUTH_POST.lon + 0.0001],
      ] as const) {
        const sent = await report(`id=${demoPhone(guardId)}&lat=${lat}&lon=${lon}&timestamp=${seconds()}`);
        expect(sent.status).toBe(200);
      }
      clock.advance(30_000);
    }
    await core.guards.checkStill();
    const still = (await core.alarms.openAlarms()).filter((a) => a.type === 'guard_no_movement');
    expect(still.map((a) => a.deviceId).sort()).toEqual(['guard-still:guard-01', 'guard-still:guard-05']);
    expect(still[0]).toMatchObject({ priority: 1 });
    expect(still[0]!.text).toMatch(/分钟未移动/);
  });
});

describe('two consoles on one hub agree on who was sent where', () => {
  it("console B shows the guard console A dispatched, and on scene when A's guard arrives", async () => {
    const tmp = tempDir();
    const hub = await startSiteHub(tmp.dir, 't');
    const open = (id: string) =>
      startLinkedConsole(tmp.dir, { url: hub.url, token: 't' }, id, { backups: { enabled: false } });
    const a = await open('console-a');
    const b = await open('console-b');
    try {
      await hub.publish({
        kind: 'alarm',
        data: {
          sourceId: 'hub-77',
          type: 'intrusion',
          location: { lat: 30.2714, lon: 120.1531 },
          cameras: [],
          raisedAt: Date.now(),
        },
      });
      const alarmOn = (core: ConsoleCore) =>
        until('the alarm on both consoles', async () =>
          (await core.alarms.openAlarms()).find((x) => x.sourceId === 'hub-77'),
        );
      const [onA] = await Promise.all([alarmOn(a), alarmOn(b)]);
      const sent = await a.router.call(
        'guards.dispatch',
        { alarmId: onA.id, guardId: 'guard-02' },
        a.openSession('memory', op),
      );
      expect(sent.ok).toBe(true);
      const onB = await until('B sees the dispatch', () => {
        const g = b.guards.view('guard-02');
        return g.duty === 'dispatched' && g;
      });
      expect(onB.alarmId).toBe((await b.alarms.openAlarms()).find((x) => x.sourceId === 'hub-77')!.id);
      const arrived = await a.router.call(
        'guards.arrived',
        { alarmId: onA.id, guardId: 'guard-02' },
        a.openSession('memory', op),
      );
      expect(arrived.ok).toBe(true);
      await until('B sees him on scene', () => b.guards.view('guard-02').duty === 'on_scene');
    } finally {
      await a.stop();
      await b.stop();
      await hub.stop();
      tmp.cleanup();
    }
  });
});
