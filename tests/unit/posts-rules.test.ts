/**
 * The rules of fixed posts and peaks (issue 17, shared/domain/posts.ts): what a day is (the holiday calendar first,
 * then the weekday), which peaks run at an instant in the site's time zone (a window past midnight, a peak across the
 * shift change), the guards' shift keys, and 车辆规范停放率 against a hand-computed set.
 */
import { describe, expect, it } from 'vitest';
import {
  dayKindOf,
  guardShiftAt,
  nextGuardShift,
  parkingRate,
  PeakDef,
  peaksAhead,
  peaksAt,
  requiredPosts,
  type Holiday,
} from '../../shared/domain/posts';
import { SiteFile } from '../../shared/domain/site';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_SITE_DIR } from '../support/site';

const TZ = 'Asia/Shanghai';
/** A local time in Hangzhou (UTC+8, no daylight saving) on a date of November 2026. */
const hz = (day: number, hh: number, mm = 0) => Date.UTC(2026, 10, day, hh - 8, mm);
const BANDS = { dayStartMin: 8 * 60, dayEndMin: 20 * 60 };

const peak = (o: Partial<PeakDef> & Pick<PeakDef, 'id' | 'from' | 'to' | 'days'>): PeakDef =>
  PeakDef.parse({ name: o.id, posts: ['post-a'], ...o });
const MORNING = peak({
  id: 'morning',
  days: ['workday'],
  from: '07:00',
  to: '09:00',
  posts: ['gate', 'traffic'],
});
const HOLIDAY = peak({
  id: 'holiday',
  days: ['holiday'],
  from: '09:00',
  to: '18:00',
  posts: ['gate'],
  priority: 3,
});
const NIGHT = peak({ id: 'night', days: ['weekend'], from: '22:00', to: '02:00', posts: ['gate'] });
const calendar = (list: Holiday[]) => new Map(list.map((h) => [h.date, h]));
const ids = (at: number, cal = calendar([]), tz = TZ) =>
  peaksAt(at, [MORNING, HOLIDAY, NIGHT], cal, tz).map((a) => a.peak.id);

describe('what a day is', () => {
  it('Monday to Friday are working days, Saturday and Sunday weekends, unless the calendar says otherwise', () => {
    const cal = calendar([
      // A holiday on a Wednesday, and a Saturday worked to make up for it (调休上班).
      { date: '2026-11-25', name: '测试假日', kind: 'holiday' },
      { date: '2026-11-28', name: '调休', kind: 'workday' },
    ]);
    expect(dayKindOf('2026-11-24', cal)).toBe('workday'); // Tuesday
    expect(dayKindOf('2026-11-25', cal)).toBe('holiday'); // Wednesday, a holiday
    expect(dayKindOf('2026-11-28', cal)).toBe('workday'); // Saturday, worked
    expect(dayKindOf('2026-11-29', cal)).toBe('weekend'); // Sunday
  });
});

describe('peaks running at an instant', () => {
  it('a weekday morning peak runs 07:00 to 09:00 site time, the end not included', () => {
    expect(ids(hz(24, 6, 59))).toEqual([]);
    expect(ids(hz(24, 7))).toEqual(['morning']);
    expect(ids(hz(24, 8, 59))).toEqual(['morning']);
    expect(ids(hz(24, 9))).toEqual([]);
  });

  it('a holiday on a weekday: the working-day peak does not run, the holiday peak does', () => {
    const cal = calendar([{ date: '2026-11-25', name: '测试假日', kind: 'holiday' }]);
    expect(ids(hz(25, 8), cal)).toEqual([]);
    expect(ids(hz(25, 10), cal)).toEqual(['holiday']);
    // The same hours of the next day, an ordinary Thursday.
    expect(ids(hz(26, 8), cal)).toEqual(['morning']);
    expect(ids(hz(26, 10), cal)).toEqual([]);
    // A Saturday worked has the working-day peak.
    expect(ids(hz(28, 8), calendar([{ date: '2026-11-28', name: '调休', kind: 'workday' }]))).toEqual([
      'morning',
    ]);
  });

  it('a window past midnight belongs to the day it starts on', () => {
    // Saturday 22:00 to Sunday 02:00: runs Sunday 01:00 (started on the Saturday).
    expect(ids(hz(28, 23))).toEqual(['night']);
    expect(ids(hz(29, 1, 59))).toEqual(['night']);
    expect(ids(hz(29, 2))).toEqual([]);
    // Friday night is a working day's: no weekend peak, nor at 01:00 on Saturday.
    expect(ids(hz(27, 23))).toEqual([]);
    expect(ids(hz(28, 1))).toEqual([]);
    // Sunday 22:00 to Monday 02:00 runs (Sunday is a weekend); Monday 01:00 is still in it.
    expect(ids(hz(30, 1))).toEqual(['night']);
  });

  it("the site's time zone decides: 08:00 in Hangzhou is 00:00 UTC, 08:00 in New York another instant", () => {
    expect(ids(Date.UTC(2026, 10, 24, 0, 0))).toEqual(['morning']);
    expect(ids(Date.UTC(2026, 10, 24, 0, 0), calendar([]), 'UTC')).toEqual([]);
    expect(ids(Date.UTC(2026, 10, 24, 8, 0), calendar([]), 'UTC')).toEqual(['morning']);
    // New York on winter time (UTC−5) after the clocks went back on 1 November.
    expect(ids(Date.UTC(2026, 10, 24, 13, 0), calendar([]), 'America/New_York')).toEqual(['morning']);
    expect(ids(Date.UTC(2026, 10, 24, 12, 0), calendar([]), 'America/New_York')).toEqual(['morning']);
    expect(ids(Date.UTC(2026, 10, 24, 11, 59), calendar([]), 'America/New_York')).toEqual([]);
  });

  it('lists what is ahead today and tomorrow, running ones included, ended ones not', () => {
    const ahead = peaksAhead(
      hz(24, 8),
      [MORNING, HOLIDAY],
      calendar([{ date: '2026-11-25', name: '假', kind: 'holiday' }]),
      TZ,
    );
    expect(ahead.map((a) => `${a.peak.id}@${a.day}`)).toEqual(['morning@2026-11-24', 'holiday@2026-11-25']);
    expect(ahead[0]).toMatchObject({ from: hz(24, 7), to: hz(24, 9) });
  });

  it('a post two running peaks require takes the more urgent priority', () => {
    const a = peaksAt(
      hz(24, 8),
      [
        MORNING,
        peak({ id: 'extra', days: ['workday'], from: '07:30', to: '08:30', posts: ['gate'], priority: 3 }),
      ],
      calendar([]),
      TZ,
    );
    const req = requiredPosts(a);
    expect(req.get('gate')).toMatchObject({ priority: 3 });
    expect(req.get('traffic')).toMatchObject({ priority: 4 });
    expect(req.get('gate')!.peak.peak.id).toBe('morning');
  });
});

