import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperatorView } from '../../shared/contract';
import { openDatabase } from '../../electron/common/database';
import { MIGRATIONS } from '../../electron/core/schema';
import { OperatorAccounts } from '../../electron/core/operators/accounts';
import { LiveSessions } from '../../electron/core/operators/sessions';
import { DEFAULT_RESUME_IDLE_MS, ResumeTokens } from '../../electron/core/operators/tokens';
import { ManualClock } from '../../electron/common/clock';
import { sequentialIds } from '../../electron/core/util/ids';
import { silentLogger } from '../../electron/common/log';
import { tempDir } from '../support/temp';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const HOUR = 3600 * 1000;

describe('resume tokens: kept across restarts, single-use, renewed while connected, expiring when idle', () => {
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

  /** The operators feature's pieces on a database connection, as one process of the console service has them. */
  const stack = (on: Knex) => {
    const tokens = new ResumeTokens({ db: on, clock, idleMs: DEFAULT_RESUME_IDLE_MS });
    const sessions = new LiveSessions({ ids: sequentialIds('s'), tokens });
    const accounts = new OperatorAccounts({
      db: on,
      clock,
      ids: sequentialIds('op'),
      tokens,
      hashParams: FAST,
      onChanged: ({ operator, ended }) =>
        ended ? sessions.end(operator.id, ended) : sessions.renamed(operator),
    });
    return { tokens, sessions, accounts };
  };

  it('a token issued before a restart signs the tab back in after it, once; only its hash is stored', async () => {
    const before = stack(db);
    const admin = await before.accounts.setup({
      username: 'admin',
      name: '管理员',
      password: 'admin-pass-1',
    });
    const token = await before.sessions.signIn(before.sessions.open('ws'), admin);
    await db.destroy();

    // A new process: a fresh database connection and fresh objects, nothing in memory.
    db = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS });
    const after = stack(db);
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(await after.sessions.resume(after.sessions.open('ws'), altered)).toBeUndefined();
    const tab = after.sessions.open('ws');
    const resumed = await after.sessions.resume(tab, token);
    expect(resumed).toMatchObject({ operator: admin, locked: false });
    expect(tab.operator).toEqual(admin);
    // Single-use: the same token again signs nobody in; the one the answer carried does, once.
    expect(await after.sessions.resume(after.sessions.open('ws'), token)).toBeUndefined();
    const next = (resumed as { token: string }).token;
    expect(next).not.toBe(token);
    expect(await after.sessions.resume(after.sessions.open('ws'), next)).toMatchObject({ operator: admin });
    const rows = (await db('resume_tokens')) as Array<{ token_hash: string }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(next);
  });

  it('expires after the idle time unless its window stays connected; ends at sign-out and on account changes', async () => {
    const { tokens, sessions, accounts } = stack(db);
    const admin = await accounts.setup({ username: 'admin', name: '管理员', password: 'admin-pass-1' });
    const li = (await accounts.save(
      { username: 'li', name: '李明', role: 'operator', password: 'li-pass-123', active: true },
      admin,
    )) as OperatorView;

    // One tab stays connected, the other was closed.
    const connected = sessions.open('ws');
    const kept = await sessions.signIn(connected, admin);
    const closed = sessions.open('ws');
    const dropped = await sessions.signIn(closed, admin);
    sessions.close(closed);
    for (let h = 0; h < 13; h++) {
      clock.advance(HOUR);
      await tokens.renew(sessions.heldTokens());
    }
    expect(await sessions.resume(sessions.open('ws'), dropped)).toBeUndefined();
    const back = await sessions.resume(sessions.open('ws'), kept);
    expect(back).toMatchObject({ operator: admin });

    // Sign-out everywhere: the tokens of the operator's other windows tell why, once.
    const other = await sessions.signIn(sessions.open('ws'), admin);
    await sessions.signOutEverywhere(admin.id);
    expect(await sessions.resume(sessions.open('ws'), other)).toEqual({ ended: 'signed_out' });
    expect(await sessions.resume(sessions.open('ws'), other)).toBeUndefined();

    // A new password, a new role, deactivation: each revokes with its reason.
    const change = async (patch: Partial<{ role: 'supervisor'; password: string; active: boolean }>) => {
      const token = await sessions.signIn(sessions.open('ws'), { ...li, role: li.role });
      await accounts.save(
        { id: li.id, username: 'li', name: '李明', role: li.role, active: true, ...patch },
        admin,
      );
      return sessions.resume(sessions.open('ws'), token);
    };
    expect(await change({ password: 'new-pass-456' })).toEqual({ ended: 'password_changed' });
    expect(await change({ role: 'supervisor' })).toEqual({ ended: 'role_changed' });
    li.role = 'supervisor';
    expect(await change({ active: false })).toEqual({ ended: 'deactivated' });
    // Renaming only: the open session goes on under the new name.
    await accounts.save({ id: li.id, username: 'li', name: '李明', role: 'supervisor', active: true }, admin);
    const open = sessions.open('ws');
    await sessions.signIn(open, li);
    await accounts.save(
      { id: li.id, username: 'li', name: '李明明', role: 'supervisor', active: true },
      admin,
    );
    expect(open.operator?.name).toBe('李明明');
  });

  it('carries the lock screen: a locked window resumed (after a reload, a restart) is still locked', async () => {
    const { sessions, accounts } = stack(db);
    const admin = await accounts.setup({ username: 'admin', name: '管理员', password: 'admin-pass-1' });
    const tab = sessions.open('ws');
    const token = await sessions.signIn(tab, admin);
    await sessions.setLocked(tab, true);
    const reloaded = sessions.open('ws');
    const resumed = await sessions.resume(reloaded, token);
    expect(resumed).toMatchObject({ locked: true });
    expect(reloaded.locked).toBe(true);
    await sessions.setLocked(reloaded, false);
    const again = sessions.open('ws');
    expect(await sessions.resume(again, (resumed as { token: string }).token)).toMatchObject({
      locked: false,
    });
  });
});
