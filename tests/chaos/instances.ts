/**
 * Chaos with two hub instances on one PostgreSQL database (`npm run test:chaos -- --pg`): a throwaway PostgreSQL
 * cluster (tests/support/postgres.ts), hub instances `hub-a` and `hub-b` as processes, a third instance that only
 * publishes the numbered alarms (no console is linked to it: what A and B send their consoles they read from the
 * log), and two console processes given both instances in opposite orders (`--hub A,B` and `--hub B,A`), each
 * acting on alarms with its own tag letter. The driver SIGKILLs (now and then SIGTERMs) an instance and starts it
 * again, kills a console, kills the publisher. Afterwards, per console: every alarm published arrived, every action
 * it committed was applied on the hub once, its log equals the hub's, its database and audit chain intact.
 */
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../electron/common/database';
import { silentLogger } from '../../electron/common/log';
import { verifyAudit } from '../../electron/core/audit/audit';
import { MIGRATIONS } from '../../electron/core/schema';
import { seededRandom } from '../../electron/hub/scenario';
import { findPostgresBin, startPostgres } from '../support/postgres';
import { freePort } from '../support/rtsp-camera';
import { readOne } from './databases';
import { launch, stop } from './procs';

export interface InstancesChaosArgs {
  json?: boolean | undefined;
  short?: boolean | undefined;
  keep?: boolean | undefined;
  seconds?: string | undefined;
  events?: string | undefined;
  actions?: string | undefined;
  seed?: string | undefined;
}

const token = 'chaos-token';
/** How long a process may take to print READY: tsx compiling on a loaded 2-core machine takes most of a minute. */
const LAUNCH_MS = 120_000;
const INSTANCES = ['hub-a', 'hub-b'] as const;
const CONSOLES = [
  { id: 'chaos-1', letter: 'A', order: [0, 1] },
  { id: 'chaos-2', letter: 'B', order: [1, 0] },
] as const;

