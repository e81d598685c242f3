import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  methods,
  roleAllows,
  ROLES,
  type MethodName,
  type OperatorView,
  type Role,
} from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { tempDir } from '../support/temp';
import { startCore } from '../support/core';

const SHIPPED_FIRE: unknown = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../resources/playbooks/fire.json'), 'utf8'),
);

/**
 * A valid input for every method that changes state. The matrix below fails for a mutating method missing
 * here, so a new method cannot be added without deciding who may call it and proving the router enforces it.
 * The inputs only need to pass validation: a call allowed by role may still be refused by the service
 * (no such alarm, wrong password), which is not what this test is about.
 */
const VALID_INPUT: Partial<Record<MethodName, unknown>> = {
  'hub.reconnect': {},
  'streams.snapshot': { cameraId: 'cam-none', profile: 'sub', png: 'iVBORw0KGgo=' },
  'alarms.acknowledge': { id: 'alarm-none' },
  'alarms.dispatch': { id: 'alarm-none' },
  'alarms.onScene': { id: 'alarm-none' },
  'alarms.resolve': { id: 'alarm-none', disposition: 'false_alarm', note: 'matrix test' },
  'alarms.reopen': { id: 'alarm-none', reason: 'matrix test' },
  'alarms.note': { id: 'alarm-none', text: 'matrix test' },
  'alarms.raise': { type: 'smoke', text: 'matrix test' },
  'alarms.setDisasterMode': { on: false, reason: 'matrix test' },
  'alarms.mute': { reason: 'matrix test', minutes: 1 },
  'cameras.save': { id: 'cam-matrix', name: 'Matrix', streams: { main: 'rtsp://127.0.0.1:9/none' } },
  'cameras.remove': { id: 'cam-none' },
  'prefs.set': { key: 'locale', value: 'en' },
  'auth.setup': { username: 'matrix', name: 'Matrix', password: 'matrix-pass' },
  'auth.login': { username: 'matrix', password: 'wrong-pass' },
  'auth.resume': { token: 'not-a-real-token-0000' },
  'auth.windowToken': {},
  'auth.logout': { leaveShift: false },
  'auth.lock': {},
  'auth.unlock': { password: 'wrong-pass' },
  'operators.save': { username: 'matrix-user', name: 'Matrix', role: 'operator', password: 'matrix-pass' },
  'shift.join': { username: 'nobody', password: 'wrong-pass' },
  'shift.leave': { operatorId: 'm-operator' },
  'shift.handover': {
    outgoing: { username: 'nobody', password: 'wrong-pass' },
    incoming: { username: 'nobody2', password: 'wrong-pass' },
    acknowledged: [],
  },
  'duty.add': { kind: 'note', text: 'matrix test' },
  'guards.dispatch': { alarmId: 'alarm-none', guardId: 'guard-none' },
  'guards.arrived': { alarmId: 'alarm-none', guardId: 'guard-none' },
  'guards.clearSos': { guardId: 'guard-none', note: 'matrix test' },
  'guards.issueDevice': { guardId: 'guard-none', label: 'matrix phone' },
  'guards.revokeDevice': { id: 'phone-none' },
  'playbooks.save': { definition: SHIPPED_FIRE },
  'runs.start': { alarmId: 'alarm-none', playbookId: 'fire' },
  'runs.step': { runId: 'run-none', stepId: 'step-none', outcome: 'done' },
  'runs.snapshot': { runId: 'run-none', cameraId: 'cam-none', png: 'iVBORw0KGgo=' },
  'contacts.save': { id: 'contact-matrix', name: 'Matrix', kind: 'other', number: '12345' },
  'contacts.remove': { id: 'contact-none' },
  'contacts.setPhone': { uriTemplate: 'tel:{number}' },
  'calls.record': { contactId: 'contact-none', startedAt: 1, endedAt: 2, outcome: 'connected' },
  'reports.incident': { incidentId: 'incident-none', locale: 'en' },
  'drills.schedule': { playbookId: 'fire', title: 'Matrix drill', scheduledAt: 1 },
  'drills.cancel': { drillId: 'drill-none', reason: 'matrix test' },
  'drills.start': { drillId: 'drill-none' },
  'drills.rollCall': { drillId: 'drill-none', participant: 'Matrix', present: true },
  'drills.finish': { drillId: 'drill-none' },
  'reports.drill': { drillId: 'drill-none', locale: 'en' },
  'facilities.save': { code: 'M-1', name: 'Matrix', kind: 'other' },
  'facilities.import': { format: 'csv', data: '' },
  'workOrders.open': { title: 'matrix test', severity: 'low' },
  'workOrders.fromAlarm': { alarmId: 'alarm-none' },
  'workOrders.act': { id: 'order-none', action: 'start' },
  'hazards.report': { category: 'other', severity: 'low', source: 'manual', description: 'matrix test' },
  'hazards.act': { id: 'hazard-none', action: 'note', note: 'matrix test' },
  'recordings.export': { alarmId: 'alarm-none', reason: 'matrix test' },
  'recordings.exportDownload': { exportId: 'export-none' },
  'vehicles.save': { plate: '浙A12345', owner: 'Matrix' },
  'vehicles.remove': { id: 'vehicle-none' },
  'vehicles.import': { file: { name: 'm.csv', format: 'csv', base64: '' }, mode: 'all_or_nothing' },
  'gates.decide': { id: 1, decision: 'refuse' },
  'visitors.register': { plate: '浙B12345', building: '1', expected: true },
  'visitors.release': { id: 'visitor-none' },
  'rounds.start': { roundId: 'round-none' },
  'rounds.mark': { runId: 'run-none', subjectId: 'cam-01', result: 'normal' },
  'rounds.finish': { runId: 'run-none' },
  'maintenance.done': { entryId: 'entry-none' },
  'training.saveRecord': {
    person: { kind: 'guard', id: 'guard-01' },
    course: 'matrix test',
    on: '2026-11-20',
    hours: 2,
    trainer: 'matrix',
    result: 'passed',
  },
  'training.removeRecord': { id: 'record-none' },
  'training.saveCertificate': {
    person: { kind: 'guard', id: 'guard-01' },
    kind: 'fire_facility_operator',
    number: 'M-1',
    issuedOn: '2026-01-01',
    expiresOn: '2029-01-01',
    issuedBy: 'matrix',
  },
  'training.removeCertificate': { id: 'certificate-none' },
  'drills.saveRule': {
    playbookId: 'fire',
    title: 'matrix test',
    recurrence: { every: 'month', monthDay: 15, at: '14:00' },
  },
  'drills.removeRule': { id: 'rule-none' },
  'violations.open': { plate: '浙A12345', area: 'np-crosswalk-south' },
  'violations.setPlate': { id: 'violation-none', plate: '浙A12345' },
  'violations.call': { id: 'violation-none', result: 'promised' },
  'violations.escalate': { id: 'violation-none' },
  'violations.close': { id: 'violation-none', outcome: 'moved' },
  'reports.satisfactionImport': { file: { name: 'm.csv', format: 'csv', base64: '' } },
  'reports.selfCheck': {
    month: '2026-10',
    items: [
      'patrol',
      'monitoring',
      'fire',
      'vehicles',
      'gate',
      'handover',
      'drills',
      'training',
      'hazards',
      'feedback',
    ].map((id) => ({ id })),
  },
  // A review without opinions to act on: the first role allowed records it, the next is refused for the quarter.
  'reports.quarterReview': {
    quarter: '2026-Q3',
    heldOn: '2026-10-12',
    participants: { residents: ['陈玉兰'], committee: [], staff: [] },
    scores: ['security', 'vehicles', 'fire', 'emergency', 'attitude', 'response'].map((id) => ({
      id,
      score: 90,
    })),
    conclusion: 'matrix',
  },
  // A shift long over: a supervisor passes the role gate and is refused for the shift (conflict), nothing written.
  'posts.assign': { postId: 'post-south', shift: '2020-01-06/day', guardId: 'guard-01' },
  'holidays.save': { date: '2030-01-01', name: '元旦', kind: 'holiday' },
  'holidays.remove': { date: '2030-01-02' },
  'parking.record': { area: 'carpark-entrance', counted: 12, violations: 1 },
};

