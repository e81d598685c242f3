/**
 * `npm run bench:soak -- [--json] [--minutes 3] [--sample-s 10] [--warmup-min M] [--alarm-every-s 2]
 * [--position-every-s 1] [--snapshot-every-s 5] [--target-mb-h 5] [--heap-dir DIR]`: does a console running for days hold its
 * memory flat? The long form of the issue-13 soak, run at an accelerated rate for a few minutes (or an hour).
 *
 * The console runs here as in production (createDesk: real SQLite file in WAL mode, a rotating log file,
 * the disk guard and the clock watch; the web host; the page in Debian's Chromium, signed in, showing the queue
 * and the site map). The site hub is a real SiteHub in its own process (tests/bench/lib/soak-hub-process.ts)
 * playing the demo community's scenario far faster than life: an alarm every `--alarm-every-s`, every guard's
 * position every `--position-every-s`, device faults. An operator works the queue through the core's router
 * (acknowledges, then resolves every alarm older than 20 s, so the queue stays the size a shift keeps it), a
 * camera snapshot is saved every `--snapshot-every-s`, and every 15 s the page's operator selects the first alarm.
 *
 * Every `--sample-s` the run takes, after a full garbage collection on each side (node --expose-gc; CDP
 * HeapProfiler.collectGarbage): the core process's RSS and V8 heap used (with its code and old-generation spaces),
 * and the page's JS heap used, DOM nodes and event listeners (CDP Performance.getMetrics). The figures: each
 * series' growth in MB per hour, by a least-squares line through the samples after the warm-up, and its first and
 * last value. The warm-up is the first half of the run (at most 30 min): in the first minutes V8 is still compiling
 * and optimising (the code space grows by about 1 MB over ten minutes, then stops), which a short run would
 * otherwise extrapolate into a leak. Targets (`pass`): core heap and page heap grow less than `--target-mb-h` (5)
 * MB/h after the warm-up. RSS is reported, not judged: the allocator keeps pages it may use again.
 *
 * A short run extrapolates: 10 minutes at 5 MB/h is under 1 MB of growth, so the heap figures after a full GC are
 * what can tell it. Progress goes to stdout; the LAST line is one JSON object with `pass`.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { mkdirSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';
import type { AlarmView, OperatorView } from '../../shared/contract';
import { alarmAge } from '../../shared/domain/alarm-lifecycle';
import { type ConsoleCore } from '../../electron/core';
import { createDesk } from '../../electron/desk';
import { createLogger } from '../../electron/common/log';
import { startWebHost } from '../../electron/web-host/server';
import { PageErrors } from '../support/page-errors';
import { ensureRendererBuilt, launchChromium } from './lib/browser';
import { log, machine, onCleanup, runBench, sleep, type BenchResult } from './lib/harness';
import { numberAtLeast, positive, readOptions } from './lib/options';
import { openConsole } from './lib/sign-in';
import type { SoakHubCommand, SoakHubReply } from './lib/soak-hub-process';
import { round1 } from './lib/stats';

const root = resolve(import.meta.dirname, '../..');

const opts = readOptions('bench:soak', (args) => {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      minutes: { type: 'string', default: '3' },
      'sample-s': { type: 'string', default: '10' },
      'warmup-min': { type: 'string' },
      'alarm-every-s': { type: 'string', default: '2' },
      'position-every-s': { type: 'string', default: '1' },
      'snapshot-every-s': { type: 'string', default: '5' },
      'target-mb-h': { type: 'string', default: '5' },
      'heap-dir': { type: 'string' },
    },
  });
  const minutes = positive('minutes', values.minutes);
  return {
    json: values.json,
    minutes,
    sampleS: positive('sample-s', values['sample-s']),
    warmupMin:
      values['warmup-min'] === undefined
        ? Math.min(30, minutes / 2)
        : numberAtLeast('warmup-min', values['warmup-min'], 0),
    alarmEveryS: positive('alarm-every-s', values['alarm-every-s']),
    positionEveryS: positive('position-every-s', values['position-every-s']),
    snapshotEveryS: positive('snapshot-every-s', values['snapshot-every-s']),
    targetMbH: positive('target-mb-h', values['target-mb-h']),
    heapDir: values['heap-dir'],
  };
});

/**
 * `--heap-dir DIR`: this process's heap (the core's, with the bench's own small bookkeeping) at the end of the
 * warm-up and at the end, for `node --import tsx tests/bench/lib/heap-diff.ts A B` to say what grew.
 */