export async function runInstancesChaos(values: InstancesChaosArgs): Promise<boolean> {
  const say = (line: string) => {
    if (!values.json) console.log(`[chaos --pg ${new Date().toISOString().slice(11, 19)}] ${line}`);
  };
  if (!findPostgresBin()) {
    console.error('chaos --pg needs PostgreSQL (apt-get install postgresql)');
    return false;
  }
  const short = values.short;
  const seconds = Number(values.seconds ?? (short ? 45 : 300));
  const events = Number(values.events ?? (short ? 400 : 3000));
  const actions = Number(values.actions ?? (short ? 200 : 1500));
  const perConsole = Math.ceil(actions / CONSOLES.length);
  const random = seededRandom(Number(values.seed ?? 1));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const between = (a: number, b: number) => a + random() * (b - a);
  const dir = mkdtempSync(join(tmpdir(), 'console-chaos-pg-'));
  const load = loadavg()[0]!;

  const cluster = await startPostgres();
  // Everything this run started goes with it, also when it fails half-way (a start too slow under load).
  const started = new Set<ChildProcess>();
  const track = async (child: Promise<ChildProcess>) => {
    const c = await child;
    started.add(c);
    return c;
  };
  try {
    return await runOn(cluster, track);
  } finally {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await cluster.stop();
  }

  async function runOn(
    cluster: Awaited<ReturnType<typeof startPostgres>>,
    track: (child: Promise<ChildProcess>) => Promise<ChildProcess>,
  ): Promise<boolean> {
    const db = await cluster.freshDatabase();
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    const one = async (sql: string): Promise<number> =>
      Number(((await client.query(sql)).rows[0] as { n: string | number | null }).n ?? 0);

    const ports = [await freePort(), await freePort()];
    const publisherPort = await freePort();
    const startInstance = (i: number) =>
      track(
        launch(
          [
            'electron/hub/cli.ts',
            '--port',
            String(ports[i]),
            '--db',
            db,
            '--token',
            token,
            '--instance',
            INSTANCES[i]!,
          ],
          /READY/,
          LAUNCH_MS,
        ),
      );
    const startPublisher = () =>
      track(
        launch(
          [
            'electron/hub/cli.ts',
            '--port',
            String(publisherPort),
            '--db',
            db,
            '--token',
            token,
            '--instance',
            'hub-publisher',
            '--alarms',
            String(events),
            '--rate',
            String(Math.ceil(events / (seconds * 0.7))),
          ],
          /READY/,
          LAUNCH_MS,
        ),
      );
    const consoleDir = (c: number) => join(dir, CONSOLES[c]!.id);
    const startConsole = (c: number) => {
      const k = CONSOLES[c]!;
      const urls = k.order.map((i) => `http://127.0.0.1:${ports[i]}`).join(',');
      return track(
        launch(
          [
            'tests/chaos/console-proc.ts',
            consoleDir(c),
            urls,
            token,
            String(perConsole),
            String(Math.round((seconds * 700) / perConsole)),
            k.id,
            k.letter,
          ],
          /READY/,
          LAUNCH_MS,
        ),
      );
    };

    const instances: (ChildProcess | undefined)[] = [await startInstance(0), await startInstance(1)];
    let publisher = await startPublisher();
    const consoles: ChildProcess[] = [await startConsole(0), await startConsole(1)];
    const counts = { instance_sigkills: 0, instance_sigterms: 0, console_kills: 0, publisher_kills: 0 };
    say(`running ${seconds} s: ${events} hub events, ${actions} operator actions, data in ${dir}`);

    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      await sleep(between(1500, 5000));
      const pick = random();
      if (pick < 0.6) {
        const i = random() < 0.5 ? 0 : 1;
        const hard = random() < 0.75;
        counts[hard ? 'instance_sigkills' : 'instance_sigterms'] += 1;
        say(`${hard ? 'SIGKILL' : 'SIGTERM'} ${INSTANCES[i]}`);
        await stop(instances[i], hard ? 'SIGKILL' : 'SIGTERM');
        // Down long enough (sometimes) for its consoles to give up on it and move to the other.
        await sleep(between(500, 12_000));
        instances[i] = await startInstance(i);
      } else if (pick < 0.85) {
        const c = random() < 0.5 ? 0 : 1;
        counts.console_kills += 1;
        say(`kill ${CONSOLES[c]!.id} (SIGKILL)`);
        await stop(consoles[c], 'SIGKILL');
        await sleep(between(100, 2000));
        consoles[c] = await startConsole(c);
      } else {
        counts.publisher_kills += 1;
        say('kill the publisher (SIGKILL)');
        await stop(publisher, 'SIGKILL');
        await sleep(between(100, 1000));
        publisher = await startPublisher();
      }
    }

    say('chaos over; waiting for everything to settle');
    const consoleDb = (c: number) => join(consoleDir(c), 'console.sqlite');
    const lastSeq = (c: number) =>
      Number(
        readOne<{ value: string } | undefined>(
          consoleDb(c),
          "SELECT value FROM meta WHERE key = 'hub.lastSeq'",
        )?.value ?? 0,
      );
    const settleBy = Date.now() + 180_000;
    for (;;) {
      const published = await one("SELECT count(*) AS n FROM hub_log WHERE kind = 'alarm'");
      const head = await one('SELECT max(seq) AS n FROM hub_log');
      const behind = CONSOLES.map((k, c) => {
        const outbox = readOne<{ n: number }>(consoleDb(c), 'SELECT count(*) AS n FROM outbox').n;
        const done = readOne<{ n: number }>(
          consoleDb(c),
          `SELECT count(*) AS n FROM alarm_events WHERE note LIKE '${k.letter}-%'`,
        ).n;
        return lastSeq(c) !== head || outbox > 0 || done < perConsole;
      });
      if (published >= events && !behind.some(Boolean)) break;
      if (Date.now() > settleBy) {
        say(
          `did not settle: published ${published}/${events}, head ${head}, consoles behind ${JSON.stringify(behind)}`,
        );
        break;
      }
      await sleep(500);
    }
    for (const c of consoles) await stop(c, 'SIGTERM');
    await stop(publisher, 'SIGTERM');
    for (const i of instances) await stop(i, 'SIGTERM');

    // Count, from the hub's PostgreSQL database and each console's SQLite file.
    const sent = (
      await client.query("SELECT body::json->>'sourceId' AS id FROM hub_log WHERE kind = 'alarm'")
    ).rows.map((r: { id: string }) => r.id);
    const hubEntries = await one('SELECT count(*) AS n FROM hub_log');
    const appliedPayloads = (
      await client.query("SELECT payload FROM hub_actions WHERE type LIKE 'alarm.%'")
    ).rows.map((r: { payload: string }) => JSON.parse(r.payload) as { note?: string; text?: string });
    await client.end();
    const appliedCount = new Map<string, number>();
    for (const p of appliedPayloads) {
      const tag = /^[AB]-\d+/.exec(p.note ?? p.text ?? '')?.[0];
      if (tag) appliedCount.set(tag, (appliedCount.get(tag) ?? 0) + 1);
    }
    const perConsoleResults = [];
    for (const [c, k] of CONSOLES.entries()) {
      const con = new Database(consoleDb(c), { readonly: true });
      const received = new Set(
        con.prepare("SELECT source_id FROM alarm_sources WHERE source = 'hub'").pluck().all() as string[],
      );
      const entries = con
        .prepare("SELECT count(*) FROM hub_events WHERE kind <> '_rejected'")
        .pluck()
        .get() as number;
      const tags = new Set(
        (
          con
            .prepare(`SELECT note FROM alarm_events WHERE note LIKE '${k.letter}-%'`)
            .pluck()
            .all() as string[]
        ).map((n) => /^[AB]-\d+/.exec(n)![0]),
      );
      // Each move to the other instance is a duty-log line (hub-link/link.ts, duty/automatic.ts).
      const failovers = con
        .prepare("SELECT count(*) FROM duty_log WHERE kind = 'hub_link' AND text LIKE '%failover:%'")
        .pluck()
        .get() as number;
      const intact = (con.pragma('quick_check', { simple: true }) as string) === 'ok';
      con.close();
      const auditDb = await openDatabase({ file: consoleDb(c), log: silentLogger, migrations: MIGRATIONS });
      const audit = await verifyAudit(auditDb, { dataDir: consoleDir(c) });
      await auditDb.destroy();
      perConsoleResults.push({
        console: k.id,
        events_missing: sent.filter((id) => !received.has(id)).length,
        log_entries: entries,
        actions_sent: tags.size,
        actions_lost: [...tags].filter((t) => !appliedCount.has(t)).length,
        failovers,
        integrity_ok: intact && audit.ok,
      });
    }

    const result = {
      seconds,
      instances: INSTANCES.length,
      consoles: CONSOLES.length,
      load_1min_at_start: Number(load.toFixed(2)),
      hub_events_sent: sent.length,
      hub_log_entries: hubEntries,
      hub_events_missing: perConsoleResults.reduce((n, r) => n + r.events_missing, 0),
      actions_sent: perConsoleResults.reduce((n, r) => n + r.actions_sent, 0),
      actions_lost: perConsoleResults.reduce((n, r) => n + r.actions_lost, 0),
      actions_applied_twice: [...appliedCount.values()].filter((n) => n > 1).length,
      failovers: perConsoleResults.reduce((n, r) => n + r.failovers, 0),
      ...counts,
      per_console: perConsoleResults,
    };
    const pass = {
      nothing_missing: result.hub_events_missing === 0,
      no_action_lost: result.actions_lost === 0,
      none_applied_twice: result.actions_applied_twice === 0,
      logs_equal: perConsoleResults.every((r) => r.log_entries === hubEntries),
      intact: perConsoleResults.every((r) => r.integrity_ok),
    };
    const ok = Object.values(pass).every(Boolean);
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    say(ok ? 'nothing lost, nothing doubled, every database intact' : 'FAILED: see the figures');
    console.log(JSON.stringify({ ...result, pass: { ...pass, all: ok } }));
    return ok;
  }
}
