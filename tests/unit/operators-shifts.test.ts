import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope, OperatorView, Role, ShiftRecord } from '../../shared/contract';
import { carryOverItems, openFollowUps, unacknowledged, understaffed } from '../../shared/domain/handover';
import { joinList } from '../../shared/domain/text';
import { loadSite, demoSitePath } from '../../electron/common/site-file';
import { SiteNames } from '../../electron/core/site/names';
import { itemLabel } from '../../electron/core/shift/record';
import type { ConsoleCore } from '../../electron/core';
import { hashPassword, verifyPassword } from '../../electron/core/operators/passwords';
import type { Session } from '../../electron/core/router/router';
import { ManualClock } from '../../electron/common/clock';
import { sequentialIds } from '../../electron/core/util/ids';
import { enforceDutyRetention, writeDutyLog } from '../../electron/core/duty/duty-log';
import { demoSiteIds, siteIdsIn } from '../support/site-ids';
import { tempDir } from '../support/temp';
import { commandExists, requireTool } from '../support/tools';
import { startCore } from '../support/core';

const pdftotext = requireTool('pdftotext', commandExists('pdftotext'), 'apt-get install poppler-utils');

/** Cheap scrypt for tests; production keeps N = 2^15. */
const FAST = { N: 2 ** 10, r: 8, p: 1 };

function value<T>(env: Envelope<T>): T {
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
  return env.value;
}

describe('passwords', () => {
  it('hashes with scrypt and a fresh salt, stores its parameters, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse', FAST);
    const b = await hashPassword('correct horse', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('correct horse', 'md5$abc')).toBe(false);
  });

  it('uses a slow default cost (N = 2^15)', async () => {
    expect(await hashPassword('x'.repeat(10))).toMatch(/^scrypt\$32768\$8\$1\$/);
  });
});

