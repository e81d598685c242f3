import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HubEventBody } from '../../shared/contract';
import { ManualClock } from '../../electron/common/clock';
import { demoSitePath, loadSite } from '../../electron/common/site-file';
import { actsFor, DEMO_CAMERA, type DemoSignal } from '../../electron/hub/demo/plan';
import { demoTargets } from '../../electron/hub/demo/equipment';
import { DemoScenario } from '../../electron/hub/scenario';
import { Dc09Config } from '../../electron/hub/sources/dc09/config';
import { Gb26875Config } from '../../electron/hub/sources/gb26875/config';
import { placementOf, resolveProfile } from '../../electron/hub/sources/gb26875/config';
import { IsapiSourceConfig } from '../../electron/hub/sources/isapi/config';
import { MqttSourceConfig } from '../../electron/hub/sources/mqtt/config';
import { ALARM_TYPES } from '../../shared/domain/alarm';

const { site } = loadSite(demoSitePath());
const entry = (kind: string) => site.sources.find((s) => s.kind === kind)!;

/** Where the demo site file's sources put the device a signal comes from. */
function zoneOf(s: DemoSignal): string | undefined {
  if (s.via === 'panel') {
    const cfg = Dc09Config.parse(entry('dc09'));
    return cfg.accounts.find((a) => a.account === '1234')?.zones[String(s.zone)]?.zone;
  }
  if (s.via === 'transmitter') {
    const cfg = Gb26875Config.parse(entry('gb26875'));
    const profile = resolveProfile(cfg, '2601')!;
    expect(profile.known).toBe(true);
    return placementOf(profile, { systemType: 1, system: 1, component: s.component.component }).zone;
  }
  if (s.via === 'sensor') return MqttSourceConfig.parse(entry('mqtt')).devices[s.name]?.zone;
  return IsapiSourceConfig.parse(entry('camera')).cameras.find((c) => c.camera === s.camera)?.zone;
}

function play(seed: number, minutes: number) {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 14, 0));
  const published: HubEventBody[] = [];
  const signals: Array<{ at: number; signal: DemoSignal }> = [];
  const scenario = new DemoScenario({
    site,
    clock,
    seed,
    alarmEverySec: 20,
    publish: (b) => published.push(HubEventBody.parse(b)),
    devices: (signal) => signals.push({ at: clock.now(), signal }) > 0,
  });
  scenario.start();
  clock.advance(minutes * 60_000);
  scenario.stop();
  return { published, signals };
}

describe('the demo equipment', () => {
  it('the demo site file maps every device the scenario can use to the zone the plan says it is in', () => {
    let acts = 0;
    for (const type of ALARM_TYPES) {
      for (const act of actsFor(type)) {
        acts++;
        expect(zoneOf(act.raise), JSON.stringify(act.raise)).toBe(act.zone);
        expect(
          site.zones.find((z) => z.id === act.zone),
          act.zone,
        ).toBeDefined();
      }
    }
    expect(acts).toBeGreaterThan(20);
    // The camera is one the demo serves itself (a loopback URL on port 0 gets a port at start).
    expect(IsapiSourceConfig.parse(entry('camera')).cameras[0]).toMatchObject({
      camera: DEMO_CAMERA.camera,
      url: 'http://127.0.0.1:0',
    });
    expect(
      demoTargets(site, [
        { kind: 'dc09', port: 1 },
        { kind: 'gb26875', port: 2 },
        { kind: 'mqtt', port: 3 },
      ]),
    ).toEqual({ dc09: 1, gb26875: 2, mqtt: 3 });
    // A site whose sources are its own never hears the demo devices.
    expect(demoTargets({ ...site, sources: [] }, [{ kind: 'dc09', port: 1 }])).toEqual({});
  });

  it('the scenario has the devices raise what they can (and restore it later), publishing only the rest', () => {
    const { published, signals } = play(5, 60);
    const raised = signals.filter(({ signal: s }) =>
      s.via === 'panel'
        ? !s.restore
        : s.via === 'transmitter'
          ? s.state !== 'normal'
          : s.via === 'camera'
            ? s.active
            : s.changes.contact !== true && !Object.values(s.changes).includes(false),
    );
    expect(new Set(raised.map((r) => r.signal.via))).toEqual(
      new Set(['panel', 'transmitter', 'sensor', 'camera']),
    );
    expect(signals.length - raised.length).toBeGreaterThanOrEqual(raised.length - 4); // each restored, bar the last few
    expect(raised.some((r) => r.signal.via === 'panel' && r.signal.code === '426')).toBe(true);
    const direct = published.flatMap((e) => (e.kind === 'alarm' ? [e.data.type] : []));
    expect(direct.length).toBeGreaterThan(0);
    for (const type of direct) expect(actsFor(type), type).toEqual([]);
  });

  it('is deterministic for a seed', () => {
    expect(JSON.stringify(play(9, 10))).toBe(JSON.stringify(play(9, 10)));
    expect(JSON.stringify(play(9, 10).signals)).not.toBe(JSON.stringify(play(10, 10).signals));
  });

  it('the demo devices are written from the standards: they import none of the receivers they talk to', () => {
    const dir = join(import.meta.dirname, '../../electron/hub/demo');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/from '\.\.\/sources|from '\.\.\/equipment'|from '\.\.\/server'/);
    }
  });
});
