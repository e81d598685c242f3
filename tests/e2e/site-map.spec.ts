import { existsSync } from 'node:fs';
import { freePort } from '../support/rtsp-camera';
import { CHROMIUM, requireTool } from '../support/tools';
import { collectPageErrors, expect, signIn, startConsole, test, type RunningConsole } from './fixtures';

/** A console whose guards' phone endpoint (OsmAnd) listens on a free loopback port, for reports from the test. */
const withPhones = test.extend<{ phones: RunningConsole & { osmandPort: number } }>({
  // Playwright requires the fixture's first parameter to be an object pattern.
  // eslint-disable-next-line no-empty-pattern
  phones: async ({}, use, testInfo) => {
    const chromium = requireTool('Chromium', existsSync(CHROMIUM), 'apt-get install chromium');
    testInfo.skip(!chromium.available, chromium.reason);
    const osmandPort = await freePort();
    const app = await startConsole(['--osmand-port', String(osmandPort), '--osmand-host', '127.0.0.1']);
    await use({ ...app, osmandPort });
    await app.stop();
  },
});

test('demo guards move on the map; layers switch and follow the operator; a camera opens on the wall', async ({
  page,
  consoleApp,
}, testInfo) => {
  const errors = collectPageErrors(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signIn(page, consoleApp);
  const map = page.getByTestId('site-map');

  const patrolling = map.locator('[data-testid="guard-marker"][data-status="on_patrol"]').first();
  await expect(patrolling).toBeVisible({ timeout: 20_000 });
  const guardId = (await patrolling.getAttribute('data-guard-id'))!;
  const marker = map.locator(`[data-testid="guard-marker"][data-guard-id="${guardId}"]`);
  await expect(marker).toHaveAttribute('data-position', /^-?\d+\.\d+,-?\d+\.\d+$/);
  const before = await marker.getAttribute('data-position');
  await expect.poll(() => marker.getAttribute('data-position'), { timeout: 15_000 }).not.toBe(before);
  await expect(marker).toHaveAttribute('data-status', 'on_patrol');
  await expect(page.getByTestId('guard-row').first()).toHaveAttribute('data-status', /on_patrol|dispatched/);
  await page.screenshot({ path: testInfo.outputPath('site-map-zh-CN.png') });

  // A switched-off layer stays off after a reload: the choice is the operator's preference.
  await expect(map.getByTestId('map-camera').first()).toBeVisible();
  await page.getByTestId('map-layer-cameras').click();
  await expect(map.getByTestId('map-camera')).toHaveCount(0);
  await expect(page.getByTestId('map-layer-cameras')).toHaveAttribute('aria-pressed', 'false');
  await page.reload();
  await expect(map.getByTestId('guard-marker').first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('map-layer-cameras')).toHaveAttribute('aria-pressed', 'false');
  await expect(map.getByTestId('map-camera')).toHaveCount(0);
  await page.getByTestId('map-layer-cameras').click();
  await expect(map.getByTestId('map-camera').first()).toBeVisible();

  // A camera on the map, clicked, shows full size on the wall (guards and alarms hidden so none covers it).
  await page.getByTestId('map-layer-guards').click();
  await page.getByTestId('map-layer-alarms').click();
  await expect(map.getByTestId('guard-marker')).toHaveCount(0);
  await map.getByTestId('map-camera').first().click();
  await expect(page.getByTestId('wall-focus')).toBeVisible();
  await page.getByTestId('wall-focus-back').click();
  await page.getByTestId('map-layer-guards').click();
  await page.getByTestId('map-layer-alarms').click();
  await expect(map.getByTestId('guard-marker').first()).toBeVisible();

  await page.getByTestId('language-switch').click();
  await expect(page.getByTestId('map-layer-guards')).toContainText('Guards');
  await page.screenshot({ path: testInfo.outputPath('site-map-en.png') });
  expect(errors).toEqual([]);
});

test('dispatch from an alarm: a suggested guard is sent, the alarm and his marker show it, arrival moves it on scene', async ({
  page,
  consoleApp,
}, testInfo) => {
  const errors = collectPageErrors(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signIn(page, consoleApp);
  const map = page.getByTestId('site-map');
  await expect(map.getByTestId('guard-marker').first()).toBeVisible({ timeout: 20_000 });

  // Open a located demo alarm from its marker on the map.
  const alarmMarker = map.getByTestId('map-alarm').first();
  await expect(alarmMarker).toBeAttached({ timeout: 30_000 });
  const alarmId = (await alarmMarker.getAttribute('data-alarm-id'))!;
  await alarmMarker.dispatchEvent('click');
  const detail = page.getByTestId('alarm-detail');
  await expect(detail).toHaveAttribute('data-alarm-id', alarmId);

  const candidate = detail.locator('[data-testid="dispatch-candidate"][data-available="true"]').first();
  await expect(candidate).toBeVisible();
  const guardId = (await candidate.getAttribute('data-guard-id'))!;
  await expect(candidate).toContainText('米');
  await page.screenshot({ path: testInfo.outputPath('dispatch-picker.png') });
  await candidate.click();

  await expect(page.getByTestId('alarm-detail-state')).toHaveText('已派警');
  const assigned = detail.locator(`[data-testid="assigned-guard"][data-guard-id="${guardId}"]`);
  await expect(assigned).toHaveAttribute('data-duty', 'dispatched');
  await expect(map.locator(`[data-testid="guard-marker"][data-guard-id="${guardId}"]`)).toHaveAttribute(
    'data-status',
    'dispatched',
  );
  await expect(page.locator(`[data-testid="alarm-row"][data-alarm-id="${alarmId}"]`)).toHaveAttribute(
    'data-state',
    'dispatched',
  );

  // The guard confirms by radio: the alarm is on scene.
  await assigned.getByTestId('guard-arrived').click();
  await expect(page.getByTestId('alarm-detail-state')).toHaveText('已到场');
  await expect(assigned).toHaveAttribute('data-duty', 'on_scene');
  expect(errors).toEqual([]);
});

test('D in the queue opens the guard picker with the keyboard on the best guard', async ({
  page,
  consoleApp,
}) => {
  const errors = collectPageErrors(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signIn(page, consoleApp);
  const row = page.getByTestId('alarm-row').first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  const alarmId = (await row.getAttribute('data-alarm-id'))!;
  await row.click();
  await page.keyboard.press('d');
  const detail = page.getByTestId('alarm-detail');
  await expect(detail).toHaveAttribute('data-alarm-id', alarmId);
  const first = detail.getByTestId('dispatch-candidate').first();
  await expect(first).toBeFocused();
  const guardId = (await first.getAttribute('data-guard-id'))!;
  await page.keyboard.press('Enter');
  await expect(detail.locator(`[data-testid="assigned-guard"][data-guard-id="${guardId}"]`)).toBeVisible();
  await expect(page.getByTestId('alarm-detail-state')).toHaveText('已派警');
  expect(errors).toEqual([]);
});

test('replay a guard track: load the last hour, move the slider, the replay marker moves; Esc leaves', async ({
  page,
  consoleApp,
}, testInfo) => {
  const errors = collectPageErrors(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signIn(page, consoleApp);
  const map = page.getByTestId('site-map');
  const marker = map.locator('[data-testid="guard-marker"][data-status="on_patrol"]').first();
  await expect(marker).toBeVisible({ timeout: 20_000 });
  const guardId = (await marker.getAttribute('data-guard-id'))!;
  // Wait until the guard has walked a little, so his stored track has more than one point.
  const start = await marker.getAttribute('data-position');
  await expect.poll(() => marker.getAttribute('data-position'), { timeout: 15_000 }).not.toBe(start);

  await page.getByTestId('replay-open').click();
  const bar = page.getByTestId('replay-bar');
  await expect(bar).toBeVisible();
  await bar.getByRole('combobox').first().click();
  await page.locator(`[data-testid="replay-guard-option"][data-value="${guardId}"]`).click();
  await bar.getByTestId('replay-load').click();

  const replay = map.getByTestId('replay-marker');
  await expect(replay).toBeVisible();
  const first = await replay.getAttribute('data-position');
  expect(first).toMatch(/^-?\d+\.\d+,-?\d+\.\d+$/);
  const slider = bar.getByTestId('replay-slider').getByRole('slider');
  await slider.focus();
  await page.keyboard.press('End');
  await expect.poll(() => replay.getAttribute('data-position')).not.toBe(first);
  const timeAtEnd = await bar.getByTestId('replay-time').textContent();
  await page.keyboard.press('Home');
  await expect(replay).toHaveAttribute('data-position', first!);
  await expect(bar.getByTestId('replay-time')).not.toHaveText(timeAtEnd!);
  await page.screenshot({ path: testInfo.outputPath('replay.png') });

  await page.keyboard.press('Escape');
  await expect(bar).toBeHidden();
  await expect(replay).toHaveCount(0);
  expect(errors).toEqual([]);
});

withPhones(
  "a guard's SOS from his phone: red on the map and in the guard list, a P1 alarm, and 'guard is safe' ends it",
  async ({ page, phones }) => {
    const errors = collectPageErrors(page);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await signIn(page, phones);
    const map = page.getByTestId('site-map');
    await expect(map.getByTestId('guard-marker').first()).toBeVisible({ timeout: 20_000 });

    const res = await fetch(
      `http://127.0.0.1:${phones.osmandPort}/?id=guard-phone-03&lat=30.2722&lon=120.1528&timestamp=${Math.floor(Date.now() / 1000)}&alarm=sos`,
      { method: 'POST' },
    );
    expect(res.status).toBe(200);
    await expect(map.locator('[data-testid="guard-marker"][data-guard-id="guard-03"]')).toHaveAttribute(
      'data-status',
      'sos',
    );
    const row = page.locator('[data-testid="guard-row"][data-guard-id="guard-03"]');
    await expect(row).toHaveAttribute('data-status', 'sos');
    await expect(page.locator('[data-testid="alarm-row"][data-priority="1"]').first()).toContainText(
      '保安求救',
    );

    await row.getByTestId('guard-clear-sos').click();
    const dialog = page.getByTestId('clear-sos-dialog');
    await dialog.getByTestId('clear-sos-dialog-text').fill('对讲确认安全');
    await dialog.getByTestId('dialog-submit').click();
    await expect(row).not.toHaveAttribute('data-status', 'sos');
    await expect(map.locator('[data-testid="guard-marker"][data-guard-id="guard-03"]')).not.toHaveAttribute(
      'data-status',
      'sos',
    );
    expect(errors).toEqual([]);
  },
);
