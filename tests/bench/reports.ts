/**
 * bench:reports — what a report of a large site's year costs on this machine (issue 19).
 *
 *   npm run bench:reports -- [--json] [--alarms 2000000] [--visits 500000] [--reads 1000000] [--orders 100000]
 *
 * A console core on a real SQLite file (WAL, synchronous=FULL) filled with one year (the last 365 days) of a large
 * site (lib/reports-fixture.ts), then started again as an upgraded database is: its day summaries (migration 25)
 * are folded in the background — timed, with the longest the event loop was held meanwhile. Then, each on a period
 * not read before: a month's report, a year's report, and a month's PDF (the first of the process, which loads
 * ECharts and svg-to-pdfkit — under tsx that includes compiling them — and a second one). Targets (issue 19): month ≤ 1 s, year ≤ 3 s, month's PDF ≤ 3 s;
 * and the event loop never held more than 100 ms by a report. What the summaries cost a write: alarms inserted and
 * updated with the marking triggers, then without them. The LAST line is one JSON object with `pass`.
 */
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { localDay } from '../../shared/domain/report-period';
import { benchDesk } from './lib/desk';
import { log, machine, onCleanup, runBench, sleep, type BenchResult } from './lib/harness';
import { DAY, fill, fillYear } from './lib/reports-fixture';
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

const TARGETS = { month_ms: 1000, year_ms: 3000, month_pdf_ms: 3000, loop_block_ms: 100 } as const;

interface Result extends BenchResult {
  machine: ReturnType<typeof machine>;
  targets: typeof TARGETS;
  alarms?: number;
  alarm_events?: number;
  patrol_visits?: number;
  gate_reads?: number;
  work_orders?: number;
  fill_s?: number;
  backfill_days?: number;
  backfill_s?: number;
  backfill_loop_block_ms?: number;
  summary_bytes_per_day?: number;
  month_ms?: number;
  month_runs_ms?: number[];
  month_loop_block_ms?: number;
  year_ms?: number;
  year_loop_block_ms?: number;
  month_pdf_ms?: number;
  month_pdf_again_ms?: number;
  month_pdf_loop_block_ms?: number;
  month_pdf_bytes?: number;
  insert_alarm_us_with_triggers?: number;
  insert_alarm_us_without_triggers?: number;
  update_alarm_us_with_triggers?: number;
  update_alarm_us_without_triggers?: number;
}

const result: Result = { machine: machine(), targets: TARGETS };
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
      const t = Date.now() - 2 * DAY + i;
      return [`w${id}`, `w${id}`, t, t, t, t, 10_000_000 + id];
    },
  );
  return Math.round(((performance.now() - t0) * 1000) / n);
}

/** µs per acknowledgement of those alarms (an update of columns the figures read). */
async function updateCost(db: Knex, from: number, n: number): Promise<number> {
  const t0 = performance.now();
  await fill(
    db,
    "UPDATE alarms SET state = 'acknowledged', acknowledged_at = ?, ack_ms = 20000 WHERE id = ?",
    n,
    (i) => [Date.now(), `w${from + i}`],
  );
  return Math.round(((performance.now() - t0) * 1000) / n);
}

/** The longest the event loop was held (ms beyond a 10-ms timer) while `f` ran. */
async function heldWhile<T>(f: () => Promise<T>): Promise<{ value: T; ms: number; blockMs: number }> {
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  const t0 = performance.now();
  try {
    const value = await f();
    return { value, ms: Math.round(performance.now() - t0), blockMs: Math.round(worst) };
  } finally {
    clearInterval(timer);
  }
}

