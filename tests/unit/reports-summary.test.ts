import fc from 'fast-check';
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSummaryFacts } from '../../electron/core/reports/facts';
import { reportDaysMigration } from '../../electron/core/reports/migration';
import { DaySummaries } from '../../electron/core/reports/summaries';
import { DEFAULT_TARGETS, type ResponseTargets } from '../../shared/domain/alarm-lifecycle';
import {
  counted,
  heatMap,
  incidentTimeliness,
  offenders,
  orderSummary,
  roundsBy,
  stageMs,
  stageTimes,
  tallyBy,
  withinTarget,
  type AlarmFact,
  type OrderFact,
  type RoundFact,
  type VisitorFact,
} from '../../shared/domain/report-figures';
import { LocalClock, localDay, startOfLocalDay } from '../../shared/domain/report-period';
import {
  mergeSummaries,
  summarize,
  summaryOffenders,
  summaryOrders,
  summaryRounds,
  summaryStageTimes,
  summaryTimeliness,
  summaryWithinTarget,
  talliesOf,
  wholeSeconds,
  type PeriodSummary,
} from '../../shared/domain/report-summary';
import { openMigratedTo } from '../support/schema';

const iso = (s: string) => Date.parse(s);
const H = 3_600_000;

/** A fact's durations in the summaries' resolution (whole seconds rounded up), to compare with the row figures. */
function toSeconds(a: AlarmFact): AlarmFact {
  const sec = (ms: number | null) => (ms === null ? null : wholeSeconds(ms) * 1000);
  const res = stageMs(a, 'resolve');
  return {
    ...a,
    ackMs: sec(a.ackMs),
    dispatchedAt: a.dispatchedAt === null ? null : a.receivedAt + sec(stageMs(a, 'dispatch'))!,
    onSceneAt: a.onSceneAt === null ? null : a.receivedAt + sec(stageMs(a, 'onScene'))!,
    resolveMs: sec(res),
    resolvedAt: null,
  };
}

/** Everything the report shows from a summary, beside what the row figures give for the same rows. */
function figures(s: PeriodSummary, targets: ResponseTargets, now: number) {
  return {
    n: s.alarms.n,
    byType: talliesOf(s.alarms.byType),
    byZone: talliesOf(s.alarms.byZone),
    heat: s.alarms.heat,
    devices: summaryOffenders(s.alarms.devices),
    zones: summaryOffenders(s.alarms.zones),
    stages: summaryStageTimes(s.alarms),
    within: summaryWithinTarget(s.alarms, targets),
    timely: summaryTimeliness(s.alarms, targets),
    routes: summaryRounds(s.rounds.byRoute),
    guards: summaryRounds(s.rounds.byGuard),
    orders: summaryOrders(s.orders, now),
    gates: s.gateReads,
  };
}

const ZONES_TZ = ['Asia/Shanghai', 'Europe/Berlin'] as const;
/** Four days either side of Berlin's spring change (2026-03-29) and across Shanghai's midnights. */
const START = iso('2026-03-26T00:00:00Z');
const SPAN = 6 * 24 * H;

