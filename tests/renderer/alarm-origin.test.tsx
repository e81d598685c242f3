import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmView, SiteView } from '../../shared/contract';
import { ClientContext } from '../../renderer/api/client';
import { AlarmDetail, AlarmsContext, createAlarmsStore } from '../../renderer/features/alarms';
import { AlarmRow } from '../../renderer/features/alarms/AlarmRow';
import { createSystemStore, SystemContext } from '../../renderer/features/system';
import { i18next as i18n } from '../../renderer/ui/i18n';
import { alarm, fakeCore } from './support';

afterEach(cleanup);

const TARGETS = { acknowledgeSec: { '2': 60 }, resolveSec: { '2': 900 } };
const PANEL_ALARM = alarm({
  id: 'a-panel',
  type: 'intrusion',
  deviceId: 'panel-1234/003',
  restoredAt: 5_000,
  origin: {
    source: 'dc09',
    sourceId: 'dc09-main',
    fields: { account: '1234', zone: '003', code: '130', vendorFlag: 'x7' },
  },
});

async function showDetail(a: AlarmView) {
  const core = fakeCore({
    'alarms.open': () => ({
      alarms: [a],
      targets: TARGETS,
      disaster: { on: false, holdFromPriority: 4, reason: '' },
    }),
    'alarms.get': () => ({
      alarm: a,
      events: [
        { at: 1_000, kind: 'received', toState: 'new' },
        { at: 5_000, kind: 'restored' },
      ],
      deviceHistory: [],
    }),
  });
  const alarms = createAlarmsStore(core.client, { operatorName: () => '李明' });
  await alarms.load();
  const system = createSystemStore(core.client);
  system.site.set({ zones: [], cameras: [] } as unknown as SiteView);
  render(
    <ClientContext.Provider value={core.client}>
      <SystemContext.Provider value={system}>
        <AlarmsContext.Provider value={alarms}>
          <AlarmDetail id={a.id} slots={{ dispatch: () => null, cameraTile: () => null }} />
        </AlarmsContext.Provider>
      </SystemContext.Provider>
    </ClientContext.Provider>,
  );
  await act(async () => alarms.select(a.id));
}

describe('where an alarm came from', () => {
  it('names the source and the equipment’s fields in Chinese, raw names for fields it does not know', async () => {
    await i18n.changeLanguage('zh-CN');
    await showDetail(PANEL_ALARM);
    const origin = screen.getByTestId('alarm-origin');
    expect(screen.getByTestId('alarm-origin-source').textContent).toBe('DC-09 报警主机');
    expect(origin.textContent).toContain('dc09-main');
    const labels = [...origin.querySelectorAll('dt')].map((d) => d.textContent);
    expect(labels).toEqual(['用户号', '防区', '事件代码', 'vendorFlag']);
    const values = screen.getAllByTestId('alarm-origin-field').map((d) => d.textContent);
    expect(values).toEqual(['1234', '003', '130', 'x7']);
    expect(screen.getByTestId('alarm-detail-restored').textContent).toBe('设备已恢复');
    expect((await screen.findByTestId('alarm-trail')).textContent).toContain('设备已恢复');
  });

  it('says the same in English, and shows no origin for an alarm that has none', async () => {
    await i18n.changeLanguage('en');
    await showDetail({
      ...PANEL_ALARM,
      origin: { source: 'gb26875', fields: { component: '1-23', description: '3号楼 2层 感烟' } },
    });
    expect(screen.getByTestId('alarm-origin-source').textContent).toBe('GB/T 26875 fire alarm transmitter');
    const labels = [...screen.getByTestId('alarm-origin').querySelectorAll('dt')].map((d) => d.textContent);
    expect(labels).toEqual(['Component', 'Component description']);
    cleanup();
    await showDetail(alarm({ id: 'a-manual', source: 'manual' }));
    expect(screen.queryByTestId('alarm-origin')).toBeNull();
    expect(screen.queryByTestId('alarm-detail-restored')).toBeNull();
  });

  it('puts a restored badge on the queue row while the alarm is open', async () => {
    await i18n.changeLanguage('zh-CN');
    const row = (a: AlarmView) =>
      render(
        <AlarmRow
          alarm={a}
          now={10_000}
          zoneName="1号楼"
          selected={false}
          targets={TARGETS}
          onSelect={() => undefined}
          onOpen={() => undefined}
        />,
      );
    row(PANEL_ALARM);
    expect(screen.getByTestId('alarm-restored').textContent).toBe('设备已恢复');
    cleanup();
    row(alarm({ restoredAt: undefined }));
    expect(screen.queryByTestId('alarm-restored')).toBeNull();
  });
});
