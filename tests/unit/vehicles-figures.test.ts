/**
 * The vehicle figures for the reports issue (electron/core/vehicles/figures.ts) and the no-parking rules they rest
 * on (shared/domain/violations.ts): pure functions, checked on hand-made facts.
 */
import { describe, expect, it } from 'vitest';
import {
  violationsPerDayByArea,
  violationTimeliness,
  visitorOverstays,
  type ViolationFact,
} from '../../electron/core/vehicles/figures';
import type { NoParkingAreaDef } from '../../shared/domain/site';
import { areaForAlarm, cameraForArea, deadlineMinOf } from '../../shared/domain/violations';

const MIN = 60_000;
/** 2026-11-24 10:00 in Shanghai. */
const T = Date.UTC(2026, 10, 24, 2, 0);
const fact = (o: Partial<ViolationFact> & { foundAt: number }): ViolationFact => ({
  deadlineAt: o.foundAt + 15 * MIN,
  area: 'cw',
  kind: 'crosswalk',
  ...o,
});

describe('违规停放处置及时率 (violations handled within the deadline)', () => {
  it('counts a car moved, or towing started, by the deadline as in time; false reports and pending ones not at all', () => {
    const facts = [
      fact({ foundAt: T, closedAt: T + 10 * MIN, outcome: 'moved' }), // in time
      fact({ foundAt: T, closedAt: T + 20 * MIN, outcome: 'moved' }), // late
      fact({ foundAt: T, escalatedAt: T + 4 * MIN, closedAt: T + 60 * MIN, outcome: 'towed' }), // in time
      fact({ foundAt: T, escalatedAt: T + 16 * MIN, closedAt: T + 60 * MIN, outcome: 'towed' }), // late
      fact({ foundAt: T, closedAt: T + MIN, outcome: 'false' }), // not counted
      fact({ foundAt: T + 50 * MIN }), // still standing, deadline not yet come: not counted
      fact({ foundAt: T }), // still standing past its deadline: late
    ];
    expect(violationTimeliness(facts, T + 60 * MIN)).toEqual({ counted: 5, inTime: 2, rate: 2 / 5 });
  });

  it('has no rate when nothing counts', () => {
    expect(violationTimeliness([], T)).toEqual({ counted: 0, inTime: 0, rate: null });
    expect(violationTimeliness([fact({ foundAt: T })], T + MIN).rate).toBeNull();
  });

  it('a call alone is not handling: the car must move or towing start', () => {
    // The owner promised at +2 min but the car was still there at the deadline.
    expect(violationTimeliness([fact({ foundAt: T })], T + 16 * MIN)).toMatchObject({
      counted: 1,
      inTime: 0,
    });
  });
});

describe('violations per day by area', () => {
  it('counts by the site calendar day (a violation at 23:30 Shanghai is that day, not UTC`s next)', () => {
    const lateEvening = Date.UTC(2026, 10, 24, 15, 30); // 23:30 on the 24th in Shanghai
    const afterMidnight = Date.UTC(2026, 10, 24, 16, 30); // 00:30 on the 25th
    const rows = violationsPerDayByArea(
      [
        fact({ foundAt: T, area: 'fl', kind: 'fire_lane' }),
        fact({ foundAt: T + MIN, area: 'fl', kind: 'fire_lane' }),
        fact({ foundAt: lateEvening, area: 'cw' }),
        fact({ foundAt: afterMidnight, area: 'cw' }),
        fact({ foundAt: T, area: 'cw', outcome: 'false' }),
      ],
      'Asia/Shanghai',
    );
    expect(rows).toEqual([
      { day: '2026-11-24', area: 'cw', count: 1 },
      { day: '2026-11-24', area: 'fl', count: 2 },
      { day: '2026-11-25', area: 'cw', count: 1 },
    ]);
  });
});

describe('visitor overstays', () => {
  it('counts visits that entered in the period and stayed past their limit, the longest first', () => {
    const visits = [
      { enteredAt: T, leftAt: T + 100 * MIN, limitMin: 120 }, // on time
      { enteredAt: T, leftAt: T + 150 * MIN, limitMin: 120 }, // 30 min over
      { enteredAt: T, limitMin: 60, overstayedAt: T + 60 * MIN }, // still inside, 120 min over at +180
      { enteredAt: T - 86_400_000, leftAt: T, limitMin: 5 }, // entered before the period
      { limitMin: 60 }, // expected, never came
    ];
    expect(visitorOverstays(visits, T, T + 86_400_000, T + 180 * MIN)).toEqual({
      visits: 3,
      overstays: 2,
      rate: 2 / 3,
      longestOverMin: [120, 30],
    });
    expect(visitorOverstays([], T, T + 1, T).rate).toBeNull();
  });
});

describe('no-parking rules', () => {
  const np = { deadlineMin: 15, fireLaneDeadlineMin: 5, areas: [] };
  const square = (lat: number, lon: number) => [
    { lat, lon },
    { lat, lon: lon + 0.001 },
    { lat: lat + 0.001, lon: lon + 0.001 },
    { lat: lat + 0.001, lon },
  ];
  const areas: NoParkingAreaDef[] = [
    { id: 'cw', name: '人行横道', kind: 'crosswalk', polygon: square(30, 120) },
    { id: 'fl', name: '消防通道', kind: 'fire_lane', polygon: square(30.01, 120), zone: 'fire-zone' },
    { id: 'el', name: '应急车道', kind: 'emergency_lane', polygon: square(30.02, 120), deadlineMin: 10 },
  ];

  it('gives 5 minutes in a fire lane, 15 elsewhere, an area its own', () => {
    expect(areas.map((a) => deadlineMinOf(np, a))).toEqual([15, 5, 10]);
    expect(deadlineMinOf({ ...np, fireLaneDeadlineMin: 3 }, areas[1]!)).toBe(3);
  });

  it("finds an alarm's area by its zone, else by where it is, else the first fire lane", () => {
    expect(areaForAlarm(areas, { zone: 'fire-zone' })?.id).toBe('fl');
    expect(areaForAlarm(areas, { zone: 'x', location: { lat: 30.0205, lon: 120.0005 } })?.id).toBe('el');
    expect(areaForAlarm(areas, {})?.id).toBe('fl');
    expect(areaForAlarm(areas.slice(0, 1), {})).toBeUndefined();
  });

  it("takes the area's own camera, else the one nearest to it", () => {
    const cameras = [
      { id: 'far', position: { lat: 31, lon: 121 } },
      { id: 'near', position: { lat: 30.0006, lon: 120.0004 } },
      { id: 'nowhere' },
    ];
    expect(cameraForArea(areas[0]!, cameras)).toBe('near');
    expect(cameraForArea({ ...areas[0]!, camera: 'far' }, cameras)).toBe('far');
    expect(cameraForArea(areas[0]!, [{ id: 'nowhere' }])).toBeUndefined();
  });
});
