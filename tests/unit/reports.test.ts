import { describe, expect, it } from 'vitest';
import { DEFAULT_TARGETS } from '../../shared/domain/alarm-lifecycle';
import {
  checkpointsMissed,
  counted,
  drillSummary,
  hazardSummary,
  heatMap,
  incidentTimeliness,
  offenders,
  orderSummary,
  percentile,
  roundOutcome,
  roundsBy,
  stageTimes,
  tallyBy,
  visitorSummary,
  withinTarget,
  type AlarmFact,
  type RoundFact,
} from '../../shared/domain/report-figures';
import {
  LocalClock,
  periodBounds,
  previousPeriod,
  ReportPeriod,
  startOfLocalDay,
} from '../../shared/domain/report-period';
import { chartOption, formatValue } from '../../shared/domain/report-charts';

const SH = 'Asia/Shanghai';
const BER = 'Europe/Berlin';
const iso = (s: string) => Date.parse(s);

function alarm(over: Partial<AlarmFact> & { id: string }): AlarmFact {
  return {
    type: 'intrusion',
    priority: 2,
    zone: 'z1',
    deviceId: 'd1',
    receivedAt: iso('2026-03-02T02:00:00Z'),
    ackMs: null,
    dispatchedAt: null,
    onSceneAt: null,
    resolvedAt: null,
    resolveMs: null,
    disposition: null,
    escalated: false,
    drill: false,
    reopened: false,
    ...over,
  };
}

function round(over: Partial<RoundFact> & { routeId: string }): RoundFact {
  return {
    roundStart: iso('2026-03-02T00:00:00Z'),
    band: 'day',
    checkpoints: 3,
    onTime: 3,
    early: 0,
    late: 0,
    missed: 0,
    skipped: false,
    guardId: 'g1',
    missedCheckpoints: [],
    ...over,
  };
}

describe('report periods in the site time zone', () => {
  it('a month in China time (no DST) starts and ends at local midnight, UTC+8', () => {
    const b = periodBounds({ kind: 'month', day: '2026-03-17' }, SH);
    expect(b).toMatchObject({ first: '2026-03-01', last: '2026-03-31' });
    expect(b.from).toBe(iso('2026-02-28T16:00:00Z'));
    expect(b.to).toBe(iso('2026-03-31T16:00:00Z'));
  });

  it('Berlin: March starts in winter time and ends in summer time; the DST day has 23 hours, October 25 has 25', () => {
    const m = periodBounds({ kind: 'month', day: '2026-03-01' }, BER);
    expect(m.from).toBe(iso('2026-02-28T23:00:00Z'));
    expect(m.to).toBe(iso('2026-03-31T22:00:00Z'));
    const spring = periodBounds({ kind: 'day', day: '2026-03-29' }, BER);
    expect(spring.to - spring.from).toBe(23 * 3_600_000);
    const autumn = periodBounds({ kind: 'day', day: '2026-10-25' }, BER);
    expect(autumn.to - autumn.from).toBe(25 * 3_600_000);
  });

  it('weeks start on Monday; quarters and years are calendar ones; ranges include their last day', () => {
    expect(periodBounds({ kind: 'week', day: '2026-03-04' }, SH)).toMatchObject({
      first: '2026-03-02',
      last: '2026-03-08',
    });
    expect(periodBounds({ kind: 'week', day: '2026-03-08' }, SH).first).toBe('2026-03-02');
    expect(periodBounds({ kind: 'quarter', day: '2026-05-10' }, SH)).toMatchObject({
      first: '2026-04-01',
      last: '2026-06-30',
    });
    expect(periodBounds({ kind: 'year', day: '2024-07-01' }, SH)).toMatchObject({
      first: '2024-01-01',
      last: '2024-12-31',
    });
    const r = periodBounds({ kind: 'range', day: '2026-03-10', until: '2026-03-12' }, SH);
    expect(r.to - r.from).toBe(3 * 86_400_000);
  });

  it('the previous period: yesterday, last week, last month across the year, the same number of days before', () => {
    expect(previousPeriod({ kind: 'day', day: '2026-03-01' })).toEqual({ kind: 'day', day: '2026-02-28' });
    expect(previousPeriod({ kind: 'week', day: '2026-03-04' })).toEqual({ kind: 'week', day: '2026-02-25' });
    expect(previousPeriod({ kind: 'month', day: '2026-01-31' })).toEqual({
      kind: 'month',
      day: '2025-12-01',
    });
    expect(previousPeriod({ kind: 'quarter', day: '2026-02-15' })).toEqual({
      kind: 'quarter',
      day: '2025-11-01',
    });
    expect(previousPeriod({ kind: 'range', day: '2026-03-10', until: '2026-03-12' })).toEqual({
      kind: 'range',
      day: '2026-03-07',
      until: '2026-03-09',
    });
  });

  it('refuses days that do not exist, ranges backwards and ranges over a year', () => {
    expect(ReportPeriod.safeParse({ kind: 'day', day: '2026-02-30' }).success).toBe(false);
    expect(ReportPeriod.safeParse({ kind: 'range', day: '2026-03-10', until: '2026-03-09' }).success).toBe(
      false,
    );
    expect(ReportPeriod.safeParse({ kind: 'range', day: '2025-01-01', until: '2026-01-03' }).success).toBe(
      false,
    );
    expect(ReportPeriod.safeParse({ kind: 'range', day: '2025-01-01', until: '2026-01-01' }).success).toBe(
      true,
    );
    expect(ReportPeriod.safeParse({ kind: 'range', day: '2025-01-01' }).success).toBe(false);
  });

  it('local midnight in Berlin the day DST starts is still 00:00 local (23:00 UTC the day before)', () => {
    expect(startOfLocalDay('2026-03-29', BER)).toBe(iso('2026-03-28T23:00:00Z'));
    expect(startOfLocalDay('2026-03-30', BER)).toBe(iso('2026-03-29T22:00:00Z'));
  });
});

