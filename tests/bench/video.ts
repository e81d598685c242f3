/**
 * `npm run bench:video -- [--json] [--minutes N]`: the camera wall's figures, measured on this machine in one run.
 *
 *   latency_ms       glass-to-glass at 640x360@25 over loopback RTSP, through the real console page: the GStreamer
 *                    test camera's /clock mount draws the wall-clock ms into every frame; the page reads the focus
 *                    view's canvas after every animation frame and records Date.now() - stamp for each new stamp
 *   drift_ms         median latency of the last window minus that of the first (60 s windows; 30 s if N < 2)
 *   baseline         the same measurement for node-rtsp-stream 0.0.9 + JSMpeg (default options) on the same source
 *   tiles16_min_fps  16 tiles at 320x180@15 (sub) with the site map on screen: decoded pictures per second
 *   recovery_s       camera returns (RtspServer.restart()) -> its tile is `live` again; median of 3
 *   side_by_side     issue 16: one camera at 640x360@25 and at 1920x1080@25, focused, once through JSMpeg (MPEG-1
 *                    re-encoded at the camera's size) and once passed through to WebCodecs: first picture, pictures
 *                    drawn per second, ffmpeg and Chromium CPU, and glass-to-glass at 640x360 (the /clock mount)
 *
 * Progress lines go to stdout as it runs; the LAST line is one JSON object with `pass` (--json: without the summary
 * before it). A quick run that only checks the benchmark still works: `--minutes 1 --skip baseline,diagnostics,tiles,recovery`
 * (about 1.5 min: the latency phase cannot be shorter than a minute).
 * Options: --minutes N (default 10, at least 1) · --viewport WxH (default 1920x1080) · --ffmpeg PATH (the console's
 * ffmpeg setting) · --baseline-ffmpeg PATH (default: the ffmpeg the console uses, so only the pipeline differs)
 * · --down-s S (how long the camera stays dead after its tile says offline; default 5: the back-off reaches its 3 s
 * cap 3.5 s into an outage, so longer outages recover the same way)
 * · --skip latency,baseline,diagnostics,tiles,recovery,sidebyside · --variants (investigation: the gateway's ffmpeg command with
 * two output options it does not use, 4 x 15 s more; see variantsPhase)
 *
 * Everything it starts (RTSP servers, console cores, ffmpeg, Chromium) is stopped before it prints the result, and
 * a watchdog ends the run if it ever exceeds its time budget.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { WebSocket, WebSocketServer } from 'ws';
import { type ConsoleCore } from '../../electron/core';
import { createDesk } from '../../electron/desk';
import { ffmpegArgs, ffmpegMajorVersion, LOW_DELAY_INPUT } from '../../electron/core/streams/ffmpeg';
import { inspectPacket, TsPacketizer } from '../../electron/core/streams/mpegts';
import { createLogger, type LogLine } from '../../electron/common/log';
import { startWebHost, type WebHost } from '../../electron/web-host/server';
import { PageErrors } from '../support/page-errors';
import {
  CLOCK_PICTURE,
  decodeClockBlocks,
  freePort,
  rtspServerAvailable,
  startRtspServer,
  type RtspServer,
} from '../support/rtsp-camera';
import { camerasWithStreams, wallStreams, writeDemoSite, type CameraStreams } from '../support/site';
import { commandExists } from '../support/tools';
import { ensureRendererBuilt, launchChromium } from './lib/browser';
import { log, machine, onCleanup, runBench, sleep, until, type BenchResult } from './lib/harness';
import { numberAtLeast, commaList, readOptions } from './lib/options';
import { CLK_TCK, descendants, kindOf, machineCpu, procTable, type ProcInfo } from './lib/proc';
import { median, percentile, round1, round2 } from './lib/stats';
import { signInBench } from './lib/sign-in';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------------------------
// Options, targets, output

const TARGETS = {
  latency_p50_ms: 120,
  latency_p95_ms: 200,
  drift_ms: 50,
  tiles16_min_fps: 14,
  recovery_s: 5,
  passthrough_ffmpeg_pct: 2,
  passthrough_min_pictures: 24,
  passthrough_first_picture_ms: 500,
  passthrough_latency_360p_p50_ms: 80,
} as const;

const MAIN_PROFILE = { width: 640, height: 360, fps: 25, kbps: 1500, gop: 25 };
const WARMUP_MS = 5_000;
const TILES_WINDOW_MS = 20_000;
const PROGRESS_EVERY_MS = 30_000;
/** Other processes using more than this (% of one core) during a measured window make the run "disturbed". */
const DISTURBED_PCT = 25;

const opts = readOptions('bench:video', (args) => {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      minutes: { type: 'string', default: '10' },
      viewport: { type: 'string', default: '1920x1080' },
      ffmpeg: { type: 'string' },
      'baseline-ffmpeg': { type: 'string' },
      'down-s': { type: 'string', default: '5' },
      skip: { type: 'string', default: '' },
      variants: { type: 'boolean', default: false },
    },
  });
  const size = /^(\d+)x(\d+)$/.exec(values.viewport);
  if (!size) throw new Error('--viewport is WIDTHxHEIGHT');
  return {
    json: values.json,
    minutes: numberAtLeast('minutes', values.minutes, 1),
    viewport: { width: Number(size[1]), height: Number(size[2]) },
    ffmpeg: values.ffmpeg,
    baselineFfmpeg: values['baseline-ffmpeg'],
    downS: numberAtLeast('down-s', values['down-s'], 0),
    skip: new Set(commaList(values.skip)),
    variants: values.variants,
  };
});
type Options = typeof opts;

// ---------------------------------------------------------------------------------------------------------------
// Statistics

export interface LatencyStats {
  p50: number;
  p95: number;
  samples: number;
}

function stats(values: number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), samples: sorted.length };
}

// ---------------------------------------------------------------------------------------------------------------
// CPU per process (/proc)

/** CPU of each process of ours over a window, in % of one core. */
function cpuBetween(
  before: Map<number, ProcInfo>,
  after: Map<number, ProcInfo>,
  seconds: number,
): { pid: number; kind: string; pct: number }[] {
  const out: { pid: number; kind: string; pct: number }[] = [];
  const self = after.get(process.pid);
  const mine = [...(self ? [self] : []), ...descendants(after, process.pid)];
  for (const p of mine) {
    const b = before.get(p.pid);
    if (!b || b.startTicks !== p.startTicks) continue;
    const kind = p.pid === process.pid ? 'node (bench + console core)' : kindOf(p);
    out.push({ pid: p.pid, kind, pct: round1(((p.cpuTicks - b.cpuTicks) / CLK_TCK / seconds) * 100) });
  }
  return out;
}

interface CpuSnapshot {
  at: number;
  table: Map<number, ProcInfo>;
  /** Busy CPU time of the whole machine, ms over all cores. */
  busyMs: number;
}

function cpuSnapshot(): CpuSnapshot {
  return { at: Date.now(), table: procTable(), busyMs: machineCpu().busyMs };
}

