import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoSitePath, loadSite } from '../../electron/common/site-file';
import { shiftBoard, shiftStart } from '../../electron/core/reports/board';
import { buildSections, type BuildContext } from '../../electron/core/reports/build';
import { rowsBehind } from '../../electron/core/reports/rows-behind';
import { HISTORY_FLAG, writeDemoHistory } from '../../electron/core/reports/demo-history';
import { reportCsv, reportXlsx } from '../../electron/core/reports/export';
import { readFacts } from '../../electron/core/reports/facts';
import { ReportLabels } from '../../electron/core/reports/labels';
import { quarterReviewMigration } from '../../electron/core/reports/migration';
import type { ReportView } from '../../shared/contract';
import { DEFAULT_TARGETS } from '../../shared/domain/alarm-lifecycle';
import { LocalClock, periodBounds } from '../../shared/domain/report-period';
import { openMigratedTo } from '../support/schema';

const { site } = loadSite(demoSitePath());
const iso = (s: string) => Date.parse(s);
let db: Knex;

// The latest reports schema: the demo history writes guards' assignments and satisfaction results (migration 29).
beforeEach(async () => {
  db = await openMigratedTo(quarterReviewMigration);
});
afterEach(async () => {
  await db.destroy();
});

let seq = 0;
async function insertAlarm(a: {
  id: string;
  receivedAt: number;
  ackMs?: number;
  resolveMs?: number;
  disposition?: string;
  drill?: boolean;
  incident?: string;
  type?: string;
  zone?: string;
}) {
  seq++;
  await db('alarms').insert({
    id: a.id,
    source: 'hub',
    source_id: a.id,
    type: a.type ?? 'intrusion',
    priority: 2,
    zone: a.zone ?? 'perimeter',
    device_id: 'cam-09',
    raised_at: a.receivedAt,
    received_at: a.receivedAt,
    last_seen_at: a.receivedAt,
    state: a.resolveMs !== undefined ? 'resolved' : 'acknowledged',
    acknowledged_at: a.ackMs !== undefined ? a.receivedAt + a.ackMs : null,
    ack_ms: a.ackMs ?? null,
    resolved_at: a.resolveMs !== undefined ? a.receivedAt + a.resolveMs : null,
    resolve_ms: a.resolveMs ?? null,
    disposition: a.disposition ?? null,
    drill: a.drill ? 1 : 0,
    incident_id: a.incident ?? null,
    updated_at: a.receivedAt,
    seq,
  });
}

const event = (alarmId: string, at: number, kind: string) =>
  db('alarm_events').insert({ alarm_id: alarmId, at, kind, operator_id: 'op', operator_name: 'op' });

function context(now: number): BuildContext {
  return {
    labels: new ReportLabels(site),
    targets: DEFAULT_TARGETS,
    clock: new LocalClock(site.timeZone),
    now,
  };
}

