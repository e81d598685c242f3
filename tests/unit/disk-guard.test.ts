import knexFactory, { type Knex } from 'knex';
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notice } from '../../shared/contract';
import { DiskGuard } from '../../electron/core/system';
import { ManualClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { tempDir } from '../support/temp';

const MB = 1024 * 1024;

/** Every file under `dir`, with its size. */
function used(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? used(path) : statSync(path).size;
  }
  return total;
}

describe('the disk guard (free space injected; tests/integration/full-disk.test.ts fills a real file system)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Knex;
  let notices: Array<Pick<Notice, 'level' | 'code' | 'params'>>;
  /** The disk's size: free space is this minus what the data directory holds, minus what "something else" holds. */
  let capacity: number;
  let other: number;

  const file = (path: string, mb: number, daysAgo: number) => {
    const full = join(tmp.dir, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, Buffer.alloc(mb * MB));
    const t = new Date(Date.UTC(2026, 10, 24) - daysAgo * 86_400_000);
    utimesSync(full, t, t);
  };

  const guard = () =>
    new DiskGuard({
      dataDir: tmp.dir,
      db,
      clock: new ManualClock(),
      log: silentLogger,
      notify: (level, code, _message, options) => notices.push({ level, code, params: options?.params }),
      settings: { warnFreeMb: 10, criticalFreeMb: 4, keepBackups: 2 },
      freeSpace: async () => capacity - used(tmp.dir) - other,
    });

  beforeEach(() => {
    tmp = tempDir();
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    notices = [];
    other = 0;
    file('logs/console.2026-11-01.1.log', 1, 23);
    file('logs/console.2026-11-02.1.log', 1, 22);
    file('logs/console.2026-11-24.1.log', 1, 0);
    file('snapshots/cam-01-sub-20261101-100000-000.png', 1, 21);
    file('snapshots/cam-01-incident-20261101-100000-000.png', 1, 30);
    file('backups/console-20261101-000000-daily.sqlite', 1, 20);
    file('backups/console-20261102-000000-daily.sqlite', 1, 19);
    file('backups/console-20261103-000000-daily.sqlite', 1, 18);
    file('backups/retention/console-20261001-000000-manual.sqlite', 1, 40);
    capacity = used(tmp.dir) + 100 * MB;
  });
  afterEach(async () => {
    await db.destroy();
    tmp.cleanup();
  });

  const left = (dir: string) => readdirSync(join(tmp.dir, dir)).sort();

  it('removes what can give way in order, oldest first, only as much as needed, and says so once', async () => {
    const g = guard();
    expect(await g.check()).toBe('ok');
    // Something else leaves 5 MB. Two old logs, the wall snapshot and the oldest backup (two are kept) give way:
    // 9 MB, still low.
    other = 95 * MB;
    expect(await g.check()).toBe('low');
    expect(left('logs')).toEqual(['console.2026-11-24.1.log']);
    expect(left('snapshots')).toEqual(['cam-01-incident-20261101-100000-000.png']);
    expect(left('backups')).toEqual([
      'console-20261102-000000-daily.sqlite',
      'console-20261103-000000-daily.sqlite',
      'retention',
    ]);
    expect(left('backups/retention')).toHaveLength(1);
    expect(notices).toEqual([{ level: 'warning', code: 'disk-low', params: { freeMb: 9, freedMb: 4 } }]);
    expect(await g.check()).toBe('low');
    expect(notices).toHaveLength(1);

    // When a little goes back, no more than needed is removed: 10 MB free is the level.
    other = 94 * MB;
    expect(await g.check()).toBe('ok');
    expect(notices.at(-1)).toMatchObject({ level: 'info', code: 'disk-ok' });
  });

  it('calls the disk full when nothing is left to remove, and hands the recovery on when space returns', async () => {
    const g = guard();
    await g.check();
    let recovered = 0;
    g.onRecovered(() => recovered++);
    other = 101 * MB;
    expect(await g.check()).toBe('full');
    expect(g.full).toBe(true);
    // The newest backups, the log in use, the incident snapshot and the retention backup are never removed.
    expect(left('backups')).toHaveLength(3);
    expect(left('logs')).toEqual(['console.2026-11-24.1.log']);
    expect(notices.map((n) => [n.level, n.code])).toEqual([['error', 'disk-full']]);
    expect(recovered).toBe(0);

    other = 0;
    expect(await g.check()).toBe('ok');
    expect(g.full).toBe(false);
    expect(recovered).toBe(1);
    expect(notices.at(-1)).toMatchObject({ level: 'info', code: 'disk-ok' });
  });

  it('looks at once when the database refuses a write for want of space', async () => {
    const g = guard();
    await g.check();
    other = 101 * MB;
    // No timer fires here: the failed query is what makes it look.
    db.emit('query-error', Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), {});
    await expect.poll(() => g.full).toBe(true);
    expect(notices.map((n) => n.code)).toEqual(['disk-full']);
  });
});
