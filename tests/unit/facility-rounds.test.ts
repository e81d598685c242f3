import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/common/clock';
import {
  DEFAULT_CHECKLISTS,
  dueList,
  fromLocal,
  localParts,
  maintenanceDue,
  maintenanceListed,
  nextDue,
  periodOf,
  prevDue,
  RoundSchedule,
  roundsOf,
  shiftAt,
  SiteRounds,
  valuePasses,
  type ScheduleZone,
} from '../../shared/domain/rounds';
import { readFileSync } from 'node:fs';
import { demoSitePath } from '../../electron/common/site-file';
import { FACILITY_KINDS } from '../../shared/domain/facilities';
import { SiteFile } from '../../shared/domain/site';

const HOUR = 3_600_000;
const BANDS = { dayStartMin: 8 * 60, dayEndMin: 20 * 60 };
const SHANGHAI: ScheduleZone = { timeZone: 'Asia/Shanghai', bands: BANDS };
const NEW_YORK: ScheduleZone = { timeZone: 'America/New_York', bands: BANDS };
/** 08:00 in Shanghai is 00:00 UTC: local times below are UTC + 8 h. */
const sh = (y: number, m: number, d: number, h: number, min = 0) => Date.UTC(y, m - 1, d, h - 8, min);
const every = (s: Partial<RoundSchedule> & { every: RoundSchedule['every'] }) => RoundSchedule.parse(s);
const local = (at: number, z: ScheduleZone) => {
  const p = localParts(at, z.timeZone);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')} ${String(Math.floor(p.minute / 60)).padStart(2, '0')}:${String(p.minute % 60).padStart(2, '0')}`;
};

