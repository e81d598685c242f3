import { existsSync, openSync, readdirSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOTICE_DATABASE_RECOVERED, type Notice } from '../../shared/contract';
import { MESSAGES } from '../../shared/i18n';
import { wordNotice } from '../../shared/i18n/notices';
import { backupDatabase, checkIntegrity, listBackups } from '../../electron/core/db/backup';
import { openDatabase } from '../../electron/common/database';
import { MIGRATIONS } from '../../electron/core/schema';
import { enqueueAction } from '../../electron/core/hub-link/outbox';
import { silentLogger } from '../../electron/common/log';
import { tempDir } from '../support/temp';
import { startCore } from '../support/core';

describe('durability: backups and recovery from a damaged database', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  const start = () => startCore(tmp.dir, { hub: { url: 'http://127.0.0.1:9', token: 'x' } });

  it('backs up at start, keeps the newest N, and each backup is a good database', async () => {
    const core = await start();
    await core.stop();
    const backups = listBackups(join(tmp.dir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(backups[0]!.file).toMatch(/console-\d{8}-\d{6}-start\.sqlite$/);
    expect(checkIntegrity(backups[0]!.file)).toBe('ok');
    const db = await openDatabase({
      file: join(tmp.dir, 'x.sqlite'),
      log: silentLogger,
      migrations: MIGRATIONS,
    });
    for (let i = 0; i < 5; i++) await backupDatabase(db, join(tmp.dir, 'b2'), 'manual', Date.now(), 3);
    expect(readdirSync(join(tmp.dir, 'b2'))).toHaveLength(3);
    await db.destroy();
  });

  it('backs up an existing database before migrating it', async () => {
    const file = join(tmp.dir, 'console.sqlite');
    const old = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS.slice(0, 1) });
    await old('meta').insert({ key: 'marker', value: 'v1' });
    await old.destroy();
    const core = await start();
    await core.stop();
    const migrationBackup = listBackups(join(tmp.dir, 'backups')).find((b) => b.file.includes('-migration'));
    expect(migrationBackup).toBeDefined();
    const before = await openDatabase({
      file: migrationBackup!.file,
      log: silentLogger,
      migrations: MIGRATIONS.slice(0, 1),
    });
    expect(await before('meta').where({ key: 'marker' }).first()).toEqual({ key: 'marker', value: 'v1' });
    expect(await before.schema.hasTable('alarms')).toBe(false);
    await before.destroy();
  });

  it('sets a damaged database aside, restores the last good backup, salvages unsent actions and says so', async () => {
    const file = join(tmp.dir, 'console.sqlite');
    const first = await start(); // backed up at start, before the rows below
    await first.db.transaction(async (trx) => {
      for (let i = 0; i < 3000; i++) {
        await trx('duty_log').insert({ at: i, kind: 'filler', text: `entry ${i} `.repeat(20) });
      }
      await enqueueAction(trx, {
        key: 'unsent-1',
        type: 'alarm.note',
        payload: { text: 'only in the damaged file' },
        createdAt: 1,
      });
      await enqueueAction(trx, { key: 'unsent-2', type: 'alarm.acknowledge', payload: {}, createdAt: 2 });
    });
    await first.stop();

    // Damage the middle of the file (the bulky filler pages), leaving the early pages (outbox) readable.
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(
      fd,
      Buffer.alloc(Math.floor(size / 10), 0x5a),
      0,
      Math.floor(size / 10),
      Math.floor(size * 0.6),
    );
    closeSync(fd);
    expect(checkIntegrity(file)).not.toBe('ok');

    const second = await start();
    try {
      expect(checkIntegrity(file)).toBe('ok');
      const aside = readdirSync(join(tmp.dir, 'corrupt'));
      expect(aside.some((f) => f.endsWith('.sqlite'))).toBe(true);
      const outbox = (await second.db('outbox').orderBy('id').pluck('key')) as string[];
      expect(outbox).toEqual(['unsent-1', 'unsent-2']);
      const notices = await second.router.call(
        'notices.recent',
        {},
        second.openSession('memory', { id: 'duty', name: '值班员', role: 'operator' }),
      );
      const recovered = (notices.ok ? (notices.value as { notices: Notice[] }).notices : []).find(
        (n) => n.code === NOTICE_DATABASE_RECOVERED,
      );
      expect(recovered?.params).toMatchObject({ salvaged: 2, restoredAt: expect.any(Number) });
      expect(String(recovered?.params?.setAsideAs)).toMatch(/\.sqlite$/);
      // Worded in each operator's language from its values; the message stays the log's English.
      const zh = wordNotice(MESSAGES['zh-CN'], recovered!) ?? '';
      // The problem is SQLite's own words, over several lines.
      expect(zh).toMatch(/本机数据库已损坏[^]*恢复了 [^]* 的备份[^]*找回了 2 条未上传的操作/);
      expect(wordNotice(MESSAGES.en, recovered!)).toMatch(
        /The local database was damaged [^]* set aside as [^]* backup from [^]* 2 unsent operator action\(s\) were recovered/,
      );
      expect(recovered?.message).toMatch(/damaged [^]* 2 unsent action\(s\) recovered/);
    } finally {
      await second.stop();
    }
    expect(existsSync(file)).toBe(true);
  });
});