describe('alarm figures', () => {
  it('the heat map puts alarms on their local weekday and hour: across midnight, China and a DST zone', () => {
    const sh = new LocalClock(SH);
    const grid = heatMap(
      [
        // 23:30 Monday in Shanghai, then 00:10 Tuesday: the same UTC day, two local days.
        alarm({ id: 'a', receivedAt: iso('2026-03-02T15:30:00Z') }),
        alarm({ id: 'b', receivedAt: iso('2026-03-02T16:10:00Z') }),
      ],
      sh,
    );
    expect(grid[0]![23]).toBe(1);
    expect(grid[1]![0]).toBe(1);
    expect(grid.flat().reduce((s, n) => s + n, 0)).toBe(2);
    // 01:30 UTC on 29 March 2026 is 03:30 summer time in Berlin (02:00 does not exist that night): a Sunday.
    const ber = heatMap([alarm({ id: 'c', receivedAt: iso('2026-03-29T01:30:00Z') })], new LocalClock(BER));
    expect(ber[6]![3]).toBe(1);
    // The hour before, 00:30 UTC, is 01:30 winter time.
    expect(new LocalClock(BER).hourAndWeekday(iso('2026-03-29T00:30:00Z'))).toEqual({ hour: 1, weekday: 6 });
  });

  it('drills never count: neither drill alarms nor alarms of drill incidents', () => {
    const list = [alarm({ id: 'a' }), alarm({ id: 'b', drill: true }), alarm({ id: 'c' })];
    expect(counted(list).map((a) => a.id)).toEqual(['a', 'c']);
    expect(tallyBy(counted(list), (a) => a.type)).toEqual([{ key: 'intrusion', value: 2 }]);
  });

  it('worst offenders: ranked by false and nuisance alarms, test dispositions and open alarms left out', () => {
    const list = [
      alarm({ id: '1', deviceId: 'pir-1', disposition: 'false_alarm' }),
      alarm({ id: '2', deviceId: 'pir-1', disposition: 'nuisance' }),
      alarm({ id: '3', deviceId: 'pir-1', disposition: 'real' }),
      alarm({ id: '4', deviceId: 'pir-1', disposition: 'test' }),
      alarm({ id: '5', deviceId: 'door-2', disposition: 'false_alarm' }),
      alarm({ id: '6', deviceId: 'door-2', disposition: null }),
      alarm({ id: '7', deviceId: 'smoke-3', disposition: 'real' }),
    ];
    expect(offenders(list, 'deviceId')).toEqual([
      { key: 'pir-1', total: 3, real: 1, falseOrNuisance: 2, falseRate: 2 / 3 },
      { key: 'door-2', total: 1, real: 0, falseOrNuisance: 1, falseRate: 1 },
    ]);
  });
});

