import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/db/database';
import { MIGRATIONS } from '../../electron/core/schema';
import { OperatorAccounts, RESUME_TTL_MS } from '../../electron/core/operators/accounts';
import { ManualClock } from '../../electron/core/util/clock';
import { sequentialIds } from '../../electron/core/util/ids';
import { silentLogger } from '../../electron/core/util/log';
import { tempDir } from '../support/temp';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('resume tokens survive a restart of the console service', () => {
  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  let clock: ManualClock;
  let db: Knex;
  beforeEach(async () => {
    tmp = tempDir();
    file = join(tmp.dir, 'console.sqlite');
    clock = new ManualClock(Date.UTC(2026, 10, 24, 8, 0));
    db = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS });
  });
  afterEach(async () => {
    await db.destroy();
    tmp.cleanup();
  });

  const accounts = (on: Knex) =>
    new OperatorAccounts({ db: on, clock, ids: sequentialIds('op'), hashParams: FAST });

  it('a token issued before a restart signs the tab back in after it; only its hash is stored', async () => {
    const before = accounts(db);
    const admin = await before.setup({ username: 'admin', name: '管理员', password: 'admin-pass-1' });
    const token = await before.issueResumeToken(admin.id);
    await db.destroy();

    // A new process: a fresh database connection and a fresh OperatorAccounts, nothing in memory.
    db = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS });
    const after = accounts(db);
    expect(await after.resumeWith(token)).toEqual(admin);
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(await after.resumeWith(altered)).toBeUndefined();
    const rows = (await db('resume_tokens')) as Array<{ token_hash: string }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('expires unused, is renewed by use, and ends at sign-out, a new password or deactivation', async () => {
    const a = accounts(db);
    const admin = await a.setup({ username: 'admin', name: '管理员', password: 'admin-pass-1' });
    const li = (await a.save(
      { username: 'li', name: '李明', role: 'operator', password: 'li-pass-123', active: true },
      admin,
    )) as { id: string };

    const used = await a.issueResumeToken(admin.id);
    const unused = await a.issueResumeToken(admin.id);
    clock.advance(RESUME_TTL_MS - 60_000);
    expect(await a.resumeWith(used)).toMatchObject({ id: admin.id });
    clock.advance(120_000);
    expect(await a.resumeWith(unused)).toBeUndefined();
    expect(await a.resumeWith(used)).toMatchObject({ id: admin.id });
    // Expired rows are swept when the next token is issued.
    await a.issueResumeToken(li.id);
    expect((await db('resume_tokens').where({ operator_id: admin.id })) as unknown[]).toHaveLength(1);

    await a.forgetResumeTokens(admin.id);
    expect(await a.resumeWith(used)).toBeUndefined();

    const liToken = await a.issueResumeToken(li.id);
    await a.save(
      { id: li.id, username: 'li', name: '李明', role: 'operator', password: 'new-pass-456', active: true },
      admin,
    );
    expect(await a.resumeWith(liToken)).toBeUndefined();
    const again = await a.issueResumeToken(li.id);
    await a.save({ id: li.id, username: 'li', name: '李明', role: 'operator', active: false }, admin);
    expect(await a.resumeWith(again)).toBeUndefined();
  });
});
