import { ACCOUNTS, expect, signIn, withSiteHub as test } from './fixtures';

// A hub with two alarms and nothing else, so the queue is known.
test.use({ siteHubAlarms: 2 });

test('a locked page cannot acknowledge an alarm, not even through the API with its own token; unlocking can', async ({
  page,
  consoleApp,
  ui,
}) => {
  const { queue, lockScreen } = ui;
  await signIn(page, consoleApp);
  await expect(queue.rows).toHaveCount(2);
  await lockScreen.lock();
  await expect(lockScreen.root).toBeVisible();
  await expect(lockScreen.alarms).toHaveAttribute('data-count', '2');

  // Someone at the locked page opens the console's API with what the page holds: the page token and the tab's
  // resume token. The core signs that connection in as the operator, locked, and refuses the acknowledgement.
  const { host, searchParams } = new URL(consoleApp.url);
  const answers = await page.evaluate(
    async ([host, token]) => {
      const tab = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } })
        .sessionStorage;
      const ws = new WebSocket(`ws://${host}/api?token=${encodeURIComponent(token!)}`);
      const replies = new Map<number, (envelope: unknown) => void>();
      ws.onmessage = (e) => {
        const frame = JSON.parse(String(e.data)) as { t: string; id: number; envelope: unknown };
        if (frame.t === 'result') replies.get(frame.id)?.(frame.envelope);
      };
      await new Promise((resolve) => (ws.onopen = resolve));
      let next = 1;
      const call = (method: string, input: unknown) =>
        new Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>((resolve) => {
          const id = next++;
          replies.set(id, resolve as (envelope: unknown) => void);
          ws.send(JSON.stringify({ t: 'call', id, method, input }));
        });
      const resumed = await call('auth.resume', { token: tab.getItem('console.resume') });
      const open = (await call('alarms.open', {})) as { value?: { alarms: Array<{ id: string }> } };
      const acknowledged = await call('alarms.acknowledge', { id: open.value?.alarms[0]?.id ?? 'none' });
      ws.close();
      return { resumed, acknowledged };
    },
    [host, searchParams.get('token')] as const,
  );
  expect(answers.resumed).toMatchObject({ ok: true, value: { locked: true } });
  expect(answers.acknowledged).toMatchObject({ ok: false, error: { code: 'locked' } });

  // The lock screen's own password lifts it; the alarms were not touched, and now the operator can act.
  await lockScreen.unlock(ACCOUNTS.operator.password);
  await expect(lockScreen.root).toHaveCount(0);
  await expect(queue.rowsInState('new')).toHaveCount(2);
  await queue.acknowledge(queue.rows.first());
  await expect(queue.rowsInState('acknowledged')).toHaveCount(1);
});
