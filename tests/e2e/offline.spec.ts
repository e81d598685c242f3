import Database from 'better-sqlite3';
import { expect, signIn, withSiteHub as test } from './fixtures';

/** How many acknowledgements the hub has applied, read from its own database. */
function acknowledgementsOnHub(file: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT count(*) FROM hub_actions WHERE type = 'alarm.acknowledge'").pluck().get();
  } finally {
    db.close();
  }
}

test('the hub goes away: offline since hh:mm, work goes on, the outbox drains when it returns', async ({
  page,
  consoleApp,
  siteHub,
  ui,
  saveScreenshot,
}) => {
  test.setTimeout(90_000);
  const { shell, queue } = ui;
  await signIn(page, consoleApp);
  const status = shell.hubStatus;
  await expect(status).toHaveAttribute('data-state', 'connected');
  await expect(queue.rows).toHaveCount(3);

  await siteHub.stop();
  await expect(status).toHaveAttribute('data-state', 'offline');
  await expect(status).toContainText(/平台离线 自 \d\d:\d\d/);
  await saveScreenshot('hub-offline.png');

  // Local work goes on: acknowledge an alarm; it waits in the outbox.
  const row = queue.rows.first();
  await queue.acknowledge(row);
  await expect(row).toHaveAttribute('data-state', 'acknowledged');
  await expect(status).toHaveAttribute('data-outbox', '1');
  await expect(status).toContainText('待上传 1 条');

  await siteHub.start();
  await expect(status).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect(status).toHaveAttribute('data-outbox', '0');
  expect(acknowledgementsOnHub(siteHub.db)).toBe(1);
});
