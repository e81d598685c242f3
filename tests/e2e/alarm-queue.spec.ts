import { expect, test, signIn } from './fixtures';

test.describe('with a 5 s acknowledge target', () => {
  // So that an escalation happens within the test.
  test.use({ consoleEnv: { CONSOLE_ACK_TARGET_SEC: '5' } });

  test('alarm queue: demo alarms in order, keyboard-only handling, history, escalation', async ({
    page,
    consoleApp,
    ui,
    saveScreenshot,
  }) => {
    test.setTimeout(120_000);
    const { shell, queue, manualAlarm, resolveDialog, incident } = ui;
    await signIn(page, consoleApp);

    // Demo alarms arrive and the queue is ordered by priority, then by how long each has waited.
    await expect(queue.rows.first()).toBeVisible({ timeout: 20_000 });
    const priorities = await queue.priorities();
    expect([...priorities].sort((a, b) => a - b)).toEqual(priorities);

    // Not acknowledged within the target: the banner appears and stays.
    await expect(queue.escalationBanner).toBeVisible({ timeout: 30_000 });
    await saveScreenshot('alarms-escalated.png');

    // A resident phones in; everything from here on is done with the keyboard.
    await shell.focusConsole();
    await manualAlarm.raiseByKeyboard('5号楼住户来电:楼道有烟味');
    await queue.search('楼道有烟味');
    const mine = queue.rowsWithText('楼道有烟味');
    await expect(mine).toHaveCount(1);
    await expect(mine).toHaveAttribute('data-state', 'new');
    await queue.leaveSearch();

    await queue.press('acknowledge');
    await expect(mine).toHaveAttribute('data-state', 'acknowledged');
    await queue.press('open');
    await expect(incident.detail).toContainText('楼道有烟味');
    await queue.press('resolve');
    await expect(resolveDialog.root).toBeVisible();
    await resolveDialog.resolveByKeyboard('2', '保安到场检查,为住户烧菜油烟'); // 2: false alarm
    await expect(mine).toHaveCount(0);
    await expect(incident.state).toHaveText('已处置');
    await expect(incident.trail).toContainText('保安到场检查');

    // The shortcuts are listed, and the history has the resolved alarm with its disposition.
    await queue.press('close');
    await shell.focusConsole();
    await queue.press('help');
    await expect(queue.helpOverlay).toContainText('A:确认报警');
    await queue.press('close');
    await expect(queue.helpOverlay).toHaveCount(0);
    await queue.press('history');
    await expect(queue.historyRows.filter({ hasText: '误报' }).first()).toBeVisible();
    await queue.press('close');

    // Disaster mode is a supervisor's decision: the duty operator is told so.
    await queue.requestDisasterMode('暴雨,水浸报警大量涌入');
    await expect(shell.notice).toContainText('此操作需要「值班主管」或更高的角色');

    // The hub has everything: the outbox drains to zero.
    await expect(shell.hubStatus).toHaveAttribute('data-outbox', '0');
    await saveScreenshot('alarms-handled.png');
  });
});

test('alarm-linked video: an alarm with cameras shows them on the wall until it is acknowledged', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  test.setTimeout(90_000);
  const { shell, queue, manualAlarm, monitor } = ui;
  await signIn(page, consoleApp);
  await expect(shell.hubStatus).toHaveAttribute('data-state', 'connected');
  // A fire reported at the south gate: the most urgent alarm, with the gate's cameras.
  await manualAlarm.raise({ type: '火警', place: /南门/, text: '南门岗亭冒烟' });

  await expect(monitor.tiles.first()).toHaveAttribute('data-camera-id', /cam-0[12]/);
  await expect(monitor.tiles.first()).toHaveAttribute('data-status', 'live', {
    timeout: 20_000,
  });
  await expect(monitor.canvases.first()).toBeVisible();
  const alarmId = await monitor.alarmId();
  await saveScreenshot('alarm-monitor.png');
  await monitor.acknowledge();
  await expect(queue.row(alarmId)).toHaveAttribute('data-state', 'acknowledged');
  await expect(monitor.of(alarmId)).toHaveCount(0);
});
