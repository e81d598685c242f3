/**
 * No-parking violations end to end (issue 17, second slice), on the demo site's areas (a fire lane with 5 minutes,
 * a crosswalk with the site's 15, an emergency lane with its own 10) and a console linked to a real site hub on
 * loopback, in simulated time: one walked to towing after a refusal, one resolved by phone, one gone overdue; the
 * fire-lane alarm opening exactly one violation however often it is seen; repeat offenders listed and flagged at
 * the gate when they arrive; standing violations carried over at handover with the shift's vehicle counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DutyEntry,
  GateDesk,
  GateReadView,
  HandoverReportView,
  HubVehicleRead,
  OperatorView,
  RepeatOffender,
  ViolationView,
} from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { ManualClock } from '../../electron/common/clock';
import { violationTimeliness } from '../../electron/core/vehicles/figures';
import type { SiteHub } from '../../electron/hub/server';
import { hubAlarm, startLinkedConsole, startSiteHub } from '../support/hub';
import { callAs, refusalOf } from '../support/router';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const OPERATOR: OperatorView = { id: 'op-li', name: '李明', role: 'operator' };
const SUPERVISOR: OperatorView = { id: 'sup-wang', name: '王主管', role: 'supervisor' };
/** 10:00 in Hangzhou on 2026-11-24. */
const START = Date.UTC(2026, 10, 24, 2, 0);
const MIN = 60_000;
const FIRE_LANE = 'np-fire-lane-west';
const CROSSWALK = 'np-crosswalk-south';
const EMERGENCY = 'np-emergency-north';

