import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  FacilityView,
  HandoverReportView,
  HazardView,
  MethodName,
  Notice,
  OperatorView,
  WorkOrderView,
} from '../../shared/contract';
import type { Desk } from '../../electron/desk';
import { ManualClock } from '../../electron/common/clock';
import { orderOpen } from '../../shared/domain/facilities';
import { startMemoryCore } from '../support/core';
import { callAs, refusalOf } from '../support/router';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const START = Date.UTC(2026, 11, 1, 1, 0);
const HOUR = 3_600_000;
const LI: OperatorView = { id: 'op-li', name: '李明', role: 'operator' };
const WANG: OperatorView = { id: 'op-wang', name: '王芳', role: 'operator' };
const ZHAO: OperatorView = { id: 'sup-zhao', name: '赵主管', role: 'supervisor' };
const FITTER = { name: '张师傅', phone: '13800000011' };
const PUMP = 'demo-fire:2601:1:131073';

describe('facilities: ledger, work orders from device faults, hazards, deadlines, handover', () => {
  let tmp: ReturnType<typeof tempDir>;
  let clock: ManualClock;
  let core: Desk;
  let notices: Notice[];

  beforeEach(async () => {
    tmp = tempDir();
    clock = new ManualClock(START);
    core = await startMemoryCore(tmp.dir, clock);
    notices = [];
    core.bus.on('notice', (n) => notices.push(n));
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  const call = <T>(method: MethodName, input: unknown, who: OperatorView = LI) =>
    callAs<T>(core, who, method, input);
  const refusal = (method: MethodName, input: unknown, who: OperatorView) =>
    refusalOf(core, who, method, input);
  const orders = async () => (await call<{ orders: WorkOrderView[] }>('workOrders.list', {})).orders;
  const device = (state: 'ok' | 'fault' | 'offline') =>
    core.demoHub!.publish({
      kind: 'device',
      data: {
        deviceId: PUMP,
        kind: 'fire_component',
        state,
        zone: 'facility',
        label: '水泵房消火栓',
        texts: {
          'zh-CN': state === 'ok' ? '恢复正常' : '压力低',
          en: state === 'ok' ? 'normal' : 'low pressure',
        },
        at: clock.now(),
      },
    });

  it('seeds the ledger with the site cameras; a device the hub reports joins it with its live state', async () => {
    await device('ok');
    let entries = await until('device in the ledger', async () => {
      const { entries } = await call<{ entries: FacilityView[] }>('facilities.list', {});
      return entries.some((e) => e.deviceId === PUMP) && entries;
    });
    expect(entries.find((e) => e.deviceId === PUMP)!.availability24h).toBeNull();
    clock.jump(60_000);
    ({ entries } = await call<{ entries: FacilityView[] }>('facilities.list', {}));
    expect(entries.filter((e) => e.kind === 'camera' && e.origin === 'site')).toHaveLength(10);
    expect(entries.find((e) => e.deviceId === 'camera:cam-01')).toMatchObject({
      origin: 'site',
      code: 'cam-01',
    });
    expect(entries.find((e) => e.deviceId === PUMP)).toMatchObject({
      kind: 'fire_detector',
      origin: 'hub',
      name: '水泵房消火栓',
      zone: 'facility',
      live: { state: 'ok' },
      availability24h: 1,
    });
  });

  it('sends a known device’s new state to open pages as a delta, a new device as a reason to read the ledger again', async () => {
    const changes: Array<{
      what: string[];
      states?: Array<{ deviceId: string; state: string; text?: string }>;
    }> = [];
    core.bus.on('facilities.changed', (c) => changes.push(c));
    await device('ok');
    await until('the new entry told', () => changes.some((c) => c.what.includes('ledger')));
    changes.length = 0;
    await device('fault');
    // Gathered for a tenth of a second, then one event with the state as the row shows it, and no reload asked.
    await until('the fault committed', async () => {
      const { entries } = await call<{ entries: FacilityView[] }>('facilities.list', {});
      return entries.find((e) => e.deviceId === PUMP)?.live?.state === 'fault';
    });
    expect(changes.filter((c) => c.states)).toEqual([]);
    clock.advance(100);
    await until('the delta', () => changes.some((c) => c.states));
    expect(changes.filter((c) => c.what.includes('ledger'))).toEqual([]);
    expect(changes.find((c) => c.states)?.states).toEqual([
      { deviceId: PUMP, state: 'fault', at: clock.now() - 100, text: '压力低' },
    ]);
  });

  it('imports a ledger file whole or not at all; only a supervisor may', async () => {
    const file = (rows: string[]) => ({
      format: 'csv',
      data: Buffer.from(['编号,名称,类型,区域,维保人,维保电话', ...rows].join('\r\n')).toString('base64'),
    });
    const good = [
      'XF-101,1号楼灭火器A,灭火器,bldg-01,张师傅,13800000011',
      'XF-102,1号楼防火门,防火门,bldg-01,,',
    ];
    expect(await refusal('facilities.import', file(good), LI)).toMatchObject({ code: 'forbidden' });
    const bad = await call<{ imported: number; preview: { invalid: number } }>(
      'facilities.import',
      file([...good, 'XF-103,坏行,飞船,,,']),
      ZHAO,
    );
    expect(bad).toMatchObject({ imported: 0, preview: { invalid: 1 } });
    expect(
      await core.db('facilities').whereIn('code', ['XF-101', 'XF-102']).count({ n: '*' }).first(),
    ).toEqual({
      n: 0,
    });
    expect(await call('facilities.import', file(good), ZHAO)).toMatchObject({ imported: 2 });
    const { entries, maintainers } = await call<{ entries: FacilityView[]; maintainers: unknown[] }>(
      'facilities.list',
      {},
    );
    expect(entries.find((e) => e.code === 'XF-101')).toMatchObject({
      kind: 'extinguisher',
      origin: 'import',
      maintainer: FITTER,
      inspectEveryDays: 30,
      maintainEveryDays: 365,
      availability24h: null,
    });
    expect(maintainers).toContainEqual(FITTER);
  });

  it('a device fault through the real alarm intake opens exactly one order; its recovery offers to close it', async () => {
    await device('fault');
    // Orders follow fault alarms once they settle (half a second on the console's clock): idle() settles them now.
    const [order, ...more] = await until('order opened', async () => {
      await core.facilities.idle();
      const list = await orders();
      return list.length > 0 && list;
    });
    expect(more).toEqual([]);
    expect(order).toMatchObject({
      number: 'WO-000001',
      source: 'device',
      deviceId: PUMP,
      severity: 'high',
      state: 'open',
      zone: 'facility',
      dueAt: START + 24 * HOUR,
    });
    expect(order!.title).toContain('水泵房消火栓');
    const alarm = (await core.alarms.openAlarms()).find((a) => a.deviceId === PUMP)!;
    expect(alarm.type).toBe('fire_facility_fault');
    expect(order!.alarmId).toBe(alarm.id);

    // The same fault again, offline, an operator's 报修 from the alarm: still the one order.
    clock.advance(60_000);
    await device('offline');
    await until(
      'offline recorded',
      async () => await core.db('facility_states').where({ device_id: PUMP, state: 'offline' }).first(),
    );
    await core.facilities.idle();
    const fromAlarm = await call<WorkOrderView>('workOrders.fromAlarm', { alarmId: alarm.id });
    expect(fromAlarm.id).toBe(order!.id);
    expect(await orders()).toHaveLength(1);

    clock.advance(60_000);
    await device('ok');
    const recovered = await until('offered to close', async () => {
      await core.facilities.idle();
      const [o] = await orders();
      return o?.recoveredAt !== undefined && o;
    });
    // An offer: the order stays open until someone closes it.
    expect(recovered).toMatchObject({ state: 'open', recoveredAt: clock.now() });
    expect(recovered.timeline.map((t) => t.action)).toEqual(['opened', 'recovered']);
    const duty = (await core.db('duty_log').where({ kind: 'work_order' }).orderBy('id')) as Array<{
      text: string;
    }>;
    expect(duty.map((d) => d.text)).toEqual([
      expect.stringMatching(/^报修工单 WO-000001 已开立：.+ · work order WO-000001 opened: /),
      '报修工单 WO-000001 的设备已恢复，可结单 · work order WO-000001: the device recovered, it may be closed',
    ]);
    const { entries } = await call<{ entries: FacilityView[] }>('facilities.list', {});
    const pump = entries.find((e) => e.deviceId === PUMP)!;
    expect(pump.live?.state).toBe('ok');
    // Faulted for 2 of the 2 minutes known of it.
    expect(pump.availability24h).toBe(0);
    // The ledger's order column: the open order the orders list links to the pump's entry.
    expect(
      (await orders()).filter((o) => o.entryId === pump.id && orderOpen(o.state)).map((o) => o.id),
    ).toEqual([order!.id]);
  });

  it('moves an order through its states; whoever marked it done may not verify it; every move audited', async () => {
    const order = await call<WorkOrderView>('workOrders.open', {
      title: '2号楼门禁读卡器失灵',
      severity: 'normal',
    });
    const move = (action: string, who: OperatorView, more: object = {}) =>
      call<WorkOrderView>('workOrders.act', { id: order.id, action, ...more }, who);
    expect(await refusal('workOrders.act', { id: order.id, action: 'start' }, LI)).toMatchObject({
      code: 'conflict',
    });
    expect((await move('assign', LI, { assignee: FITTER })).assignee).toEqual(FITTER);
    expect((await move('start', LI)).state).toBe('in_progress');
    expect((await move('done', LI, { note: '更换读卡器' })).state).toBe('done');
    expect(await refusal('workOrders.act', { id: order.id, action: 'verify' }, LI)).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('a supervisor or a second operator verifies it'),
    });
    const verified = await move('verify', WANG);
    expect(verified).toMatchObject({ state: 'verified', doneBy: '李明', verifiedBy: '王芳' });
    expect(verified.timeline.map((t) => [t.action, t.by])).toEqual([
      ['opened', '李明'],
      ['assign', '李明'],
      ['start', '李明'],
      ['done', '李明'],
      ['verify', '王芳'],
    ]);
    const audit = (await core
      .db('audit_log')
      .where('action', 'like', 'workOrder.%')
      .orderBy('seq')) as Array<{
      action: string;
    }>;
    expect(audit.map((a) => a.action)).toEqual([
      'workOrder.opened',
      'workOrder.assign',
      'workOrder.start',
      'workOrder.done',
      'workOrder.verify',
    ]);
    // Refusing needs a reason.
    const other = await call<WorkOrderView>('workOrders.open', { title: '路灯不亮', severity: 'low' });
    expect(await refusal('workOrders.act', { id: other.id, action: 'refuse' }, LI)).toMatchObject({
      code: 'invalid_input',
    });
    expect(
      (await call<WorkOrderView>('workOrders.act', { id: other.id, action: 'refuse', note: '重复报修' }))
        .refusedReason,
    ).toBe('重复报修');
  });

  it('an overdue order and an overdue hazard are told to the supervisor once, in simulated time', async () => {
    const order = await call<WorkOrderView>('workOrders.open', {
      title: '消防泵房应急灯不亮',
      severity: 'urgent',
    });
    expect(order.dueAt).toBe(START + 4 * HOUR);
    const hazard = await call<HazardView>('hazards.report', {
      category: 'fire',
      severity: 'high',
      source: 'patrol',
      description: '3号楼消防通道堆放杂物',
      zone: 'bldg-03',
    });
    await call('hazards.act', {
      id: hazard.id,
      action: 'plan',
      plan: '通知业主清理，物业协助搬离',
      owner: { name: '陈管家', phone: '13800000012' },
      deadline: START + 2 * HOUR,
    });
    // The wall clock moves on (jump), the deadline check runs every 30 s (advance).
    const later = async (ms: number) => {
      clock.jump(ms - 30_000);
      clock.advance(30_000);
      await core.facilities.idle();
    };
    await later(HOUR);
    expect(notices.filter((n) => n.code.startsWith('facilities-'))).toEqual([]);
    await later(HOUR + 60_000);
    await until('hazard escalated', async () => notices.some((n) => n.code === 'facilities-hazard-overdue'));
    await later(2 * HOUR);
    await until('order escalated', async () => notices.some((n) => n.code === 'facilities-order-overdue'));
    await later(5 * HOUR);
    await core.facilities.escalate();
    const told = notices.filter((n) => n.code.startsWith('facilities-'));
    expect(told.map((n) => [n.code, n.params])).toEqual([
      ['facilities-hazard-overdue', { number: 'HZ-000001', title: '3号楼消防通道堆放杂物' }],
      ['facilities-order-overdue', { number: 'WO-000001', title: '消防泵房应急灯不亮' }],
    ]);
    expect(told[1]!.message).toBe('报修工单 WO-000001（消防泵房应急灯不亮）已超过处理时限，请值班主管督办。');
    const [o] = await orders();
    expect(o!.escalatedAt).toBeGreaterThan(o!.dueAt);
    expect(o!.timeline.filter((t) => t.action === 'escalated')).toHaveLength(1);
  });

  it('a hazard: plan with owner and deadline, rectified, verified by a second person, closed; the rate counts it', async () => {
    const hazard = await call<HazardView>('hazards.report', {
      category: 'facility',
      severity: 'normal',
      source: 'inspection',
      description: '中心花园路灯灯杆锈蚀',
      zone: 'garden-central',
    });
    expect(hazard).toMatchObject({ number: 'HZ-000001', state: 'open', foundBy: '李明' });
    const act = (action: string, who: OperatorView, more: object = {}) =>
      call<HazardView>('hazards.act', { id: hazard.id, action, ...more }, who);
    expect(await refusal('hazards.act', { id: hazard.id, action: 'rectified' }, LI)).toMatchObject({
      code: 'conflict',
    });
    expect(
      await refusal('hazards.act', { id: hazard.id, action: 'plan', plan: '更换灯杆' }, LI),
    ).toMatchObject({ code: 'invalid_input' });
    await act('plan', LI, { plan: '除锈刷漆，必要时更换', owner: FITTER, deadline: START + 48 * HOUR });
    await act('note', WANG, { note: '已联系维保单位，明日上午施工' });
    clock.jump(20 * HOUR);
    expect((await act('rectified', LI)).state).toBe('rectified');
    expect(await refusal('hazards.act', { id: hazard.id, action: 'verify' }, LI)).toMatchObject({
      code: 'forbidden',
    });
    const back = await act('reject', ZHAO, { note: '底漆未干透' });
    expect(back).toMatchObject({ state: 'rectifying' });
    expect(back.rectifiedAt).toBeUndefined();
    clock.jump(4 * HOUR);
    await act('rectified', LI);
    const closed = await act('verify', WANG);
    expect(closed).toMatchObject({ state: 'closed', verifiedBy: '王芳', closedAt: clock.now() });
    expect(closed.timeline.map((t) => t.action)).toEqual([
      'reported',
      'plan',
      'note',
      'rectified',
      'reject',
      'rectified',
      'verify',
    ]);
    await call('hazards.report', {
      category: 'traffic',
      severity: 'low',
      source: 'manual',
      description: '北门减速带松动',
    });
    expect(await call('hazards.rate', { from: START, to: START + 30 * 24 * HOUR })).toEqual({
      found: 2,
      rectifiedOnTime: 1,
      rate: 0.5,
    });
  });

  it('carries unfinished orders and open hazards over at the handover', async () => {
    const desk = core.openSession('memory', null);
    const value = async <T>(method: MethodName, input: unknown) => {
      const env = await core.router.call(method, input, desk);
      if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
      return env.value as T;
    };
    await value('auth.setup', { username: 'admin', name: '管理员', password: 'admin-pass-1' });
    await value('auth.login', { username: 'admin', password: 'admin-pass-1' });
    const order = await value<WorkOrderView>('workOrders.open', {
      title: '南门道闸抬杆卡滞',
      severity: 'high',
    });
    const done = await call<WorkOrderView>('workOrders.open', { title: '已修好的灯', severity: 'low' });
    await call('workOrders.act', { id: done.id, action: 'done' });
    await call('workOrders.act', { id: done.id, action: 'verify' }, WANG);
    const hazard = await call<HazardView>('hazards.report', {
      category: 'security',
      severity: 'normal',
      source: 'patrol',
      description: '周界围墙东侧护栏缺口',
      zone: 'perimeter',
    });
    const report = await value<HandoverReportView>('shift.report', {});
    const work = report.items.filter((i) => i.kind === 'work_order' || i.kind === 'hazard');
    expect(work.map((i) => i.key)).toEqual([`work_order:${order.id}`, `hazard:${hazard.id}`]);
    expect(work[0]!.label).toEqual({
      'zh-CN': 'WO-000001 · 南门道闸抬杆卡滞 · 待派单',
      en: 'WO-000001 · 南门道闸抬杆卡滞 · Open',
    });
    expect(work[1]!.label).toEqual({
      'zh-CN': 'HZ-000001 · 周界围墙东侧护栏缺口 · 周界围墙 · 待整改',
      en: 'HZ-000001 · Security · Perimeter Wall · Open',
    });

    // The incoming operator must acknowledge them: without, the seal is refused; with, the shift is sealed.
    await value('operators.save', {
      username: 'wang',
      name: '王芳',
      role: 'operator',
      password: 'wang-pass-1',
    });
    const handover = (acknowledged: string[]) =>
      core.router.call(
        'shift.handover',
        {
          outgoing: { username: 'admin', password: 'admin-pass-1' },
          incoming: { username: 'wang', password: 'wang-pass-1' },
          acknowledged,
        },
        desk,
      );
    const all = report.items.map((i) => i.key);
    const refused = await handover(all.filter((k) => !k.startsWith('work_order:')));
    expect(refused.ok).toBe(false);
    const sealed = await handover(all);
    expect(sealed.ok, sealed.ok ? '' : sealed.error.message).toBe(true);
  });
});
