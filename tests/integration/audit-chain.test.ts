import Database from 'better-sqlite3';
import { createHash, createHmac } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope, Notice } from '../../shared/contract';
import type { ConsoleConfig, ConsoleCore } from '../../electron/core';
import type { Desk } from '../../electron/desk';
import { appendAudit, verifyAudit, type AuditRow as Row } from '../../electron/core/audit/audit';
import { chainHash } from '../../electron/core/audit/chain';
import { backupDatabase, listBackups } from '../../electron/core/db/backup';
import { openDatabase } from '../../electron/common/database';
import { MIGRATIONS } from '../../electron/core/schema';
import { dutyRowFields, type DutyRow } from '../../electron/core/duty/duty-log';
import type { Session } from '../../electron/core/router/router';
import { ShiftService } from '../../electron/core/shift/shifts';
import { demoSitePath, loadSite } from '../../electron/common/site-file';
import { SiteNames } from '../../electron/core/site/names';
import { ManualClock } from '../../electron/common/clock';
import { sequentialIds } from '../../electron/core/util/ids';
import { silentLogger } from '../../electron/common/log';
import { DEFAULT_TARGETS } from '../../shared/domain/alarm-lifecycle';
import { tempDir } from '../support/temp';
import { until } from '../support/until';
import { startCore } from '../support/core';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const GENESIS = '0'.repeat(64);
const HOUR = 3600_000;

function value<T>(env: Envelope<T>): T {
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
  return env.value;
}

/** The attacker's own link function, written from the stored format (not the console's code). */
function link(prev: string, r: Row, key?: Buffer): string {
  const text = JSON.stringify([prev, r.at, r.actor_id, r.actor_name, r.action, r.target, r.details]);
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(text).digest('hex');
}

/**
 * The attack from the issue, on the file with sqlite3: drop the append-only triggers, delete an entry, number
 * the rest again and recompute every link (with the key when the attacker has it).
 */
function deleteAndRebuild(file: string, seq: number, key?: Buffer): void {
  const raw = new Database(file);
  raw.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  raw.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq);
  const rows = raw.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Row[];
  const update = raw.prepare('UPDATE audit_log SET seq = ?, prev_hash = ?, hash = ? WHERE seq = ?');
  let prev = GENESIS;
  rows.forEach((r, i) => {
    const hash = link(prev, r, key);
    update.run(i + 1, prev, hash, r.seq);
    prev = hash;
  });
  raw.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'").run(rows.length);
  raw.close();
}