function heapSnapshot(name: string): void {
  if (!opts.heapDir) return;
  mkdirSync(opts.heapDir, { recursive: true });
  globalThis.gc?.();
  const file = writeHeapSnapshot(join(opts.heapDir, `core-${name}.heapsnapshot`));
  log(`heap snapshot: ${file}`);
}

interface Sample {
  /** Minutes since the load started. */
  t: number;
  core_rss_mb: number;
  core_heap_mb: number;
  /** Of the core's heap: compiled code (grows while V8 optimises, then stops) and the old generation (objects kept). */
  core_code_mb: number;
  core_old_mb: number;
  page_heap_mb: number;
  page_nodes: number;
  page_listeners: number;
  open_alarms: number;
}

interface Series {
  /** Least-squares growth after the warm-up, MB (or count) per hour. */
  slope_per_h: number;
  first: number;
  last: number;
  max: number;
}

interface SoakResult extends BenchResult {
  date: string;
  machine: ReturnType<typeof machine>;
  options: typeof opts;
  /** The renderer build measured is older than its sources. */
  stale_build?: boolean;
  gc: { core: boolean };
  load: {
    hub_events_published: number;
    alarms_received: number;
    alarms_resolved: number;
    snapshots: number;
    page_selections: number;
  };
  series: Partial<Record<Exclude<keyof Sample, 't'>, Series>>;
  samples: Sample[];
  page_errors: string[];
  /** DOM elements gained (or lost) per subtree between the end of the warm-up and the end of the run. */
  dom_growth: Record<string, number>;
  targets: { heap_mb_per_h: number };
}

const result: SoakResult = {
  date: new Date().toISOString(),
  machine: machine(),
  options: opts,
  gc: { core: typeof globalThis.gc === 'function' },
  load: { hub_events_published: 0, alarms_received: 0, alarms_resolved: 0, snapshots: 0, page_selections: 0 },
  series: {},
  samples: [],
  page_errors: [],
  dom_growth: {},
  targets: { heap_mb_per_h: opts.targetMbH },
};

const MB = 1024 * 1024;

/** DOM elements per subtree (six levels deep, named by data-testid or first class): where nodes pile up, if they do. */
const DOM_CENSUS = `(() => {
  const out = {};
  const walk = (el, path, depth) => {
    const id = el.getAttribute('data-testid') || el.classList[0] || el.tagName.toLowerCase();
    const here = depth < 6 ? path + '/' + id : path;
    out[here] = (out[here] || 0) + 1;
    for (const c of el.children) walk(c, here, depth + 1);
  };
  walk(document.body, '', 0);
  return out;
})()`;
/** A camera frame as the page sends it: a PNG header and 48 KB of noise (a mild-noise 960×540 frame is far bigger). */
const SNAPSHOT = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  randomBytes(48 * 1024),
]).toString('base64');

/** Least-squares slope of y over t (minutes), per hour. */
function slopePerHour(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mt = points.reduce((s, [t]) => s + t, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [t, y] of points) {
    num += (t - mt) * (y - my);
    den += (t - mt) ** 2;
  }
  return den === 0 ? NaN : (num / den) * 60;
}

function startHub(dbFile: string, token: string): Promise<{ url: string; stop(): Promise<number> }> {
  const child = fork(join(import.meta.dirname, 'lib/soak-hub-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<SoakHubReply>((resolveReply, reject) => {
      child.once('message', (m) => resolveReply(m as SoakHubReply));
      child.once('exit', (code) => reject(new Error(`the hub process exited (${code})`)));
    });
  const send = (cmd: SoakHubCommand) => child.send(cmd);
  const started = next();
  send({
    op: 'start',
    dbFile,
    token,
    alarmEverySec: opts.alarmEveryS,
    positionEverySec: opts.positionEveryS,
  });
  return started.then((r) => {
    if (!r.ok) throw new Error(`hub process: ${r.error}`);
    return {
      url: r.url!,
      stop: async () => {
        const stopped = next().catch(() => ({ ok: true as const, published: 0 }));
        send({ op: 'stop' });
        const reply = await Promise.race([stopped, sleep(5000).then(() => undefined)]);
        if (!reply) child.kill('SIGKILL');
        return reply && reply.ok ? (reply.published ?? 0) : 0;
      },
    };
  });
}

