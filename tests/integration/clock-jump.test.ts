import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmView, HubEventBody, Notice, OperatorView } from '../../shared/contract';
import { createDesk, type Desk } from '../../electron/desk';
import { responseStatistics } from '../../electron/core/alarms';
import { ManualClock } from '../../electron/common/clock';
import { sequentialIds } from '../../electron/core/util/ids';
import { silentLogger } from '../../electron/common/log';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const op: OperatorView = { id: 'op-li', name: '李明', role: 'operator' };
const sup: OperatorView = { id: 'sup-wang', name: '王芳', role: 'supervisor' };
/** 09:50 in Hangzhou on 2026-11-24: the 10:00 day round (window 30 min) opens in ten minutes. */
const START = Date.UTC(2026, 10, 24, 1, 50);
const SEC = 1000;
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The machine's clocks as the operating system has them: the wall clock can be stepped (NTP, a person) while
 * timers and elapsed time run on. ManualClock's timers are already its monotonic clock; this only steps what
 * `now()` reads, so the core sees exactly what it would see on a real machine.
 */
class SteppedClock extends ManualClock {
  private step = 0;

  override now(): number {
    return super.now() + this.step;
  }

  /** Steps the wall clock by `ms` (negative: back), firing nothing. */
  stepWall(ms: number): void {
    this.step += ms;
  }
}

