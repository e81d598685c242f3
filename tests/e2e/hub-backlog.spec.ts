import { expect, signIn, withScriptedHub as test } from './fixtures';

// The console linked to a hub that holds its log back: the console knows the hub's head, not yet its events.

const MIN = 60_000;
const BACKLOG = 600;
// Door alarms that waited 20 minutes in the hub's log (a console restart, a long link outage).
const raised = Date.now() - 20 * MIN;
test.use({
  hubBacklog: {
    events: Array.from({ length: BACKLOG }, (_, i) => ({
      kind: 'alarm',
      data: { sourceId: `door-${i}`, type: 'door_held', cameras: [], raisedAt: raised },
    })),
    at: raised,
  },
});

test('catching up with a hub backlog: the status says how far behind, replayed alarms are as old as they are, one notice for their escalations', async ({
  page,
  consoleApp,
  hub,
  ui,
  saveScreenshot,
}) => {
  test.setTimeout(90_000);
  const { shell, queue } = ui;
  await signIn(page, consoleApp, { role: 'operator' });

  await expect(shell.hubBacklog).toHaveAttribute('data-backlog', String(BACKLOG));
  await expect(shell.hubBacklog).toHaveText(`正在补收：${BACKLOG} 条`);
  await saveScreenshot('hub-catching-up.zh-CN.png');

  hub.release();
  await expect(shell.hubBacklog).toHaveCount(0, { timeout: 30_000 });
  await expect(queue.rows.first()).toBeVisible();
  await expect.poll(() => hub.ackOrder.length, { timeout: 30_000 }).toBe(BACKLOG);

  // Each replayed alarm's clock started when its panel raised it, and it says it waited in the hub.
  const first = queue.rows.first();
  await expect(first.getByTestId('alarm-clock')).toHaveText(/^2\d:\d\d$/);
  await expect(first.getByTestId('alarm-waited')).toHaveText('平台滞留 20 分钟');
  // Past their target before they came: one notice for them all, no escalation banner.
  await expect(shell.notice).toHaveAttribute('data-code', 'alarms-waited', { timeout: 15_000 });
  await expect(shell.notice).toContainText('条报警曾在平台滞留，最早的已过去 20 分钟');
  await expect(queue.escalationBanner).toHaveCount(0);
  await saveScreenshot('hub-caught-up.zh-CN.png');
});