/** CPU over a window in % of one core (capacity = cores x 100): ours by kind, the machine, and everyone else. */
function cpuReport(a: CpuSnapshot, b: CpuSnapshot) {
  const seconds = (b.at - a.at) / 1000;
  const per = cpuBetween(a.table, b.table, seconds);
  const sum = (k: string) => round1(per.filter((c) => c.kind === k).reduce((x, c) => x + c.pct, 0));
  const machine = round1(((b.busyMs - a.busyMs) / 1000 / seconds) * 100);
  const ours = per.reduce((x, c) => x + c.pct, 0);
  return {
    per,
    summary: {
      chromium: sum('chromium'),
      ffmpeg: sum('ffmpeg'),
      'node (bench + console core)': sum('node (bench + console core)'),
      'rtsp-server': sum('rtsp-server'),
      machine_busy: machine,
      other_processes: round1(Math.max(0, machine - ours)),
      capacity: cpus().length * 100,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Sites and consoles

/**
 * The demo site with one camera per entry of `streams`, pulled over TCP. The phases that measured the MPEG-1 wall
 * before issue 16 keep measuring it (`player: 'jsmpeg'`); the side-by-side phase chooses per run.
 */
function writeSite(dir: string, streams: CameraStreams[], player: 'auto' | 'jsmpeg' = 'jsmpeg'): string {
  return writeDemoSite(dir, (site) => {
    site.cameras = camerasWithStreams(site.cameras ?? [], streams, {
      transport: 'tcp',
      video: { codec: 'auto', player },
    });
  });
}

interface StreamStatusLike {
  cameraId: string;
  profile: string;
  state: string;
  restarts: number;
  retryAt?: number;
  error?: string;
}

interface RunningConsole {
  core: ConsoleCore;
  host: WebHost;
  errors: LogLine[];
  stop(): Promise<void>;
}

async function startConsole(
  name: string,
  sitePath: string,
  opts: Options,
  profiles: { main: typeof MAIN_PROFILE; sub?: typeof MAIN_PROFILE } = { main: MAIN_PROFILE },
): Promise<RunningConsole> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-video-${name}-`));
  const errors: LogLine[] = [];
  const logger = createLogger({ level: 'error', sink: (line) => errors.push(line) });
  const core = await createDesk({
    dataDir,
    sitePath,
    demo: { scenario: false },
    carrierHint: 'ws',
    log: logger,
    ffmpegPath: opts.ffmpeg,
    streams: { profiles },
  });
  const holder: { host?: WebHost } = {};
  const release = onCleanup(`console ${name}`, async () => {
    await holder.host?.stop();
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const host = await startWebHost({ core, staticDir: join(root, 'out/renderer'), log: logger.child('web') });
  holder.host = host;
  return { core, host, errors, stop: release };
}

async function startRtsp(name: string, options: Parameters<typeof startRtspServer>[0]): Promise<RtspServer> {
  const server = await startRtspServer(options);
  onCleanup(`RTSP server ${name}`, () => server.stop());
  return server;
}

// ---------------------------------------------------------------------------------------------------------------
// The in-page clock sampler

/**
 * Runs IN THE PAGE (plain JS: the node project has no DOM types). After every animation frame (a message posted
 * from requestAnimationFrame runs once the frame's callbacks, including JSMpeg's decode-and-draw, and the frame's
 * rendering are done) it reads the top 576x32 px of the canvas, decodes the clock blocks with the injected
 * decodeClockBlocks, and records (now, stamp) for every new stamp: `samples` holds flat pairs (Date.now() when a
 * new stamp was first seen, the stamp); the rest are counters read by pullSamples().
 */
const INSTALL_SAMPLER = `(decode, o) => {
  if (globalThis.__videoBench) globalThis.__videoBench.stop = true;
  const st = {
    samples: [], ticks: 0, noCanvas: 0, undecodable: 0, implausible: 0, backwards: 0, repeats: 0,
    costSum: 0, costMax: 0, tickGapSum: 0, tickGapMax: 0, lastTick: 0, last: -1, stop: false,
    longTasks: 0, longTaskMs: 0, longTaskMax: 0,
  };
  globalThis.__videoBench = st;
  // Main-thread tasks over 50 ms: what delays JSMpeg's animation-frame decode.
  try {
    new PerformanceObserver((list) => {
      if (st.stop) return;
      for (const e of list.getEntries()) {
        st.longTasks++;
        st.longTaskMs += e.duration;
        st.longTaskMax = Math.max(st.longTaskMax, e.duration);
      }
    }).observe({ type: 'longtask' });
  } catch {
    // not supported: the counters stay 0
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    if (st.stop) return;
    const started = performance.now();
    const now = Date.now();
    const canvas = document.querySelector(o.selector);
    const ctx = canvas && canvas.width > 0 ? canvas.getContext('2d') : null;
    if (!ctx) {
      st.noCanvas++;
      return;
    }
    const sx = canvas.width / o.width;
    const sy = canvas.height / o.height;
    const w = Math.min(canvas.width, Math.ceil(o.regionW * sx));
    const h = Math.min(canvas.height, Math.ceil(o.regionH * sy));
    const data = ctx.getImageData(0, 0, w, h).data;
    const stamp = decode((x, y) => {
      const i = (Math.min(h - 1, Math.floor(y * sy)) * w + Math.min(w - 1, Math.floor(x * sx))) * 4;
      return (data[i] + data[i + 1] + data[i + 2]) / 3;
    });
    if (stamp === undefined) st.undecodable++;
    else if (now - stamp > 10000 || stamp - now > 1000) st.implausible++;
    else if (stamp === st.last) st.repeats++;
    else if (stamp < st.last) st.backwards++;
    else {
      st.samples.push(now, stamp);
      st.last = stamp;
    }
    const cost = performance.now() - started;
    st.costSum += cost;
    st.costMax = Math.max(st.costMax, cost);
  };
  const tick = (time) => {
    if (st.stop) return;
    if (st.lastTick) {
      st.tickGapSum += time - st.lastTick;
      st.tickGapMax = Math.max(st.tickGapMax, time - st.lastTick);
    }
    st.lastTick = time;
    st.ticks++;
    requestAnimationFrame(tick);
    channel.port2.postMessage(0);
  };
  requestAnimationFrame(tick);
  return 'installed';
}`;

/** The page script: defines CLOCK_PICTURE and decodeClockBlocks from their source in tests/support/rtsp-camera.ts. */
function samplerScript(selector: string): string {
  const o = {
    selector,
    width: CLOCK_PICTURE.width,
    height: CLOCK_PICTURE.height,
    regionW: CLOCK_PICTURE.bits * CLOCK_PICTURE.blockWidth,
    regionH: CLOCK_PICTURE.blockHeight * 2,
  };
  return `(() => {
    globalThis.__name = globalThis.__name || ((f) => f);
    const CLOCK_PICTURE = ${JSON.stringify(CLOCK_PICTURE)};
    const decodeClockBlocks = ${decodeClockBlocks.toString()};
    return (${INSTALL_SAMPLER})(decodeClockBlocks, ${JSON.stringify(o)});
  })()`;
}

/** Checks, in the page, that the injected decoder reads a picture drawn with known blocks. */
function decoderSelfTestScript(value: number): string {
  return `(() => {
    globalThis.__name = globalThis.__name || ((f) => f);
    const CLOCK_PICTURE = ${JSON.stringify(CLOCK_PICTURE)};
    const decodeClockBlocks = ${decodeClockBlocks.toString()};
    const { width, height, bits, blockWidth, blockHeight } = CLOCK_PICTURE;
    const c = document.createElement('canvas');
    c.width = width; c.height = height;
    const ctx = c.getContext('2d');
    ctx.fillStyle = 'rgb(128,128,128)'; ctx.fillRect(0, 0, width, height);
    let v = ${value};
    for (let i = bits - 1; i >= 0; i--) {
      const bit = v % 2; v = Math.floor(v / 2);
      ctx.fillStyle = bit ? '#fff' : '#000';
      ctx.fillRect(i * blockWidth, 0, blockWidth, blockHeight * 2);
    }
    const d = ctx.getImageData(0, 0, width, blockHeight * 2).data;
    return decodeClockBlocks((x, y) => d[(Math.floor(y) * width + Math.floor(x)) * 4]);
  })()`;
}

/** The top 32 rows of the live canvas as grey levels, and what the page's decoder reads from them. */
async function liveCrossCheck(
  page: Page,
  selector: string,
): Promise<{ node: number | undefined; page: number | undefined }> {
  const got = (await page.evaluate(`(() => {
    globalThis.__name = globalThis.__name || ((f) => f);
    const CLOCK_PICTURE = ${JSON.stringify(CLOCK_PICTURE)};
    const decodeClockBlocks = ${decodeClockBlocks.toString()};
    const c = document.querySelector(${JSON.stringify(selector)});
    const w = c.width, h = 32;
    const d = c.getContext('2d').getImageData(0, 0, w, h).data;
    const grey = [];
    for (let i = 0; i < w * h; i++) grey.push(Math.round((d[i * 4] + d[i * 4 + 1] + d[i * 4 + 2]) / 3));
    return { w, grey, page: decodeClockBlocks((x, y) => grey[Math.floor(y) * w + Math.floor(x)]) ?? null };
  })()`)) as { w: number; grey: number[]; page: number | null };
  const node = decodeClockBlocks((x, y) => got.grey[Math.floor(y) * got.w + Math.floor(x)]!);
  return { node, page: got.page ?? undefined };
}

interface Sample {
  at: number;
  stamp: number;
  latency: number;
}

interface SamplerCounters {
  ticks: number;
  noCanvas: number;
  undecodable: number;
  implausible: number;
  backwards: number;
  repeats: number;
  costMeanMs: number;
  costMaxMs: number;
  frameIntervalMeanMs: number;
  frameIntervalMaxMs: number;
  longTasks: number;
  longTaskMs: number;
  longTaskMaxMs: number;
}

/** Pulls the samples recorded since the last call (and the counters). */
async function pullSamples(
  page: Page,
  from: number,
): Promise<{ samples: Sample[]; next: number; counters: SamplerCounters }> {
  const got = (await page.evaluate(`(() => {
    const st = globalThis.__videoBench;
    return {
      flat: st.samples.slice(${from * 2}),
      total: st.samples.length / 2,
      counters: {
        ticks: st.ticks, noCanvas: st.noCanvas, undecodable: st.undecodable, implausible: st.implausible,
        backwards: st.backwards, repeats: st.repeats,
        costMeanMs: st.ticks ? st.costSum / st.ticks : 0, costMaxMs: st.costMax,
        frameIntervalMeanMs: st.ticks > 1 ? st.tickGapSum / (st.ticks - 1) : 0, frameIntervalMaxMs: st.tickGapMax,
        longTasks: st.longTasks, longTaskMs: st.longTaskMs, longTaskMaxMs: st.longTaskMax,
      },
    };
  })()`)) as { flat: number[]; total: number; counters: SamplerCounters };
  const samples: Sample[] = [];
  for (let i = 0; i + 1 < got.flat.length; i += 2) {
    const at = got.flat[i]!;
    const stamp = got.flat[i + 1]!;
    samples.push({ at, stamp, latency: at - stamp });
  }
  return { samples, next: got.total, counters: got.counters };
}

async function resetSampler(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const st = globalThis.__videoBench;
    st.samples = []; st.ticks = 0; st.noCanvas = 0; st.undecodable = 0; st.implausible = 0; st.backwards = 0;
    st.repeats = 0; st.costSum = 0; st.costMax = 0; st.tickGapSum = 0; st.tickGapMax = 0; st.lastTick = 0;
    st.longTasks = 0; st.longTaskMs = 0; st.longTaskMax = 0;
  })()`);
}

async function stopSampler(page: Page): Promise<void> {
  await page
    .evaluate('globalThis.__videoBench && (globalThis.__videoBench.stop = true)')
    .catch(() => undefined);
}

/** Stamps should come 40 ms apart at 25 fps: how many pictures were never seen on the canvas. */
function skipped(samples: Sample[], fps: number): { skippedPictures: number; shownPerSecond: number } {
  const period = 1000 / fps;
  let skippedPictures = 0;
  for (let i = 1; i < samples.length; i++) {
    const gap = samples[i]!.stamp - samples[i - 1]!.stamp;
    skippedPictures += Math.max(0, Math.round(gap / period) - 1);
  }
  const span = samples.length > 1 ? (samples.at(-1)!.at - samples[0]!.at) / 1000 : 0;
  return { skippedPictures, shownPerSecond: span > 0 ? round1((samples.length - 1) / span) : 0 };
}

interface MeasureResult {
  samples: Sample[];
  counters: SamplerCounters;
  startedAt: number;
  endedAt: number;
  crossCheck: { node: number | undefined; page: number | undefined };
  probe?: ReturnType<typeof analyseProbe>;
  cpu: ReturnType<typeof cpuReport>['summary'];
}

/**
 * Installs the sampler on `selector`, checks the decoder, waits for pictures, warms up, then records for `ms`
 * (printing progress every 30 s).
 */
async function measureLatency(
  page: Page,
  selector: string,
  label: string,
  ms: number,
  fps = MAIN_PROFILE.fps,
): Promise<MeasureResult> {
  const selfTestValue = 1_732_000_000_123;
  const selfTest = (await page.evaluate(decoderSelfTestScript(selfTestValue))) as number | null;
  if (selfTest !== selfTestValue)
    throw new Error(`the injected decodeClockBlocks read ${selfTest} from a drawn ${selfTestValue}`);
  await page.evaluate(samplerScript(selector));
  await until(
    `${label}: a first clock picture on the canvas`,
    async () => (await pullSamples(page, 0)).next > 0,
    30_000,
    200,
  );
  const crossCheck = await liveCrossCheck(page, selector);
  if (crossCheck.node === undefined || crossCheck.node !== crossCheck.page)
    throw new Error(
      `${label}: decodeClockBlocks in Node read ${crossCheck.node}, in the page ${crossCheck.page}`,
    );
  if (Math.abs(Date.now() - crossCheck.node) > 10_000)
    throw new Error(`${label}: the stamp on the canvas (${crossCheck.node}) is not near now (${Date.now()})`);
  await sleep(WARMUP_MS);
  await resetSampler(page);
  const cpu0 = cpuSnapshot();
  const startedAt = Date.now();
  const samples: Sample[] = [];
  let next = 0;
  let counters: SamplerCounters | undefined;
  for (;;) {
    const left = startedAt + ms - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(PROGRESS_EVERY_MS, left));
    const got = await pullSamples(page, next);
    samples.push(...got.samples);
    next = got.next;
    counters = got.counters;
    const recent = samples.filter((s) => s.at > Date.now() - PROGRESS_EVERY_MS).map((s) => s.latency);
    const r = stats(recent);
    log(
      `${label}: ${fmtDuration(Date.now() - startedAt)} / ${fmtDuration(ms)} · ${samples.length} samples · ` +
        `last ${Math.round(Math.min(PROGRESS_EVERY_MS, Date.now() - startedAt) / 1000)} s p50 ${r.p50} ms p95 ${r.p95} ms (targets p50 <= ${TARGETS.latency_p50_ms}, p95 <= ${TARGETS.latency_p95_ms})`,
    );
  }
  const endedAt = Date.now();
  const cpu = cpuReport(cpu0, cpuSnapshot()).summary;
  await stopSampler(page);
  const probeData = (await page.evaluate('globalThis.__probe ?? null')) as ProbeData | null;
  return {
    samples: samples.filter((s) => s.at <= endedAt),
    counters: counters!,
    startedAt,
    endedAt,
    crossCheck,
    cpu,
    ...(probeData ? { probe: analyseProbe(probeData, startedAt, endedAt, fps) } : {}),
  };
}