describe('the wall clock jumping (NTP step, a person setting it): real core, SQLite file, hub link', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: Desk;
  let clock: SteppedClock;
  let notices: Notice[];
  let escalated: AlarmView[];
  let n = 0;

  beforeEach(async () => {
    tmp = tempDir();
    clock = new SteppedClock(START);
    core = await createDesk({
      dataDir: tmp.dir,
      dbFile: join(tmp.dir, 'console.sqlite'),
      demo: { scenario: false },
      clock,
      ids: sequentialIds('id'),
      log: silentLogger,
      backups: { enabled: false },
    });
    notices = [];
    escalated = [];
    core.bus.subscribe((name, payload) => {
      if (name === 'notice') notices.push(payload as Notice);
      if (name === 'alarms.escalated') escalated.push((payload as { alarm: AlarmView }).alarm);
    });
    await until('hub link up', () => core.hub.status().state === 'connected');
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  const call = async <T = unknown>(method: string, input: unknown = {}, who: OperatorView = op) => {
    const r = await core.router.call(method, input, core.openSession('memory', who));
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as T;
  };
  /** One alarm from the site hub, through the real socket, committed before this returns. */
  const hubAlarm = async (
    type: 'door_held' | 'fire' | 'water_leak',
    zone = 'bldg-01',
  ): Promise<AlarmView> => {
    const sourceId = `clock-${++n}`;
    const event: HubEventBody = {
      kind: 'alarm',
      data: { sourceId, type, zone, cameras: [], raisedAt: clock.now() },
    };
    await core.demoHub!.publish(event);
    return until(`alarm ${sourceId}`, async () =>
      (await core.alarms.openAlarms()).find((a) => a.sourceId === sourceId),
    );
  };
  /** Lets real time pass (timers fire: the jump check, escalation, patrol evaluation) and the work they start finish. */
  const pass = async (ms: number) => {
    for (let left = ms; left > 0; left -= Math.min(left, 5 * SEC)) {
      clock.advance(Math.min(left, 5 * SEC));
      await new Promise((r) => setImmediate(r));
    }
    await core.patrols.evaluate();
  };
  const dutyEntries = async (kind: string) =>
    (
      await call<{ entries: Array<{ kind: string; text: string; at: number }> }>('duty.list', {
        filter: { kinds: [kind] },
      })
    ).entries;

  it('keeps the queue in arrival order when the clock is stepped back', async () => {
    const first = await hubAlarm('door_held');
    await pass(10 * SEC);
    clock.stepWall(-HOUR);
    await pass(2 * SEC);
    const second = await hubAlarm('door_held', 'bldg-02');
    // The later alarm's wall time is an hour earlier; it still waits behind the first.
    expect(second.receivedAt).toBeLessThan(first.receivedAt);
    const queue = (await call<{ alarms: AlarmView[] }>('alarms.open')).alarms;
    expect(queue.map((a) => a.id)).toEqual([first.id, second.id]);
    // And a more urgent alarm still goes first, whatever the clock says.
    const fire = await hubAlarm('fire', 'bldg-03');
    expect((await call<{ alarms: AlarmView[] }>('alarms.open')).alarms.map((a) => a.id)).toEqual([
      fire.id,
      first.id,
      second.id,
    ]);
  });

  it('a forward jump escalates nothing early; a backward one delays no escalation', async () => {
    // door_held is P4: 60 s to acknowledge. Five seconds in, the clock jumps a day forward.
    const waiting = await hubAlarm('door_held');
    await pass(5 * SEC);
    clock.stepWall(DAY);
    await pass(5 * SEC);
    expect(escalated).toEqual([]);
    expect((await core.alarms.openAlarms())[0]!.escalatedAt).toBeUndefined();
    // It escalates when it has really waited its 60 s, once.
    await pass(51 * SEC);
    await until('escalated on time', () => escalated.length === 1);
    expect(escalated[0]!.id).toBe(waiting.id);

    // fire is P1: 30 s. The clock goes back an hour right after it arrives; it escalates 30 s later all the same.
    const fire = await hubAlarm('fire', 'bldg-02');
    clock.stepWall(-HOUR);
    await pass(31 * SEC);
    await until('fire escalated', () => escalated.some((a) => a.id === fire.id));
  });

  it("measures time to acknowledge and the page's response clock in real time across a step", async () => {
    const alarm = await hubAlarm('water_leak');
    await pass(10 * SEC);
    clock.stepWall(-HOUR);
    await pass(10 * SEC);
    const acked = await call<AlarmView>('alarms.acknowledge', { id: alarm.id });
    // Acknowledged "an hour before" it arrived by the wall clock; 20 s after it by the clock that matters.
    expect(acked.acknowledgedAt!).toBeLessThan(acked.receivedAt);
    const stats = await responseStatistics(
      core.db,
      { from: 0, to: Number.MAX_SAFE_INTEGER },
      {
        acknowledgeSec: { 1: 30, 2: 60, 3: 60, 4: 60, 5: 60 },
        resolveSec: { 1: 900, 2: 1800, 3: 3600, 4: 14400, 5: 28800 },
      },
    );
    expect(stats).toMatchObject({ acknowledged: 1, acknowledgedWithinTarget: 1, ackP50Ms: 20 * SEC });
    expect(acked.ackMs).toBe(20 * SEC);
    await call<AlarmView>('alarms.resolve', { id: alarm.id, disposition: 'false_alarm', note: '已查看' });
    const exported = (await call<{ csv: string }>('alarms.exportCsv', { filter: {} })).csv.split(/\r?\n/);
    const header = exported[0]!.replace(/^\uFEFF/, '').split(',');
    const row = exported[1]!.split(',');
    expect(row[header.indexOf('seconds_to_acknowledge')]).toBe('20');
    expect(row[header.indexOf('seconds_to_resolve')]).toBe('20');

    // The page ages an open alarm as the core's steady clock now minus its arrival there.
    const open = await hubAlarm('door_held', 'bldg-02');
    await pass(7 * SEC);
    clock.stepWall(3 * HOUR);
    await pass(3 * SEC);
    const { alarms, steadyNow } = await call<{ alarms: AlarmView[]; steadyNow?: number }>('alarms.open');
    const view = alarms.find((a) => a.id === open.id)!;
    expect(steadyNow! - view.receivedSteady!).toBe(10 * SEC);
  });

  it('a muted alarm sound comes back after its minutes, whichever way the clock was stepped', async () => {
    await call('alarms.mute', { reason: '消防演练 / fire drill', minutes: 5 });
    clock.stepWall(-HOUR);
    await pass(4 * MIN);
    const during = await call<{ mutedUntil?: number }>('alarms.open');
    // One minute left, by the wall clock as it reads now.
    expect(during.mutedUntil).toBe(clock.now() + MIN);
    await pass(MIN + SEC);
    expect((await call<{ mutedUntil?: number }>('alarms.open')).mutedUntil).toBeUndefined();

    await call('alarms.mute', { reason: '误报 / false alarm', minutes: 5 });
    clock.stepWall(DAY);
    await pass(SEC);
    expect((await call<{ mutedUntil?: number }>('alarms.open')).mutedUntil).toBe(clock.now() + 5 * MIN - SEC);
  });

  it('tells the operator once, in their language, and writes the duty log; a slewing clock is no jump', async () => {
    await pass(2 * SEC);
    // NTP slewing a clock by 0.5 s is not a step.
    clock.stepWall(500);
    await pass(2 * SEC);
    expect(notices.filter((x) => x.code === 'clock-jump')).toEqual([]);

    clock.stepWall(10 * MIN);
    await pass(2 * SEC);
    // A person correcting it in a second step 10 s later: one notice for both, an entry for each.
    clock.stepWall(-2 * MIN);
    await pass(10 * SEC);
    const told = notices.filter((x) => x.code === 'clock-jump');
    expect(told).toHaveLength(1);
    expect(told[0]!.level).toBe('warning');
    expect(told[0]!.params).toMatchObject({ deltaMs: 10 * MIN });
    // Worded by the core in the default language (zh-CN); the page words it again in the operator's.
    expect(told[0]!.message).toMatch(/^系统时间跳变：时钟向前跳了 10 分钟/);
    const entries = await dutyEntries('clock_jump');
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => e.text).join('\n')).toMatch(
      /向前跳了 10 分钟[\s\S]*向后退了 2 分钟|向后退了 2 分钟[\s\S]*向前跳了 10 分钟/,
    );
  });

  it('a forward jump over patrol rounds raises no burst of missed-patrol alarms, and the next round is still checked', async () => {
    clock.stepWall(DAY);
    await pass(2 * SEC);
    const missed = (await core.alarms.openAlarms()).filter((a) => a.type === 'patrol_missed');
    expect(missed).toEqual([]);
    // The rounds jumped over are closed as skipped, and the duty log says so once.
    const skipped = (await core.db('patrol_rounds').where({ skipped: 1 }).count({ n: '*' }).first()) as {
      n: number;
    };
    expect(Number(skipped.n)).toBeGreaterThan(40);
    const patrolLog = await dutyEntries('patrol_round');
    expect(patrolLog.filter((e) => /跳过/.test(e.text))).toHaveLength(1);
    expect(patrolLog[0]!.text).toMatch(new RegExp(`${Number(skipped.n)} 个巡更轮次的时间窗被跳过`));
    // Today's figures count no skipped round as missed.
    const routes = (await call<{ routes: Array<{ today: { missed: number } }> }>('patrols.status')).routes;
    expect(routes.every((r) => r.today.missed === 0)).toBe(true);

    // The 10:00 round after the jump happens in real time: nobody walks it, and that is raised.
    await pass(41 * MIN);
    const after = (await core.alarms.openAlarms()).filter((a) => a.type === 'patrol_missed');
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((a) => a.count === 1)).toBe(true);
  });

  it('a backward jump checks no round twice and says which rounds it will not check again', async () => {
    // 10:31: the 10:00 round closed, every checkpoint missed.
    await pass(41 * MIN);
    const first = (await core.alarms.openAlarms()).filter((a) => a.type === 'patrol_missed');
    expect(first.length).toBeGreaterThan(0);
    const routesWithRounds = new Set(first.map((a) => a.deviceId!.split(':')[1])).size;

    clock.stepWall(-HOUR);
    await pass(2 * SEC);
    const said = (await dutyEntries('patrol_round')).filter((e) => /向后跳变/.test(e.text));
    expect(said).toHaveLength(1);
    expect(said[0]!.text).toMatch(new RegExp(`已检查的 ${routesWithRounds} 个巡更轮次不再重复检查`));

    // The wall clock passes 10:30 again: nothing is raised twice. At 12:30 the next round is checked as usual.
    await pass(HOUR + 30 * MIN);
    expect(
      (await core.alarms.openAlarms()).filter((a) => a.type === 'patrol_missed').every((a) => a.count === 1),
    ).toBe(true);
    await pass(2 * HOUR);
    const later = (await core.alarms.openAlarms()).filter((a) => a.type === 'patrol_missed');
    expect(later.length).toBe(first.length);
    expect(later.every((a) => a.count === 2)).toBe(true);
  });

  it('the audit chain verifies though its timestamps go backwards', async () => {
    const a = await hubAlarm('door_held');
    await call('alarms.acknowledge', { id: a.id });
    clock.stepWall(-DAY);
    await pass(2 * SEC);
    await call('alarms.note', { id: a.id, text: '时钟回拨后的备注' });
    await call('alarms.resolve', { id: a.id, disposition: 'false_alarm', note: '已核实' });
    const ats = (await core.db('audit_log').orderBy('seq').pluck('at')) as number[];
    expect(ats.some((at, i) => i > 0 && at < ats[i - 1]!)).toBe(true);
    expect(await call('audit.verify', {}, sup)).toMatchObject({ ok: true });
  });
});
