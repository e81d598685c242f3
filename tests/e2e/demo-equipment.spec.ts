import { expect, signIn, test } from './fixtures';

// The demo console as started: its alarms come from the demo equipment through the hub's real sources.
// Seed 1 has the demo panel report Contact ID 426 (door held open) on its zone 4, 4 s after the start.
test.use({ viewport: { width: 1920, height: 1080 }, consoleEnv: { CONSOLE_DEMO_SEED: '1' } });

test("a demo alarm names the panel and zone it came from in the operator's language and sits on the map; the four demo sources are up with their devices", async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  test.setTimeout(90_000);
  const { queue, incident, equipment, shell, map } = ui;
  await signIn(page, consoleApp, { role: 'supervisor' });

  const held = queue.rows.filter({ hasText: '门长时间未关' }).first();
  await expect(held).toBeVisible({ timeout: 30_000 });
  await expect(held).toContainText('4号楼');
  await queue.open(held);
  await expect(incident.originSource).toHaveText('DC-09 报警主机');
  // The device by its name from the panel's zone list, its address beside it.
  await expect(page.getByTestId('alarm-device').first()).toContainText('4号楼单元门');
  await expect(incident.origin).toContainText('用户号');
  await expect(incident.origin).toContainText('防区');
  await expect(incident.originFields.filter({ hasText: /^1234$/ })).toHaveCount(1);
  await expect(incident.originFields.filter({ hasText: /^0*4$/ })).toHaveCount(1);
  await expect(incident.originFields.filter({ hasText: /^426$/ })).toHaveCount(1);
  // Every field under a Chinese name, the event's name in Chinese only, a yes/no as 是/否.
  await expect(incident.origin).toContainText('事件名称');
  await expect(incident.origin).toContainText('门长时间未关');
  await expect(incident.origin).not.toContainText(
    /codeName|panelTime|transport|encrypted|Access door|false|true/,
  );
  // The origin's panel fields (account, zone, event code) in view for the record.
  await incident.originFields.filter({ hasText: /^426$/ }).scrollIntoViewIfNeeded();
  await saveScreenshot('demo-alarm-origin.zh-CN.png');

  // The panel's words in the operator's language, from the Contact ID table: Chinese, then English once switched.
  await expect(incident.text).toHaveText(/^门长时间未关（.+ 0*4）$/);
  const row = queue.row(await incident.alarmId());
  await expect(row).toContainText('门长时间未关（');
  await expect(row).not.toContainText('Access door');
  await shell.switchLanguage();
  await expect(incident.text).toHaveText(/^Access door propped open \(.+ 0*4\)$/);
  await expect(row).toContainText('Access door propped open (');
  await expect(row).not.toContainText('门长时间未关');
  await shell.switchLanguage();
  await expect(incident.text).toContainText('门长时间未关');

  // On the site map at the unit door's place from the site file, marked as the alarm opened.
  const marker = map.alarm(await incident.alarmId());
  await expect(marker).toBeVisible();
  await expect(marker).toHaveClass(/am-selected/);

  await equipment.open();
  await expect(equipment.sources).toHaveCount(4);
  for (const [id, state] of [
    ['demo-panel', '监听中'],
    ['demo-fire', '监听中'],
    ['demo-sensors', /监听中|已连接/],
    ['demo-cameras', '已连接'],
  ] as const) {
    await expect(equipment.sources.filter({ hasText: id })).toContainText(state);
  }
  // The panel and its zone, the transmitter, the six sensors and the camera, once each has spoken.
  await expect.poll(() => equipment.devices.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(9);
  await expect(equipment.devices.filter({ hasText: '小区报警主机' })).toHaveCount(1);
  await expect(equipment.devices.filter({ hasText: '地下车库B1水浸' })).toHaveCount(1);
  await saveScreenshot('demo-equipment.zh-CN.png');
});
