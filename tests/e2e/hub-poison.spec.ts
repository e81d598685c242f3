import { expect, signIn, withScriptedHub as test } from './fixtures';

// The console linked to a hub that sends whatever the test gives it, valid or not (no embedded demo hub).

/** Another console's acknowledgement whose time is not a time: what used to break the queue for everybody. */
const poisonedAck = (i: number) => ({
  kind: 'action.applied',
  data: {
    key: `poison-${i}`,
    consoleId: 'console-b',
    type: 'alarm.acknowledge',
    payload: {
      alarm: { source: 'hub', sourceId: 'door-7' },
      state: 'acknowledged',
      operator: '王',
      at: 'not-a-time',
    },
    appliedAt: Date.now(),
  },
});
const alarm = (sourceId: string, type: string) => ({
  kind: 'alarm',
  data: { sourceId, type, cameras: [], raisedAt: Date.now() },
});

test('a poisoned hub message: one notice in Chinese with a count, the fire alarm behind it, dead letters for the supervisor', async ({
  page,
  consoleApp,
  hub,
  ui,
  saveScreenshot,
}) => {
  // A console with its video wall on a shared machine: sign-in alone can take half a minute.
  test.setTimeout(90_000);
  const { shell, queue, deadLetters } = ui;
  hub.publish(alarm('door-7', 'door_held'));
  await signIn(page, consoleApp, { role: 'supervisor' });
  await expect(queue.rows).toHaveCount(1);
  await expect(shell.hubDeadLetters).toHaveCount(0);
  await expect(shell.hubInsecure).toHaveCount(0);

  for (let i = 0; i < 3; i++) hub.publish(poisonedAck(i));
  hub.publish(alarm('fire-1', 'fire'));
  await expect(queue.rows).toHaveCount(2);
  // Neither alarm was touched by the poison: both still wait for this console's operator.
  await expect(queue.rowsInState('new')).toHaveCount(2);

  await expect(shell.notice).toHaveAttribute('data-code', 'hub-event-refused');
  await expect(shell.notice).toHaveAttribute('data-count', '3');
  await expect(shell.notice).toContainText('（共 3 次）');
  await expect(shell.notice).toContainText('其他控制台的操作');
  await expect(shell.notice).not.toContainText(/[A-Za-z]{3,}/);
  await expect(shell.hubDeadLetters).toHaveText('搁置 3 条');

  await deadLetters.open();
  await expect(deadLetters.root).toBeVisible();
  await expect(deadLetters.rows).toHaveCount(3);
  await expect(deadLetters.rows.first()).toContainText('data.payload.at');
  await expect(deadLetters.rows.first()).toContainText('格式不符');
  await saveScreenshot('hub-dead-letters.png');
});

test('an operator is told of a refused message, in English once switched, but does not get the dead letters', async ({
  page,
  consoleApp,
  hub,
  ui,
}) => {
  test.setTimeout(90_000);
  const { shell } = ui;
  await signIn(page, consoleApp);
  await expect(shell.hubStatus).toHaveAttribute('data-state', 'connected');
  await shell.switchLanguage();
  hub.publish({ kind: 'meteor', data: {} });
  await expect(shell.notice).toContainText('(sequence 1, meteor) was set aside: invalid');
  await expect(shell.hubStatus).toHaveAttribute('data-state', 'connected');
  await expect(shell.hubDeadLetters).toHaveCount(0);
});