function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function describeRun(m: MeasureResult, fps: number) {
  const { skippedPictures, shownPerSecond } = skipped(m.samples, fps);
  const c = m.counters;
  return {
    seconds: round1((m.endedAt - m.startedAt) / 1000),
    min_ms: Math.min(...m.samples.map((s) => s.latency)),
    max_ms: Math.max(...m.samples.map((s) => s.latency)),
    mean_ms: round1(m.samples.reduce((a, s) => a + s.latency, 0) / Math.max(1, m.samples.length)),
    new_pictures_per_s: shownPerSecond,
    pictures_never_seen: skippedPictures,
    sampler: {
      checks: c.ticks,
      page_frame_interval_mean_ms: round1(c.frameIntervalMeanMs),
      page_frame_interval_max_ms: round1(c.frameIntervalMaxMs),
      cost_mean_ms: Math.round(c.costMeanMs * 100) / 100,
      cost_max_ms: round1(c.costMaxMs),
      same_picture_again: c.repeats,
      long_tasks: c.longTasks,
      long_task_ms: Math.round(c.longTaskMs),
      long_task_max_ms: Math.round(c.longTaskMaxMs),
      undecodable: c.undecodable,
      implausible: c.implausible,
      backwards: c.backwards,
      no_canvas: c.noCanvas,
    },
    ...(m.probe ? { probe: m.probe } : {}),
    cpu_pct: m.cpu,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The bare JSMpeg page (baseline and diagnostics)

const JSMPEG_UMD = join(root, 'node_modules/@cycjimmy/jsmpeg-player/dist/jsmpeg-player.umd.min.js');

const BARE_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>bare JSMpeg</title></head>
<body style="margin:0;background:#000">
<canvas id="v" style="width:100%;height:auto;display:block"></canvas>
<script src="/jsmpeg.js"></script>
<script>
  const q = new URLSearchParams(location.search);
  const canvas = document.getElementById('v');
  let p;
  if (q.get('mode') === 'console') {
    // The console's player settings (renderer/features/camera-wall/useStreamPlayer.ts).
    p = new JSMpeg.Player(q.get('ws'), {
      canvas, audio: false, disableGl: true, pauseWhenHidden: false, reconnectInterval: 1,
      videoBufferSize: 1024 * 1024,
    });
    p.updateForStreaming = () => { let n = 0; while (p.video && p.video.decode() && ++n < 60) {} };
  } else {
    // node-rtsp-stream's README: JSMpeg with default options (disableGl so that pixels can be read).
    p = new JSMpeg.Player(q.get('ws'), { canvas, disableGl: true });
  }
  window.player = p;
  if (q.get('probe') === '1') {
    // Observes, changes nothing: when each complete picture (PES) reaches the decoder, and when and what each
    // decode drew (the stamp read right after the draw). Flat arrays: writes [at], decodes [at, stamp, writesSoFar].
    const probe = { writes: [], decodes: [], messages: 0, bytes: 0 };
    window.__probe = probe;
    const dm = p.demuxer, origDm = dm.write.bind(dm);
    dm.write = (data) => { probe.messages++; probe.bytes += data.byteLength; return origDm(data); };
    const v = p.video, origV = v.write.bind(v);
    v.write = (pts, buffers) => { probe.writes.push(Date.now()); return origV(pts, buffers); };
    const C = ${JSON.stringify(CLOCK_PICTURE)};
    const ctx = canvas.getContext('2d');
    v.onDecodeCallback = () => {
      const now = Date.now();
      const sx = canvas.width / C.width, sy = canvas.height / C.height;
      const w = Math.min(canvas.width, Math.ceil(C.bits * C.blockWidth * sx));
      const h = Math.min(canvas.height, Math.ceil(2 * C.blockHeight * sy));
      const d = ctx.getImageData(0, 0, w, h).data;
      let value = 0, ok = true;
      for (let i = 0; i < C.bits && ok; i++) {
        const x = Math.floor((i * C.blockWidth + C.blockWidth / 2) * sx);
        const a = d[(Math.floor((C.blockHeight / 2) * sy) * w + x) * 4] >= 128;
        const b = d[(Math.floor((C.blockHeight * 1.5) * sy) * w + x) * 4] >= 128;
        ok = a === b;
        value = value * 2 + (a ? 1 : 0);
      }
      probe.decodes.push(now, ok ? value : -1, probe.writes.length);
    };
  }
</script>
</body></html>`;

interface ProbeData {
  writes: number[];
  decodes: number[];
  messages: number;
  bytes: number;
}

/**
 * Splits the bare page's latency: camera -> complete picture in the browser (arrival), -> decoded and drawn,
 * and how pictures arrive (bursts) and are decoded (back to back = the first is never displayed).
 */
function analyseProbe(probe: ProbeData, from: number, to: number, fps: number) {
  const decodes: { at: number; stamp: number; writes: number }[] = [];
  for (let i = 0; i + 2 < probe.decodes.length; i += 3)
    decodes.push({ at: probe.decodes[i]!, stamp: probe.decodes[i + 1]!, writes: probe.decodes[i + 2]! });
  const inWindow = decodes.filter((d) => d.at >= from && d.at <= to && d.stamp > 0);
  // The k-th decoded picture is the k-th written one (one picture per PES, nothing dropped by JSMpeg):
  // its arrival is writes[k]. Checked: an arrival after its decode would mean the mapping is wrong.
  // Pictures written before the first sequence header are never decoded: the first decode is the picture in
  // the write that was the latest when it happened.
  const offset = decodes.length ? decodes[0]!.writes - 1 : 0;
  const arrival: number[] = [];
  let mappingErrors = 0;
  decodes.forEach((d, k) => {
    if (d.at < from || d.at > to || d.stamp <= 0) return;
    const w = probe.writes[offset + k];
    if (w === undefined || w > d.at) mappingErrors++;
    else arrival.push(w - d.stamp);
  });
  let dup = 0;
  let missing = 0;
  let backToBack = 0;
  const period = 1000 / fps;
  for (let i = 1; i < inWindow.length; i++) {
    const gap = inWindow[i]!.stamp - inWindow[i - 1]!.stamp;
    if (gap === 0) dup++;
    else missing += Math.max(0, Math.round(gap / period) - 1);
    if (inWindow[i]!.at - inWindow[i - 1]!.at < 5) backToBack++;
  }
  const writes = probe.writes.filter((w) => w >= from && w <= to);
  const gaps = writes.slice(1).map((w, i) => w - writes[i]!);
  return {
    pictures_written_before_first_decode: offset,
    arrival_latency_ms: stats(arrival),
    decode_latency_ms: stats(inWindow.map((d) => d.at - d.stamp)),
    decoded_per_s: round1((inWindow.length * 1000) / (to - from)),
    decoded_same_picture_twice: dup,
    pictures_missing_before_decode: missing,
    decoded_back_to_back_lt5ms: backToBack,
    pictures_arriving_lt10ms_after_previous: gaps.filter((g) => g < 10).length,
    pictures_arriving_gt60ms_after_previous: gaps.filter((g) => g > 60).length,
    arrivals: writes.length,
    mapping_errors: mappingErrors,
  };
}

async function startBarePageServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/jsmpeg.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      createReadStream(JSMPEG_UMD).pipe(res);
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(BARE_PAGE);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const stop = onCleanup('bare page server', async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { url: `http://127.0.0.1:${port}/`, stop };
}

// ---------------------------------------------------------------------------------------------------------------
// node-rtsp-stream

interface NodeRtspStream {
  stream: ChildProcess;
  mpeg1Muxer: NodeJS.EventEmitter & { spawnOptions: string[] };
  stop(): void;
}
type NodeRtspStreamCtor = new (o: {
  name: string;
  streamUrl: string;
  wsPort: number;
  ffmpegPath?: string;
  ffmpegOptions?: Record<string, string | number>;
}) => NodeRtspStream;

async function waitExit(child: ChildProcess, graceMs: number): Promise<'exited' | 'killed'> {
  if (child.exitCode !== null || child.signalCode !== null) return 'exited';
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolveExit('killed');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit('exited');
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// ffmpeg-only pull of /clock: the floor (camera encode + RTSP + ffmpeg's H.264 decode), no MPEG-1, no browser

/** The ffmpeg command the gateway would use for its input, decoding to raw grey pictures on stdout. */
function ffmpegPullArgs(url: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-rtsp_transport',
    'tcp',
    ...LOW_DELAY_INPUT,
    '-i',
    url,
    '-an',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    'pipe:1',
  ];
}

/** GStreamer's own RTSP client and H.264 decoder on the same mount: what the camera itself costs. */
function gstreamerPullArgs(url: string): string[] {
  return [
    '-q',
    'rtspsrc',
    `location=${url}`,
    'latency=0',
    'protocols=tcp',
    '!',
    'rtph264depay',
    '!',
    'avdec_h264',
    '!',
    'videoconvert',
    '!',
    'video/x-raw,format=GRAY8',
    '!',
    'fdsink',
    'fd=1',
    'sync=false',
  ];
}

/** Pulls /clock as raw 640x360 grey pictures and records Date.now() - stamp when each picture is out. */
async function rawPull(command: string, args: string[], ms: number) {
  const { width, height } = CLOCK_PICTURE;
  const frameBytes = width * height;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.once('error', () => undefined);
  const release = onCleanup(`raw pull (${command})`, async () => {
    child.kill('SIGTERM');
    await waitExit(child, 3000);
  });
  let buf: Buffer = Buffer.alloc(0);
  const lat: number[] = [];
  let frames = 0;
  let undecodable = 0;
  let startAt = Infinity;
  const arrivals: number[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    const now = Date.now();
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= frameBytes) {
      const frame = buf.subarray(0, frameBytes);
      buf = buf.subarray(frameBytes);
      frames++;
      const stamp = decodeClockBlocks((x, y) => frame[Math.floor(y) * width + Math.floor(x)]!);
      if (stamp === undefined || Math.abs(now - stamp) > 10_000) undecodable++;
      else if (now >= startAt) {
        lat.push(now - stamp);
        arrivals.push(now);
      }
    }
  });
  child.stderr.on('data', () => undefined);
  await until(`${command}: a first picture`, () => frames > 0, 20_000, 100);
  startAt = Date.now() + 1000;
  await sleep(ms + 1000);
  await release();
  const gaps = arrivals.slice(1).map((a, i) => a - arrivals[i]!);
  return {
    latency_ms: stats(lat),
    decoded_ok: lat.length,
    undecodable,
    pictures_arriving_lt10ms_after_previous: gaps.filter((g) => g < 10).length,
    pictures_arriving_gt60ms_after_previous: gaps.filter((g) => g > 60).length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Machine

function ffmpegVersion(path: string): string {
  const out = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 5000 });
  return (out.stdout ?? '').split('\n')[0]?.trim() || `unknown (${out.error?.message ?? out.status})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Phases

interface Result extends BenchResult {
  latency_ms?: LatencyStats;
  drift_ms?: number;
  baseline?: { latency_ms: LatencyStats; ffmpeg?: string; seconds?: number };
  tiles16_min_fps?: number;
  tiles16_fps?: number[];
  /** Animation frames in which each tile's canvas got a new picture, per second (what reaches the screen). */
  tiles16_displayed_fps?: number[];
  tiles16_min_displayed_fps?: number;
  tiles16_cpu_pct?: ReturnType<typeof cpuReport>['summary'];
  recovery_s?: number;
  recovery_runs_s?: number[];
  machine?: Record<string, unknown>;
  minutes?: number;
  targets?: typeof TARGETS;
  diagnostics: Record<string, unknown>;
  other_processes_started_during_run?: number;
  /** Issue 16: the same camera through JSMpeg (MPEG-1 re-encoded) and passed through (WebCodecs), per size. */
  side_by_side?: SideBySide[];
}

interface SideBySide {
  size: string;
  path: 'jsmpeg' | 'webcodecs';
  /** The tile's own figure: from opening the focus view to its first picture drawn. */
  first_picture_ms: number | undefined;
  /** Pictures the tile drew per second over the window. */
  pictures_per_s: number;
  /** The gateway's ffmpeg for this stream, % of one core. */
  ffmpeg_cpu_pct: number;
  chromium_cpu_pct: number;
  /** Glass-to-glass where the camera draws its clock (640x360 only: the /clock mount). */
  latency_ms?: LatencyStats;
  canvas: string;
  codec_reason: string | undefined;
}

/**
 * Counts, per canvas, the pictures JSMpeg's 2D renderer draws (putImageData) and the animation frames in which it
 * drew at least one: only the last draw of a frame reaches the screen, so the second count is what is displayed.
 * A browser API wrapped from an init script; the product's code is not touched.
 */
const DRAW_COUNTER = `(() => {
  if (typeof CanvasRenderingContext2D === 'undefined') return;
  let frame = 0;
  const tick = () => { frame++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const put = CanvasRenderingContext2D.prototype.putImageData;
  CanvasRenderingContext2D.prototype.putImageData = function (...args) {
    const c = this.canvas;
    c.__draws = (c.__draws || 0) + 1;
    if (c.__drawFrame !== frame) {
      c.__drawFrame = frame;
      c.__drawFrames = (c.__drawFrames || 0) + 1;
    }
    return put.apply(this, args);
  };
})();`;

async function openPage(browser: Browser, opts: Options, url: string, errors: PageErrors): Promise<Page> {
  const context = await browser.newContext({ viewport: opts.viewport });
  // tsx (esbuild keepNames) wraps named inner functions in __name(); functions sent to the page need it.
  await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await context.addInitScript({ content: DRAW_COUNTER });
  onCleanup('browser context', () => context.close().catch(() => undefined));
  const page = await context.newPage();
  errors.watch(page);
  await page.goto(url);
  return page;
}

async function waitAttr(
  page: Page,
  selector: string,
  attr: string,
  value: string,
  timeoutMs: number,
  what: string,
) {
  await until(
    what,
    async () =>
      (await page
        .locator(selector)
        .first()
        .getAttribute(attr)
        .catch(() => null)) === value,
    timeoutMs,
    50,
  );
}

async function latencyPhase(browser: Browser, rtsp: RtspServer, opts: Options, result: Result, tmp: string) {
  const runMs = opts.minutes * 60_000;
  const windowMs = opts.minutes >= 2 ? 60_000 : 30_000;
  const sitePath = writeSite(mkdtempSync(join(tmp, 'site-latency-')), [{ main: rtsp.url('/clock') }]);
  const app = await startConsole('latency', sitePath, opts);
  result.machine!.ffmpeg = {
    ...app.core.gateway.ffmpeg,
    version: ffmpegVersion(app.core.gateway.ffmpeg.path),
  };
  const pageErrors = new PageErrors();
  const page = await openPage(browser, opts, app.host.url, pageErrors);
  await signInBench(app.core, page);
  await page.locator('[data-testid=layout-1]').click();
  const grid = '[data-testid=wall-grid] [data-testid=camera-tile]';
  await waitAttr(page, grid, 'data-status', 'live', 30_000, 'the grid tile to be live');
  await page.locator(grid).first().dblclick();
  const focus = '[data-testid=wall-focus] [data-testid=camera-tile]';
  await waitAttr(page, focus, 'data-profile', 'main', 10_000, 'the focus view to play main');
  await waitAttr(page, focus, 'data-status', 'live', 30_000, 'the focus view to be live');
  const canvas = `${focus} canvas`;
  await until(
    'the focus canvas at 640x360',
    async () =>
      (await page.evaluate(
        `(() => { const c = document.querySelector(${JSON.stringify(canvas)}); return c ? c.width + 'x' + c.height : ''; })()`,
      )) === '640x360',
    30_000,
    50,
  );
  log(
    `latency: console focus view live at 640x360; sampling for ${fmtDuration(runMs)} after ${WARMUP_MS / 1000} s warm-up`,
  );
  const m = await measureLatency(page, canvas, 'latency', runMs);
  const all = m.samples.map((s) => s.latency);
  result.latency_ms = stats(all);
  const first = m.samples.filter((s) => s.at < m.startedAt + windowMs).map((s) => s.latency);
  const last = m.samples.filter((s) => s.at >= m.endedAt - windowMs).map((s) => s.latency);
  result.drift_ms = median(last) - median(first);
  result.diagnostics.latency = {
    ...describeRun(m, MAIN_PROFILE.fps),
    window_s: windowMs / 1000,
    first_window_ms: stats(first),
    last_window_ms: stats(last),
    per_minute_p50_ms: perMinute(m),
    decoder_cross_check: m.crossCheck,
    gateway: app.core.gateway
      .statuses()
      .map((s) => ({ stream: `${s.cameraId}/${s.profile}`, fps: s.fps, kbps: s.kbps, restarts: s.restarts })),
    page_errors: pageErrors.all.slice(0, 5),
    core_errors: app.errors.slice(0, 5),
  };
  log(
    `latency: p50 ${result.latency_ms.p50} ms, p95 ${result.latency_ms.p95} ms over ${all.length} samples; ` +
      `drift ${result.drift_ms} ms (first ${windowMs / 1000} s median ${median(first)}, last ${median(last)})`,
  );

  if (!opts.skip.has('diagnostics')) {
    // The same gateway stream in a bare page with the console's player settings: console page vs bare page.
    const bare = await startBarePageServer();
    const gw = app.core.gateway;
    const wsUrl = `${gw.url}/cam-01/main?token=${encodeURIComponent(gw.token)}`;
    const errors = new PageErrors();
    const barePage = await openPage(
      browser,
      opts,
      `${bare.url}?mode=console&probe=1&ws=${encodeURIComponent(wsUrl)}`,
      errors,
    );
    await page.context().close();
    const diagMs = 20_000;
    log(
      `diagnostics: the gateway's main stream in a bare JSMpeg page (console player settings), ${diagMs / 1000} s`,
    );
    const d = await measureLatency(barePage, '#v', 'gateway + bare page', diagMs);
    result.diagnostics.gateway_bare_page = {
      latency_ms: stats(d.samples.map((s) => s.latency)),
      ...describeRun(d, 25),
      page_errors: errors.all.slice(0, 5),
    };
    log(`diagnostics: gateway + bare page p50 ${stats(d.samples.map((s) => s.latency)).p50} ms`);
    await barePage.context().close();
    await bare.stop();
  }
  await app.stop();
}

