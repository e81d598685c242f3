import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import type { Role } from '../../shared/contract';
import { ACCOUNTS, provisionAccounts } from '../support/accounts';
import { PageErrors } from '../support/page-errors';
import { ScriptedHub } from '../support/scripted-hub';
import { requireRtspServer, startRtspServer, type RtspServer } from '../support/rtsp-camera';
import { camerasWithStreams, writeDemoSite } from '../support/site';
import { requireChromium, requirePdftotext } from '../support/tools';
import { exclusive } from '../support/exclusive';
import { tempDir } from '../support/temp';
import { spawnWebHost } from '../support/web-host-process';
import { ConsoleUi } from './pages';

const root = resolve(import.meta.dirname, '../..');

export interface RunningConsole {
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the web host printed, for failure messages. */
  output(): string;
}

/** Starts `start:web` exactly as a person would (built renderer, temp data dir) and waits for its URL line. */
async function startConsole(
  extraArgs: string[],
  env: Record<string, string>,
  options: { provision: boolean },
): Promise<RunningConsole & { stop(): Promise<void> }> {
  if (!existsSync(resolve(root, 'out/renderer/index.html')))
    throw new Error('run `npm run build` first (npm run test:e2e does)');
  const tmp = tempDir('console-e2e-');
  // The recorder is off unless a spec asks for it (CONSOLE_RECORDINGS: 'on'): on the demo site it is ten more
  // ffmpeg encoding test pictures with libx264, which on two cores slowed every page action of every spec that
  // never looks at a recording (replay.spec and clips.spec do, on one real RTSP camera). The wall's streams run at
  // 5 pictures a second (CONSOLE_STREAM_FPS) for the same reason: ten transcodes and the page decoding and
  // compositing ten tiles in software took most of both cores. The video specs set '' for the product's rates.
  const host = await spawnWebHost(['--data-dir', tmp.dir, '--osmand-port', '0', ...extraArgs], {
    CONSOLE_RECORDINGS: 'off',
    CONSOLE_STREAM_FPS: '5',
    ...env,
  });
  const child = host.process;
  const running: RunningConsole = { url: host.url, dataDir: tmp.dir, process: child, output: host.output };
  // Every console gets its accounts unless the test does the first start itself.
  if (options.provision) await provisionAccounts(running.url);
  return {
    ...running,
    async stop() {
      await stopChild(child);
      tmp.cleanup();
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Opens the console and signs in through the sign-in form as the account of `role` (default: operator), then
 * waits for the console. One line in a spec: `await signIn(page, consoleApp)`.
 */
export async function signIn(page: Page, app: RunningConsole, options: { role?: Role } = {}): Promise<void> {
  const account = ACCOUNTS[options.role ?? 'operator'];
  const ui = new ConsoleUi(page);
  await page.goto(app.url);
  await ui.signInForm.signIn(account.username, account.password);
  await expect(ui.queue.root).toBeVisible();
  await expect(ui.shell.operatorName).toHaveText(account.name);
}

/** The site hub as its own process (no demo scenario): numbered alarms, then quiet. */
export interface SiteHubProcess {
  url: string;
  token: string;
  /** The hub's own SQLite file. */
  db: string;
  /** SIGTERM, and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port and file (after `stop`). */
  start(): Promise<void>;
}

/**
 * Starts the hub CLI and resolves with it and the port it listens on once it prints `READY <url>`: port 0 lets the
 * hub pick one itself, so no other listener can take it between our choosing and its binding.
 */
function spawnHub(
  port: number,
  db: string,
  token: string,
  alarms: number,
): Promise<{ child: ChildProcess; port: number }> {
  const args = [
    '--port',
    String(port),
    '--db',
    db,
    '--token',
    token,
    '--alarms',
    String(alarms),
    '--rate',
    '5',
  ];
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/hub/cli.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveHub, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const ready = /READY \S+:(\d+)/.exec(d.toString());
      if (ready) resolveHub({ child, port: Number(ready[1]) });
    });
    child.once('exit', (code) => reject(new Error(`hub exited ${code}`)));
  });
}

/** System tools a spec needs beyond Chromium (which every spec needs). */
export type Tool = 'pdftotext' | 'rtsp-server';

const TOOLS: Record<Tool, () => { available: boolean; reason: string }> = {
  pdftotext: requirePdftotext,
  'rtsp-server': requireRtspServer,
};

interface Options {
  /**
   * Tools the spec needs: without one it skips on a developer machine and fails in CI (requireTool).
   * `test.use({ tools: ['pdftotext'] })`.
   */
  tools: Tool[];
  /**
   * The page-error check's only opt-out: page errors the test provokes on purpose, as narrow patterns matched against
   * `pageerror: …` / `console.error: …`, each with a comment saying why it is expected. Anything else still fails.
   * `test.use({ allowedPageErrors: [/…/] })` in a `test.describe` around the one test.
   */
  allowedPageErrors: RegExp[];
  /** Extra `start:web` arguments and environment for `consoleApp` / `freshConsole`. */
  consoleArgs: string[];
  consoleEnv: Record<string, string>;
  /** How many numbered alarms `siteHub` publishes on start. */
  siteHubAlarms: number;
}

