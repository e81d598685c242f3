import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../electron/core';
import { responseStatistics } from '../../electron/core/alarms/stats';
import { ManualClock } from '../../electron/common/clock';
import { createLogger } from '../../electron/common/log';
import type { Envelope } from '../../shared/contract';
import { base64PdfText } from '../support/pdf';
import { requirePdftotext } from '../support/tools';
import { tempDir } from '../support/temp';
import { startCore } from '../support/core';

const pdftotext = requirePdftotext();

const text = (pdf: string, dir: string, name: string) => base64PdfText(pdf, join(dir, name));

/** A tiny valid PNG (1×1, grey) for snapshot attachments. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

describe('playbooks, calls, reports and drills through the router', () => {
  let core: ConsoleCore;
  let tmp: ReturnType<typeof tempDir>;
  let clock: ManualClock;
  const operator = () => core.openSession('memory', { id: 'op-li', name: '李明', role: 'operator' });
  const supervisor = () => core.openSession('memory', { id: 'sup-wang', name: '王主管', role: 'supervisor' });
  async function call<T = unknown>(method: string, input: unknown, session = operator()): Promise<T> {
    const env = (await core.router.call(method, input, session)) as Envelope<T>;
    if (!env.ok) throw new Error(`${method}: ${env.error.code}: ${env.error.message}`);
    return env.value;
  }
  async function refused(method: string, input: unknown, session = operator()) {
    const env = await core.router.call(method, input, session);
    expect(env.ok, `${method} should be refused`).toBe(false);
    return env.ok ? undefined : env.error;
  }

  beforeEach(async () => {
    tmp = tempDir();
    clock = new ManualClock(Date.UTC(2026, 10, 24, 6, 0, 0));
    core = await startCore(tmp.dir, {
      dbFile: join(tmp.dir, 'console.sqlite'),
      backups: { enabled: false },
      clock,
      log: createLogger({ level: 'error', sink: () => undefined }),
    });
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  it('imports the shipped playbooks once, and a supervisor edit is a new version while a started run keeps its own', async () => {
    const { playbooks } = await call<{ playbooks: { id: string; version: number }[] }>('playbooks.list', {});
    expect(playbooks.map((p) => p.id)).toEqual(
      expect.arrayContaining(['fire', 'intrusion', 'medical', 'missing-child']),
    );
    expect(playbooks.length).toBe(10);

    const alarm = await call<{ id: string }>('alarms.raise', {
      type: 'fire',
      zone: 'bldg-03',
      text: '3号楼烟感',
    });
    const run = await call<{ id: string; version: number }>('runs.start', {
      alarmId: alarm.id,
      playbookId: 'fire',
    });
    expect(run.version).toBe(1);

    const fire = await call<{ definition: Record<string, unknown> & { steps: unknown[] } }>('playbooks.get', {
      id: 'fire',
    });
    const edited = {
      ...fire.definition,
      steps: [...fire.definition.steps, { id: 'extra', kind: 'note', title: '补充' }],
    };
    expect((await refused('playbooks.save', { definition: edited }))?.code).toBe('forbidden');
    const bad = await refused(
      'playbooks.save',
      {
        definition: { ...edited, steps: [{ id: 'a', kind: 'decision', title: 'x', yes: 'b', no: 'end' }] },
      },
      supervisor(),
    );
    expect(bad?.code).toBe('invalid_input');
    expect(bad?.issues?.[0]?.path).toBe('definition.steps[0].yes');
    const saved = await call<{ version: number }>('playbooks.save', { definition: edited }, supervisor());
    expect(saved.version).toBe(2);
    const again = await call<{ version: number; definition: { steps: unknown[] } }>('runs.get', {
      runId: run.id,
    });
    expect(again.version).toBe(1);
    expect(again.definition.steps.length).toBe(fire.definition.steps.length);
  });

  it('walks the fire playbook: suggestion, steps with operator and time, skip with reason flagged, call logged, PDF timeline', async () => {
    const alarm = await call<{ id: string; incidentId: string }>('alarms.raise', {
      type: 'smoke',
      zone: 'bldg-03',
      cameras: ['cam-03'],
      text: '3号楼 12 层烟感',
    });
    const forAlarm = await call<{ suggested: { id: string }[]; runs: unknown[] }>('runs.forAlarm', {
      alarmId: alarm.id,
    });
    expect(forAlarm.suggested.map((p) => p.id)).toEqual(['fire']);
    expect(forAlarm.runs).toEqual([]);

    let run = await call<{ id: string; records: { stepId: string; at: number; operatorName: string }[] }>(
      'runs.start',
      {
        alarmId: alarm.id,
        playbookId: 'fire',
      },
    );
    expect((await refused('runs.start', { alarmId: alarm.id, playbookId: 'fire' }))?.code).toBe('conflict');
    const step = (stepId: string, outcome: string, extra: Record<string, unknown> = {}) =>
      call<typeof run>('runs.step', { runId: run.id, stepId, outcome, ...extra });

    clock.advance(15_000);
    run = await call('runs.snapshot', { runId: run.id, cameraId: 'cam-03', png: PNG });
    run = await step('look', 'done');
    expect((await refused('runs.step', { runId: run.id, stepId: 'real', outcome: 'yes' }))?.message).toMatch(
      /current step/,
    );
    clock.advance(20_000);
    run = await step('send-guard', 'done', { guardId: 'guard-02' });
    const dispatched = await call<{ alarm: { state: string } }>('alarms.get', { id: alarm.id });
    expect(dispatched.alarm.state).toBe('dispatched');
    // Sent as the operator who took the step, not as a stand-in.
    expect(
      await core
        .db('guard_assignments')
        .where({ alarm_id: alarm.id, guard_id: 'guard-02' })
        .first('dispatched_by'),
    ).toEqual({ dispatched_by: '李明' });
    expect(
      (await refused('runs.step', { runId: run.id, stepId: 'confirm', outcome: 'skipped' }))?.message,
    ).toMatch(/needs a reason/);
    clock.advance(30_000);
    run = await step('confirm', 'skipped', { reason: '保安已在现场确认' });
    run = await step('real', 'yes');
    clock.advance(10_000);
    run = await step('linkage', 'done');
    const startedAt = clock.now();
    clock.advance(45_000);
    const logged = await call<{ simulated: boolean; number: string }>('calls.record', {
      contactId: 'fire-119',
      runId: run.id,
      startedAt,
      endedAt: clock.now(),
      outcome: 'connected',
      note: '119 已受理',
    });
    expect(logged).toMatchObject({ simulated: false, number: '119' });
    run = await step('call-119', 'done', { note: '119 已受理' });
    for (const id of ['internal-plan', 'report', 'guide']) run = await step(id, 'done');
    run = await step('record', 'done', { note: '火情已扑灭' });
    const final = await call<{ finishedAt?: number; records: { stepId: string; operatorName: string }[] }>(
      'runs.get',
      {
        runId: run.id,
      },
    );
    expect(final.finishedAt).toBe(clock.now());
    expect(final.records.every((r) => r.operatorName === '李明')).toBe(true);

    const duty = (await core.db('duty_log').orderBy('id')) as { kind: string; text: string }[];
    expect(duty.filter((d) => d.kind === 'playbook_skip')).toHaveLength(1);
    expect(duty.find((d) => d.kind === 'call')?.text).toContain('119: connected, 45 s');
    const notices = await call<{ notices: { code: string; message: string }[] }>('notices.recent', {});
    expect(notices.notices.find((n) => n.code === 'playbook-skip')?.message).toContain('保安已在现场确认');
    expect(await call<{ ok: boolean }>('audit.verify', {}, supervisor())).toMatchObject({ ok: true });

    if (!pdftotext.available) return;
    for (const locale of ['zh-CN', 'en'] as const) {
      const report = await call<{ pdf: string; file: string; bytes: number }>('reports.incident', {
        incidentId: alarm.incidentId,
        locale,
      });
      expect(existsSync(report.file)).toBe(true);
      expect(report.file.startsWith(join(tmp.dir, 'reports'))).toBe(true);
      const body = text(report.pdf, tmp.dir, `r-${locale}.pdf`);
      if (locale === 'zh-CN') {
        expect(body).toContain('事件处置报告');
        expect(body).toContain('处置时间线');
        expect(body).toContain('拨打 119 报警');
        expect(body).toContain('保安已在现场确认');
        expect(body).toContain('李明');
        expect(body).toMatch(/派保安携灭火器赶赴现场确认: 完成 → 李强/);
      } else {
        expect(body).toContain('Incident report');
        expect(body).toContain('Timeline');
        expect(body).toContain('Call 119');
        expect(body).toContain('119: connected, 0:45');
        expect(body).toContain('Snapshots');
      }
    }
  });

  it('runs a drill: DRILL alarm and incident, simulated calls, roll-call, after-action report, never in the real statistics', async () => {
    await refused('drills.schedule', { playbookId: 'fire', title: 'x', scheduledAt: clock.now() });
    const drill = await call<{ id: string; state: string }>(
      'drills.schedule',
      {
        playbookId: 'fire',
        title: '3号楼消防演练',
        scheduledAt: clock.now() + 3600_000,
        zone: 'bldg-03',
        participants: ['李强', '赵刚'],
        objectives: '5 分钟内完成报警与疏散',
      },
      supervisor(),
    );
    expect(drill.state).toBe('scheduled');
    clock.advance(3600_000);
    const running = await call<{ state: string; alarmId: string; runId: string; incidentId: string }>(
      'drills.start',
      {
        drillId: drill.id,
      },
    );
    expect(running.state).toBe('running');
    const alarm = await call<{ alarm: { drill: boolean; type: string } }>('alarms.get', {
      id: running.alarmId,
    });
    expect(alarm.alarm).toMatchObject({ drill: true, type: 'fire' });
    expect((await core.db('incidents').where({ id: running.incidentId }).first()).drill).toBe(1);
    const run = await call<{ drill: boolean; drillId: string }>('runs.get', { runId: running.runId });
    expect(run).toMatchObject({ drill: true, drillId: drill.id });

    await call('drills.rollCall', { drillId: drill.id, participant: '李强', present: true });
    await call('drills.rollCall', { drillId: drill.id, participant: '孙伟', present: true });
    const step = (stepId: string, outcome: string, extra: Record<string, unknown> = {}) =>
      call('runs.step', { runId: running.runId, stepId, outcome, ...extra });
    clock.advance(20_000);
    await step('look', 'done');
    clock.advance(70_000);
    await step('send-guard', 'done', { guardId: 'guard-02' });
    await step('confirm', 'done');
    await step('real', 'yes');
    await step('linkage', 'skipped', { reason: '演练不切换联动' });
    const t0 = clock.now();
    clock.advance(30_000);
    const simulatedCall = await call<{ simulated: boolean }>('calls.record', {
      contactId: 'fire-119',
      runId: running.runId,
      startedAt: t0,
      endedAt: clock.now(),
      outcome: 'connected',
    });
    expect(simulatedCall.simulated).toBe(true);
    await step('call-119', 'done');

    // A real alarm in the same hour: only it counts.
    const real = await call<{ id: string }>('alarms.raise', {
      type: 'water_leak',
      zone: 'bldg-01',
      text: '地下室漏水',
    });
    clock.advance(10_000);
    await call('alarms.acknowledge', { id: real.id });
    // Other real alarms may exist (patrols missed while the clock ran an hour): count what is real, compare.
    const realAlarms = async () =>
      Number(((await core.db('alarms').where({ drill: 0 }).count('* as n').first()) as { n: number }).n);
    const stats = await responseStatistics(
      core.db,
      { from: 0, to: clock.now() + 1 },
      core.alarms.responseTargets,
    );
    expect(stats.total).toBe(await realAlarms());
    expect(stats.byType.water_leak).toBe(1);
    expect(stats.byType.fire).toBeUndefined();
    const finished = await call<{ state: string }>('drills.finish', {
      drillId: drill.id,
      observations: '疏散广播延迟 2 分钟',
      correctiveActions: [{ action: '广播系统加装一键疏散', owner: '工程部 张工', due: '2026-12-15' }],
    });
    expect(finished.state).toBe('finished');
    expect(
      (await call<{ alarm: { state: string } }>('alarms.get', { id: running.alarmId })).alarm.state,
    ).toBe('resolved');
    const after = await responseStatistics(
      core.db,
      { from: 0, to: clock.now() + 1 },
      core.alarms.responseTargets,
    );
    expect(after.total).toBe(await realAlarms());
    expect(after.byType.fire).toBeUndefined();
    expect(
      Number(((await core.db('alarms').where({ drill: 1 }).count('* as n').first()) as { n: number }).n),
    ).toBe(1);
    const duty = (await core.db('duty_log').where({ kind: 'drill' }).orderBy('id')) as { text: string }[];
    expect(duty.map((d) => d.text).join('\n')).toMatch(/\[DRILL\] started/);
    expect(((await core.db('duty_log').where({ kind: 'call' }).first()) as { text: string }).text).toMatch(
      /^\[DRILL, SIMULATED\]/,
    );

    if (!pdftotext.available) return;
    const report = await call<{ pdf: string }>('reports.drill', { drillId: drill.id, locale: 'zh-CN' });
    const body = text(report.pdf, tmp.dir, 'drill.pdf');
    expect(body).toContain('演练总结报告');
    expect(body).toMatch(/调取报警部位视频查看 — 完成 · 实际 0:20 · 目标 0:30/);
    expect(body).toMatch(/派保安携灭火器赶赴现场确认 — 完成 · 实际 1:30 · 目标 1:00 \[超时\]/);
    expect(body).toContain('演练不切换联动');
    expect(body).toContain('孙伟: 到');
    expect(body).toContain('赵刚: 未到');
    expect(body).toContain('广播系统加装一键疏散 · 负责人: 工程部 张工 · 完成日期: 2026-12-15');
    const en = text(
      (await call<{ pdf: string }>('reports.drill', { drillId: drill.id, locale: 'en' })).pdf,
      tmp.dir,
      'en.pdf',
    );
    expect(en).toContain('After-action report');
    expect(en).toContain('SIMULATED');
  });

  it('keeps contact edits over the site file, audited, and refuses them to operators', async () => {
    const before = await call<{ contacts: { id: string; origin: string }[]; phone: { uriTemplate: string } }>(
      'contacts.list',
      {},
    );
    expect(before.contacts.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'police-110',
        'fire-119',
        'medical-120',
        'traffic-122',
        'police-station',
        'fire-station',
        'hospital',
        'property-manager',
        'maintenance',
        'elevator',
      ]),
    );
    expect(before.phone.uriTemplate).toBe('tel:{number}');
    const edit = {
      id: 'property-manager',
      name: '物业值班经理 陈经理',
      kind: 'property_manager',
      number: '13800000099',
    };
    expect((await refused('contacts.save', edit))?.code).toBe('forbidden');
    const saved = await call<{ origin: string }>('contacts.save', edit, supervisor());
    expect(saved.origin).toBe('console');
    await call('contacts.remove', { id: 'water' }, supervisor());
    expect(
      (await refused('contacts.setPhone', { uriTemplate: 'http://x/{number}' }, supervisor()))?.issues?.[0]
        ?.path,
    ).toBe('uriTemplate');
    await call(
      'contacts.setPhone',
      { uriTemplate: 'sip:{number}@pbx.local', callbackNumber: '0571-87000000' },
      supervisor(),
    );
    const after = await call<{ contacts: { id: string; number: string }[]; phone: { uriTemplate: string } }>(
      'contacts.list',
      {},
    );
    expect(after.contacts.find((c) => c.id === 'property-manager')?.number).toBe('13800000099');
    expect(after.contacts.some((c) => c.id === 'water')).toBe(false);
    expect(after.phone.uriTemplate).toBe('sip:{number}@pbx.local');
    const site = await call<{ contacts: { id: string; number: string }[] }>('site.get', {});
    expect(site.contacts.find((c) => c.id === 'property-manager')?.number).toBe('13800000099');
    expect(site.contacts.some((c) => c.id === 'water')).toBe(false);
    const audit = (await core
      .db('audit_log')
      .whereIn('action', ['contact.edit', 'contact.remove', 'phone.settings'])) as unknown[];
    expect(audit).toHaveLength(3);
  });
});