/**
 * A valid input for every method that only reads but needs more than the operator role: what it shows is not for
 * every desk (dead letters carry raw hub traffic; the audit check, accounts, camera sources).
 */
const RESTRICTED_READ_INPUT: Partial<Record<MethodName, unknown>> = {
  'hub.deadLetters': { limit: 10 },
  // The hub's sources and devices: addresses, peers and refused frames as the equipment sent them.
  'hub.sources': {},
  'hub.devices': { states: ['fault'] },
  'audit.verify': {},
  'operators.list': {},
  'cameras.list': {},
  'guards.devices': {},
  'cameras.test': { url: 'rtsp://127.0.0.1:9/none', transport: 'tcp' },
  'facilities.importPreview': { format: 'csv', data: '' },
  'recordings.allExports': {},
  'recordings.retention': {},
  // Residents' names and phone numbers: the whole list leaves the console only by a supervisor's hand.
  'vehicles.importPreview': { name: 'm.csv', format: 'csv', base64: '' },
  'vehicles.export': { format: 'csv' },
  // The residents' survey results are a supervisor's to bring in (and to check before they do).
  'reports.satisfactionPreview': { name: 'm.csv', format: 'csv', base64: '' },
  'reports.selfChecks': {},
  'reports.quarterReviews': {},
};

