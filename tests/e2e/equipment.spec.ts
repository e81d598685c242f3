import type { HubSourceStatus } from '../../shared/contract';
import { expect, signIn, withScriptedHub as test } from './fixtures';

// The console linked to a hub that reports equipment (hub protocol 3), played by the test.
test.use({ viewport: { width: 1920, height: 1080 } });

const now = Date.now();
const SOURCES: HubSourceStatus[] = [
  {
    id: 'dc09-main',
    kind: 'dc09',
    state: 'listening',
    endpoint: 'tcp 0.0.0.0:12000',
    peers: 3,
    lastMessageAt: now - 4000,
    received: 1284,
    refused: 2,
    lastRefused: [
      {
        at: now - 60_000,
        peer: '10.20.1.7:50311',
        code: 'checksum',
        reason: 'CRC mismatch',
        raw: '9A3B0042"ADM-CID"0012L0#1234[#1234|1130 01 003]',
      },
    ],
  },
  {
    id: 'fire-tx-1',
    kind: 'gb26875',
    state: 'listening',
    endpoint: 'tcp 0.0.0.0:9001',
    peers: 1,
    lastMessageAt: now - 20_000,
    received: 311,
    refused: 0,
    lastRefused: [],
  },
  {
    id: 'mqtt',
    kind: 'mqtt',
    state: 'error',
    detail: 'listen EADDRINUSE: address already in use 0.0.0.0:1883',
    problem: 'port_in_use',
    peers: 0,
    received: 0,
    refused: 0,
    lastRefused: [],
  },
];

const PANEL_ORIGIN = {
  source: 'dc09',
  sourceId: 'dc09-main',
  fields: { account: '1234', zone: '003', code: '130', partition: '01' },
};

test('an alarm says where it came from and that its device restored; a supervisor reads the sources and devices, in Chinese and English', async ({
  page,
  consoleApp,
  hub,
  ui,
  saveScreenshot,
}) => {
  test.setTimeout(120_000);
  const { shell, queue, incident, equipment } = ui;
  hub.sourcesReply = { ok: true, sources: SOURCES };
  hub.publish({
    kind: 'alarm',
    data: {
      sourceId: 'dc09-1234-0042',
      deviceId: 'dc09:1234/003',
      type: 'intrusion',
      zone: 'bldg-03',
      cameras: [],
      raisedAt: Date.now(),
      text: '3号楼 一层 东侧窗户',
      origin: PANEL_ORIGIN,
    },
  });
  hub.publish({ kind: 'restore', data: { deviceId: 'dc09:1234/003', type: 'intrusion', at: Date.now() } });
  hub.publish({
    kind: 'device',
    data: {
      deviceId: 'fire-tx-1:1-23',
      kind: 'fire_component',
      state: 'fault',
      zone: 'bldg-05',
      at: Date.now(),
      lastSeenAt: Date.now(),
      supervisionSec: 300,
      label: '5号楼 2层 感烟探测器',
      text: '探测器污染',
      origin: {
        source: 'gb26875',
        sourceId: 'fire-tx-1',
        fields: { component: '1-23', description: '5号楼 2层 感烟探测器' },
      },
    },
  });
  hub.publish({
    kind: 'device',
    data: {
      deviceId: 'dc09:1234',
      kind: 'alarm_panel',
      state: 'ok',
      at: Date.now(),
      lastSeenAt: Date.now(),
      supervisionSec: 90,
      label: '1号岗 报警主机',
    },
  });
  await signIn(page, consoleApp, { role: 'supervisor' });
  await expect(queue.rows).toHaveCount(2);
  // The device fault joined the queue as a fire-facility fault.
  await expect(queue.rows.filter({ hasText: '消防设施故障' })).toHaveCount(1);
  const intrusion = queue.rows.filter({ hasText: '入侵报警' });
  await expect(intrusion.getByTestId('alarm-restored')).toHaveText('设备已恢复');

  await queue.open(intrusion);
  await expect(incident.originSource).toHaveText('DC-09 报警主机');
  await expect(incident.origin).toContainText('用户号');
  await expect(incident.origin).toContainText('防区');
  await expect(incident.origin).toContainText('事件代码');
  await expect(incident.originFields).toHaveText(['1234', '003', '130', '01']);
  await expect(incident.restored).toHaveText('设备已恢复');
  await expect(incident.trail).toContainText('设备已恢复');
  await expect(incident.detail).not.toContainText(/restored|account|zone|code/i);
  await saveScreenshot('alarm-origin.zh-CN.png');

  await equipment.open();
  await expect(equipment.sources).toHaveCount(3);
  await expect(equipment.sources.first()).toContainText('DC-09 报警主机');
  await expect(equipment.sources.first()).toContainText('监听中');
  await expect(equipment.sources.nth(2)).toContainText('端口已被占用');
  await expect(equipment.sources.nth(2)).not.toContainText('EADDRINUSE');
  await expect(equipment.refused).toContainText('校验错误');
  await expect(equipment.refused).not.toContainText('CRC mismatch');
  await expect(equipment.refused.getByTitle('CRC mismatch')).toBeVisible();
  await expect(equipment.devices).toHaveCount(2);
  await expect(equipment.devices.first()).toContainText('5号楼 2层 感烟探测器');
  await expect(equipment.devices.first()).toContainText('故障');
  await saveScreenshot('equipment.zh-CN.png');
  await equipment.filter('ok');
  await expect(equipment.devices).toHaveCount(1);
  await expect(equipment.devices.first()).toHaveAttribute('data-device-id', 'dc09:1234');
  await page.keyboard.press('Escape');
  await expect(equipment.root).toHaveCount(0);

  await shell.switchLanguage();
  await expect(incident.originSource).toHaveText('DC-09 alarm panel');
  await expect(incident.origin).toContainText('Account');
  await expect(incident.restored).toHaveText('Restored');
  await saveScreenshot('alarm-origin.en.png');
  await equipment.open();
  await expect(equipment.sources.first()).toContainText('Listening');
  await expect(equipment.devices.first()).toContainText('Fault');
  await saveScreenshot('equipment.en.png');
});

test('a hub that does not answer the sources question is shown as one with no sources', async ({
  page,
  consoleApp,
  ui,
}) => {
  test.setTimeout(90_000);
  const { shell, equipment } = ui;
  await signIn(page, consoleApp, { role: 'supervisor' });
  await expect(shell.hubStatus).toHaveAttribute('data-state', 'connected');
  await equipment.open();
  // The devices are the console's own: there at once, while the hub's silence takes its timeout to be sure of.
  await expect(equipment.sourcesAsking).toHaveText('正在询问平台…');
  await expect(equipment.devicesEmpty).toHaveText('平台尚未上报任何设备。');
  await expect(equipment.sourcesSilent).toContainText('未答复');
  await expect(equipment.sourcesAsking).toHaveCount(0);
});

test('an operator does not get the sources-and-devices view', async ({ page, consoleApp, ui }) => {
  test.setTimeout(90_000);
  await signIn(page, consoleApp);
  await expect(ui.shell.hubStatus).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('equipment-open')).toHaveCount(0);
});
