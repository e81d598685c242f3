/**
 * bench:facilities — the facility ledger and the rounds at scale on this machine.
 *
 *   npm run bench:facilities -- [--json] [--entries 50000] [--results 2000000]
 *
 * A console core on a real SQLite file (WAL, synchronous=FULL) with `--entries` ledger entries and `--results`
 * inspection results (in rounds of 40 results, finished over the past year), then: the shift's due list (target
 * ≤ 50 ms, issue 18), the ledger view, a round started over the fire facilities and an item marked; then the
 * ledger's live states for `--live-devices` hub-linked devices changing `--live-rate` times a second, from the hub to
 * the row painted in Chromium (p99 ≤ 300 ms; lib/ledger-live.ts). Not part of
 * `npm test`. The LAST line is one JSON object with `pass` (--json: without the summary before it);
 * `--entries 2000 --results 20000` is a quick run that only checks the benchmark still works.
 */
import { parseArgs } from 'node:util';
import type { ConsoleCore } from '../../electron/core';
import { FACILITY_KINDS } from '../../shared/domain/facilities';
import { BENCH_ADMIN, benchDesk } from './lib/desk';
import { ledgerLive, type LedgerLiveFigures } from './lib/ledger-live';
import { log, machine, runBench, type BenchResult } from './lib/harness';
import { numberAtLeast, readOptions } from './lib/options';
import { medianTime } from './lib/stats';

const opts = readOptions('bench:facilities', (args) => {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      entries: { type: 'string', default: '50000' },
      results: { type: 'string', default: '2000000' },
      'live-devices': { type: 'string', default: '5000' },
      'live-rate': { type: 'string', default: '50' },
      'live-seconds': { type: 'string', default: '60' },
      'skip-live': { type: 'boolean', default: false },
    },
  });
  return {
    json: values.json,
    entries: numberAtLeast('entries', values.entries, 100),
    results: numberAtLeast('results', values.results, 40),
    liveDevices: numberAtLeast('live-devices', values['live-devices'], 200),
    liveRate: numberAtLeast('live-rate', values['live-rate'], 1),
    liveSeconds: numberAtLeast('live-seconds', values['live-seconds'], 5),
    skipLive: values['skip-live'],
  };
});

const TARGETS = { due_list_ms: 50, ledger_view_ms: 10_000, mark_ms: 100, live_p99_ms: 300 } as const;

interface Figures {
  ledger_entries: number;
  inspection_results: number;
  rounds_done: number;
  fill_s: number;
  due_list_ms: number;
  due_list_rounds: number;
  ledger_view_ms: number;
  round_start_ms: number;
  round_subjects: number;
  mark_ms: number;
}

interface Result extends BenchResult, Partial<Figures>, Partial<LedgerLiveFigures> {
  machine: ReturnType<typeof machine>;
  targets: typeof TARGETS;
}

const result: Result = { machine: machine(), targets: TARGETS };
const DAY = 86_400_000;
const PER_ROUND = 40;

async function run(tmp: string): Promise<void> {
  const { core, call } = await benchDesk(tmp);

  const t0 = performance.now();
  log(`${opts.entries} ledger entries, ${opts.results} inspection results`);
  await fill(core, opts.entries, opts.results);
  result.fill_s = Math.round((performance.now() - t0) / 1000);
  result.ledger_entries = opts.entries;
  result.inspection_results = opts.results;
  result.rounds_done = Math.ceil(opts.results / PER_ROUND);

  log('due list, ledger view, a round started and marked');
  result.due_list_ms = await medianTime(9, () => call('rounds.due', {}));
  result.due_list_rounds = ((await call('rounds.due', {})) as { rounds: unknown[] }).rounds.length;
  result.ledger_view_ms = await medianTime(3, () => call('facilities.list', {}));
  const s0 = performance.now();
  const started = (await call('rounds.start', { roundId: 'fire-shift' })) as {
    id: string;
    subjects: Array<{ id: string; items: Array<{ id: string; value?: unknown }> }>;
  };
  result.round_start_ms = Math.round(performance.now() - s0);
  result.round_subjects = started.subjects.length;
  let n = 0;
  result.mark_ms = await medianTime(9, () => {
    const subject = started.subjects[n++ % started.subjects.length]!;
    // A sprinkler's only item is a reading: marked with one in its range.
    const item = subject.items[0]!;
    const mark = item.value ? { value: 0.5 } : { result: 'pass' };
    return call('rounds.mark', { runId: started.id, subjectId: subject.id, itemId: item.id, ...mark });
  });

  if (!opts.skipLive)
    Object.assign(
      result,
      await ledgerLive(core, {
        devices: opts.liveDevices,
        rate: opts.liveRate,
        seconds: opts.liveSeconds,
        credentials: BENCH_ADMIN,
      }),
    );
}