describe('operators, sign-in, shifts and sealing', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  let clock: ManualClock;
  let dbFile: string;

  beforeEach(async () => {
    tmp = tempDir();
    dbFile = join(tmp.dir, 'c.sqlite');
    clock = new ManualClock(Date.UTC(2026, 10, 24, 0, 0));
    core = await startCore(tmp.dir, {
      dbFile,
      backups: { enabled: false },
      clock,
      ids: sequentialIds('id'),
      duty: {
        hashParams: FAST,
        throttle: { freeFailures: 3, windowMs: 15 * 60_000, baseDelayMs: 1000, maxDelayMs: 30_000 },
      },
    });
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  const call = (session: Session, method: string, input: unknown = {}) =>
    core.router.call(method, input, session);

  async function withAccounts(): Promise<{ admin: Session; li: OperatorView; wang: OperatorView }> {
    const admin = core.openSession('memory', null);
    value(await call(admin, 'auth.setup', { username: 'admin', name: '管理员', password: 'admin-pass-1' }));
    const operator = async (username: string, name: string, password: string) =>
      value(
        await call(admin, 'operators.save', { username, name, role: 'operator', password }),
      ) as OperatorView;
    const li = await operator('li', '李明', 'li-pass-123');
    const wang = await operator('wang', '王芳', 'wang-pass-1');
    return { admin, li, wang };
  }

  it('a new session is signed out; first start creates the admin once, with no default password', async () => {
    const s = core.openSession('memory');
    expect(s.operator).toBeNull();
    expect(value(await call(s, 'auth.status'))).toEqual({ needsSetup: true, lockAfterMin: 10 });
    const refused = await call(s, 'alarms.open');
    expect(refused.ok || refused.error.code).toBe('unauthenticated');
    // Nothing to log in with before setup.
    expect((await call(s, 'auth.login', { username: 'admin', password: 'admin' })).ok).toBe(false);
    const short = await call(s, 'auth.setup', { username: 'admin', name: 'A', password: 'short' });
    expect(short.ok || short.error.message).toMatch(/password: at least 8 characters/);
    // No common password for the first administrator either.
    const common = await call(s, 'auth.setup', { username: 'admin', name: '管理员', password: 'Admin12345' });
    expect(common.ok || common.error.reason).toBe('password_common');
    const signed = value(
      await call(s, 'auth.setup', { username: 'Admin', name: '管理员', password: 'admin-pass-1' }),
    ) as { operator: OperatorView; resumeToken: string };
    expect(signed.operator.role).toBe('admin');
    expect(s.operator?.id).toBe(signed.operator.id);
    expect(value(await call(s, 'auth.status'))).toMatchObject({ needsSetup: false });
    const again = await call(core.openSession('memory'), 'auth.setup', {
      username: 'other',
      name: 'B',
      password: 'other-pass-1',
    });
    expect(again.ok || again.error.code).toBe('conflict');
    // The hash, never the password, is stored.
    const row = (await core.db('operators').where({ username: 'admin' }).first()) as {
      password_hash: string;
    };
    expect(row.password_hash).toMatch(/^scrypt\$/);
    // The resume token signs a reloaded window back in.
    const reloaded = core.openSession('memory');
    expect(value(await call(reloaded, 'auth.resume', { token: signed.resumeToken }))).toMatchObject({
      operator: signed.operator,
      locked: false,
    });
  });

  it('slows down wrong passwords by source, never locks the account, and reads the same for unknown users', async () => {
    const { admin, li } = await withAccounts();
    const page = core.openSession('ws', null, { source: 'ws 127.0.0.1' });
    const tries: string[] = [];
    for (let i = 0; i < 3; i++) {
      const env = await call(page, 'auth.login', { username: 'li', password: 'wrong-pass' });
      tries.push(env.ok ? 'ok' : `${env.error.code}: ${env.error.message}`);
    }
    expect(tries).toEqual(Array(3).fill('unauthenticated: Wrong user name or password.'));
    // The next try from there waits; during the wait not even the right password is looked at.
    const early = await call(page, 'auth.login', { username: 'li', password: 'li-pass-123' });
    expect(early).toMatchObject({
      ok: false,
      error: { code: 'too_many_attempts', reason: 'too_many_attempts', params: { seconds: 1 } },
    });
    expect(page.operator).toBeNull();
    // Another source is not slowed down: the account is not locked.
    const desk = core.openSession('ipc');
    value(await call(desk, 'auth.login', { username: 'li', password: 'li-pass-123' }));
    expect(desk.operator?.id).toBe(li.id);
    const audit = (await core.db('audit_log').whereIn('action', ['auth.failed', 'auth.slowed'])) as Array<{
      action: string;
      details: string;
    }>;
    expect(audit.map((a) => a.action)).toEqual(['auth.failed', 'auth.failed', 'auth.failed', 'auth.slowed']);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ source: 'ws 127.0.0.1', reason: 'wrong password' });
    const slowed = (await core.db('duty_log').where({ kind: 'sign_in_slowed' })) as Array<{ text: string }>;
    expect(slowed.map((e) => e.text)).toEqual([
      '李明 (li): 3 wrong passwords from ws 127.0.0.1; further tries from there are slowed down',
    ]);
    // Each further wrong password doubles the wait (1 s, 2 s, ...); after it, the right one works.
    clock.advance(1000);
    await call(page, 'auth.login', { username: 'li', password: 'wrong-pass' });
    const later = await call(page, 'auth.login', { username: 'li', password: 'li-pass-123' });
    expect(later.ok || later.error.params).toEqual({ seconds: 2 });
    clock.advance(2000);
    value(await call(page, 'auth.login', { username: 'li', password: 'li-pass-123' }));
    expect(page.operator?.id).toBe(li.id);
    const accounts = value(await call(admin, 'operators.list')) as { operators: Array<{ id: string }> };
    expect(accounts.operators.find((o) => o.id === li.id)).not.toHaveProperty('lockedUntil');

    // Unknown user, inactive account and wrong password read the same, and are slowed down alike.
    const stranger = core.openSession('ws', null, { source: 'ws 10.0.0.9' });
    const unknown = await call(stranger, 'auth.login', { username: 'nobody', password: 'x' });
    const wrong = await call(stranger, 'auth.login', { username: 'li', password: 'x' });
    expect(unknown.ok || unknown.error).toEqual(wrong.ok || wrong.error);
    expect(unknown.ok || unknown.error).toEqual({
      code: 'unauthenticated',
      message: 'Wrong user name or password.',
      reason: 'wrong_credentials',
    });
    for (let i = 0; i < 2; i++) await call(stranger, 'auth.login', { username: 'nobody', password: 'x' });
    const waitUnknown = await call(stranger, 'auth.login', { username: 'nobody', password: 'x' });
    expect(waitUnknown.ok || waitUnknown.error.code).toBe('too_many_attempts');
  });

  it('refuses the most common passwords and ones made of the user name, the person or the site', async () => {
    const { admin } = await withAccounts();
    const save = (username: string, name: string, password: string) =>
      call(admin, 'operators.save', { username, name, role: 'operator', password });
    for (const common of [
      'password',
      'Password1!',
      '12345678',
      'qwertyuiop',
      'woaini1314',
      'aaaaaaaa',
      'a12345678',
      '88888888',
      'abcdefgh',
      'Admin@2024',
    ]) {
      const env = await save('zhao', '赵强', common);
      expect(env.ok || env.error, common).toMatchObject({ code: 'invalid_input', reason: 'password_common' });
    }
    for (const personal of [
      'zhaoqiang',
      'zhaoqiang2024',
      'gnaiqoahz',
      '赵强-2024-06',
      'Cuihu@2024',
      'cuihugarden1',
      '翠湖花园-8888',
    ]) {
      const env = await save('zhaoqiang', '赵强', personal);
      expect(env.ok || env.error, personal).toMatchObject({
        code: 'invalid_input',
        reason: 'password_personal',
      });
    }
    expect((await save('zhao', '赵强', 'zhao-shift-7')).ok).toBe(true);
  });

  it('keeps the last administrator, refuses a taken user name, and lets only admins manage accounts', async () => {
    const { admin, li } = await withAccounts();
    const demote = await call(admin, 'operators.save', {
      id: admin.operator!.id,
      username: 'admin',
      name: '管理员',
      role: 'supervisor',
    });
    expect(demote.ok || demote.error.message).toMatch(/last active administrator/);
    const newAccount = (username: string, role: Role) => ({
      username,
      name: 'X',
      role,
      password: 'clash-pass-1',
    });
    const clash = await call(admin, 'operators.save', newAccount('li', 'operator'));
    expect(clash.ok || clash.error.code).toBe('conflict');
    const asOperator = core.openSession('memory', li);
    const refused = await call(asOperator, 'operators.save', newAccount('x', 'admin'));
    expect(refused.ok || refused.error.code).toBe('forbidden');
  });

  it('tracks who is on duty, warns below two, and switches the operator without a restart', async () => {
    const { li } = await withAccounts();
    const s = core.openSession('memory');
    value(await call(s, 'auth.login', { username: 'li', password: 'li-pass-123' }));
    let shift = value(await call(s, 'shift.current')) as {
      onDuty: Array<{ operator: OperatorView }>;
      understaffed: boolean;
    };
    // The admin signed in at setup and is on duty too; li joined.
    expect(shift.onDuty.map((o) => o.operator.name)).toEqual(['管理员', '李明']);
    const adminId = shift.onDuty[0]!.operator.id;
    value(
      await call(core.openSession('memory', { id: adminId, name: '管理员', role: 'admin' }), 'shift.leave', {
        operatorId: adminId,
      }),
    );
    shift = value(await call(s, 'shift.current')) as typeof shift;
    expect(shift.understaffed).toBe(true);
    value(await call(s, 'shift.join', { username: 'wang', password: 'wang-pass-1' }));
    shift = value(await call(s, 'shift.current')) as typeof shift;
    expect(shift.onDuty.map((o) => o.operator.name)).toEqual(['李明', '王芳']);
    expect(shift.understaffed).toBe(false);
    // The console's operator is still li; switching makes wang the actor without anyone leaving the shift.
    expect(s.operator?.id).toBe(li.id);
    value(await call(s, 'auth.login', { username: 'wang', password: 'wang-pass-1' }));
    expect(s.operator?.name).toBe('王芳');
    expect((value(await call(s, 'shift.current')) as typeof shift).onDuty).toHaveLength(2);
    // An operator may not send a colleague off duty.
    const refused = await call(s, 'shift.leave', { operatorId: li.id });
    expect(refused.ok || refused.error.code).toBe('forbidden');
    // Unlock checks the signed-in operator's own password.
    expect((await call(s, 'auth.unlock', { password: 'li-pass-123' })).ok).toBe(false);
    expect((await call(s, 'auth.unlock', { password: 'wang-pass-1' })).ok).toBe(true);
  });

  it('carries over open items, refuses a handover until each is acknowledged, then seals; tampering is detected', async () => {
    await withAccounts();
    const s = core.openSession('memory');
    value(await call(s, 'auth.login', { username: 'li', password: 'li-pass-123' }));
    const alarm = value(
      await call(s, 'alarms.raise', {
        type: 'smoke',
        zone: 'bldg-01',
        text: 'resident calls: smoke',
        priority: 1,
      }),
    ) as {
      id: string;
    };
    const note = value(
      await call(s, 'duty.add', { kind: 'maintenance', text: 'Pump room door lock broken', followUp: true }),
    ) as { id: number };
    value(await call(s, 'duty.add', { kind: 'note', text: 'Visitor for 3-1-502 let in', alarmId: alarm.id }));
    clock.advance(60_000);
    await core.db.transaction((trx) =>
      writeDutyLog(trx, {
        at: clock.now(),
        kind: 'patrol_missed',
        text: 'Route A 02:00 checkpoint 4 missed',
      }),
    );
    const patrolId = (
      (await core.db('duty_log').where({ kind: 'patrol_missed' }).first('id')) as { id: number }
    ).id;

    const report = value(await call(s, 'shift.report')) as {
      items: Array<{ key: string }>;
      stats: { total: number };
    };
    expect(report.items.map((i) => i.key)).toEqual([
      `alarm:${alarm.id}`,
      `patrol:${patrolId}`,
      `note:${note.id}`,
    ]);
    expect(report.stats.total).toBe(1);

    const handover = (acknowledged: string[], incomingPassword = 'wang-pass-1') =>
      call(s, 'shift.handover', {
        outgoing: { username: 'li', password: 'li-pass-123' },
        incoming: { username: 'wang', password: incomingPassword },
        acknowledged,
        note: 'Smoke alarm in 1# still being checked by guard Zhao',
      });
    const partial = await handover([`alarm:${alarm.id}`]);
    expect(partial.ok || partial.error.message).toMatch(/not acknowledged 2 carried-over item/);
    const badPassword = await handover(
      report.items.map((i) => i.key),
      'wrong',
    );
    expect(badPassword.ok || badPassword.error.code).toBe('unauthenticated');
    // A new alarm after the report was read must be seen too.
    const late = value(
      await call(s, 'alarms.raise', { type: 'intrusion', zone: 'bldg-02', text: 'late' }),
    ) as { id: string };
    const stale = await handover(report.items.map((i) => i.key));
    expect(stale.ok || stale.error.message).toMatch(/not acknowledged 1/);
    // The refusal names what is missing as people know it, not by the site file's ids.
    expect(stale.ok || stale.error.message).toContain('Intrusion · Building 2 · New');

    const done = value(await handover([...report.items.map((i) => i.key), `alarm:${late.id}`])) as {
      sealed: { id: string; sealedAt: number };
      next: { id: string; onDuty: Array<{ operator: OperatorView }> };
      operator: OperatorView;
    };
    expect(done.sealed.sealedAt).toBe(clock.now());
    expect(done.operator.name).toBe('王芳');
    expect(s.operator?.name).toBe('王芳');
    expect(done.next.onDuty.map((o) => o.operator.name)).toEqual(['王芳']);

    const got = value(await call(s, 'shift.get', { id: done.sealed.id })) as {
      check: { ok: boolean; entries: number };
      report: { items: unknown[] };
    };
    expect(got.check.ok).toBe(true);
    expect(got.report.items).toHaveLength(4);
    const sealedEntries = got.check.entries;
    expect(sealedEntries).toBeGreaterThan(5);

    // The follow-up stays open into the next shift until someone closes it.
    let next = value(await call(s, 'shift.report')) as { items: Array<{ key: string }> };
    expect(next.items.map((i) => i.key)).toContain(`note:${note.id}`);
    value(await call(s, 'duty.add', { kind: 'follow_up_done', text: 'Lock replaced', refId: note.id }));
    next = value(await call(s, 'shift.report')) as typeof next;
    expect(next.items.map((i) => i.key)).not.toContain(`note:${note.id}`);

    // Entries are never edited through the console's own connection...
    await expect(core.db('duty_log').where({ id: note.id }).update({ text: 'x' })).rejects.toThrow(
      /never edited/,
    );
    await expect(core.db('shifts').where({ id: done.sealed.id }).update({ report: '{}' })).rejects.toThrow(
      /sealed shift/,
    );
    await expect(core.db('shift_seal').where({ shift_id: done.sealed.id }).delete()).rejects.toThrow(
      /append-only/,
    );
    // ...and if someone edits the file behind its back (triggers dropped), the check names the entry.
    const raw = new Database(dbFile);
    raw.exec('DROP TRIGGER duty_log_no_update');
    raw.prepare('UPDATE duty_log SET text = ? WHERE id = ?').run('nothing happened', note.id);
    raw.close();
    let check = (
      value(await call(s, 'shift.get', { id: done.sealed.id })) as {
        check: { ok: boolean; brokenAt: number; reason: string };
      }
    ).check;
    expect(check).toMatchObject({
      ok: false,
      brokenAt: note.id,
      reason: 'this entry was changed since the shift was sealed',
    });

    const raw2 = new Database(dbFile);
    raw2.prepare('UPDATE duty_log SET text = ? WHERE id = ?').run('Pump room door lock broken', note.id);
    raw2.prepare('DELETE FROM duty_log WHERE id = ?').run(patrolId);
    raw2.close();
    check = (
      value(await call(s, 'shift.get', { id: done.sealed.id })) as typeof got & { check: typeof check }
    ).check;
    expect(check).toMatchObject({ ok: false, brokenAt: patrolId, reason: 'this entry was removed' });

    // Corrections are new entries referring to the old one.
    const fix = value(
      await call(s, 'duty.add', { kind: 'correction', text: 'Visitor was for 3-1-503', refId: note.id + 1 }),
    ) as {
      refId: number;
      sealed: boolean;
    };
    expect(fix).toMatchObject({ refId: note.id + 1, sealed: false });
    const noRef = await call(s, 'duty.add', { kind: 'correction', text: 'x' });
    expect(noRef.ok || noRef.error.code).toBe('invalid_input');

    // The sealed report prints to a PDF.
    const pdf = value(await call(s, 'shift.pdf', { id: done.sealed.id, locale: 'zh-CN' })) as {
      pdf: string;
      fileName: string;
    };
    expect(Buffer.from(pdf.pdf, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.fileName).toMatch(/^handover-2026-11-24-.*\.pdf$/);
  });

  it('the sealed record holds the note, every manual entry and follow-up, names instead of ids, and signatures; so does its PDF in both languages', async () => {
    await withAccounts();
    const s = core.openSession('memory');
    value(await call(s, 'auth.login', { username: 'li', password: 'li-pass-123' }));
    value(await call(s, 'shift.join', { username: 'wang', password: 'wang-pass-1' }));
    const alarm = value(
      await call(s, 'alarms.raise', { type: 'smoke', zone: 'garden-central', text: 'resident calls: smoke' }),
    ) as { id: string };
    // A pump in the garden reports a fault through the hub (as the inbox stores it).
    await core.db('hub_events').insert({
      seq: 900_001,
      kind: 'device',
      at: clock.now(),
      received_at: clock.now(),
      body: JSON.stringify({
        deviceId: 'pump-garden-central-1',
        kind: 'pump',
        state: 'fault',
        zone: 'garden-central',
        text: '压力低 / low pressure',
        at: clock.now(),
      }),
    });
    await writeDutyLog(core.db, {
      at: clock.now(),
      kind: 'device',
      text: 'pump-garden-central-1 (pump, garden-central) fault: 压力低 / low pressure',
    });
    clock.advance(60_000);
    const door = value(
      await call(s, 'duty.add', {
        kind: 'maintenance',
        text: 'Pump room door to be checked every round',
        followUp: true,
      }),
    ) as { id: number };
    const barrier = value(
      await call(s, 'duty.add', { kind: 'note', text: 'North gate barrier arm sticks', followUp: true }),
    ) as { id: number };
    const visitor = value(
      await call(s, 'duty.add', { kind: 'visitor', text: 'Courier for 5-2-1101 let in', alarmId: alarm.id }),
    ) as { id: number };
    clock.advance(60_000);
    const repaired = value(
      await call(s, 'duty.add', { kind: 'follow_up_done', text: 'Barrier arm repaired', refId: barrier.id }),
    ) as { id: number };
    const note = 'pump room door to be checked';
    const report = value(await call(s, 'shift.report')) as {
      items: Array<{ key: string; label: { 'zh-CN': string; en: string } }>;
    };
    // The open report already names the zone for the operators about to sign.
    expect(report.items.map((i) => i.label.en)).toContain('P1 · Smoke detector · Central Garden · New');
    clock.advance(60_000);
    const done = value(
      await call(s, 'shift.handover', {
        outgoing: { username: 'li', password: 'li-pass-123' },
        incoming: { username: 'wang', password: 'wang-pass-1' },
        acknowledged: report.items.map((i) => i.key),
        note,
      }),
    ) as { sealed: { id: string; sealedAt: number } };

    const got = value(await call(s, 'shift.get', { id: done.sealed.id })) as {
      record: ShiftRecord;
      check: { ok: boolean; entries: number };
    };
    const record = got.record;
    expect(got.check.ok).toBe(true);
    expect(record.site).toEqual({ 'zh-CN': '翠湖花园', en: 'Cuihu Garden' });
    expect(record.outgoing).toEqual(['李明']);
    expect(record.incoming).toEqual(['王芳']);
    expect(record.note).toMatchObject({ kind: 'handover', operatorName: '李明', text: { en: note } });
    // Every manual entry and follow-up in full, oldest first; the note is its own section.
    expect(record.manual.map((e) => [e.id, e.text.en, e.followUp, e.refId])).toEqual([
      [door.id, 'Pump room door to be checked every round', true, undefined],
      [barrier.id, 'North gate barrier arm sticks', true, undefined],
      [visitor.id, 'Courier for 5-2-1101 let in', false, undefined],
      [repaired.id, 'Barrier arm repaired', false, barrier.id],
    ]);
    expect(record.manual.every((e) => e.operatorName === '李明')).toBe(true);
    expect(record.manual[2]?.alarm).toEqual({
      'zh-CN': 'P1 · 烟感报警 · 中心花园',
      en: 'P1 · Smoke detector · Central Garden',
    });
    // The items carry names (zone, device kind) in each language, never ids.
    const labels = Object.fromEntries(record.items.map((i) => [i.kind, i.label]));
    expect(labels.alarm).toEqual({
      'zh-CN': 'P1 · 烟感报警 · 中心花园 · 新报警',
      en: 'P1 · Smoke detector · Central Garden · New',
    });
    expect(labels.device).toEqual({
      'zh-CN': '水泵 · 中心花园 · 故障：压力低 / low pressure',
      en: 'Pump · Central Garden · Fault: 压力低 / low pressure',
    });
    expect(labels.note?.en).toBe('Pump room door to be checked every round');
    // The console's own entries are grouped by kind; their ids are named and their words are the reader's.
    const groups = Object.fromEntries(record.automatic.map((g) => [g.kind, g.entries]));
    expect(groups.alarm?.[0]?.text).toEqual({
      'zh-CN': '烟感报警 P1 中心花园',
      en: 'Smoke detector P1 Central Garden',
    });
    expect(groups.device?.[0]?.text.en).toBe(
      'pump-garden-central-1 (pump, Central Garden) fault: 压力低 / low pressure',
    );
    expect(Object.keys(groups)).toEqual(expect.arrayContaining(['shift', 'handover', 'alarm', 'device']));
    // The duty log names them too, and keeps the stored text as it was written.
    const logged = value(await call(s, 'duty.list', { filter: { kinds: ['alarm', 'visitor'] } })) as {
      entries: Array<{ kind: string; text: string; named?: { en: string } }>;
    };
    expect(logged.entries.map((e) => [e.kind, e.text, e.named?.en])).toEqual([
      ['visitor', 'Courier for 5-2-1101 let in', undefined],
      ['alarm', 'smoke P1 garden-central', 'Smoke detector P1 Central Garden'],
    ]);
    const listed = record.manual.length + 1 + record.automatic.reduce((n, g) => n + g.entries.length, 0);
    expect(listed).toBe(record.entryCount);
    expect(record.entryCount).toBe(got.check.entries);
    const sealRow = (await core.db('shifts').where({ id: done.sealed.id }).first('seal_hash')) as {
      seal_hash: string;
    };
    expect(record.signatures).toEqual({
      signers: [
        { role: 'outgoing', name: '李明', at: done.sealed.sealedAt },
        { role: 'incoming', name: '王芳', at: done.sealed.sealedAt },
      ],
      sealedAt: done.sealed.sealedAt,
      sealHash: sealRow.seal_hash,
      check: { ok: true, entries: got.check.entries },
    });
    const shown = (locale: 'zh-CN' | 'en') =>
      [
        record.site[locale],
        record.note?.text[locale],
        ...record.items.map((i) => i.label[locale]),
        ...record.manual.map((e) => e.text[locale]),
        ...record.automatic.flatMap((g) => g.entries.map((e) => e.text[locale])),
      ].join('\n');
    expect(siteIdsIn(shown('zh-CN'))).toEqual([]);
    expect(siteIdsIn(shown('en'))).toEqual([]);

    if (!pdftotext.available) return;
    const pdfText = async (locale: 'zh-CN' | 'en') => {
      const { pdf } = value(await call(s, 'shift.pdf', { id: done.sealed.id, locale })) as { pdf: string };
      const file = join(tmp.dir, `handover-${locale}.pdf`);
      writeFileSync(file, Buffer.from(pdf, 'base64'));
      // Without -layout the words of a line stay together whatever the column widths.
      return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    };
    const en = await pdfText('en');
    const zh = await pdfText('zh-CN');
    for (const text of [en, zh]) {
      for (const shownText of [
        note,
        'Pump room door to be checked every round',
        'North gate barrier arm sticks',
        'Courier for 5-2-1101 let in',
        'Barrier arm repaired',
        sealRow.seal_hash,
      ])
        expect(text).toContain(shownText);
      expect(siteIdsIn(text)).toEqual([]);
    }
    // English: English separators and names; the sections in the record's order.
    expect(en).toContain('Outgoing operator: 李明');
    expect(en).toContain('Incoming operator: 王芳');
    expect(en).toContain('Operators: 李明, 王芳');
    expect(en).not.toContain('、');
    expect(en).toContain('P1 · Smoke detector · Central Garden · New');
    expect(en).toContain('Pump · Central Garden · Fault: 压力低 / low pressure');
    expect(en).toContain(`Closes follow-up #${barrier.id}`);
    expect(en).toContain('Linked alarm: P1 · Smoke detector · Central Garden');
    expect(en).toContain('Smoke detector P1 Central Garden');
    expect(en).toMatch(/Verified: \d+ entries unchanged since sealing/);
    expect(en).toContain("Outgoing operator's signature: ____");
    expect(en).toContain("Incoming operator's signature: ____");
    const order = [
      'Site: Cuihu Garden',
      'Shift: ',
      'Outgoing operator: 李明',
      'Handover note',
      note,
      'Carried-over items',
      'Duty log of this shift',
      'Manual entries and follow-ups',
      'Automatic entries',
      'Shift statistics',
      'Signatures',
      'Seal hash',
      "Outgoing operator's signature",
      'Appendix: automatic duty-log entries',
    ].map((needle) => en.indexOf(needle));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Chinese: Chinese separators and names.
    expect(zh).toContain('交班人：李明');
    expect(zh).toContain('接班人：王芳');
    expect(zh).toContain('值班人员：李明、王芳');
    expect(zh).toContain('P1 · 烟感报警 · 中心花园 · 新报警');
    expect(zh).toContain('水泵 · 中心花园 · 故障：压力低 / low pressure');
    expect(zh).toContain(`完成第 ${barrier.id} 条跟进`);
    expect(zh).toContain('关联报警：P1 · 烟感报警 · 中心花园');
    expect(zh).toContain('烟感报警 P1 中心花园');
    expect(zh).toContain('校验通过');
    expect(zh).toContain('交班人签名：____');
    expect(zh).toContain('附录：系统自动记录');
  });

  it('duty log: filters, search, CSV with formula cells neutralised', async () => {
    await withAccounts();
    const s = core.openSession('memory');
    value(await call(s, 'auth.login', { username: 'li', password: 'li-pass-123' }));
    value(await call(s, 'duty.add', { kind: 'visitor', text: '=HYPERLINK("x") courier for 5-2-1101' }));
    value(
      await call(s, 'duty.add', {
        kind: 'call',
        text: 'Called 119 drill coordination, "fire"',
        followUp: true,
      }),
    );
    const visitors = value(await call(s, 'duty.list', { filter: { kinds: ['visitor'] } })) as {
      entries: Array<{ text: string; operatorName: string; manual: boolean }>;
    };
    expect(visitors.entries).toHaveLength(1);
    expect(visitors.entries[0]).toMatchObject({ operatorName: '李明', manual: true });
    const found = value(await call(s, 'duty.list', { filter: { search: '119' } })) as { entries: unknown[] };
    expect(found.entries).toHaveLength(1);
    const byName = value(await call(s, 'duty.list', { filter: { search: '李明', manual: true } })) as {
      entries: unknown[];
    };
    expect(byName.entries).toHaveLength(2);
    const follow = value(await call(s, 'duty.list', { filter: { followUp: true } })) as {
      entries: unknown[];
    };
    expect(follow.entries).toHaveLength(1);
    const csv = value(await call(s, 'duty.exportCsv', { filter: { manual: true } })) as {
      csv: string;
      rows: number;
    };
    expect(csv.rows).toBe(2);
    expect(csv.csv.startsWith('\uFEFFid,time,kind,text')).toBe(true);
    expect(csv.csv).toContain(`"'=HYPERLINK(""x"") courier for 5-2-1101"`);
    expect(csv.csv).toContain('"Called 119 drill coordination, ""fire"""');
  });

  it('retention keeps at least 10,000 entries of a kind and backs up before pruning beyond the cap', async () => {
    const rows = Array.from({ length: 10_050 }, (_, i) => ({
      at: i,
      kind: 'alarm',
      text: `a${i}`,
      manual: 0,
      follow_up: 0,
    }));
    for (let i = 0; i < rows.length; i += 500) await core.db('duty_log').insert(rows.slice(i, i + 500));
    await core.db('duty_log').insert({ at: 1, kind: 'note', text: 'n', manual: 1, follow_up: 0 });
    // A cap below the floor is raised to it.
    const result = await enforceDutyRetention(core.db, {
      capPerKind: 100,
      backupsDir: join(tmp.dir, 'backups'),
      at: clock.now(),
    });
    expect(result.removed).toBe(50);
    expect(result.backup).toMatch(/retention/);
    const backup = new Database(result.backup!, { readonly: true });
    expect(
      (backup.prepare("SELECT count(*) AS n FROM duty_log WHERE kind = 'alarm'").get() as { n: number }).n,
    ).toBe(10_050);
    backup.close();
    expect(
      Number(
        ((await core.db('duty_log').where({ kind: 'alarm' }).count({ n: '*' }).first()) as { n: number }).n,
      ),
    ).toBe(10_000);
    expect(await core.db('duty_log').where({ kind: 'note' })).toHaveLength(1);
    expect(await core.db('duty_log').where({ kind: 'alarm', text: 'a49' })).toHaveLength(0);
    expect(await core.db('duty_log').where({ kind: 'alarm', text: 'a50' })).toHaveLength(1);
    expect(
      (await enforceDutyRetention(core.db, { capPerKind: 100, backupsDir: join(tmp.dir, 'backups'), at: 2 }))
        .removed,
    ).toBe(0);
  });
});

