/**
 * `npm run bench:guards -- [--json] [--guards 60] [--duration-s 60] [--every-ms 1000]`: what dozens of guards
 * reporting every second cost the console and the operator's page, measured on this machine in one run.
 *
 * A site file like the demo's but with N guards (spread over the demo's four routes) is written to a temp dir; the
 * console runs as `npm run start:web` does (web host + core in a child process, real SQLite file, the embedded demo
 * hub with its scenario off so only our phones move guards), and every guard's "phone" here reports over the real
 * OsmAnd HTTP endpoint once per `--every-ms`, walking his route. The page runs in Debian's Chromium.
 *
 *   http_ms           time for the console to answer each report (commit in SQLite included): p50/p95/max
 *   position_to_marker_ms  report sent -> the page's marker for that guard carries that position (MutationObserver
 *                     on `data-position`, stamped with Date.now(); one machine clock): p50/p95/max. The core
 *                     batches guard changes every 500 ms by design, so ~250 ms of the median is that batch.
 *   page              longest gap between animation frames while the guards move (a stall the operator would
 *                     see), long tasks (> 50 ms) and their total, marker updates per second
 *   page_baseline_no_reports  the same page for --baseline-s (15) before any report: what the wall's video and
 *                     the clocks cost anyway, so the guards' share is the difference
 *   console_cpu_pct   CPU of the console process over the run (100 = one core); load_average says how busy the
 *                     machine was (other work disturbs every figure here)
 *
 * --profile adds a CPU profile of the page over the load phase, summarised by function.
 * Progress goes to stdout; the LAST line is one JSON object with `pass` (--json: without the summary before it).
 * `--guards 2 --duration-s 3 --baseline-s 1` is a quick run that only checks the benchmark still works.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { SiteFileInput } from '../../shared/domain/site';
import { distanceM, lerp, type LatLon } from '../../shared/domain/geo';
import { provisionAccounts } from '../support/accounts';
import { writeDemoSite } from '../support/site';
import { spawnWebHost } from '../support/web-host-process';
import { ensureRendererBuilt, launchChromium } from './lib/browser';
import { log, machine, onCleanup, runBench, sleep, until, type BenchResult } from './lib/harness';
import { numberAtLeast, positive, readOptions } from './lib/options';
import { procTable } from './lib/proc';
import { summariseProfile, type CpuProfile } from './lib/profile';
import { percentile } from './lib/stats';
import { signInOperator } from './lib/sign-in';

const opts = readOptions('bench:guards', (args) => {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      /** A CPU profile of the page over the load phase, summarised (where the page's time goes). */
      profile: { type: 'boolean', default: false },
      /** A/B diagnostics: a stylesheet injected into the page (e.g. `.guard-icon{transition:none!important}`). */
      'inject-css': { type: 'string' },
      guards: { type: 'string', default: '60' },
      'duration-s': { type: 'string', default: '60' },
      'every-ms': { type: 'string', default: '1000' },
      'baseline-s': { type: 'string', default: '15' },
    },
  });
  return {
    json: values.json,
    profile: values.profile,
    injectCss: values['inject-css'],
    guards: Math.round(positive('guards', values.guards)),
    durationS: positive('duration-s', values['duration-s']),
    everyMs: positive('every-ms', values['every-ms']),
    baselineS: numberAtLeast('baseline-s', values['baseline-s'], 0),
  };
});
const TARGETS = { position_to_marker_p95_ms: 1500, longest_frame_gap_ms: 200 };

const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), max: s.at(-1) ?? NaN };
};

