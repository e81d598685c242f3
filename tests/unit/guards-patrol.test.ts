import { describe, expect, it } from 'vitest';
import { guardStatus, rankGuards } from '../../shared/domain/guards';
import { positionAtTime } from '../../shared/domain/geo';
import {
  classifyVisit,
  mergeSchedule,
  minuteOfDay,
  PatrolScheduleInput,
  roundsBetween,
  summariseRound,
  DEFAULT_PATROL_SCHEDULE,
} from '../../shared/domain/patrol';
import { parseOsmand, parseTimestamp } from '../../electron/core/guards/osmand';
import { seededRandom } from '../../electron/hub/scenario';

const TZ = 'Asia/Shanghai';
/** 2026-11-24 00:00 in Hangzhou. */
const MIDNIGHT = Date.UTC(2026, 10, 23, 16, 0);
const at = (hh: number, mm = 0) => MIDNIGHT + (hh * 60 + mm) * 60_000;
const MIN = 60_000;

describe('guard status', () => {
  const now = at(12);
  it('is the duty while positions are fresh, stale after 60 s, offline after 5 min', () => {
    expect(guardStatus('on_patrol', now - 59_000, now)).toBe('on_patrol');
    expect(guardStatus('dispatched', now - 10_000, now)).toBe('dispatched');
    expect(guardStatus('on_patrol', now - 60_000, now)).toBe('stale');
    expect(guardStatus('on_scene', now - 4 * MIN, now)).toBe('stale');
    expect(guardStatus('on_patrol', now - 5 * MIN, now)).toBe('offline');
    expect(guardStatus('on_patrol', undefined, now)).toBe('offline');
  });
  it('keeps SOS whatever the phone does, and honours configured thresholds', () => {
    expect(guardStatus('sos', undefined, now)).toBe('sos');
    expect(guardStatus('sos', now - 60 * MIN, now)).toBe('sos');
    const th = { staleMs: 20_000, offlineMs: 90_000 };
    expect(guardStatus('on_patrol', now - 25_000, now, th)).toBe('stale');
    expect(guardStatus('on_patrol', now - 90_000, now, th)).toBe('offline');
  });
});

describe('patrol windows (service plan: every 2 h by day, every hour at night)', () => {
  it('local time of day follows the site time zone', () => {
    expect(minuteOfDay(at(8, 30), TZ)).toBe(8 * 60 + 30);
    expect(minuteOfDay(at(8, 30), 'UTC')).toBe(0 * 60 + 30);
  });

  it('a day has 6 day rounds (08–18) and 12 night rounds (20–07)', () => {
    const rounds = roundsBetween(at(0), at(24), DEFAULT_PATROL_SCHEDULE, TZ);
    const hours = rounds.map((r) => minuteOfDay(r.start, TZ) / 60);
    expect(hours).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 18, 20, 21, 22, 23]);
    expect(rounds.filter((r) => r.band === 'day')).toHaveLength(6);
    expect(rounds.filter((r) => r.band === 'night')).toHaveLength(12);
    const eight = rounds.find((r) => r.start === at(8))!;
    expect(eight).toMatchObject({ windowEnd: at(8, 30), next: at(10), band: 'day' });
    const seven = rounds.find((r) => r.start === at(7))!;
    expect(seven).toMatchObject({ next: at(8), band: 'night' });
  });

  it('band boundaries and intervals are configurable', () => {
    const schedule = PatrolScheduleInput.parse({ dayStart: '07:00', dayEnd: '19:00', dayEveryMin: 180 });
    const hours = roundsBetween(at(0), at(24), schedule, TZ).map((r) => minuteOfDay(r.start, TZ) / 60);
    expect(hours).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 10, 13, 16, 19, 20, 21, 22, 23]);
    expect(() => PatrolScheduleInput.parse({ dayStart: '7:00' })).toThrow(/HH:MM/);
    // A route's own schedule overrides the site's, and a round never outlasts the gap to the next one.
    expect(mergeSchedule(DEFAULT_PATROL_SCHEDULE, { nightEveryMin: 20, roundMin: 45 })).toMatchObject({
      nightEveryMin: 20,
      roundMin: 20,
      dayEveryMin: 120,
    });
  });

  it('classifies visits: on time in the window, late after it, early just before the next round', () => {
    const visited = new Set<number>();
    const c = (t: number) => classifyVisit(t, (s) => visited.has(s), DEFAULT_PATROL_SCHEDULE, TZ);
    expect(c(at(10, 5))).toEqual({ roundStart: at(10), timing: 'on_time' });
    // Not yet visited in the 10:00 round and its 30-minute window is over: late.
    expect(c(at(10, 45))).toEqual({ roundStart: at(10), timing: 'late' });
    visited.add(at(10));
    // A second pass in the same round counts for nothing.
    expect(c(at(10, 20))).toBeUndefined();
    expect(c(at(11, 0))).toBeUndefined();
    // Within 10 minutes of the 12:00 round: early for it.
    expect(c(at(11, 52))).toEqual({ roundStart: at(12), timing: 'early' });
    visited.add(at(12));
    expect(c(at(12, 10))).toBeUndefined();
    // Night: hourly rounds.
    expect(c(at(21, 29))).toEqual({ roundStart: at(21), timing: 'on_time' });
    expect(c(at(21, 31))).toEqual({ roundStart: at(21), timing: 'late' });
  });

  it('summarises a closed round: a late visit leaves the window missed', () => {
    expect(summariseRound(['on_time', 'early', 'late', undefined])).toEqual({
      onTime: 1,
      early: 1,
      late: 0,
      missed: 2,
      total: 4,
    });
  });
});

