import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/tools';

export default defineConfig({
  testDir: resolve(import.meta.dirname),
  testMatch: '**/*.spec.ts',
  outputDir: resolve(import.meta.dirname, '../../test-results/e2e'),
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // One by default: on two cores a second page decoding its wall starves the first (seen: a click taking 30 s under
  // load). E2E_WORKERS=2 runs two specs at a time on a bigger machine; the live-video specs then still run one at a
  // time, through a lock (fixtures.ts, support/exclusive.ts).
  workers: Number(process.env.E2E_WORKERS ?? 1),
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1600, height: 900 },
    launchOptions: {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    },
    screenshot: 'only-on-failure',
    // No trace unless asked for (E2E_TRACE=1 keeps one per failed test): recording one — the screencast, and the DOM
    // snapshot at every action, with ten live tiles changing it all the time — took the page so much CPU on two
    // cores that each action took seconds (seen: 10 s per toBeVisible, the shell spec timing out at 60 s; 50 s
    // without). A failure still leaves its screenshot and the page's accessibility snapshot (error-context.md).
    trace: process.env.E2E_TRACE ? 'retain-on-failure' : 'off',
  },
});
