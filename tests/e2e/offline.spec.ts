import { freePort } from '../support/rtsp-camera';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { expect, startConsole, startHubProcess, test, signIn } from './fixtures';

test('the hub goes away: offline since hh:mm, work goes on, the outbox drains when it returns', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  const chromium = requireTool('Chromium', existsSync(CHROMIUM), 'apt-get install chromium');
  testInfo.skip(!chromium.available, chromium.reason);
  const tmp = tempDir('offline-e2e-');
  const port = await freePort();
  const hubDb = join(tmp.dir, 'hub.sqlite');
  let hub = await startHubProcess(port, hubDb);
  const app = await startConsole(['--hub', `http://127.0.0.1:${port}`, '--hub-token', 'e2e']);
  try {
    await signIn(page, app);
    const status = page.getByTestId('hub-status');
    await expect(status).toHaveAttribute('data-state', 'connected');
    await expect(page.getByTestId('alarm-row')).toHaveCount(3);

    const gone = new Promise((r) => hub.once('exit', r));
    hub.kill('SIGTERM');
    await gone;
    await expect(status).toHaveAttribute('data-state', 'offline');
    await expect(status).toContainText(/平台离线 自 \d\d:\d\d/);
    await page.screenshot({ path: testInfo.outputPath('hub-offline.png') });

    // Local work goes on: acknowledge an alarm; it waits in the outbox.
    const row = page.getByTestId('alarm-row').first();
    await row.click();
    await page.keyboard.press('a');
    await expect(row).toHaveAttribute('data-state', 'acknowledged');
    await expect(status).toHaveAttribute('data-outbox', '1');
    await expect(status).toContainText('待上传 1 条');

    hub = await startHubProcess(port, hubDb);
    await expect(status).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
    await expect(status).toHaveAttribute('data-outbox', '0');
    const db = new Database(hubDb, { readonly: true });
    const applied = db
      .prepare("SELECT count(*) FROM hub_actions WHERE type = 'alarm.acknowledge'")
      .pluck()
      .get();
    db.close();
    expect(applied).toBe(1);
  } finally {
    await app.stop();
    if (hub.exitCode === null) hub.kill('SIGTERM');
    tmp.cleanup();
  }
});
