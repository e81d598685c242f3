import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GuardDeviceView, SiteView } from '../../shared/contract';
import { ClientContext } from '../../renderer/api/client';
import { PhonesDialog } from '../../renderer/features/guards';
import { createSystemStore, SystemContext } from '../../renderer/features/system';
import '../../renderer/ui/i18n';
import { fakeCore } from './support';

afterEach(cleanup);

const SITE_PHONE: GuardDeviceView = {
  id: 'site-guard-01-1',
  guardId: 'guard-01',
  label: 'guard-01 #1',
  origin: 'site',
  lastSeenAt: Date.UTC(2026, 10, 30, 2, 0),
  lastAddress: '192.168.10.23',
};
const SECRET = 'Zq3-secret-of-the-new-phone-0123456789';

function setup() {
  let revoked: string | undefined;
  const core = fakeCore({
    'guards.devices': () => ({ devices: [SITE_PHONE] }),
    'guards.issueDevice': (input) => ({
      device: {
        id: 'phone-1a2b3c4d',
        guardId: String(input.guardId),
        label: String(input.label),
        origin: 'console',
        issuedAt: Date.UTC(2026, 10, 30, 3, 0),
        issuedBy: '王主管',
      },
      deviceId: SECRET,
      links: [`http://192.168.10.5:5055/?id=${SECRET}&accuracy=high&interval=10`],
    }),
    'guards.revokeDevice': (input) => {
      revoked = String(input.id);
      return { done: true };
    },
  });
  const system = createSystemStore(core.client);
  // Only the guards' names matter here.
  system.site.set({
    guards: [
      { id: 'guard-01', name: { 'zh-CN': '张伟', en: 'Zhang Wei' } },
      { id: 'guard-04', name: { 'zh-CN': '刘洋', en: 'Liu Yang' } },
    ],
  } as unknown as SiteView);
  render(
    <ClientContext.Provider value={core.client}>
      <SystemContext.Provider value={system}>
        <PhonesDialog onClose={() => undefined} />
      </SystemContext.Provider>
    </ClientContext.Provider>,
  );
  return { core, revoked: () => revoked };
}

describe('the guards’ phones dialog', () => {
  it('lists the phones by guard name, issues a secret shown once with its setup link, and revokes it on confirmation', async () => {
    const { core, revoked } = setup();
    const siteRow = await screen.findByTestId('phone-row');
    expect(siteRow.textContent).toContain('张伟');
    expect(siteRow.textContent).toContain('站点文件');
    expect(siteRow.textContent).toContain('192.168.10.23');
    // A site-file phone is changed in the site file, not here.
    expect(within(siteRow).queryByTestId('phone-revoke')).toBeNull();

    const guard = screen.getByTestId('phone-guard').closest('.MuiInputBase-root')!.querySelector('input')!;
    fireEvent.change(guard, { target: { value: 'guard-04' } });
    fireEvent.change(screen.getByTestId('phone-label'), { target: { value: '4号机' } });
    await act(async () => fireEvent.click(screen.getByTestId('phone-issue')));
    expect(core.callsOf('guards.issueDevice')).toEqual([{ guardId: 'guard-04', label: '4号机' }]);
    const issued = screen.getByTestId('phone-issued');
    expect(issued.textContent).toContain('4号机 的设备号（只显示这一次）');
    expect(screen.getByTestId('phone-secret').textContent).toBe(SECRET);
    expect(screen.getByTestId('phone-link').textContent).toBe(
      `http://192.168.10.5:5055/?id=${SECRET}&accuracy=high&interval=10`,
    );

    const rows = screen.getAllByTestId('phone-row');
    expect(rows).toHaveLength(2);
    const revoke = within(rows[1]!).getByTestId('phone-revoke');
    fireEvent.click(revoke);
    expect(revoked()).toBeUndefined();
    expect(revoke.textContent).toBe('确认停用');
    await act(async () => fireEvent.click(revoke));
    expect(revoked()).toBe('phone-1a2b3c4d');
    expect(screen.getAllByTestId('phone-row')).toHaveLength(1);
  });
});
