import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  DrillRuleView,
  DrillView,
  HandoverReportView,
  MethodName,
  Notice,
  OperatorView,
} from '../../shared/contract';
import type { Desk } from '../../electron/desk';
import { ManualClock } from '../../electron/common/clock';
import { startCore } from '../support/core';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

/** 2026-12-01 10:00 in Shanghai (the demo site's zone). */
const START = Date.UTC(2026, 11, 1, 2, 0);
const MINUTE = 60_000;
/** A Shanghai local time as an instant (UTC+8). */
const sh = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h - 8, min);
const WANG: OperatorView = { id: 'op-wang', name: '王主管', role: 'supervisor' };

describe('the recurring drill schedule: drills generated a week ahead, reminded a day ahead, in the handover', () => {
  let tmp: ReturnType<typeof tempDir>;
  let clock: ManualClock;
  let core: Desk;

  beforeEach(async () => {
    tmp = tempDir();
    clock = new ManualClock(START);
    core = await startCore(tmp.dir, {
      dbFile: ':memory:',
      clock,
      backups: { enabled: false },
      duty: { hashParams: { N: 1024, r: 8, p: 1 } },
    });
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  const call = async <T>(method: MethodName, input: unknown, who: OperatorView = WANG): Promise<T> => {
    const env = await core.router.call(method, input, core.openSession('memory', who));
    if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
    return env.value as T;
  };
  const drills = async () =>
    (await call<{ drills: DrillView[] }>('drills.list', {})).drills.filter((d) => d.state === 'scheduled');
  const notices = async () =>
    (await call<{ notices: Notice[] }>('notices.recent', {})).notices.filter((n) => n.code === 'drills-due');
  /** Steps the wall clock to ten minutes before `instant`, then lets ten minutes pass (the check runs at it). */
  const at = (instant: number) => {
    clock.jump(instant - 10 * MINUTE - clock.now());
    clock.advance(10 * MINUTE);
  };

  it('a monthly drill on the 31st: scheduled a week ahead at each month end, once, reminded once a day ahead', async () => {
    // The first administrator's sign-in opens the shift whose handover lists the drill.
    const setup = await core.router.call(
      'auth.setup',
      { username: 'admin', name: '管理员', password: 'admin-pass-1' },
      core.openSession('memory', null),
    );
    expect(setup.ok).toBe(true);
    const { rules } = await call<{ rules: DrillRuleView[] }>('drills.saveRule', {
      playbookId: 'fire',
      title: '月度消防疏散演练',
      zone: 'bldg-01',
      participants: ['张伟', '李强'],
      recurrence: { every: 'month', monthDay: 31, at: '14:30' },
    });
    expect(rules).toHaveLength(1);
    expect(rules[0]!.nextDueAt).toBe(sh(2026, 12, 31, 14, 30));
    // More than a week away: nothing scheduled yet.
    expect(await drills()).toEqual([]);

    at(sh(2026, 12, 24, 14, 30)); // exactly a week ahead
    await until('the December drill', async () => (await drills()).length === 1);
    const [december] = await drills();
    expect(december).toMatchObject({
      title: '月度消防疏散演练',
      scheduledAt: sh(2026, 12, 31, 14, 30),
      zone: 'bldg-01',
      participants: ['张伟', '李强'],
      createdBy: 'system',
    });
    // Checks again and again: still one.
    at(sh(2026, 12, 25, 9));
    expect(await drills()).toHaveLength(1);
    expect((await call<{ rules: DrillRuleView[] }>('drills.rules', {})).rules[0]!.nextDueAt).toBe(
      sh(2027, 1, 31, 14, 30),
    );

    // A day ahead: one reminder, and the handover lists it for the next shift.
    at(sh(2026, 12, 30, 14, 20));
    expect(await notices()).toEqual([]);
    at(sh(2026, 12, 30, 14, 30));
    await until('the reminder', async () => (await notices()).length === 1);
    expect((await notices())[0]!.params).toMatchObject({ count: 1, titles: '月度消防疏散演练' });
    const report = await call<HandoverReportView>('shift.report', {});
    expect(report.items.filter((i) => i.kind === 'drill').map((i) => i.key)).toEqual([
      `drill:${december!.id}`,
    ]);
    at(sh(2026, 12, 31, 9));
    expect(await notices()).toHaveLength(1);

    // January's month end, then February's (the 28th: February has no 31st).
    at(sh(2027, 1, 24, 15));
    await until('the January drill', async () => (await drills()).length === 2);
    at(sh(2027, 2, 21, 15));
    await until('the February drill', async () => (await drills()).length === 3);
    expect((await drills()).map((d) => d.scheduledAt).sort()).toEqual([
      sh(2026, 12, 31, 14, 30),
      sh(2027, 1, 31, 14, 30),
      sh(2027, 2, 28, 14, 30),
    ]);
    // Many steps of the clock, each a tick of every feature's timers: slow on a shared machine.
  }, 240_000);

  it('is kept by a supervisor: an operator cannot add one, and a removed rule schedules no more', async () => {
    const refused = await core.router.call(
      'drills.saveRule',
      { playbookId: 'fire', title: '季度演练', recurrence: { every: 'quarter', monthDay: 1, at: '09:00' } },
      core.openSession('memory', { id: 'op-li', name: '李明', role: 'operator' }),
    );
    expect(refused.ok ? undefined : refused.error.code).toBe('forbidden');
    const { rules } = await call<{ rules: DrillRuleView[] }>('drills.saveRule', {
      playbookId: 'fire',
      title: '季度消防演练',
      recurrence: { every: 'quarter', monthDay: 1, at: '09:00', quarterMonth: 1 },
    });
    expect(rules[0]!.nextDueAt).toBe(sh(2027, 1, 1, 9));
    expect((await call<{ rules: DrillRuleView[] }>('drills.removeRule', { id: rules[0]!.id })).rules).toEqual(
      [],
    );
    at(sh(2026, 12, 28, 9));
    expect(await drills()).toEqual([]);
    // A playbook that does not exist is refused before anything is stored.
    await expect(
      call('drills.saveRule', {
        playbookId: 'no-such-playbook',
        title: '无效',
        recurrence: { every: 'month', monthDay: 1, at: '09:00' },
      }),
    ).rejects.toThrow(/not_found|invalid_input/);
  });
});