function perMinute(m: MeasureResult): number[] {
  const out: number[] = [];
  for (let t = m.startedAt; t < m.endedAt; t += 60_000) {
    const v = m.samples.filter((s) => s.at >= t && s.at < t + 60_000).map((s) => s.latency);
    if (v.length) out.push(median(v));
  }
  return out;
}

async function baselinePhase(
  browser: Browser,
  rtsp: RtspServer,
  opts: Options,
  result: Result,
  ffmpeg: string,
) {
  const windowMs = opts.minutes >= 2 ? 60_000 : 30_000;
  const NodeRtspStream = require('node-rtsp-stream') as NodeRtspStreamCtor;
  const wsPort = await freePort();
  const bare = await startBarePageServer();
  const stream = new NodeRtspStream({
    name: 'bench',
    streamUrl: rtsp.url('/clock'),
    wsPort,
    ffmpegPath: ffmpeg,
    ffmpegOptions: { '-stats': '', '-r': 25, '-s': '640x360' },
  });
  // It copies ffmpeg's stderr (with -stats: a progress line every 0.5 s) to ours; keep it out of the output.
  const muxer = stream.mpeg1Muxer;
  const listeners = muxer.listeners('ffmpegStderr') as ((d: Buffer) => void)[];
  const writer = listeners.find((f) => /stderr\.write/.test(f.toString()));
  if (writer) muxer.removeListener('ffmpegStderr', writer);
  let stderrTail = '';
  muxer.on('ffmpegStderr', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString()).slice(-2000);
  });
  const child = stream.stream;
  const release = onCleanup('node-rtsp-stream', async () => {
    try {
      stream.stop();
    } catch (err) {
      log(`node-rtsp-stream stop() threw: ${(err as Error).message}`);
    }
    const how = await waitExit(child, 3000);
    if (how === 'killed') log('node-rtsp-stream: its ffmpeg ignored SIGTERM for 3 s and was killed');
  });
  const errors = new PageErrors();
  const page = await openPage(
    browser,
    opts,
    `${bare.url}?mode=default&probe=1&ws=${encodeURIComponent(`ws://127.0.0.1:${wsPort}`)}`,
    errors,
  );
  log(
    `baseline: node-rtsp-stream (${ffmpeg} ${muxer.spawnOptions.join(' ')}) into JSMpeg defaults, ${windowMs / 1000} s`,
  );
  const m = await measureLatency(page, '#v', 'baseline', windowMs);
  result.baseline = { latency_ms: stats(m.samples.map((s) => s.latency)), ffmpeg, seconds: windowMs / 1000 };
  result.diagnostics.baseline = {
    ...describeRun(m, 25),
    ffmpeg_args: muxer.spawnOptions,
    page_errors: errors.all.slice(0, 5),
    ffmpeg_exit: child.exitCode ?? child.signalCode,
  };
  await page.context().close();
  await release();
  result.diagnostics.baseline = {
    ...(result.diagnostics.baseline as object),
    ffmpeg_gone: child.exitCode !== null || child.signalCode !== null,
    ffmpeg_stderr_tail: stderrTail
      .split(/[\r\n]+/)
      .filter(Boolean)
      .slice(-2),
  };
  await bare.stop();
  log(
    `baseline: p50 ${result.baseline.latency_ms.p50} ms, p95 ${result.baseline.latency_ms.p95} ms over ${result.baseline.latency_ms.samples} samples`,
  );
}

