import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AlarmView,
  DueRoundView,
  DutyEntry,
  HandoverReportView,
  MaintenanceItemView,
  MethodName,
  Notice,
  OperatorView,
  RoundResultView,
  RoundRunView,
  RoundSummaryView,
  WorkOrderView,
} from '../../shared/contract';
import type { Desk } from '../../electron/desk';
import { ManualClock } from '../../electron/common/clock';
import { startMemoryCore } from '../support/core';
import { callAs, refusalOf } from '../support/router';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

/** 2026-12-01 10:00 in Shanghai (the demo site's zone): the day shift, 08:00–20:00. */
const START = Date.UTC(2026, 11, 1, 2, 0);
const HOUR = 3_600_000;
const LI: OperatorView = { id: 'op-li', name: '李明', role: 'operator' };
/** The smallest PNG there is, 1×1, padded past the snapshot check's 64 bytes by a text chunk. */
const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
  Buffer.from('1f15c4890000000d49444154789c6300010000050001', 'hex'),
  Buffer.from('0d0a2db40000001a74455874436f6d6d656e7400766964656f20726f756e64207374696c6c', 'hex'),
  Buffer.from('0000000049454e44ae426082', 'hex'),
]).toString('base64');

describe('facility rounds: the video round, inspections, due lists, missed rounds, overdue alarms', () => {
  let tmp: ReturnType<typeof tempDir>;
  let clock: ManualClock;
  let core: Desk;

  beforeEach(async () => {
    tmp = tempDir();
    clock = new ManualClock(START);
    core = await startMemoryCore(tmp.dir, clock);
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  const call = <T>(method: MethodName, input: unknown, who: OperatorView = LI) =>
    callAs<T>(core, who, method, input);
  const refusal = async (method: MethodName, input: unknown) =>
    (await refusalOf(core, LI, method, input))?.code;
  const due = async () => (await call<{ rounds: DueRoundView[] }>('rounds.due', {})).rounds;
  const duty = async (kind: string) =>
    (await call<{ entries: DutyEntry[] }>('duty.list', { filter: { kinds: [kind] } })).entries;
  const mark = (runId: string, input: Record<string, unknown>) =>
    call<RoundResultView>('rounds.mark', { runId, ...input });

  it('a video round: every camera marked, a problem with a still opens an order or a hazard in one step; recorded in the duty log', async () => {
    const video = (await due()).find((r) => r.roundId === 'video-all')!;
    expect(video).toMatchObject({
      kind: 'video',
      state: 'pending',
      subjects: 10,
      dueAt: Date.UTC(2026, 11, 1, 12),
    });
    const run = await call<RoundRunView>('rounds.start', { roundId: 'video-all' });
    expect(run.subjects.map((s) => s.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `cam-${String(i + 1).padStart(2, '0')}`),
    );
    // Starting again resumes the same round.
    expect((await call<RoundRunView>('rounds.start', { roundId: 'video-all' })).id).toBe(run.id);

    for (const s of run.subjects.slice(3)) await mark(run.id, { subjectId: s.id, result: 'normal' });
    const dirty = await mark(run.id, {
      subjectId: 'cam-01',
      result: 'problem',
      problem: 'dirty_lens',
      note: '镜头有水渍',
      png: PNG,
      open: 'order',
    });
    expect(dirty.orderNumber).toMatch(/^WO-\d{6}$/);
    expect(existsSync(join(tmp.dir, 'snapshots', dirty.snapshot!))).toBe(true);
    const seen = await mark(run.id, {
      subjectId: 'cam-02',
      result: 'problem',
      problem: 'something_seen',
      open: 'hazard',
    });
    expect(seen.hazardNumber).toMatch(/^HZ-\d{6}$/);
    // No picture to keep: the time and the camera are the reference.
    const dark = await mark(run.id, { subjectId: 'cam-03', result: 'problem', problem: 'no_picture' });
    expect(dark.snapshot).toBeUndefined();
    expect(dark.at).toBe(START);
    // A problem says what; a camera has no checklist items.
    expect(await refusal('rounds.mark', { runId: run.id, subjectId: 'cam-04', result: 'problem' })).toBe(
      'invalid_input',
    );
    expect(
      await refusal('rounds.mark', { runId: run.id, subjectId: 'cam-04', itemId: 'x', result: 'normal' }),
    ).toBe('invalid_input');

    const { orders } = await call<{ orders: WorkOrderView[] }>('workOrders.list', {});
    const order = orders.find((o) => o.number === dirty.orderNumber)!;
    expect(order.title).toContain('镜头脏污');
    expect(order.entryId).toBeDefined();

    clock.jump(10 * 60_000);
    const done = await call<RoundRunView>('rounds.finish', { runId: run.id });
    expect(done.finishedAt).toBe(START + 10 * 60_000);
    expect(await refusal('rounds.mark', { runId: run.id, subjectId: 'cam-04', result: 'normal' })).toBe(
      'conflict',
    );
    const lines = await duty('inspection');
    const summary = lines.find((l) => !l.cameraId)!;
    expect(summary.text).toMatch(
      /^视频巡查「全部摄像机视频巡查」完成：10 路，已查 10，异常 3（.+） · video round "Video round, all cameras" done: 10 cameras, 10 checked, 3 with problems \(.+\)$/,
    );
    expect(summary.operatorId).toBe(LI.id);
    expect(
      lines
        .filter((l) => l.cameraId)
        .map((l) => l.cameraId)
        .sort(),
    ).toEqual(['cam-01', 'cam-02', 'cam-03']);
    const [recent] = (await call<{ runs: RoundSummaryView[] }>('rounds.recent', {})).runs;
    expect(recent).toMatchObject({ id: run.id, by: '李明', subjects: 10, checked: 10, problems: 3 });
    expect((await due()).find((r) => r.roundId === 'video-all')).toMatchObject({
      state: 'done',
      doneAt: START + 10 * 60_000,
    });
  });

  it('an inspection: a reading out of range and a failed item open one work order for the entry', async () => {
    const fire = (await due()).find((r) => r.roundId === 'fire-shift')!;
    expect(fire).toMatchObject({ kind: 'inspection', state: 'pending' });
    const run = await call<RoundRunView>('rounds.start', { roundId: 'fire-shift' });
    const pump = run.subjects.find((s) => s.code === 'XFB-01')!;
    expect(pump.items.map((i) => i.id)).toEqual(['test_run', 'pressure']);
    const low = await mark(run.id, { subjectId: pump.id, itemId: 'pressure', value: 0.1 });
    expect(low).toMatchObject({ result: 'fail', value: 0.1 });
    expect(low.orderNumber).toMatch(/^WO-/);
    const again = await mark(run.id, {
      subjectId: pump.id,
      itemId: 'test_run',
      result: 'fail',
      note: '启动后异响',
    });
    expect(again.orderNumber).toBe(low.orderNumber);
    const ok = await mark(run.id, { subjectId: pump.id, itemId: 'pressure', value: 0.6 });
    expect(ok).toMatchObject({ result: 'pass' });
    expect(ok.orderNumber).toBeUndefined();
    expect(
      await refusal('rounds.mark', { runId: run.id, subjectId: pump.id, itemId: 'nope', result: 'pass' }),
    ).toBe('not_found');
    const { orders } = await call<{ orders: WorkOrderView[] }>('workOrders.list', {});
    expect(orders.filter((o) => o.entryId === pump.id)).toHaveLength(1);
  });

  it('a round not done by its due time is told once in the duty log and carried over at the handover', async () => {
    // 20:00 and a minute: the day shift's rounds are past.
    clock.jump(10 * HOUR + 60_000);
    clock.advance(30_000);
    await core.facilities.idle();
    await until('missed rounds told', async () => (await duty('round_missed')).length >= 3);
    expect(await core.facilities.rounds.checkMissed()).toBe(0);
    const missed = await duty('round_missed');
    // The daily round was due at 17:00, the shift's at 20:00; the monthly one's due time is over a day old.
    expect(missed.map((m) => m.text).sort()).toEqual([
      '巡检「公共设施每日巡检」未在 2026-12-01 17:00 前完成 · inspection "Daily round of public facilities" not done by 2026-12-01 17:00',
      '巡检「消防控制室每班防火巡查」未在 2026-12-01 20:00 前完成 · inspection "Fire-facility check, every shift" not done by 2026-12-01 20:00',
      '视频巡查「全部摄像机视频巡查」未在 2026-12-01 20:00 前完成 · video round "Video round, all cameras" not done by 2026-12-01 20:00',
    ]);
    const desk = core.openSession('memory', null);
    const value = async <T>(method: MethodName, input: unknown) => {
      const env = await core.router.call(method, input, desk);
      if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
      return env.value as T;
    };
    await value('auth.setup', { username: 'admin', name: '管理员', password: 'admin-pass-1' });
    await value('auth.login', { username: 'admin', password: 'admin-pass-1' });
    clock.jump(60_000);
    const fresh = await core.facilities.rounds.checkMissed();
    expect(fresh).toBe(0);
    // The shift opened at sign-in: lines told before it are the earlier shift's. Tell one in this shift.
    clock.jump(12 * HOUR);
    await core.facilities.rounds.checkMissed();
    const report = await value<HandoverReportView>('shift.report', {});
    const carried = report.items.filter((i) => i.kind === 'patrol');
    expect(carried.map((i) => i.label['zh-CN'])).toContain(
      '视频巡查「全部摄像机视频巡查」未在 2026-12-02 08:00 前完成',
    );
    expect(carried.map((i) => i.label.en)).toContain(
      'video round "Video round, all cameras" not done by 2026-12-02 08:00',
    );
  });

  it('an overdue work order raises exactly one alarm for the supervisor', async () => {
    const order = await call<WorkOrderView>('workOrders.open', {
      title: '消防泵房应急灯不亮',
      severity: 'urgent',
    });
    const overdue = async () =>
      (await call<{ alarms: AlarmView[] }>('alarms.open', {})).alarms.filter(
        (a) => a.type === 'facility_overdue',
      );
    clock.jump(4 * HOUR + 60_000);
    clock.advance(30_000);
    await core.facilities.idle();
    await until('overdue alarm', async () => (await overdue()).length === 1);
    clock.advance(30_000);
    await core.facilities.escalate();
    await core.facilities.idle();
    const alarms = await overdue();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.texts?.['zh-CN']).toContain(order.number);
    expect(alarms[0]!.priority).toBe(4);
  });

  it('the maintenance schedule: listed a day ahead, the supervisor reminded once, a visit moves it on', async () => {
    const reminders: Notice[] = [];
    core.bus.on('notice', (n) => {
      if (n.code === 'facilities-maintenance-due') reminders.push(n);
    });
    const items = async () => (await call<{ items: MaintenanceItemView[] }>('maintenance.due', {})).items;
    expect(await items()).toEqual([]);
    // The fire pump's 30 days from entering the ledger end on 31 December, 23:59 in Shanghai.
    clock.jump(Date.UTC(2026, 11, 31, 0) - START);
    clock.advance(30_000);
    await core.facilities.idle();
    const pump = (await items()).find((i) => i.code === 'XFB-01')!;
    expect(pump).toMatchObject({
      kind: 'fire_pump',
      everyDays: 30,
      dueAt: Date.UTC(2026, 11, 31, 15, 59),
      overdue: false,
    });
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.params).toMatchObject({ count: (await items()).length });
    expect(await core.facilities.maintenance.remind()).toBe(0);
    const after = await call<{ items: MaintenanceItemView[] }>('maintenance.done', {
      entryId: pump.entryId,
      note: '试运转正常',
    });
    expect(after.items.find((i) => i.code === 'XFB-01')).toBeUndefined();
    expect((await duty('maintenance')).map((l) => l.text)).toContain(
      'XFB-01 消防水泵（1号主泵） 已完成定期保养：试运转正常 · XFB-01 maintenance done',
    );
  });
});
