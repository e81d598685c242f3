import { freePort } from '../support/rtsp-camera';
/**
 * Chaos: a real hub process, a real console process and a link between them that keeps failing.
 * Over the run the hub publishes numbered alarms and the console's operator acts on them, while the driver
 * cuts the link (0.5–30 s), restarts the hub (SIGTERM or SIGKILL) and kills the console with SIGKILL.
 * Afterwards everything must have arrived exactly once on both sides, and both databases must be intact.
 *
 *   npm run test:chaos -- [--json] [--seconds 300] [--events 3000] [--actions 1500] [--seed 1] [--short]
 *   npm run test:chaos -- --sources [--json] [--seconds 180] [--panels 16] [--transmitters 8] [--sensors 200]
 *        [--seed 1] [--short]     (equipment sends to the site hub instead: tests/chaos/sources.ts)
 *   npm run test:chaos -- --pg [--hubs 2] [--json] [--seconds 300] [--events 3000] [--actions 1500] [--seed 1]
 *        [--short]     (two hub instances on a throwaway PostgreSQL, two consoles: tests/chaos/instances.ts)
 *
 * The last line of output is a JSON object; the exit code is 1 if anything was lost, doubled or damaged.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../electron/common/database';
import { MIGRATIONS } from '../../electron/core/schema';
import { verifyAudit } from '../../electron/core/audit/audit';
import { seededRandom } from '../../electron/hub/scenario';
import { silentLogger } from '../../electron/common/log';
import { linkProgress, readOne } from './databases';
import { launch, stop } from './procs';
import { LinkCutter } from './proxy';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    short: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    events: { type: 'string' },
    actions: { type: 'string' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    sources: { type: 'boolean', default: false },
    panels: { type: 'string' },
    transmitters: { type: 'string' },
    sensors: { type: 'string' },
    pg: { type: 'boolean', default: false },
    hubs: { type: 'string', default: '2' },
  },
});
if (values.pg) {
  if (values.hubs !== '2') {
    console.error('chaos --pg runs two hub instances (--hubs 2)');
    process.exit(2);
  }
  const { runInstancesChaos } = await import('./instances');
  process.exit((await runInstancesChaos(values)) ? 0 : 1);
}
if (values.sources) {
  // Equipment instead of the hub's numbered alarms: tests/chaos/sources.ts.
  const { runSourcesChaos } = await import('./sources');
  process.exit((await runSourcesChaos(values)) ? 0 : 1);
}
const short = values.short;
const seconds = Number(values.seconds ?? (short ? 45 : 300));
const events = Number(values.events ?? (short ? 400 : 3000));
const actions = Number(values.actions ?? (short ? 200 : 1500));
const maxCutMs = short ? 6000 : 30_000;
const random = seededRandom(Number(values.seed));
const dir = mkdtempSync(join(tmpdir(), 'console-chaos-'));
const token = 'chaos-token';
const say = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (a: number, b: number) => a + random() * (b - a);

const hubPort = await freePort();
const hubDb = join(dir, 'hub.sqlite');
const consoleDir = join(dir, 'console');
const startHub = () =>
  launch(
    [
      'electron/hub/cli.ts',
      '--port',
      String(hubPort),
      '--db',
      hubDb,
      '--token',
      token,
      '--alarms',
      String(events),
      '--rate',
      String(Math.ceil(events / (seconds * 0.7))),
    ],
    /READY/,
  );
const proxy = new LinkCutter(hubPort);
const proxyPort = await proxy.start();
const startConsole = () =>
  launch(
    [
      'tests/chaos/console-proc.ts',
      consoleDir,
      `http://127.0.0.1:${proxyPort}`,
      token,
      String(actions),
      String(Math.round((seconds * 700) / actions)),
    ],
    /READY/,
  );

let hub = await startHub();
let consoleProc = await startConsole();
const counts = { console_kills: 0, hub_restarts: 0, hub_sigkills: 0, link_drops: 0 };
say(`running ${seconds} s: ${events} hub events, ${actions} operator actions, data in ${dir}`);

const until = Date.now() + seconds * 1000;
while (Date.now() < until) {
  await sleep(between(1000, 4000));
  const pick = random();
  if (pick < 0.4) {
    const ms = Math.round(between(500, maxCutMs));
    counts.link_drops += 1;
    say(`cut the link for ${ms} ms`);
    proxy.cut(ms);
  } else if (pick < 0.7) {
    const hard = random() < 0.5;
    counts.hub_restarts += 1;
    if (hard) counts.hub_sigkills += 1;
    say(`restart the hub (${hard ? 'SIGKILL' : 'SIGTERM'})`);
    await stop(hub, hard ? 'SIGKILL' : 'SIGTERM');
    await sleep(between(200, 3000));
    hub = await startHub();
  } else {
    counts.console_kills += 1;
    say('kill the console (SIGKILL)');
    await stop(consoleProc, 'SIGKILL');
    await sleep(between(100, 2000));
    consoleProc = await startConsole();
  }
}

// Calm: no more faults. Wait until the hub has published everything, the console has all of it and has
// sent every action, or give up after a bound.
say('chaos over; waiting for everything to settle');
proxy.cut(0);
const consoleDb = join(consoleDir, 'console.sqlite');
const settleBy = Date.now() + 180_000;
for (;;) {
  const published = readOne<{ n: number }>(hubDb, "SELECT count(*) AS n FROM hub_log WHERE kind = 'alarm'").n;
  const { head, last } = linkProgress(hubDb, consoleDb);
  const outbox = readOne<{ n: number }>(consoleDb, 'SELECT count(*) AS n FROM outbox').n;
  const done = readOne<{ n: number }>(
    consoleDb,
    "SELECT count(*) AS n FROM alarm_events WHERE note LIKE 'A-%'",
  ).n;
  if (published >= events && last === head && outbox === 0 && done >= actions) break;
  if (Date.now() > settleBy) {
    say(
      `did not settle: published ${published}/${events}, console at ${last}/${head}, outbox ${outbox}, actions ${done}/${actions}`,
    );
    break;
  }
  await sleep(500);
}
await stop(consoleProc, 'SIGTERM');
await stop(hub, 'SIGTERM');
await proxy.stop();

// Count, from both databases.
const hubRead = new Database(hubDb, { readonly: true });
const conRead = new Database(consoleDb, { readonly: true });
const sent = hubRead
  .prepare("SELECT json_extract(body, '$.sourceId') AS id FROM hub_log WHERE kind = 'alarm'")
  .pluck()
  .all() as string[];
const received = new Set(
  conRead.prepare("SELECT source_id FROM alarm_sources WHERE source = 'hub'").pluck().all() as string[],
);
const hubSeqs = hubRead.prepare('SELECT count(*) FROM hub_log').pluck().get() as number;
const consoleSeqs = conRead
  .prepare("SELECT count(*) FROM hub_events WHERE kind <> '_rejected'")
  .pluck()
  .get() as number;
const tagsOnConsole = new Set(
  (conRead.prepare("SELECT note FROM alarm_events WHERE note LIKE 'A-%'").pluck().all() as string[]).map(
    (n) => /^A-\d+/.exec(n)![0],
  ),
);
const applied = (
  hubRead.prepare("SELECT payload FROM hub_actions WHERE type LIKE 'alarm.%'").pluck().all() as string[]
).map((p) => {
  const payload = JSON.parse(p) as { note?: string; text?: string };
  return /^A-\d+/.exec(payload.note ?? payload.text ?? '')?.[0];
});
const appliedCount = new Map<string, number>();
for (const tag of applied) if (tag) appliedCount.set(tag, (appliedCount.get(tag) ?? 0) + 1);
const integrity = [hubRead, conRead].every(
  (db) => (db.pragma('quick_check', { simple: true }) as string) === 'ok',
);
hubRead.close();
conRead.close();
const auditDb = await openDatabase({ file: consoleDb, log: silentLogger, migrations: MIGRATIONS });
// The key and the anchors live in the console's data directory, outside the database.
const audit = await verifyAudit(auditDb, { dataDir: consoleDir });
await auditDb.destroy();

const result = {
  seconds,
  hub_events_sent: sent.length,
  hub_events_missing: sent.filter((id) => !received.has(id)).length,
  hub_log_entries: hubSeqs,
  console_log_entries: consoleSeqs,
  actions_sent: tagsOnConsole.size,
  actions_lost: [...tagsOnConsole].filter((t) => !appliedCount.has(t)).length,
  actions_applied_twice: [...appliedCount.values()].filter((n) => n > 1).length,
  ...counts,
  audit_entries: audit.entries,
  integrity_ok: integrity && audit.ok,
};
const ok =
  result.hub_events_missing === 0 &&
  result.actions_lost === 0 &&
  result.actions_applied_twice === 0 &&
  result.integrity_ok &&
  result.hub_log_entries === result.console_log_entries;
if (!values.keep) rmSync(dir, { recursive: true, force: true });
if (!values.json)
  say(ok ? 'nothing lost, nothing doubled, both databases intact' : 'FAILED: see the figures');
console.log(JSON.stringify(result));
process.exit(ok ? 0 : 1);
