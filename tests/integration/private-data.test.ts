import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../electron/core/db/backup';
import { saveSnapshot } from '../../electron/core/streams/snapshot';
import { createLogger } from '../../electron/common/log';
import { secureDataDir } from '../../electron/common/private-files';
import { tempDir } from '../support/temp';
import { until } from '../support/until';
import { startCore } from '../support/core';

const mode = (path: string) => statSync(path).mode & 0o777;
// Smallest valid-looking PNG the snapshot writer accepts (magic number + padding).
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);

describe('the data directory is the owner’s alone', () => {
  let tmp: ReturnType<typeof tempDir>;
  let umask: number;
  beforeEach(() => {
    tmp = tempDir('console-private-');
    // The usual default, so the test shows the console narrowing it rather than inheriting a narrow one.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    tmp.cleanup();
  });

  it('database, WAL, logs, backups and snapshots are created 0700 / 0600', async () => {
    const dataDir = join(tmp.dir, 'data');
    const log = createLogger({ file: join(dataDir, 'logs', 'console.log') });
    const core = await startCore(dataDir, { log, hub: { url: 'http://127.0.0.1:9', token: 'x' } });
    try {
      await core.db('meta').insert({ key: 'written', value: 'yes' });
      saveSnapshot(join(dataDir, 'snapshots'), 'cam-01', 'main', PNG.toString('base64'), Date.now());
      await backupDatabase(core.db, join(dataDir, 'backups'), 'manual', Date.now());
      await until('the log file is open', () => readdirSync(join(dataDir, 'logs')).includes('current.log'));
      expect(mode(dataDir)).toBe(0o700);
      for (const f of ['console.sqlite', 'console.sqlite-wal', 'console.sqlite-shm']) {
        expect(mode(join(dataDir, f)), f).toBe(0o600);
      }
      for (const dir of ['logs', 'backups', 'snapshots']) {
        expect(mode(join(dataDir, dir)), dir).toBe(0o700);
        for (const f of readdirSync(join(dataDir, dir), { withFileTypes: true })) {
          if (f.isFile()) expect(mode(join(dataDir, dir, f.name)), `${dir}/${f.name}`).toBe(0o600);
        }
      }
      expect(readdirSync(join(dataDir, 'backups')).length).toBeGreaterThanOrEqual(2);
      // Anything created later by this process (SQLite's own files included) starts owner-only.
      expect(process.umask() & 0o077).toBe(0o077);
    } finally {
      await core.stop();
      await log.close();
    }
  });

  it('a data directory left open by an older version is tightened at start; a shared sticky one is not touched', () => {
    const dataDir = join(tmp.dir, 'old');
    mkdirSync(join(dataDir, 'backups'), { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    for (const f of ['console.sqlite', 'backups/console-old.sqlite']) {
      writeFileSync(join(dataDir, f), '');
      chmodSync(join(dataDir, f), 0o644);
    }
    secureDataDir(dataDir);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'backups'))).toBe(0o700);
    expect(mode(join(dataDir, 'console.sqlite'))).toBe(0o600);
    expect(mode(join(dataDir, 'backups', 'console-old.sqlite'))).toBe(0o600);

    const shared = join(tmp.dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    writeFileSync(join(shared, 'someone-elses.txt'), '');
    chmodSync(join(shared, 'someone-elses.txt'), 0o644);
    secureDataDir(shared);
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
    expect(mode(join(shared, 'someone-elses.txt'))).toBe(0o644);
  });
});
