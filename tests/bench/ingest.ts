/**
 * bench:ingest — the site hub's equipment sources under a site's load, on this machine.
 *
 *   npm run bench:ingest -- [--json] [--seconds 60] [--panels 64] [--transmitters 16] [--sensors 2000]
 *        [--sensor-every 10] [--cameras 16] [--panel-every 5] [--transmitter-every 10] [--burst 500] [--quick]
 *
 * The standalone hub (`npm run hub -- --config FILE`) with a DC-09 receiver, a GB/T 26875.3 source, the MQTT
 * source's embedded broker and an ISAPI source reading `--cameras` simulated cameras; a console process (the chaos
 * run's, no operator) takes the hub's events. `--panels` DC-09 panels (TCP, Contact ID, one in five a fire alarm)
 * and `--transmitters` 用户信息传输装置 (火警 frames) send from this process; the MQTT sensors report every
 * `--sensor-every` s from a process of their own (tests/bench/lib/ingest-sensors.ts). A steady phase of `--seconds`,
 * then `--burst` panel events spread over one second while the steady load goes on.
 *
 * Figures: ACK / 确认 time (write → acknowledgement at the simulator), event → console row committed (first send →
 * the console's `alarm_sources.received_at`), steady and in the burst; the slowest fire alarm; the hub process's
 * CPU. The row is measured committed, not painted: the page is left out so that Chromium does not share the two
 * cores with the hub. `--quick` (about 40 s) only checks that the benchmark still works.
 */
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launch, stop } from '../chaos/procs';
import { IsapiCamera } from '../simulators/isapi-camera';
import {
  panelAccount,
  PanelDriver,
  eventKey,
  freeIngestPorts,
  transmitterAddress,
  TransmitterDriver,
  writeHubConfig,
  type Sent,
} from '../support/ingest-load';
import { log, machine, onCleanup, runBench, sleep, until, type BenchResult } from './lib/harness';
import { numberAtLeast, readOptions } from './lib/options';
import { procTable } from './lib/proc';
import { ascending, percentile, round1 } from './lib/stats';

const opts = readOptions('bench:ingest', (args) => {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      seconds: { type: 'string' },
      panels: { type: 'string' },
      transmitters: { type: 'string' },
      sensors: { type: 'string' },
      'sensor-every': { type: 'string', default: '10' },
      cameras: { type: 'string' },
      'panel-every': { type: 'string', default: '5' },
      'transmitter-every': { type: 'string', default: '10' },
      burst: { type: 'string' },
    },
  });
  const q = values.quick;
  return {
    json: values.json,
    quick: q,
    seconds: numberAtLeast('seconds', values.seconds ?? (q ? '15' : '60'), 5),
    panels: numberAtLeast('panels', values.panels ?? (q ? '8' : '64'), 1),
    transmitters: numberAtLeast('transmitters', values.transmitters ?? (q ? '4' : '16'), 1),
    sensors: numberAtLeast('sensors', values.sensors ?? (q ? '100' : '2000'), 0),
    sensorEverySec: numberAtLeast('sensor-every', values['sensor-every'], 1),
    cameras: numberAtLeast('cameras', values.cameras ?? (q ? '2' : '16'), 0),
    panelEverySec: numberAtLeast('panel-every', values['panel-every'], 0.1),
    transmitterEverySec: numberAtLeast('transmitter-every', values['transmitter-every'], 0.1),
    burst: numberAtLeast('burst', values.burst ?? (q ? '100' : '500'), 1),
  };
});

const TARGETS = {
  ack_p99_ms: 100,
  committed_steady_p99_ms: 1000,
  committed_burst_p99_ms: 3000,
  fire_alarm_max_ms: 10_000,
} as const;