/**
 * Investigation (--variants): the gateway's own ffmpeg command line for /clock, relayed as is to a bare page with
 * the console's player settings, with and without two output options the product does not use:
 *   -flags +low_delay -strict unofficial   mpeg1video otherwise holds every picture until the next one arrives
 *                                          (libavcodec's encoding_delay = 1 unless low_delay; MPEG-1 needs
 *                                          `unofficial` to allow it), i.e. one frame (40 ms at 25 fps)
 *   -omit_video_pes_length 0               without a PES length, JSMpeg only knows a picture is complete when a
 *                                          padded continuation packet or the next picture arrives, so a picture
 *                                          that fits in one 188-byte TS packet waits for the next one
 */
async function variantsPhase(
  browser: Browser,
  rtsp: RtspServer,
  opts: Options,
  result: Result,
  ffmpeg: string,
) {
  const base = ffmpegArgs(
    { url: rtsp.url('/clock'), transport: 'tcp' },
    MAIN_PROFILE,
    ffmpegMajorVersion(ffmpeg),
  );
  const output = base.at(-1)!;
  const variants: Record<string, string[]> = {
    'as the gateway runs it': [],
    '+ -flags +low_delay -strict unofficial': ['-flags', '+low_delay', '-strict', 'unofficial'],
    '+ -omit_video_pes_length 0': ['-omit_video_pes_length', '0'],
    '+ both': ['-flags', '+low_delay', '-strict', 'unofficial', '-omit_video_pes_length', '0'],
  };
  const bare = await startBarePageServer();
  const out: Record<string, unknown> = {};
  for (const [name, extra] of Object.entries(variants)) {
    const args = [...base.slice(0, -1), ...extra, output];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.on('data', () => undefined);
    child.stdout.on('data', (chunk: Buffer) => {
      for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
    });
    const release = onCleanup(`ffmpeg variant ${name}`, async () => {
      child.kill('SIGTERM');
      await waitExit(child, 3000);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    });
    const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const page = await openPage(
      browser,
      opts,
      `${bare.url}?mode=console&probe=1&ws=${encodeURIComponent(wsUrl)}`,
      new PageErrors(),
    );
    log(`variants: ${name}, 15 s`);
    const m = await measureLatency(page, '#v', `variant ${name}`, 15_000);
    const l = stats(m.samples.map((x) => x.latency));
    out[name] = {
      latency_ms: l,
      new_pictures_per_s: skipped(m.samples, MAIN_PROFILE.fps).shownPerSecond,
      arrival_latency_ms: m.probe?.arrival_latency_ms,
      decode_latency_ms: m.probe?.decode_latency_ms,
      decoded_back_to_back_lt5ms: m.probe?.decoded_back_to_back_lt5ms,
      other_processes_cpu_pct: m.cpu.other_processes,
      extra_args: extra,
    };
    log(
      `variants: ${name}: p50 ${l.p50} ms, p95 ${l.p95} ms, ${skipped(m.samples, MAIN_PROFILE.fps).shownPerSecond} new pictures/s`,
    );
    await page.context().close();
    await release();
  }
  await bare.stop();
  result.diagnostics.ffmpeg_variants = { ffmpeg, gateway_args: base, results: out };
}

