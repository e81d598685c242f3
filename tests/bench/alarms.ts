/**
 * `npm run bench:alarms -- [--json]`: the alarm path's figures, measured on this machine in one run.
 *
 *   latency_ms       hub publish -> committed in the console's SQLite -> painted in the page, at 50, 200 and 1000
 *                    alarms/s for 10 s each (a fresh hub, console, browser and page per rate). Each alarm's raisedAt
 *                    is the Date.now() the hub process took just before publish(); the page stamps Date.now() after
 *                    the frame that shows the open count including it (lib/alarm-page.ts); one machine clock.
 *   burst10k         10,000 alarms published as fast as the hub can: absorb_ms (first publish -> all committed in
 *                    the console DB and the page's open count at 10,000), the longest gap between animation frames
 *                    in the page meanwhile (max_main_thread_stall_ms) and what the console DB is missing (lost).
 *   history_query_ms alarms.history through the core's router over 1,000,000 closed alarms (a separate database
 *                    filled by lib/history-fixture.ts): the door_held + bldg-01 page, and page 50 of it through the
 *                    keyset cursor; median and p95 of 20 runs, with SQLite's EXPLAIN QUERY PLAN for both.
 *   backlog          issue 23: for 10,000 and 100,000 door-held alarms waiting in the hub's log when the console
 *                    starts, fire alarms published during the replay (lib/backlog-bench.ts): publish -> committed
 *                    and -> painted p50/p99 (target p99 <= 1 s), each fire one row, the replay's progress meanwhile.
 *   diagnostics      why: (1) a 2,000-alarm burst with profilers on (CPU profile of the console process; CPU profile
 *                    and trace of the page's main thread, with its longest tasks); the 10k burst again (2) with the
 *                    site map markers' pulse animation switched off by an injected stylesheet and (3) with alarms
 *                    that carry no position (no map markers at all); (4) a profiled 5,000 burst of those; 200/s
 *                    (5) without the pulse and (6) also with the core's documented `alarmFlushMs` at 50 ms. Only
 *                    the stylesheet, the alarms' content and that setting differ: the product is run as it is.
 *                    The history part also times what the proposed index and keyset would give (`what_if`).
 *                    Each phase reports the CPU of the console process, the hub process and Chromium, and what
 *                    OTHER processes used meanwhile (`others_pct`: another benchmark on the machine disturbs it).
 *
 * The site hub is a real SiteHub (its own SQLite file) in a child process (lib/alarm-hub-process.ts); the console
 * core (createDesk: real SQLite file, WAL, synchronous=FULL), the web host and the bookkeeping run here; the
 * page runs in Debian's Chromium via playwright-core. The camera wall's video is not started (its WebSocket is
 * answered by a stub; `--video` lets the wall's nine ffmpeg streams run too), so the figures are the alarm path's.
 * A page that cannot keep up is not waited for forever: rates get 30 s after their last publish, a burst 75 s
 * after its first; alarms not painted by then count as painted at the cut-off, so their percentiles are LOWER
 * BOUNDS (flagged `*_is_lower_bound`), and a frame still not finished at the cut-off counts as a stall that long.
 *
 * Progress lines go to stdout; the LAST line is one JSON object with `pass` (--json: without the summary before it).
 * Options: --duration-s S (per rate, default 10) · --rates 50,200,1000 · --burst N (default 10000)
 * · --history-rows N (default 1000000) · --skip latency,burst,backlog,history,diagnostics · --only burst (the
 *   phases named, every other one skipped) · --video
 * · --backlog 10000,100000 · --backlog-fires N (default 10) · --backlog-spacing-ms MS (default 200)
 *   (10 fires: the queue shows about 19 rows at 1920×1080 and a row scrolled out of view is not painted; 200 ms:
 *   on a quiet machine a 10,000 replay lasts about 2 s, and fires after it would say nothing about the lane)
 * A quick run that only checks the benchmark still works: `--skip burst,history,diagnostics --rates 200 --duration-s 1`.
 * · --diagnostics profiled,nopulse,nomarkers,profnomarkers,rate (the diagnostics' parts run, default all)
 * · --profiled-burst N (the profiled diagnostic burst's size, default 2000)
 * Env: BENCH_PROFILE_DIR=DIR keeps the diagnostic burst's raw profiles and trace (for Chrome DevTools).
 *
 * Everything it starts (hub process, cores, web hosts, Chromium, temp dirs) is stopped or removed before the
 * result is printed, and a watchdog ends the run if it exceeds its time budget.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { type ConsoleCore } from '../../electron/core';
import { startLinkedConsole } from '../support/hub';
import { createLogger, type LogLine } from '../../electron/common/log';
import { startWebHost, type WebHost } from '../../electron/web-host/server';
import type { AlarmView } from '../../shared/contract';
import { PageErrors } from '../support/page-errors';
import type { HubDbStats, PublishReport } from './lib/alarm-hub-process';
import { BINDING, INSTALL_OBSERVER, PageRecord, STOP_OBSERVER, type PageReport } from './lib/alarm-page';
import { ensureRendererBuilt, launchChromium } from './lib/browser';
import { log, machine, onCleanup, runBench, sleep, until, type BenchResult } from './lib/harness';
import { backlogPhase, type BacklogEntry } from './lib/backlog-bench';
import { runHistory, type HistoryResult } from './lib/history-bench';
import { HubProcess } from './lib/hub-client';
import { commaList, positive, readOptions } from './lib/options';
import { cmdline, descendants, machineCpu, procTable } from './lib/proc';
import {
  longestBlocks,
  nodeCategory,
  summariseProfile,
  summariseTrace,
  type CpuProfile,
  type TraceEvent,
} from './lib/profile';
import { openConsole } from './lib/sign-in';
import { ascending, percentile, round1 } from './lib/stats';

const root = resolve(import.meta.dirname, '../..');
const VIEWPORT = { width: 1920, height: 1080 };
const BUDGET_MS = 9.5 * 60_000;
/** How long a rate's page may lag behind its last publish, and a burst's page behind its first publish. */
const RATE_DRAIN_MS = 30_000;
const BURST_CAP_MS = 75_000;
/** The diagnostic A/B: the site map's markers without their infinite pulse animation (product otherwise as is). */
const NO_MAP_PULSE_CSS = '[data-testid=map-alarm] { animation: none !important; }';

