import { expect, signIn, test } from './fixtures';
import { AlarmQueue, Layout, SiteMap } from './pages';

test('the map and the queue pop out to windows of their own, in step with the console window', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  test.setTimeout(180_000);
  const layout = new Layout(page);
  await layout.resize(1366, 768);
  await signIn(page, consoleApp);
  await expect(ui.queue.rows.first()).toBeVisible({ timeout: 30_000 });

  // The queue goes out: the console window leaves its pane to a "shown in another window" note, not a copy.
  const queueWindow = await layout.popOut('queue');
  await queueWindow.setViewportSize({ width: 1366, height: 768 });
  const outQueue = new AlarmQueue(queueWindow);
  await expect(outQueue.rows.first()).toBeVisible({ timeout: 30_000 });
  // Signed in by the console window: no second sign-in in the pop-out.
  await expect(queueWindow.getByTestId('sign-in')).toHaveCount(0);
  await expect(layout.poppedOut('queue')).toBeVisible();
  await expect(ui.queue.root).toHaveCount(0);
  expect(await queueWindow.title()).toContain('报警队列');

  // An alarm opened in the popped-out queue opens in the console window's incident panel.
  const row = outQueue.rows.first();
  const alarmId = await outQueue.alarmIdOf(row);
  await outQueue.open(row);
  await expect(ui.incident.detail).toBeVisible();
  await expect(ui.incident.detail).toHaveAttribute('data-alarm-id', alarmId);

  // The map goes out too, and draws the site in its window.
  const mapWindow = await layout.popOut('map');
  await mapWindow.setViewportSize({ width: 1366, height: 768 });
  await expect(new SiteMap(mapWindow).root.locator('img.leaflet-image-layer')).toBeVisible({
    timeout: 30_000,
  });
  await expect(layout.poppedOut('map')).toBeVisible();
  await saveScreenshot('popout-console-zh-CN-1366x768.png');
  await queueWindow.screenshot({ path: test.info().outputPath('popout-queue-zh-CN-1366x768.png') });

  // Closing a pop-out brings its area back; so does "bring back" in the console window.
  await queueWindow.close();
  await expect(ui.queue.rows.first()).toBeVisible({ timeout: 15_000 });
  await expect(layout.poppedOut('queue')).toHaveCount(0);
  await layout.bringBack('map');
  await expect(layout.poppedOut('map')).toHaveCount(0);
  await expect(ui.map.root).toBeVisible();
  await expect.poll(() => mapWindow.isClosed()).toBe(true);
});