describe('carry-over rules', () => {
  const empty = {
    openAlarms: [],
    offlineCameras: [],
    faultyDevices: [],
    missedPatrols: [],
    drillsDue: [],
    followUps: [],
  };

  it('orders alarms by priority then age, then cameras, devices, patrols, drills, notes', () => {
    const items = carryOverItems({
      ...empty,
      openAlarms: [
        { id: 'b', type: 'door_held', priority: 3, state: 'new', receivedAt: 1 },
        { id: 'a', type: 'fire', priority: 1, state: 'acknowledged', receivedAt: 5, zone: 'bldg-01' },
        { id: 'c', type: 'smoke', priority: 1, state: 'new', receivedAt: 2 },
      ],
      offlineCameras: [{ id: 'cam-1', name: '北门', since: 3, reason: 'host unreachable' }],
      faultyDevices: [{ deviceId: 'pump-1', kind: 'pump', state: 'fault', since: 4 }],
      missedPatrols: [{ entryId: 7, at: 6, text: 'Route A' }],
      drillsDue: [{ key: 'd1', due: 9, text: 'Monthly fire drill' }],
      followUps: [{ entryId: 9, at: 8, text: 'Lock' }],
    });
    expect(items.map((i) => i.key)).toEqual([
      'alarm:c',
      'alarm:a',
      'alarm:b',
      'camera:cam-1',
      'device:pump-1',
      'patrol:7',
      'drill:d1',
      'note:9',
    ]);
    expect(unacknowledged(items, ['alarm:c', 'alarm:a']).map((i) => i.key)).toHaveLength(6);
    expect(
      unacknowledged(
        items,
        items.map((i) => i.key),
      ),
    ).toEqual([]);
    expect(carryOverItems(empty)).toEqual([]);
  });

  it('a follow-up stays open until a follow_up_done names it; a correction does not close it', () => {
    const entries = [
      { id: 1, followUp: true, kind: 'note' },
      { id: 2, followUp: true, kind: 'maintenance' },
      { id: 3, followUp: false, kind: 'correction', refId: 1 },
      { id: 4, followUp: false, kind: 'follow_up_done', refId: 2 },
    ];
    expect(openFollowUps(entries).map((e) => e.id)).toEqual([1]);
  });

  it('two operators per shift', () => {
    expect(understaffed(0)).toBe(true);
    expect(understaffed(1)).toBe(true);
    expect(understaffed(2)).toBe(false);
  });
});

