import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubSourceStatus, MethodName, OperatorView } from '../../shared/contract';
import { type ConsoleCore } from '../../electron/core';
import { startLinkedConsole } from '../support/hub';
import { ScriptedHub } from '../support/scripted-hub';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const SUPERVISOR: OperatorView = { id: 'sup-1', name: '王主管', role: 'supervisor' };

const PANELS: HubSourceStatus = {
  id: 'dc09-main',
  kind: 'dc09',
  state: 'listening',
  endpoint: 'tcp 0.0.0.0:12000',
  peers: 2,
  lastMessageAt: Date.UTC(2026, 11, 1, 0, 59),
  received: 41,
  refused: 1,
  lastRefused: [
    {
      at: Date.UTC(2026, 11, 1, 0, 58),
      peer: '10.0.0.7:50311',
      reason: 'bad CRC',
      raw: '\\n9A3B0042"ADM-CID"',
    },
  ],
};

/** Hub protocol 3 end to end through a socket.io hub: the sources question, origins and restores. */
describe('equipment through the hub link', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: ScriptedHub;
  let core: ConsoleCore;

  const call = (method: MethodName, input: unknown = {}) =>
    core.router.call(method, input, core.openSession('memory', SUPERVISOR));
  const connected = () => until('hub connected', async () => core.hub.status().state === 'connected');

  beforeEach(async () => {
    tmp = tempDir();
    hub = new ScriptedHub();
    await hub.start();
    core = await startLinkedConsole(tmp.dir, { url: hub.url, token: 't' }, 'console-a', {
      backups: { enabled: false },
    });
  });
  afterEach(async () => {
    await core.stop();
    await hub.stop().catch(() => undefined);
    tmp.cleanup();
  });

  it('asks the hub for its sources and hands them on as the hub said', async () => {
    hub.sourcesReply = { ok: true, sources: [PANELS] };
    await connected();
    expect(await call('hub.sources')).toMatchObject({
      ok: true,
      value: { answered: true, sources: [PANELS] },
    });
  });

  it('takes a hub that does not answer (before protocol 3) as one with no sources', async () => {
    await connected();
    expect(await call('hub.sources')).toMatchObject({ ok: true, value: { answered: false, sources: [] } });
  }, 15_000);

  it('says the hub is offline when it is, and that it cannot read a reply that is not one', async () => {
    hub.sourcesReply = { ok: true, sources: [{ ...PANELS, state: 'dancing' }] };
    await connected();
    expect(await call('hub.sources')).toMatchObject({
      ok: false,
      error: { code: 'unavailable', reason: 'hub_bad_answer' },
    });
    await hub.stop();
    await until('hub lost', async () => core.hub.status().state !== 'connected');
    expect(await call('hub.sources')).toMatchObject({
      ok: false,
      error: { code: 'unavailable', reason: 'hub_offline' },
    });
  });

  it('an alarm keeps its origin, is marked restored, and a faulty device joins the queue', async () => {
    await connected();
    const origin = {
      source: 'dc09',
      sourceId: 'dc09-main',
      fields: { account: '1234', zone: '003', code: '130' },
    };
    hub.publish({
      kind: 'alarm',
      data: { sourceId: 'p-1', deviceId: 'panel-1234/003', type: 'intrusion', raisedAt: Date.now(), origin },
    });
    hub.publish({ kind: 'restore', data: { deviceId: 'panel-1234/003', type: 'intrusion', at: Date.now() } });
    hub.publish({
      kind: 'device',
      data: {
        deviceId: 'panel-1234',
        kind: 'alarm_panel',
        state: 'offline',
        at: Date.now(),
        label: '1号岗 主机',
      },
    });
    await until('all three applied', async () => (await core.alarms.openAlarms()).length === 2);
    const open = await core.alarms.openAlarms();
    expect(open.find((a) => a.type === 'intrusion')).toMatchObject({
      origin,
      state: 'new',
      restoredAt: expect.any(Number),
    });
    expect(open.find((a) => a.type === 'device_offline')).toMatchObject({
      deviceId: 'panel-1234',
      priority: 3,
    });
    // The duty log still has the device's fault: the queue adds to it.
    const duty = (await core.db('duty_log').where({ kind: 'device' }).select('text')) as { text: string }[];
    expect(duty.map((d) => d.text)).toEqual([expect.stringContaining('panel-1234')]);
    expect(await call('hub.devices')).toMatchObject({
      ok: true,
      value: { devices: [{ deviceId: 'panel-1234', state: 'offline', label: '1号岗 主机' }] },
    });
    // The alarm detail names an operator's alarm's device by its label; a device never reported is none.
    const asOperator = (deviceId: string) =>
      core.router.call(
        'hub.device',
        { deviceId },
        core.openSession('memory', { id: 'op', name: '李明', role: 'operator' }),
      );
    expect(await asOperator('panel-1234')).toMatchObject({
      ok: true,
      value: { device: { deviceId: 'panel-1234', label: '1号岗 主机', state: 'offline' } },
    });
    expect(await asOperator('panel-9999')).toEqual({ ok: true, value: { device: null } });
  });
});
