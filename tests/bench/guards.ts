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
 * Progress goes to stdout; with --json the LAST line is one JSON object.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { SiteFileInput } from '../../shared/domain/site';
import { distanceM, lerp, type LatLon } from '../../shared/domain/geo';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/tools';
import { spawnWebHost } from '../support/web-host-process';
import { ACCOUNTS, provisionAccounts } from '../support/accounts';
import { procTable } from './lib/proc';
import { summariseProfile, type CpuProfile } from './lib/profile';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const JSON_OUT = argv.includes('--json');
/** A CPU profile of the page over the load phase, summarised (where the page's time goes). */
const PROFILE = argv.includes('--profile');
/** A/B diagnostics: a stylesheet injected into the page (e.g. `.guard-icon{transition:none!important}`). */
const INJECT_CSS = argv.includes('--inject-css') ? argv[argv.indexOf('--inject-css') + 1] : undefined;
const GUARDS = opt('guards', 60);
const DURATION_S = opt('duration-s', 60);
const EVERY_MS = opt('every-ms', 1000);
const BASELINE_S = opt('baseline-s', 15);
const TARGETS = { position_to_marker_p95_ms: 1500, longest_frame_gap_ms: 200 };

const log = (line: string) => console.log(`[bench:guards] ${line}`);
const pct = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : null;
const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 0.5), p95: pct(s, 0.95), max: s.at(-1) ?? null };
};

