/**
 * The site hub of the alarm benchmark, in its own process (forked by tests/bench/lib/hub-client.ts with
 * `--import tsx`): a real SiteHub on loopback with its own SQLite file, driven over IPC. A production hub runs on
 * another machine; keeping it out of the console's process means its synchronous SQLite appends do not stall the
 * console's event loop, so what the benchmark measures is the console.
 *
 * The publisher stamps each alarm's `raisedAt` with Date.now() taken immediately before `hub.publish()` (the same
 * machine clock the console and the page read), and reports, per alarm: that publish time, the time the hub's log
 * append finished (publish() resolved) and the sequence number it got.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { SiteHub } from '../../../electron/hub/server';
import { systemClock } from '../../../electron/common/clock';
import { createLogger } from '../../../electron/common/log';
import { liveAlarm, rng } from './alarm-mix';

export type HubCommand =
  | { id: number; op: 'start'; dbFile: string; token: string; port?: number }
  | {
      id: number;
      op: 'paced';
      prefix: string;
      rate: number;
      durationMs: number;
      seed: number;
      withLocation: boolean;
    }
  | { id: number; op: 'burst'; prefix: string; n: number; seed: number; withLocation: boolean }
  /**
   * Appends `n` door-held alarms (priority 4) to the log in `dbFile` in big transactions, while the hub is stopped
   * (a hub of its own on a spare port, no console connected): what piles up while consoles cannot reach the hub.
   */
  | { id: number; op: 'backlog'; dbFile: string; prefix: string; n: number }
  /** Publishes one fire alarm `sourceId` now; answers with the time just before publish() and its sequence. */
  | { id: number; op: 'fire'; sourceId: string }
  | { id: number; op: 'stop' }
  | { id: number; op: 'cpu' }
  | { id: number; op: 'dbStats' };

/** Time the hub's own SQLite spent per kind of statement (from knex's query events; read, never changed). */
export type HubDbStats = Record<string, { n: number; ms: number }>;

export interface PublishReport {
  prefix: string;
  /** Per alarm i (sourceId `${prefix}-${i}`): Date.now() just before publish(), i.e. its raisedAt. */
  publishedAt: number[];
  /** Date.now() when the hub's append of alarm i had finished (publish() resolved). */
  appendedAt: number[];
  seq: number[];
  failed: number;
  /** How late the pacer was, worst case (ms behind schedule). */
  maxLagMs: number;
}

export type HubReply =
  | {
      id: number;
      ok: true;
      url?: string;
      report?: PublishReport;
      cpuMs?: number;
      dbStats?: HubDbStats;
      fire?: { publishedAt: number; seq: number };
    }
  | { id: number; ok: false; error: string };

const log = createLogger({
  level: 'error',
  sink: (l) => process.stderr.write(`hub: ${JSON.stringify(l)}\n`),
});
let hub: SiteHub | undefined;
let dbStats: HubDbStats = {};

