/**
 * bench:reports — what a report of a large site's year costs on this machine (issue 19).
 *
 *   npm run bench:reports -- [--json] [--alarms 2000000] [--visits 500000] [--reads 1000000] [--orders 100000]
 *
 * A console core on a real SQLite file (WAL, synchronous=FULL) filled with one year (the last 365 days) of a large
 * site: `--alarms` alarms with their trail (acknowledged, dispatched, on scene, resolved), `--visits` patrol visits in
 * their rounds, `--reads` gate reads, `--orders` work orders. Then, each on a period not read before (no cache):
 * a month's report, a year's report, and a month's PDF (charts rendered by ECharts to SVG, drawn by svg-to-pdfkit).
 * Targets (issue 19): month ≤ 1 s, year ≤ 3 s, month's PDF ≤ 3 s. Also what migration 24's indexes cost each insert:
 * alarms written with and without them. The LAST line is one JSON object with `pass`.
 */
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { connectionOf } from '../../electron/common/prepared';
import { localDay } from '../../shared/domain/report-period';
import { benchDesk } from './lib/desk';
import { log, machine, runBench, type BenchResult } from './lib/harness';
import { numberAtLeast, readOptions } from './lib/options';
import { median } from './lib/stats';

const opts = readOptions('bench:reports', (args) => {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      alarms: { type: 'string', default: '2000000' },
      visits: { type: 'string', default: '500000' },
      reads: { type: 'string', default: '1000000' },
      orders: { type: 'string', default: '100000' },
    },
  });
  return {
    json: values.json,
    alarms: numberAtLeast('alarms', values.alarms, 1000),
    visits: numberAtLeast('visits', values.visits, 100),
    reads: numberAtLeast('reads', values.reads, 0),
    orders: numberAtLeast('orders', values.orders, 0),
  };
});

const TARGETS = { month_ms: 1000, year_ms: 3000, month_pdf_ms: 3000 } as const;

interface Result extends BenchResult {
  machine: ReturnType<typeof machine>;
  targets: typeof TARGETS;
  alarms?: number;
  alarm_events?: number;
  patrol_visits?: number;
  gate_reads?: number;
  work_orders?: number;
  fill_s?: number;
  month_ms?: number;
  month_runs_ms?: number[];
  year_ms?: number;
  month_pdf_ms?: number;
  month_pdf_bytes?: number;
  insert_alarm_us_with_indexes?: number;
  insert_alarm_us_without_report_index?: number;
}

const result: Result = { machine: machine(), targets: TARGETS };
const DAY = 86_400_000;
const TYPES = [
  'intrusion',
  'door_held',
  'smoke',
  'fire_facility_fault',
  'camera_offline',
  'fire_lane_parking',
];
const ZONES = [
  'perimeter',
  'gate-south',
  'gate-north',
  'bldg-01',
  'bldg-02',
  'carpark-entrance',
  'fire-lane',
];
const DISPOSITIONS = ['real', 'false_alarm', 'nuisance', 'real', 'false_alarm'];

/** Rows in transactions of 20,000 through one prepared statement each (the fastest way SQLite takes them). */
async function fill(db: Knex, sql: string, total: number, row: (i: number) => unknown[]): Promise<void> {
  for (let i = 0; i < total; i += 20_000) {
    await db.transaction(async (trx) => {
      const stmt = (await connectionOf(trx)).prepare(sql);
      for (let k = i; k < Math.min(total, i + 20_000); k++) stmt.run(...row(k));
    });
  }
}