function writeSite(dir: string): {
  file: string;
  guards: Array<{ id: string; device: string; route: LatLon[] }>;
} {
  const demoDir = join(root, 'resources/demo-site');
  const site = JSON.parse(readFileSync(join(demoDir, 'site.json'), 'utf8')) as SiteFileInput & {
    routes: Array<{ id: string; checkpoints: Array<{ position: LatLon }> }>;
  };
  copyFileSync(join(demoDir, 'plan.svg'), join(dir, 'plan.svg'));
  const guards = Array.from({ length: GUARDS }, (_, i) => {
    const route = site.routes[i % site.routes.length]!;
    return {
      id: `bench-g${i + 1}`,
      device: `bench-phone-${i + 1}`,
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
  const file = join(dir, 'site.json');
  writeFileSync(file, JSON.stringify(site));
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-guards-'));
  const { file, guards } = writeSite(dir);
  log(`${GUARDS} guards reporting every ${EVERY_MS} ms for ${DURATION_S} s`);
  const host = await spawnWebHost(
    ['--data-dir', join(dir, 'data'), '--site', file, '--osmand-port', '0', '--osmand-host', '127.0.0.1'],
    { CONSOLE_LOG_STDERR: '1', CONSOLE_DEMO_SCENARIO: 'off' },
    60_000,
  );
  const { url, process: child, output } = host;
  // The port line follows the URL line on stderr: wait for it.
  const portLine = /Guards' phones \(Traccar Client \/ OsmAnd\): port (\d+)/;
  for (let i = 0; i < 100 && !portLine.test(output()); i++) await new Promise((r) => setTimeout(r, 100));
  const osmandPort = Number(portLine.exec(output())?.[1]);
  if (!osmandPort)
    throw new Error(`the console did not say where its OsmAnd endpoint is:\n${output().slice(-3000)}`);
  log(`console at ${url.replace(/token=.*/, 'token=…')}, OsmAnd on ${osmandPort}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  // The console starts signed out: accounts through its own API, then the sign-in form, before measuring.
  await provisionAccounts(url);
  await page.goto(url);
  await page.getByTestId('signin-username').fill(ACCOUNTS.operator.username);
  await page.getByTestId('signin-password').fill(ACCOUNTS.operator.password);
  await page.getByTestId('signin-submit').click();
  await page
    .locator('[data-testid="guard-marker"]')
    .first()
    .waitFor({ state: 'attached', timeout: 60_000 })
    .catch(() => undefined);
  // The page's own bookkeeping: when each marker showed each position, frame gaps, long tasks.
  if (INJECT_CSS) await page.addStyleTag({ content: INJECT_CSS });
  await page.evaluate(INSTALL_OBSERVER);

  // The same page with nothing moving, for comparison: the camera wall's video decoding and the clocks cost
  // something whatever the guards do, and this machine may be busy with other work.
  log(`baseline: ${BASELINE_S} s with no reports`);
  await new Promise((r) => setTimeout(r, BASELINE_S * 1000));
  const baseline = (await page.evaluate(
    '(() => { const b = globalThis.__bench; const out = { gaps: b.gaps, long: b.long }; b.gaps = []; b.long = []; b.seen = []; return out; })()',
  )) as { gaps: number[]; long: number[] };

  const cdp = PROFILE ? await page.context().newCDPSession(page) : undefined;
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
        const metres = walked.get(g.id)! + 1.3 * (EVERY_MS / 1000);
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
  const ticks = Math.floor((DURATION_S * 1000) / EVERY_MS);
  for (let i = 0; i < ticks; i++) {
    const started = Date.now();
    await tick();
    if (i % Math.max(1, Math.floor(10_000 / EVERY_MS)) === 0) log(`tick ${i + 1}/${ticks}`);
    await new Promise((r) => setTimeout(r, Math.max(0, EVERY_MS - (Date.now() - started))));
  }
  // Let the last batch arrive.
  await new Promise((r) => setTimeout(r, 1500));
  const wallMs = Date.now() - wallStart;
  const cpuMs = cpuMsOf(consolePid) - cpuStart;
  const page_ = (await page.evaluate(
    '(() => { const b = globalThis.__bench; b.stop = true; return { seen: b.seen, gaps: b.gaps, long: b.long }; })()',
  )) as { seen: Array<[string, string, number]>; gaps: number[]; long: number[] };
  const profile = cdp
    ? summariseProfile(
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
      )
    : undefined;
  const toMarker: number[] = [];
  for (const [guardId, position, at] of page_.seen) {
    const t0 = sent.get(`${guardId}|${position}`);
    if (t0 !== undefined) toMarker.push(at - t0);
  }
  const markers = await page.locator('[data-testid="guard-marker"]').count();
  await browser.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });

  const result = {
    guards: GUARDS,
    every_ms: EVERY_MS,
    duration_s: DURATION_S,
    reports_sent: sent.size,
    reports_refused: refused,
    markers_on_map: markers,
    http_ms: stats(httpMs),
    position_to_marker_ms: stats(toMarker),
    positions_shown: toMarker.length,
    page: {
      longest_frame_gap_ms: Math.round(Math.max(0, ...page_.gaps.slice(5))),
      long_tasks: page_.long.length,
      long_task_total_ms: Math.round(page_.long.reduce((a, b) => a + b, 0)),
      marker_updates_per_s: Math.round((page_.seen.length / wallMs) * 1000),
    },
    page_baseline_no_reports: {
      seconds: BASELINE_S,
      longest_frame_gap_ms: Math.round(Math.max(0, ...baseline.gaps.slice(5))),
      long_tasks_per_min: Math.round((baseline.long.length / BASELINE_S) * 60),
      long_task_ms_per_s: Math.round(baseline.long.reduce((a, b) => a + b, 0) / BASELINE_S),
    },
    page_long_task_ms_per_s: Math.round(page_.long.reduce((a, b) => a + b, 0) / (wallMs / 1000)),
    load_average: loadavg().map((x) => Math.round(x * 10) / 10),
    console_cpu_pct: Math.round((cpuMs / wallMs) * 100),
    ...(profile ? { page_profile: profile } : {}),
    ...(INJECT_CSS ? { injected_css: INJECT_CSS } : {}),
    targets: TARGETS,
    pass: {
      position_to_marker_p95: (stats(toMarker).p95 ?? Infinity) <= TARGETS.position_to_marker_p95_ms,
      longest_frame_gap: Math.max(0, ...page_.gaps.slice(5)) <= TARGETS.longest_frame_gap_ms,
    },
  };
  if (JSON_OUT) console.log(JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
}

main().catch((err: Error) => {
  console.error(`[bench:guards] failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
