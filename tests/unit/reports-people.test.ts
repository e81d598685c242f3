import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoSitePath, loadSite } from '../../electron/common/site-file';
import { buildFromFigures, type BuildContext } from '../../electron/core/reports/build';
import { rowsBehind } from '../../electron/core/reports/rows-behind';
import { readFacts, readPeopleFacts } from '../../electron/core/reports/facts';
import { ReportLabels } from '../../electron/core/reports/labels';
import { peopleMigration } from '../../electron/core/reports/migration';
import { DaySummaries } from '../../electron/core/reports/summaries';
import type { ReportSection } from '../../shared/contract';
import { DEFAULT_TARGETS } from '../../shared/domain/alarm-lifecycle';
import { mergeHistograms } from '../../shared/domain/histogram';
import type { AlarmFact } from '../../shared/domain/report-figures';
import { LocalClock, periodBounds } from '../../shared/domain/report-period';
import {
  foldPeople,
  guardFigures,
  operatorFigures,
  type AssignmentFact,
} from '../../shared/domain/report-people';
import { emptySummary, mergeSummaries, summarize } from '../../shared/domain/report-summary';
import { openMigratedTo } from '../support/schema';

const { site } = loadSite(demoSitePath());
const iso = (s: string) => Date.parse(s);
const T = iso('2026-03-02T02:00:00Z');

function alarm(id: string, o: Partial<AlarmFact>): AlarmFact {
  return {
    id,
    type: 'intrusion',
    priority: 2,
    zone: 'perimeter',
    deviceId: 'cam-09',
    receivedAt: T,
    ackMs: null,
    dispatchedAt: null,
    onSceneAt: null,
    resolvedAt: null,
    resolveMs: null,
    disposition: null,
    escalated: false,
    drill: false,
    reopened: false,
    ackBy: null,
    resolvedBy: null,
    ...o,
  };
}

/**
 * A hand-computed set (P2: acknowledge within 60 s, resolve within 30 min):
 * - a1: 张敏 acknowledged in 20 s and resolved in 10 min; guard-01 sent, there in 240 s.
 * - a2: 张敏 acknowledged in 90 s (escalated), 王磊 resolved it in 2,000 s; guard-02 sent (never got there),
 *   guard-01 sent too, there in 120 s.
 * - a3: a drill, 王磊 acknowledged it in 30 s; guard-01 sent, there in 1 s — none of it counts.
 * - a4: 王磊 acknowledged in 10.5 s (11 whole seconds), still open.
 */
const ALARMS = [
  alarm('a1', { ackBy: '张敏', ackMs: 20_000, resolvedBy: '张敏', resolveMs: 600_000 }),
  alarm('a2', { ackBy: '张敏', ackMs: 90_000, escalated: true, resolvedBy: '王磊', resolveMs: 2_000_000 }),
  alarm('a3', { ackBy: '王磊', ackMs: 30_000, drill: true, resolvedBy: '王磊', resolveMs: 60_000 }),
  alarm('a4', { ackBy: '王磊', ackMs: 10_500 }),
];
const ASSIGNMENTS: AssignmentFact[] = [
  { alarmId: 'a1', guardId: 'guard-01', dispatchedAt: T + 60_000, arrivedAt: T + 300_000 },
  { alarmId: 'a2', guardId: 'guard-02', dispatchedAt: T + 100_000, arrivedAt: null },
  { alarmId: 'a2', guardId: 'guard-01', dispatchedAt: T + 200_000, arrivedAt: T + 320_000 },
  { alarmId: 'a3', guardId: 'guard-01', dispatchedAt: T, arrivedAt: T + 1000 },
];
const VISITS = [
  { guardId: 'guard-01', visits: 5 },
  { guardId: 'guard-02', visits: 3 },
];
const SITE_GUARDS = ['guard-01', 'guard-02', 'guard-03'];