describe("the guards' shifts", () => {
  it('are the day and night bands, keyed by the local day they start on', () => {
    expect(guardShiftAt(hz(24, 7, 59), TZ, BANDS)).toEqual({
      key: '2026-11-23/night',
      band: 'night',
      from: hz(23, 20),
      to: hz(24, 8),
    });
    const day = guardShiftAt(hz(24, 8), TZ, BANDS);
    expect(day).toMatchObject({ key: '2026-11-24/day', from: hz(24, 8), to: hz(24, 20) });
    expect(nextGuardShift(day, TZ, BANDS).key).toBe('2026-11-24/night');
    expect(guardShiftAt(hz(25, 1), TZ, BANDS).key).toBe('2026-11-24/night');
  });

  it('a peak that crosses the shift change runs on both sides of it', () => {
    const before = hz(24, 7, 30);
    const after = hz(24, 8, 30);
    expect(ids(before)).toEqual(['morning']);
    expect(ids(after)).toEqual(['morning']);
    expect(guardShiftAt(before, TZ, BANDS).key).not.toBe(guardShiftAt(after, TZ, BANDS).key);
  });
});

describe('车辆规范停放率 (parking compliance) from patrol counts', () => {
  it('is compliant ÷ counted, in all and per area, against a hand-computed set', () => {
    const r = parkingRate([
      { area: 'carpark', counted: 40, violations: 2 },
      { area: 'carpark', counted: 36, violations: 0 },
      { area: 'fire-lane', counted: 5, violations: 3 },
      { area: 'gate-south', counted: 19, violations: 1 },
    ]);
    // 100 counted; 2 + 0 + 3 + 1 = 6 violations; 94 compliant.
    expect(r).toMatchObject({ counted: 100, compliant: 94, rate: 0.94 });
    expect(r.byArea).toEqual([
      { area: 'carpark', counted: 76, compliant: 74, rate: 74 / 76 },
      { area: 'fire-lane', counted: 5, compliant: 2, rate: 0.4 },
      { area: 'gate-south', counted: 19, compliant: 18, rate: 18 / 19 },
    ]);
  });

  it('has no rate without counts, and reads more violations than vehicles as all of them', () => {
    expect(parkingRate([]).rate).toBeNull();
    expect(parkingRate([{ area: 'a', counted: 3, violations: 7 }])).toMatchObject({
      counted: 3,
      compliant: 0,
      rate: 0,
    });
  });
});

describe('the site file', () => {
  const demo = () =>
    JSON.parse(readFileSync(join(DEMO_SITE_DIR, 'site.json'), 'utf8')) as Record<string, unknown>;

  it('the demo has two gate posts, a traffic post and a weekday morning peak', () => {
    const site = SiteFile.parse(demo());
    expect(site.posts.map((p) => p.kind).sort()).toEqual(['gate', 'gate', 'traffic']);
    expect(site.peaks.find((p) => p.days.includes('workday'))).toMatchObject({ from: '07:00', to: '09:00' });
  });

  it('refuses a peak naming a post that does not exist, a post at a missing gate, a bad time', () => {
    const site = demo();
    const peaks = site.peaks as Array<Record<string, unknown>>;
    const posts = site.posts as Array<Record<string, unknown>>;
    peaks[0]!.posts = ['post-nowhere'];
    posts[0]!.gate = 'gate-nowhere';
    peaks[1]!.from = '7:00';
    const issues = SiteFile.safeParse(site).error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(expect.arrayContaining(['peaks.1.from: a time of day as HH:MM, e.g. "07:00"']));
    // The references are checked once the shapes are right.
    peaks[1]!.from = '09:00';
    const refs = SiteFile.safeParse(site).error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(refs).toEqual(
      expect.arrayContaining([
        'peaks.0.posts.0: no post "post-nowhere"',
        'posts.0.gate: no gate "gate-nowhere"',
      ]),
    );
  });
});