/** The demo site with `--guards` guards spread over its routes, each with one phone. */
function writeSite(dir: string): {
  file: string;
  guards: Array<{ id: string; device: string; route: LatLon[] }>;
} {
  let guards: Array<{ id: string; device: string; routeId: string; route: LatLon[] }> = [];
  const file = writeDemoSite(dir, (site: SiteFileInput) => {
    const routes = (site.routes ?? []) as Array<{ id: string; checkpoints: Array<{ position: LatLon }> }>;
    guards = Array.from({ length: opts.guards }, (_, i) => {
      const route = routes[i % routes.length]!;
      return {
        id: `bench-g${i + 1}`,
        // The device id is the phone's credential: long and random, as the console requires.
        device: `bench-phone-${i + 1}-${randomBytes(12).toString('base64url')}`,
        routeId: route.id,
        route: route.checkpoints.map((c) => c.position),
      };
    });
    site.guards = guards.map((g, i) => ({
      id: g.id,
      name: `保安${i + 1}`,
      devices: [g.device],
      route: g.routeId,
    }));
  });
  return { file, guards };
}

/** Where a walker is after `metres` along a closed loop. */
function along(points: LatLon[], metres: number): LatLon {
  const legs = points.map((p, i) => [p, points[(i + 1) % points.length]!] as const);
  const total = legs.reduce((s, [a, b]) => s + distanceM(a, b), 0);
  let left = metres % total;
  for (const [a, b] of legs) {
    const len = distanceM(a, b);
    if (left <= len) return lerp(a, b, len ? left / len : 0);
    left -= len;
  }
  return points[0]!;
}

/** The page's own bookkeeping (a string: it runs in the page, not here): marker positions, frame gaps, long tasks. */
const INSTALL_OBSERVER = `(() => {
  const b = (globalThis.__bench = { seen: [], gaps: [], long: [], stop: false });
  new MutationObserver((records) => {
    const at = Date.now();
    for (const r of records) {
      const el = r.target;
      if (!el.getAttribute || el.getAttribute('data-testid') !== 'guard-marker') continue;
      b.seen.push([el.getAttribute('data-guard-id') || '', el.getAttribute('data-position') || '', at]);
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-position'] });
  new PerformanceObserver((list) => { for (const e of list.getEntries()) b.long.push(e.duration); })
    .observe({ type: 'longtask', buffered: false });
  let last = performance.now();
  const frame = (t) => { b.gaps.push(t - last); last = t; if (!b.stop) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})()`;

function cpuMsOf(pid: number): number {
  return procTable().get(pid)?.cpuMs ?? 0;
}

/** The page's figures, read back from its bookkeeping (INSTALL_OBSERVER). */
interface PageBook {
  seen: Array<[string, string, number]>;
  gaps: number[];
  long: number[];
}

type Stats = ReturnType<typeof stats>;

interface Result extends BenchResult {
  guards: number;
  every_ms: number;
  duration_s: number;
  reports_sent?: number;
  reports_refused?: number;
  markers_on_map?: number;
  http_ms?: Stats;
  position_to_marker_ms?: Stats;
  positions_shown?: number;
  page?: {
    longest_frame_gap_ms: number;
    long_tasks: number;
    long_task_total_ms: number;
    marker_updates_per_s: number;
  };
  page_baseline_no_reports?: Record<string, number>;
  page_long_task_ms_per_s?: number;
  load_average?: number[];
  console_cpu_pct?: number;
  page_profile?: ReturnType<typeof summariseProfile>;
  injected_css?: string;
  machine: ReturnType<typeof machine>;
  targets: typeof TARGETS;
}

const result: Result = {
  guards: opts.guards,
  every_ms: opts.everyMs,
  duration_s: opts.durationS,
  machine: machine(),
  targets: TARGETS,
  ...(opts.injectCss ? { injected_css: opts.injectCss } : {}),
};

