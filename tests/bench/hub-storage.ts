/**
 * `npm run bench:hub-storage -- [--json] [--engine sqlite|postgres|both]`: the hub's storage on each engine, in
 * process (no consoles): a burst of 5,000 published events (group commit), 300 published one after the other (one
 * commit each: its latency), and 2,000 equipment reports through the sink (registry, report keys, events). The
 * PostgreSQL figures are from a throwaway local cluster with fsync off (tests/support/postgres.ts): they measure
 * the hub's side of the work and the round trips, not a production disk. Last line: JSON with a `pass` object
 * (every engine's log gap-free 1…N).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { demoSitePath, loadSite } from '../../electron/common/site-file';
import { Equipment } from '../../electron/hub/equipment';
import { SiteHub } from '../../electron/hub/server';
import type { HubEventBody } from '../../shared/contract';
import { requirePostgres, startPostgres } from '../support/postgres';
import { idleSource } from '../support/sink';
import { log, machine, onCleanup, runBench, type BenchResult } from './lib/harness';

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, engine: { type: 'string', default: 'both' } },
});

interface EngineFigures {
  burst_events_per_s?: number;
  sequential_commit_p50_ms?: number;
  sequential_commit_p99_ms?: number;
  reports_per_s?: number;
  gap_free?: boolean;
}
interface Result extends BenchResult {
  machine: ReturnType<typeof machine>;
  sqlite?: EngineFigures;
  postgres?: EngineFigures;
}
const result: Result = { machine: machine() };

const body = (i: number): HubEventBody =>
  ({
    kind: 'alarm',
    data: {
      sourceId: `b-${i}`,
      deviceId: `d-${i % 50}`,
      type: 'door_held',
      zone: 'bldg-01',
      cameras: [],
      raisedAt: 1,
    },
  }) as HubEventBody;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN) * 100) / 100;
};

async function measure(dbFile: string): Promise<EngineFigures> {
  const hub = new SiteHub({ dbFile, token: 't', clock: systemClock, log: silentLogger });
  await hub.start();
  onCleanup('hub', () => hub.stop());
  const out: EngineFigures = {};
  let t = performance.now();
  await Promise.all(Array.from({ length: 5000 }, (_, i) => hub.publish(body(i))));
  out.burst_events_per_s = Math.round(5000 / ((performance.now() - t) / 1000));
  const lat: number[] = [];
  for (let i = 0; i < 300; i++) {
    t = performance.now();
    await hub.publish(body(5000 + i));
    lat.push(performance.now() - t);
  }
  out.sequential_commit_p50_ms = pct(lat, 50);
  out.sequential_commit_p99_ms = pct(lat, 99);
  const site = { ...loadSite(demoSitePath()).site, sources: [] };
  const equipment = new Equipment(hub, site, {}, { clock: systemClock, log: silentLogger });
  const sink = equipment.sinkFor(idleSource('panels', 'dc09', 'listening'));
  t = performance.now();
  await Promise.all(
    Array.from({ length: 2000 }, (_, i) =>
      sink.commit({
        key: `r-${i}`,
        kind: 'alarm',
        type: 'intrusion',
        zone: 'perimeter',
        device: { id: `panel-${i % 100}`, kind: 'alarm_panel' },
        at: Date.now(),
        origin: { account: String(i % 100) },
      }),
    ),
  );
  out.reports_per_s = Math.round(2000 / ((performance.now() - t) / 1000));
  const seqs = ((await hub.database('hub_log').orderBy('seq').select('seq')) as { seq: number }[]).map(
    (r) => r.seq,
  );
  out.gap_free = seqs.every((s, i) => s === i + 1);
  return out;
}

await runBench<Result>({
  name: 'bench:hub-storage',
  json: values.json,
  budgetMs: 10 * 60_000,
  result,
  async run(tmp) {
    const engines = values.engine === 'both' ? ['sqlite', 'postgres'] : [values.engine];
    if (engines.includes('sqlite')) {
      log('sqlite');
      result.sqlite = await measure(join(tmp, 'hub.sqlite'));
    }
    if (engines.includes('postgres') && requirePostgres().available) {
      log('postgres: starting a throwaway cluster');
      const cluster = await startPostgres();
      onCleanup('postgres', () => cluster.stop());
      result.postgres = await measure(await cluster.freshDatabase());
    }
  },
  pass: (r) => ({ sqlite_gap_free: r.sqlite?.gap_free, postgres_gap_free: r.postgres?.gap_free }),
  summary: (r) =>
    (['sqlite', 'postgres'] as const)
      .flatMap((e) => Object.entries(r[e] ?? {}).map(([k, v]) => `${`${e} ${k}`.padEnd(40)} ${String(v)}`))
      .join('\n'),
});
