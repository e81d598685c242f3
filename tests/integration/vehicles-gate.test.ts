/**
 * The gate desk end to end (issue 17): plate reads published into a real site hub on loopback reach the console
 * through its hub link as protocol-5 `vehicle` events, are matched against records a supervisor imported (resident,
 * expired, blacklisted, unknown, a look-alike) and a visitor the operator expected; the operator's decisions are
 * logged, audited and reach the hub as `gate.barrier` actions; a visitor past the limit raises one alarm (simulated
 * time); entries and exits pair into the count inside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AlarmView,
  DutyEntry,
  GateDesk,
  GateReadView,
  HubVehicleRead,
  OperatorView,
} from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { ManualClock } from '../../electron/common/clock';
import type { SiteHub } from '../../electron/hub/server';
import { startLinkedConsole, startSiteHub } from '../support/hub';
import { callAs, refusalOf } from '../support/router';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const OPERATOR: OperatorView = { id: 'op-li', name: '李明', role: 'operator' };
const SUPERVISOR: OperatorView = { id: 'sup-wang', name: '王主管', role: 'supervisor' };
/** 10:00 in Hangzhou on 2026-11-24. */
const START = Date.UTC(2026, 10, 24, 2, 0);
const MIN = 60_000;

const CSV = [
  '车牌号,车主,楼栋,房号,电话,凭证类型,有效期起,有效期止,黑名单',
  '浙A11111,王伟,1栋,101,13800000001,月租,2026-01-01,2026-12-31,',
  '浙A22222,李芳,2栋,202,13800000002,月租,2026-01-01,2026-10-31,',
  '浙A33333,张敏,3栋,303,13800000003,产权车位,2026-01-01,2027-12-31,是',
  '浙A4444,赵强,4栋,404,13800000004,,,,',
].join('\n');
const csvFile = { name: 'residents.csv', format: 'csv', base64: Buffer.from(CSV).toString('base64') };