describe('rounds: shifts and due times in the site’s local time', () => {
  it('a shift is the day band or the night band around the moment, across midnight', () => {
    expect(shiftAt(sh(2026, 12, 1, 10), 'Asia/Shanghai', BANDS)).toEqual({
      from: sh(2026, 12, 1, 8),
      to: sh(2026, 12, 1, 20),
    });
    expect(shiftAt(sh(2026, 12, 1, 23), 'Asia/Shanghai', BANDS)).toEqual({
      from: sh(2026, 12, 1, 20),
      to: sh(2026, 12, 2, 8),
    });
    expect(shiftAt(sh(2026, 12, 2, 3), 'Asia/Shanghai', BANDS)).toEqual({
      from: sh(2026, 12, 1, 20),
      to: sh(2026, 12, 2, 8),
    });
    // The edge belongs to the shift it opens.
    expect(shiftAt(sh(2026, 12, 1, 20), 'Asia/Shanghai', BANDS).from).toBe(sh(2026, 12, 1, 20));
  });

  it('a shift round’s due list over three shifts in simulated time: done, then missed, then pending', () => {
    const clock = new ManualClock(sh(2026, 12, 1, 9));
    const rounds = [{ id: 'video-all', schedule: every({ every: 'shift' }) }];
    const finished = new Map<string, number[]>([['video-all', [sh(2026, 12, 1, 15)]]]);
    const listAt = () => {
      const shift = shiftAt(clock.now(), SHANGHAI.timeZone, BANDS);
      return dueList(rounds, finished, shift, clock.now(), SHANGHAI);
    };
    expect(listAt()).toEqual([
      {
        roundId: 'video-all',
        dueAt: sh(2026, 12, 1, 20),
        from: sh(2026, 12, 1, 8),
        state: 'done',
        doneAt: sh(2026, 12, 1, 15),
      },
    ]);
    clock.jump(12 * HOUR); // 21:00, the night shift: nothing done in it yet
    expect(listAt()).toMatchObject([{ dueAt: sh(2026, 12, 2, 8), state: 'pending' }]);
    clock.jump(11 * HOUR + 1); // 08:00 and a moment: the next day shift; the night's round is past
    const night = shiftAt(sh(2026, 12, 2, 7), SHANGHAI.timeZone, BANDS);
    expect(dueList(rounds, finished, night, clock.now(), SHANGHAI)).toMatchObject([
      { dueAt: sh(2026, 12, 2, 8), state: 'missed' },
    ]);
    expect(listAt()).toMatchObject([{ dueAt: sh(2026, 12, 2, 20), state: 'pending' }]);
  });

  it('counts a round finished at the due time itself, not one finished at the previous due time', () => {
    const rounds = [{ id: 'r', schedule: every({ every: 'day', at: '17:00' }) }];
    const shift = { from: sh(2026, 12, 1, 8), to: sh(2026, 12, 1, 20) };
    const at = (t: number) =>
      dueList(rounds, new Map([['r', [t]]]), shift, sh(2026, 12, 1, 19), SHANGHAI)[0]!.state;
    expect(at(sh(2026, 12, 1, 17))).toBe('done');
    expect(at(sh(2026, 11, 30, 17))).toBe('missed');
    expect(at(sh(2026, 11, 30, 17) + 1)).toBe('done');
  });

  it('a daily round due twice in a long shift is listed twice; a weekly one once, with the period running', () => {
    const rounds = [
      { id: 'twice', schedule: every({ every: 'day', at: '09:00' }) },
      { id: 'weekly', schedule: every({ every: 'week', weekday: 5, at: '17:00' }) },
    ];
    // A 36 h window: 2026-12-01 08:00 to 2026-12-02 20:00 (Tuesday to Wednesday).
    const list = dueList(
      rounds,
      new Map(),
      { from: sh(2026, 12, 1, 8), to: sh(2026, 12, 2, 20) },
      sh(2026, 12, 1, 8),
      SHANGHAI,
    );
    expect(list.map((i) => [i.roundId, local(i.dueAt, SHANGHAI)])).toEqual([
      ['twice', '2026-12-01 09:00'],
      ['twice', '2026-12-02 09:00'],
      // Friday 4 December: the weekly check's period runs through the shift.
      ['weekly', '2026-12-04 17:00'],
    ]);
    expect(list[1]!.from).toBe(list[0]!.dueAt);
  });

  it('a monthly round on the 31st falls on each month’s last day, leap years included', () => {
    const s = every({ every: 'month', monthDay: 31, at: '17:00' });
    const dues: string[] = [];
    let t = sh(2027, 1, 1, 0);
    for (let i = 0; i < 4; i++) {
      t = nextDue(s, t, SHANGHAI);
      dues.push(local(t, SHANGHAI));
    }
    expect(dues).toEqual(['2027-01-31 17:00', '2027-02-28 17:00', '2027-03-31 17:00', '2027-04-30 17:00']);
    expect(local(nextDue(s, sh(2028, 2, 1, 0), SHANGHAI), SHANGHAI)).toBe('2028-02-29 17:00');
    // The period of the February due time starts at January's.
    expect(periodOf(s, sh(2027, 2, 28, 17), SHANGHAI)).toEqual({
      from: sh(2027, 1, 31, 17),
      to: sh(2027, 2, 28, 17),
    });
    // Just after the month end: the previous due is the last day, the next the next month's.
    expect(prevDue(s, sh(2027, 3, 1, 0), SHANGHAI)).toBe(sh(2027, 2, 28, 17));
  });

  it('a month end in a zone far east of UTC is still the local month end', () => {
    const auckland: ScheduleZone = { timeZone: 'Pacific/Auckland', bands: BANDS };
    const s = every({ every: 'month', monthDay: 31, at: '09:00' });
    // 2026-12-31 09:00 in Auckland (UTC+13 in summer) is 2026-12-30 20:00 UTC.
    expect(nextDue(s, Date.UTC(2026, 11, 15), auckland)).toBe(Date.UTC(2026, 11, 30, 20));
    // And a half-hour zone's day shift.
    expect(shiftAt(Date.UTC(2026, 11, 1, 6), 'Asia/Kolkata', BANDS)).toEqual({
      from: Date.UTC(2026, 11, 1, 2, 30),
      to: Date.UTC(2026, 11, 1, 14, 30),
    });
  });

  it('across a clock change: a skipped local time lands just after the gap, a repeated one on its first pass', () => {
    // New York springs forward at 02:00 on 2027-03-14: 02:30 does not exist that day.
    expect(fromLocal({ y: 2027, m: 3, d: 14 }, 150, NEW_YORK.timeZone)).toBe(Date.UTC(2027, 2, 14, 7, 30));
    // It falls back at 02:00 on 2027-11-07: 01:30 happens twice; the first is EDT (UTC-4).
    expect(fromLocal({ y: 2027, m: 11, d: 7 }, 90, NEW_YORK.timeZone)).toBe(Date.UTC(2027, 10, 7, 5, 30));
    // A daily round at 17:00 stays at 17:00 local on both sides of each change (23 h and 25 h apart).
    const s = every({ every: 'day', at: '17:00' });
    let t = Date.UTC(2027, 2, 12);
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      const next = nextDue(s, t, NEW_YORK);
      expect(local(next, NEW_YORK).slice(11)).toBe('17:00');
      if (i > 0) gaps.push((next - t) / HOUR);
      t = next;
    }
    expect(gaps).toEqual([24, 23, 24]);
    // The night shift across the spring change is an hour short.
    const night = shiftAt(Date.UTC(2027, 2, 14, 6), NEW_YORK.timeZone, BANDS);
    expect((night.to - night.from) / HOUR).toBe(11);
    const fall = shiftAt(Date.UTC(2027, 10, 7, 6), NEW_YORK.timeZone, BANDS);
    expect((fall.to - fall.from) / HOUR).toBe(13);
    // Due times never go backwards across the change.
    const shiftRound = every({ every: 'shift' });
    let d = Date.UTC(2027, 2, 13);
    for (let i = 0; i < 6; i++) {
      const next = nextDue(shiftRound, d, NEW_YORK);
      expect(next).toBeGreaterThan(d);
      d = next;
    }
  });
});