function kindOf(sql: string): string {
  if (/^insert into [`"]hub_log/i.test(sql)) return 'append to the log (insert, own transaction)';
  if (/^select .* from [`"]hub_log[`"] where [`"]seq[`"] >/i.test(sql)) return 'read a batch (select)';
  if (/^insert into [`"]hub_consoles/i.test(sql)) return 'record an ack (upsert, own transaction)';
  return 'other';
}

/** Observes the hub's knex instance: every statement's time from start to its response. */
function watch(h: SiteHub): void {
  const db = (h as unknown as { db: Knex }).db;
  const started = new Map<string, { at: number; kind: string }>();
  db.on('query', (q: { __knexQueryUid: string; sql: string }) => {
    started.set(q.__knexQueryUid, { at: performance.now(), kind: kindOf(q.sql) });
  });
  const done = (_r: unknown, q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid);
    if (!s) return;
    started.delete(q.__knexQueryUid);
    const e = (dbStats[s.kind] ??= { n: 0, ms: 0 });
    e.n++;
    e.ms += performance.now() - s.at;
  };
  db.on('query-response', done);
  db.on('query-error', done);
}

function send(reply: HubReply): void {
  process.send?.(reply);
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function publishAll(
  prefix: string,
  seed: number,
  count: number,
  dueAt: (i: number) => number,
  withLocation: boolean,
): Promise<PublishReport> {
  const h = hub;
  if (!h) throw new Error('the hub is not started');
  const r = rng(seed);
  const report: PublishReport = {
    prefix,
    publishedAt: new Array<number>(count).fill(0),
    appendedAt: new Array<number>(count).fill(0),
    seq: new Array<number>(count).fill(0),
    failed: 0,
    maxLagMs: 0,
  };
  const pending: Promise<void>[] = [];
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = Date.now();
      while (i < count && dueAt(i) <= now) {
        const k = i++;
        const at = Date.now();
        report.maxLagMs = Math.max(report.maxLagMs, at - dueAt(k));
        report.publishedAt[k] = at;
        pending.push(
          h.publish({ kind: 'alarm', data: liveAlarm(r, prefix, k, at, withLocation) }).then(
            (event) => {
              report.appendedAt[k] = Date.now();
              report.seq[k] = event.seq;
            },
            () => {
              report.failed++;
            },
          ),
        );
      }
      if (i < count) setTimeout(tick, Math.max(0, Math.min(5, dueAt(i) - Date.now())));
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  return report;
}

process.on('message', (raw: unknown) => {
  const cmd = raw as HubCommand;
  void (async (): Promise<HubReply> => {
    switch (cmd.op) {
      case 'start': {
        hub = new SiteHub({
          dbFile: cmd.dbFile,
          token: cmd.token,
          clock: systemClock,
          log,
          ...(cmd.port ? { port: cmd.port } : {}),
        });
        const url = await hub.start();
        watch(hub);
        dbStats = {};
        return { id: cmd.id, ok: true, url };
      }
      case 'paced': {
        const start = Date.now() + 20;
        const n = Math.round((cmd.rate * cmd.durationMs) / 1000);
        const report = await publishAll(
          cmd.prefix,
          cmd.seed,
          n,
          (i) => start + (i * 1000) / cmd.rate,
          cmd.withLocation,
        );
        return { id: cmd.id, ok: true, report };
      }
      case 'burst': {
        // As fast as the hub can: every publish() is issued at once and the hub appends them in order.
        const report = await publishAll(cmd.prefix, cmd.seed, cmd.n, () => 0, cmd.withLocation);
        return { id: cmd.id, ok: true, report };
      }
      case 'backlog': {
        if (hub) throw new Error('stop the hub first: the backlog piles up while consoles cannot reach it');
        const h = new SiteHub({
          dbFile: cmd.dbFile,
          token: randomBytes(16).toString('hex'),
          clock: systemClock,
          log,
        });
        await h.start();
        for (let done = 0; done < cmd.n;) {
          const chunk = Math.min(5000, cmd.n - done);
          await h.transact(async (_trx, append) => {
            for (let k = done; k < done + chunk; k++)
              await append({
                kind: 'alarm',
                data: {
                  sourceId: `${cmd.prefix}-${k}`,
                  type: 'door_held',
                  zone: 'bldg-01',
                  cameras: [],
                  raisedAt: Date.now(),
                },
              });
          });
          done += chunk;
        }
        await h.stop();
        return { id: cmd.id, ok: true };
      }
      case 'fire': {
        const h = hub;
        if (!h) throw new Error('the hub is not started');
        const publishedAt = Date.now();
        const event = await h.publish({
          kind: 'alarm',
          data: { sourceId: cmd.sourceId, type: 'fire', zone: 'bldg-01', cameras: [], raisedAt: publishedAt },
        });
        return { id: cmd.id, ok: true, fire: { publishedAt, seq: event.seq } };
      }
      case 'stop': {
        const h = hub;
        hub = undefined;
        await h?.stop();
        return { id: cmd.id, ok: true };
      }
      case 'cpu':
        return { id: cmd.id, ok: true, cpuMs: cpuMs() };
      case 'dbStats': {
        const out = Object.fromEntries(
          Object.entries(dbStats).map(([k, v]) => [k, { n: v.n, ms: Math.round(v.ms) }]),
        );
        dbStats = {};
        return { id: cmd.id, ok: true, dbStats: out };
      }
    }
  })().then(send, (err: Error) => send({ id: cmd.id, ok: false, error: err.stack ?? String(err) }));
});

process.on('disconnect', () => {
  void (hub?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