async function run(tmp: string): Promise<void> {
  ensureRendererBuilt();
  const { file, guards } = writeSite(tmp);
  log(`${opts.guards} guards reporting every ${opts.everyMs} ms for ${opts.durationS} s`);
  const host = await spawnWebHost(
    ['--data-dir', join(tmp, 'data'), '--site', file, '--osmand-port', '0', '--osmand-host', '127.0.0.1'],
    { CONSOLE_LOG_STDERR: '1', CONSOLE_DEMO_SCENARIO: 'off' },
    60_000,
  );
  const { url, process: child, output } = host;
  onCleanup('console (web host)', async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  });
  // The port line follows the URL line on stderr: wait for it.
  const portLine = /Guards' phones \(Traccar Client \/ OsmAnd\): port (\d+)/;
  const osmandPort = await until(
    'the console to say where its OsmAnd endpoint is',
    () => Number(portLine.exec(output())?.[1]) || undefined,
    10_000,
    100,
  ).catch(() => {
    throw new Error(`the console did not say where its OsmAnd endpoint is:\n${output().slice(-3000)}`);
  });
  log(`console at ${url.replace(/token=.*/, 'token=…')}, OsmAnd on ${osmandPort}`);

  const browser = await launchChromium();
  onCleanup('Chromium', () => browser.close());
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  // The console starts signed out: accounts through its own API, then the sign-in form, before measuring.
  await provisionAccounts(url);
  await page.goto(url);
  await signInOperator(page);
  await page
    .locator('[data-testid="guard-marker"]')
    .first()
    .waitFor({ state: 'attached', timeout: 60_000 })
    .catch(() => undefined);
  // The page's own bookkeeping: when each marker showed each position, frame gaps, long tasks.
  if (opts.injectCss) await page.addStyleTag({ content: opts.injectCss });
  await page.evaluate(INSTALL_OBSERVER);

  // The same page with nothing moving, for comparison: the camera wall's video decoding and the clocks cost
  // something whatever the guards do, and this machine may be busy with other work.
  log(`baseline: ${opts.baselineS} s with no reports`);
  await sleep(opts.baselineS * 1000);
  const baseline = (await page.evaluate(
    '(() => { const b = globalThis.__bench; const out = { gaps: b.gaps, long: b.long }; b.gaps = []; b.long = []; b.seen = []; return out; })()',
  )) as { gaps: number[]; long: number[] };

  const cdp = opts.profile ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const sent = new Map<string, number>();
  const httpMs: number[] = [];
  let refused = 0;
  // start:web is a supervisor; the console runs in the child process it names.
  const consolePid = Number(/Console service: pid (\d+)/.exec(output())?.[1] ?? child.pid);
  const cpuStart = cpuMsOf(consolePid);
  const wallStart = Date.now();
  const walked = new Map<string, number>(guards.map((g, i) => [g.id, i * 37]));
  const tick = async () => {
    const now = Date.now();
    await Promise.all(
      guards.map(async (g) => {
        const metres = walked.get(g.id)! + 1.3 * (opts.everyMs / 1000);
        walked.set(g.id, metres);
        const p = along(g.route, metres);
        const lat = p.lat.toFixed(6);
        const lon = p.lon.toFixed(6);
        const t0 = Date.now();
        sent.set(`${g.id}|${Number(lat).toFixed(6)},${Number(lon).toFixed(6)}`, t0);
        const res = await fetch(
          `http://127.0.0.1:${osmandPort}/?id=${g.device}&lat=${lat}&lon=${lon}&timestamp=${Math.floor(now / 1000)}&speed=2.5&bearing=90&accuracy=5&batt=80`,
          { method: 'POST' },
        );
        await res.text();
        httpMs.push(Date.now() - t0);
        if (res.status !== 200) refused++;
      }),
    );
  };
  const ticks = Math.floor((opts.durationS * 1000) / opts.everyMs);
  for (let i = 0; i < ticks; i++) {
    const started = Date.now();
    await tick();
    if (i % Math.max(1, Math.floor(10_000 / opts.everyMs)) === 0) log(`tick ${i + 1}/${ticks}`);
    await sleep(Math.max(0, opts.everyMs - (Date.now() - started)));
  }
  // Let the last batch arrive.
  await sleep(1500);
  const wallMs = Date.now() - wallStart;
  const cpuMs = cpuMsOf(consolePid) - cpuStart;
  const book = (await page.evaluate(
    '(() => { const b = globalThis.__bench; b.stop = true; return { seen: b.seen, gaps: b.gaps, long: b.long }; })()',
  )) as PageBook;
  if (cdp)
    result.page_profile = summariseProfile(
      ((await cdp.send('Profiler.stop')) as { profile: CpuProfile }).profile,
      (url, fn) =>
        fn === '(idle)'
          ? 'idle'
          : fn === '(program)'
            ? 'native (style, layout, paint)'
            : url
              ? 'script'
              : 'native',
      (url) => url.includes('/assets/'),
      15,
    );
  const toMarker: number[] = [];
  for (const [guardId, position, at] of book.seen) {
    const t0 = sent.get(`${guardId}|${position}`);
    if (t0 !== undefined) toMarker.push(at - t0);
  }
  result.markers_on_map = await page.locator('[data-testid="guard-marker"]').count();

  result.reports_sent = sent.size;
  result.reports_refused = refused;
  result.http_ms = stats(httpMs);
  result.position_to_marker_ms = stats(toMarker);
  result.positions_shown = toMarker.length;
  result.page = {
    longest_frame_gap_ms: Math.round(Math.max(0, ...book.gaps.slice(5))),
    long_tasks: book.long.length,
    long_task_total_ms: Math.round(book.long.reduce((a, b) => a + b, 0)),
    marker_updates_per_s: Math.round((book.seen.length / wallMs) * 1000),
  };
  result.page_baseline_no_reports = {
    seconds: opts.baselineS,
    longest_frame_gap_ms: Math.round(Math.max(0, ...baseline.gaps.slice(5))),
    long_tasks_per_min: Math.round((baseline.long.length / opts.baselineS) * 60),
    long_task_ms_per_s: Math.round(baseline.long.reduce((a, b) => a + b, 0) / opts.baselineS),
  };
  result.page_long_task_ms_per_s = Math.round(book.long.reduce((a, b) => a + b, 0) / (wallMs / 1000));
  result.load_average = loadavg().map((x) => Math.round(x * 10) / 10);
  result.console_cpu_pct = Math.round((cpuMs / wallMs) * 100);
}

