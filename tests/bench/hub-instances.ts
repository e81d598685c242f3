/**
 * `npm run bench:hub-instances -- [--json] [--events 300]`: two hub instances in this process on one throwaway
 * PostgreSQL database (tests/support/postgres.ts, fsync off). Events are published one after the other on instance
 * A, with a raw protocol client on A and one on B (protocol 3: one `event` per message, acknowledged at once); per
 * event, the time from `publish()` being called to its arrival on each client: the fan-out's cost is the
 * difference. B's safety poll is set to ten minutes, so B's figures are the notification's. Then a console core
 * given both instances loses A (stopped) and the time until it is synced on B is measured. Last line: JSON with a
 * `pass` object (B received every event, in order; the console moved and caught up).
 */
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { lastCommittedSeq } from '../../electron/core/hub-link/inbox';
import type { SiteHub } from '../../electron/hub/server';
import { HUB_MESSAGES, HUB_MIN_PROTOCOL_VERSION } from '../../shared/contract';
import { hubAlarm, startHubInstance, startLinkedConsole } from '../support/hub';
import { requirePostgres, startPostgres } from '../support/postgres';
import { log, machine, onCleanup, runBench, sleep, until, type BenchResult } from './lib/harness';

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, events: { type: 'string', default: '300' } },
});
const EVENTS = Number(values.events);
const token = 'bench-token';

interface Result extends BenchResult {
  machine: ReturnType<typeof machine>;
  events?: number;
  same_instance_p50_ms?: number;
  same_instance_p99_ms?: number;
  other_instance_p50_ms?: number;
  other_instance_p99_ms?: number;
  other_instance_in_order?: boolean;
  failover_ms?: number;
  failover_caught_up?: boolean;
}
const result: Result = { machine: machine() };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN) * 100) / 100;
};

async function startHub(db: string, instance: string, fanoutPollMs: number): Promise<SiteHub> {
  const hub = await startHubInstance(db, token, instance, fanoutPollMs);
  onCleanup(instance, () => hub.stop());
  return hub;
}

/** A raw client that syncs from 0 and notes when each sequence arrives. */
async function watcher(url: string, name: string): Promise<{ arrived: Map<number, number>; socket: Socket }> {
  const arrived = new Map<number, number>();
  const socket = io(url, {
    auth: { consoleId: name, token, protocolVersion: HUB_MIN_PROTOCOL_VERSION },
    transports: ['websocket'],
  });
  onCleanup(name, async () => void socket.disconnect());
  socket.on(HUB_MESSAGES.event, (raw: { seq: number }, ack?: (r: unknown) => void) => {
    if (!arrived.has(raw.seq)) arrived.set(raw.seq, performance.now());
    ack?.({ ok: true, seq: raw.seq });
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  await socket.timeout(5000).emitWithAck(HUB_MESSAGES.sync, { afterSeq: 0 });
  return { arrived, socket };
}

await runBench<Result>({
  name: 'bench:hub-instances',
  json: values.json,
  budgetMs: 10 * 60_000,
  result,
  async run(tmp) {
    if (!requirePostgres().available) throw new Error('PostgreSQL is not installed');
    log('starting a throwaway PostgreSQL cluster');
    const cluster = await startPostgres();
    onCleanup('postgres', () => cluster.stop());
    const db = await cluster.freshDatabase();
    const a = await startHub(db, 'hub-a', 2000);
    const b = await startHub(db, 'hub-b', 600_000);
    const onA = await watcher(a.url, 'watch-a');
    const onB = await watcher(b.url, 'watch-b');

    log(`${EVENTS} events published one after the other on A`);
    const sentAt = new Map<number, number>();
    for (let i = 1; i <= EVENTS; i++) {
      const t = performance.now();
      const event = await a.publish(hubAlarm(`bench-${i}`));
      sentAt.set(event.seq, t);
      await until(
        `event ${event.seq} on both`,
        () => onA.arrived.has(event.seq) && onB.arrived.has(event.seq),
        10_000,
      );
      await sleep(5);
    }
    const lat = (arrived: Map<number, number>) => [...sentAt].map(([seq, t]) => arrived.get(seq)! - t);
    result.events = EVENTS;
    result.same_instance_p50_ms = pct(lat(onA.arrived), 50);
    result.same_instance_p99_ms = pct(lat(onA.arrived), 99);
    result.other_instance_p50_ms = pct(lat(onB.arrived), 50);
    result.other_instance_p99_ms = pct(lat(onB.arrived), 99);
    const order = [...onB.arrived.keys()];
    result.other_instance_in_order = order.length === EVENTS && order.every((s, i) => s === i + 1);

    log('failover: a console on A and B, A stopped');
    const core = await startLinkedConsole(tmp, { url: a.url, urls: [a.url, b.url], token }, 'bench-console');
    onCleanup('console', () => core.stop());
    await until('console on A', () => core.hub.status().instance === 'hub-a', 30_000);
    await until('console caught up', async () => (await lastCommittedSeq(core.db)) === EVENTS, 30_000);
    const t = performance.now();
    await a.stop();
    await until(
      'console on B',
      () => core.hub.status().state === 'connected' && core.hub.status().instance === 'hub-b',
      60_000,
    );
    result.failover_ms = Math.round(performance.now() - t);
    await b.publish(hubAlarm('after-failover'));
    await until('caught up on B', async () => (await lastCommittedSeq(core.db)) === EVENTS + 1, 30_000);
    result.failover_caught_up = true;
  },
  pass: (r) => ({
    other_instance_in_order: r.other_instance_in_order,
    failover_caught_up: r.failover_caught_up,
  }),
  summary: (r) =>
    Object.entries(r)
      .filter(([k]) => k !== 'machine' && k !== 'pass')
      .map(([k, v]) => `${k.padEnd(32)} ${String(v)}`)
      .join('\n'),
});