const naiveIds = (tiles: { id: string }[]) => tiles.map((t) => t.id);

/**
 * Watches every camera's sub stream from Node, as one more viewer of the gateway's endpoint, and counts per
 * stream the pictures and how often a picture that fits in ONE 188-byte TS packet is followed by a bigger one.
 * ffmpeg writes video PES packets without a length, so JSMpeg only knows such a picture is complete when the next
 * picture starts; when that next picture's last (padded) packet comes in the same message, the console's
 * decode-everything loop decodes both in one animation frame and the first is never displayed.
 */
function watchPictureSizes(gatewayUrl: string, token: string, ids: string[]) {
  const counts = new Map<
    string,
    { pictures: number; oneThenBigger: number; last: number; current: number }
  >();
  const sockets = ids.map((id) => {
    const c = { pictures: 0, oneThenBigger: 0, last: 0, current: 0 };
    counts.set(id, c);
    const ws = new WebSocket(`${gatewayUrl}/${id}/sub?token=${encodeURIComponent(token)}`);
    const packets = new TsPacketizer();
    let videoPid = -1;
    ws.on('message', (data: Buffer) => {
      for (const p of packets.push(data)) {
        const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
        if (inspectPacket(p).pictureStart) {
          videoPid = pid;
          if (c.current) {
            if (c.last === 1 && c.current > 1) c.oneThenBigger++;
            c.last = c.current;
            c.pictures++;
          }
          c.current = 0;
        }
        if (pid === videoPid) c.current++;
      }
    });
    ws.on('error', () => undefined);
    return ws;
  });
  return {
    stop: () => {
      for (const ws of sockets) ws.terminate();
      return Object.fromEntries(
        [...counts].map(([id, c]) => [
          id,
          {
            pictures: c.pictures,
            one_packet_then_bigger: c.oneThenBigger,
            share: round2(c.oneThenBigger / Math.max(1, c.pictures)),
          },
        ]),
      );
    },
  };
}

async function wallPhase(browser: Browser, opts: Options, result: Result, tmp: string) {
  const rtsp = await startRtsp('4 cameras', { cameras: 4 });
  const sitePath = writeSite(mkdtempSync(join(tmp, 'site-wall-')), wallStreams(rtsp.url, 16));
  const app = await startConsole('wall', sitePath, opts);
  const pageErrors = new PageErrors();
  const page = await openPage(browser, opts, app.host.url, pageErrors);
  await signInBench(app.core, page);
  await page.locator('[data-testid=layout-16]').click();
  const tiles = '[data-testid=wall-grid] [data-testid=camera-tile]';
  const snapshot = async () =>
    page.locator(tiles).evaluateAll((els) =>
      els.map((e) => ({
        id: e.getAttribute('data-camera-id') ?? '',
        status: e.getAttribute('data-status') ?? '',
        frames: Number(e.getAttribute('data-frames') ?? 0),
      })),
    );
  await until(
    '16 tiles live and decoding',
    async () => {
      const s = await snapshot();
      return s.length === 16 && s.every((t) => t.status === 'live' && t.frames > 0);
    },
    90_000,
    250,
  );
  await sleep(WARMUP_MS);

  if (!opts.skip.has('tiles')) {
    // Record every change of each tile's data-frames (it is refreshed on the tile's 500 ms re-render), so the
    // rate uses the moments the counts were taken rather than when we happened to read them.
    await page.evaluate(`(() => {
      const log = { changes: {}, rafs: 0, stop: false };
      globalThis.__tiles = log;
      const tick = () => { if (log.stop) return; log.rafs++; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      const timer = setInterval(() => {
        if (log.stop) return clearInterval(timer);
        const now = Date.now();
        for (const el of document.querySelectorAll(${JSON.stringify(tiles)})) {
          const id = el.getAttribute('data-camera-id');
          const f = Number(el.getAttribute('data-frames'));
          const list = log.changes[id] || (log.changes[id] = []);
          if (!list.length || list[list.length - 1][1] !== f) list.push([now, f]);
        }
      }, 25);
    })()`);
    const pes = watchPictureSizes(app.core.gateway.url, app.core.gateway.token, naiveIds(await snapshot()));
    await sleep(1000);
    const cpu0 = cpuSnapshot();
    const w0 = Date.now();
    const draws = async () =>
      (await page.evaluate(`(() => ({ at: Date.now(), tiles: [...document.querySelectorAll(${JSON.stringify(tiles)})].map((t) => {
        const c = t.querySelector('canvas');
        return { id: t.getAttribute('data-camera-id'), draws: c.__draws || 0, frames: c.__drawFrames || 0 };
      }) }))()`)) as { at: number; tiles: { id: string; draws: number; frames: number }[] };
    const naive0 = await snapshot();
    const draws0 = await draws();
    await sleep(TILES_WINDOW_MS);
    const draws1 = await draws();
    const naive1 = await snapshot();
    const w1 = Date.now();
    const cpu1 = cpuSnapshot();
    const pictureSizes = pes.stop();
    const gatewayFps = app.core.gateway
      .statuses()
      .filter((s) => s.profile === 'sub')
      .map((s) => ({ id: s.cameraId, fps: s.fps }));
    const got = (await page.evaluate(
      `(() => { const l = globalThis.__tiles; l.stop = true; return l; })()`,
    )) as {
      changes: Record<string, [number, number][]>;
      rafs: number;
    };
    const drawSeconds = (draws1.at - draws0.at) / 1000;
    const fps: { id: string; fps: number; naive: number; drawn: number; displayed: number }[] = naive0.map(
      (t0n) => {
        const d0 = draws0.tiles.find((x) => x.id === t0n.id);
        const d1 = draws1.tiles.find((x) => x.id === t0n.id);
        const list = got.changes[t0n.id] ?? [];
        const inWindow = list.filter(([at]) => at >= w0 && at <= w1);
        const a = inWindow[0];
        const b = inWindow.at(-1);
        const exact = a && b && b[0] > a[0] ? ((b[1] - a[1]) * 1000) / (b[0] - a[0]) : 0;
        const t1n = naive1.find((x) => x.id === t0n.id);
        return {
          id: t0n.id,
          fps: round1(exact),
          naive: round1(((t1n?.frames ?? 0) - t0n.frames) / (TILES_WINDOW_MS / 1000)),
          drawn: round1(((d1?.draws ?? 0) - (d0?.draws ?? 0)) / drawSeconds),
          displayed: round1(((d1?.frames ?? 0) - (d0?.frames ?? 0)) / drawSeconds),
        };
      },
    );
    result.tiles16_displayed_fps = fps.map((f) => f.displayed);
    result.tiles16_min_displayed_fps = Math.min(...result.tiles16_displayed_fps);
    result.tiles16_fps = fps.map((f) => f.fps);
    result.tiles16_min_fps = Math.min(...result.tiles16_fps);
    const report = cpuReport(cpu0, cpu1);
    const cpu = report.per;
    result.tiles16_cpu_pct = report.summary;
    result.diagnostics.tiles16 = {
      source:
        '4 GStreamer RTSP cameras (/camN/sub, 320x180@15 H.264) + 12 synthetic:testsrc2; all decoded at the console sub profile 320x180@15',
      per_tile: fps,
      naive_delta_over_20s: fps.map((f) => f.naive),
      gateway_ffmpeg_output_fps: gatewayFps,
      // Each sub stream as the gateway sends it (a Node viewer on the same endpoint): a picture that fits in one
      // TS packet followed by a bigger one is handed to JSMpeg's decoder together with it, so it is never shown.
      gateway_pictures_one_ts_packet_then_bigger: pictureSizes,
      page_animation_fps: round1((got.rafs * 1000) / (w1 - w0 + 1000)),
      ffmpeg_processes_cpu_pct: cpu.filter((c) => c.kind === 'ffmpeg').map((c) => c.pct),
      chromium_processes_cpu_pct: cpu
        .filter((c) => c.kind === 'chromium')
        .map((c) => c.pct)
        .filter((p) => p > 0),
      page_errors: pageErrors.all.slice(0, 5),
    };
    log(
      `tiles16: min ${result.tiles16_min_fps} fps (target >= ${TARGETS.tiles16_min_fps}); ` +
        `all ${result.tiles16_fps.join(' ')}; displayed (frames with a new picture) min ${result.tiles16_min_displayed_fps}: ` +
        `${result.tiles16_displayed_fps.join(' ')}; CPU chromium ${result.tiles16_cpu_pct.chromium} %, ffmpeg ${result.tiles16_cpu_pct.ffmpeg} % of ${cpus().length * 100} %`,
    );
  }

  if (!opts.skip.has('recovery')) {
    await page.evaluate(`(() => {
      const log = []; globalThis.__status = log;
      const read = () => { for (const el of document.querySelectorAll(${JSON.stringify(tiles)}))
        log.push([Date.now(), el.getAttribute('data-camera-id'), el.getAttribute('data-status')]); };
      read();
      new MutationObserver((records) => {
        const now = Date.now();
        for (const r of records) log.push([now, r.target.getAttribute('data-camera-id'), r.target.getAttribute('data-status')]);
      }).observe(document.querySelector('[data-testid=wall-grid]'), { subtree: true, attributes: true, attributeFilter: ['data-status'] });
    })()`);
    const statusLog = async () => (await page.evaluate('globalThis.__status')) as [number, string, string][];
    const statusOf = async (id: string) => (await statusLog()).filter((e) => e[1] === id).at(-1)?.[2];
    const rtspIds = ['cam-01', 'cam-02', 'cam-03', 'cam-04'];
    // The gateway's own view of cam-01/sub (every launch re-announces the status with restarts + 1).
    const timeline: { at: number; state: string; restarts: number; retryAt?: number; error?: string }[] = [];
    const unsubscribe = app.core.bus.subscribe((name, payload) => {
      if (name !== 'streams.status') return;
      for (const st of (payload as { streams: StreamStatusLike[] }).streams)
        if (st.cameraId === 'cam-01' && st.profile === 'sub')
          timeline.push({
            at: Date.now(),
            state: st.state,
            restarts: st.restarts,
            retryAt: st.retryAt,
            error: st.error,
          });
    });
    const runs: { recovery_s: number; all4_s: number; offline_after_s: number; down_s: number }[] = [];
    for (let run = 1; run <= 3; run++) {
      const stopAt = Date.now();
      await rtsp.stop();
      await until('cam-01 offline', async () => (await statusOf('cam-01')) === 'offline', 30_000, 50);
      const offlineAt = Date.now();
      await sleep(opts.downS * 1000);
      await rtsp.restart();
      const backAt = Date.now();
      await until(
        'the 4 RTSP tiles live again',
        async () => {
          const entries = await statusLog();
          return rtspIds.every((id) => entries.filter((e) => e[1] === id).at(-1)?.[2] === 'live');
        },
        60_000,
        50,
      );
      const entries = await statusLog();
      const liveAt = (id: string) =>
        entries.find((e) => e[1] === id && e[0] >= backAt && e[2] === 'live')?.[0] ?? NaN;
      // The launch that succeeded: the last restart announced before the gateway said live.
      const gwLive = timeline.find((t) => t.at >= backAt && t.state === 'live');
      const launches = timeline.filter(
        (t, i) => i > 0 && t.restarts > timeline[i - 1]!.restarts && t.at <= (gwLive?.at ?? Infinity),
      );
      const lastLaunch = launches.at(-1);
      const retryPending = timeline.filter((t) => t.at <= backAt && t.retryAt !== undefined).at(-1)?.retryAt;
      const r = {
        recovery_s: round2((liveAt('cam-01') - backAt) / 1000),
        all4_s: round2((Math.max(...rtspIds.map(liveAt)) - backAt) / 1000),
        offline_after_s: round2((offlineAt - stopAt) / 1000),
        down_s: round2((backAt - offlineAt) / 1000),
        gateway_next_retry_after_return_s:
          retryPending !== undefined ? round2((retryPending - backAt) / 1000) : null,
        gateway_launch_to_live_s: lastLaunch && gwLive ? round2((gwLive.at - lastLaunch.at) / 1000) : null,
        gateway_live_to_tile_live_s: gwLive ? round2((liveAt('cam-01') - gwLive.at) / 1000) : null,
        launches_while_down: timeline.filter(
          (t, i) => i > 0 && t.at >= stopAt && t.at < backAt && t.restarts > timeline[i - 1]!.restarts,
        ).length,
      };
      runs.push(r);
      log(
        `recovery ${run}/3: cam-01 live ${r.recovery_s} s after the camera returned (all 4: ${r.all4_s} s; went offline ${r.offline_after_s} s after it died) (target <= ${TARGETS.recovery_s} s)`,
      );
      timeline.length = 0;
      await sleep(2000);
    }
    unsubscribe();
    result.recovery_runs_s = runs.map((r) => r.recovery_s);
    result.recovery_s = median(result.recovery_runs_s);
    result.diagnostics.recovery = {
      method: `stop the 4-camera RTSP server while the 16-tile wall shows it; once cam-01's tile says offline, keep the camera dead ${opts.downS} s; restart(); time until cam-01's tile has data-status=live (MutationObserver in the page)`,
      runs,
    };
  }
  await page.context().close();
  await app.stop();
  await rtsp.stop();
}