describe('nearest guard ranking', () => {
  const target = { lat: 30.272, lon: 120.153 };
  const now = at(12);
  const near = { lat: 30.2721, lon: 120.153 }; // ~11 m
  const mid = { lat: 30.273, lon: 120.153 }; // ~111 m
  const far = { lat: 30.274, lon: 120.153 }; // ~222 m
  it('puts free guards with fresh positions first, nearest first, with a walking ETA', () => {
    const ranked = rankGuards(
      target,
      [
        { guardId: 'busy-near', duty: 'dispatched', position: near, at: now - 5_000 },
        { guardId: 'free-far', duty: 'on_patrol', position: far, at: now - 5_000 },
        { guardId: 'free-mid', duty: 'on_patrol', position: mid, at: now - 5_000 },
        { guardId: 'stale-near', duty: 'on_patrol', position: near, at: now - 2 * MIN },
        { guardId: 'offline', duty: 'on_patrol', position: near, at: now - 10 * MIN },
        { guardId: 'never', duty: 'on_patrol' },
      ],
      now,
    );
    expect(ranked.map((c) => c.guardId)).toEqual(['free-mid', 'free-far', 'busy-near', 'stale-near']);
    expect(ranked[0]).toMatchObject({ available: true, status: 'on_patrol' });
    expect(ranked[0]!.distanceM).toBeGreaterThan(100);
    expect(ranked[0]!.distanceM).toBeLessThan(120);
    // 111 m × 1.3 path factor / 1.4 m/s ≈ 103 s.
    expect(ranked[0]!.etaSec).toBeGreaterThan(95);
    expect(ranked[0]!.etaSec).toBeLessThan(112);
    expect(ranked.find((c) => c.guardId === 'busy-near')).toMatchObject({
      available: false,
      status: 'dispatched',
    });
    expect(ranked.find((c) => c.guardId === 'stale-near')).toMatchObject({
      available: false,
      status: 'stale',
    });
  });
});