describe('names for people', () => {
  const names = new SiteNames(loadSite(demoSitePath()).site);

  it('joins lists with each language’s own separators', () => {
    expect(joinList(['Admin Walker', 'Olga Out'], 'en')).toBe('Admin Walker, Olga Out');
    expect(joinList(['李明', '王芳', '赵强'], 'zh-CN')).toBe('李明、王芳、赵强');
    expect(joinList(['李明'], 'zh-CN')).toBe('李明');
  });

  it('names site ids only where they stand as words of their own', () => {
    expect(names.nameIds('smoke P1 garden-central')).toEqual({
      'zh-CN': 'smoke P1 中心花园',
      en: 'smoke P1 Central Garden',
    });
    expect(names.nameIds('cam-07 offline near bldg-01.').en).toBe('Central Garden offline near Building 1.');
    // A hub device address that contains a zone id is not the zone.
    expect(names.nameIds('det-bldg-01-2 fault').en).toBe('det-bldg-01-2 fault');
    expect(siteIdsIn('det-bldg-01-2 fault')).toEqual([]);
    expect(siteIdsIn('near bldg-01.')).toEqual(['bldg-01']);
    expect(demoSiteIds()).toEqual(
      expect.arrayContaining(['garden-central', 'cam-07', 'guard-01', 'route-perimeter']),
    );
  });

  it('labels a report sealed before version 2 from its text, with the ids named', () => {
    const legacy = {
      key: 'device:pump-1',
      kind: 'device' as const,
      text: 'pump-1 (pump) fault near garden-central',
    };
    expect(itemLabel(legacy, undefined, names)).toEqual({
      'zh-CN': 'pump-1 (pump) fault near 中心花园',
      en: 'pump-1 (pump) fault near Central Garden',
    });
    const camera = {
      key: 'camera:cam-07',
      kind: 'camera' as const,
      text: '中心花园: host unreachable',
      detail: 'host unreachable',
    };
    expect(itemLabel(camera, 2, names)).toEqual({
      'zh-CN': '中心花园：host unreachable',
      en: 'Central Garden: host unreachable',
    });
    // What people wrote stays as they wrote it.
    const followUp = { key: 'note:3', kind: 'note' as const, text: 'check cam-07 housing' };
    expect(itemLabel(followUp, 2, names).en).toBe('check cam-07 housing');
  });
});