const duration = fc.option(fc.integer({ min: 0, max: 3 * H }), { nil: null });
const alarmArb = fc.record({
  id: fc.uuid(),
  type: fc.constantFrom('intrusion', 'fire', 'door_held'),
  priority: fc.integer({ min: 1, max: 5 }),
  zone: fc.option(fc.constantFrom('perimeter', 'bldg-01', 'gate-south'), { nil: null }),
  deviceId: fc.option(fc.constantFrom('cam-01', 'cam-02', 'pir-07'), { nil: null }),
  // Times on either side of a midnight are common: a quarter of them within a second of one.
  receivedAt: fc.oneof(
    fc.integer({ min: START, max: START + SPAN }),
    fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: -1000, max: 1000 })).map(([d, ms]) => {
      const day = localDay(START + d * 24 * H + 12 * H, 'Asia/Shanghai');
      return startOfLocalDay(day, 'Asia/Shanghai') + ms;
    }),
  ),
  ackMs: duration,
  dispatch: duration,
  onScene: duration,
  resolveMs: duration,
  disposition: fc.option(fc.constantFrom('real', 'false_alarm', 'nuisance', 'test'), { nil: null }),
  escalated: fc.boolean(),
  drill: fc.boolean(),
  reopened: fc.boolean(),
});
const roundArb = fc.record({
  routeId: fc.constantFrom('route-a', 'route-b'),
  roundStart: fc.integer({ min: START, max: START + SPAN }),
  band: fc.constantFrom('day' as const, 'night' as const),
  late: fc.integer({ min: 0, max: 2 }),
  missed: fc.integer({ min: 0, max: 2 }),
  skipped: fc.boolean(),
  guardId: fc.option(fc.constantFrom('guard-1', 'guard-2'), { nil: null }),
  missedCheckpoints: fc.subarray(['cp-1', 'cp-2', 'cp-3']),
});
const orderArb = fc.record({
  id: fc.uuid(),
  createdAt: fc.integer({ min: START, max: START + SPAN }),
  due: fc.integer({ min: 0, max: 72 * H }),
  closed: fc.option(fc.integer({ min: 0, max: 96 * H }), { nil: null }),
});
const targetsArb = fc.record({
  acknowledgeSec: fc.record({
    1: fc.integer({ min: 5, max: 600 }),
    2: fc.integer({ min: 5, max: 600 }),
    3: fc.integer({ min: 5, max: 600 }),
    4: fc.integer({ min: 5, max: 600 }),
    5: fc.integer({ min: 5, max: 600 }),
  }),
  resolveSec: fc.record({
    1: fc.integer({ min: 60, max: 10_000 }),
    2: fc.integer({ min: 60, max: 10_000 }),
    3: fc.integer({ min: 60, max: 10_000 }),
    4: fc.integer({ min: 60, max: 10_000 }),
    5: fc.integer({ min: 60, max: 10_000 }),
  }),
});