/** The operator's side of a shift: every alarm older than 20 s is acknowledged, then resolved as checked. */
async function workTheQueue(core: ConsoleCore, operator: OperatorView): Promise<void> {
  const session = core.openSession('memory', operator);
  const open = await core.router.call('alarms.open', {}, session);
  if (!open.ok) return;
  const { alarms, steadyNow } = open.value as { alarms: AlarmView[]; steadyNow?: number };
  for (const a of alarms) {
    if (alarmAge(a, { wall: Date.now(), steady: steadyNow }) < 20_000) continue;
    if (a.state === 'new') await core.router.call('alarms.acknowledge', { id: a.id }, session);
    const r = await core.router.call(
      'alarms.resolve',
      { id: a.id, disposition: 'false_alarm', note: '浸泡测试：已核实 / soak: checked' },
      session,
    );
    if (r.ok) result.load.alarms_resolved++;
  }
}

async function pageMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: Array<{ name: string; value: number }>;
  };
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function run(tmp: string): Promise<void> {
  const { stale } = ensureRendererBuilt();
  if (stale) result.stale_build = true;
  const dataDir = join(tmp, 'console');
  const token = randomBytes(16).toString('hex');
  const hub = await startHub(join(tmp, 'hub.sqlite'), token);
  onCleanup('soak hub process', async () => {
    result.load.hub_events_published = await hub.stop();
  });
  const logger = createLogger({ file: join(dataDir, 'logs', 'console.log') });
  onCleanup('log file', () => logger.close());
  const core = await createDesk({
    dataDir,
    hub: { url: hub.url, token },
    log: logger,
    carrierHint: 'ws',
  });
  onCleanup('console core', () => core.stop());
  const host = await startWebHost({ core, staticDir: join(root, 'out/renderer'), log: logger.child('web') });
  onCleanup('web host', () => host.stop());

  const browser = await launchChromium();
  onCleanup('Chromium', () => browser.close());
  const page: Page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  const errors = new PageErrors();
  errors.watch(page);
  // No cameras exist: the wall's players get a socket that never sends a picture.
  await openConsole(page, core, host.url);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const operator: OperatorView = { id: 'soak-operator', name: '浸泡', role: 'operator' };

  const loadStarted = Date.now();
  const endAt = loadStarted + opts.minutes * 60_000;
  log(`soak: ${opts.minutes} min, a sample every ${opts.sampleS} s, warm-up ${opts.warmupMin} min`);
  let nextQueue = 0;
  let nextSnapshot = 0;
  let nextSelect = 0;
  let nextSample = 0;
  let clickFailed = false;
  let domAtWarmup: Record<string, number> | undefined;
  while (Date.now() < endAt) {
    const now = Date.now();
    if (now >= nextQueue) {
      nextQueue = now + 3000;
      await workTheQueue(core, operator);
    }
    if (now >= nextSnapshot) {
      nextSnapshot = now + opts.snapshotEveryS * 1000;
      const r = await core.router.call(
        'streams.snapshot',
        { cameraId: 'cam-01', profile: 'sub', png: SNAPSHOT },
        core.openSession('memory', operator),
      );
      if (r.ok) result.load.snapshots++;
    }
    if (now >= nextSelect) {
      nextSelect = now + 15_000;
      const clicked = await page
        .getByTestId('alarm-row')
        .first()
        .click({ timeout: 2000 })
        .then(
          () => true,
          (err: Error) => {
            if (!clickFailed) log(`selecting an alarm in the page failed: ${err.message.split('\n')[0]}`);
            clickFailed = true;
            return false;
          },
        );
      if (clicked) result.load.page_selections++;
    }
    if (now >= nextSample) {
      nextSample = now + opts.sampleS * 1000;
      globalThis.gc?.();
      const mem = process.memoryUsage();
      const space = (name: string) =>
        (getHeapSpaceStatistics().find((x) => x.space_name === name)?.space_used_size ?? NaN) / MB;
      const m = await pageMetrics(cdp);
      const open = await core.alarms.openAlarms();
      const sample: Sample = {
        t: Math.round((Date.now() - loadStarted) / 600) / 100,
        core_rss_mb: round1(mem.rss / MB),
        core_heap_mb: round1(mem.heapUsed / MB),
        core_code_mb: round1(space('code_space')),
        core_old_mb: round1(space('old_space')),
        page_heap_mb: round1((m.JSHeapUsedSize ?? NaN) / MB),
        page_nodes: m.Nodes ?? NaN,
        page_listeners: m.JSEventListeners ?? NaN,
        open_alarms: open.length,
      };
      result.samples.push(sample);
      if (!domAtWarmup && sample.t >= opts.warmupMin) {
        domAtWarmup = (await page.evaluate(DOM_CENSUS)) as Record<string, number>;
        heapSnapshot('warmup');
      }
      log(
        `t=${sample.t.toFixed(1)} min  core rss ${sample.core_rss_mb} MB heap ${sample.core_heap_mb} MB · ` +
          `page heap ${sample.page_heap_mb} MB, ${sample.page_nodes} nodes, ${sample.page_listeners} listeners · ` +
          `${sample.open_alarms} open`,
      );
    }
    await sleep(250);
  }
  if (domAtWarmup) {
    heapSnapshot('end');
    const end = (await page.evaluate(DOM_CENSUS)) as Record<string, number>;
    const growth = [...new Set([...Object.keys(end), ...Object.keys(domAtWarmup)])]
      .map((k) => [k, (end[k] ?? 0) - (domAtWarmup[k] ?? 0)] as const)
      .filter(([, d]) => d !== 0)
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      .slice(0, 8);
    result.dom_growth = Object.fromEntries(growth);
  }
  errors.stop();
  result.page_errors = errors.all.slice(0, 10);
  // Counted once at the end: bookkeeping kept during the run would grow the very heap being measured.
  const received = (await core.db('alarms').count({ n: '*' }).first()) as { n: number } | undefined;
  result.load.alarms_received = Number(received?.n ?? 0);

  const after = result.samples.filter((s) => s.t >= opts.warmupMin);
  for (const key of [
    'core_rss_mb',
    'core_heap_mb',
    'core_code_mb',
    'core_old_mb',
    'page_heap_mb',
    'page_nodes',
    'page_listeners',
    'open_alarms',
  ] as const) {
    const values = result.samples.map((s) => s[key]);
    result.series[key] = {
      slope_per_h: round1(slopePerHour(after.map((s) => [s.t, s[key]]))),
      first: values[0] ?? NaN,
      last: values.at(-1) ?? NaN,
      max: Math.max(...values),
    };
  }
}