interface Fixtures {
  /** Auto: skips (or, in CI, fails) a test whose tools are missing, before a browser starts. */
  requirements: void;
  /**
   * Auto: collects every uncaught exception and console error of every page of the test (pop-outs included) and
   * fails the test if there was one, so no spec can forget to look. See `allowedPageErrors`.
   */
  pageErrors: PageErrors;
  /** A console with its accounts (ACCOUNTS), the demo site and its embedded demo hub; sign in with `signIn`. */
  consoleApp: RunningConsole;
  /** A console as installed: no account yet, the first start is the test's to do. */
  freshConsole: RunningConsole;
  /** A site hub process on a free port; `withSiteHub` links the console to it. */
  siteHub: SiteHubProcess;
  /** The console window's page objects (tests/e2e/pages). */
  ui: ConsoleUi;
  /** Saves a screenshot of the page among the test's results (test-results/e2e/…). */
  saveScreenshot: (name: string, options?: { fullPage?: boolean }) => Promise<void>;
}

export const test = base.extend<Options & Fixtures>({
  tools: [[], { option: true }],
  allowedPageErrors: [[], { option: true }],
  consoleArgs: [[], { option: true }],
  consoleEnv: [{}, { option: true }],
  siteHubAlarms: [3, { option: true }],

  requirements: [
    async ({ tools }, use, testInfo) => {
      for (const check of [requireChromium, ...tools.map((t) => TOOLS[t])]) {
        const tool = check();
        testInfo.skip(!tool.available, tool.reason);
      }
      if (!tools.includes('rtsp-server')) return use();
      // Live video from RTSP cameras takes most of two cores (cameras encoding, ffmpeg, the page decoding every
      // tile): one such test at a time across the workers, the lighter ones beside it. The wait is not the
      // test's own time.
      const lock = await exclusive('e2e-video');
      testInfo.setTimeout(testInfo.timeout + lock.waitedMs);
      try {
        await use();
      } finally {
        lock.release();
      }
    },
    { auto: true },
  ],

  pageErrors: [
    async ({ requirements: _ready, context, allowedPageErrors }, use) => {
      const errors = new PageErrors();
      context.on('page', (page) => errors.watch(page));
      await use(errors);
      errors.stop();
      expect(
        errors.except(allowedPageErrors),
        'the page logged errors (an expected one goes in test.use({ allowedPageErrors }))',
      ).toEqual([]);
    },
    { auto: true },
  ],

  consoleApp: async ({ pageErrors, consoleArgs, consoleEnv }, use) => {
    const app = await startConsole(consoleArgs, consoleEnv, { provision: true });
    await use(app);
    pageErrors.stop();
    await app.stop();
  },

  freshConsole: async ({ pageErrors, consoleArgs, consoleEnv }, use) => {
    const app = await startConsole(consoleArgs, consoleEnv, { provision: false });
    await use(app);
    pageErrors.stop();
    await app.stop();
  },

  siteHub: async ({ siteHubAlarms }, use) => {
    const tmp = tempDir('hub-e2e-');
    const token = 'e2e';
    const db = join(tmp.dir, 'hub.sqlite');
    let { child, port } = await spawnHub(0, db, token, siteHubAlarms);
    await use({
      url: `http://127.0.0.1:${port}`,
      token,
      db,
      stop: () => stopChild(child),
      // Again on the port it had: the console knows the hub by its URL.
      start: async () => {
        ({ child, port } = await spawnHub(port, db, token, siteHubAlarms));
      },
    });
    await stopChild(child);
    tmp.cleanup();
  },

  ui: async ({ page }, use) => {
    await use(new ConsoleUi(page));
  },

  saveScreenshot: async ({ page }, use, testInfo) => {
    await use(async (name, options = {}) => {
      await page.screenshot({ path: testInfo.outputPath(name), ...options });
    });
  },
});

/** The same fixtures, with the console linked to `siteHub` instead of its embedded demo hub. */
export const withSiteHub = test.extend({
  consoleArgs: async ({ siteHub }, use) => {
    await use(['--hub', siteHub.url, '--hub-token', siteHub.token]);
  },
});

/**
 * The same fixtures, with the console linked to a `hub` the test plays (support/scripted-hub.ts): it streams
 * whatever the test gives it, valid or not, and answers `sources` as told; no embedded demo hub.
 */
export const withScriptedHub = test.extend<{
  hub: ScriptedHub;
  /** Events in the hub's log before the console connects, held back until the test calls `hub.release()`. */
  hubBacklog: { events: unknown[]; at?: number } | undefined;
}>({
  hubBacklog: [undefined, { option: true }],
  hub: async ({ hubBacklog }, use) => {
    const hub = new ScriptedHub();
    await hub.start();
    if (hubBacklog) {
      hub.holding = true;
      hub.publishMany(hubBacklog.events, hubBacklog.at);
    }
    await use(hub);
    await hub.stop();
  },
  consoleArgs: async ({ hub }, use) => {
    await use(['--hub', hub.url, '--hub-token', 'e2e']);
  },
});

/**
 * The same fixtures, with the demo site's first camera a real RTSP camera (GStreamer, 320×180), so that the
 * console records it (replay, evidence clips): pair with
 * `consoleEnv: { CONSOLE_RECORDINGS: 'on', CONSOLE_RECORDING_SEGMENT_SEC: '2' }` (recording on, segments within
 * seconds) and `tools: ['rtsp-server']`.
 */
export const withRecordedCamera = test.extend<{ rtsp: RtspServer }>({
  rtsp: async ({ requirements: _ready }, use) => {
    const rtsp = await startRtspServer({ cameras: 1, width: 320, height: 180 });
    await use(rtsp);
    await rtsp.stop();
  },
  consoleArgs: async ({ rtsp }, use) => {
    const tmp = tempDir('recorded-e2e-');
    const site = writeDemoSite(tmp.dir, (s) => {
      s.cameras = camerasWithStreams(s.cameras ?? [], [
        { main: rtsp.url('/cam1'), sub: rtsp.url('/cam1/sub') },
      ]);
    });
    await use(['--site', site]);
    tmp.cleanup();
  },
});

export { expect, ACCOUNTS };