describe('day summaries add up to the figures of the rows', () => {
  it('for random rows across midnights and a DST change: the sum of the days equals the whole period, and both equal the row figures (durations in whole seconds)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES_TZ),
        fc.array(alarmArb, { maxLength: 60 }),
        fc.array(roundArb, { maxLength: 20 }),
        fc.array(orderArb, { maxLength: 15 }),
        fc.array(fc.tuple(fc.constantFrom('gate-1', 'gate-2'), fc.integer({ min: 1, max: 50 })), {
          maxLength: 6,
        }),
        targetsArb,
        (tz, rawAlarms, rawRounds, rawOrders, gates, targets) => {
          const clock = new LocalClock(tz);
          const alarms: AlarmFact[] = rawAlarms.map((a) => ({
            id: a.id,
            type: a.type,
            priority: a.priority,
            zone: a.zone,
            deviceId: a.deviceId,
            receivedAt: a.receivedAt,
            ackMs: a.ackMs,
            dispatchedAt: a.dispatch === null ? null : a.receivedAt + a.dispatch,
            onSceneAt: a.onScene === null ? null : a.receivedAt + a.onScene,
            resolvedAt: a.resolveMs === null ? null : a.receivedAt + a.resolveMs,
            // Half of them measured on the steady clock, half only by their wall times.
            resolveMs: a.resolveMs !== null && a.id < '8' ? a.resolveMs : null,
            disposition: a.disposition,
            escalated: a.escalated,
            drill: a.drill,
            reopened: a.reopened,
          }));
          const rounds: RoundFact[] = rawRounds.map((r) => ({
            ...r,
            checkpoints: 5,
            onTime: 5 - r.late - r.missed,
            early: 0,
          }));
          const now = START + SPAN / 2;
          const orders: OrderFact[] = rawOrders.map((o) => ({
            id: o.id,
            createdAt: o.createdAt,
            dueAt: o.createdAt + o.due,
            state: o.closed === null ? 'open' : 'verified',
            closedAt: o.closed === null ? null : o.createdAt + o.closed,
          }));
          const visitors: VisitorFact[] = [];
          const gateReads = gates.map(([gateId, reads]) => ({ gateId, reads }));
          const whole = summarize({ alarms, rounds, orders, visitors, gateReads }, clock);

          // Split by the local day of each row's time, as the core folds them (gate reads all on one day).
          const days = new Set<string>();
          for (const a of alarms) days.add(clock.day(a.receivedAt));
          for (const r of rounds) days.add(clock.day(r.roundStart));
          for (const o of orders) days.add(clock.day(o.createdAt));
          days.add('gates');
          const parts = [...days].map((d) =>
            summarize(
              {
                alarms: alarms.filter((a) => clock.day(a.receivedAt) === d),
                rounds: rounds.filter((r) => clock.day(r.roundStart) === d),
                orders: orders.filter((o) => clock.day(o.createdAt) === d),
                visitors,
                gateReads: d === 'gates' ? gateReads : [],
              },
              clock,
            ),
          );
          const merged = mergeSummaries(parts);
          expect(figures(merged, targets, now)).toEqual(figures(whole, targets, now));

          // The row figures, durations rounded up to the second: the summary's stated resolution.
          const c = counted(alarms).map(toSeconds);
          const byPriority = tallyBy(c, (a) => String(a.priority));
          expect(talliesOf(whole.alarms.byPriority)).toEqual(byPriority);
          expect(figures(whole, targets, now)).toEqual({
            n: c.length,
            byType: tallyBy(c, (a) => a.type),
            byZone: tallyBy(c, (a) => a.zone),
            heat: heatMap(c, clock).flat(),
            devices: offenders(c, 'deviceId'),
            zones: offenders(c, 'zone'),
            stages: stageTimes(c),
            within: withinTarget(c, targets),
            timely: incidentTimeliness(c, targets),
            routes: roundsBy(rounds, (r) => r.routeId),
            guards: roundsBy(rounds, (r) => r.guardId),
            orders: {
              ...orderSummary(orders, now),
              // Times to close in whole seconds; overdue is judged on the exact times.
              ...pick(
                orderSummary(
                  orders.map((o) => ({
                    ...o,
                    closedAt:
                      o.closedAt === null
                        ? null
                        : o.createdAt + wholeSeconds(o.closedAt - o.createdAt) * 1000,
                  })),
                  now,
                ),
              ),
            },
            gates: Object.fromEntries(
              [...new Set(gateReads.map((g) => g.gateId))].map((g) => [
                g,
                gateReads.filter((x) => x.gateId === g).reduce((s, x) => s + x.reads, 0),
              ]),
            ),
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a share within target is exact at the millisecond: 60,000 ms is within 60 s, 60,001 ms is not', () => {
    const clock = new LocalClock('Asia/Shanghai');
    const alarm = (id: string, ackMs: number): AlarmFact => ({
      id,
      type: 'intrusion',
      priority: 2,
      zone: null,
      deviceId: null,
      receivedAt: START,
      ackMs,
      dispatchedAt: null,
      onSceneAt: null,
      resolvedAt: null,
      resolveMs: null,
      disposition: null,
      escalated: false,
      drill: false,
      reopened: false,
    });
    const s = summarize(
      {
        alarms: [alarm('a', 60_000), alarm('b', 60_001)],
        rounds: [],
        orders: [],
        visitors: [],
        gateReads: [],
      },
      clock,
    );
    expect(summaryWithinTarget(s.alarms, DEFAULT_TARGETS)[0]).toMatchObject({
      alarms: 2,
      acknowledgedWithin: 1,
    });
    // Shown to the second, rounded up: the median of 60.000 s and 60.001 s is 60 s, the p90 61 s.
    expect(summaryStageTimes(s.alarms)[0]).toMatchObject({ p50Ms: 60_000, p90Ms: 61_000 });
  });
});

describe('kept day summaries in the database', () => {
  const tz = 'Asia/Shanghai';
  let db: Knex;
  let now = iso('2026-03-10T04:00:00Z'); // 12:00 on 10 March in Shanghai
  let seq = 0;
  const routes = new Map<string, readonly string[]>();
  const summaries = () =>
    new DaySummaries({ db, timeZone: tz, now: () => now, routeCheckpoints: () => routes });

  beforeEach(async () => {
    db = await openMigratedTo(reportDaysMigration);
    now = iso('2026-03-10T04:00:00Z');
  });
  afterEach(async () => {
    await db.destroy();
  });

  const insertAlarm = (id: string, receivedAt: number, o: { ackMs?: number; disposition?: string } = {}) =>
    db('alarms').insert({
      id,
      source: 'hub',
      source_id: id,
      type: 'intrusion',
      priority: 2,
      zone: 'perimeter',
      device_id: 'cam-09',
      raised_at: receivedAt,
      received_at: receivedAt,
      last_seen_at: receivedAt,
      state: 'new',
      ack_ms: o.ackMs ?? null,
      disposition: o.disposition ?? null,
      drill: 0,
      updated_at: receivedAt,
      seq: ++seq,
    });

  /** The summary of days first..last folded straight from the rows, nothing kept. */
  const fromRows = async (first: string, last: string) => {
    const from = startOfLocalDay(first, tz);
    const to = startOfLocalDay(
      new Date(Date.parse(`${last}T00:00:00Z`) + 24 * H).toISOString().slice(0, 10),
      tz,
    );
    return summarize(await readSummaryFacts(db, { from, to }, routes), new LocalClock(tz));
  };

  it('the seam at midnight: 23:59:59.999 belongs to the day it ends, 00:00:00.000 to the next, kept or live', async () => {
    const midnight = startOfLocalDay('2026-03-09', tz); // 9 March 00:00 in Shanghai
    await insertAlarm('last', midnight - 1);
    await insertAlarm('first', midnight);
    await insertAlarm('today', startOfLocalDay('2026-03-10', tz));
    const s = summaries();
    const eighth = await s.period('2026-03-08', '2026-03-08');
    const ninth = await s.period('2026-03-09', '2026-03-09');
    expect(eighth.alarms.n).toBe(1);
    expect(eighth.alarms.heat[localWeekday('2026-03-08') * 24 + 23]).toBe(1);
    expect(ninth.alarms.n).toBe(1);
    expect(ninth.alarms.heat[localWeekday('2026-03-09') * 24]).toBe(1);
    // The past days are kept; today (10 March) is folded live each time and never kept.
    const kept = (await db('report_days').orderBy('day').pluck('day')) as string[];
    expect(kept).toEqual(['2026-03-08', '2026-03-09']);
    const withToday = await s.period('2026-03-08', '2026-03-10');
    expect(withToday.alarms.n).toBe(3);
    expect(await db('report_days').where({ day: '2026-03-10' }).first()).toBeUndefined();
    expect(withToday).toEqual(await fromRows('2026-03-08', '2026-03-10'));
  });

  it('a row of a past day written or changed later marks that day; the next read folds it again', async () => {
    await insertAlarm('a', iso('2026-03-05T02:00:00Z'));
    const s = summaries();
    expect((await s.period('2026-03-01', '2026-03-09')).alarms.n).toBe(1);
    expect(await db('report_dirty').count({ n: '*' }).first()).toEqual({ n: 0 });
    // Resolved days later as a real alarm, and one more alarm of that day arrives late (a hub's backlog).
    await db('alarms').where({ id: 'a' }).update({ disposition: 'real', ack_ms: 20_000, resolve_ms: 60_000 });
    await insertAlarm('late', iso('2026-03-05T03:00:00Z'));
    // A repeat of the same signal (count, last seen) does not mark anything.
    await db('report_dirty').delete();
    await db('alarms')
      .where({ id: 'a' })
      .update({ count: 2, last_seen_at: iso('2026-03-05T02:01:00Z') });
    expect(await db('report_dirty').count({ n: '*' }).first()).toEqual({ n: 0 });
    await db('alarms').where({ id: 'late' }).update({ disposition: 'false_alarm' });
    const again = await s.period('2026-03-01', '2026-03-09');
    expect(again.alarms).toMatchObject({ n: 2, real: 1, judged: 2, falseN: 1 });
    expect(again).toEqual(await fromRows('2026-03-01', '2026-03-09'));
  });

  it('the backfill keeps a summary for each past day with rows, equal to folding that day from its rows, and a year read over them (empty months kept empty) equals the rows', async () => {
    for (let i = 0; i < 40; i++)
      await insertAlarm(`b${i}`, iso('2026-02-20T00:00:00Z') + i * 11 * H + (i % 7) * 61_000, {
        ackMs: 1_000 * i + 1,
        disposition: i % 3 ? 'false_alarm' : 'real',
      });
    await db('patrol_rounds').insert({
      route_id: 'route-a',
      round_start: iso('2026-02-25T01:00:00Z'),
      window_end: iso('2026-02-25T01:30:00Z'),
      band: 'day',
      on_time: 4,
      early: 0,
      late: 1,
      missed: 0,
      checkpoints: 5,
      closed_at: iso('2026-02-25T01:30:00Z'),
    });
    const { days } = await summaries().backfill();
    // The rows' own marks (written before their days were folded) went with the fold: nothing is folded twice.
    // Only today's are left (today is never kept).
    const marks = (await db('report_dirty').pluck('slot')) as number[];
    expect(new Set(marks.map((m) => localDay(m * 900_000, tz)))).toEqual(new Set(['2026-03-10']));
    const first = localDay(iso('2026-02-20T00:00:00Z'), tz);
    expect(days).toBe(18); // 20 February .. 9 March
    const rows = (await db('report_days').orderBy('day').select('day', 'data')) as Array<{
      day: string;
      data: string;
    }>;
    expect(rows[0]!.day).toBe(first);
    expect(rows.at(-1)!.day).toBe('2026-03-09');
    for (const r of rows) expect(JSON.parse(r.data)).toEqual(await fromRows(r.day, r.day));
    // A second start finds nothing to do; a year's report over them equals the rows.
    expect((await summaries().backfill()).days).toBe(0);
    const year = await summaries().period('2025-03-10', '2026-03-09');
    expect(year).toEqual(await fromRows('2025-03-10', '2026-03-09'));
    expect(year.rounds.byRoute).toEqual({ 'route-a': [0, 1, 0] });
  });

  it('in a DST zone the short spring day is one day: Berlin, 29 March 2026 (23 hours)', async () => {
    const berlin = new DaySummaries({
      db,
      timeZone: 'Europe/Berlin',
      now: () => iso('2026-04-02T10:00:00Z'),
      routeCheckpoints: () => routes,
    });
    await insertAlarm('before', iso('2026-03-28T22:59:59.999Z')); // 23:59:59.999 CET on the 28th
    await insertAlarm('start', iso('2026-03-28T23:00:00Z')); // 00:00 CET on the 29th
    await insertAlarm('after-change', iso('2026-03-29T01:00:00Z')); // 03:00 CEST
    await insertAlarm('end', iso('2026-03-29T21:59:59.999Z')); // 23:59:59.999 CEST
    await insertAlarm('next', iso('2026-03-29T22:00:00Z')); // 00:00 CEST on the 30th
    const s = await berlin.period('2026-03-29', '2026-03-29');
    expect(s.alarms.n).toBe(3);
    expect((await berlin.period('2026-03-28', '2026-03-30')).alarms.n).toBe(5);
  });
});

const pick = (o: { closeP50Ms: number | null; closeP90Ms: number | null }) => ({
  closeP50Ms: o.closeP50Ms,
  closeP90Ms: o.closeP90Ms,
});

/** 0 = Monday, as the heat map's rows. */
function localWeekday(day: string): number {
  const n = Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
  return (n + 3) % 7;
}