async function run(tmp: string): Promise<void> {
  const end = Date.now() - DAY;
  {
    const { core, stop } = await benchDesk(tmp);
    const t0 = performance.now();
    const { alarmEvents } = await fillYear(core.db, end, opts);
    result.fill_s = Math.round((performance.now() - t0) / 1000);
    Object.assign(result, {
      alarms: opts.alarms,
      alarm_events: alarmEvents,
      patrol_visits: opts.visits,
      gate_reads: opts.reads,
      work_orders: opts.orders,
    });
    await stop();
  }
  // Started again on the filled file, as an upgraded database: the day summaries are folded in the background.
  const { core, call } = await benchDesk(tmp, { existing: true });
  const db = core.db;
  const count = async () =>
    Number(((await db.raw('SELECT COUNT(*) AS n FROM report_days')) as Array<{ n: number }>)[0]!.n);
  const backfill = await heldWhile(async () => {
    // Done when a year's days are kept, or when the count stops growing for two seconds (a shorter history).
    let previous = -1;
    let still = 0;
    for (;;) {
      await sleep(250);
      const n = await count();
      still = n === previous && n > 0 ? still + 1 : 0;
      if (n >= 366 || still >= 8) return n;
      previous = n;
    }
  });
  result.backfill_days = backfill.value;
  result.backfill_s = Math.round(backfill.ms / 100) / 10;
  result.backfill_loop_block_ms = backfill.blockMs;
  const [size] = (await db.raw('SELECT AVG(length(data)) AS b FROM report_days')) as Array<{ b: number }>;
  result.summary_bytes_per_day = Math.round(size?.b ?? 0);
  log(`backfill: ${backfill.value} days in ${result.backfill_s} s, loop held ≤ ${backfill.blockMs} ms`);

  const tz = 'Asia/Shanghai';
  const monthDay = (monthsBack: number) => localDay(end - monthsBack * 31 * DAY, tz);
  const runs: number[] = [];
  let monthBlock = 0;
  for (const back of [2, 4, 6]) {
    const r = await heldWhile(() =>
      call('reports.get', { period: { kind: 'month', day: monthDay(back) }, compare: true }),
    );
    runs.push(r.ms);
    monthBlock = Math.max(monthBlock, r.blockMs);
  }
  result.month_runs_ms = runs;
  result.month_ms = median(runs);
  result.month_loop_block_ms = monthBlock;
  log(`month (with the month before): ${runs.join(', ')} ms, loop held ≤ ${monthBlock} ms`);
  const year = await heldWhile(() =>
    call('reports.get', {
      period: { kind: 'range', day: localDay(end - 364 * DAY, tz), until: localDay(end, tz) },
      compare: false,
    }),
  );
  result.year_ms = year.ms;
  result.year_loop_block_ms = year.blockMs;
  log(`year: ${year.ms} ms, loop held ≤ ${year.blockMs} ms`);
  const exportPdf = () =>
    call('reports.export', {
      period: { kind: 'month', day: monthDay(8) },
      compare: true,
      format: 'pdf',
      locale: 'zh-CN',
    }) as Promise<{ base64: string }>;
  const pdf = await heldWhile(exportPdf);
  result.month_pdf_ms = pdf.ms;
  result.month_pdf_loop_block_ms = pdf.blockMs;
  result.month_pdf_bytes = Math.round((pdf.value.base64.length * 3) / 4);
  result.month_pdf_again_ms = (await heldWhile(exportPdf)).ms;
  log(`month PDF: ${pdf.ms} ms (again ${result.month_pdf_again_ms} ms), loop held ≤ ${pdf.blockMs} ms`);

  // What the marking triggers cost a write: the same inserts and updates with them, then without them.
  result.insert_alarm_us_with_triggers = await insertCost(db, 0, 20_000);
  result.update_alarm_us_with_triggers = await updateCost(db, 0, 20_000);
  const triggers = (await db.raw(
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report_dirty_alarms%'",
  )) as Array<{ name: string; sql: string }>;
  for (const t of triggers) await db.raw(`DROP TRIGGER ${t.name}`);
  onCleanup('alarm triggers', async () => {
    for (const t of triggers) await db.raw(t.sql).catch(() => undefined);
  });
  result.insert_alarm_us_without_triggers = await insertCost(db, 20_000, 20_000);
  result.update_alarm_us_without_triggers = await updateCost(db, 20_000, 20_000);
  for (const t of triggers) await db.raw(t.sql);
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
    loop_month: within(r.month_loop_block_ms, TARGETS.loop_block_ms),
    loop_year: within(r.year_loop_block_ms, TARGETS.loop_block_ms),
    loop_backfill: within(r.backfill_loop_block_ms, TARGETS.loop_block_ms),
  }),
  summary: (r) =>
    Object.entries(r)
      .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
      .map(([k, v]) => `${k.padEnd(40)} ${String(v)}`)
      .join('\n'),
});
