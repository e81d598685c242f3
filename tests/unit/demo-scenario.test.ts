import { describe, expect, it } from 'vitest';
import { HubEventBody } from '../../shared/contract';
import { distanceM } from '../../shared/domain/geo';
import { DemoScenario } from '../../electron/hub/scenario';
import { demoSitePath, loadSite } from '../../electron/common/site-file';
import { ManualClock } from '../../electron/common/clock';

function run(seed: number, minutes: number) {
  const { site } = loadSite(demoSitePath());
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 14, 0));
  const published: HubEventBody[] = [];
  const scenario = new DemoScenario({
    site,
    clock,
    seed,
    publish: (b) => published.push(HubEventBody.parse(b)),
  });
  scenario.start();
  clock.advance(minutes * 60_000);
  scenario.stop();
  return { site, published, clock };
}

describe('demo scenario', () => {
  it('every event it plays is valid hub protocol', () => {
    const { published } = run(1, 30);
    expect(published.length).toBeGreaterThan(100);
  });

  it('guards on a route walk it at a walking pace; the gate post stays put', () => {
    const { site, published } = run(2, 10);
    const byGuard = new Map<string, { lat: number; lon: number }[]>();
    for (const e of published)
      if (e.kind === 'position')
        byGuard.set(e.data.guardId, [...(byGuard.get(e.data.guardId) ?? []), e.data.position]);
    expect([...byGuard.keys()].sort()).toEqual(site.guards.map((g) => g.id).sort());
    for (const guard of site.guards) {
      const track = byGuard.get(guard.id)!;
      const steps = track.slice(1).map((p, i) => distanceM(track[i]!, p));
      const max = Math.max(...steps);
      if (guard.route) {
        expect(max, guard.id).toBeGreaterThan(2);
        expect(max, guard.id).toBeLessThan(6); // 1.3 m/s for 3 s, not teleporting
      } else {
        expect(max, guard.id).toBeLessThan(6);
      }
    }
  });

  it('raises a steady trickle of alarms of several types, located in their zone, with that zone’s cameras', () => {
    const { site, published } = run(3, 60);
    const alarms = published.flatMap((e) => (e.kind === 'alarm' ? [e.data] : []));
    expect(alarms.length).toBeGreaterThan(60);
    expect(alarms.length).toBeLessThan(300);
    expect(new Set(alarms.map((a) => a.type)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(alarms.map((a) => a.sourceId)).size).toBe(alarms.length);
    for (const a of alarms) {
      const cams = site.cameras.filter((c) => c.zone === a.zone).map((c) => c.id);
      expect(cams).toEqual(expect.arrayContaining(a.cameras));
    }
    expect(published.some((e) => e.kind === 'device' && e.data.state === 'fault')).toBe(true);
  });

  it('is deterministic for a seed', () => {
    expect(JSON.stringify(run(7, 5).published)).toBe(JSON.stringify(run(7, 5).published));
    expect(JSON.stringify(run(7, 5).published)).not.toBe(JSON.stringify(run(8, 5).published));
  });

  it('a dispatched guard walks to the alarm, stays until it is resolved, then walks back', () => {
    const { site } = loadSite(demoSitePath());
    const clock = new ManualClock(Date.UTC(2026, 10, 24, 14, 0));
    const positions: Array<{ lat: number; lon: number }> = [];
    const scenario = new DemoScenario({
      site,
      clock,
      seed: 3,
      alarmEverySec: 100_000,
      publish: (b) => {
        if (b.kind === 'position' && b.data.guardId === 'guard-03') positions.push(b.data.position);
      },
    });
    scenario.start();
    clock.advance(10_000);
    const start = positions.at(-1)!;
    const target = { lat: start.lat + 0.0015, lon: start.lon + 0.001 }; // ~200 m away
    scenario.onAction({
      type: 'guard.dispatch',
      payload: { guardId: 'guard-03', alarm: { sourceId: 'a-1' }, location: target },
    });
    clock.advance(4 * 60_000);
    expect(distanceM(positions.at(-1)!, target)).toBeLessThan(1);
    scenario.onAction({ type: 'alarm.resolve', payload: { alarm: { sourceId: 'a-1' } } });
    clock.advance(4 * 60_000);
    scenario.stop();
    expect(distanceM(positions.at(-1)!, target)).toBeGreaterThan(50);
  });
});
