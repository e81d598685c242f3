import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { createClient, createFrameTransport, type Role } from '../../shared/contract';
import { CHROMIUM, requireTool } from '../support/tools';
import { tempDir } from '../support/temp';

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
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'electron/web-host/cli.ts',
      '--data-dir',
      tmp.dir,
      '--osmand-port',
      '0',
      ...extraArgs,
    ],
    {
      cwd: root,
      env: { ...process.env, CONSOLE_SKIP_BUILD: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the web host printed no URL in 30 s:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^Console: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the web host exited with ${code}:\n${output}`)));
  });
  const running: RunningConsole = { url, dataDir: tmp.dir, process: child, output: () => output };
  // Every console gets its accounts unless the test does the first start itself.
  if (options.provision !== false) await provisionAccounts(running);
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

/** The accounts every e2e console gets (see `provisionAccounts`); the password is the user name + `-pass-1`. */
export const ACCOUNTS: Record<Role, { username: string; name: string; password: string }> = {
  admin: { username: 'admin', name: '管理员', password: 'admin-pass-1' },
  supervisor: { username: 'wang', name: '王主管', password: 'wang-pass-1' },
  operator: { username: 'li', name: '李明', password: 'li-pass-123' },
};

/**
 * Creates the administrator (first start) and one supervisor and one operator account through the console's
 * own API, as a second client would: no test-only back door exists in the console for this.
 */
export async function provisionAccounts(
  app: RunningConsole,
  extra: Array<{ username: string; name: string; role: Role; password: string }> = [],
): Promise<void> {
  const url = new URL(app.url);
  const ws = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`);
  await new Promise<void>((resolveOpen, reject) => {
    ws.once('open', () => resolveOpen());
    ws.once('error', reject);
  });
  const side = createFrameTransport((text) => ws.send(text));
  ws.on('message', (data) => side.receive(data.toString()));
  const client = createClient(side.transport);
  try {
    const admin = ACCOUNTS.admin;
    await client.call('auth.setup', { username: admin.username, name: admin.name, password: admin.password });
    for (const role of ['supervisor', 'operator'] as const) {
      const a = ACCOUNTS[role];
      await client.call('operators.save', { username: a.username, name: a.name, role, password: a.password });
    }
    for (const a of extra) await client.call('operators.save', a);
    // The admin's first-start sign-in put them on duty; the e2e operators sign on themselves.
    const { onDuty } = await client.call('shift.current');
    for (const o of onDuty) await client.call('shift.leave', { operatorId: o.operator.id });
  } finally {
    ws.close();
  }
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

export { expect };