/** Issue 14's targets. */
const TARGETS = {
  latency_p99_ms_at_200: 200,
  /** The burst, committed by the console: events per second from its first commit to its last. */
  burst_commits_per_s: 5000,
  burst_absorb_ms: 5000,
  burst_max_stall_ms: 100,
  burst_lost: 0,
  /** Pages 1, 50 and 400 of the filtered history over 1,000,000 rows. */
  history_page_ms: 20,
  /** Issue 23: a fire published while a backlog replays, committed and painted. */
  backlog_fire_painted_p99_ms: 1000,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Options

const PHASES = ['latency', 'burst', 'backlog', 'history', 'diagnostics'] as const;
/** The diagnostics' parts (`--diagnostics profiled` runs only the profiled burst: a profile in a minute). */
const DIAGNOSTICS = ['profiled', 'nopulse', 'nomarkers', 'profnomarkers', 'rate'] as const;

const opts = readOptions('bench:alarms', (args) => {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      'duration-s': { type: 'string', default: '10' },
      rates: { type: 'string', default: '50,200,1000' },
      burst: { type: 'string', default: '10000' },
      'history-rows': { type: 'string', default: '1000000' },
      skip: { type: 'string', default: '' },
      only: { type: 'string', default: '' },
      video: { type: 'boolean', default: false },
      backlog: { type: 'string', default: '10000,100000' },
      'backlog-fires': { type: 'string', default: '10' },
      'backlog-spacing-ms': { type: 'string', default: '200' },
      diagnostics: { type: 'string', default: DIAGNOSTICS.join(',') },
      'profiled-burst': { type: 'string', default: '2000' },
    },
  });
  return {
    json: values.json,
    durationS: positive('duration-s', values['duration-s']),
    rates: commaList(values.rates).map((r) => positive('rates', r)),
    burst: Math.round(positive('burst', values.burst)),
    historyRows: Math.round(positive('history-rows', values['history-rows'])),
    // `--only burst` is `--skip` of every other phase.
    skip: new Set(
      values.only ? PHASES.filter((p) => !commaList(values.only).includes(p)) : commaList(values.skip),
    ),
    video: values.video,
    backlogSizes: commaList(values.backlog).map((r) => Math.round(positive('backlog', r))),
    backlogFires: Math.round(positive('backlog-fires', values['backlog-fires'])),
    backlogSpacingMs: positive('backlog-spacing-ms', values['backlog-spacing-ms']),
    diagnostics: new Set(commaList(values.diagnostics)),
    profiledBurst: Math.round(positive('profiled-burst', values['profiled-burst'])),
  };
});
type Options = typeof opts;