// ---------------------------------------------------------------------------------------------------------------
// Side by side (issue 16): JSMpeg vs passthrough on the same camera

const SIDE_WINDOW_MS = 15_000;
const SIDE_LATENCY_MS = 20_000;

async function sideBySidePhase(browser: Browser, opts: Options, result: Result, tmp: string) {
  result.side_by_side = [];
  const sizes = [
    { width: 640, height: 360, kbps: 1500 },
    { width: 1920, height: 1080, kbps: 4000 },
  ];
  for (const size of sizes) {
    const label = `${size.width}x${size.height}@25`;
    const small = size.width === 640;
    const rtsp = await startRtsp(`side ${label}`, {
      cameras: 1,
      width: size.width,
      height: size.height,
      fps: 25,
      clockMount: small,
    });
    // The clock mount is 640x360 and carries the time in its picture: glass-to-glass comes with the CPU figures.
    const source = small ? rtsp.url('/clock') : rtsp.url('/cam1');
    for (const path of ['jsmpeg', 'webcodecs'] as const) {
      const sitePath = writeSite(
        mkdtempSync(join(tmp, `site-side-${path}-`)),
        [{ main: source, sub: source }],
        path === 'jsmpeg' ? 'jsmpeg' : 'auto',
      );
      // One tile (layout 1) playing the camera's stream; JSMpeg re-encodes it at the camera's own size, as a main
      // stream shown in its detail would need (the MPEG-1 wall's default scales main to 960x540).
      const profile = { width: size.width, height: size.height, fps: 25, kbps: size.kbps, gop: 25 };
      const app = await startConsole(`side-${path}-${size.width}`, sitePath, opts, {
        main: profile,
        sub: profile,
      });
      const pageErrors = new PageErrors();
      const page = await openPage(browser, opts, app.host.url, pageErrors);
      await signInBench(app.core, page);
      await page.locator('[data-testid=layout-1]').click();
      const focus = '[data-testid=wall-grid] [data-testid=camera-tile]';
      await waitAttr(page, focus, 'data-status', 'live', 30_000, `${label} ${path}: the tile to be live`);
      await until(
        `${label} ${path}: a first picture in the tile`,
        async () =>
          Number((await page.locator(focus).first().getAttribute('data-first-picture-ms')) ?? 0) > 0,
        30_000,
        100,
      );
      await sleep(7_000);
      const tile = page.locator(focus).first();
      const firstPicture = Number((await tile.getAttribute('data-first-picture-ms')) ?? 0) || undefined;
      const codecPath = await tile.getAttribute('data-codec-path');
      const reason = (await tile.getAttribute('data-codec-reason')) ?? undefined;
      if (codecPath !== path) throw new Error(`${label}: the focus tile plays ${codecPath}, not ${path}`);
      const frames0 = Number((await tile.getAttribute('data-frames')) ?? 0);
      const cpu0 = cpuSnapshot();
      const t0 = Date.now();
      await sleep(SIDE_WINDOW_MS);
      const frames1 = Number((await tile.getAttribute('data-frames')) ?? 0);
      const cpu = cpuReport(cpu0, cpuSnapshot());
      const seconds = (Date.now() - t0) / 1000;
      const canvas = String(
        await page.evaluate(
          `(() => { const c = document.querySelector(${JSON.stringify(`${focus} canvas`)}); return c ? c.width + 'x' + c.height : ''; })()`,
        ),
      );
      const entry: SideBySide = {
        size: label,
        path,
        first_picture_ms: firstPicture,
        pictures_per_s: round1((frames1 - frames0) / seconds),
        ffmpeg_cpu_pct: cpu.summary.ffmpeg,
        chromium_cpu_pct: cpu.summary.chromium,
        canvas,
        codec_reason: reason,
      };
      if (small) {
        const m = await measureLatency(page, `${focus} canvas`, `side ${label} ${path}`, SIDE_LATENCY_MS);
        entry.latency_ms = stats(m.samples.map((x) => x.latency));
      }
      result.side_by_side.push(entry);
      log(
        `side by side ${label} ${path}: first picture ${entry.first_picture_ms ?? '-'} ms, ` +
          `${entry.pictures_per_s} pictures/s, ffmpeg ${entry.ffmpeg_cpu_pct} % of a core, chromium ` +
          `${entry.chromium_cpu_pct} %, canvas ${canvas}` +
          (entry.latency_ms
            ? `, glass-to-glass p50 ${entry.latency_ms.p50} ms p95 ${entry.latency_ms.p95} ms`
            : ''),
      );
      await page.context().close();
      await app.stop();
    }
    await rtsp.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Main

function summary(r: Result): string {
  const ok = (v: boolean | undefined) => (v === undefined ? '  ' : v ? 'ok' : '!!');
  const lines = [
    `Video benchmark (${r.minutes} min) on ${String((r.machine ?? {}).cpu_model)} x${String((r.machine ?? {}).cores)}`,
    `  ${ok(r.pass?.latency_p50)} latency p50      ${r.latency_ms?.p50 ?? '-'} ms   (target <= ${TARGETS.latency_p50_ms}; baseline ${r.baseline?.latency_ms.p50 ?? '-'})`,
    `  ${ok(r.pass?.latency_p95)} latency p95      ${r.latency_ms?.p95 ?? '-'} ms   (target <= ${TARGETS.latency_p95_ms}; baseline ${r.baseline?.latency_ms.p95 ?? '-'})`,
    `  ${ok(r.pass?.not_worse_than_baseline)} vs baseline      ours ${r.latency_ms?.p50 ?? '-'}/${r.latency_ms?.p95 ?? '-'} ms, node-rtsp-stream ${r.baseline?.latency_ms.p50 ?? '-'}/${r.baseline?.latency_ms.p95 ?? '-'} ms (p50/p95)`,
    `  ${ok(r.pass?.drift)} drift            ${r.drift_ms ?? '-'} ms   (target <= ${TARGETS.drift_ms})`,
    `  ${ok(r.pass?.tiles16)} 16 tiles min fps ${r.tiles16_min_fps ?? '-'}   (target >= ${TARGETS.tiles16_min_fps}); all: ${(r.tiles16_fps ?? []).join(' ')}`,
    `  ${ok(r.pass?.tiles16_displayed)} 16 tiles shown   ${r.tiles16_min_displayed_fps ?? '-'} fps (animation frames with a new picture); all: ${(r.tiles16_displayed_fps ?? []).join(' ')}`,
    `  ${ok(r.pass?.recovery)} recovery         ${r.recovery_s ?? '-'} s   (target <= ${TARGETS.recovery_s}); runs: ${(r.recovery_runs_s ?? []).join(' ')}`,
  ];
  for (const x of r.side_by_side ?? [])
    lines.push(
      `     ${x.size.padEnd(15)} ${x.path.padEnd(9)} first ${x.first_picture_ms ?? '-'} ms · ${x.pictures_per_s}/s · ` +
        `ffmpeg ${x.ffmpeg_cpu_pct} % · chromium ${x.chromium_cpu_pct} %` +
        (x.latency_ms ? ` · g2g p50 ${x.latency_ms.p50} ms` : ''),
    );
  if (r.leftover_processes?.length) lines.push(`  left running: ${r.leftover_processes.join('; ')}`);
  if (r.error) lines.push(`  ERROR: ${r.error}`);
  return lines.join('\n');
}

/** Issue 16's targets for the passthrough path, from the side-by-side runs. */
function passthroughPass(runs: SideBySide[] | undefined): Record<string, boolean | undefined> {
  const pt = (runs ?? []).filter((x) => x.path === 'webcodecs');
  if (pt.length === 0) return {};
  const small = pt.find((x) => x.latency_ms);
  return {
    passthrough_ffmpeg: pt.every((x) => x.ffmpeg_cpu_pct <= TARGETS.passthrough_ffmpeg_pct),
    passthrough_pictures: pt.every((x) => x.pictures_per_s >= TARGETS.passthrough_min_pictures),
    passthrough_first_picture: pt.every(
      (x) => x.first_picture_ms !== undefined && x.first_picture_ms <= TARGETS.passthrough_first_picture_ms,
    ),
    passthrough_latency_360p: small?.latency_ms
      ? small.latency_ms.p50 <= TARGETS.passthrough_latency_360p_p50_ms
      : undefined,
  };
}

const windowMs = opts.minutes >= 2 ? 60_000 : 30_000;
const result: Result = { diagnostics: {}, minutes: opts.minutes, targets: TARGETS };

async function run(tmp: string): Promise<void> {
  if (!rtspServerAvailable())
    throw new Error('GStreamer RTSP server not available (see .ci/run for the Debian packages)');
  result.diagnostics.renderer_build_older_than_sources = ensureRendererBuilt().stale;
  const browser = await launchChromium();
  onCleanup('Chromium', () => browser.close());
  const m = machine();
  result.machine = {
    ...m,
    chromium: browser.version(),
    viewport: `${opts.viewport.width}x${opts.viewport.height}`,
    minutes: opts.minutes,
  };
  log(
    `machine: ${m.cores} x ${m.cpu_model}, node ${m.node}, chromium ${browser.version()}; ` +
      `run ${opts.minutes} min (windows ${windowMs / 1000} s)`,
  );

  const q0 = cpuSnapshot();
  await sleep(2000);
  const quiet = cpuReport(q0, cpuSnapshot()).summary;
  log(
    `before starting: the machine is ${quiet.machine_busy} % busy (of ${quiet.capacity} %) with processes not ours`,
  );
  result.machine.busy_before_start_pct = quiet.machine_busy;

  const clock = await startRtsp('clock', { cameras: 1, clockMount: true });
  log(`RTSP camera with the clock mount at ${clock.url('/clock')}`);
  if (!opts.skip.has('latency')) await latencyPhase(browser, clock, opts, result, tmp);
  const ffmpeg = (result.machine.ffmpeg as { path: string } | undefined)?.path ?? opts.ffmpeg ?? 'ffmpeg';
  if (!opts.skip.has('diagnostics')) {
    log("diagnostics: ffmpeg alone (the gateway's input options) pulling /clock to raw grey pictures, 10 s");
    const ff = await rawPull(ffmpeg, ffmpegPullArgs(clock.url('/clock')), 10_000);
    result.diagnostics.ffmpeg_pull = { ffmpeg, ...ff };
    log(`diagnostics: ffmpeg pull p50 ${ff.latency_ms.p50} ms, p95 ${ff.latency_ms.p95} ms`);
    if (commandExists('gst-launch-1.0')) {
      log(
        "diagnostics: GStreamer (rtspsrc latency=0 + avdec_h264) pulling /clock, 10 s: the camera's own share",
      );
      const gst = await rawPull('gst-launch-1.0', gstreamerPullArgs(clock.url('/clock')), 10_000);
      result.diagnostics.gstreamer_pull = gst;
      log(`diagnostics: GStreamer pull p50 ${gst.latency_ms.p50} ms, p95 ${gst.latency_ms.p95} ms`);
    }
  }
  if (opts.variants) await variantsPhase(browser, clock, opts, result, ffmpeg);
  if (!opts.skip.has('baseline'))
    await baselinePhase(browser, clock, opts, result, opts.baselineFfmpeg ?? ffmpeg);
  await clock.stop();
  if (!opts.skip.has('tiles') || !opts.skip.has('recovery')) await wallPhase(browser, opts, result, tmp);
  if (!opts.skip.has('sidebyside')) await sideBySidePhase(browser, opts, result, tmp);
}

/** This machine is shared: what processes that are not ours used during each measured window. */
function noteDisturbance(r: Result, others: string[]): void {
  r.other_processes_started_during_run = others.length;
  const pgrep = spawnSync('pgrep', ['-a', '-f', 'ffmpeg|rtsp-server\\.py|chromium'], { encoding: 'utf8' });
  const found = pgrep.stdout.trim();
  log(
    `pgrep -a -f 'ffmpeg|rtsp-server.py|chromium': ${
      found
        ? '\n' +
          found
            .split('\n')
            .map((l) => `    ${l.slice(0, 150)}`)
            .join('\n')
        : 'nothing'
    }`,
  );
  const busy: Record<string, number> = {};
  const dg = r.diagnostics as Record<string, { cpu_pct?: { other_processes: number } } | undefined>;
  for (const k of ['latency', 'gateway_bare_page', 'baseline'])
    if (dg[k]?.cpu_pct) busy[k] = dg[k].cpu_pct.other_processes;
  if (r.tiles16_cpu_pct) busy.tiles16 = r.tiles16_cpu_pct.other_processes;
  if (r.machine) {
    r.machine.other_processes_cpu_pct = busy;
    r.machine.disturbed = Object.values(busy).some((v) => v > DISTURBED_PCT);
    if (r.machine.disturbed)
      log(
        `WARNING: other processes used more than ${DISTURBED_PCT} % of a core during a measured window ` +
          `(${JSON.stringify(busy)}): the figures are disturbed; run again on a quiet machine`,
      );
  }
}

await runBench({
  name: 'bench:video',
  json: opts.json,
  budgetMs: opts.minutes * 60_000 + windowMs + (opts.variants ? 10 : 8) * 60_000 + 5 * 60_000,
  result,
  run,
  finish: noteDisturbance,
  pass: (r) => {
    const lat = r.latency_ms;
    const base = r.baseline?.latency_ms;
    const atLeast = (v: number | undefined, min: number) => (v === undefined ? undefined : v >= min);
    return {
      latency_p50: lat ? lat.p50 <= TARGETS.latency_p50_ms : undefined,
      latency_p95: lat ? lat.p95 <= TARGETS.latency_p95_ms : undefined,
      not_worse_than_baseline: lat && base ? lat.p50 <= base.p50 && lat.p95 <= base.p95 : undefined,
      drift: r.drift_ms !== undefined ? Math.abs(r.drift_ms) <= TARGETS.drift_ms : undefined,
      tiles16: atLeast(r.tiles16_min_fps, TARGETS.tiles16_min_fps),
      tiles16_displayed: atLeast(r.tiles16_min_displayed_fps, TARGETS.tiles16_min_fps),
      recovery: r.recovery_s !== undefined ? r.recovery_s <= TARGETS.recovery_s : undefined,
      ...passthroughPass(r.side_by_side),
    };
  },
  summary,
});
