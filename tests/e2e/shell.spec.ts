import { expect, test, signIn } from './fixtures';

test('the console opens on the demo site: four areas, hub connected, live demo events, language switch', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  const { shell, wall, map, queue } = ui;
  await signIn(page, consoleApp);

  for (const area of ['camera-wall', 'site-map', 'alarm-queue', 'incident-panel'] as const) {
    await expect(shell.area(area), area).toBeVisible();
  }
  await expect(shell.hubStatus).toHaveAttribute('data-state', 'connected');
  await expect(shell.hubStatus).toHaveAttribute('data-outbox', '0');

  // The demo site's cameras, guards walking their routes, and at least one alarm from the demo hub.
  await expect(wall.chips).toHaveCount(10);
  // The wall grid's tiles: an alarm-linked strip may add tiles of its own once a demo alarm with cameras is in.
  await expect(wall.tiles).toHaveCount(9);
  await expect(wall.tiles.first()).toHaveAttribute('data-status', 'live', {
    timeout: 20_000,
  });
  await expect(map.guardMarkers.first()).toBeVisible();
  const walker = map.guardMarkers.nth(1);
  const before = await map.positionOf(walker);
  await expect.poll(() => map.positionOf(walker), { timeout: 15_000 }).not.toBe(before);
  await expect(queue.rows.first()).toBeVisible({ timeout: 20_000 });

  // zh-CN by default, English on the switch, and back.
  await expect(shell.heading('alarm-queue')).toHaveText('报警队列');
  await expect(shell.hubStatus).toContainText('平台已连接');
  await saveScreenshot('console-zh-CN.png');
  await shell.switchLanguage();
  await expect(shell.heading('alarm-queue')).toHaveText('Alarm queue');
  await expect(shell.hubStatus).toContainText('Hub connected');
  await expect(shell.html).toHaveAttribute('lang', 'en');
  await saveScreenshot('console-en.png');

  // The choice is the operator's: a reload keeps English.
  await shell.reload();
  await expect(shell.heading('alarm-queue')).toHaveText('Alarm queue');
  await shell.switchLanguage();
  await expect(shell.heading('camera-wall')).toHaveText('视频监控墙');

  // Camera management is a supervisor's: the duty operator is told so, not shown a dead button.
  await wall.openCameraManager();
  await expect(wall.managerError).toContainText('此操作需要「值班主管」或更高的角色');
  await shell.press('Escape');
});

test.describe('without its console service', () => {
  // The page keeps trying to reach the service it lost (its API and the video gateway's streams, both on loopback):
  // Chromium logs every refused or reset attempt as a console error. Only those are expected — and, while the
  // service left without its supervisor stops by itself, the video gateway's 503 to a tile that reconnects.
  // One pattern: Playwright reads a two-element array whose second element is an object as [value, options].
  test.use({
    allowedPageErrors: [
      /^console\.error: WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/(api|cam-\d+\/(main|sub))\?token=[^']+' failed: Error (in connection establishment: net::ERR_CONNECTION_(REFUSED|RESET)|during WebSocket handshake: (net::ERR_CONNECTION_(REFUSED|RESET)|Unexpected response code: 503))$/,
    ],
  });

  test('the page says plainly when it loses the console service', async ({ page, consoleApp, ui }) => {
    const { shell } = ui;
    await signIn(page, consoleApp);
    await expect(shell.hubStatus).toHaveAttribute('data-state', 'connected');
    await expect(shell.coreLink).toHaveCount(0);
    consoleApp.process.kill('SIGKILL');
    await expect(shell.coreLink).toBeVisible();
    await expect(shell.coreLink).toContainText('与本机服务的连接中断');
  });
});
