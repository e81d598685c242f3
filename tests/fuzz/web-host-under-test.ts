import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConsoleCore } from '../../electron/core';
import { verifyAudit } from '../../electron/core/audit/audit';
import { silentLogger } from '../../electron/common/log';
import { startWebHost, type WebHost, type WebHostLimits } from '../../electron/web-host/server';
import { startCore } from '../support/core';
import { fakeSpawner } from '../support/fake-ffmpeg';
import { HEADERS_TIMEOUT_MS, type Tally } from './lib';

export const SECRET_TEXT = 'this file is outside the served folder';

/** A console core and its web host as `start:web` runs them, over a temp folder, for the web boundaries. */
export async function startHostUnderTest(
  limits: Partial<WebHostLimits> = {},
): Promise<{ core: ConsoleCore; host: WebHost; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-web-'));
  const staticDir = join(dir, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), SECRET_TEXT);
  const core = await startCore(dir, {
    dbFile: ':memory:',
    backups: { enabled: false },
    spawn: fakeSpawner().spawn,
    duty: { hashParams: { N: 1024, r: 8, p: 1 } },
  });
  const host = await startWebHost({
    core,
    staticDir,
    log: silentLogger,
    limits: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: HEADERS_TIMEOUT_MS + 2000, ...limits },
  });
  return {
    core,
    host,
    async stop() {
      await host.stop();
      await core.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the web boundaries leave behind must still be a sound database with an unbroken audit chain. */
export async function checkDatabase(core: ConsoleCore, tally: Tally): Promise<void> {
  const integrity = (await core.db.raw('PRAGMA integrity_check')) as Array<{ integrity_check: string }>;
  tally.invalid('SQLite integrity check', integrity.filter((r) => r.integrity_check !== 'ok').length);
  const audit = await verifyAudit(core.db);
  if (!audit.ok) tally.invalid(`the audit chain is broken: ${JSON.stringify(audit).slice(0, 200)}`);
  const alarms = (await core.db('alarms').select('priority', 'state', 'raised_at')) as Array<{
    priority: number;
    state: string;
    raised_at: number;
  }>;
  const states = new Set(['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved']);
  tally.invalid(
    'alarms with a priority outside 1–5, an unknown state or a time that is not one',
    alarms.filter(
      (a) =>
        !Number.isInteger(a.priority) ||
        a.priority < 1 ||
        a.priority > 5 ||
        !states.has(a.state) ||
        !Number.isSafeInteger(a.raised_at),
    ).length,
  );
  const prefs = (await core.db('operator_prefs').select('value')) as Array<{ value: string }>;
  tally.invalid(
    'operator preferences that are not JSON',
    prefs.filter((p) => {
      try {
        JSON.parse(p.value);
        return false;
      } catch {
        return true;
      }
    }).length,
  );
}
