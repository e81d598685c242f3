/**
 * Fixed posts and peaks through the router on a SQLite file, in simulated time (issue 17): a supervisor assigns
 * guards per shift, a guard whose phone goes silent during the morning peak leaves his post unmanned and raises one
 * `post_unmanned` alarm, restored when he reports again; across the shift change the next shift's plan decides; the
 * peak's end restores what is left. The holiday calendar and the patrol counts, with their refusals.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView, DutyEntry, OperatorView, PostBoard, ReportView } from '../../shared/contract';
import { ManualClock } from '../../electron/common/clock';
import type { Desk } from '../../electron/desk';
import { startCore } from '../support/core';
import { callAs, refusalOf } from '../support/router';
import { writeDemoSite } from '../support/site';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const OPERATOR: OperatorView = { id: 'op-li', name: '李明', role: 'operator' };
const SUPERVISOR: OperatorView = { id: 'sup-wang', name: '王主管', role: 'supervisor' };
const MIN = 60_000;
/** Tuesday 2026-11-24, 06:50 in Hangzhou (the demo site's zone, UTC+8). */
const START = Date.UTC(2026, 10, 23, 22, 50);
const hz = (hh: number, mm = 0) => Date.UTC(2026, 10, 24, hh - 8, mm);

// The tests that let up to an hour of site time go by, every timer of the core firing as it goes, have a minute of real
// time: vitest's default five seconds ran out on a loaded machine (load 8 on 2 cores), before and after any change.
describe('posts and peaks in simulated time', { timeout: 60_000 }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: Desk;
  const clock = new ManualClock(START);
  /** Guards whose phones report every minute as time goes. */
  const reporting = new Set<string>();

  beforeAll(async () => {
    tmp = tempDir();
    const sitePath = writeDemoSite(tmp.dir, (site) => {
      site.peaks = [
        {
          id: 'morning',
          name: { 'zh-CN': '早高峰', en: 'morning peak' },
          days: ['workday'],
          from: '07:00',
          to: '09:00',
          posts: ['post-south', 'post-carpark'],
          priority: 3,
        },
      ];
    });
    core = await startCore(tmp.dir, {
      dbFile: join(tmp.dir, 'console.db'),
      clock,
      sitePath,
      backups: { enabled: false },
      duty: { hashParams: { N: 1024, r: 8, p: 1 } },
    });
  });
  afterAll(async () => {
    await core.stop();
    tmp.cleanup();
  });

  const call = <T>(as: OperatorView, method: string, input: unknown = {}) =>
    callAs<T>(core, as, method, input);
  const refusal = async (as: OperatorView, method: string, input: unknown) =>
    (await refusalOf(core, as, method, input))?.code ?? 'ok';
  /** A position near the post, 30 m one way or the other each minute (a guard standing still would raise no-movement). */
  const report = async (guardId: string) =>
    core.guards.ingestDirect(
      {
        guardId,
        position: { lat: 30.2705 + (Math.floor(clock.now() / MIN) % 2) * 0.0003, lon: 120.1535 },
        at: clock.now(),
        source: 'osmand',
      },
      false,
    );
  /** Time goes on a minute at a time, the reporting guards' phones sending a position each minute. */
  const pass = async (minutes: number) => {
    for (let i = 0; i < minutes; i++) {
      for (const g of reporting) await report(g);
      clock.advance(MIN);
      // The check the timer started runs on its own: let it finish before the next minute.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const board = () => call<PostBoard>(OPERATOR, 'posts.board');
  const unmanned = async () =>
    (await core.alarms.openAlarms()).filter((a: AlarmView) => a.type === 'post_unmanned');

  it('a supervisor assigns guards per shift; an operator may not', async () => {
    const b = await board();
    expect(b.shift).toMatchObject({ key: '2026-11-23/night', band: 'night' });
    expect(b.next.key).toBe('2026-11-24/day');
    expect(b.posts.map((p) => p.id)).toEqual(['post-south', 'post-north', 'post-carpark']);
    expect(b.posts.every((p) => p.state === 'unassigned' && !p.required)).toBe(true);
    expect(
      await refusal(OPERATOR, 'posts.assign', {
        postId: 'post-south',
        shift: b.shift.key,
        guardId: 'guard-01',
      }),
    ).toBe('forbidden');
    await call(SUPERVISOR, 'posts.assign', { postId: 'post-south', shift: b.shift.key, guardId: 'guard-01' });
    await call(SUPERVISOR, 'posts.assign', {
      postId: 'post-carpark',
      shift: b.shift.key,
      guardId: 'guard-02',
    });
    // The day shift: guard-01 stays at the south gate, nobody is planned for the car park yet.
    const after = await call<PostBoard>(SUPERVISOR, 'posts.assign', {
      postId: 'post-south',
      shift: b.next.key,
      guardId: 'guard-01',
    });
    expect(after.posts.find((p) => p.id === 'post-south')).toMatchObject({
      guardId: 'guard-01',
      nextGuardId: 'guard-01',
    });
    // Phones not reporting yet: assigned, but not held.
    expect(after.posts.find((p) => p.id === 'post-south')!.state).toBe('guard_offline');
  });

  it('refuses a guard at two posts the same shift, a shift that is over, a post or guard not in the site file', async () => {
    const { shift } = await board();
    expect(
      await refusal(SUPERVISOR, 'posts.assign', {
        postId: 'post-north',
        shift: shift.key,
        guardId: 'guard-01',
      }),
    ).toBe('conflict');
    expect(
      await refusal(SUPERVISOR, 'posts.assign', {
        postId: 'post-north',
        shift: '2026-11-22/day',
        guardId: 'guard-03',
      }),
    ).toBe('conflict');
    expect(
      await refusal(SUPERVISOR, 'posts.assign', { postId: 'post-x', shift: shift.key, guardId: 'guard-03' }),
    ).toBe('not_found');
    expect(
      await refusal(SUPERVISOR, 'posts.assign', {
        postId: 'post-north',
        shift: shift.key,
        guardId: 'guard-x',
      }),
    ).toBe('not_found');
    expect(
      await refusal(SUPERVISOR, 'posts.assign', {
        postId: 'post-north',
        shift: '2026-11-24 day',
        guardId: 'guard-03',
      }),
    ).toBe('invalid_input');
  });

  it('raises one alarm for a peak post whose guard goes silent, and restores it when he reports again', async () => {
    reporting.add('guard-01');
    reporting.add('guard-02');
    await pass(12); // 07:02: the peak runs, both posts held.
    let b = await board();
    expect(b.peaks.find((p) => p.id === 'morning')).toMatchObject({ active: true, from: hz(7), to: hz(9) });
    expect(b.posts.filter((p) => p.required).map((p) => [p.id, p.state])).toEqual([
      ['post-south', 'held'],
      ['post-carpark', 'held'],
    ]);
    expect(await unmanned()).toEqual([]);

    reporting.delete('guard-02'); // his last position 07:01; offline from 07:06 (the site's 300 s).
    await pass(3);
    expect(await unmanned()).toEqual([]);
    await pass(3);
    // Offline now, and on the board so; an alarm only once the post has been without him for three minutes.
    expect((await board()).posts.find((p) => p.id === 'post-carpark')!.state).toBe('guard_offline');
    expect(await unmanned()).toEqual([]);
    await pass(3);
    const raised = await until('the unmanned-post alarm', async () => (await unmanned())[0]);
    expect(raised).toMatchObject({ deviceId: 'post:post-carpark', priority: 3, zone: 'carpark-entrance' });
    expect(raised.texts?.['zh-CN']).toContain('车库入口交通岗');
    expect(raised.texts?.en).toContain("Li Qiang's phone is not reporting");
    await pass(5); // still silent: no second alarm, no re-trigger
    expect(await unmanned()).toHaveLength(1);
    expect((await unmanned())[0]!.count).toBe(1);
    b = await board();
    expect(b.posts.find((p) => p.id === 'post-carpark')).toMatchObject({
      state: 'guard_offline',
      alarmed: true,
    });

    reporting.add('guard-02');
    await pass(1);
    const restored = await until('restored', async () => {
      const a = (await unmanned()).find((x) => x.id === raised.id);
      return a?.restoredAt ? a : undefined;
    });
    expect(restored.state).toBe('new'); // the operator still resolves it
    expect((await board()).posts.find((p) => p.id === 'post-carpark')).toMatchObject({
      state: 'held',
      alarmed: false,
    });
  });

  it('across the shift change the next shift’s plan decides: the car park, planned for nobody, alarms again', async () => {
    const first = (await unmanned())[0]!;
    // 07:17 now; on to 08:04 (the car park without a guard since the shift change: 3 minutes).
    await pass(47);
    const b = await board();
    expect(b.shift.key).toBe('2026-11-24/day');
    expect(b.posts.find((p) => p.id === 'post-south')).toMatchObject({ guardId: 'guard-01', state: 'held' });
    expect(b.posts.find((p) => p.id === 'post-carpark')).toMatchObject({
      state: 'unassigned',
      required: true,
    });
    // The open alarm of the post is raised again (one open alarm per post), its restore cleared.
    const again = await until('re-triggered', async () => {
      const a = (await unmanned()).find((x) => x.id === first.id);
      return a && a.count === 2 && !a.restoredAt ? a : undefined;
    });
    expect(again.deviceId).toBe('post:post-carpark');
    expect(await unmanned()).toHaveLength(1);
    // The south gate post stayed held through the change: never alarmed.
    expect((await core.alarms.openAlarms()).some((a) => a.deviceId === 'post:post-south')).toBe(false);
  });

  it('the end of the peak restores what is left, and nothing is raised after it', async () => {
    await pass(60); // 09:01
    const b = await until('the peak over', async () => {
      const x = await board();
      return x.posts.every((p) => !p.required && !p.alarmed) ? x : undefined;
    });
    expect(b.peaks.some((p) => p.active)).toBe(false);
    const [a] = await unmanned();
    expect(a?.restoredAt).toBeDefined();
    const log = await call<{ entries: DutyEntry[] }>(OPERATOR, 'duty.list', { filter: { kinds: ['post'] } });
    const texts = log.entries.map((e) => e.text);
    expect(texts.some((t) => t.includes('高峰结束') && t.includes('车库入口交通岗'))).toBe(true);
    expect(texts.some((t) => t.includes('南门岗：张伟 值守'))).toBe(true);
  });

  it('the holiday calendar: a supervisor puts a weekday in and out; the day becomes a holiday for the peaks', async () => {
    expect(await refusal(OPERATOR, 'holidays.save', { date: '2026-11-25', name: '测试' })).toBe('forbidden');
    expect(await refusal(SUPERVISOR, 'holidays.save', { date: '2026-02-30', name: '测试' })).toBe(
      'invalid_input',
    );
    let b = await call<PostBoard>(SUPERVISOR, 'holidays.save', { date: '2026-11-24', name: '测试假日' });
    expect(b.today).toEqual({ date: '2026-11-24', kind: 'holiday' });
    expect(b.holidays).toEqual([
      expect.objectContaining({ date: '2026-11-24', name: '测试假日', kind: 'holiday', updatedBy: '王主管' }),
    ]);
    // Tomorrow's morning peak is still listed; today's is gone with the working day.
    expect(b.peaks.map((p) => p.day)).toEqual(['2026-11-25']);
    b = await call<PostBoard>(SUPERVISOR, 'holidays.remove', { date: '2026-11-24' });
    expect(b.today.kind).toBe('workday');
    expect(await refusal(SUPERVISOR, 'holidays.remove', { date: '2026-11-24' })).toBe('not_found');
  });

  it('patrol parking counts give today’s rate; bad counts are refused with words', async () => {
    await call(OPERATOR, 'parking.record', {
      area: 'carpark-entrance',
      counted: 40,
      violations: 2,
      guardId: 'guard-05',
    });
    await call(OPERATOR, 'parking.record', { area: 'gate-south', counted: 10, violations: 3 });
    const today = await call<{ counts: unknown[]; rate: number }>(OPERATOR, 'parking.counts');
    expect(today.counts).toHaveLength(2);
    expect(today.rate).toBeCloseTo(45 / 50);
    expect(
      await refusal(OPERATOR, 'parking.record', { area: 'carpark-entrance', counted: 3, violations: 4 }),
    ).toBe('invalid_input');
    expect(await refusal(OPERATOR, 'parking.record', { area: 'nowhere', counted: 3, violations: 0 })).toBe(
      'invalid_input',
    );
    expect(
      await refusal(OPERATOR, 'parking.record', {
        area: 'gate-south',
        counted: 3,
        violations: 0,
        at: clock.now() + 3_600_000,
      }),
    ).toBe('invalid_input');

    // The reports' vehicles section: the same rate for the day, and per area.
    const report = await call<ReportView>(SUPERVISOR, 'reports.get', {
      period: { kind: 'day', day: '2026-11-24' },
    });
    const vehicles = report.sections.find((x) => x.id === 'vehicles')!;
    expect(vehicles.kpis.find((k) => k.id === 'parkingRate')).toMatchObject({ unit: 'percent', value: 0.9 });
    expect(vehicles.kpis.find((k) => k.id === 'parkingCounted')?.value).toBe(50);
    const byArea = vehicles.charts.find((c) => c.id === 'parkingByArea')!;
    expect(byArea.categories.map((c) => c.key)).toEqual(['carpark-entrance', 'gate-south']);
    expect(byArea.series[0]!.values).toEqual([38 / 40, 7 / 10]);
  });
});
