import { existsSync } from 'node:fs';
import { CHROMIUM, requireTool } from '../support/tools';
import { collectPageErrors, expect, startConsole, test, signIn } from './fixtures';

test('alarm queue: demo alarms in order, keyboard-only handling, history, escalation', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const chromium = requireTool('Chromium', existsSync(CHROMIUM), 'apt-get install chromium');
  testInfo.skip(!chromium.available, chromium.reason);
  // A 5 s acknowledge target, so an escalation happens within the test.
  const app = await startConsole([], { CONSOLE_ACK_TARGET_SEC: '5' });
  try {
    const errors = collectPageErrors(page);
    await signIn(page, app);
    const rows = page.getByTestId('alarm-row');

    // Demo alarms arrive and the queue is ordered by priority, then by how long each has waited.
    await expect(rows.first()).toBeVisible({ timeout: 20_000 });
    const priorities = (await rows.evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute('data-priority'))),
    )) as number[];
    expect([...priorities].sort((a, b) => a - b)).toEqual(priorities);

    // Not acknowledged within the target: the banner appears and stays.
    await expect(page.getByTestId('escalation-banner')).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: testInfo.outputPath('alarms-escalated.png') });

    // A resident phones in; everything from here on is done with the keyboard.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('m');
    await page.getByTestId('manual-text').fill('5号楼住户来电:楼道有烟味');
    await page.keyboard.press('Enter');
    await page.getByTestId('alarm-search').fill('楼道有烟味');
    const mine = rows.filter({ hasText: '楼道有烟味' });
    await expect(mine).toHaveCount(1);
    await expect(mine).toHaveAttribute('data-state', 'new');
    await page.getByTestId('alarm-search').blur();

    await page.keyboard.press('a');
    await expect(mine).toHaveAttribute('data-state', 'acknowledged');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('alarm-detail')).toContainText('楼道有烟味');
    await page.keyboard.press('r');
    await expect(page.getByTestId('resolve-dialog')).toBeVisible();
    await page.keyboard.press('2'); // false alarm
    await page.getByTestId('resolve-note').focus();
    await page.keyboard.type('保安到场检查,为住户烧菜油烟');
    await page.keyboard.press('Enter');
    await expect(mine).toHaveCount(0);
    await expect(page.getByTestId('alarm-detail-state')).toHaveText('已处置');
    await expect(page.getByTestId('alarm-trail')).toContainText('保安到场检查');

    // The shortcuts are listed, and the history has the resolved alarm with its disposition.
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('?');
    await expect(page.getByTestId('help-overlay')).toContainText('A:确认报警');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('help-overlay')).toHaveCount(0);
    await page.keyboard.press('h');
    await expect(page.getByTestId('history-row').filter({ hasText: '误报' }).first()).toBeVisible();
    await page.keyboard.press('Escape');

    // Disaster mode is a supervisor's decision: the duty operator is told so.
    await page.getByTestId('alarm-disaster').click();
    await page.getByTestId('disaster-reason').fill('暴雨,水浸报警大量涌入');
    await page.getByTestId('dialog-submit').click();
    await expect(page.getByTestId('notice')).toContainText('needs the supervisor role');

    // The hub has everything: the outbox drains to zero.
    await expect(page.getByTestId('hub-status')).toHaveAttribute('data-outbox', '0');
    await page.screenshot({ path: testInfo.outputPath('alarms-handled.png') });
    expect(errors).toEqual([]);
  } finally {
    await app.stop();
  }
});

test('alarm-linked video: an alarm with cameras shows them on the wall until it is acknowledged', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  const chromium = requireTool('Chromium', existsSync(CHROMIUM), 'apt-get install chromium');
  testInfo.skip(!chromium.available, chromium.reason);
  const app = await startConsole();
  try {
    await signIn(page, app);
    await expect(page.getByTestId('hub-status')).toHaveAttribute('data-state', 'connected');
    // A fire reported at the south gate: the most urgent alarm, with the gate's cameras.
    await page.getByTestId('alarm-manual').click();
    const dialog = page.getByTestId('manual-dialog');
    await dialog.getByRole('combobox').first().click();
    await page.getByRole('option', { name: '火警' }).click();
    await dialog.getByRole('combobox').nth(1).click();
    await page.getByRole('option', { name: /南门/ }).click();
    await page.getByTestId('manual-text').fill('南门岗亭冒烟');
    await page.getByTestId('dialog-submit').click();

    const monitor = page.getByTestId('alarm-monitor');
    await expect(monitor.getByTestId('camera-tile').first()).toHaveAttribute('data-camera-id', /cam-0[12]/);
    await expect(monitor.getByTestId('camera-tile').first()).toHaveAttribute('data-status', 'live', {
      timeout: 20_000,
    });
    await expect(monitor.getByTestId('tile-canvas').first()).toBeVisible();
    const alarmId = await monitor.getAttribute('data-alarm-id');
    await page.screenshot({ path: testInfo.outputPath('alarm-monitor.png') });
    await monitor.getByTestId('monitor-ack').click();
    await expect(page.locator(`[data-testid=alarm-row][data-alarm-id="${alarmId}"]`)).toHaveAttribute(
      'data-state',
      'acknowledged',
    );
    await expect(page.locator(`[data-testid=alarm-monitor][data-alarm-id="${alarmId}"]`)).toHaveCount(0);
  } finally {
    await app.stop();
  }
});
