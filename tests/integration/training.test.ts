import { afterEach, describe, expect, it } from 'vitest';
import type {
  CertificateView,
  DutyEntry,
  MethodName,
  Notice,
  OperatorView,
  ShiftView,
  TrainingList,
} from '../../shared/contract';
import type { Desk } from '../../electron/desk';
import { ManualClock } from '../../electron/common/clock';
import type { SiteFileInput } from '../../shared/domain/site';
import { startCore } from '../support/core';
import { writeDemoSite } from '../support/site';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

/** 2026-12-01 10:00 in Shanghai (the demo site's zone). */
const START = Date.UTC(2026, 11, 1, 2, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;
const ADMIN: OperatorView = { id: 'op-admin', name: '管理员', role: 'admin' };

describe('training and certificates through the router: expiry notices, the fire desk sign-on rule', () => {
  let tmp: ReturnType<typeof tempDir> | undefined;
  let core: Desk | undefined;
  let clock: ManualClock;
  afterEach(async () => {
    await core?.stop();
    tmp?.cleanup();
    core = undefined;
  });

  const start = async (training?: SiteFileInput['training']) => {
    tmp = tempDir();
    clock = new ManualClock(START);
    const siteFile = writeDemoSite(tmp.dir, (site) => {
      if (training) site.training = training;
    });
    core = await startCore(tmp.dir, {
      dbFile: ':memory:',
      clock,
      sitePath: siteFile,
      backups: { enabled: false },
      duty: { hashParams: { N: 1024, r: 8, p: 1 } },
    });
    // The first administrator, then an operator and a supervisor with passwords to sign in with.
    const setup = core.openSession('memory', null);
    const first = await core.router.call(
      'auth.setup',
      { username: 'admin', name: '管理员', password: 'admin-pass-1' },
      setup,
    );
    if (!first.ok) throw new Error(first.error.message);
    admin = (first.value as { operator: OperatorView }).operator;
    const ids: Record<string, string> = {};
    for (const [username, name, role] of [
      ['li', '李明', 'operator'],
      ['wang', '王主管', 'supervisor'],
    ] as const) {
      const a = await call<OperatorView>('operators.save', {
        username,
        name,
        role,
        password: `${username}-pass-123`,
      });
      ids[username] = a.id;
    }
    return ids as { li: string; wang: string };
  };
  let admin: OperatorView = ADMIN;

  const call = async <T>(method: MethodName, input: unknown, who: OperatorView = admin): Promise<T> => {
    const env = await core!.router.call(method, input, core!.openSession('memory', who));
    if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
    return env.value as T;
  };
  const notices = async (code: string) =>
    (await call<{ notices: Notice[] }>('notices.recent', {})).notices.filter((n) => n.code === code);
  const duty = async () =>
    (await call<{ entries: DutyEntry[] }>('duty.list', { filter: { kinds: ['training'] } })).entries;
  const certificate = (personId: string, expiresOn: string, issuedOn = '2023-01-10') =>
    call<CertificateView>('training.saveCertificate', {
      person: { kind: 'operator', id: personId },
      kind: 'fire_facility_operator',
      level: 4,
      number: `C-${expiresOn}`,
      issuedOn,
      expiresOn,
      issuedBy: '市职业技能鉴定中心',
    });
  const signIn = (username: string, session = core!.openSession('memory', null)) =>
    core!.router.call('auth.login', { username, password: `${username}-pass-123` }, session);
  /**
   * Steps the wall clock to ten minutes before `instant` and lets ten minutes pass: the expiry check (every ten
   * minutes of the steady clock, which every step here moves by exactly that) runs at `instant`.
   */
  const at = async (instant: number) => {
    clock.jump(instant - 10 * MINUTE - clock.now());
    clock.advance(10 * MINUTE);
    await until(
      'the expiry check',
      async () => (await call<TrainingList>('training.list', {})) !== undefined,
    );
  };

  it('tells the supervisor once when a certificate enters its 30 days, once when it expires; a renewal ends it', async () => {
    const { li } = await start();
    // Valid through 10 January 2027 (Shanghai); 30 days before is 11 December 00:00 local.
    const cert = await certificate(li, '2027-01-10');
    expect(cert).toMatchObject({
      status: 'valid',
      daysLeft: 40,
      superseded: false,
      personName: { 'zh-CN': '李明' },
    });
    expect(await notices('training-certificates-expiring')).toEqual([]);

    await at(Date.UTC(2026, 11, 10, 15, 59)); // 10 December 23:59 in Shanghai
    expect(await notices('training-certificates-expiring')).toEqual([]);
    await at(Date.UTC(2026, 11, 10, 16, 0)); // 11 December 00:00
    await until(
      'the expiring notice',
      async () => (await notices('training-certificates-expiring')).length === 1,
    );
    const [expiring] = await notices('training-certificates-expiring');
    expect(expiring!.params).toMatchObject({ count: 1, names: '李明', days: 30 });
    // Across the month end and more checks: still one.
    await at(Date.UTC(2027, 0, 1, 3));
    expect(await notices('training-certificates-expiring')).toHaveLength(1);
    const list = await call<TrainingList>('training.list', {});
    expect(list.certificates[0]).toMatchObject({ status: 'expiring', daysLeft: 9 });

    await at(Date.UTC(2027, 0, 10, 15, 59)); // 10 January 23:59: the last valid minute
    expect(await notices('training-certificates-expired')).toEqual([]);
    await at(Date.UTC(2027, 0, 10, 16, 0)); // 11 January 00:00
    await until(
      'the expired notice',
      async () => (await notices('training-certificates-expired')).length === 1,
    );

    // A renewal: the old one is kept as superseded and no longer counts.
    await certificate(li, '2031-01-10', '2027-01-12');
    const after = await call<TrainingList>('training.list', {});
    expect(after.certificates.map((c) => [c.expiresOn, c.status, c.superseded])).toEqual([
      ['2027-01-10', 'expired', true],
      ['2031-01-10', 'valid', false],
    ]);
    // Recorded: the duty log and the audit trail.
    expect((await duty()).some((e) => e.text.includes('C-2031-01-10'))).toBe(true);
    // Steps of the clock across two months, each a tick of every feature's timers: slow on a shared machine.
  }, 180_000);

  it('refuses an operator with an expired certificate at sign-in and at joining the shift, when the site says so', async () => {
    const { li, wang } = await start({ fireDesk: { expired: 'refuse' } });
    await certificate(li, '2026-11-30'); // expired yesterday
    const session = core!.openSession('memory', null);
    const refused = await signIn('li', session);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toMatchObject({
      code: 'forbidden',
      reason: 'certificate_expired',
      params: { kind: 'fire_facility_operator', expiresOn: '2026-11-30' },
    });
    // Not signed in, not on duty.
    expect(session.operator).toBeNull();
    const shift = await call<ShiftView>('shift.current', {});
    expect(shift.onDuty.map((o) => o.operator.id)).not.toContain(li);
    // A second operator joining at another's console is refused the same way.
    const join = await core!.router.call(
      'shift.join',
      { username: 'li', password: 'li-pass-123' },
      core!.openSession('memory', admin),
    );
    expect(join.ok ? undefined : join.error.reason).toBe('certificate_expired');
    const audit = await core!.db('audit_log').where({ action: 'training.signOnRefused' }).select('actor_id');
    expect(audit.map((r: { actor_id: string }) => r.actor_id)).toEqual([li, li]);

    // A supervisor with an expired one is only warned: someone can always sign in to record the renewal.
    await certificate(wang, '2026-11-30');
    const sup = await signIn('wang');
    expect(sup.ok).toBe(true);
    await until('the warning notice', async () => (await notices('training-sign-on-expired')).length === 1);
    expect((await notices('training-sign-on-expired'))[0]!.params).toMatchObject({
      name: '王主管',
      expiresOn: '2026-11-30',
    });

    // The renewed certificate lets the operator sign on.
    await certificate(li, '2030-11-30', '2026-12-01');
    expect((await signIn('li')).ok).toBe(true);
  });

  it('by default lets an expired certificate sign on with a warning in the duty log, and one without any sign on', async () => {
    const { li, wang } = await start();
    await certificate(li, '2026-11-30');
    expect((await signIn('li')).ok).toBe(true);
    const lines = await duty();
    expect(lines.some((e) => e.text.includes('2026-11-30') && e.text.includes('李明'))).toBe(true);
    await until('the warning notice', async () => (await notices('training-sign-on-expired')).length === 1);
    // No certificate on record: allowed by default, nothing said.
    expect((await signIn('wang')).ok).toBe(true);
    expect(await notices('training-sign-on-missing')).toEqual([]);
    expect(wang).toBeTruthy();
  });

  it('refuses a missing certificate when the site says so, and keeps records to people it knows', async () => {
    await start({ fireDesk: { missing: 'refuse' } });
    const refused = await signIn('li');
    expect(refused.ok ? undefined : refused.error.reason).toBe('certificate_missing');
    // A record names a guard of the site file or an account; anything else is refused with a worded reason.
    const env = await core!.router.call(
      'training.saveRecord',
      {
        person: { kind: 'guard', id: 'guard-none' },
        course: '消防控制室值班操作',
        on: '2026-11-20',
        hours: 4,
        trainer: '区消防救援大队',
        result: 'passed',
      },
      core!.openSession('memory', admin),
    );
    expect(env.ok ? undefined : env.error.code).toBe('invalid_input');
    const saved = await call<{ id: string; personName: { en: string } }>('training.saveRecord', {
      person: { kind: 'guard', id: 'guard-01' },
      course: '消防控制室值班操作',
      on: '2026-11-20',
      hours: 4,
      trainer: '区消防救援大队',
      result: 'passed',
    });
    expect(saved.personName.en).toBe('Zhang Wei');
    await call('training.removeRecord', { id: saved.id });
    expect((await call<TrainingList>('training.list', {})).records).toEqual([]);
    // The removal is audited with what was removed; removing it again is refused as not found, and audits nothing.
    const removed = await core!.db('audit_log').where({ action: 'training.recordRemoved', target: saved.id });
    expect(removed).toHaveLength(1);
    expect(JSON.parse((removed[0] as { details: string }).details)).toMatchObject({
      course: '消防控制室值班操作',
    });
    const again = await core!.router.call(
      'training.removeRecord',
      { id: saved.id },
      core!.openSession('memory', admin),
    );
    expect(again.ok ? undefined : again.error.code).toBe('not_found');
    expect(await core!.db('audit_log').where({ action: 'training.recordRemoved' })).toHaveLength(1);
    // The clock moved a day: nothing changes for a list with no certificates.
    await at(START + DAY);
  });
});