await runBench<SoakResult>({
  name: 'bench:soak',
  json: opts.json,
  budgetMs: (opts.minutes + 5) * 60_000,
  result,
  run,
  pass: (r) => ({
    core_heap_growth_under_target:
      r.series.core_heap_mb === undefined ? undefined : r.series.core_heap_mb.slope_per_h < opts.targetMbH,
    page_heap_growth_under_target:
      r.series.page_heap_mb === undefined ? undefined : r.series.page_heap_mb.slope_per_h < opts.targetMbH,
    no_page_errors: r.samples.length ? r.page_errors.length === 0 : undefined,
  }),
  summary: (r) => {
    const line = (name: string, s: Series | undefined, unit: string) =>
      s
        ? `  ${name.padEnd(15)} ${String(s.first).padStart(7)} → ${String(s.last).padStart(7)} ${unit}` +
          `  (max ${s.max}; slope after warm-up ${s.slope_per_h} ${unit}/h)`
        : `  ${name}: not measured`;
    return [
      `bench:soak — ${opts.minutes} min, ${r.samples.length} samples (GC before each: core ${r.gc.core ? 'yes' : 'no (run with --expose-gc)'}, page yes)`,
      line('core RSS', r.series.core_rss_mb, 'MB'),
      line('core heap', r.series.core_heap_mb, 'MB'),
      line('  of it code', r.series.core_code_mb, 'MB'),
      line('  old space', r.series.core_old_mb, 'MB'),
      line('page JS heap', r.series.page_heap_mb, 'MB'),
      line('page DOM nodes', r.series.page_nodes, ''),
      line('page listeners', r.series.page_listeners, ''),
      line('open alarms', r.series.open_alarms, ''),
      `  load: ${r.load.hub_events_published} hub events, ${r.load.alarms_received} alarms in, ${r.load.alarms_resolved} resolved, ` +
        `${r.load.snapshots} snapshots, ${r.load.page_selections} selections in the page`,
      `  DOM after the warm-up: ${
        Object.entries(r.dom_growth)
          .map(([k, d]) => `${d > 0 ? '+' : ''}${d} ${k.split('/').slice(-2).join('/')}`)
          .join(', ') || 'no change'
      }`,
      `  target: heap growth < ${opts.targetMbH} MB/h; page errors: ${r.page_errors.length}`,
    ].join('\n');
  },
});