describe('people figures (绩效) against a hand-computed set', () => {
  const people = foldPeople({ alarms: ALARMS, assignments: ASSIGNMENTS, guardVisits: VISITS });

  it('per operator: alarms handled, acknowledge and resolve times against target, escalations, handovers', () => {
    const ops = operatorFigures(people, DEFAULT_TARGETS, [
      { at: T, outgoing: ['张敏'], incoming: ['王磊'] },
      { at: T + 1, outgoing: ['王磊'], incoming: ['李明'] },
    ]);
    expect(ops).toEqual([
      {
        key: '张敏',
        handled: 2,
        ackP50Ms: 20_000,
        ackP90Ms: 90_000,
        ackWithinRate: 0.5,
        resolved: 1,
        resolveP50Ms: 600_000,
        resolveP90Ms: 600_000,
        resolveWithinRate: 1,
        escalated: 1,
        handedOver: 1,
        tookOver: 0,
      },
      {
        key: '王磊',
        // a4 only: the drill a3 is not handled work.
        handled: 1,
        ackP50Ms: 11_000,
        ackP90Ms: 11_000,
        ackWithinRate: 1,
        resolved: 1,
        resolveP50Ms: 2_000_000,
        resolveP90Ms: 2_000_000,
        resolveWithinRate: 0,
        escalated: 0,
        handedOver: 1,
        tookOver: 1,
      },
      // Signed a handover and nothing else: listed, with no times.
      {
        key: '李明',
        handled: 0,
        ackP50Ms: null,
        ackP90Ms: null,
        ackWithinRate: null,
        resolved: 0,
        resolveP50Ms: null,
        resolveP90Ms: null,
        resolveWithinRate: null,
        escalated: 0,
        handedOver: 0,
        tookOver: 1,
      },
    ]);
  });

  it('per guard: rounds, checkpoints, dispatches and time to on scene; a guard with no rounds is listed with zeros', () => {
    const guards = guardFigures(people, { 'guard-01': [2, 1, 0], '': [0, 0, 4] }, SITE_GUARDS, (g) =>
      g === 'guard-01' ? true : g === 'guard-02' ? false : null,
    );
    expect(guards).toEqual([
      {
        key: 'guard-01',
        rounds: 3,
        onTime: 2,
        late: 1,
        missed: 0,
        onTimeRate: 2 / 3,
        visits: 5,
        // a1 and a2; the drill's assignment is left out.
        dispatched: 2,
        arrived: 2,
        onSceneP50Ms: 120_000,
        onSceneP90Ms: 240_000,
        trainingCurrent: true,
      },
      {
        key: 'guard-02',
        rounds: 0,
        onTime: 0,
        late: 0,
        missed: 0,
        onTimeRate: null,
        visits: 3,
        dispatched: 1,
        arrived: 0,
        onSceneP50Ms: null,
        onSceneP90Ms: null,
        trainingCurrent: false,
      },
      {
        key: 'guard-03',
        rounds: 0,
        onTime: 0,
        late: 0,
        missed: 0,
        onTimeRate: null,
        visits: 0,
        dispatched: 0,
        arrived: 0,
        onSceneP50Ms: null,
        onSceneP90Ms: null,
        trainingCurrent: null,
      },
    ]);
  });

  it('days add up: the people part of two halves merged is the fold of the whole', () => {
    const clock = new LocalClock(site.timeZone);
    const facts = (alarms: AlarmFact[], assignments: AssignmentFact[]) => ({
      ...emptyFacts(),
      alarms,
      assignments,
    });
    const whole = summarize(facts(ALARMS, ASSIGNMENTS), clock).people;
    const halves = mergeSummaries([
      summarize(facts(ALARMS.slice(0, 2), ASSIGNMENTS.slice(0, 3)), clock),
      summarize(facts(ALARMS.slice(2), ASSIGNMENTS.slice(3)), clock),
    ]).people;
    expect(halves).toEqual(whole);
    expect(mergeHistograms([1, 2, 5, 1], [1, 1, 3, 4, 9, 1])).toEqual([1, 3, 3, 4, 5, 1, 9, 1]);
  });

  it('the people section: the table rows, the compare column and the rows behind an operator', () => {
    const clock = new LocalClock(site.timeZone);
    const summary = summarize({ ...emptyFacts(), alarms: ALARMS, assignments: ASSIGNMENTS }, clock);
    const c: BuildContext = {
      labels: new ReportLabels(site),
      targets: DEFAULT_TARGETS,
      clock,
      now: T + 86_400_000,
    };
    const figures = {
      summary,
      drills: [],
      hazards: [],
      handovers: [{ at: T, outgoing: ['张敏'], incoming: ['王磊'] }],
      training: new Map([['guard-01', true]]),
      parking: [],
    };
    const sections = buildFromFigures(figures, { ...figures, summary: emptySummary() }, c);
    const people = sections.find((s) => s.id === 'people')!;
    const kpis = Object.fromEntries(people.kpis.map((k) => [k.id, [k.value, k.previous]]));
    // One of the five demo guards holds a valid certificate (and did at the end of the period before).
    expect(kpis.guardsTrained).toEqual([0.2, 0.2]);
    expect(kpis.guardOnSceneP50).toEqual([120_000, null]);
    // 张敏 1 of 2 in time, 王磊 1 of 1.
    expect(kpis.operatorAckWithin).toEqual([2 / 3, null]);
    expect(kpis.handovers).toEqual([1, 1]);
    const guards = table(people, 'guardRounds');
    expect(guards.columns.map((col) => col.id)).toContain('previousOnTimeRate');
    expect(guards.rows.map((r) => r.key)).toEqual([
      'guard-01',
      'guard-02',
      'guard-03',
      'guard-04',
      'guard-05',
    ]);
    expect(guards.rows[2]!.values.at(-1)).toBe(0);
    expect(guards.rows[0]!.label['zh-CN']).not.toBe('guard-01');
    const ops = table(people, 'operatorAck');
    expect(ops.rows.map((r) => [r.key, r.values[0]])).toEqual([
      ['张敏', 2],
      ['王磊', 1],
    ]);
    const rows = rowsBehind(
      { from: T, to: T + 1, ...emptyFacts(), alarms: ALARMS, drills: [], hazards: [], parking: [] },
      'operatorAck',
      '王磊',
      undefined,
      c,
    );
    expect(rows.map((r) => r.id)).toEqual(['a4']);
  });
});

