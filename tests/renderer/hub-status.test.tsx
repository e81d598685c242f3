import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubStatus as HubStatusView } from '../../shared/contract';
import { ClientContext } from '../../renderer/api/client';
import { createSystemStore, HubStatus, SystemContext } from '../../renderer/features/system';
import { i18next as i18n } from '../../renderer/ui/i18n';
import { fakeCore } from './support';

afterEach(cleanup);

const ON_B: HubStatusView = {
  state: 'connected',
  since: Date.now(),
  outbox: 0,
  lastSeq: 41,
  hub: 'https://hub.example:8442',
  instance: 'hub-b',
  hubs: 2,
  demo: false,
};

function setup(status: HubStatusView) {
  const core = fakeCore();
  const system = createSystemStore(core.client);
  system.hub.set(status);
  render(
    <ClientContext.Provider value={core.client}>
      <SystemContext.Provider value={system}>
        <HubStatus />
      </SystemContext.Provider>
    </ClientContext.Provider>,
  );
  return system;
}

describe('the hub status with several hub instances', () => {
  it('names the instance the console is on, in both languages, and only when it was given a list', async () => {
    await i18n.changeLanguage('zh-CN');
    const system = setup(ON_B);
    const chip = screen.getByTestId('hub-status');
    expect(chip.getAttribute('data-instance')).toBe('hub-b');
    expect(chip.textContent).toBe('平台已连接 · 节点 hub-b');

    await act(async () => i18n.changeLanguage('en'));
    expect(screen.getByTestId('hub-status').textContent).toContain('instance hub-b');

    // A long host name is cut in the top bar, whole on hover.
    await act(async () => system.hub.set({ ...ON_B, instance: 'control-room-hub-server-02.example:4100' }));
    expect(screen.getByTestId('hub-status').textContent).toContain('instance control-room-hub-se…');
    // One hub address: the chip stays as it was (the instance, if the hub names one, is on hover only).
    await act(async () => system.hub.set({ ...ON_B, hubs: undefined }));
    expect(screen.getByTestId('hub-status').textContent).not.toContain('hub-b');
    // Offline: the time it went, not an instance it is no longer on.
    await act(async () => system.hub.set({ ...ON_B, state: 'offline' }));
    expect(screen.getByTestId('hub-status').textContent).not.toContain('hub-b');
    await i18n.changeLanguage('zh-CN');
  });
});
