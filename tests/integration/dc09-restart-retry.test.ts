import { afterEach, describe, expect, it } from 'vitest';
import type { SiteFile } from '../../shared/domain/site';
import { ManualClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { demoSitePath, loadSite } from '../../electron/common/site-file';
import { boundPorts, Equipment } from '../../electron/hub/equipment';
import { SiteHub } from '../../electron/hub/server';
import { contactId, Dc09Panel } from '../simulators/dc09-panel';

/**
 * Found by `npm run test:chaos -- --sources`: the hub SIGKILLed after it committed a panel's message and before the
 * ACK left. The panel sends the message again (same seq and content) once the hub is back, stamped with its clock
 * at that moment as DC-09 panels do; the restarted receiver no longer has the first copy's key in memory.
 */
describe('a DC-09 retry that reaches a restarted hub', () => {
  let hub: SiteHub | undefined;
  let equipment: Equipment | undefined;
  const panels: Dc09Panel[] = [];
  afterEach(async () => {
    for (const p of panels.splice(0)) p.close();
    await equipment?.stop();
    await hub?.stop();
  });

  const site = {
    ...loadSite(demoSitePath()).site,
    sources: [
      { id: 'dc09', kind: 'dc09', host: '127.0.0.1', port: 0, udp: false, accounts: [{ account: '1234' }] },
    ],
  } as SiteFile;
  const clock = new ManualClock(Date.now());
  const startEquipment = async (h: SiteHub) => {
    const e = new Equipment(h, site, {}, { clock, log: silentLogger, defaultHost: '127.0.0.1' });
    await e.start();
    return { e, port: boundPorts(e.list())[0]!.port };
  };
  /** Panel 1234 on the simulated clock (`clockOffsetMs` ahead of it), closed after the test. */
  const panel = (port: number, clockOffsetMs = 0) => {
    const p = new Dc09Panel({
      port,
      transport: 'tcp',
      account: '1234',
      retryMs: 3000,
      now: () => clock.now(),
      clockOffsetMs,
    });
    panels.push(p);
    return p;
  };

  it('is the same alarm, not a second one, though its timestamp is later', async () => {
    hub = new SiteHub({ dbFile: ':memory:', token: 't', clock, log: silentLogger });
    await hub.start();
    let started = await startEquipment(hub);
    equipment = started.e;
    const message = { token: 'ADM-CID', data: contactId('1234', 1, '130', '01', '015'), seq: 42 };
    const first = panel(started.port);
    expect((await first.send(message)).final?.token).toBe('ACK');

    // The receiver restarts (its memory of recent messages gone); the panel, whose ACK was lost, retries later.
    await equipment.stop();
    started = await startEquipment(hub);
    equipment = started.e;
    const retry = panel(started.port, 5000);
    expect((await retry.send(message)).final?.token).toBe('ACK');

    const alarms = (await hub.database('hub_log').where({ kind: 'alarm' })) as { body: string }[];
    expect(alarms).toHaveLength(1);

    // The same seq and content much later is a new message (a panel's sequence wraps), and is logged.
    await equipment.stop();
    started = await startEquipment(hub);
    equipment = started.e;
    clock.advance(700_000);
    const later = panel(started.port);
    expect((await later.send(message)).final?.token).toBe('ACK');
    expect(await hub.database('hub_log').where({ kind: 'alarm' })).toHaveLength(2);
  }, 30_000);
});