describe('response figures', () => {
  it('nearest-rank median and p90', () => {
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(20);
    expect(percentile([10, 20, 30, 40], 0.9)).toBe(40);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('times per stage from receipt: acknowledge, dispatch, on scene, resolve', () => {
    const t0 = iso('2026-03-02T02:00:00Z');
    const list = [
      alarm({
        id: 'a',
        receivedAt: t0,
        ackMs: 10_000,
        dispatchedAt: t0 + 60_000,
        onSceneAt: t0 + 300_000,
        resolveMs: 900_000,
      }),
      alarm({ id: 'b', receivedAt: t0, ackMs: 30_000, resolveMs: 600_000 }),
      alarm({ id: 'c', receivedAt: t0, ackMs: 50_000 }),
    ];
    expect(stageTimes(list)).toEqual([
      { stage: 'acknowledge', count: 3, p50Ms: 30_000, p90Ms: 50_000 },
      { stage: 'dispatch', count: 1, p50Ms: 60_000, p90Ms: 60_000 },
      { stage: 'onScene', count: 1, p50Ms: 300_000, p90Ms: 300_000 },
      { stage: 'resolve', count: 2, p50Ms: 600_000, p90Ms: 900_000 },
    ]);
  });

  it('share within target per priority, and 突发事件处置及时率 over real incidents (a reopened one by its final resolution)', () => {
    // P1 targets: acknowledge 30 s, resolve 15 min. P2: 60 s, 30 min.
    const list = [
      alarm({ id: '1', priority: 1, ackMs: 20_000, resolveMs: 10 * 60_000, disposition: 'real' }),
      // Reopened: first resolved in 5 min, finally after 40 min — late for P1.
      alarm({
        id: '2',
        priority: 1,
        ackMs: 25_000,
        resolveMs: 40 * 60_000,
        disposition: 'real',
        reopened: true,
      }),
      alarm({ id: '3', priority: 2, ackMs: 90_000, resolveMs: 10 * 60_000, disposition: 'real' }),
      alarm({ id: '4', priority: 2, ackMs: 5_000, resolveMs: 60_000, disposition: 'false_alarm' }),
      alarm({ id: '5', priority: 2 }),
    ];
    expect(withinTarget(list, DEFAULT_TARGETS)).toEqual([
      { priority: 1, alarms: 2, acknowledgedWithin: 2, resolvedWithin: 1, ackShare: 1, resolveShare: 0.5 },
      {
        priority: 2,
        alarms: 3,
        acknowledgedWithin: 1,
        resolvedWithin: 2,
        ackShare: 1 / 3,
        resolveShare: 2 / 3,
      },
    ]);
    expect(incidentTimeliness(list, DEFAULT_TARGETS)).toEqual({ real: 3, timely: 1, rate: 1 / 3 });
  });
});

describe('patrol figures', () => {
  it('a round with a checkpoint not reached is missed, all reached with one late is late, early counts as on time', () => {
    expect(roundOutcome(round({ routeId: 'r', onTime: 2, missed: 1 }))).toBe('missed');
    expect(roundOutcome(round({ routeId: 'r', onTime: 2, late: 1 }))).toBe('late');
    expect(roundOutcome(round({ routeId: 'r', onTime: 2, early: 1 }))).toBe('onTime');
  });

  it('per route, band and guard; skipped rounds left out; the checkpoints most often missed', () => {
    const list = [
      round({ routeId: 'r1', band: 'night', guardId: 'g1', missed: 1, onTime: 2, missedCheckpoints: ['c3'] }),
      round({ routeId: 'r1', band: 'night', guardId: 'g1', late: 1, onTime: 2 }),
      round({ routeId: 'r1', band: 'day', guardId: 'g2' }),
      round({
        routeId: 'r2',
        band: 'day',
        guardId: null,
        missed: 3,
        onTime: 0,
        missedCheckpoints: ['c1', 'c2', 'c3'],
      }),
      round({ routeId: 'r2', band: 'day', skipped: true, missed: 3, missedCheckpoints: ['c1'] }),
    ];
    expect(roundsBy(list, (r) => r.routeId)).toEqual([
      { key: 'r1', onTime: 1, late: 1, missed: 1, total: 3, onTimeRate: 1 / 3 },
      { key: 'r2', onTime: 0, late: 0, missed: 1, total: 1, onTimeRate: 0 },
    ]);
    expect(roundsBy(list, (r) => r.band).map((t) => [t.key, t.total])).toEqual([
      ['day', 2],
      ['night', 2],
    ]);
    expect(roundsBy(list, (r) => r.guardId).map((t) => t.key)).toEqual(['', 'g1', 'g2']);
    expect(checkpointsMissed(list)).toEqual([
      { key: 'c3', value: 2 },
      { key: 'c1', value: 1 },
      { key: 'c2', value: 1 },
    ]);
  });
});

describe('drills, facilities and vehicles', () => {
  it('drills done against scheduled (cancelled left out), steps against their targets', () => {
    const base = { title: 't', scheduledAt: 0, startedAt: 0, finishedAt: 1, correctiveActions: 0 };
    expect(
      drillSummary([
        { ...base, id: '1', state: 'finished', stepsTimed: 4, stepsLate: 1, correctiveActions: 2 },
        { ...base, id: '2', state: 'finished', stepsTimed: 2, stepsLate: 0 },
        { ...base, id: '3', state: 'scheduled', stepsTimed: 0, stepsLate: 0 },
        { ...base, id: '4', state: 'cancelled', stepsTimed: 0, stepsLate: 0 },
      ]),
    ).toEqual({
      scheduled: 3,
      done: 2,
      cancelled: 1,
      stepsTimed: 6,
      stepsLate: 1,
      onTargetRate: 5 / 6,
      correctiveActions: 2,
    });
  });

  it('隐患排查整改率: rectified by the deadline over found; overdue ones counted', () => {
    const now = 1000;
    expect(
      hazardSummary(
        [
          { id: '1', foundAt: 0, deadline: 100, rectifiedAt: 90, state: 'closed' },
          { id: '2', foundAt: 0, deadline: 100, rectifiedAt: 150, state: 'rectified' },
          { id: '3', foundAt: 0, deadline: null, rectifiedAt: 500, state: 'closed' },
          { id: '4', foundAt: 0, deadline: 200, rectifiedAt: null, state: 'open' },
          { id: '5', foundAt: 0, deadline: 2000, rectifiedAt: null, state: 'open' },
        ],
        now,
      ),
    ).toEqual({ found: 5, rectifiedOnTime: 2, rate: 0.4, overdue: 1 });
  });

  it('work orders: opened, closed, overdue (open past due or closed after it), time to close', () => {
    expect(
      orderSummary(
        [
          { id: '1', createdAt: 0, dueAt: 100, state: 'verified', closedAt: 50 },
          { id: '2', createdAt: 0, dueAt: 100, state: 'verified', closedAt: 150 },
          { id: '3', createdAt: 0, dueAt: 100, state: 'open', closedAt: null },
          { id: '4', createdAt: 0, dueAt: 5000, state: 'assigned', closedAt: null },
        ],
        1000,
      ),
    ).toEqual({ opened: 4, closed: 2, overdue: 2, closeP50Ms: 50, closeP90Ms: 150 });
    expect(
      visitorSummary([
        { id: 'a', enteredAt: 0, overstayed: true },
        { id: 'b', enteredAt: 0, overstayed: false },
      ]),
    ).toEqual({ visitors: 2, overstays: 1, rate: 0.5 });
  });
});

describe('charts and values', () => {
  it('the same option for screen and print, only the theme differs; compare adds the previous series', () => {
    const chart = {
      id: 'byType',
      kind: 'bar' as const,
      unit: 'count' as const,
      categories: [{ key: 'fire', label: { 'zh-CN': '火警', en: 'Fire' } }],
      series: [{ id: 'count', values: [3], previous: [1] }],
      drill: true,
    };
    const words = { series: (id: string) => id, previous: 'prev', weekdays: ['Mon'] };
    const dark = chartOption(chart, { theme: 'dark', locale: 'zh-CN', words });
    const print = chartOption(chart, { theme: 'print', locale: 'zh-CN', words });
    expect((dark.series as unknown[]).length).toBe(2);
    expect(dark.xAxis).toMatchObject({ data: ['火警'] });
    expect({
      ...dark,
      backgroundColor: 0,
      textStyle: 0,
      color: 0,
      xAxis: 0,
      yAxis: 0,
      legend: 0,
      series: 0,
    }).toEqual({
      ...print,
      backgroundColor: 0,
      textStyle: 0,
      color: 0,
      xAxis: 0,
      yAxis: 0,
      legend: 0,
      series: 0,
    });
    expect(dark.backgroundColor).not.toBe(print.backgroundColor);
  });

  it('values as the screen and the PDF print them', () => {
    expect(formatValue(0.8537, 'percent', 'zh-CN')).toBe('85.4%');
    expect(formatValue(42_000, 'ms', 'zh-CN')).toBe('42秒');
    expect(formatValue(42_000, 'ms', 'en')).toBe('42 s');
    expect(formatValue(30 * 60_000, 'ms', 'en')).toBe('30.0 min');
    expect(formatValue(null, 'count', 'en')).toBe('—');
    expect(formatValue(12, 'count', 'en')).toBe('12');
  });
});
