import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoSitePath, loadSite, SiteFileError } from '../../electron/common/site-file';
import { NO_PARKING_KINDS, SiteFile } from '../../shared/domain/site';
import { deadlineMinOf } from '../../shared/domain/violations';
import { siteView } from '../../electron/core/site/view';
import { tempDir } from '../support/temp';

function demoJson(): Record<string, unknown> & {
  cameras: Record<string, unknown>[];
  guards: Record<string, unknown>[];
} {
  return JSON.parse(readFileSync(demoSitePath(), 'utf8'));
}

describe('site file', () => {
  let tmp: ReturnType<typeof tempDir>;
  const write = (site: unknown) => {
    copyFileSync(join(demoSitePath(), '../plan.svg'), join(tmp.dir, 'plan.svg'));
    const file = join(tmp.dir, 'site.json');
    writeFileSync(file, JSON.stringify(site));
    return file;
  };
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('the demo site is valid and believable: 8+ cameras, 4+ guards on routes, emergency contacts', () => {
    const { site } = loadSite(demoSitePath());
    expect(site.cameras.length).toBeGreaterThanOrEqual(8);
    expect(site.guards.filter((g) => g.route).length).toBeGreaterThanOrEqual(4);
    expect(site.contacts.map((c) => c.number)).toEqual(expect.arrayContaining(['110', '119', '120', '122']));
  });

  it.each([
    [
      'a missing stream URL',
      (s: ReturnType<typeof demoJson>) => delete (s.cameras[3]!.streams as Record<string, unknown>).main,
      'cameras[3].streams.main',
    ],
    [
      'a stream URL of an unknown scheme',
      (s: ReturnType<typeof demoJson>) =>
        ((s.cameras[0]!.streams as Record<string, unknown>).main = 'ftp://x'),
      'cameras[0].streams.main',
    ],
    [
      'a duplicate camera id',
      (s: ReturnType<typeof demoJson>) => (s.cameras[1]!.id = s.cameras[0]!.id),
      'cameras[1].id',
    ],
    [
      'a camera in an unknown zone',
      (s: ReturnType<typeof demoJson>) => (s.cameras[2]!.zone = 'nowhere'),
      'cameras[2].zone',
    ],
    [
      'a guard on an unknown route',
      (s: ReturnType<typeof demoJson>) => (s.guards[1]!.route = 'nowhere'),
      'guards[1].route',
    ],
    ['an unknown time zone', (s: ReturnType<typeof demoJson>) => (s.timeZone = 'Mars/Olympus'), 'timeZone'],
    [
      'a patrol band edge that is not HH:MM',
      (s: ReturnType<typeof demoJson>) => (s.patrol = { dayStart: '8 am' }),
      'patrol.dayStart',
    ],
    [
      'an offline threshold shorter than the stale one',
      (s: ReturnType<typeof demoJson>) => (s.tracking = { staleSec: 120, offlineSec: 60 }),
      'tracking.offlineSec',
    ],
    [
      'a phones network that is not one',
      (s: ReturnType<typeof demoJson>) =>
        (s.tracking = { allowNetworks: ['192.168.10.0/24', '10.0.0.0/40'] }),
      'tracking.allowNetworks[1]',
    ],
    [
      'a latitude out of range',
      (s: ReturnType<typeof demoJson>) => (s.cameras[0]!.position = { lat: 123, lon: 120 }),
      'cameras[0].position.lat',
    ],
    [
      'two equipment sources with one id',
      (s: ReturnType<typeof demoJson>) =>
        Object.assign(s, {
          sources: [
            { id: 'panels', kind: 'dc09', port: 0 },
            { id: 'panels', kind: 'gb26875', port: 0 },
          ],
        }),
      'sources[1].id',
    ],
    [
      'an equipment source of a kind the hub does not have',
      (s: ReturnType<typeof demoJson>) => Object.assign(s, { sources: [{ id: 'x', kind: 'modbus' }] }),
      'sources[0].kind',
    ],
    [
      'an equipment source with megabytes of settings',
      (s: ReturnType<typeof demoJson>) =>
        Object.assign(s, { sources: [{ id: 'big', kind: 'mqtt', note: 'x'.repeat(600 * 1024) }] }),
      'sources[0]',
    ],
    [
      'two no-parking areas with one id',
      (s: ReturnType<typeof demoJson>) => {
        const np = s.noParking as { areas: Record<string, unknown>[] };
        np.areas[1]!.id = np.areas[0]!.id;
      },
      'noParking.areas[1].id',
    ],
    [
      'a no-parking area in an unknown zone',
      (s: ReturnType<typeof demoJson>) =>
        ((s.noParking as { areas: Record<string, unknown>[] }).areas[0]!.zone = 'nowhere'),
      'noParking.areas[0].zone',
    ],
    [
      'a no-parking area watched by an unknown camera',
      (s: ReturnType<typeof demoJson>) =>
        ((s.noParking as { areas: Record<string, unknown>[] }).areas[1]!.camera = 'cam-99'),
      'noParking.areas[1].camera',
    ],
    [
      'a no-parking area of a kind the console does not know',
      (s: ReturnType<typeof demoJson>) =>
        ((s.noParking as { areas: Record<string, unknown>[] }).areas[0]!.kind = 'bus_stop'),
      'noParking.areas[0].kind',
    ],
    [
      'a no-parking area that is a line, not a polygon',
      (s: ReturnType<typeof demoJson>) => {
        const area = (s.noParking as { areas: { polygon: unknown[] }[] }).areas[2]!;
        area.polygon = area.polygon.slice(0, 2);
      },
      'noParking.areas[2].polygon',
    ],
    [
      'a violation deadline of no minutes',
      (s: ReturnType<typeof demoJson>) => ((s.noParking as Record<string, unknown>).fireLaneDeadlineMin = 0),
      'noParking.fireLaneDeadlineMin',
    ],
  ])('refuses %s with the path of the bad field', (_what, spoil, path) => {
    const site = demoJson();
    spoil(site);
    const file = write(site);
    let error: unknown;
    try {
      loadSite(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SiteFileError);
    expect((error as SiteFileError).problems.map((p) => p.path)).toContain(path);
    expect((error as Error).message).toContain(file);
  });

  it('the demo site has a fire lane, a crosswalk and an emergency lane; deadlines 5, 15 and its own 10 min', () => {
    const { site } = loadSite(demoSitePath());
    const np = site.noParking;
    expect(np.areas.map((a) => [a.kind, deadlineMinOf(np, a)])).toEqual([
      ['fire_lane', 5],
      ['crosswalk', 15],
      ['emergency_lane', 10],
    ]);
    // A site without the section: no areas, the plan's defaults.
    const bare = demoJson();
    delete bare.noParking;
    expect(loadSite(write(bare)).site.noParking).toEqual({
      deadlineMin: 15,
      fireLaneDeadlineMin: 5,
      areas: [],
    });
    expect(siteView(loadSite(demoSitePath())).noParking).toHaveLength(3);
  });

  it('no-parking sections, valid or not, are read or refused with a path, never thrown out of the parser', () => {
    const base = demoJson();
    delete base.noParking;
    const point = fc.record({
      lat: fc.double({ min: -100, max: 100 }),
      lon: fc.double({ min: -200, max: 200 }),
    });
    const area = fc.record(
      {
        id: fc.oneof(fc.constantFrom('a', 'b', 'fire-lane'), fc.string({ maxLength: 70 })),
        name: fc.oneof(fc.string({ maxLength: 8 }), fc.constant({ 'zh-CN': '消防通道' })),
        kind: fc.oneof(fc.constantFrom(...NO_PARKING_KINDS), fc.string({ maxLength: 6 })),
        polygon: fc.array(point, { maxLength: 5 }),
        deadlineMin: fc.integer({ min: -5, max: 2000 }),
        camera: fc.constantFrom('cam-01', 'cam-99'),
        zone: fc.constantFrom('fire-lane', 'nowhere'),
      },
      { requiredKeys: ['id', 'name', 'kind', 'polygon'] },
    );
    const section = fc.oneof(
      fc.record(
        {
          deadlineMin: fc.integer({ min: -1, max: 3000 }),
          fireLaneDeadlineMin: fc.integer({ min: -1, max: 3000 }),
          areas: fc.array(area, { maxLength: 4 }),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    fc.assert(
      fc.property(section, (noParking) => {
        const parsed = SiteFile.safeParse({ ...base, noParking });
        if (parsed.success) {
          const np = parsed.data.noParking;
          const ids = np.areas.map((a) => a.id);
          expect(new Set(ids).size).toBe(ids.length);
          for (const a of np.areas) {
            expect(a.polygon.length).toBeGreaterThanOrEqual(3);
            const min = deadlineMinOf(np, a);
            expect(min >= 1 && min <= 1440).toBe(true);
          }
        } else {
          expect(parsed.error.issues.every((i) => i.path[0] === 'noParking')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a file that is not JSON, or whose plan image is missing', () => {
    const file = join(tmp.dir, 'broken.json');
    writeFileSync(file, '{ cameras: [');
    expect(() => loadSite(file)).toThrow(/is not JSON/);
    const site = demoJson();
    (site.plan as Record<string, unknown>).image = 'missing.png';
    expect(() => loadSite(write(site))).toThrow(/plan.image: file not found/);
  });

  it('the renderer view carries no credentials and no device ids', () => {
    const site = demoJson();
    (site.cameras[0]!.streams as Record<string, unknown>).main =
      'rtsp://admin:Secr3t!@10.0.0.21:554/Streaming/Channels/101';
    const view = siteView(loadSite(write(site)));
    const text = JSON.stringify(view);
    expect(text).not.toContain('Secr3t');
    expect(view.cameras[0]!.source).toBe('rtsp://***@10.0.0.21:554/Streaming/Channels/101');
    expect(text).not.toContain('guard-phone');
    expect(view.plan.imageUrl).toMatch(/^data:image\/svg\+xml;base64,/);
  });
});
