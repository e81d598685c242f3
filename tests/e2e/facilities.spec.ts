import { expect, signIn, test } from './fixtures';

// The demo console as started: its ledger (the site's cameras and the fire facilities its site file lists), the
// pump-room hydrant's fault that the demo's GB/T 26875 transmitter reports 20 s after the start, and the hazard the
// demo's register starts with.
test.use({ viewport: { width: 1366, height: 768 }, consoleEnv: { CONSOLE_DEMO_SEED: '1' } });

test('the facilities view: the ledger, the demo fault as a work order moved along, the hazard in progress; both languages at 1366×768 and 1920×1080', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  test.setTimeout(240_000);
  const { facilities, shell, queue, incident } = ui;
  await signIn(page, consoleApp);

  // The ledger by its shortcut: the site's fire facilities and cameras, each with its state.
  await facilities.open();
  await expect(facilities.root).toBeVisible();
  await expect(facilities.ledgerRow('XFB-01')).toContainText('消防水泵');
  await expect(facilities.ledgerRow('XFB-01')).toContainText('杭消维保 刘工');
  await expect(facilities.ledgerRow('cam-01')).toContainText('摄像机');
  await saveScreenshot('facilities-ledger.zh-CN.1366.png');

  // The transmitter's fault on the pump-room hydrant became the one work order, waiting for a maintainer.
  await facilities.tab('orders');
  // (The demo raises other faults as it goes: each device has its own order.)
  const hydrant = facilities.orderRows.filter({ hasText: '水泵房消火栓' });
  await expect(hydrant).toHaveCount(1, { timeout: 120_000 });
  await expect(hydrant).toContainText(/WO-\d{6}/);
  await expect(hydrant).toHaveAttribute('data-state', 'open');
  // The demo goes on raising faults: from here on this order is named by its id.
  const order = facilities.orderRow((await hydrant.getAttribute('data-order-id'))!);

  // The demo's order: assigned to a maintainer (his call card), then started.
  await facilities.tab('orders');
  await facilities.openOrder(order);
  await facilities.act('assign');
  await expect(facilities.orderDetailState).toHaveText('已派单');
  await expect(facilities.orderCallCard).toContainText('13800000011');
  await facilities.act('start');
  await expect(facilities.orderDetailState).toHaveText('维修中');
  await expect(order).toHaveAttribute('data-state', 'in_progress');
  await expect(facilities.orderDetail.getByTestId('facilities-timeline-item')).toHaveCount(3);
  await saveScreenshot('facilities-orders.zh-CN.1366.png');

  // The hazard being rectified, with its owner and the month's rate.
  await facilities.tab('hazards');
  const hazard = facilities.hazardRows.first();
  await expect(hazard).toHaveAttribute('data-state', 'rectifying');
  await expect(hazard).toContainText('整改中');
  await expect(facilities.hazardRate).toContainText('隐患排查整改率');
  await facilities.openOrder(hazard);
  await expect(facilities.root.getByTestId('hazard-owner-card')).toContainText('13800000022');
  await saveScreenshot('facilities-hazards.zh-CN.1366.png');

  await facilities.close();
  await shell.switchLanguage();
  await facilities.open();
  await facilities.tab('orders');
  await facilities.openOrder(order);
  await expect(facilities.orderDetailState).toHaveText('In progress');
  await expect(facilities.orderDetail).toContainText('From a device fault');
  await saveScreenshot('facilities-orders.en.1366.png');

  await page.setViewportSize({ width: 1920, height: 1080 });
  await facilities.tab('ledger');
  await expect(facilities.ledgerRow('XFB-01')).toContainText('Fire pump');
  await saveScreenshot('facilities-ledger.en.1920.png');
  await facilities.tab('hazards');
  await expect(facilities.hazardRows.first()).toContainText('Rectifying');
  await saveScreenshot('facilities-hazards.en.1920.png');
  await facilities.close();
  await shell.switchLanguage();
  await facilities.open();
  await facilities.tab('orders');
  await facilities.openOrder(order);
  await expect(facilities.orderDetailState).toHaveText('维修中');
  await saveScreenshot('facilities-orders.zh-CN.1920.png');

  // From the fault's alarm detail, 报修 shows its device's order rather than opening a second one.
  const orders = await facilities.orderRows.count();
  await facilities.close();
  await expect(facilities.root).toBeHidden();
  await queue.open(queue.rows.filter({ hasText: '水泵房消火栓' }).first());
  await incident.detail.getByTestId('alarm-work-order').click();
  await expect(facilities.orderDetail).toContainText('水泵房消火栓');
  await expect(facilities.orderRows).toHaveCount(orders);
});