/** Ledger entries of every kind, and finished inspection rounds of 40 results each over the past year. */
async function fill(core: ConsoleCore, entries: number, results: number): Promise<void> {
  const now = Date.now();
  const zones = ['bldg-01', 'bldg-02', 'bldg-03', 'facility', 'carpark-entrance', null];
  const entry = (i: number) => ({
    id: `bench-${i}`,
    code: `B-${String(i).padStart(6, '0')}`,
    name: `设施 ${i}`,
    kind: FACILITY_KINDS[i % FACILITY_KINDS.length],
    zone: zones[i % zones.length],
    origin: 'import',
    created_at: now,
    updated_at: now,
  });
  for (let i = 0; i < entries; i += 2000)
    await core.db.transaction(async (trx) => {
      for (let k = i; k < Math.min(entries, i + 2000); k += 500)
        await trx('facilities').insert(
          Array.from({ length: Math.min(500, entries - k, i + 2000 - k) }, (_, j) => entry(k + j)),
        );
    });
  const rounds = Math.ceil(results / PER_ROUND);
  const ids = ['fire-shift', 'daily-facilities', 'monthly-extinguishers', 'video-all'];
  for (let r = 0; r < rounds; r += 500) {
    await core.db.transaction(async (trx) => {
      const batch = Array.from({ length: Math.min(500, rounds - r) }, (_, j) => r + j);
      await trx('facility_rounds').insert(
        batch.map((k) => {
          const at = now - Math.round(((rounds - k) / rounds) * 365 * DAY);
          return {
            id: `run-${k}`,
            round_id: ids[k % ids.length],
            kind: k % ids.length === 3 ? 'video' : 'inspection',
            due_at: at,
            started_at: at - 1_800_000,
            finished_at: at,
            by_id: 'bench',
            by_name: 'bench',
            subjects: '[]',
          };
        }),
      );
      for (const k of batch) {
        const count = Math.min(PER_ROUND, results - k * PER_ROUND);
        if (count <= 0) continue;
        await trx('facility_round_results').insert(
          Array.from({ length: count }, (_, j) => ({
            run_id: `run-${k}`,
            subject_id: `bench-${(k * PER_ROUND + j) % entries}`,
            item_id: j % 2 ? 'works' : 'intact',
            result: j % 53 === 0 ? 'fail' : 'pass',
            at: now,
            by: 'bench',
          })),
        );
      }
    });
    if (r % 10_000 === 0) log(`  ${r * PER_ROUND} results`);
  }
}

const within = (figure: number | undefined, target: number) =>
  figure === undefined ? undefined : figure <= target;

await runBench({
  name: 'bench:facilities',
  json: opts.json,
  budgetMs: 30 * 60_000,
  result,
  run,
  pass: (r) => ({
    due_list: within(r.due_list_ms, TARGETS.due_list_ms),
    ledger_view: within(r.ledger_view_ms, TARGETS.ledger_view_ms),
    mark: within(r.mark_ms, TARGETS.mark_ms),
    // Every measured change painted, and p99 within the target.
    live:
      r.live_p99_ms === undefined
        ? undefined
        : r.live_painted === r.live_measured && r.live_p99_ms <= TARGETS.live_p99_ms,
  }),
  summary: (r) =>
    Object.entries(r)
      .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
      .map(([k, v]) => `${k.padEnd(30)} ${String(v)}`)
      .join('\n'),
});
