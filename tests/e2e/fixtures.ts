import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import type { Role } from '../../shared/contract';
import { ACCOUNTS, provisionAccounts } from '../support/accounts';
import { CHROMIUM, requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { spawnWebHost } from '../support/web-host-process';

const root = resolve(import.meta.dirname, '../..');

export interface RunningConsole {
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the web host printed, for failure messages. */
  output(): string;
}

/** Starts `start:web` exactly as a person would (built renderer, temp data dir) and waits for its URL line. */
export async function startConsole(
  extraArgs: string[] = [],
  env: Record<string, string> = {},
  options: { provision?: boolean } = {},
): Promise<RunningConsole & { stop(): Promise<void> }> {
  const tmp = tempDir('console-e2e-');
  const host = await spawnWebHost(['--data-dir', tmp.dir, '--osmand-port', '0', ...extraArgs], env);
  const child = host.process;
  const running: RunningConsole = { url: host.url, dataDir: tmp.dir, process: child, output: host.output };
  // Every console gets its accounts unless the test does the first start itself.
  if (options.provision !== false) await provisionAccounts(running.url);
  return {
    ...running,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      tmp.cleanup();
    },
  };
}

/**
 * Opens the console and signs in through the sign-in form as the account of `role` (default: operator), then
 * waits for the console. One line in a spec: `await signIn(page, consoleApp)`.
 */
export async function signIn(page: Page, app: RunningConsole, options: { role?: Role } = {}): Promise<void> {
  const account = ACCOUNTS[options.role ?? 'operator'];
  await page.goto(app.url);
  await page.getByTestId('signin-username').fill(account.username);
  await page.getByTestId('signin-password').fill(account.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('alarm-queue')).toBeVisible();
  await expect(page.getByTestId('operator-name')).toHaveText(account.name);
}

/** The site hub as its own process (no demo scenario): `alarms` numbered alarms, then quiet. */
export function startHubProcess(port: number, db: string, alarms = 3): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'electron/core/demo/hub-cli.ts',
      '--port',
      String(port),
      '--db',
      db,
      '--token',
      'e2e',
      '--alarms',
      String(alarms),
      '--rate',
      '5',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolveHub, reject) => {
    child.stdout!.on('data', (d: Buffer) => /READY/.test(d.toString()) && resolveHub(child));
    child.once('exit', (code) => reject(new Error(`hub exited ${code}`)));
  });
}

/** Fails the test on any console error or uncaught exception in the page. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  return errors;
}

export const test = base.extend<{ consoleApp: RunningConsole; freshConsole: RunningConsole }>({
  // Playwright requires the fixture's first parameter to be an object pattern.
  // eslint-disable-next-line no-empty-pattern
  consoleApp: async ({}, use, testInfo) => {
    const chromium = requireTool('Chromium', existsSync(CHROMIUM), 'apt-get install chromium');
    testInfo.skip(!chromium.available, chromium.reason);
    if (!existsSync(resolve(root, 'out/renderer/index.html')))
      throw new Error('run `npm run build` first (npm run test:e2e does)');
    const app = await startConsole();
    await use(app);
    await app.stop();
  },
  /** A console as installed: no account yet, the first start is the test's to do. */
  // eslint-disable-next-line no-empty-pattern
  freshConsole: async ({}, use, testInfo) => {
    const chromium = requireTool('Chromium', existsSync(CHROMIUM), 'apt-get install chromium');
    testInfo.skip(!chromium.available, chromium.reason);
    if (!existsSync(resolve(root, 'out/renderer/index.html')))
      throw new Error('run `npm run build` first (npm run test:e2e does)');
    const app = await startConsole([], {}, { provision: false });
    await use(app);
    await app.stop();
  },
});

export { expect, ACCOUNTS, provisionAccounts };