describe('rounds: the site file’s rounds and checklists', () => {
  it('every facility kind has a checklist; the site file replaces the lists it gives', () => {
    for (const kind of FACILITY_KINDS) expect(DEFAULT_CHECKLISTS[kind].length).toBeGreaterThan(0);
    const site = SiteRounds.parse({
      checklists: { lighting: [{ id: 'lamp', text: '灯亮' }] },
      video: [{ id: 'night-video', name: '夜间视频巡查', schedule: { every: 'day', at: '02:00' } }],
    });
    const r = roundsOf(site);
    expect(r.video.map((v) => v.id)).toEqual(['night-video']);
    expect(r.inspections.map((i) => i.id)).toEqual([
      'daily-facilities',
      'weekly-fire',
      'monthly-extinguishers',
    ]);
    expect(r.checklists.lighting.map((i) => i.id)).toEqual(['lamp']);
    expect(r.checklists.extinguisher.length).toBe(3);
  });

  it('refuses a duplicate round id, a bad time of day, an unknown kind and a month day past 31', () => {
    const bad = (v: unknown) => SiteRounds.safeParse(v).success;
    const round = { id: 'a', name: 'x', schedule: { every: 'shift' } };
    expect(bad({ video: [round], inspections: [{ ...round, kinds: ['hydrant'] }] })).toBe(false);
    expect(bad({ video: [{ ...round, schedule: { every: 'day', at: '24:00' } }] })).toBe(false);
    expect(bad({ inspections: [{ ...round, kinds: ['spaceship'] }] })).toBe(false);
    expect(bad({ video: [{ ...round, schedule: { every: 'month', monthDay: 32 } }] })).toBe(false);
    expect(bad({ video: [round] })).toBe(true);
  });

  it('the site file takes its rounds: the demo’s parse; a round in a zone the site lacks is refused where it is', () => {
    const demo = JSON.parse(readFileSync(demoSitePath(), 'utf8')) as { facilities: Record<string, unknown> };
    const site = SiteFile.parse(demo);
    expect(site.facilities.rounds?.video?.map((v) => v.id)).toEqual(['video-all']);
    expect(site.facilities.rounds?.inspections?.[0]).toMatchObject({
      id: 'fire-shift',
      schedule: { every: 'shift', at: '17:00' },
    });
    const wrong = SiteFile.safeParse({
      ...demo,
      facilities: {
        ...demo.facilities,
        rounds: { video: [{ id: 'v', name: 'x', zone: 'moon', schedule: { every: 'shift' } }] },
      },
    });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((i) => i.path.join('.'))).toEqual(['facilities.rounds.video.0.zone']);
    // Without rounds the built-in ones apply.
    const { rounds: _, ...without } = demo.facilities;
    expect(roundsOf(SiteFile.parse({ ...demo, facilities: without }).facilities.rounds).video).toHaveLength(
      1,
    );
  });

  it('a reading fails outside its item’s range', () => {
    const pressure = DEFAULT_CHECKLISTS.fire_pump.find((i) => i.id === 'pressure')!;
    expect(valuePasses(pressure, 0.5)).toBe(true);
    expect(valuePasses(pressure, 0.1)).toBe(false);
    expect(valuePasses(pressure, 2)).toBe(false);
  });
});

describe('rounds: the maintenance schedule', () => {
  it('is due at the local end of the day its interval ends, across month ends and zones', () => {
    // Entered 2027-01-31 10:00 in Shanghai, monthly: 30 days later is 2 March (February has 28 days).
    expect(
      local(maintenanceDue({ since: sh(2027, 1, 31, 10), everyDays: 30 }, 'Asia/Shanghai'), SHANGHAI),
    ).toBe('2027-03-02 23:59');
    // Done since: counted from the visit.
    expect(
      local(
        maintenanceDue(
          { since: sh(2027, 1, 1, 10), lastDoneAt: sh(2027, 2, 20, 9), everyDays: 7 },
          'Asia/Shanghai',
        ),
        SHANGHAI,
      ),
    ).toBe('2027-02-27 23:59');
    // 23:00 UTC on 31 December is already 1 January in Shanghai: the local day counts.
    expect(
      local(maintenanceDue({ since: Date.UTC(2026, 11, 31, 23), everyDays: 1 }, 'Asia/Shanghai'), SHANGHAI),
    ).toBe('2027-01-02 23:59');
    // Across New York's spring change the end of the day is still 23:59 local.
    expect(
      local(maintenanceDue({ since: Date.UTC(2027, 2, 13, 15), everyDays: 1 }, NEW_YORK.timeZone), NEW_YORK),
    ).toBe('2027-03-14 23:59');
  });

  it('is listed from a day before it is due, and while overdue', () => {
    const due = sh(2027, 3, 2, 23, 59);
    expect(maintenanceListed(due, due - 25 * HOUR)).toBe(false);
    expect(maintenanceListed(due, due - 24 * HOUR)).toBe(true);
    expect(maintenanceListed(due, due + 100 * HOUR)).toBe(true);
  });
});