describe('audit chain: keyed with a key outside the database, anchored outside the console', () => {
  let tmp: ReturnType<typeof tempDir>;
  let clock: ManualClock;
  let core: Desk | undefined;
  let dbFile: string;
  let keyFile: string;

  beforeEach(() => {
    tmp = tempDir();
    dbFile = join(tmp.dir, 'console.sqlite');
    keyFile = join(tmp.dir, 'audit.key');
    clock = new ManualClock(Date.UTC(2026, 10, 24, 1, 0));
  });
  afterEach(async () => {
    await core?.stop();
    core = undefined;
    tmp.cleanup();
  });

  async function start(extra: Partial<ConsoleConfig> = {}): Promise<Desk> {
    await core?.stop();
    core = await startCore(tmp.dir, {
      dbFile,
      backups: { enabled: false },
      clock,
      ids: sequentialIds('id'),
      duty: { hashParams: FAST },
      ...extra,
    });
    return core;
  }

  async function stop(): Promise<void> {
    await core?.stop();
    core = undefined;
  }

  async function audit(c: ConsoleCore, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      clock.advance(1000);
      await c.db.transaction((trx) =>
        appendAudit(trx, {
          at: clock.now(),
          actorId: 'op-li',
          actorName: '李明',
          action: 'alarms.mute',
          details: { minutes: i + 1 },
        }),
      );
    }
  }

  const rows = async (c: Desk) => (await c.db('audit_log').orderBy('seq')) as Row[];
  const supervisor = (c: Desk): Session =>
    c.openSession('memory', { id: 'sup-wang', name: '王芳', role: 'supervisor' });

  async function notices(c: Desk): Promise<Notice[]> {
    return (value(await c.router.call('notices.recent', {}, supervisor(c))) as { notices: Notice[] }).notices;
  }

  /** Two operators, one duty entry and a handover: the outgoing shift is sealed. */
  async function sealShift(c: Desk): Promise<{ shiftId: string; session: Session }> {
    const call = (s: Session, method: string, input: unknown = {}) => c.router.call(method, input, s);
    const admin = c.openSession('memory', null);
    value(await call(admin, 'auth.setup', { username: 'admin', name: '管理员', password: 'admin-pass-1' }));
    for (const [username, name, password] of [
      ['li', '李明', 'li-pass-123'],
      ['wang', '王芳', 'wang-pass-1'],
    ] as const)
      value(await call(admin, 'operators.save', { username, name, role: 'operator', password }));
    const s = c.openSession('memory');
    value(await call(s, 'auth.login', { username: 'li', password: 'li-pass-123' }));
    value(await call(s, 'duty.add', { kind: 'note', text: 'Visitor for 3-1-502 let in' }));
    const report = value(await call(s, 'shift.report')) as { items: Array<{ key: string }> };
    const done = value(
      await call(s, 'shift.handover', {
        outgoing: { username: 'li', password: 'li-pass-123' },
        incoming: { username: 'wang', password: 'wang-pass-1' },
        acknowledged: report.items.map((i) => i.key),
      }),
    ) as { sealed: { id: string } };
    return { shiftId: done.sealed.id, session: s };
  }

  async function sealCheck(c: ConsoleCore, session: Session, id: string) {
    return (
      value(await c.router.call('shift.get', { id }, session)) as {
        check: { ok: boolean; entries: number; brokenAt?: number; reason?: string };
      }
    ).check;
  }

  it('links every entry with a key kept in the data directory: a chain rebuilt with plain SHA-256 fails', async () => {
    let c = await start();
    expect(statSync(keyFile).size).toBe(32);
    if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    await audit(c, 5);
    expect(await verifyAudit(c.db)).toMatchObject({ ok: true, entries: 5, keyedFrom: 1, anchors: 0 });
    // The links are not what anyone can recompute from the rows, but what the key makes.
    const key = readFileSync(keyFile);
    const [first] = await rows(c);
    expect(first!.hash).not.toBe(link(GENESIS, first!));
    expect(first!.hash).toBe(link(GENESIS, first!, key));

    await stop();
    deleteAndRebuild(dbFile, 3);
    c = await start();
    expect((await rows(c)).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(await verifyAudit(c.db)).toMatchObject({
      ok: false,
      brokenAt: 1,
      reason: 'this entry was changed',
    });
    // The same through the console's own call.
    expect(value(await c.router.call('audit.verify', {}, supervisor(c)))).toMatchObject({ ok: false });
  });

  it('a chain rebuilt with the key still fails: the anchor beside the backup names the entry it no longer has', async () => {
    let c = await start();
    await audit(c, 5);
    const head = (await rows(c)).at(-1)!;
    const backup = await backupDatabase(c.db, join(tmp.dir, 'backups'), 'manual', clock.now());
    const beside = backup.replace(/\.sqlite$/, '.anchor.json');
    expect(JSON.parse(readFileSync(beside, 'utf8'))).toMatchObject({ seq: 5, hash: head.hash, keyedFrom: 1 });

    await stop();
    const key = readFileSync(keyFile);
    deleteAndRebuild(dbFile, 3, key);
    // With the key alone, the rebuilt chain is perfect: only something outside the database can tell.
    const keyOnly = tempDir();
    try {
      copyFileSync(keyFile, join(keyOnly.dir, 'audit.key'));
      const db = await openDatabase({ file: dbFile, log: silentLogger, migrations: MIGRATIONS });
      expect(await verifyAudit(db, { dataDir: keyOnly.dir })).toMatchObject({ ok: true, entries: 4 });
      await db.destroy();
    } finally {
      keyOnly.cleanup();
    }

    c = await start({ backups: { enabled: true } });
    const result = await verifyAudit(c.db);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(
      /^the anchor backups\/console-\d{8}-\d{6}-manual\.anchor\.json \(taken [^)]+\) names entry 5, but the chain ends at 4: entries were removed$/,
    );
  });

  it('every backup carries an anchor; the newest is also in the data directory; pruning takes both', async () => {
    const c = await start();
    const dir = join(tmp.dir, 'backups');
    const heads: number[] = [];
    for (let i = 0; i < 3; i++) {
      await audit(c, 2);
      heads.push((await rows(c)).at(-1)!.seq);
      clock.advance(60_000);
      await backupDatabase(c.db, dir, 'manual', clock.now(), 2);
    }
    const backups = listBackups(dir);
    expect(backups).toHaveLength(2);
    const anchors = readdirSync(dir).filter((f) => f.endsWith('.anchor.json'));
    expect(anchors).toHaveLength(2);
    for (const b of backups) expect(existsSync(b.file.replace(/\.sqlite$/, '.anchor.json'))).toBe(true);
    // Each anchor names the head of the copy beside it.
    for (const b of backups) {
      const anchor = JSON.parse(readFileSync(b.file.replace(/\.sqlite$/, '.anchor.json'), 'utf8')) as {
        seq: number;
        hash: string;
      };
      const copy = new Database(b.file, { readonly: true });
      const copyHead = copy.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get();
      copy.close();
      expect(copyHead).toEqual({ seq: anchor.seq, hash: anchor.hash });
    }
    const latest = JSON.parse(readFileSync(join(tmp.dir, 'audit-anchor.json'), 'utf8')) as { seq: number };
    expect(latest.seq).toBe(heads.at(-1));
    expect(await verifyAudit(c.db)).toMatchObject({ ok: true, entries: 6, anchors: 3 });
  });

  it('a database from before keyed chains verifies as before; entries from the cut-over on are keyed; moving the cut-over shows', async () => {
    // The previous version: SHA-256 links, and a shift sealed with them.
    const old = await openDatabase({ file: dbFile, log: silentLogger, migrations: MIGRATIONS });
    for (const [id, name] of [
      ['op-li', '李明'],
      ['op-wang', '王芳'],
    ] as const)
      await old('operators').insert({
        id,
        username: id,
        name,
        role: 'operator',
        password_hash: 'x',
        created_at: 1,
        updated_at: 1,
      });
    await old.transaction((trx) =>
      appendAudit(trx, {
        at: 1,
        actorId: 'admin',
        actorName: '管理员',
        action: 'operator.add',
        target: 'op-li',
      }),
    );
    const shifts = new ShiftService({
      db: old,
      clock,
      ids: sequentialIds('old'),
      onChanged: () => undefined,
      names: () => new SiteNames(loadSite(demoSitePath()).site),
      facts: {
        openAlarms: async () => [],
        offlineCameras: () => [],
        drillsDue: async () => [],
        targets: () => DEFAULT_TARGETS,
      },
    });
    const li = { id: 'op-li', name: '李明', role: 'operator' as const };
    const wang = { id: 'op-wang', name: '王芳', role: 'operator' as const };
    await shifts.join(li, 'password');
    const { sealed } = await shifts.handover({ outgoing: li, incoming: wang, acknowledged: [] });
    const legacy = (await old('audit_log').orderBy('seq')) as Row[];
    expect(legacy).toHaveLength(2);
    expect(legacy[1]!.hash).toBe(link(legacy[0]!.hash, legacy[1]!));
    await old.destroy();
    expect(existsSync(keyFile)).toBe(false);

    const c = await start();
    expect(await verifyAudit(c.db)).toMatchObject({ ok: true, entries: 2, keyedFrom: 3 });
    expect(await sealCheck(c, supervisor(c), sealed.id)).toMatchObject({ ok: true });
    await audit(c, 2);
    const key = readFileSync(keyFile);
    const all = await rows(c);
    expect(all[2]!.prev_hash).toBe(legacy[1]!.hash);
    expect(all[2]!.hash).toBe(link(all[1]!.hash, all[2]!, key));
    expect(all[3]!.hash).toBe(link(all[2]!.hash, all[3]!, key));
    expect(await verifyAudit(c.db)).toMatchObject({ ok: true, entries: 4, keyedFrom: 3 });

    // Passing the keyed entries off as old unkeyed ones (cut-over moved, links recomputed) needs the key.
    await stop();
    const raw = new Database(dbFile);
    raw.exec('DROP TRIGGER audit_no_update');
    const record = JSON.parse(
      (raw.prepare("SELECT value FROM meta WHERE key = 'audit.keying'").get() as { value: string }).value,
    ) as { keyedFrom: number };
    raw
      .prepare("UPDATE meta SET value = ? WHERE key = 'audit.keying'")
      .run(JSON.stringify({ ...record, keyedFrom: 5 }));
    let prev = legacy[1]!.hash;
    for (const r of all.slice(2)) {
      const hash = link(prev, { ...r, details: '{}' });
      raw
        .prepare("UPDATE audit_log SET details = '{}', prev_hash = ?, hash = ? WHERE seq = ?")
        .run(prev, hash, r.seq);
      prev = hash;
    }
    raw.close();
    const again = await start();
    expect(await verifyAudit(again.db)).toMatchObject({
      ok: false,
      reason: 'the record of where the keyed chain begins was changed',
    });
  });

  it('a missing key file is said plainly and never silently replaced; the console keeps working; when it is back the entries meanwhile are recorded as unkeyed', async () => {
    let c = await start();
    await audit(c, 3);
    await stop();
    const key = readFileSync(keyFile);
    rmSync(keyFile);

    c = await start();
    expect(existsSync(keyFile)).toBe(false);
    const notice = (await notices(c)).find((n) => n.code === 'audit-key');
    expect(notice).toMatchObject({ level: 'error' });
    expect(notice!.message).toContain(`审计密钥文件 ${keyFile} 丢失`);
    expect(notice!.message).toContain('不要新建密钥');
    await audit(c, 2);
    const missing = await verifyAudit(c.db);
    expect(missing.ok).toBe(false);
    expect(missing.reason).toBe(
      `the audit key file ${keyFile} is missing, so 5 keyed entries cannot be checked. Put the key file back ` +
        'from its safe copy and restart the console; do not make a new one (the keyed entries could never be ' +
        'checked again).',
    );

    await stop();
    c = await start();
    expect(existsSync(keyFile)).toBe(false);
    await stop();

    writeFileSync(keyFile, key, { mode: 0o600 });
    c = await start();
    expect((await notices(c)).find((n) => n.code === 'audit-key')).toMatchObject({
      level: 'warning',
      message: expect.stringContaining('2 条审计记录（第 4 至 5 条）') as unknown as string,
    });
    expect(await verifyAudit(c.db)).toMatchObject({ ok: true, entries: 6, unkeyed: [{ from: 4, to: 5 }] });
    const last = (await rows(c)).at(-1)!;
    expect(last).toMatchObject({ seq: 6, action: 'audit.unkeyed', actor_id: 'console' });
    expect(last.hash).toBe(link(last.prev_hash, last, key));
  });

  it('a key file from another database is not used and not replaced', async () => {
    let c = await start();
    await audit(c, 2);
    await stop();
    const other = tempDir();
    try {
      c = await start({ dataDir: other.dir, dbFile: join(other.dir, 'console.sqlite') });
      await stop();
      copyFileSync(join(other.dir, 'audit.key'), keyFile);
    } finally {
      other.cleanup();
    }
    const foreign = readFileSync(keyFile);
    c = await start();
    expect((await notices(c)).find((n) => n.code === 'audit-key')?.message).toContain('属于另一个数据库');
    expect(readFileSync(keyFile).equals(foreign)).toBe(true);
    expect(await verifyAudit(c.db)).toMatchObject({ ok: false });
    expect((await verifyAudit(c.db)).reason).toMatch(
      /belongs to another database, so 2 keyed entries cannot be checked/,
    );
  });

  it('sends the head to the hub every hour and at every shift seal, in simulated time', async () => {
    // Hours pass in this test: the renderers' batching timers need not fire thousands of times meanwhile.
    const c = await start({ alarmFlushMs: HOUR, positionFlushMs: HOUR });
    const consoleId = c.info.consoleId;
    await audit(c, 2);
    const head = (await rows(c)).at(-1)!;
    clock.advance(HOUR);
    const hourly = await until('the hourly anchor at the hub', async () => {
      const got = await c.demoHub!.auditAnchors(consoleId);
      return got.length > 0 ? got : undefined;
    });
    expect(hourly).toHaveLength(1);
    expect(hourly[0]).toMatchObject({ seq: 2, hash: head.hash, keyedFrom: 1, reason: 'hourly' });
    expect(JSON.parse(readFileSync(join(tmp.dir, 'audit-anchor.json'), 'utf8'))).toMatchObject({
      seq: 2,
      hash: head.hash,
    });

    const { shiftId } = await sealShift(c);
    const sealedEntry = (await c
      .db('audit_log')
      .where({ action: 'shift.sealed', target: shiftId })
      .first()) as Row;
    const anchors = await until('the seal anchor at the hub', async () => {
      const got = await c.demoHub!.auditAnchors(consoleId);
      return got.some((a) => a.reason === 'seal') ? got : undefined;
    });
    expect(anchors.find((a) => a.reason === 'seal')).toMatchObject({
      seq: sealedEntry.seq,
      hash: sealedEntry.hash,
    });

    // An hour later, with entries since the seal, the new head goes too.
    await audit(c, 1);
    const newest = (await rows(c)).at(-1)!;
    clock.advance(HOUR);
    await until('the next hourly anchor', async () =>
      (await c.demoHub!.auditAnchors(consoleId)).some((a) => a.seq === newest.seq && a.hash === newest.hash),
    );
    expect(await verifyAudit(c.db)).toMatchObject({ ok: true, anchors: 1 });
  });

  it('a seal recomputed without the key breaks, and one recomputed with it no longer matches its audit entry', async () => {
    let c = await start();
    const { shiftId, session } = await sealShift(c);
    expect(await sealCheck(c, session, shiftId)).toMatchObject({ ok: true });
    const shift = (await c.db('shifts').where({ id: shiftId }).first()) as {
      after_log_id: number;
      to_log_id: number;
    };
    await stop();

    const reseal = (key?: Buffer) => {
      const raw = new Database(dbFile);
      raw.exec(
        'DROP TRIGGER IF EXISTS duty_log_no_update; DROP TRIGGER IF EXISTS shift_seal_no_update; ' +
          'DROP TRIGGER IF EXISTS shifts_sealed_no_update;',
      );
      const entries = raw
        .prepare('SELECT * FROM duty_log WHERE id > ? AND id <= ? ORDER BY id')
        .all(shift.after_log_id, shift.to_log_id) as DutyRow[];
      const target = entries.find((e) => e.kind === 'note')!;
      raw.prepare('UPDATE duty_log SET text = ? WHERE id = ?').run('Nobody came', target.id);
      const links = new Map(
        (
          raw
            .prepare('SELECT duty_log_id, prev_hash FROM shift_seal WHERE shift_id = ?')
            .all(shiftId) as Array<{
            duty_log_id: number | null;
            prev_hash: string;
          }>
        ).map((l) => [l.duty_log_id, l.prev_hash]),
      );
      // The links before the edited entry stay; from it on they are computed again.
      let prev = links.get(target.id)!;
      for (const e of entries.filter((x) => x.id >= target.id)) {
        const row = e.id === target.id ? { ...e, text: 'Nobody came' } : e;
        const hash = chainHash(key, prev, dutyRowFields(row));
        raw
          .prepare('UPDATE shift_seal SET prev_hash = ?, hash = ? WHERE shift_id = ? AND duty_log_id = ?')
          .run(prev, hash, shiftId, e.id);
        prev = hash;
      }
      raw.prepare('UPDATE shifts SET seal_hash = ? WHERE id = ?').run(prev, shiftId);
      raw.close();
      return target.id;
    };

    const edited = reseal();
    c = await start();
    expect(await sealCheck(c, supervisor(c), shiftId)).toMatchObject({
      ok: false,
      brokenAt: edited,
      reason: 'this entry was changed since the shift was sealed',
    });
    await stop();

    reseal(readFileSync(keyFile));
    c = await start();
    expect(await sealCheck(c, supervisor(c), shiftId)).toMatchObject({
      ok: false,
      reason: 'the seal no longer matches its audit entry',
    });
  });

  it('keeps the key and the anchors of an in-memory database out of the data directory’s anchor files', async () => {
    const c = await start({ dbFile: ':memory:', alarmFlushMs: HOUR, positionFlushMs: HOUR });
    await audit(c, 1);
    clock.advance(HOUR);
    await until('the hourly anchor at the hub', async () =>
      (await c.demoHub!.auditAnchors(c.info.consoleId)).length > 0 ? true : undefined,
    );
    expect(existsSync(join(tmp.dir, 'audit-anchor.json'))).toBe(false);
    expect(await verifyAudit(c.db)).toMatchObject({ ok: true, entries: 1, anchors: 0 });
  });
});
