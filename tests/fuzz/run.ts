/**
 * `npm run test:fuzz -- [--json] [--cases N] [--seed S] [--only NAME]`: the network-boundary fuzz suite.
 *
 * Every file in tests/fuzz/boundaries/ default-exports one boundary (the phone endpoint, the web host's HTTP, its
 * /api WebSocket, the video gateway...). Each starts the real server in this process, sends fast-check-generated
 * requests and raw byte-level cases over real loopback sockets, probes that a valid request is still served
 * within 2 s, and checks the database afterwards. Boundaries run one after the other, so an uncaught exception
 * or unhandled rejection (caught here by process-level listeners) belongs to the boundary running.
 *
 * Without --cases it is the short form (about 2,400 cases, well under a minute) that `npm test` runs; the long
 * form is e.g. `--cases 100000`. With --json the LAST line is one JSON object: per boundary `cases`, `crashes`,
 * `stalls`, `invalid_rows`, `unhandled`, and `pass` (booleans per boundary and `all`). Exit code 1 unless all pass.
 */
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tally, type Boundary, type BoundaryResult } from './lib';

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const JSON_OUT = argv.includes('--json');
const TOTAL = Number(opt('cases') ?? 2400);
const SEED = Number(opt('seed') ?? 20261130);
const ONLY = opt('only');
const STALL_MS = 2000;

const log = (line: string) => console.log(`[fuzz] ${line}`);

let current: Tally | undefined;
let unhandled = 0;
const onUnhandled = (kind: string) => (err: unknown) => {
  unhandled++;
  current?.note(`${kind}: ${err instanceof Error ? (err.stack ?? err.message).slice(0, 300) : String(err)}`);
  // Without this listener Node would have ended: that is a crash of the process under test.
  if (kind === 'uncaughtException' && current) current.crashes++;
};
process.on('uncaughtException', onUnhandled('uncaughtException'));
process.on('unhandledRejection', onUnhandled('unhandledRejection'));

async function loadBoundaries(): Promise<Boundary[]> {
  const dir = join(import.meta.dirname, 'boundaries');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const found: Boundary[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: Boundary };
    found.push(mod.default);
  }
  return found.filter((b) => !ONLY || b.name === ONLY);
}

async function main(): Promise<void> {
  // Stalls are judged against a 2 s deadline: how busy the machine was says how much they mean.
  const loadBefore = loadavg()[0]!;
  const boundaries = await loadBoundaries();
  const weights = boundaries.reduce((s, b) => s + b.weight, 0);
  const results: Record<string, BoundaryResult & { ms: number }> = {};
  for (const [i, b] of boundaries.entries()) {
    const cases = Math.max(50, Math.round((TOTAL * b.weight) / weights));
    const tally = new Tally();
    current = tally;
    const before = unhandled;
    const started = performance.now();
    log(`${b.name}: ${cases} cases`);
    // A server that never stops (a half-open socket it does not close) would hang the whole run without a report.
    const deadlineMs = 120_000 + cases * 50;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
    });
    try {
      const run = b.run(
        { cases, seed: SEED + i * 1_000_003, stallMs: STALL_MS, progress: (l) => log(`${b.name}: ${l}`) },
        tally,
      );
      if ((await Promise.race([run.then(() => 'done' as const), late])) === 'late') {
        tally.stall(`the boundary did not finish within ${deadlineMs / 1000} s (a server that never stops?)`);
      }
    } catch (err) {
      tally.crashes++;
      tally.note(`the boundary's run failed: ${(err as Error).stack ?? String(err)}`.slice(0, 400));
    } finally {
      clearTimeout(timer);
    }
    // Late errors of this boundary's sockets land here before the next one starts.
    await new Promise((r) => setTimeout(r, 200));
    const ms = Math.round(performance.now() - started);
    results[b.name] = {
      cases: tally.cases,
      crashes: tally.crashes,
      stalls: tally.stalls,
      invalid_rows: tally.invalidRows,
      unhandled: unhandled - before,
      notes: tally.notes,
      ms,
    };
    const r = results[b.name]!;
    log(
      `${b.name}: ${r.cases} cases in ${(ms / 1000).toFixed(1)} s — crashes ${r.crashes}, stalls ${r.stalls}, ` +
        `invalid rows ${r.invalid_rows}, unhandled ${r.unhandled}`,
    );
    for (const n of r.notes) log(`  ${n}`);
  }
  current = undefined;
  const pass: Record<string, boolean> = {};
  for (const [name, r] of Object.entries(results)) {
    pass[name] =
      r.crashes === 0 && r.stalls === 0 && r.invalid_rows === 0 && r.unhandled === 0 && r.cases > 0;
  }
  pass.all = Object.values(pass).every(Boolean) && Object.keys(results).length > 0;
  const total = Object.values(results).reduce((s, r) => s + r.cases, 0);
  log(`${total} cases, ${pass.all ? 'all boundaries pass' : 'FAILED'}`);
  if (JSON_OUT) {
    const boundaries = Object.fromEntries(
      Object.entries(results).map(([name, { notes: _notes, ...r }]) => [name, r]),
    );
    const load_average = { start: round(loadBefore), end: round(loadavg()[0]!) };
    console.log(JSON.stringify({ seed: SEED, total_cases: total, load_average, boundaries, pass }));
  }
  process.exit(pass.all ? 0 : 1);
}

const round = (n: number) => Math.round(n * 100) / 100;

main().catch((err: Error) => {
  console.error(`fuzz: ${err.stack ?? err.message}`);
  process.exit(2);
});
