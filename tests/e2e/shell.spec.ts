import { collectPageErrors, expect, test, signIn } from './fixtures';

test('the console opens on the demo site: four areas, hub connected, live demo events, language switch', async ({
  page,
  consoleApp,
}, testInfo) => {
  const errors = collectPageErrors(page);
  await signIn(page, consoleApp);

  for (const area of ['camera-wall', 'site-map', 'alarm-queue', 'incident-panel']) {
    await expect(page.getByTestId(area), area).toBeVisible();
  }
  await expect(page.getByTestId('hub-status')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('hub-status')).toHaveAttribute('data-outbox', '0');

  // The demo site's cameras, guards walking their routes, and at least one alarm from the demo hub.
  await expect(page.getByTestId('camera-chip')).toHaveCount(10);
  // The wall grid's tiles: an alarm-linked strip may add tiles of its own once a demo alarm with cameras is in.
  const tiles = page.getByTestId('wall-grid').getByTestId('camera-tile');
  await expect(tiles).toHaveCount(9);
  await expect(tiles.first()).toHaveAttribute('data-status', 'live', {
    timeout: 20_000,
  });
  await expect(page.getByTestId('guard-marker').first()).toBeVisible();
  const firstMarker = page.getByTestId('guard-marker').nth(1);
  const before = await firstMarker.getAttribute('data-position');
  await expect.poll(() => firstMarker.getAttribute('data-position'), { timeout: 15_000 }).not.toBe(before);
  await expect(page.getByTestId('alarm-row').first()).toBeVisible({ timeout: 20_000 });

  // zh-CN by default, English on the switch, and back.
  await expect(page.getByTestId('alarm-queue').getByRole('heading')).toHaveText('报警队列');
  await expect(page.getByTestId('hub-status')).toContainText('平台已连接');
  await page.screenshot({ path: testInfo.outputPath('console-zh-CN.png') });
  await page.getByTestId('language-switch').click();
  await expect(page.getByTestId('alarm-queue').getByRole('heading')).toHaveText('Alarm queue');
  await expect(page.getByTestId('hub-status')).toContainText('Hub connected');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.screenshot({ path: testInfo.outputPath('console-en.png') });

  // The choice is the operator's: a reload keeps English.
  await page.reload();
  await expect(page.getByTestId('alarm-queue').getByRole('heading')).toHaveText('Alarm queue');
  await page.getByTestId('language-switch').click();
  await expect(page.getByTestId('camera-wall').getByRole('heading')).toHaveText('视频监控墙');

  // Camera management is a supervisor's: the duty operator is told so, not shown a dead button.
  await page.getByTestId('camera-manage').click();
  await expect(page.getByTestId('camera-manager-error')).toContainText('needs the supervisor role');
  await page.keyboard.press('Escape');

  expect(errors).toEqual([]);
});

test('the page says plainly when it loses the console service', async ({ page, consoleApp }) => {
  await signIn(page, consoleApp);
  await expect(page.getByTestId('hub-status')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('core-link')).toHaveCount(0);
  consoleApp.process.kill('SIGKILL');
  await expect(page.getByTestId('core-link')).toBeVisible();
  await expect(page.getByTestId('core-link')).toContainText('与本机服务的连接中断');
});
