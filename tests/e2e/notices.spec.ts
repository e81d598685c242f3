import { expect, signIn, withScriptedHub as test } from './fixtures';

// Notices never talk over the operator: one per kind with a count, information goes by itself, none covers a
// control, a hub-link refusal ends with the link; and the hub status' figures move as the hub's events come.

const alarm = (sourceId: string) => ({
  kind: 'alarm',
  data: { sourceId, type: 'door_held', cameras: [], raisedAt: Date.now() },
});
/** An alarm whose time is not a time: refused and set aside, with a notice. */
const refused = (sourceId: string) => ({
  kind: 'alarm',
  data: { sourceId, type: 'door_held', raisedAt: 'not-a-time' },
});

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('refused hub events fold into one notice with a count, beside the queue, never over its buttons', async ({
  page,
  consoleApp,
  hub,
  ui,
}) => {
  test.setTimeout(180_000);
  const { shell, queue } = ui;
  hub.publish(alarm('door-1'));
  await signIn(page, consoleApp);
  await expect(queue.rows).toHaveCount(1);
  for (let i = 0; i < 5; i++) hub.publish(refused(`bad-${i}`));
  await expect(shell.notice).toHaveAttribute('data-count', '5');
  await expect(shell.notice).toHaveCount(1);
  await expect(shell.notice).toContainText('（共 5 次）');

  // The queue's acknowledge button stays clear of the notice and takes a click while it shows.
  await queue.select(queue.rows.first());
  const ack = page.getByTestId('alarm-ack');
  await expect(ack).toBeVisible();
  const [a, n] = [await ack.boundingBox(), await shell.notice.boundingBox()];
  expect(overlaps(a!, n!), 'the notice covers the acknowledge button').toBe(false);
  await ack.click();
  await expect(queue.rowsInState('acknowledged')).toHaveCount(1);
});

test('the synced sequence moves as events come; a refusal by the hub goes when the link is back', async ({
  page,
  consoleApp,
  hub,
  ui,
}) => {
  test.setTimeout(180_000);
  const { shell } = ui;
  hub.publish(alarm('door-1'));
  await signIn(page, consoleApp);
  await expect(shell.hubStatus).toHaveAttribute('data-last-seq', '1');
  hub.publish(alarm('door-2'));
  hub.publish(alarm('door-3'));
  // Live, not at the next reload.
  await expect(shell.hubStatus).toHaveAttribute('data-last-seq', '3');

  hub.refusing = 'unknown console token';
  hub.disconnectAll();
  await expect(shell.notice).toHaveAttribute('data-code', 'hub-refused');
  await expect(shell.hubStatus).toHaveAttribute('data-state', 'offline');
  hub.refusing = undefined;
  // The console tries a refusing hub again every 15 s.
  await expect(shell.hubStatus).toHaveAttribute('data-state', 'connected', { timeout: 40_000 });
  await expect(shell.notice).toBeHidden();
});

test('an information goes by itself', async ({ page, consoleApp, hub, ui }) => {
  test.setTimeout(180_000);
  const { shell, queue } = ui;
  hub.publish(alarm('door-1'));
  await signIn(page, consoleApp);
  await expect(queue.rows).toHaveCount(1);
  await shell.focusConsole();
  await queue.press('history');
  const download = page.waitForEvent('download');
  await page.getByTestId('history-export').click();
  await download;
  await expect(shell.notice).toHaveAttribute('data-code', 'csv');
  await shell.press('Escape');
  // Information stays 8 s (TRANSIENT_MS) and goes without anyone closing it.
  await expect(shell.notice).toBeHidden({ timeout: 20_000 });
});
