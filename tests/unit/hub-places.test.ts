import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubEvent } from '../../shared/contract';
import { centroid } from '../../shared/domain/geo';
import type { SiteFile } from '../../shared/domain/site';
import { ManualClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { demoSitePath, loadSite } from '../../electron/common/site-file';
import { Equipment } from '../../electron/hub/equipment';
import { sitePlacer } from '../../electron/hub/places';
import { SiteHub } from '../../electron/hub/server';
import { Gb26875Config, placementOf, resolveProfile } from '../../electron/hub/sources/gb26875/config';
import { MqttSourceConfig, devicePolicy } from '../../electron/hub/sources/mqtt/config';
import type { SourceReport } from '../../electron/hub/sources/source';
import { idleSource } from '../support/sink';

const site = loadSite(demoSitePath()).site;
const zone = (id: string) => site.zones.find((z) => z.id === id)!;
const cam09 = site.cameras.find((c) => c.id === 'cam-09')!.position!;

/** Equipment alarms on the site map: the mapping's position, a camera's own, else the zone's centre. */
describe('where an equipment alarm goes on the map', () => {
  const place = sitePlacer(site);
  const sensor = { id: 's', kind: 'sensor' as const };

  it("takes the mapping's position first, a camera's place in the site file, else the zone's centre", () => {
    const here = { lat: 30.2712, lon: 120.1513 };
    expect(place({ device: sensor, zone: 'bldg-03', location: here })).toEqual(here);
    expect(place({ device: { id: 'c', kind: 'camera' }, zone: 'perimeter', cameras: ['cam-09'] })).toEqual(
      cam09,
    );
    // A sensor linked to a camera is not where the camera is: it sits at its zone's centre.
    expect(place({ device: sensor, zone: 'bldg-03', cameras: ['cam-09'] })).toEqual(
      centroid(zone('bldg-03').polygon),
    );
    expect(place({ device: sensor })).toBeUndefined();
    expect(place({ device: sensor, zone: 'no-such-zone' })).toBeUndefined();
  });

  it("a GB/T 26875 placement keeps its own position; the transmitter's only where the placement names no zone", () => {
    const config = Gb26875Config.parse({
      id: 'fire',
      port: 0,
      transmitters: [
        {
          address: 7,
          zone: 'facility',
          position: { lat: 30.2736, lon: 120.1544 },
          placements: [
            { system: 1, component: 1, zone: 'bldg-01', position: { lat: 30.2712, lon: 120.1515 } },
            { system: 1, component: 2, zone: 'bldg-02' },
            { system: 1, component: 3, cameras: ['cam-10'] },
          ],
        },
      ],
    });
    const profile = resolveProfile(config, '7')!;
    expect(placementOf(profile, { system: 1, component: 1 }).location).toEqual({
      lat: 30.2712,
      lon: 120.1515,
    });
    expect(placementOf(profile, { system: 1, component: 2 })).toEqual({ zone: 'bldg-02' });
    expect(placementOf(profile, { system: 1, component: 3 }).location).toEqual({
      lat: 30.2736,
      lon: 120.1544,
    });
    expect(placementOf(profile, {}).location).toEqual({ lat: 30.2736, lon: 120.1544 });
  });

  it("an MQTT device's position is part of its policy", () => {
    const config = MqttSourceConfig.parse({
      id: 'm',
      broker: { mode: 'embedded' },
      devices: { leak: { zone: 'facility', position: { lat: 30.2737, lon: 120.155 } }, other: {} },
    });
    expect(devicePolicy(config, 'leak').position).toEqual({ lat: 30.2737, lon: 120.155 });
    expect(devicePolicy(config, 'other').position).toBeUndefined();
  });

  it('every demo device the site file maps has its own position inside its zone', () => {
    const sources = site.sources as Record<string, unknown>[];
    const placed: { zone: string; position?: { lat: number; lon: number } }[] = [];
    for (const s of sources) {
      if (s.kind === 'dc09')
        for (const a of s.accounts as { zones: Record<string, { zone: string }> }[])
          placed.push(...Object.values(a.zones));
      if (s.kind === 'gb26875')
        for (const t of s.transmitters as { placements: { zone: string }[] }[]) placed.push(...t.placements);
      if (s.kind === 'mqtt') placed.push(...Object.values(s.devices as Record<string, { zone: string }>));
    }
    expect(placed.length).toBeGreaterThanOrEqual(22);
    for (const p of placed) {
      const ps = zone(p.zone).polygon;
      const lats = ps.map((x) => x.lat);
      const lons = ps.map((x) => x.lon);
      expect(p.position, p.zone).toBeDefined();
      expect(p.position!.lat).toBeGreaterThanOrEqual(Math.min(...lats));
      expect(p.position!.lat).toBeLessThanOrEqual(Math.max(...lats));
      expect(p.position!.lon).toBeGreaterThanOrEqual(Math.min(...lons));
      expect(p.position!.lon).toBeLessThanOrEqual(Math.max(...lons));
    }
  });
});

describe('the hub puts the place in the alarm', () => {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 2, 0));
  let hub: SiteHub;
  let equipment: Equipment;
  const source = idleSource('cams', 'camera', 'connected');

  beforeEach(async () => {
    hub = new SiteHub({ dbFile: ':memory:', token: 't', clock, log: silentLogger });
    await hub.start();
    equipment = new Equipment(
      hub,
      { ...site, sources: [] } satisfies SiteFile,
      {},
      { clock, log: silentLogger },
    );
  });
  afterEach(async () => {
    await equipment.stop();
    await hub.stop();
  });

  it("a camera rule's alarm at the camera, a silent sensor's at its zone's centre", async () => {
    const sink = equipment.sinkFor(source);
    const report = (
      r: Partial<SourceReport> & Pick<SourceReport, 'key' | 'kind' | 'device'>,
    ): SourceReport => ({
      at: clock.now(),
      origin: {},
      ...r,
    });
    await sink.commit(
      report({
        key: 'line',
        kind: 'alarm',
        type: 'intrusion',
        device: { id: 'cams:cam-09', kind: 'camera' },
        zone: 'perimeter',
        cameras: ['cam-09'],
      }),
    );
    const leak = { id: 'leak', kind: 'sensor' as const, supervisionSec: 60 };
    await sink.commit(report({ key: 'hello', kind: 'alive', device: leak, zone: 'facility' }));
    await sink.commit(
      report({
        key: 'quiet',
        kind: 'state',
        state: 'fault',
        device: leak,
        origin: { reason: 'supervision' },
      }),
    );
    const alarms = (
      (await hub.database('hub_log').orderBy('seq')) as { kind: HubEvent['kind']; body: string }[]
    )
      .filter((r) => r.kind === 'alarm')
      .map((r) => JSON.parse(r.body) as { type: string; location?: unknown });
    expect(alarms).toEqual([
      expect.objectContaining({ type: 'intrusion', location: cam09 }),
      expect.objectContaining({ type: 'device_offline', location: centroid(zone('facility').polygon) }),
    ]);
  });
});