const emptyFacts = () => ({
  alarms: [] as AlarmFact[],
  rounds: [],
  orders: [],
  visitors: [],
  gateReads: [],
  assignments: [] as AssignmentFact[],
  guardVisits: [] as Array<{ guardId: string; visits: number }>,
});

const table = (s: ReportSection, id: string) => s.tables.find((t) => t.id === id)!;

describe('people figures read from the database and kept in day summaries', () => {
  let db: Knex;
  let seq = 0;
  beforeEach(async () => {
    db = await openMigratedTo(peopleMigration);
  });
  afterEach(async () => {
    await db.destroy();
  });

  async function insertAlarm(id: string, receivedAt: number, o: { drill?: boolean; by?: string } = {}) {
    seq++;
    await db('alarms').insert({
      id,
      source: 'hub',
      source_id: id,
      type: 'intrusion',
      priority: 2,
      raised_at: receivedAt,
      received_at: receivedAt,
      last_seen_at: receivedAt,
      state: 'acknowledged',
      acknowledged_at: receivedAt + 900_000,
      acknowledged_by: o.by ?? '张敏',
      ack_ms: 900_000,
      drill: o.drill ? 1 : 0,
      updated_at: receivedAt,
      seq,
    });
  }

  it('an alarm crossing midnight counts on the day it came in, with its guard arriving after midnight; drills never', async () => {
    // 23:50 in Shanghai on 2 March; acknowledged at 00:05, guard sent at 00:10, there at 00:20 on the 3rd.
    const at = iso('2026-03-02T15:50:00Z');
    await insertAlarm('late', at);
    await insertAlarm('drill', at, { drill: true, by: '王磊' });
    await db('guard_assignments').insert([
      { alarm_id: 'late', guard_id: 'guard-01', dispatched_at: at + 1_200_000, dispatched_by: '张敏' },
      {
        alarm_id: 'drill',
        guard_id: 'guard-02',
        dispatched_at: at,
        dispatched_by: '王磊',
        arrived_at: at + 60_000,
      },
    ]);
    await db('patrol_visits').insert({
      route_id: 'route-perimeter',
      checkpoint_id: 'cp-101',
      round_start: at - 3_600_000,
      at: at - 3_000_000,
      guard_id: 'guard-03',
      method: 'scan',
      timing: 'on_time',
    });
    const day = periodBounds({ kind: 'day', day: '2026-03-02' }, site.timeZone);
    const facts = await readFacts(db, day, new Map());
    expect(facts.alarms.find((a) => a.id === 'late')).toMatchObject({ ackBy: '张敏', ackMs: 900_000 });
    expect(facts.assignments).toHaveLength(2);
    expect(facts.guardVisits).toEqual([{ guardId: 'guard-03', visits: 1 }]);

    const summaries = new DaySummaries({
      db,
      timeZone: site.timeZone,
      now: () => iso('2026-03-05T04:00:00Z'),
      routeCheckpoints: () => new Map(),
    });
    const first = await summaries.period('2026-03-02', '2026-03-03');
    expect(first.people.guards['guard-01']).toEqual({ visits: 0, dispatched: 1, onScene: [] });
    expect(first.people.guards['guard-02']).toBeUndefined();
    expect(first.people.guards['guard-03']).toEqual({ visits: 1, dispatched: 0, onScene: [] });
    expect(Object.keys(first.people.operators)).toEqual(['张敏']);
    expect((await summaries.period('2026-03-03', '2026-03-03')).people).toEqual({
      guards: {},
      operators: {},
    });

    // He gets there at 00:20 on the 3rd: the 2nd's stored summary is folded again with his arrival (10 minutes).
    await db('guard_assignments')
      .where({ alarm_id: 'late' })
      .update({ arrived_at: at + 1_800_000 });
    const again = await summaries.period('2026-03-02', '2026-03-02');
    expect(again.people.guards['guard-01']).toEqual({ visits: 0, dispatched: 1, onScene: [600, 1] });
    expect(again.people.operators['张敏']!.ack).toEqual({ '2': [900, 1] });
  });

  it('handovers of the period and training current on its last day', async () => {
    const end = iso('2026-03-02T00:00:00Z');
    await db('shifts').insert([
      {
        id: 's1',
        started_at: end - 43_200_000,
        ended_at: end,
        after_log_id: 0,
        outgoing: JSON.stringify(['张敏']),
        incoming: JSON.stringify(['王磊']),
      },
      { id: 's2', started_at: end, ended_at: null, after_log_id: 0 },
    ]);
    await db('certificates').insert([
      cert('c1', 'guard-01', '2025-01-01', '2026-03-31'),
      cert('c2', 'guard-02', '2024-01-01', '2026-02-27'),
      cert('c3', 'guard-03', '2026-04-01', '2029-03-31'),
    ]);
    const month = periodBounds({ kind: 'month', day: '2026-03-01' }, site.timeZone);
    const got = await readPeopleFacts(db, month, '2026-03-15');
    expect(got.handovers).toEqual([{ at: end, outgoing: ['张敏'], incoming: ['王磊'] }]);
    // guard-02's expired before the 15th, guard-03's not yet issued.
    expect([...got.training!.entries()]).toEqual([['guard-01', true]]);
  });
});

const cert = (id: string, person: string, issued: string, expires: string) => ({
  id,
  person_kind: 'guard',
  person_id: person,
  kind: 'security_guard',
  number: id,
  issued_on: issued,
  expires_on: expires,
  issued_by: 'x',
  updated_by: 'x',
  updated_at: 1,
});