describe('OsmAnd parsing', () => {
  const now = Date.UTC(2026, 10, 24, 4, 0);
  const q = (s: string) => new URLSearchParams(s);
  const fromQuery = (query: string) => parseOsmand(q(query), '', '', now);
  const fromBody = (body: string, type = '') => parseOsmand(q(''), body, type, now);

  it('reads the query string Traccar Client sends, converting knots to m/s', () => {
    const r = fromQuery(
      'id=guard-01&lat=30.2712&lon=120.1534&timestamp=1795492800&speed=2&bearing=91.5&accuracy=8&batt=76',
    );
    expect(r).toEqual({
      ok: true,
      report: {
        deviceId: 'guard-01',
        lat: 30.2712,
        lon: 120.1534,
        at: 1795492800_000,
        speed: 2 * 0.514444,
        bearing: 91.5,
        accuracy: 8,
        battery: 76,
        sos: false,
      },
    });
  });

  it('reads a form body, deviceid, an ISO timestamp and alarm=sos', () => {
    const r = fromBody('deviceid=g2&lat=30.27&lon=120.15&timestamp=2026-11-24T03:59:00Z&alarm=sos');
    expect(r).toMatchObject({
      ok: true,
      report: { deviceId: 'g2', at: Date.UTC(2026, 10, 24, 3, 59), sos: true },
    });
  });

  it('reads the JSON body of Traccar Client 9', () => {
    const body = JSON.stringify({
      device_id: 'g3',
      location: {
        timestamp: '2026-11-24T03:58:00.000Z',
        coords: { latitude: 30.271, longitude: 120.152, accuracy: 5, speed: 1.2, heading: 270, altitude: 12 },
        battery: { level: 0.42, is_charging: false },
        is_moving: true,
      },
    });
    expect(fromBody(body, 'application/json')).toEqual({
      ok: true,
      report: {
        deviceId: 'g3',
        lat: 30.271,
        lon: 120.152,
        at: Date.UTC(2026, 10, 24, 3, 58),
        speed: 1.2,
        bearing: 270,
        accuracy: 5,
        battery: 42,
        sos: false,
      },
    });
  });

  it('uses the arrival time when there is no timestamp; takes seconds, milliseconds and ISO', () => {
    expect(parseTimestamp(undefined, now)).toBe(now);
    expect(parseTimestamp('1795492800', now)).toBe(1795492800_000);
    expect(parseTimestamp('1795492800123', now)).toBe(1795492800123);
    expect(parseTimestamp('yesterday', now)).toMatch(/neither epoch seconds nor an ISO date/);
  });

  it.each([
    ['', /id/],
    ['lat=30&lon=120', /id/],
    ['id=g&lon=120', /lat/],
    ['id=g&lat=91&lon=120', /lat must be at most 90/],
    ['id=g&lat=30&lon=-181', /lon must be at least -180/],
    ['id=g&lat=abc&lon=120', /lat must be a number/],
    ['id=g&lat=30&lon=120&batt=140', /batt/],
    ['id=g&lat=30&lon=120&bearing=400', /bearing/],
    ['id=g&lat=30&lon=120&timestamp=99999999999999', /not a date/],
    ['id=g&lat=30&lon=120&timestamp=not-a-date', /timestamp/],
  ])('refuses %j with a message that names the problem', (query, message) => {
    const r = fromQuery(query);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.status).toBe(400);
      expect(r.message).toMatch(message);
    }
  });

  it('refuses broken JSON and JSON without coordinates', () => {
    expect(fromBody('{"device_id":', 'application/json')).toMatchObject({ ok: false });
    const r = fromBody(JSON.stringify({ device_id: 'g', location: {} }), 'application/json');
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/coords/) as unknown });
  });

  it('never throws and never accepts garbage (fuzz: 3,000 random requests)', () => {
    const random = seededRandom(6);
    const pieces = [
      'id',
      'lat',
      'lon',
      'timestamp',
      'speed',
      'batt',
      'bearing',
      '=',
      '&',
      '%',
      '{',
      '"',
      '-1e999',
      'NaN',
      '∞',
      '30.2',
      '120.1',
      ' ',
      '\u0000',
      'device_id',
      'location',
      ':',
      '}',
    ];
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const n = Math.floor(random() * 12);
      let s = '';
      for (let j = 0; j < n; j++) s += pieces[Math.floor(random() * pieces.length)]!;
      const useBody = random() < 0.5;
      const r = parseOsmand(
        q(useBody ? '' : s),
        useBody ? s : '',
        random() < 0.3 ? 'application/json' : '',
        now,
      );
      if (r.ok) {
        accepted++;
        // Anything accepted is a real position for a named device.
        expect(r.report.deviceId.length).toBeGreaterThan(0);
        expect(Math.abs(r.report.lat)).toBeLessThanOrEqual(90);
        expect(Math.abs(r.report.lon)).toBeLessThanOrEqual(180);
        expect(Number.isFinite(r.report.at)).toBe(true);
      } else {
        expect(r.message.length).toBeGreaterThan(3);
      }
    }
    expect(accepted).toBeLessThan(3000);
  });
});

const trackPoints = [
  { lat: 30.27, lon: 120.15, at: 1_000 },
  { lat: 30.271, lon: 120.152, at: 2_000 },
  { lat: 30.271, lon: 120.152, at: 5_000 },
  { lat: 30.273, lon: 120.151, at: 6_000 },
];

describe('track replay position', () => {
  it('is undefined for an empty track', () => {
    expect(positionAtTime([], 1_000)).toBeUndefined();
  });

  it('holds the first / last point outside the track', () => {
    expect(positionAtTime(trackPoints, 0)).toEqual([30.27, 120.15]);
    expect(positionAtTime(trackPoints, 9_000)).toEqual([30.273, 120.151]);
  });

  it('interpolates on the straight line between the stored points', () => {
    const [lat, lon] = positionAtTime(trackPoints, 1_500)!;
    expect(lat).toBeCloseTo(30.2705, 9);
    expect(lon).toBeCloseTo(120.151, 9);
    const [lat2, lon2] = positionAtTime(trackPoints, 5_750)!;
    expect(lat2).toBeCloseTo(30.2725, 9);
    expect(lon2).toBeCloseTo(120.15125, 9);
  });

  it('stands still while the guard stood still', () => {
    expect(positionAtTime(trackPoints, 3_000)).toEqual([30.271, 120.152]);
    expect(positionAtTime(trackPoints, 5_000)).toEqual([30.271, 120.152]);
  });

  it('handles two points at the same instant without dividing by zero', () => {
    const same = [
      { lat: 1, lon: 2, at: 10 },
      { lat: 3, lon: 4, at: 10 },
      { lat: 5, lon: 6, at: 20 },
    ];
    expect(positionAtTime(same, 10)).toEqual([1, 2]);
    expect(positionAtTime(same, 15)).toEqual([4, 5]);
  });
});