interface Latency {
  n: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

interface Result extends BenchResult {
  machine: ReturnType<typeof machine>;
  targets: typeof TARGETS;
  load: typeof opts;
  committed_measured_as: string;
  events?: { sent: number; acked: number; on_console: number; fire: number };
  ack?: { dc09: Latency; gb26875: Latency; all: Latency };
  committed_steady?: Latency;
  committed_burst?: Latency & { burst_spread_ms: number };
  fire_alarm_max_ms?: number;
  hub_cpu_pct?: { steady: number; burst: number };
  sources?: unknown;
  load_avg_1m_at_end?: number;
}

const result: Result = {
  machine: machine(),
  targets: TARGETS,
  load: opts,
  committed_measured_as: 'the console database row (alarm_sources.received_at), not the painted page',
};

function latency(values: number[]): Latency {
  const s = ascending(values);
  return {
    n: s.length,
    p50_ms: round1(percentile(s, 50)),
    p99_ms: round1(percentile(s, 99)),
    max_ms: round1(s.at(-1) ?? NaN),
  };
}

/** The process's CPU time so far (ms). */
function cpuMs(child: ChildProcess): number {
  return procTable().get(child.pid ?? -1)?.cpuMs ?? NaN;
}

async function run(tmp: string): Promise<void> {
  const token = 'bench-ingest-token-0001';
  const ports = await freeIngestPorts();
  const cameras = Array.from(
    { length: opts.cameras },
    () => new IsapiCamera({ username: 'admin', password: 'bench-camera-1', heartbeatMs: 5000 }),
  );
  for (const c of cameras) await c.start();
  onCleanup('cameras', async () => {
    await Promise.all(cameras.map((c) => c.stop()));
  });
  const config = writeHubConfig(tmp, ports, {
    token,
    panels: opts.panels,
    cameras: cameras.map((c) => ({ url: c.url, username: 'admin', password: 'bench-camera-1' })),
  });
  const hub = await launch(['electron/hub/cli.ts', '--config', config], /READY/);
  onCleanup('hub', () => stop(hub, 'SIGTERM'));
  const consoleDir = join(tmp, 'console');
  const consoleProc = await launch(
    ['tests/chaos/console-proc.ts', consoleDir, `http://127.0.0.1:${ports.hub}`, token, '0', '1000'],
    /READY/,
  );
  onCleanup('console', () => stop(consoleProc, 'SIGTERM'));
  log(`hub and console up; ${opts.cameras} cameras streaming`);

  if (opts.sensors > 0) {
    const sensors = await launch(
      [
        'tests/bench/lib/ingest-sensors.ts',
        String(ports.mqtt),
        String(opts.sensors),
        String(opts.sensorEverySec * 1000),
      ],
      /SENSORS READY/,
      300_000,
    );
    onCleanup('sensors', () => stop(sensors, 'SIGINT'));
    log(`${opts.sensors} MQTT sensors connected, each reporting every ${opts.sensorEverySec} s`);
  }

  let stopped = false;
  const isStopped = () => stopped;
  const panels = Array.from(
    { length: opts.panels },
    (_, i) => new PanelDriver(ports.dc09, panelAccount(i), isStopped, 5000),
  );
  const txs = Array.from(
    { length: opts.transmitters },
    (_, i) => new TransmitterDriver(ports.gb26875, transmitterAddress(i), isStopped, 5000),
  );
  onCleanup('equipment', async () => {
    stopped = true;
    for (const p of panels) p.close();
    await Promise.all(txs.map((t) => t.close()));
  });

  const steady: Sent[] = [];
  const burst: Sent[] = [];
  let loadOn = true;
  let zone = 0;
  const jitter = (everySec: number) => everySec * 1000 * (0.5 + Math.random());
  const loops = [
    ...panels.map(async (p) => {
      await sleep(Math.random() * opts.panelEverySec * 1000);
      while (loadOn) {
        steady.push(await p.event(Math.random() < 0.2, ++zone));
        await sleep(jitter(opts.panelEverySec));
      }
    }),
    ...txs.map(async (t) => {
      await sleep(Math.random() * opts.transmitterEverySec * 1000);
      while (loadOn) {
        steady.push(await t.fire());
        await sleep(jitter(opts.transmitterEverySec));
      }
    }),
    ...cameras.map(async (c, i) => {
      while (loadOn) {
        await sleep(jitter(10));
        c.send({ eventType: 'VMD', eventState: 'active', channel: 1 + (i % 4) });
      }
    }),
  ];

  const cpuAt0 = cpuMs(hub);
  const t0 = Date.now();
  log(`steady phase: ${opts.seconds} s`);
  await sleep(opts.seconds * 1000);
  const cpuAt1 = cpuMs(hub);
  const t1 = Date.now();

  log(`burst: ${opts.burst} panel events in one second`);
  const burstStart = Date.now();
  const burstSends = Array.from({ length: opts.burst }, async (_, i) => {
    await sleep((i * 1000) / opts.burst);
    burst.push(await panels[i % panels.length]!.event(i % 10 === 0, ++zone));
  });
  await Promise.all(burstSends);
  const burstSpread = Math.max(...burst.map((s) => s.sentAt)) - burstStart;
  // The burst's CPU counts until its last ACK and a few seconds after, while the steady load goes on.
  await sleep(3000);
  const cpuAt2 = cpuMs(hub);
  const t2 = Date.now();
  loadOn = false;
  await Promise.all(loops);

  const all = [...steady, ...burst];
  const acked = all.filter((s) => s.ackAt !== undefined);
  const consoleDb = join(consoleDir, 'console.sqlite');
  const committed = new Map<string, number>();
  const readConsole = () => {
    const db = new Database(consoleDb, { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare("SELECT source_id, received_at FROM alarm_sources WHERE source = 'hub'")
        .all() as { source_id: string; received_at: number }[];
      for (const r of rows) {
        const key = eventKey(r.source_id);
        if (key && !committed.has(key)) committed.set(key, r.received_at);
      }
    } finally {
      db.close();
    }
    return acked.every((s) => committed.has(s.id));
  };
  await until('every acknowledged event on the console', readConsole, 60_000, 250).catch(() =>
    log('not every acknowledged event reached the console within 60 s'),
  );
  const health = (await fetch(`http://127.0.0.1:${ports.hub}/health`)
    .then((r) => r.json())
    .catch(() => undefined)) as { sources?: unknown } | undefined;
  result.sources = health?.sources;

  const toConsole = (list: Sent[]) =>
    list.filter((s) => committed.has(s.id)).map((s) => committed.get(s.id)! - s.sentAt);
  const ackOf = (list: Sent[]) => list.filter((s) => s.ackAt).map((s) => s.ackAt! - s.attemptAt!);
  const fires = all.filter((s) => s.fire);
  result.events = {
    sent: all.length,
    acked: acked.length,
    on_console: all.filter((s) => committed.has(s.id)).length,
    fire: fires.length,
  };
  result.ack = {
    dc09: latency(ackOf(all.filter((s) => s.kind === 'dc09'))),
    gb26875: latency(ackOf(all.filter((s) => s.kind === 'gb26875'))),
    all: latency(ackOf(all)),
  };
  result.committed_steady = latency(toConsole(steady));
  result.committed_burst = { ...latency(toConsole(burst)), burst_spread_ms: burstSpread };
  // A fire alarm that never reached the console counts as infinitely late.
  result.fire_alarm_max_ms = Math.max(
    ...fires.map((s) => (committed.has(s.id) ? committed.get(s.id)! - s.sentAt : Infinity)),
  );
  result.hub_cpu_pct = {
    steady: round1(((cpuAt1 - cpuAt0) / (t1 - t0)) * 100),
    burst: round1(((cpuAt2 - cpuAt1) / (t2 - t1)) * 100),
  };
  result.load_avg_1m_at_end = round1(loadavg()[0] ?? NaN);
}

await runBench<Result>({
  name: 'bench:ingest',
  json: opts.json,
  budgetMs: (opts.seconds + 600) * 1000,
  result,
  run,
  pass: (r) => ({
    ack_p99: r.ack ? r.ack.all.p99_ms <= TARGETS.ack_p99_ms : undefined,
    committed_steady_p99: r.committed_steady
      ? r.committed_steady.p99_ms <= TARGETS.committed_steady_p99_ms
      : undefined,
    committed_burst_p99: r.committed_burst
      ? r.committed_burst.p99_ms <= TARGETS.committed_burst_p99_ms
      : undefined,
    fire_alarm_max:
      r.fire_alarm_max_ms !== undefined ? r.fire_alarm_max_ms <= TARGETS.fire_alarm_max_ms : undefined,
    all_acked_on_console: r.events ? r.events.on_console === r.events.acked && r.events.acked > 0 : undefined,
  }),
  summary: (r) =>
    [
      `events: ${JSON.stringify(r.events)}`,
      `ACK / 确认: ${JSON.stringify(r.ack?.all)} (target p99 <= ${TARGETS.ack_p99_ms} ms)`,
      `event -> console row committed, steady: ${JSON.stringify(r.committed_steady)} (p99 <= 1 s)`,
      `event -> console row committed, burst: ${JSON.stringify(r.committed_burst)} (p99 <= 3 s)`,
      `slowest fire alarm: ${r.fire_alarm_max_ms} ms (<= 10 s); hub CPU: ${JSON.stringify(r.hub_cpu_pct)} %`,
    ].join('\n'),
});
