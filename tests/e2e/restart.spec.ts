import { ACCOUNTS, expect, signIn, test } from './fixtures';

// A console start, a restart and the wall's cameras coming back: more than the default minute on a busy machine.
test.setTimeout(240_000);

// While the service is gone the page's sockets (API and cameras) fail to connect; that is expected, and the page
// collector still fails the test on any uncaught page error.
test.use({
  allowedPageErrors: [
    /^console\.error: WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/(api|cam-\d+\/(main|sub))\?token=[^']+' failed: /,
  ],
});

/** The pid of the console service start:web runs now, from the supervisor's own lines. */
function servicePid(output: string): number {
  return Number([...output.matchAll(/Console service(?::| is back:) pid (\d+)/g)].at(-1)![1]);
}

test('the console service dies under an open page: it is back by itself, still signed in, and says so', async ({
  page,
  consoleApp,
}) => {
  await signIn(page, consoleApp);
  await expect(page.getByTestId('hub-status')).toHaveAttribute('data-state', 'connected');
  // A reload would lose this; reconnecting does not.
  await page.evaluate(() => {
    Object.assign(globalThis, { notReloaded: true });
  });

  const pid = servicePid(consoleApp.output());
  process.kill(pid, 'SIGKILL');
  await expect(page.getByTestId('core-link')).toBeVisible();
  await expect
    .poll(() => /Console service is back/.test(consoleApp.output()), { timeout: 30_000 })
    .toBe(true);

  const notice = page.getByTestId('notice');
  await expect(notice).toHaveAttribute('data-code', 'console-restarted', { timeout: 60_000 });
  await expect(notice).toHaveText(/^本机控制台服务意外停止，已于 \d\d:\d\d 自动重启$/);
  await expect(page.getByTestId('operator-name')).toHaveText(ACCOUNTS.operator.name);
  await expect(page.getByTestId('core-link')).toHaveCount(0);
  await expect(page.getByTestId('hub-status')).toHaveAttribute('data-state', 'connected');
  expect(await page.evaluate(() => 'notReloaded' in globalThis)).toBe(true);
  // The new service has its own video gateway: the wall finds it and plays.
  const tiles = page.getByTestId('wall-grid').getByTestId('camera-tile');
  await expect(tiles.first()).toHaveAttribute('data-status', 'live', { timeout: 30_000 });

  await page.getByTestId('language-switch').click();
  await expect(notice).toHaveText(/^The console service restarted at \d\d:\d\d after an unexpected stop$/);
});
