/**
 * What every benchmark shares: progress lines, one cleanup registry, a watchdog and signal handling, the check for
 * processes left running, and the output: an optional human summary, then ONE JSON object on the last line of
 * stdout, always with a `pass` object of booleans (one per target measured in this run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCleanups } from './cleanup';
import { createProcessTracker } from './proc';
import { round1 } from './stats';

export { until } from '../../support/until';

// The benchmarks measure their own path (alarms, guards, ingest, memory, live video) as they were measured before the
// recorder existed: every console they start would otherwise also record the demo's nine cameras (an ffmpeg each,
// electron/core/recordings). Child processes inherit it. CONSOLE_RECORDINGS=on in the environment keeps them.
if (process.env['CONSOLE_RECORDINGS'] === undefined) process.env['CONSOLE_RECORDINGS'] = 'off';

const startedAt = Date.now();

/** A progress line on stdout, stamped with the seconds since the run started. */
export function log(line: string): void {
  const s = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
  console.log(`[${s}s] ${line}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One registry per run: everything started registers how to stop it; a phase releases its own, and the end of the
 * run, the watchdog or a signal releases the rest.
 */
export const { onCleanup, cleanupAll } = createCleanups(log);

/** The machine the figures were measured on. */
export function machine() {
  return {
    cores: cpus().length,
    cpu_model: cpus()[0]?.model?.trim() ?? 'unknown',
    node: process.version,
    load_avg_1m_at_start: round1(loadavg()[0] ?? NaN),
  };
}

export type Pass = Record<string, boolean>;

/** What the harness adds to every result. */
export interface BenchResult {
  pass?: Pass;
  error?: string;
  leftover_processes?: string[];
  run_s?: number;
}

export interface Bench<R extends BenchResult> {
  /** `bench:alarms`: in messages. */
  name: string;
  /** Only the JSON line (no summary before it). */
  json: boolean;
  /** The watchdog stops everything and prints what there is once the run takes longer. */
  budgetMs: number;
  /** Filled in by `run` as it goes, so that a failure or a timeout still prints what was measured. */
  result: R;
  /** The measurements; `tmp` is removed at the end. Throwing records the error in the result (exit code 1). */
  run(tmp: string): Promise<void>;
  /** After everything was stopped: `others` are Chromium/ffmpeg/RTSP processes someone else started meanwhile. */
  finish?(result: R, others: string[]): void;
  /** Each target against its figure; `undefined` where this run did not measure it (left out of `pass`). */
  pass(result: R): Record<string, boolean | undefined>;
  /** A few lines for a person. */
  summary(result: R): string;
  /** The object printed as JSON, e.g. with the figures first (default: the result). */
  output?(result: R): object;
}

function passes(checks: Record<string, boolean | undefined>): Pass {
  return Object.fromEntries(
    Object.entries(checks).filter((e): e is [string, boolean] => typeof e[1] === 'boolean'),
  );
}

/** Runs a benchmark from start to exit (exit code 1 on a failure or a timeout, 130 on SIGINT/SIGTERM). */
export async function runBench<R extends BenchResult>(bench: Bench<R>): Promise<void> {
  const { result } = bench;
  const processes = createProcessTracker();
  const print = () => {
    result.pass = passes(bench.pass(result));
    if (!bench.json) console.log(bench.summary(result));
    console.log(JSON.stringify(bench.output?.(result) ?? result));
  };

  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    log(`the run exceeded its ${Math.round(bench.budgetMs / 60_000)} min budget; stopping everything`);
    void cleanupAll().then(async () => {
      result.error = 'time budget exceeded';
      result.leftover_processes = (await processes.leftovers()).ours;
      print();
      process.exit(1);
    });
  }, bench.budgetMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping everything`);
      void cleanupAll().then(() => process.exit(130));
    });

  const tmp = mkdtempSync(join(tmpdir(), `${bench.name.replace(/\W+/g, '-')}-`));
  onCleanup('temp dir', () => rmSync(tmp, { recursive: true, force: true }));
  let status = 0;
  try {
    await bench.run(tmp);
  } catch (err) {
    result.error = (err as Error).stack ?? String(err);
    log(`FAILED: ${(err as Error).message}`);
    status = 1;
  }
  await cleanupAll();
  clearTimeout(watchdog);
  // The watchdog is printing and exiting already.
  if (timedOut) return;

  const left = await processes.leftovers();
  result.leftover_processes = left.ours;
  log(`left running: ${left.ours.length ? left.ours.join('; ') : 'nothing this run started'}`);
  if (left.others.length)
    log(
      `${left.others.length} processes not ours were started by someone else during the run (figures may be ` +
        `disturbed), e.g. ${left.others.slice(0, 3).join('; ')}`,
    );
  bench.finish?.(result, left.others);
  result.run_s = Math.round((Date.now() - startedAt) / 1000);
  print();
  process.exitCode = status;
  // Nothing of ours is left, but a library may keep a handle open: do not wait for it.
  setTimeout(() => process.exit(), 200).unref();
}