describe('gate desk through the real hub link', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: SiteHub;
  let core: ConsoleCore;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    tmp = tempDir();
    hub = await startSiteHub(tmp.dir, 'gate-token');
    core = await startLinkedConsole(tmp.dir, { url: hub.url, token: 'gate-token' }, 'gate-console', {
      clock,
      backups: { enabled: false },
    });
  });
  afterAll(async () => {
    await core.stop();
    await hub.stop();
    tmp.cleanup();
  });

  const call = <T>(as: OperatorView, method: string, input: unknown = {}) =>
    callAs<T>(core, as, method, input);
  const refusal = async (as: OperatorView, method: string, input: unknown) =>
    (await refusalOf(core, as, method, input))?.code ?? 'ok';
  const read = (readId: string, plate: string, direction: 'in' | 'out' = 'in'): Promise<unknown> =>
    hub.publish({
      kind: 'vehicle',
      data: {
        readId,
        gateId: 'gate-south',
        direction,
        plate,
        confidence: 0.93,
        at: clock.now(),
      } satisfies HubVehicleRead,
    });
  const desk = () => call<GateDesk>(OPERATOR, 'gates.desk');
  const stored = async (readId: string): Promise<GateReadView> =>
    until(`read ${readId}`, async () => {
      const d = await desk();
      return [...d.waiting, ...d.gates.flatMap((g) => g.reads)].find((r) => r.readId === readId);
    });

  it('imports the residents all or nothing, then the good rows by choice; an operator may not import', async () => {
    expect(await refusal(OPERATOR, 'vehicles.import', { file: csvFile, mode: 'good_rows' })).toBe(
      'forbidden',
    );
    const none = await call<{ imported: number }>(SUPERVISOR, 'vehicles.import', {
      file: csvFile,
      mode: 'all_or_nothing',
    });
    expect(none.imported).toBe(0);
    expect((await call<{ total: number }>(OPERATOR, 'vehicles.search', { query: '浙A' })).total).toBe(0);
    const good = await call<{ imported: number; skipped: number }>(SUPERVISOR, 'vehicles.import', {
      file: csvFile,
      mode: 'good_rows',
    });
    expect(good).toMatchObject({ imported: 3, skipped: 1 });
    expect((await call<{ total: number }>(OPERATOR, 'vehicles.search', { query: '2Z2' })).total).toBe(1);
  });

  it('matches each read: resident opens, expired / blacklisted / unknown wait, an expected visitor opens', async () => {
    await call(OPERATOR, 'visitors.register', {
      plate: '浙B12121',
      building: '5栋',
      room: '501',
      expected: true,
    });
    await read('r1', '浙A11111');
    await read('r2', '浙A22222');
    await read('r3', '浙A33333');
    await read('r4', '苏E99999');
    await read('r5', '浙B12121');
    await read('r6', '浙A2Z222');
    await read('r6', '浙A2Z222'); // the same read again: one car, not two
    const r6 = await stored('r6');
    const byId = Object.fromEntries(
      await Promise.all(['r1', 'r2', 'r3', 'r4', 'r5'].map(async (id) => [id, await stored(id)] as const)),
    );
    expect(byId.r1).toMatchObject({ match: 'resident', barrier: 'opened', vehicle: { owner: '王伟' } });
    expect(byId.r2).toMatchObject({ match: 'expired', barrier: 'waiting' });
    expect(byId.r3).toMatchObject({ match: 'blacklisted', barrier: 'waiting' });
    expect(byId.r4).toMatchObject({ match: 'unknown', barrier: 'waiting', near: [] });
    expect(byId.r5).toMatchObject({ match: 'visitor', barrier: 'opened' });
    // A camera's Z for a 2: unknown, but the record it is close to is offered.
    expect(r6).toMatchObject({ match: 'unknown', barrier: 'waiting', near: [{ plate: '浙A22222' }] });
    const d = await desk();
    expect(d.waiting.map((r) => r.readId)).toEqual(['r2', 'r3', 'r4', 'r6']);
    expect(d.inside).toBe(2);
    expect(await core.db('gate_reads').where({ read_id: 'r6' }).count({ n: '*' }).first()).toEqual({ n: 1 });
    const lines = await call<{ entries: DutyEntry[] }>(OPERATOR, 'duty.list', {
      filter: { kinds: ['gate'] },
    });
    expect(lines.entries.map((e) => e.text)).toEqual([expect.stringContaining('黑名单车辆 浙A33333')]);
  });

  it('decides the waiting cars: logged, audited and told to the gate through the hub; once only', async () => {
    const r4 = await stored('r4');
    const r2 = await stored('r2');
    expect(
      await call(OPERATOR, 'gates.decide', { id: r4.id, decision: 'allow_once', note: '送货' }),
    ).toMatchObject({
      barrier: 'opened',
      decision: 'allow_once',
      decidedBy: '李明',
    });
    expect(await call(OPERATOR, 'gates.decide', { id: r2.id, decision: 'refuse' })).toMatchObject({
      barrier: 'refused',
    });
    expect(await refusal(OPERATOR, 'gates.decide', { id: r2.id, decision: 'allow_once' })).toBe('conflict');
    expect((await desk()).inside).toBe(3);
    const lines = await call<{ entries: DutyEntry[] }>(OPERATOR, 'duty.list', {
      filter: { kinds: ['gate'] },
    });
    expect(lines.entries.map((e) => e.text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('苏E99999（未登记车辆）放行一次：送货'),
        expect.stringContaining('浙A22222（凭证过期）拒绝通行'),
      ]),
    );
    const audit = await core.db('audit_log').where({ action: 'gates.decide' }).select('target', 'actor_name');
    expect(audit).toEqual(
      expect.arrayContaining([
        { target: String(r4.id), actor_name: '李明' },
        { target: String(r2.id), actor_name: '李明' },
      ]),
    );
    const actions = await until('gate.barrier actions at the hub', async () => {
      const all = (await hub.appliedActions()).filter((a) => a.type === 'gate.barrier');
      return all.some((a) => (a.payload as { readId: string }).readId === 'r2') && all;
    });
    expect(actions.map((a) => a.payload)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ readId: 'r4', open: true, decision: 'allow_once', operator: '李明' }),
        expect.objectContaining({ readId: 'r2', open: false, decision: 'refuse' }),
      ]),
    );
  });

  // Before the overstay: a console's clock moved 30 minutes on in a blink has its hub link time out.
  it('pairs an exit with its entry: the visitor leaves and the count inside goes down', async () => {
    await read('r7', '浙B12121', 'out');
    const r7 = await stored('r7');
    expect(r7).toMatchObject({ match: 'visitor', barrier: 'opened', direction: 'out' });
    expect((await desk()).inside).toBe(2);
    const visitors = await call<{ visitors: { plate: string; state: string }[] }>(OPERATOR, 'visitors.list');
    expect(visitors.visitors.find((v) => v.plate === '浙B12121')).toMatchObject({ state: 'left' });
  });
  it('registers a waiting car as a visitor; past its limit one low-priority alarm, in simulated time', async () => {
    const r6 = await stored('r6');
    await call(OPERATOR, 'gates.decide', {
      id: r6.id,
      decision: 'visitor',
      visitor: { building: '2栋', room: '202', phone: '13900000009', purpose: '探亲', limitMin: 30 },
    });
    expect((await desk()).inside).toBe(3);
    const overstays = async () =>
      (await call<{ alarms: AlarmView[] }>(OPERATOR, 'alarms.open')).alarms.filter(
        (a) => a.type === 'visitor_overstay',
      );
    clock.advance(29 * MIN);
    expect(await overstays()).toEqual([]);
    clock.advance(2 * MIN);
    // Simulated time goes on while waiting: the check runs every 30 s of it.
    const alarms = await until('the overstay alarm', async () => {
      clock.advance(30_000);
      const a = await overstays();
      return a.length > 0 && a;
    });
    expect(alarms).toHaveLength(1);
    // The host's phone from the resident record of 2栋 202, the visitor's as registered.
    expect(alarms[0]!.priority).toBe(5);
    expect(alarms[0]!.texts?.['zh-CN']).toContain('住户电话 13800000002');
    expect(alarms[0]!.texts?.['zh-CN']).toContain('访客电话 13900000009');
    const visitors = await call<{ visitors: { plate: string; overstayed: boolean }[] }>(
      OPERATOR,
      'visitors.list',
    );
    expect(visitors.visitors.find((v) => v.plate === '浙A2Z222')).toMatchObject({ overstayed: true });
  });
});