async function fillYear(db: Knex, end: number): Promise<void> {
  const start = end - 365 * DAY;
  const t0 = performance.now();
  log(`${opts.alarms} alarms with their trail over the year`);
  const step = (365 * DAY) / opts.alarms;
  const at = (i: number) => Math.floor(start + i * step);
  await fill(
    db,
    `INSERT INTO alarms (id, source, source_id, device_id, type, priority, zone, raised_at, received_at, last_seen_at,
      state, acknowledged_at, ack_ms, resolved_at, resolve_ms, disposition, escalated_at, drill, updated_at, seq)
      VALUES (?, 'hub', ?, ?, ?, ?, ?, ?, ?, ?, 'resolved', ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
    opts.alarms,
    (i) => {
      const t = at(i);
      const ack = 5_000 + ((i * 7919) % 90_000);
      const res = ack + 60_000 + ((i * 104729) % 3_000_000);
      return [
        `a${i}`,
        `s${i}`,
        `dev-${i % 400}`,
        TYPES[i % TYPES.length],
        1 + (i % 5),
        ZONES[i % ZONES.length],
        t,
        t,
        t,
        t + ack,
        ack,
        t + res,
        res,
        DISPOSITIONS[i % DISPOSITIONS.length],
        ack > 60_000 ? t + 60_000 : null,
        t + res,
        i + 1,
      ];
    },
  );
  // Two of every five alarms had a guard sent (dispatched, on scene); every one was acknowledged and resolved.
  const perAlarm = [0, 1, 2, 3];
  const eventsFor = (i: number) => (i % 5 < 2 ? perAlarm : [0, 3]);
  const events: Array<[number, number]> = [];
  let total = 0;
  for (let i = 0; i < opts.alarms; i++) total += eventsFor(i).length;
  const KINDS = ['acknowledged', 'dispatched', 'on_scene', 'resolved'];
  let cursor = 0;
  let k = 0;
  await fill(
    db,
    'INSERT INTO alarm_events (alarm_id, at, kind, operator_id, operator_name) VALUES (?, ?, ?, ?, ?)',
    total,
    () => {
      if (k >= events.length) {
        events.length = 0;
        for (const e of eventsFor(cursor)) events.push([cursor, e]);
        cursor++;
        k = 0;
      }
      const [i, e] = events[k++]!;
      return [`a${i}`, at(i) + (e + 1) * 60_000, KINDS[e], 'op', 'op'];
    },
  );
  result.alarms = opts.alarms;
  result.alarm_events = total;

  log(`${opts.visits} patrol visits in 5-checkpoint rounds`);
  const rounds = Math.ceil(opts.visits / 5);
  const routes = 8;
  const roundStep = (365 * DAY) / (rounds / routes);
  await fill(
    db,
    `INSERT INTO patrol_rounds (route_id, round_start, window_end, band, on_time, early, late, missed, checkpoints,
      closed_at, skipped) VALUES (?, ?, ?, ?, ?, 0, ?, ?, 5, ?, 0)`,
    rounds,
    (r) => {
      const t = Math.floor(start + Math.floor(r / routes) * roundStep);
      const missed = r % 17 === 0 ? 1 : 0;
      const late = r % 11 === 0 ? 1 : 0;
      return [
        `route-${r % routes}`,
        t,
        t + 1_800_000,
        r % 2 ? 'night' : 'day',
        5 - missed - late,
        late,
        missed,
        t + 1_800_000,
      ];
    },
  );
  await fill(
    db,
    `INSERT INTO patrol_visits (route_id, checkpoint_id, round_start, at, guard_id, method, timing)
      VALUES (?, ?, ?, ?, ?, 'scan', 'on_time')`,
    opts.visits,
    (v) => {
      const r = Math.floor(v / 5);
      const t = Math.floor(start + Math.floor(r / routes) * roundStep);
      return [`route-${r % routes}`, `cp-${r % routes}-${v % 5}`, t, t + (v % 5) * 60_000, `guard-${r % 6}`];
    },
  );
  result.patrol_visits = opts.visits;

  log(`${opts.reads} gate reads, ${opts.orders} work orders`);
  const readStep = (365 * DAY) / Math.max(1, opts.reads);
  await fill(
    db,
    `INSERT INTO gate_reads (read_id, gate_id, direction, plate, valid, confidence, at, match, barrier)
      VALUES (?, ?, ?, ?, 1, 0.95, ?, 'resident', 'opened')`,
    opts.reads,
    (i) => [
      `r${i}`,
      `gate-${i % 3}`,
      i % 2 ? 'in' : 'out',
      `浙A${String(10000 + (i % 90000))}`,
      Math.floor(start + i * readStep),
    ],
  );
  result.gate_reads = opts.reads;
  const orderStep = (365 * DAY) / Math.max(1, opts.orders);
  await fill(
    db,
    `INSERT INTO work_orders (id, number, title, source, severity, state, due_at, created_at, created_by, updated_at)
      VALUES (?, ?, 'fault', 'device', 'normal', ?, ?, ?, 'system', ?)`,
    opts.orders,
    (i) => {
      const t = Math.floor(start + i * orderStep);
      return [`wo${i}`, i + 1, i % 4 ? 'verified' : 'open', t + 72 * 3_600_000, t, t + (i % 100) * 3_600_000];
    },
  );
  result.work_orders = opts.orders;
  await db.raw('ANALYZE');
  result.fill_s = Math.round((performance.now() - t0) / 1000);
}

/** µs per alarm insert, in transactions of 10,000, into the filled table. */
async function insertCost(db: Knex, from: number, n: number): Promise<number> {
  const t0 = performance.now();
  await fill(
    db,
    `INSERT INTO alarms (id, source, source_id, type, priority, raised_at, received_at, last_seen_at, state, drill,
      updated_at, seq) VALUES (?, 'hub', ?, 'intrusion', 2, ?, ?, ?, 'new', 0, ?, ?)`,
    n,
    (i) => {
      const id = from + i;
      const t = Date.now() + i;
      return [`w${id}`, `w${id}`, t, t, t, t, 10_000_000 + id];
    },
  );
  return Math.round(((performance.now() - t0) * 1000) / n);
}

async function run(tmp: string): Promise<void> {
  const { core, call } = await benchDesk(tmp);
  const end = Date.now() - DAY;
  await fillYear(core.db, end);
  const tz = 'Asia/Shanghai';
  const monthDay = (monthsBack: number) => {
    const d = new Date(end - monthsBack * 31 * DAY);
    return localDay(d.getTime(), tz);
  };
  // Each on a month not read before: nothing comes from the feature's cache.
  const runs: number[] = [];
  for (const back of [2, 4, 6]) {
    const t0 = performance.now();
    await call('reports.get', { period: { kind: 'month', day: monthDay(back) }, compare: false });
    runs.push(Math.round(performance.now() - t0));
  }
  result.month_runs_ms = runs;
  result.month_ms = median(runs);
  log(`month: ${runs.join(', ')} ms`);
  const t1 = performance.now();
  await call('reports.get', {
    period: { kind: 'range', day: localDay(end - 364 * DAY, tz), until: localDay(end, tz) },
    compare: false,
  });
  result.year_ms = Math.round(performance.now() - t1);
  log(`year: ${result.year_ms} ms`);
  const t2 = performance.now();
  const pdf = (await call('reports.export', {
    period: { kind: 'month', day: monthDay(8) },
    compare: false,
    format: 'pdf',
    locale: 'zh-CN',
  })) as { base64: string };
  result.month_pdf_ms = Math.round(performance.now() - t2);
  result.month_pdf_bytes = Math.round((pdf.base64.length * 3) / 4);
  log(`month PDF: ${result.month_pdf_ms} ms`);

  // What the report index costs a write: the same inserts with it, then without it.
  result.insert_alarm_us_with_indexes = await insertCost(core.db, 0, 20_000);
  await core.db.raw('DROP INDEX alarms_received');
  result.insert_alarm_us_without_report_index = await insertCost(core.db, 20_000, 20_000);
  await core.db.raw('CREATE INDEX alarms_received ON alarms (received_at)');
}

const within = (figure: number | undefined, target: number) =>
  figure === undefined ? undefined : figure <= target;

await runBench({
  name: 'bench:reports',
  json: opts.json,
  budgetMs: 30 * 60_000,
  result,
  run,
  pass: (r) => ({
    month: within(r.month_ms, TARGETS.month_ms),
    year: within(r.year_ms, TARGETS.year_ms),
    month_pdf: within(r.month_pdf_ms, TARGETS.month_pdf_ms),
  }),
  summary: (r) =>
    Object.entries(r)
      .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
      .map(([k, v]) => `${k.padEnd(40)} ${String(v)}`)
      .join('\n'),
});
