import type { Page } from 'playwright-core';
import type { ConsoleCore } from '../../../electron/core';
import { ACCOUNTS } from '../../support/accounts';
import { SignInForm } from '../../e2e/pages/operators';

const BENCH = { username: 'bench', name: 'Bench', password: 'bench-pass-1' };

/**
 * The console page starts signed out: create the first account on the benchmark's own core (first start,
 * through the router as any client would) and sign in through the form, outside any measured window.
 */
export async function signInBench(core: ConsoleCore, page: Page): Promise<void> {
  const status = await core.router.call('auth.status', {}, core.openSession('memory', null));
  if (status.ok && (status.value as { needsSetup: boolean }).needsSetup) {
    await core.router.call('auth.setup', BENCH, core.openSession('memory', null));
    // The page asked before the account existed and shows the first-start form: ask again.
    await page.reload();
  }
  await new SignInForm(page).signIn(BENCH.username, BENCH.password);
  await page.getByTestId('alarm-queue').waitFor({ timeout: 30_000 });
}

/**
 * Opens the console page of the web host at `url` and signs in (signInBench). Without `video` the camera wall's
 * players, which connect to the video gateway's own port, get a stub socket that never sends a picture: no ffmpeg
 * runs and the core is left to what the benchmark measures.
 */
export async function openConsole(
  page: Page,
  core: ConsoleCore,
  url: string,
  o: { video: boolean } = { video: false },
): Promise<void> {
  if (!o.video) {
    const port = new URL(core.gateway.url).port;
    await page.routeWebSocket(
      (u) => u.port === port,
      () => undefined,
    );
  }
  await page.goto(url, { waitUntil: 'load' });
  await signInBench(core, page);
}

/** The same on a console with the e2e accounts (provisionAccounts): the form, as the duty operator. */
export async function signInOperator(page: Page): Promise<void> {
  await new SignInForm(page).signIn(ACCOUNTS.operator.username, ACCOUNTS.operator.password);
}