const WHO: Array<{ label: string; operator: OperatorView | null }> = [
  { label: 'signed out', operator: null },
  ...ROLES.map((role: Role) => ({ label: role, operator: { id: `m-${role}`, name: `M ${role}`, role } })),
];

describe('role matrix: every mutating method × every role, through the real router', () => {
  let core: ConsoleCore;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    tmp = tempDir();
    core = await startCore(tmp.dir, { dbFile: ':memory:', duty: { hashParams: { N: 1024, r: 8, p: 1 } } });
  });
  afterAll(async () => {
    await core.stop();
    tmp.cleanup();
  });

  const refusedRows = async (method: string) =>
    Number(
      (
        (await core
          .db('audit_log')
          .where({ action: 'call.refused', target: method })
          .count({ n: '*' })
          .first()) as {
          n: number;
        }
      ).n,
    );

  const mutating = (Object.keys(methods) as MethodName[]).filter((m) => methods[m].mutates);

  it('has a valid input for every mutating method', () => {
    expect(
      mutating.filter((m) => !(m in VALID_INPUT)),
      'add these to VALID_INPUT',
    ).toEqual([]);
    for (const m of mutating) {
      const parsed = methods[m].input.safeParse(VALID_INPUT[m]);
      expect(parsed.success, `${m}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
  });

  // A playbook's dispatch step calls the guards service directly, relying on the router's check of runs.step:
  // whoever may take a step must be allowed to dispatch a guard, or a playbook would be a way around the role.
  it('whoever may take a playbook step may also dispatch a guard (the step dispatches without a second check)', () => {
    for (const role of ROLES) {
      if (roleAllows(role, methods['runs.step'].role))
        expect(roleAllows(role, methods['guards.dispatch'].role), role).toBe(true);
    }
  });

  for (const method of Object.keys(methods) as MethodName[]) {
    if (!methods[method].mutates) continue;
    for (const who of WHO) {
      const need = methods[method].role;
      const allowed = need === 'public' || (who.operator !== null && roleAllows(who.operator.role, need));
      it(`${method} as ${who.label}: ${allowed ? 'passes the role gate' : 'refused and audited'}`, async () => {
        const before = await refusedRows(method);
        const env = await core.router.call(
          method,
          VALID_INPUT[method] ?? {},
          core.openSession('memory', who.operator),
        );
        const after = await refusedRows(method);
        if (allowed) {
          expect(after, 'no refusal audited').toBe(before);
          if (!env.ok) expect(env.error.code, env.error.message).not.toBe('invalid_input');
          if (!env.ok) expect(env.error.code, env.error.message).not.toBe('forbidden');
        } else {
          expect(env.ok).toBe(false);
          if (!env.ok) {
            expect(env.error.code).toBe(who.operator ? 'forbidden' : 'unauthenticated');
            // Clear words: which role is needed and who is signed in.
            expect(env.error.message).toMatch(
              who.operator ? new RegExp(`needs the ${need} role`) : /Sign in first/,
            );
          }
          expect(after, 'the refusal is audited').toBe(before + 1);
        }
      });
    }
  }

  const restrictedReads = (Object.keys(methods) as MethodName[]).filter(
    (m) => !methods[m].mutates && methods[m].role !== 'operator' && methods[m].role !== 'public',
  );

  it('has a valid input for every read method above the operator role', () => {
    expect(restrictedReads).toContain('hub.deadLetters');
    expect(restrictedReads).toEqual(expect.arrayContaining(['hub.sources', 'hub.devices']));
    expect(
      restrictedReads.filter((m) => !(m in RESTRICTED_READ_INPUT)),
      'add these to RESTRICTED_READ_INPUT',
    ).toEqual([]);
    for (const m of restrictedReads) {
      const parsed = methods[m].input.safeParse(RESTRICTED_READ_INPUT[m]);
      expect(parsed.success, `${m}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
  });

  for (const method of Object.keys(RESTRICTED_READ_INPUT) as MethodName[]) {
    for (const who of WHO) {
      const need = methods[method].role;
      const allowed = who.operator !== null && roleAllows(who.operator.role, need);
      it(`${method} (read) as ${who.label}: ${allowed ? 'passes the role gate' : 'refused and audited'}`, async () => {
        const before = await refusedRows(method);
        const env = await core.router.call(
          method,
          RESTRICTED_READ_INPUT[method],
          core.openSession('memory', who.operator),
        );
        const after = await refusedRows(method);
        if (allowed) {
          expect(after, 'no refusal audited').toBe(before);
          if (!env.ok) expect(env.error.code, env.error.message).not.toMatch(/^(forbidden|invalid_input)$/);
        } else {
          expect(env.ok ? 'ok' : env.error.code).toBe(who.operator ? 'forbidden' : 'unauthenticated');
          expect(after, 'the refusal is audited').toBe(before + 1);
        }
      });
    }
  }

  // The lock screen is the core's: a locked session gets the lock screen's own methods and nothing else, whatever
  // its role (an administrator's locked console included), for every method, mutating or not.
  const ADMIN: OperatorView = { id: 'm-admin', name: 'M admin', role: 'admin' };
  for (const method of Object.keys(methods) as MethodName[]) {
    const open = methods[method].whileLocked === true;
    it(`${method} on a locked session: ${open ? "answered (the lock screen's own)" : 'refused with locked, audited'}`, async () => {
      const session = core.openSession('memory', ADMIN);
      session.locked = true;
      const before = await refusedRows(method);
      const env = await core.router.call(method, VALID_INPUT[method] ?? {}, session);
      const after = await refusedRows(method);
      if (open) {
        if (!env.ok) expect(env.error.code, env.error.message).not.toBe('locked');
        expect(after).toBe(before);
      } else {
        expect(env).toMatchObject({ ok: false, error: { code: 'locked', reason: 'session_locked' } });
        expect(after, 'the refusal is audited').toBe(before + 1);
      }
    });
  }

  it('answers while locked only what the lock screen needs: sign-in, unlock, and the alarm side of the console', () => {
    const open = (Object.keys(methods) as MethodName[]).filter((m) => methods[m].whileLocked).sort();
    expect(open).toEqual([
      'alarms.open',
      'auth.lock',
      'auth.login',
      'auth.resume',
      'auth.setup',
      'auth.status',
      'auth.unlock',
      'events.recent',
      'hub.status',
      'notices.recent',
      'prefs.get',
      'session.current',
      'site.get',
      'system.info',
    ]);
    // Every public method answers at a locked console (it may sign someone else in over the lock).
    for (const m of Object.keys(methods) as MethodName[])
      if (methods[m].role === 'public') expect(methods[m].whileLocked, m).toBe(true);
  });

  it('refuses before looking at the input: a signed-out call with garbage input is unauthenticated, not invalid', async () => {
    for (const method of Object.keys(methods) as MethodName[]) {
      if (methods[method].role === 'public') continue;
      const env = await core.router.call(method, { garbage: true }, core.openSession('memory', null));
      expect(env.ok ? 'ok' : env.error.code, method).toBe('unauthenticated');
    }
  });

  it('the refusal audit names who tried what', async () => {
    await core.router.call('cameras.remove', { id: 'x' }, core.openSession('memory', WHO[1]!.operator));
    const row = (await core
      .db('audit_log')
      .where({ action: 'call.refused', target: 'cameras.remove' })
      .orderBy('seq', 'desc')
      .first()) as { actor_id: string; details: string };
    expect(row.actor_id).toBe('m-operator');
    expect(JSON.parse(row.details)).toMatchObject({ code: 'forbidden', role: 'operator', carrier: 'memory' });
  });
});