/** Resolves to `fallback` if `p` has not settled within `ms` (a frozen page must not hang the run). */
async function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<T>((r) => {
    timer = setTimeout(() => r(fallback), ms);
  });
  try {
    return await Promise.race([p.catch(() => fallback), t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Chromium processes of ours still alive (after a close that a frozen renderer outlived): SIGKILL by pid. */
function killChromiumLeftovers(hubPid: number): number {
  const left = descendants(procTable(), process.pid, [hubPid]).filter(
    (p) => p.state !== 'Z' && /chrom/i.test(p.comm + cmdline(p.pid)),
  );
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return left.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Small statistics

interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

function stats(values: number[]): Stats {
  const s = ascending(values);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
  return {
    n: s.length,
    p50: round1(percentile(s, 50)),
    p99: round1(percentile(s, 99)),
    max: round1(s.at(-1) ?? NaN),
    mean: round1(mean),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CPU accounting (this process = console core + web host + harness; the hub process; Chromium's processes)

interface CpuSnapshot {
  at: number;
  self: number;
  hub: number;
  chromium: number;
  machineBusy: number;
  iowait: number;
}

async function cpuSnapshot(hub: HubProcess): Promise<CpuSnapshot> {
  const u = process.cpuUsage();
  const chromium = descendants(procTable(), process.pid, [hub.pid]).reduce((s, p) => s + p.cpuMs, 0);
  const m = machineCpu();
  return {
    at: Date.now(),
    self: (u.user + u.system) / 1000,
    hub: await hub.cpuMs(),
    chromium,
    machineBusy: m.busyMs,
    iowait: m.iowaitMs,
  };
}

/**
 * CPU used between two snapshots, in % of one core (200 % = both cores of a 2-core machine). `others_pct` is what
 * processes that are not this run's used meanwhile (another benchmark on the same machine disturbs the figures).
 */
function cpuBetween(a: CpuSnapshot, b: CpuSnapshot) {
  const wall = Math.max(1, b.at - a.at);
  const p = (x: number, y: number) => Math.round(((y - x) / wall) * 100);
  const ours = b.self - a.self + (b.hub - a.hub) + (b.chromium - a.chromium);
  return {
    console_process_pct: p(a.self, b.self),
    hub_process_pct: p(a.hub, b.hub),
    chromium_pct: p(a.chromium, b.chromium),
    others_pct: Math.max(0, Math.round(((b.machineBusy - a.machineBusy - ours) / wall) * 100)),
    iowait_pct: p(a.iowait, b.iowait),
    of_pct: cpus().length * 100,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One console: a fresh hub log, console database, web host, browser and page

interface Variant {
  /** A stylesheet injected into the page (the diagnostic A/B); none for the figures. */
  css?: string;
  /** Alarms with a position (every real detector has one; the map shows a marker per open alarm). */
  withLocation: boolean;
  /** The core's documented `alarmFlushMs` setting (default 200 ms); only the diagnostics change it. */
  alarmFlushMs?: number;
}
const AS_IS: Variant = { withLocation: true };

interface Stack {
  name: string;
  core: ConsoleCore;
  host: WebHost;
  browser: Browser;
  page: Page;
  errors: LogLine[];
  pageErrors: PageErrors;
  /** Where the page's reports go (set per load). */
  sink: ((r: PageReport) => void) | undefined;
  /** sourceId -> Date.now() when the hub's `event` message reached the console's socket. */
  arrivedAt: Map<string, number>;
  /** sourceId -> Date.now() when the link acknowledged the event as committed (it acks after its transaction). */
  committedAt: Map<string, number>;
  /** sourceId -> Date.now() when the core first pushed the alarm to renderers (alarms.changed, every 200 ms). */
  flushedAt: Map<string, number>;
  escalations: number;
  /** Date.now() of the first escalation (unacknowledged past its target) pushed during the run. */
  firstEscalationAt: number;
  stop(): Promise<void>;
}

async function startStack(
  name: string,
  hub: HubProcess,
  tmp: string,
  opts: Options,
  variant: Variant,
): Promise<Stack> {
  const dir = mkdtempSync(join(tmp, `${name}-`));
  const token = randomBytes(16).toString('hex');
  const releaseDir = onCleanup(`${name} data dir`, () => rmSync(dir, { recursive: true, force: true }));
  const url = await hub.start(join(dir, 'hub.sqlite'), token);
  const releaseHub = onCleanup(`${name} hub`, () => hub.stopHub());
  const errors: LogLine[] = [];
  const logger = createLogger({ level: 'error', sink: (l) => errors.push(l) });
  const arrived = new Map<string, number>();
  const committed = new Map<string, number>();
  const core = await startLinkedConsole(dir, { url, token }, 'console', {
    log: logger,
    carrierHint: 'ws',
    demo: { scenario: false },
    ...(variant.alarmFlushMs ? { alarmFlushMs: variant.alarmFlushMs } : {}),
    // The product's own socket.io client, watched from outside: when each hub event arrives, and when the link
    // acknowledges it `{ok: true, seq}` (the protocol's "committed": the link acks only after its transaction).
    socketFactory: (u, options) => watchedSocket(io(u, options), arrived, committed),
  });
  const releaseCore = onCleanup(`${name} console core`, () => core.stop());
  const host = await startWebHost({ core, staticDir: join(root, 'out/renderer'), log: logger.child('web') });
  const releaseHost = onCleanup(`${name} web host`, () => host.stop());
  // A browser per console: a page frozen by one load cannot slow the next one down.
  const browser = await launchChromium();
  const releaseBrowser = onCleanup(`${name} Chromium`, async () => {
    await within(browser.close(), 15_000, undefined);
    const killed = killChromiumLeftovers(hub.pid);
    if (killed) log(`  ${name}: ${killed} Chromium process(es) outlived browser.close(); killed them`);
  });

  const stack: Stack = {
    name,
    core,
    host,
    browser,
    page: undefined as unknown as Page,
    errors,
    pageErrors: new PageErrors(),
    sink: undefined,
    arrivedAt: arrived,
    committedAt: committed,
    flushedAt: new Map(),
    escalations: 0,
    firstEscalationAt: NaN,
    stop: async () => undefined,
  };
  const unsubscribe = core.bus.subscribe((event, payload) => {
    if (event === 'alarms.changed') {
      const now = Date.now();
      for (const a of (payload as { alarms: AlarmView[] }).alarms)
        if (!stack.flushedAt.has(a.sourceId)) stack.flushedAt.set(a.sourceId, now);
    } else if (event === 'alarms.escalated') {
      if (stack.escalations++ === 0) stack.firstEscalationAt = Date.now();
    }
  });

  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  stack.page = page;
  stack.pageErrors.watch(page);
  await page.exposeBinding(BINDING, (_source, payload: PageReport) => stack.sink?.(payload));
  // Without --video the two cores are left to the alarm path.
  await openConsole(page, core, host.url, { video: opts.video });
  if (variant.css) await page.addStyleTag({ content: variant.css });
  await page.waitForSelector('[data-testid=alarm-open-count]', { timeout: 30_000 });
  await until(
    'the console to sync with the hub',
    () => core.hub.status().state === 'connected' || undefined,
    30_000,
    100,
  );
  await until(
    'the page to show an empty queue',
    async () => ((await openCount(page)) === 0 ? true : undefined),
    30_000,
    100,
  );
  // Let the first renders, fonts and the plan image settle before anything is measured.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await sleep(1000);

  stack.stop = async () => {
    unsubscribe();
    await releaseBrowser();
    await releaseHost();
    await releaseCore();
    await releaseHub();
    await releaseDir();
  };
  return stack;
}

/**
 * Passes every listener through unchanged, except that the `event` and `events` listeners (the hub link's) are
 * called with an ack that first notes the time: arrival when the message comes in, commit when the link acks it
 * `{ok: true, seq}`.
 */
function watchedSocket(socket: Socket, arrived: Map<string, number>, committed: Map<string, number>): Socket {
  const on = socket.on.bind(socket) as (event: string, fn: (...args: unknown[]) => void) => Socket;
  const sourceIdOf = (raw: unknown) => {
    const e = raw as { kind?: string; data?: { sourceId?: unknown } } | null;
    return e?.kind === 'alarm' && typeof e.data?.sourceId === 'string' ? e.data.sourceId : undefined;
  };
  (socket as unknown as { on: typeof on }).on = (event, fn) => {
    if (event === 'events') return on(event, watchedBatch(fn, sourceIdOf, arrived, committed));
    if (event !== 'event') return on(event, fn);
    return on(event, (raw: unknown, ack?: unknown) => {
      const id = sourceIdOf(raw);
      if (id && !arrived.has(id)) arrived.set(id, Date.now());
      if (!id || typeof ack !== 'function') return fn(raw, ack);
      return fn(raw, (reply: unknown) => {
        const r = reply as { ok?: unknown; seq?: unknown } | null;
        if (r?.ok === true && typeof r.seq === 'number' && !committed.has(id)) committed.set(id, Date.now());
        (ack as (reply: unknown) => void)(reply);
      });
    });
  };
  return socket;
}

/**
 * The same for hub protocol 5's `events` messages: each alarm arrives with its message, and is committed when the
 * message's one answer says the console moved past its seq without setting it aside.
 */
function watchedBatch(
  fn: (...args: unknown[]) => void,
  sourceIdOf: (raw: unknown) => string | undefined,
  arrived: Map<string, number>,
  committed: Map<string, number>,
) {
  return (raw: unknown, ack?: unknown) => {
    if (!Array.isArray(raw) || typeof ack !== 'function') return fn(raw, ack);
    const now = Date.now();
    const ids: [number, string][] = [];
    for (const e of raw as unknown[]) {
      const id = sourceIdOf(e);
      const seq = (e as { seq?: unknown } | null)?.seq;
      if (!id || typeof seq !== 'number') continue;
      if (!arrived.has(id)) arrived.set(id, now);
      ids.push([seq, id]);
    }
    return fn(raw, (reply: unknown) => {
      const r = reply as { ok?: unknown; seq?: unknown; refused?: { seq: number }[] } | null;
      if (r?.ok === true && typeof r.seq === 'number') {
        const at = Date.now();
        const refused = new Set((r.refused ?? []).map((x) => x.seq));
        for (const [seq, id] of ids)
          if (seq <= r.seq && !refused.has(seq) && !committed.has(id)) committed.set(id, at);
      }
      (ack as (reply: unknown) => void)(reply);
    });
  };
}

async function openCount(page: Page): Promise<number> {
  return (await page.evaluate(
    `(() => { const c = document.querySelector('[data-testid=alarm-open-count]'); const m = /\\d+/.exec(c ? c.textContent || '' : ''); return m ? Number(m[0]) : -1; })()`,
  )) as number;
}

// ---------------------------------------------------------------------------------------------------------------
// Driving a load through a stack and reading what happened

interface LoadResult {
  report: PublishReport;
  sent: number;
  committed: number;
  rendered: number;
  lost: number;
  firstPublish: number;
  lastPublish: number;
  /** When the page's painted count first reached `sent` (NaN if not by the cut-off). */
  renderDoneAt: number;
  commitDoneAt: number;
  cutoffAt: number;
  /** Per alarm: when the frame showing it was done; NaN if not by the cut-off. */
  paintAt: number[];
  record: PageRecord;
  cpu: ReturnType<typeof cpuBetween>;
  eventLoop: { p99_ms: number; max_ms: number };
  identityCheck: string;
  hubDb: HubDbStats;
}

async function drive(
  stack: Stack,
  hub: HubProcess,
  label: string,
  prefix: string,
  publish: () => Promise<PublishReport>,
  expected: number,
  pageDeadline: (firstPublish: number, lastPublish: number) => number,
): Promise<LoadResult> {
  const { page, core } = stack;
  // Warm-up: 20 alarms at 20/s through the whole path (JIT, first-use code paths in hub, core and page), then
  // clear the bookkeeping; they stay open in the queue, and the observer counts from there.
  await hub.paced(`${prefix}w`, 20, 1000, 7);
  await until(
    'the warm-up alarms to be shown',
    async () => ((await openCount(page)) >= 20 && stack.committedAt.size >= 20 ? true : undefined),
    30_000,
    100,
  );
  await sleep(500);
  stack.arrivedAt.clear();
  stack.committedAt.clear();
  stack.flushedAt.clear();
  const record = new PageRecord();
  stack.sink = (r) => record.add(r);
  const base = (await page.evaluate(INSTALL_OBSERVER)) as number;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu0 = await cpuSnapshot(hub);
  await hub.dbStats();
  stack.escalations = 0;
  stack.firstEscalationAt = NaN;
  const startedAt = Date.now();
  let published = false;
  const progress = setInterval(() => {
    log(
      `  ${label}: ${((Date.now() - startedAt) / 1000).toFixed(0)} s, ${published ? 'all published' : 'publishing'}, ` +
        `committed ${stack.committedAt.size}, page painted ${Math.max(0, record.paintedCount() - base)} of ${expected}` +
        `, last frame ${((Date.now() - record.lastFrameAt) / 1000).toFixed(1)} s ago`,
    );
  }, 5000);
  let report: PublishReport;
  let cutoffAt: number;
  try {
    report = await publish();
    published = true;
    const sent = report.publishedAt.length - report.failed;
    const deadline = pageDeadline(Math.min(...report.publishedAt), Math.max(...report.publishedAt));
    // Commits: until all are in, or nothing new for 20 s. Page: until it painted them all, or its deadline.
    let lastCommits = -1;
    let lastCommitChange = Date.now();
    for (;;) {
      const commits = stack.committedAt.size;
      if (commits !== lastCommits) {
        lastCommits = commits;
        lastCommitChange = Date.now();
      }
      const commitsDone = commits >= sent || Date.now() - lastCommitChange > 20_000;
      const pageDone = record.paintedCount() - base >= sent || Date.now() > deadline;
      if (commitsDone && pageDone) break;
      await sleep(100);
    }
    cutoffAt = Date.now();
  } finally {
    clearInterval(progress);
  }
  await within(page.evaluate(STOP_OBSERVER), 2000, undefined);
  stack.sink = undefined;
  const cpu1 = await cpuSnapshot(hub);
  const hubDb = await hub.dbStats();
  loop.disable();

  const n = report.publishedAt.length;
  const paintAt = new Array<number>(n).fill(NaN);
  let assigned = 0;
  let renderDoneAt = NaN;
  for (let i = 0; i < record.counts.length; i += 3) {
    const shown = Math.min(n, record.counts[i]! - base);
    const painted = record.counts[i + 2]!;
    while (assigned < shown) paintAt[assigned++] = painted;
    if (shown >= n - report.failed && Number.isNaN(renderDoneAt)) renderDoneAt = painted;
  }
  const row = (await core
    .db('alarms')
    .where('source_id', 'like', `${prefix}-%`)
    .count({ n: '*' })
    .countDistinct({ d: 'source_id' })
    .first()) as { n: number; d: number };
  const committed = Number(row.d);
  if (Number(row.n) !== committed) log(`  ${label}: ${Number(row.n) - committed} alarms stored twice!`);
  const sent = n - report.failed;
  const rendered = paintAt.filter((v) => !Number.isNaN(v)).length;
  const commitTimes = [...stack.committedAt.values()];

  // Spot check that the count really stands for these alarms: the last one published, found by its device in the
  // search box, is a row with the id the console stored for it. (Only on a page that kept up: typing into a
  // frozen page would just wait.)
  let identityCheck = 'skipped: the page had not painted every alarm';
  if (rendered === sent) {
    const lastAlarm = (await core
      .db('alarms')
      .where({ source_id: `${prefix}-${n - 1}` })
      .first('id', 'device_id')) as { id: string; device_id: string } | undefined;
    if (!lastAlarm) identityCheck = `FAILED: ${prefix}-${n - 1} is not in the console database`;
    else {
      identityCheck = await within(
        (async () => {
          await page.fill('[data-testid=alarm-search]', lastAlarm.device_id);
          await page.waitForSelector(`[data-testid=alarm-row][data-alarm-id="${lastAlarm.id}"]`, {
            timeout: 20_000,
          });
          await page.fill('[data-testid=alarm-search]', '');
          return `ok: the last alarm (${prefix}-${n - 1}) is row ${lastAlarm.id}`;
        })().catch((err: Error) => `FAILED: ${err.message.split('\n')[0]}`),
        25_000,
        'FAILED: the page did not answer within 25 s',
      );
    }
  }

  return {
    report,
    sent,
    committed,
    rendered,
    lost: sent - committed,
    firstPublish: Math.min(...report.publishedAt),
    lastPublish: Math.max(...report.publishedAt),
    renderDoneAt,
    commitDoneAt: commitTimes.length ? Math.max(...commitTimes) : NaN,
    cutoffAt,
    paintAt,
    record,
    cpu: cpuBetween(cpu0, cpu1),
    eventLoop: { p99_ms: round1(loop.percentile(99) / 1e6), max_ms: round1(loop.max / 1e6) },
    identityCheck,
    hubDb,
  };
}

/**
 * Per-alarm times from publish to each stage. An alarm the page had not painted by the cut-off counts as painted
 * at the cut-off, so the paint percentiles are lower bounds whenever `unpainted` > 0.
 */
function stages(stack: Stack, r: LoadResult, prefix: string) {
  const { publishedAt, appendedAt } = r.report;
  const append: number[] = [];
  const arrive: number[] = [];
  const commit: number[] = [];
  const flush: number[] = [];
  const paint: number[] = [];
  let unpainted = 0;
  for (let i = 0; i < publishedAt.length; i++) {
    const p = publishedAt[i]!;
    const id = `${prefix}-${i}`;
    if (appendedAt[i]) append.push(appendedAt[i]! - p);
    const a = stack.arrivedAt.get(id);
    if (a !== undefined) arrive.push(a - p);
    const c = stack.committedAt.get(id);
    if (c !== undefined) commit.push(c - p);
    const f = stack.flushedAt.get(id);
    if (f !== undefined) flush.push(f - p);
    if (!Number.isNaN(r.paintAt[i]!)) paint.push(r.paintAt[i]! - p);
    else {
      unpainted++;
      paint.push(r.cutoffAt - p);
    }
  }
  // The console's inbox, event by event in publish (= sequence) order: how long each commit kept it busy once the
  // event was there and the previous one was done, and how long it sat idle waiting for the hub to send more.
  const busy: number[] = [];
  let idle = 0;
  let waits = 0;
  let prevCommit = NaN;
  for (let i = 0; i < publishedAt.length; i++) {
    const id = `${prefix}-${i}`;
    const a = stack.arrivedAt.get(id);
    const c = stack.committedAt.get(id);
    if (a === undefined || c === undefined) continue;
    busy.push(c - (Number.isNaN(prevCommit) ? a : Math.max(a, prevCommit)));
    if (!Number.isNaN(prevCommit) && a > prevCommit) {
      idle += a - prevCommit;
      waits++;
    }
    prevCommit = c;
  }
  return {
    paint: stats(paint),
    unpainted,
    inbox: {
      per_event_commit_ms: stats(busy),
      busy_total_ms: busy.reduce((x, y) => x + y, 0),
      waiting_for_hub_total_ms: idle,
      waits_for_hub: waits,
    },
    breakdown: {
      hub_appended: stats(append),
      console_received: stats(arrive),
      console_committed: stats(commit),
      pushed_to_page: stats(flush),
      painted: stats(paint),
    },
  };
}

/** Frame gaps and long tasks in [from, to]; a frame still unfinished at the cut-off counts as a stall so far. */
function longestStall(rec: PageRecord, from: number, to: number, cutoffAt: number) {
  let maxGap = 0;
  let over100 = 0;
  for (let i = 0; i < rec.gaps.length; i += 2) {
    const at = rec.gaps[i]!;
    const gap = rec.gaps[i + 1]!;
    if (at >= from && at - gap <= to) {
      maxGap = Math.max(maxGap, gap);
      if (gap > 100) over100++;
    }
  }
  // The exact longest gap (reports carry the maximum since the previous one, every ~100 ms).
  for (let i = 0; i < rec.gapMaxima.length; i += 2) {
    const at = rec.gapMaxima[i]!;
    if (at >= from && at <= to + 250) maxGap = Math.max(maxGap, rec.gapMaxima[i + 1]!);
  }
  const ongoing = rec.lastFrameAt ? cutoffAt - rec.lastFrameAt : 0;
  const frozenAtCutoff = ongoing > 1000;
  if (frozenAtCutoff) {
    maxGap = Math.max(maxGap, ongoing);
    over100++;
  }
  let maxTask = 0;
  let tasks = 0;
  for (let i = 0; i < rec.longTasks.length; i += 2) {
    const start = rec.longTasks[i]!;
    const dur = rec.longTasks[i + 1]!;
    if (start + dur >= from && start <= to) {
      maxTask = Math.max(maxTask, dur);
      tasks++;
    }
  }
  return {
    max_raf_gap_ms: round1(maxGap),
    gaps_over_100ms: over100,
    frozen_at_cutoff_ms: frozenAtCutoff ? ongoing : 0,
    longest_long_task_ms: maxTask,
    long_tasks: tasks,
    frames: rec.frames,
  };
}

const errorsOf = (stack: Stack) =>
  [...stack.errors.map((e) => `${e.scope}: ${e.msg}`), ...stack.pageErrors.all].slice(0, 5);

// ---------------------------------------------------------------------------------------------------------------
// Phases

async function ratePhase(
  hub: HubProcess,
  tmp: string,
  opts: Options,
  rate: number,
  variant: Variant,
  tag = '',
) {
  const label = `${rate}/s${tag}`;
  log(`latency at ${rate} alarms/s for ${opts.durationS} s${tag}: a fresh hub, console, browser and page`);
  const stack = await startStack(`rate-${rate}${tag ? '-ab' : ''}`, hub, tmp, opts, variant);
  try {
    const prefix = `r${rate}`;
    const r = await drive(
      stack,
      hub,
      label,
      prefix,
      () => hub.paced(prefix, rate, opts.durationS * 1000, 1000 + rate, variant.withLocation),
      Math.round(rate * opts.durationS),
      (_first, last) => last + RATE_DRAIN_MS,
    );
    const s = stages(stack, r, prefix);
    const spanS = (r.commitDoneAt - r.firstPublish) / 1000;
    const entry = {
      p50: s.paint.p50,
      p99: s.paint.p99,
      max: s.paint.max,
      sent: r.sent,
      committed: r.committed,
      rendered: r.rendered,
      lost: r.lost,
      percentiles_are_lower_bounds: s.unpainted > 0,
      not_painted_by_cutoff: s.unpainted,
      breakdown_ms: s.breakdown,
      console_inbox: s.inbox,
      console_commits_per_s: round1(r.committed / Math.max(0.001, spanS)),
      pacer_max_lag_ms: r.report.maxLagMs,
      page: longestStall(r.record, r.firstPublish, r.renderDoneAt || r.cutoffAt, r.cutoffAt),
      cpu: r.cpu,
      console_event_loop_delay: r.eventLoop,
      escalations: stack.escalations,
      hub_db_ms: r.hubDb,
      identity_check: r.identityCheck,
      errors: errorsOf(stack),
    };
    const lb =
      s.unpainted > 0
        ? ` (LOWER BOUNDS: ${s.unpainted} not painted ${RATE_DRAIN_MS / 1000} s after the last publish)`
        : '';
    log(
      `${label}: p50 ${entry.p50} ms, p99 ${entry.p99} ms, max ${entry.max} ms${lb}; sent ${entry.sent}, committed ` +
        `${entry.committed}, rendered ${entry.rendered}, lost ${entry.lost}` +
        (rate === 200 && !tag ? `   (target p99 <= ${TARGETS.latency_p99_ms_at_200} ms)` : ''),
    );
    log(
      `  p50/p99 from publish: hub appended ${s.breakdown.hub_appended.p50}/${s.breakdown.hub_appended.p99}, console ` +
        `received ${s.breakdown.console_received.p50}/${s.breakdown.console_received.p99}, committed ` +
        `${s.breakdown.console_committed.p50}/${s.breakdown.console_committed.p99}, pushed to page ` +
        `${s.breakdown.pushed_to_page.p50}/${s.breakdown.pushed_to_page.p99}, painted ${s.paint.p50}/${s.paint.p99} ms; ` +
        `console ${entry.console_commits_per_s} commits/s`,
    );
    log(
      `  CPU console ${r.cpu.console_process_pct} %, hub ${r.cpu.hub_process_pct} %, chromium ${r.cpu.chromium_pct} %, ` +
        `other processes ${r.cpu.others_pct} % of ${r.cpu.of_pct} %; longest frame gap ${entry.page.max_raf_gap_ms} ms; ${r.identityCheck}`,
    );
    return entry;
  } finally {
    await stack.stop();
  }
}

async function burstPhase(
  hub: HubProcess,
  tmp: string,
  opts: Options,
  label: string,
  n: number,
  variant: Variant,
  profile?: Profilers,
) {
  const stack = await startStack(label, hub, tmp, opts, variant);
  try {
    const prefix = label;
    const started = await profile?.start(stack);
    const r = await drive(
      stack,
      hub,
      label,
      prefix,
      () => hub.burst(prefix, n, 4242, variant.withLocation),
      n,
      (first) => first + BURST_CAP_MS,
    );
    const profiles = started ? await profile!.stop(stack, r) : undefined;
    const s = stages(stack, r, prefix);
    const complete = !Number.isNaN(r.renderDoneAt) && r.committed === n;
    const doneAt = complete ? Math.max(r.commitDoneAt, r.renderDoneAt) : r.cutoffAt;
    const stall = longestStall(r.record, r.firstPublish, doneAt + 500, r.cutoffAt);
    // Unacknowledged alarms escalate after their target (30 s for P1, 60 s for the rest), one transaction and one
    // pushed event each: the page's stalls before that are the burst's alone.
    const beforeEscalations = Number.isNaN(stack.firstEscalationAt)
      ? stall
      : longestStall(
          r.record,
          r.firstPublish,
          Math.min(doneAt + 500, stack.firstEscalationAt),
          Math.min(r.cutoffAt, stack.firstEscalationAt),
        );
    const commits = [...stack.committedAt.values()].sort((a, b) => a - b);
    return {
      absorb_ms: doneAt - r.firstPublish,
      absorb_is_lower_bound: !complete,
      max_main_thread_stall_ms: stall.max_raf_gap_ms,
      lost: n - r.committed,
      sent: r.sent,
      committed: r.committed,
      rendered: r.rendered,
      hub_all_appended_ms: Math.max(...r.report.appendedAt) - r.firstPublish,
      console_all_committed_ms: r.commitDoneAt - r.firstPublish,
      page_count_reached_ms: Number.isNaN(r.renderDoneAt) ? null : r.renderDoneAt - r.firstPublish,
      page_painted_by_cutoff: r.rendered,
      console_commits_per_s: round1(
        (commits.length - 1) / Math.max(0.001, ((commits.at(-1) ?? 0) - (commits[0] ?? 0)) / 1000),
      ),
      per_alarm_ms: s.breakdown,
      console_inbox: s.inbox,
      page: stall,
      page_before_first_escalation: {
        ...beforeEscalations,
        first_escalation_ms: Number.isNaN(stack.firstEscalationAt)
          ? null
          : stack.firstEscalationAt - r.firstPublish,
      },
      cpu: r.cpu,
      console_event_loop_delay: r.eventLoop,
      hub_db_ms: r.hubDb,
      escalations: stack.escalations,
      identity_check: r.identityCheck,
      errors: errorsOf(stack),
      ...(profiles ? { profiles } : {}),
    };
  } finally {
    await stack.stop();
  }
}

type BurstResult = Awaited<ReturnType<typeof burstPhase>>;

function logBurst(label: string, b: BurstResult, withTargets: boolean): void {
  log(
    `${label}: absorb ${b.absorb_is_lower_bound ? '> ' : ''}${b.absorb_ms} ms (hub appended all in ` +
      `${b.hub_all_appended_ms} ms; console committed all in ${b.console_all_committed_ms} ms = ` +
      `${b.console_commits_per_s}/s; page painted ${b.page_painted_by_cutoff} of ${b.sent}` +
      `${b.page_count_reached_ms !== null ? ` in ${b.page_count_reached_ms} ms` : ' by the cut-off'}); longest frame gap ` +
      `${b.max_main_thread_stall_ms} ms (${b.page.gaps_over_100ms} gaps > 100 ms, ${b.page.frames} frames; before the first ` +
      `escalation ${b.page_before_first_escalation.max_raf_gap_ms} ms); lost ${b.lost}` +
      (withTargets ? `   (target: no stall > ${TARGETS.burst_max_stall_ms} ms, lost 0)` : ''),
  );
  log(
    `  CPU console ${b.cpu.console_process_pct} %, hub ${b.cpu.hub_process_pct} %, chromium ${b.cpu.chromium_pct} %, ` +
      `other processes ${b.cpu.others_pct} % of ${b.cpu.of_pct} %; console commit per event p50 ${b.console_inbox.per_event_commit_ms.p50} ms, ` +
      `busy ${b.console_inbox.busy_total_ms} ms, idle waiting for the hub ${b.console_inbox.waiting_for_hub_total_ms} ms ` +
      `(${b.console_inbox.waits_for_hub} waits); event loop delay max ${b.console_event_loop_delay.max_ms} ms; ` +
      `escalations ${b.escalations}; ${b.identity_check}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Profilers for the diagnostic burst

/** The renderer's own functions worth an inclusive time (components are matched by their capitalised names). */
const PAGE_FUNCTIONS = [
  'compareAlarms',
  'mergeAlarms',
  'mergeEvents',
  'useAlarmSound',
  'useStore',
  'ageRatio',
];

interface Profilers {
  start(stack: Stack): Promise<boolean>;
  stop(stack: Stack, r: LoadResult): Promise<Record<string, unknown>>;
}

function makeProfilers(): Profilers {
  let node: Session | undefined;
  let cdp: CDPSession | undefined;
  return {
    async start(stack) {
      node = new Session();
      node.connect();
      await node.post('Profiler.enable');
      await node.post('Profiler.setSamplingInterval', { interval: 500 });
      await node.post('Profiler.start');
      cdp = await stack.page.context().newCDPSession(stack.page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
      await stack.browser.startTracing(stack.page, {
        // Not disabled-by-default-devtools.timeline: its invalidation tracking makes style recalcs far slower.
        categories: ['devtools.timeline', 'toplevel'],
      });
      return true;
    },
    async stop(stack) {
      const nodeProfile = (await node!.post('Profiler.stop')).profile as unknown as CpuProfile;
      node!.disconnect();
      const pageProfile = (await within(
        cdp!.send('Profiler.stop').then((r) => r.profile as unknown as CpuProfile),
        30_000,
        undefined,
      )) as CpuProfile | undefined;
      const traceBuffer = await within(stack.browser.stopTracing(), 60_000, undefined);
      const trace = traceBuffer
        ? (JSON.parse(traceBuffer.toString('utf8')) as { traceEvents: TraceEvent[] })
        : undefined;
      const keep = process.env.BENCH_PROFILE_DIR;
      if (keep) {
        mkdirSync(keep, { recursive: true });
        writeFileSync(join(keep, 'console.cpuprofile'), JSON.stringify(nodeProfile));
        if (pageProfile) writeFileSync(join(keep, 'page.cpuprofile'), JSON.stringify(pageProfile));
        if (traceBuffer) writeFileSync(join(keep, 'page-trace.json'), traceBuffer);
        log(`diagnostics: raw profiles written to ${keep}`);
      }
      const inProduct = (url: string) =>
        /\/(electron|shared)\//.test(url) && !url.includes('/node_modules/') && !url.includes('/tests/');
      const pageKeep = (url: string, fn: string) =>
        url.includes('/assets/') && (/^[A-Z][A-Za-z0-9]+$/.test(fn) || PAGE_FUNCTIONS.includes(fn));
      const pageCategory = (url: string, fn: string) => {
        if (fn === '(idle)') return 'idle';
        if (fn === '(garbage collector)') return 'GC';
        if (fn === '(program)') return 'native: style, layout, paint, parsing (program)';
        if (!url) return 'native / builtins';
        return 'script';
      };
      // The renderer bundle is not minified, so function names are the sources' (React's and ours).
      return {
        console_process: {
          ...summariseProfile(nodeProfile, nodeCategory, inProduct, 8),
          longest_blocking_calls: longestBlocks(nodeProfile, 3),
        },
        ...(pageProfile
          ? {
              page_script: summariseProfile(pageProfile, pageCategory, pageKeep, 8),
            }
          : {}),
        ...(trace ? { page_main_thread: summariseTrace(trace.traceEvents) } : {}),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Machine

/** What one small committed transaction costs on this disk, the console's pragmas (WAL, FULL) vs NORMAL. */
function commitCost(tmp: string): { full_ms: number; normal_ms: number } {
  const dir = mkdtempSync(join(tmp, 'fsync-'));
  try {
    const db = new Database(join(dir, 'probe.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
    const time = (mode: string) => {
      db.pragma(`synchronous = ${mode}`);
      const s = performance.now();
      for (let i = 0; i < 300; i++) ins.run('x'.repeat(400));
      return Math.round(((performance.now() - s) / 300) * 1000) / 1000;
    };
    const full = time('FULL');
    const normal = time('NORMAL');
    db.close();
    return { full_ms: full, normal_ms: normal };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

type RateEntry = Awaited<ReturnType<typeof ratePhase>>;

interface Result extends BenchResult {
  latency_ms?: Record<string, RateEntry>;
  burst10k?: BurstResult;
  history_query_ms?: HistoryResult;
  backlog?: Record<string, BacklogEntry>;
  machine?: Record<string, unknown>;
  targets: typeof TARGETS;
  diagnostics: Record<string, unknown>;
  config: Record<string, unknown>;
  disturbed_by_other_processes?: string[];
}

function summary(r: Result): string {
  const ok = (v: boolean | undefined) => (v === undefined ? '  ' : v ? 'ok' : '!!');
  const lines = [`Alarm benchmark on ${String(r.machine?.cpu_model)} x${String(r.machine?.cores)}`];
  for (const [rate, e] of Object.entries(r.latency_ms ?? {}))
    lines.push(
      `  ${rate === '200' ? ok(r.pass?.latency_200) : '  '} ${rate.padStart(4)}/s  p50 ${e.p50} ms  p99 ` +
        `${e.percentiles_are_lower_bounds ? '>= ' : ''}${e.p99} ms  sent ${e.sent} committed ${e.committed} ` +
        `rendered ${e.rendered} lost ${e.lost}` +
        (rate === '200' ? `   (target p99 <= ${TARGETS.latency_p99_ms_at_200})` : ''),
    );
  if (r.burst10k)
    lines.push(
      `  ${ok(r.pass?.burst)} burst ${r.burst10k.sent}: absorb ${r.burst10k.absorb_is_lower_bound ? '> ' : ''}` +
        `${r.burst10k.absorb_ms} ms, max stall ${r.burst10k.max_main_thread_stall_ms} ms, lost ${r.burst10k.lost}` +
        `   (target absorb <= ${TARGETS.burst_absorb_ms}, stall <= ${TARGETS.burst_max_stall_ms}, lost 0)`,
      `  ${ok(r.pass?.commits_per_s)} burst committed at ${r.burst10k.console_commits_per_s}/s` +
        `   (target >= ${TARGETS.burst_commits_per_s})`,
    );
  for (const [n, b] of Object.entries(r.backlog ?? {}))
    lines.push(
      `  ${ok(r.pass?.backlog)} backlog ${n}: fire painted p99 ${b.painted_ms.p99} ms (committed p99 ` +
        `${b.committed_ms.p99} ms), ${b.fires} fires   (target p99 <= ${TARGETS.backlog_fire_painted_p99_ms})`,
    );
  if (r.history_query_ms)
    lines.push(
      `  ${ok(r.pass?.history)} history page 1 median ${r.history_query_ms.page1.median} ms, page 50 median ` +
        `${r.history_query_ms.page50.median} ms, page 400 median ${String(r.history_query_ms.page400_median_ms)} ms` +
        `   (target <= ${TARGETS.history_page_ms})`,
    );
  if (r.leftover_processes?.length) lines.push(`  left running: ${r.leftover_processes.join('; ')}`);
  if (r.error) lines.push(`  ERROR: ${r.error}`);
  return lines.join('\n');
}

/** The keys the JSON line starts with: the figures, then what they were measured with. */
const FIGURES_FIRST = [
  'latency_ms',
  'burst10k',
  'backlog',
  'history_query_ms',
  'machine',
  'targets',
  'pass',
] as const;

const result: Result = {
  targets: TARGETS,
  diagnostics: {},
  config: {
    duration_s: opts.durationS,
    rates: opts.rates,
    burst: opts.burst,
    history_rows: opts.historyRows,
    video: opts.video,
    viewport: `${VIEWPORT.width}x${VIEWPORT.height}`,
    rate_drain_cutoff_ms: RATE_DRAIN_MS,
    burst_cutoff_ms: BURST_CAP_MS,
  },
};

async function run(tmp: string): Promise<void> {
  result.config.renderer_build_older_than_sources = ensureRendererBuilt().stale;

  const hub = new HubProcess();
  onCleanup('hub process', () => hub.close());
  const probe = await launchChromium();
  const chromiumVersion = probe.version();
  await probe.close();
  const commit = commitCost(tmp);
  const m = machine();
  result.machine = { ...m, chromium: chromiumVersion, sqlite_commit_ms: commit };
  log(
    `machine: ${m.cores} x ${m.cpu_model}, node ${m.node}, chromium ${chromiumVersion}; one SQLite ` +
      `commit costs ${commit.full_ms} ms with synchronous=FULL (${commit.normal_ms} ms NORMAL) on this disk`,
  );

  if (!opts.skip.has('latency')) {
    result.latency_ms = {};
    for (const rate of opts.rates)
      result.latency_ms[String(rate)] = await ratePhase(hub, tmp, opts, rate, AS_IS);
  }
  if (!opts.skip.has('burst')) {
    log(`burst: ${opts.burst} alarms as fast as the hub can, into a fresh console and page`);
    result.burst10k = await burstPhase(hub, tmp, opts, 'burst', opts.burst, AS_IS);
    logBurst('burst', result.burst10k, true);
  }
  if (!opts.skip.has('backlog')) {
    result.backlog = {};
    for (const n of opts.backlogSizes) {
      log(`backlog: ${n} alarms waiting, ${opts.backlogFires} fires published during the replay`);
      const b = await backlogPhase(hub, tmp, {
        backlog: n,
        fires: opts.backlogFires,
        spacingMs: opts.backlogSpacingMs,
        staticDir: join(root, 'out/renderer'),
      });
      result.backlog[String(n)] = b;
      log(
        `  backlog ${n}: fire committed p50 ${b.committed_ms.p50} ms p99 ${b.committed_ms.p99} ms; painted p50 ` +
          `${b.painted_ms.p50} ms p99 ${b.painted_ms.p99} ms (target <= ${TARGETS.backlog_fire_painted_p99_ms}); ` +
          `replay at ${Math.round(b.replay_progress_at_last_fire * 100)} % at the last fire; ` +
          `${b.fire_rows_not_one} fires not exactly one row`,
      );
    }
  }
  if (!opts.skip.has('diagnostics')) await diagnosticsPhase(hub, tmp);
  if (!opts.skip.has('history')) await historyPhase(hub, tmp);
}

async function diagnosticsPhase(hub: HubProcess, tmp: string): Promise<void> {
  const part = (name: (typeof DIAGNOSTICS)[number]) => opts.diagnostics.has(name);
  const noPulse = { ...AS_IS, css: NO_MAP_PULSE_CSS };
  if (part('profiled')) {
    const n = Math.min(opts.burst, opts.profiledBurst);
    log(
      `diagnostics: a ${n}-alarm burst with profilers on (console CPU profile, page CPU profile and trace)`,
    );
    const d = await burstPhase(hub, tmp, opts, 'profiled', n, AS_IS, makeProfilers());
    logBurst('profiled burst', d, false);
    result.diagnostics.profiled_burst = d;
  }
  if (part('nopulse')) await diagnoseWithout(hub, tmp, noPulse);
  if (part('nomarkers') || part('profnomarkers')) await diagnoseNoMarkers(hub, tmp);
  if (part('rate') && opts.rates.includes(200)) await diagnoseRate(hub, tmp, noPulse);
}

async function diagnoseWithout(hub: HubProcess, tmp: string, noPulse: Variant): Promise<void> {
  log(`diagnostics: the ${opts.burst}-alarm burst again, site map markers without their pulse animation`);
  const b = await burstPhase(hub, tmp, opts, 'nopulse', opts.burst, noPulse);
  logBurst('burst, no map pulse', b, false);
  result.diagnostics.burst_without_map_pulse = b;
}

async function diagnoseNoMarkers(hub: HubProcess, tmp: string): Promise<void> {
  if (opts.diagnostics.has('nomarkers')) {
    log(
      `diagnostics: the ${opts.burst}-alarm burst again, alarms without a position (no map markers at all)`,
    );
    const m = await burstPhase(hub, tmp, opts, 'nomarkers', opts.burst, { withLocation: false });
    logBurst('burst, no map markers', m, false);
    result.diagnostics.burst_without_map_markers = m;
  }
  if (opts.diagnostics.has('profnomarkers')) {
    const nm = Math.min(opts.burst, 5000);
    log(`diagnostics: a ${nm}-alarm burst without map markers, profiled (what the page spends the rest on)`);
    const pm = await burstPhase(
      hub,
      tmp,
      opts,
      'profnomarkers',
      nm,
      { withLocation: false },
      makeProfilers(),
    );
    logBurst('profiled burst, no map markers', pm, false);
    result.diagnostics.profiled_burst_without_map_markers = pm;
  }
}

async function diagnoseRate(hub: HubProcess, tmp: string, noPulse: Variant): Promise<void> {
  result.diagnostics.rate_200_without_map_pulse = await ratePhase(
    hub,
    tmp,
    opts,
    200,
    noPulse,
    ' (no map pulse)',
  );
  result.diagnostics.rate_200_without_map_pulse_flush_50ms = await ratePhase(
    hub,
    tmp,
    opts,
    200,
    { ...noPulse, alarmFlushMs: 50 },
    ' (no map pulse, alarmFlushMs 50)',
  );
}

async function historyPhase(hub: HubProcess, tmp: string): Promise<void> {
  const h = await runHistory({ hub, tmp, rows: opts.historyRows, runs: 20, onCleanup, log });
  result.history_query_ms = h;
  log(
    `history page 1 (door_held, bldg-01, 100 rows): median ${h.page1.median} ms, p95 ${h.page1.p95} ms (SQL alone ` +
      `${h.page1.sql_only_median} ms; first run ${h.page1.first_run} ms)   (target <= ${TARGETS.history_page_ms} ms)`,
  );
  log(
    `history page 50: median ${h.page50.median} ms, p95 ${h.page50.p95} ms (SQL alone ${h.page50.sql_only_median} ` +
      `ms); walking pages 2..50 took ${h.walk_pages_2_to_50_ms} ms; ${h.matching_filter} alarms match the filter`,
  );
  const indent = (s: string) =>
    s
      .split('\n')
      .map((l) => `      ${l}`)
      .join('\n');
  log(`  SQL: ${h.sql}`);
  log(`  plan (page 1):\n${indent(h.plan)}`);
  log(`  plan (page 50):\n${indent(h.plan_page50)}`);
  const w = h.what_if;
  log(
    `  what if (not the product): page 400 ${String(w.page400_median_ms)} ms as is; with ${String(w.index)}: page 1 ` +
      `${String(w.with_index_page1_median_ms)} ms, page 50 ${String(w.with_index_page50_median_ms)} ms, page 400 ` +
      `${String(w.with_index_page400_median_ms)} ms; plus a row-value keyset, SQL alone: page 50 ` +
      `${String(w.with_index_row_value_page50_sql_median_ms)} ms, page 400 ${String(w.with_index_row_value_page400_sql_median_ms)} ms`,
  );
}

/** Another benchmark (or anything else) running meanwhile shares the two cores: say so next to the figures. */
function noteDisturbance(r: Result): void {
  const phases: [string, { cpu: { others_pct: number } }][] = [
    ...Object.entries(r.latency_ms ?? {}).map(([k, v]) => [`latency ${k}/s`, v] as [string, RateEntry]),
    ...(r.burst10k ? [['burst', r.burst10k] as [string, BurstResult]] : []),
  ];
  const disturbed = phases
    .filter(([, v]) => v.cpu.others_pct > 15)
    .map(([k, v]) => `${k} (${v.cpu.others_pct} %)`);
  r.disturbed_by_other_processes = disturbed;
  if (disturbed.length)
    log(`WARNING: other processes used CPU during ${disturbed.join(', ')}; those figures are pessimistic`);
}

await runBench({
  name: 'bench:alarms',
  json: opts.json,
  budgetMs: BUDGET_MS,
  result,
  run,
  finish: noteDisturbance,
  pass: (r) => {
    const l200 = r.latency_ms?.['200'];
    const history = r.history_query_ms;
    return {
      latency_200: l200 ? l200.p99 <= TARGETS.latency_p99_ms_at_200 && l200.lost === 0 : undefined,
      commits_per_s: r.burst10k ? r.burst10k.console_commits_per_s >= TARGETS.burst_commits_per_s : undefined,
      burst: r.burst10k
        ? r.burst10k.max_main_thread_stall_ms <= TARGETS.burst_max_stall_ms &&
          r.burst10k.lost === TARGETS.burst_lost &&
          !r.burst10k.absorb_is_lower_bound &&
          r.burst10k.absorb_ms <= TARGETS.burst_absorb_ms
        : undefined,
      backlog: r.backlog
        ? Object.values(r.backlog).every(
            (b) =>
              b.painted_ms.p99 <= TARGETS.backlog_fire_painted_p99_ms &&
              b.committed_ms.p99 <= TARGETS.backlog_fire_painted_p99_ms &&
              b.not_painted === 0 &&
              b.fire_rows_not_one === 0 &&
              b.fires_all_inside_replay,
          )
        : undefined,
      history: history
        ? history.page1.median <= TARGETS.history_page_ms &&
          history.page50.median <= TARGETS.history_page_ms &&
          (history.page400_median_ms ?? 0) <= TARGETS.history_page_ms
        : undefined,
    };
  },
  summary,
  // The figures first, then what they were measured with, then the diagnostics.
  output: ({ diagnostics, ...r }) => ({
    ...Object.fromEntries(FIGURES_FIRST.map((k) => [k, r[k]])),
    // The rest keeps its own order; a key named above keeps its place when the spread sets it again.
    ...r,
    diagnostics,
  }),
});