describe('reports read from the database', () => {
  it("a day's alarms in China time: the one received at 23:59 counts, 00:01 the next day does not; drills and drill incidents never", async () => {
    const day = periodBounds({ kind: 'day', day: '2026-03-02' }, 'Asia/Shanghai');
    await insertAlarm({
      id: 'late-evening',
      receivedAt: iso('2026-03-02T15:59:00Z'),
      ackMs: 20_000,
      resolveMs: 600_000,
      disposition: 'real',
    });
    await insertAlarm({ id: 'next-day', receivedAt: iso('2026-03-02T16:01:00Z'), ackMs: 20_000 });
    await insertAlarm({ id: 'before', receivedAt: iso('2026-03-01T15:59:00Z'), ackMs: 20_000 });
    await insertAlarm({ id: 'drill', receivedAt: iso('2026-03-02T03:00:00Z'), ackMs: 1, drill: true });
    await db('incidents').insert({ id: 'inc-drill', opened_at: iso('2026-03-02T04:00:00Z'), drill: 1 });
    await insertAlarm({
      id: 'drill-incident',
      receivedAt: iso('2026-03-02T04:00:00Z'),
      ackMs: 1,
      incident: 'inc-drill',
    });
    // Acknowledged before midnight, dispatched and on scene after it, reopened and resolved again: one alarm of the day.
    await insertAlarm({
      id: 'reopened',
      receivedAt: iso('2026-03-02T15:50:00Z'),
      ackMs: 40_000,
      resolveMs: 3_600_000,
      disposition: 'false_alarm',
    });
    await event('reopened', iso('2026-03-02T16:05:00Z'), 'dispatched');
    await event('reopened', iso('2026-03-02T16:10:00Z'), 'on_scene');
    await event('reopened', iso('2026-03-02T16:20:00Z'), 'resolved');
    await event('reopened', iso('2026-03-02T16:25:00Z'), 'reopened');
    await event('reopened', iso('2026-03-02T16:30:00Z'), 'dispatched');

    const facts = await readFacts(db, day, new ReportLabels(site).routeCheckpoints);
    expect(facts.alarms.map((a) => a.id).sort()).toEqual([
      'drill',
      'drill-incident',
      'late-evening',
      'reopened',
    ]);
    const reopened = facts.alarms.find((a) => a.id === 'reopened')!;
    expect(reopened).toMatchObject({
      reopened: true,
      dispatchedAt: iso('2026-03-02T16:05:00Z'),
      onSceneAt: iso('2026-03-02T16:10:00Z'),
      resolveMs: 3_600_000,
    });
    expect(facts.alarms.find((a) => a.id === 'drill-incident')!.drill).toBe(true);

    const sections = buildSections(facts, undefined, context(iso('2026-03-03T00:00:00Z')));
    const kpis = Object.fromEntries(sections.flatMap((s) => s.kpis.map((k) => [k.id, k.value])));
    expect(kpis.alarms).toBe(2);
    expect(kpis.real).toBe(1);
    expect(kpis.falseRate).toBe(0.5);
    expect(kpis.reopened).toBe(1);
    // Two acknowledgements, 20 s and 40 s: the nearest-rank median is the first.
    expect(kpis.ackP50).toBe(20_000);
    // The real one: acknowledged in 20 s (P2 target 60 s), resolved in 10 min (30 min): timely.
    expect(kpis.incidentTimeliness).toBe(1);
    const rows = rowsBehind(facts, 'byZone', 'perimeter', undefined, context(0));
    expect(rows.map((r) => r.id)).toEqual(['late-evening', 'reopened']);
    expect(rows[0]!.text['zh-CN']).toContain('周界围墙');
  });

  it('compare puts last period beside this one on the same categories', async () => {
    await insertAlarm({ id: 'm1', receivedAt: iso('2026-03-05T02:00:00Z'), type: 'fire' });
    await insertAlarm({ id: 'm2', receivedAt: iso('2026-03-06T02:00:00Z'), type: 'fire' });
    await insertAlarm({ id: 'f1', receivedAt: iso('2026-02-05T02:00:00Z'), type: 'fire' });
    const now = await readFacts(
      db,
      periodBounds({ kind: 'month', day: '2026-03-01' }, site.timeZone),
      new Map(),
    );
    const before = await readFacts(
      db,
      periodBounds({ kind: 'month', day: '2026-02-01' }, site.timeZone),
      new Map(),
    );
    const [alarms] = buildSections(now, before, context(0));
    expect(alarms!.kpis[0]).toEqual({ id: 'alarms', unit: 'count', value: 2, previous: 1 });
    expect(alarms!.charts[0]!.series[0]).toEqual({ id: 'count', values: [2], previous: [1] });
    expect(alarms!.charts[0]!.categories[0]!.label).toEqual({ 'zh-CN': '火警', en: 'Fire' });
  });

  it('rounds with the checkpoints they missed and the guard who walked them', async () => {
    const start = iso('2026-03-02T02:00:00Z');
    await db('patrol_rounds').insert({
      route_id: 'route-perimeter',
      round_start: start,
      window_end: start + 1_800_000,
      band: 'day',
      on_time: 3,
      early: 0,
      late: 0,
      missed: 2,
      checkpoints: 5,
      closed_at: start + 1_800_000,
    });
    for (const cp of ['cp-101', 'cp-102', 'cp-103'])
      await db('patrol_visits').insert({
        route_id: 'route-perimeter',
        checkpoint_id: cp,
        round_start: start,
        at: start + 60_000,
        guard_id: 'guard-02',
        method: 'scan',
        timing: 'on_time',
      });
    const facts = await readFacts(
      db,
      periodBounds({ kind: 'day', day: '2026-03-02' }, site.timeZone),
      new ReportLabels(site).routeCheckpoints,
    );
    expect(facts.rounds).toEqual([
      expect.objectContaining({ guardId: 'guard-02', missedCheckpoints: ['cp-104', 'cp-105'] }),
    ]);
  });

  it('the demo history: three months, deterministic, fast, written once', async () => {
    const now = iso('2026-03-15T04:00:00Z');
    const started = Date.now();
    const first = await writeDemoHistory(db, { site, now });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(first!.alarms).toBeGreaterThan(1500);
    expect(first!.rounds).toBeGreaterThan(6000);
    expect(await writeDemoHistory(db, { site, now })).toBeUndefined();
    expect(await db('meta').where({ key: HISTORY_FLAG }).first()).toBeTruthy();
    // The quarterly reviews of the two quarters before today's (2025-Q3, 2025-Q4), held ten days after each.
    expect(await db('quarter_reviews').orderBy('quarter').select('quarter', 'held_on')).toEqual([
      { quarter: '2025-Q3', held_on: '2025-10-10' },
      { quarter: '2025-Q4', held_on: '2026-01-10' },
    ]);
    // Nothing from today: the live shift is the console's own.
    const today = periodBounds({ kind: 'day', day: '2026-03-15' }, site.timeZone);
    expect((await readFacts(db, today, new Map())).alarms).toEqual([]);
    const other = await openMigratedTo(quarterReviewMigration);
    try {
      const again = await writeDemoHistory(other, { site, now });
      expect(again).toEqual(first);
      const a = await db('alarms').orderBy('seq').limit(5).select('id', 'received_at', 'type', 'disposition');
      const b = await other('alarms')
        .orderBy('seq')
        .limit(5)
        .select('id', 'received_at', 'type', 'disposition');
      expect(b).toEqual(a);
    } finally {
      await other.destroy();
    }
    // The month before has every section's figures.
    const month = periodBounds({ kind: 'month', day: '2026-02-01' }, site.timeZone);
    const sections = buildSections(
      await readFacts(db, month, new ReportLabels(site).routeCheckpoints),
      undefined,
      context(now),
    );
    const kpis = Object.fromEntries(sections.flatMap((s) => s.kpis.map((k) => [k.id, k.value])));
    expect(kpis.alarms).toBeGreaterThan(400);
    expect(kpis.rounds).toBeGreaterThan(1500);
    expect(kpis.drillsDone).toBeGreaterThanOrEqual(0);
  });

  it('CSV of a table and Excel of all tables carry the figures as the screen shows them', async () => {
    await insertAlarm({
      id: 'x',
      receivedAt: iso('2026-03-05T02:00:00Z'),
      type: 'fire',
      disposition: 'real',
      ackMs: 1000,
      resolveMs: 60_000,
    });
    const bounds = periodBounds({ kind: 'month', day: '2026-03-01' }, site.timeZone);
    const view: ReportView = {
      site: { 'zh-CN': '翠湖花园', en: 'Cuihu Garden' },
      timeZone: site.timeZone,
      period: bounds,
      generatedAt: 0,
      sections: buildSections(await readFacts(db, bounds, new Map()), undefined, context(0)),
    };
    const csv = reportCsv(view, 'byType', 'zh-CN');
    expect(csv.name).toBe('report-month-2026-03-01_2026-03-31-byType.csv');
    expect(csv.bytes.toString('utf8')).toBe('\uFEFF报警类型,数量\r\n火警,1\r\n');
    const xlsx = await reportXlsx(view, 'en');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Alarm type')!;
    expect(sheet.getRow(2).values).toEqual([undefined, 'Fire', 1]);
    expect(book.worksheets.length).toBeGreaterThanOrEqual(10);
  });

  it('the shift board: the night shift began at 20:00 local; alarms handled since, drills left out', async () => {
    const now = iso('2026-03-02T14:30:00Z'); // 22:30 in Shanghai
    const bands = { dayStart: 8 * 60, dayEnd: 20 * 60 };
    expect(shiftStart(now, 'Asia/Shanghai', bands)).toEqual({
      from: iso('2026-03-02T12:00:00Z'),
      band: 'night',
    });
    await insertAlarm({ id: 'h', receivedAt: iso('2026-03-02T13:00:00Z'), ackMs: 20_000, resolveMs: 60_000 });
    await insertAlarm({ id: 'o', receivedAt: iso('2026-03-02T14:00:00Z'), ackMs: 40_000 });
    await insertAlarm({ id: 'd', receivedAt: iso('2026-03-02T14:00:00Z'), ackMs: 1, drill: true });
    await insertAlarm({ id: 'old', receivedAt: iso('2026-03-02T05:00:00Z'), ackMs: 1, resolveMs: 2 });
    const board = await shiftBoard(db, { now, timeZone: 'Asia/Shanghai', bands, targets: DEFAULT_TARGETS });
    expect(board).toMatchObject({
      band: 'night',
      alarmsOpen: 1,
      alarmsHandled: 1,
      ackMedianMs: 20_000,
      ackTargetSec: 60,
    });
  });
});
