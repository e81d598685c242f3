/**
 * The embedded demo hub's own equipment through the real sources to a console: the demo panel (DC-09, account
 * 1234), the fire transmitter (GB/T 26875.3), the MQTT sensors on the embedded broker and the ISAPI camera each
 * raise an alarm that reaches the console's queue with its origin, and the hub reports the four sources.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/common/log';
import { createDesk, type Desk } from '../../electron/desk';
import { FIRE_COMPONENTS } from '../../electron/hub/demo/plan';
import { startEmbeddedHub, type EmbeddedHub } from '../../electron/hub/embedded';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

describe('the demo speaks the real protocols', () => {
  let tmp: ReturnType<typeof tempDir>;
  let desk: Desk | undefined;

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await desk?.stop();
    desk = undefined;
    tmp.cleanup();
  });

  it('panel, transmitter, sensor and camera alarms reach the console queue with their origin', async () => {
    let embedded: EmbeddedHub | undefined;
    desk = await createDesk({
      dataDir: tmp.dir,
      dbFile: ':memory:',
      // The scenario plays (so the devices come on line) but raises nothing of its own for a long while.
      demo: { scenario: true, alarmEverySec: 100_000 },
      log: silentLogger,
      embeddedHub: async (o) => (embedded = await startEmbeddedHub(o)),
    });
    const hub = embedded!;
    expect(hub.ports.map((p) => p.kind).sort()).toEqual(['dc09', 'gb26875', 'mqtt']);
    // A camera sends its events to whoever has its alert stream open: wait for the ISAPI source to open it.
    await until('the ISAPI source reading the demo camera', () =>
      hub.equipment.statuses().some((s) => s.id === 'demo-cameras' && s.peers === 1),
    );
    const smoke = FIRE_COMPONENTS.find((c) => c.site === 'bldg-02')!;
    expect(hub.devices.signal({ via: 'panel', zone: 3, code: '426', restore: false })).toBe(true);
    expect(hub.devices.signal({ via: 'transmitter', component: smoke, state: 'fire' })).toBe(true);
    expect(
      hub.devices.signal({ via: 'sensor', name: 'leak-carpark-b1', changes: { water_leak: true } }),
    ).toBe(true);
    expect(
      hub.devices.signal({
        via: 'camera',
        camera: 'cam-09',
        eventType: 'linedetection',
        region: 1,
        active: true,
      }),
    ).toBe(true);

    const alarms = await until(
      'four equipment alarms in the queue',
      async () => {
        const open = (await desk!.alarms.openAlarms()).filter((a) => a.origin);
        const found = {
          panel: open.find((a) => a.origin?.source === 'dc09'),
          fire: open.find((a) => a.origin?.source === 'gb26875'),
          sensor: open.find((a) => a.origin?.source === 'mqtt'),
          camera: open.find((a) => a.origin?.source === 'camera'),
        };
        return Object.values(found).every(Boolean) && found;
      },
      20_000,
    );
    expect(alarms.panel).toMatchObject({
      type: 'door_held',
      zone: 'bldg-03',
      origin: {
        sourceId: 'demo-panel',
        fields: expect.objectContaining({ account: '1234', code: '426', zone: 3 }),
      },
    });
    expect(alarms.fire).toMatchObject({
      type: 'smoke',
      zone: 'bldg-02',
      origin: {
        sourceId: 'demo-fire',
        fields: expect.objectContaining({
          transmitter: '2601',
          componentAddressHex: '0x00010002',
          bits: 'fire',
        }),
      },
    });
    expect(alarms.sensor).toMatchObject({
      type: 'water_leak',
      zone: 'carpark-entrance',
      cameras: ['cam-05'],
      origin: {
        sourceId: 'demo-sensors',
        fields: expect.objectContaining({ topic: 'zigbee2mqtt/leak-carpark-b1' }),
      },
    });
    expect(alarms.camera).toMatchObject({
      type: 'intrusion',
      zone: 'perimeter',
      cameras: ['cam-09'],
      origin: {
        sourceId: 'demo-cameras',
        fields: expect.objectContaining({ event: 'linedetection', region: '1' }),
      },
    });

    // The hub reports the four sources, each up and with its devices registered.
    const statuses = hub.equipment.statuses();
    expect(statuses.map((s) => [s.id, s.state])).toEqual([
      ['demo-panel', 'listening'],
      ['demo-fire', 'listening'],
      ['demo-sensors', expect.stringMatching(/^(listening|connected)$/)],
      ['demo-cameras', 'connected'],
    ]);
    const devices = await hub.equipment.devices();
    expect(new Set(devices.map((d) => d.source_id))).toEqual(
      new Set(['demo-panel', 'demo-fire', 'demo-sensors', 'demo-cameras']),
    );
  });
});