function summary(r: Result): string {
  const ok = (v: boolean | undefined) => (v === undefined ? '  ' : v ? 'ok' : '!!');
  const lines = [
    `Guards benchmark: ${r.guards} guards reporting every ${r.every_ms} ms for ${r.duration_s} s (load ${String(r.load_average?.[0] ?? '-')})`,
    `  ${ok(r.pass?.position_to_marker_p95)} report -> marker p50 ${r.position_to_marker_ms?.p50 ?? '-'} ms, p95 ${r.position_to_marker_ms?.p95 ?? '-'} ms   (target p95 <= ${TARGETS.position_to_marker_p95_ms})`,
    `  ${ok(r.pass?.longest_frame_gap)} longest frame gap ${r.page?.longest_frame_gap_ms ?? '-'} ms   (target <= ${TARGETS.longest_frame_gap_ms}; ${r.page_baseline_no_reports?.longest_frame_gap_ms ?? '-'} ms with nothing moving)`,
    `     reports ${r.reports_sent ?? '-'} sent, ${r.reports_refused ?? '-'} refused; endpoint p50 ${r.http_ms?.p50 ?? '-'} ms, p95 ${r.http_ms?.p95 ?? '-'} ms; console CPU ${r.console_cpu_pct ?? '-'} %`,
  ];
  if (r.leftover_processes?.length) lines.push(`  left running: ${r.leftover_processes.join('; ')}`);
  if (r.error) lines.push(`  ERROR: ${r.error}`);
  return lines.join('\n');
}

await runBench({
  name: 'bench:guards',
  json: opts.json,
  budgetMs: (opts.baselineS + opts.durationS) * 1000 + 5 * 60_000,
  result,
  run,
  pass: (r) => ({
    position_to_marker_p95: r.position_to_marker_ms
      ? r.position_to_marker_ms.p95 <= TARGETS.position_to_marker_p95_ms
      : undefined,
    longest_frame_gap: r.page ? r.page.longest_frame_gap_ms <= TARGETS.longest_frame_gap_ms : undefined,
  }),
  summary,
});