describe('no-parking violations through the real hub link', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: SiteHub;
  let core: ConsoleCore;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    tmp = tempDir();
    hub = await startSiteHub(tmp.dir, 'np-token');
    core = await startLinkedConsole(tmp.dir, { url: hub.url, token: 'np-token' }, 'np-console', {
      clock,
      backups: { enabled: false },
    });
    for (const [plate, owner, phone] of [
      ['浙A11111', '王伟', '13800000001'],
      ['浙A22222', '李芳', '13800000002'],
    ] as const)
      await call(SUPERVISOR, 'vehicles.save', {
        plate,
        owner,
        building: '1栋',
        room: '101',
        phones: [phone],
        permit: { kind: 'monthly', validFrom: '2026-01-01', validTo: '2026-12-31' },
      });
  });
  afterAll(async () => {
    await core.stop();
    await hub.stop();
    tmp.cleanup();
  });

  const call = <T>(as: OperatorView, method: string, input: unknown = {}) =>
    callAs<T>(core, as, method, input);
  const refusal = async (method: string, input: unknown) =>
    (await refusalOf(core, OPERATOR, method, input))?.code ?? 'ok';
  const list = () =>
    call<{ violations: ViolationView[]; offenders: RepeatOffender[] }>(OPERATOR, 'violations.list');
  const log = async (kind: string) =>
    (await call<{ entries: DutyEntry[] }>(OPERATOR, 'duty.list', { filter: { kinds: [kind] } })).entries.map(
      (e) => e.text,
    );

  it('walks a refused owner to towing: each step timed, logged as calls and violations, audited', async () => {
    const v = await call<ViolationView>(OPERATOR, 'violations.open', {
      plate: '浙A11111',
      area: FIRE_LANE,
      foundBy: '保安 张强',
    });
    expect(v).toMatchObject({
      number: 'WT-000001',
      kind: 'fire_lane',
      source: 'guard',
      state: 'open',
      deadlineAt: START + 5 * MIN,
      vehicle: { owner: '王伟', phones: ['13800000001'] },
      snapshot: { camera: 'cam-06', at: START },
      offences: 1,
    });
    // The plan: phone first. Towing before a refusal or the deadline is refused.
    expect(await refusal('violations.escalate', { id: v.id })).toBe('conflict');
    expect(await refusal('violations.close', { id: v.id, outcome: 'towed' })).toBe('conflict');
    clock.advance(MIN);
    await call(OPERATOR, 'violations.call', { id: v.id, result: 'refused', note: '说马上下来但不挪' });
    clock.advance(MIN);
    expect(await call(OPERATOR, 'violations.escalate', { id: v.id })).toMatchObject({ state: 'escalated' });
    clock.advance(20 * 1000);
    const closed = await call<ViolationView>(OPERATOR, 'violations.close', { id: v.id, outcome: 'towed' });
    expect(closed).toMatchObject({ state: 'closed', outcome: 'towed', closedAt: START + 2 * MIN + 20_000 });
    expect(closed.steps.map((s) => [s.kind, s.result ?? '', s.at - START])).toEqual([
      ['found', 'guard', 0],
      ['call', 'refused', MIN],
      ['escalated', '', 2 * MIN],
      ['closed', 'towed', 2 * MIN + 20_000],
    ]);
    expect(closed.steps[1]).toMatchObject({ by: '李明', note: '说马上下来但不挪' });
    expect(await refusal('violations.call', { id: v.id, result: 'promised' })).toBe('conflict');
    expect(await log('call')).toEqual([
      expect.stringContaining(
        'WT-000001 浙A11111 消防通道（西侧消防通道）致电车主 王伟 13800000001：车主拒绝挪车',
      ),
    ]);
    const lines = await log('violation');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringContaining('限 5 分钟内处置'),
        expect.stringContaining('车主拒绝，报警并联系拖车'),
        expect.stringContaining('已拖移，用时 2 分钟'),
      ]),
    );
    const audit = (await core.db('audit_log').where({ target: v.id }).orderBy('seq').select('action')) as {
      action: string;
    }[];
    expect(audit.map((a) => a.action)).toEqual([
      'violations.open',
      'violations.call',
      'violations.escalate',
      'violations.close',
    ]);
    // Towing started within the 5 minutes: in time.
    expect(
      violationTimeliness([{ ...closedFact(closed), escalatedAt: START + 2 * MIN }], clock.now()),
    ).toEqual({
      counted: 1,
      inTime: 1,
      rate: 1,
    });
  });

  it('resolves one by phone: the owner promises, moves the car, and it closes as moved', async () => {
    const v = await call<ViolationView>(OPERATOR, 'violations.open', { plate: '浙A22222', area: CROSSWALK });
    expect(v).toMatchObject({ source: 'operator', foundBy: '李明', deadlineAt: clock.now() + 15 * MIN });
    await call(OPERATOR, 'violations.call', { id: v.id, result: 'no_answer' });
    expect((await list()).violations.find((x) => x.id === v.id)).toMatchObject({ state: 'open' });
    clock.advance(MIN);
    expect(await call(OPERATOR, 'violations.call', { id: v.id, result: 'promised' })).toMatchObject({
      state: 'notified',
    });
    clock.advance(3 * MIN);
    const closed = await call<ViolationView>(OPERATOR, 'violations.close', { id: v.id, outcome: 'moved' });
    expect(closed.steps.map((s) => s.kind)).toEqual(['found', 'call', 'call', 'closed']);
    expect(closed.overdue).toBe(false);
    expect(violationTimeliness([closedFact(closed)], clock.now()).inTime).toBe(1);
  });

  it('the fire-lane alarm opens exactly one violation, however often it is seen; its plate is set later', async () => {
    const before = (await list()).violations.length;
    await hub.publish(hubAlarm('fl-1', 'fire_lane_parking', clock.now()));
    await hub.publish(hubAlarm('fl-1', 'fire_lane_parking', clock.now()));
    const opened = await until('the violation from the alarm', async () => {
      const all = (await list()).violations.filter((v) => v.source === 'alarm');
      return all.length > 0 && all;
    });
    // A door alarm opens nothing; the same alarm seen again is not a second violation.
    await hub.publish(hubAlarm('door-1', 'door_held', clock.now()));
    const alarms = await core.db('alarms').where({ type: 'fire_lane_parking' });
    await until('both hub events applied', async () =>
      (await core.db('alarms').where({ type: 'door_held' }).first()) ? true : false,
    );
    expect(alarms).toHaveLength(1);
    expect(opened).toHaveLength(1);
    expect((await list()).violations).toHaveLength(before + 1);
    expect(await core.db('violations').where({ source: 'alarm' }).count({ n: '*' }).first()).toEqual({
      n: 1,
    });
    // No zone named the area: the hub alarm's building zone holds no area, so the site's fire lane is taken.
    expect(opened[0]).toMatchObject({
      plate: '',
      kind: 'fire_lane',
      area: FIRE_LANE,
      alarmId: (alarms[0] as { id: string }).id,
    });
    const set = await call<ViolationView>(OPERATOR, 'violations.setPlate', {
      id: opened[0]!.id,
      plate: '浙a11111',
    });
    expect(set).toMatchObject({ plate: '浙A11111', vehicle: { owner: '王伟' }, offences: 2 });
  });

  it('lists repeat offenders per plate and flags one at the gate when it arrives', async () => {
    const { offenders } = await list();
    expect(offenders).toEqual([
      expect.objectContaining({ plate: '浙A11111', count: 2, lastArea: FIRE_LANE, owner: '王伟' }),
    ]);
    await hub.publish({
      kind: 'vehicle',
      data: {
        readId: 'np-r1',
        gateId: 'gate-south',
        direction: 'in',
        plate: '浙A11111',
        confidence: 0.95,
        at: clock.now(),
      } satisfies HubVehicleRead,
    });
    const read = await until('the read at the gate', async () => {
      const d = await call<GateDesk>(OPERATOR, 'gates.desk');
      return d.gates.flatMap((g) => g.reads).find((r: GateReadView) => r.readId === 'np-r1');
    });
    expect(read).toMatchObject({ match: 'resident', barrier: 'opened', offences: 2 });
    expect(await log('gate')).toEqual([
      expect.stringContaining('多次违停车辆 浙A11111（2 次）到达南门车行道'),
    ]);
    // A false report is nobody's offence.
    const open = (await list()).violations.find((v) => v.source === 'alarm')!;
    await call(OPERATOR, 'violations.close', { id: open.id, outcome: 'false' });
    expect((await list()).offenders).toEqual([]);
  });

  it('carries standing violations over at handover, with the vehicles inside and the shift counts', async () => {
    // Signing in opens the shift: what is counted is since then (the earlier violations are a minute older).
    clock.advance(MIN);
    const desk = core.openSession('memory', null);
    const value = async <T>(method: string, input: unknown) => {
      const env = (await core.router.call(method, input, desk)) as
        { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
      if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
      return env.value;
    };
    await value('auth.setup', { username: 'admin', name: '管理员', password: 'admin-pass-1' });
    await value('auth.login', { username: 'admin', password: 'admin-pass-1' });
    const v = await value<ViolationView>('violations.open', { plate: '', area: EMERGENCY });
    const report = await value<HandoverReportView>('shift.report', {});
    const item = report.items.find((i) => i.key === `violation:${v.id}`);
    expect(item).toMatchObject({ kind: 'violation', number: v.number, areaKind: 'emergency_lane' });
    expect(item!.label['zh-CN']).toBe(`${v.number} · 车牌未知 · 应急车道 · 北门应急车道 · 待通知`);
    expect(item!.label.en).toBe(
      `${v.number} · Plate unknown · Emergency lane · North Gate Emergency Lane · To notify`,
    );
    expect(report.stats.vehicles).toEqual({ inside: 1, gateDecisions: 0, overstays: 0, violationsFound: 1 });
    // Closed ones are not carried over.
    expect(report.items.filter((i) => i.kind === 'violation')).toHaveLength(1);
  });

  // Last: simulated minutes in a blink make the hub link time out.
  it('marks a violation overdue once past its deadline; towing may then start without a refusal', async () => {
    const v = (await list()).violations.find((x) => x.area === EMERGENCY && x.state !== 'closed')!;
    expect(v.deadlineAt - v.foundAt).toBe(10 * MIN);
    // With no plate there is no owner to phone: towing may be asked for at once.
    expect(await refusal('violations.escalate', { id: v.id })).toBe('ok');
    const other = await call<ViolationView>(OPERATOR, 'violations.open', {
      plate: '浙A22222',
      area: FIRE_LANE,
    });
    expect(await refusal('violations.escalate', { id: other.id })).toBe('conflict');
    clock.advance(5 * MIN);
    const overdue = await until('the overdue mark', async () => {
      clock.advance(30_000);
      const x = (await list()).violations.find((y) => y.id === other.id);
      return x?.steps.some((s) => s.kind === 'overdue') && x;
    });
    expect(overdue.overdue).toBe(true);
    expect(overdue.steps.filter((s) => s.kind === 'overdue')).toHaveLength(1);
    expect(await log('violation')).toEqual(
      expect.arrayContaining([expect.stringContaining('浙A22222 消防通道（西侧消防通道）已超过处置时限')]),
    );
    expect(await call(OPERATOR, 'violations.escalate', { id: other.id })).toMatchObject({
      state: 'escalated',
    });
    expect(violationTimeliness([closedFact(overdue)], clock.now())).toMatchObject({ counted: 1, inTime: 0 });
  });
});

function closedFact(v: ViolationView) {
  const escalated = v.steps.find((s) => s.kind === 'escalated');
  return {
    foundAt: v.foundAt,
    deadlineAt: v.deadlineAt,
    area: v.area,
    kind: v.kind,
    ...(escalated ? { escalatedAt: escalated.at } : {}),
    ...(v.closedAt !== undefined ? { closedAt: v.closedAt } : {}),
    ...(v.outcome ? { outcome: v.outcome } : {}),
  };
}
