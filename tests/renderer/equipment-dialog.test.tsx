import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceView, HubSourceStatus, SiteView } from '../../shared/contract';
import { ClientContext } from '../../renderer/api/client';
import { createSystemStore, EquipmentDialog, SystemContext } from '../../renderer/features/system';
import { i18next as i18n } from '../../renderer/ui/i18n';
import { fakeCore, Refusal, type Handlers } from './support';

afterEach(cleanup);

const TODAY = Date.now();
const PANELS: HubSourceStatus = {
  id: 'dc09-main',
  kind: 'dc09',
  state: 'listening',
  endpoint: 'tcp 0.0.0.0:12000',
  peers: 2,
  lastMessageAt: TODAY,
  received: 41,
  refused: 1,
  lastRefused: [
    {
      at: TODAY,
      peer: '10.0.0.7:50312',
      code: 'checksum',
      reason: 'CRC mismatch: frame says 9A3B, computed 1C2D',
      raw: '9A3B0042"NULL"',
    },
    // From a hub older than the refusal codes: only its own wording.
    { at: TODAY, peer: '10.0.0.7:50311', reason: 'bad CRC', raw: '9A3B0042"ADM-CID"' },
  ],
};
const BROKER: HubSourceStatus = {
  id: 'mqtt-1',
  kind: 'mqtt',
  state: 'error',
  detail: 'connect ECONNREFUSED 10.0.0.9:1883',
  problem: 'refused',
  peers: 0,
  received: 0,
  refused: 0,
  lastRefused: [],
};
const DEVICES: DeviceView[] = [
  {
    deviceId: 'panel-1234',
    kind: 'alarm_panel',
    state: 'offline',
    zone: 'bldg-01',
    at: TODAY,
    lastSeenAt: TODAY - 600_000,
    supervisionSec: 90,
    label: '1号岗 主机',
    origin: { source: 'dc09', sourceId: 'dc09-main', fields: {} },
  },
  { deviceId: 'leak-3', kind: 'sensor', state: 'ok', at: TODAY },
];

function setup(handlers: Handlers) {
  const core = fakeCore(handlers);
  const system = createSystemStore(core.client);
  system.site.set({
    zones: [{ id: 'bldg-01', name: { 'zh-CN': '1号楼', en: 'Building 1' } }],
  } as unknown as SiteView);
  render(
    <ClientContext.Provider value={core.client}>
      <SystemContext.Provider value={system}>
        <EquipmentDialog open onClose={() => undefined} />
      </SystemContext.Provider>
    </ClientContext.Provider>,
  );
  return core;
}

describe('the sources-and-devices view', () => {
  it('shows each source with its state, endpoint, counts and refused inputs, and the devices filterable by state', async () => {
    await i18n.changeLanguage('zh-CN');
    const core = setup({
      'hub.sources': () => ({ answered: true, sources: [PANELS, BROKER], at: TODAY }),
      'hub.devices': (input) => {
        const states = input.states as DeviceView['state'][] | undefined;
        const devices = states ? DEVICES.filter((d) => states.includes(d.state)) : DEVICES;
        return { devices, total: devices.length };
      },
    });
    const panels = (await screen.findAllByTestId('equipment-source'))[0]!;
    expect(panels.textContent).toContain('DC-09 报警主机');
    expect(panels.textContent).toContain('监听中');
    expect(panels.textContent).toContain('tcp 0.0.0.0:12000');
    expect(panels.textContent).toContain('41');
    const broker = screen.getAllByTestId('equipment-source')[1]!;
    expect(broker.getAttribute('data-state')).toBe('error');
    expect(broker.textContent).toContain('MQTT 传感器');
    // In the operator's language; Node's own message is on hover for the technician.
    expect(broker.textContent).toContain('对方拒绝连接');
    expect(broker.textContent).not.toContain('ECONNREFUSED');
    expect(screen.getByTestId('equipment-source-problem').getAttribute('title')).toBe(
      'connect ECONNREFUSED 10.0.0.9:1883',
    );
    expect(broker.textContent).toContain('从未');
    const refused = screen.getByTestId('equipment-refused');
    expect(refused.textContent).toContain('10.0.0.7:50311');
    expect(refused.textContent).toContain('bad CRC');
    // A coded refusal reads in the operator's language; the source's technical wording is on hover.
    const [coded] = screen.getAllByTestId('equipment-refused-reason');
    expect(coded!.textContent).toBe('校验错误');
    expect(coded!.getAttribute('title')).toBe('CRC mismatch: frame says 9A3B, computed 1C2D');
    expect(refused.textContent).not.toContain('CRC mismatch');
    expect(refused.textContent).toContain('9A3B0042"ADM-CID"');

    const rows = await screen.findAllByTestId('equipment-device');
    expect(rows.map((r) => r.getAttribute('data-device-id'))).toEqual(['panel-1234', 'leak-3']);
    expect(rows[0]!.textContent).toContain('1号岗 主机');
    expect(rows[0]!.textContent).toContain('报警主机');
    expect(rows[0]!.textContent).toContain('1号楼');
    expect(rows[0]!.textContent).toContain('离线');
    expect(rows[0]!.textContent).toContain('90 秒');
    expect(rows[1]!.textContent).toContain('不巡检');

    await act(async () => fireEvent.click(screen.getByTestId('equipment-filter-offline')));
    expect(core.callsOf('hub.devices').at(-1)).toEqual({ states: ['offline'] });
    expect(
      (await screen.findAllByTestId('equipment-device')).map((r) => r.getAttribute('data-device-id')),
    ).toEqual(['panel-1234']);
    await act(async () => fireEvent.click(screen.getByTestId('equipment-filter-fault')));
    expect((await screen.findByTestId('equipment-devices-empty')).textContent).toBe('没有该状态的设备。');
  });

  it('says a hub that did not answer reports no sources, and words an offline hub in the operator’s language', async () => {
    await i18n.changeLanguage('en');
    setup({
      'hub.sources': () => ({ answered: false, sources: [], at: TODAY }),
      'hub.devices': () => ({ devices: [], total: 0 }),
    });
    expect((await screen.findByTestId('equipment-sources-silent')).textContent).toMatch(/did not answer/);
    expect((await screen.findByTestId('equipment-devices-empty')).textContent).toBe(
      'The hub has not reported any device yet.',
    );
    cleanup();
    await i18n.changeLanguage('zh-CN');
    setup({
      'hub.sources': () => {
        throw new Refusal({
          code: 'unavailable',
          message: 'The site hub is not connected.',
          reason: 'hub_offline',
        });
      },
      'hub.devices': () => ({ devices: DEVICES, total: 2 }),
    });
    const error = await screen.findByTestId('equipment-sources-error');
    expect(error.textContent).toContain('平台未连接');
    expect(error.textContent).not.toContain('The site hub');
    // The devices are the console's own record: still there while the hub is away.
    expect(await screen.findAllByTestId('equipment-device')).toHaveLength(2);
    expect(within(screen.getByTestId('equipment-dialog')).queryByTestId('equipment-source')).toBeNull();
  });
});
