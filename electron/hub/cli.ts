/**
 * The site hub as a process of its own.
 *
 * Standalone, on a server several desks connect to:
 *   npm run hub -- --config hub.json [--dc09-port N] [--gb26875-port N] [--mqtt-port N]
 *   npm run hub -- token issue NAME --config hub.json     (prints the new token once)
 *   npm run hub -- token revoke NAME --config hub.json
 *   npm run hub -- token list --config hub.json
 *
 * Quick form, for a second console on a trial hub, a hub that goes away, the chaos test and the benchmarks:
 *   node --import tsx electron/hub/cli.ts --port 4100 --db hub.sqlite --token T [--site FILE]
 *        [--scenario] [--alarms N --rate R]
 *
 * `--db` is a SQLite file (default: demo-hub.sqlite; with --config, dataDir/hub.sqlite) or a PostgreSQL URL,
 * `--db postgres://user@host:5432/db` (storage.ts), in either form; the token commands use it too. Several
 * instances may run on one PostgreSQL database (fanout.ts), each named with `--instance NAME` (default: host:port).
 *
 * Prints `READY <url>` once listening (and each equipment listener's port); SIGTERM/SIGINT stop it.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../common/clock';
import { createLogger } from '../common/log';
import { demoSitePath, loadSite, SiteFileError } from '../common/site-file';
import { INSTANCE_NAME, loadHubConfig, type HubConfigFile } from './config';
import { DemoEquipment, demoTargets } from './demo/equipment';
import { boundPorts, Equipment, EquipmentConfigError } from './equipment';
import { DemoScenario } from './scenario';
import { hashToken, SiteHub } from './server';
import { describeTarget, openHubStore } from './storage';

const EXIT_CONFIG = 2;

function fail(message: string): never {
  console.error(`hub: ${message}`);
  process.exit(EXIT_CONFIG);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    config: { type: 'string' },
    port: { type: 'string' },
    db: { type: 'string' },
    token: { type: 'string' },
    instance: { type: 'string' },
    site: { type: 'string' },
    scenario: { type: 'boolean', default: false },
    alarms: { type: 'string', default: '0' },
    rate: { type: 'string', default: '20' },
    'dc09-port': { type: 'string' },
    'gb26875-port': { type: 'string' },
    'mqtt-port': { type: 'string' },
  },
});

function portOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) fail(`--${name} must be a port number 0-65535`);
  return n;
}

let config: HubConfigFile | undefined;
if (values.config) {
  try {
    config = loadHubConfig(resolve(values.config));
  } catch (err) {
    fail((err as Error).message);
  }
}

/** Where the hub keeps its data: `--db`, else the config's `database`, else its SQLite file. */
const dbSpec =
  values.db !== undefined
    ? /^[a-z][a-z0-9+.-]*:\/\//i.test(values.db)
      ? values.db // a URL: openHubStore takes postgres:// and refuses the others
      : resolve(values.db)
    : (config?.database ?? (config ? join(config.dataDir, 'hub.sqlite') : resolve('demo-hub.sqlite')));

if (positionals[0] === 'token') {
  if (!config && values.db === undefined)
    fail('token commands need --config FILE or --db (the hub whose database keeps the tokens)');
  await tokenCommand(positionals.slice(1));
  process.exit(0);
}
if (positionals.length > 0) fail(`unknown command "${positionals.join(' ')}"`);
const instance = values.instance ?? config?.instance;
if (instance !== undefined && !INSTANCE_NAME.test(instance))
  fail('--instance: letters, digits and _ . : - (1-64), such as hub-a');
if (!config && !values.token) fail('give --config FILE (standalone) or --token T (the quick form)');

const log = config
  ? createLogger(
      { file: join(config.dataDir, 'logs', 'hub.log'), level: config.logLevel, console: true },
      'hub',
    )
  : createLogger({ level: 'warn', console: true }, 'hub');

const siteFile = config?.site ?? (values.site ? resolve(values.site) : demoSitePath());
let site;
try {
  site = loadSite(siteFile).site;
} catch (err) {
  if (err instanceof SiteFileError) fail(err.message);
  throw err;
}
const playing = Boolean(values.scenario || config?.scenario);
// A hub that names no site file and plays nothing (the quick form of the chaos test, the e2e hub and the
// benchmarks, or a configuration with only its own sources) borrows the demo site for its zones only: its
// equipment is what the port options and the configuration start, never the demo devices' sources.
if (!config?.site && !values.site && !playing) site = { ...site, sources: [] };
if (config && config.sources.length > 0) {
  const ids = new Set(site.sources.map((s) => s.id));
  for (const s of config.sources)
    if (ids.has(s.id)) fail(`source id "${s.id}" is in both the site and the config file`);
  site = { ...site, sources: [...site.sources, ...config.sources] };
}
const demoDevices = new DemoEquipment({ clock: systemClock, log: log.child('demo-equipment') });

let equipment: Equipment | undefined;
const hub = new SiteHub({
  dbFile: dbSpec,
  token: values.token,
  tokens: config?.tokens,
  tls: config?.tls,
  clock: systemClock,
  log,
  host: config?.host,
  port: portOf('port', values.port) ?? config?.port ?? 0,
  sources: () => equipment?.statuses() ?? [],
  sourcesStarted: () => sourcesStarted,
  instance,
});
let sourcesStarted = false;
let url: string;
try {
  url = await hub.start();
} catch (err) {
  // The message names the database without its password (storage.ts).
  fail(`could not start (${describeTarget(dbSpec)}): ${(err as Error).message}`);
}
try {
  // The demo's camera serves its alert stream before the ISAPI source opens it.
  site = await demoDevices.serveCameras(site);
  equipment = new Equipment(
    hub,
    site,
    {
      dc09: portOf('dc09-port', values['dc09-port']),
      gb26875: portOf('gb26875-port', values['gb26875-port']),
      mqtt: portOf('mqtt-port', values['mqtt-port']),
    },
    { clock: systemClock, log, defaultHost: config?.host ?? '127.0.0.1', baseDir: dirname(siteFile) },
  );
  await equipment.start();
  sourcesStarted = true;
} catch (err) {
  await demoDevices.stop();
  await hub.stop();
  if (err instanceof EquipmentConfigError) fail(err.message);
  throw err;
}
console.log(`READY ${url}`);
for (const e of boundPorts(equipment.list())) console.log(`${e.kind.toUpperCase()} ${e.port} ${e.endpoint}`);
// An administrator issues or revokes a token with the CLI while the hub runs: it reads them again now and then.
const tokenReload = setInterval(() => void hub.reloadTokens().catch(() => undefined), 5000);

let stopping = false;
if (playing) {
  const running = equipment;
  demoDevices.start(demoTargets(site, boundPorts(running.list())));
  new DemoScenario({
    site,
    clock: systemClock,
    publish: (b) => hub.publish(b),
    devices: (signal) => demoDevices.signal(signal),
  }).start();
}

// A numbered series of alarms at a steady rate; after a restart it carries on from what the log already has.
const total = Number(values.alarms);
if (total > 0) {
  const every = 1000 / Math.max(1, Number(values.rate));
  let n = (await hub.countEvents('alarm')) + 1;
  const types = ['door_held', 'intrusion', 'water_leak', 'fire_lane_parking', 'lighting_fault'] as const;
  const tick = async () => {
    if (stopping || n > total) return;
    const i = n++;
    await hub.publish({
      kind: 'alarm',
      data: {
        sourceId: `chaos-${i}`,
        deviceId: `dev-${i}`,
        type: types[i % types.length]!,
        zone: `bldg-0${1 + (i % 7)}`,
        cameras: [],
        raisedAt: Date.now(),
      },
    });
    setTimeout(() => void tick(), every);
  };
  void tick();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopping = true;
    clearInterval(tokenReload);
    void (async () => {
      await equipment?.stop();
      await demoDevices.stop();
      await hub.stop();
      await log.close();
      process.exit(0);
    })();
  });
}

/** `token issue|revoke|list`: written straight to the hub's database (a running hub picks it up within 5 s). */
async function tokenCommand(args: string[]): Promise<void> {
  const [verb, name] = args;
  const store = openHubStore(dbSpec, createLogger({ level: 'warn', console: true }, 'hub'));
  const db = store.db;
  try {
    await store.migrate();
    if (verb === 'list') {
      const rows = (await db('hub_tokens').orderBy('name')) as {
        name: string;
        issued_at: number;
        revoked_at: number | null;
      }[];
      for (const r of rows) {
        const state = r.revoked_at ? `revoked ${new Date(r.revoked_at).toISOString()}` : 'valid';
        console.log(`${r.name}\tissued ${new Date(r.issued_at).toISOString()}\t${state}`);
      }
      return;
    }
    if (!name || !/^[A-Za-z0-9_.-]{1,64}$/.test(name))
      fail('name the console: letters, digits, _ . - (1-64)');
    if (verb === 'issue') {
      const token = randomBytes(24).toString('base64url');
      const existing = (await db('hub_tokens').where({ name }).first()) as
        { revoked_at: number | null } | undefined;
      if (existing && existing.revoked_at === null)
        fail(`"${name}" already has a valid token; revoke it first`);
      await db('hub_tokens')
        .insert({ name, hash: hashToken(token), issued_at: Date.now(), revoked_at: null })
        .onConflict('name')
        .merge();
      // Shown once: the hub keeps only its hash.
      console.log(token);
      return;
    }
    if (verb === 'revoke') {
      const n = await db('hub_tokens')
        .where({ name })
        .whereNull('revoked_at')
        .update({ revoked_at: Date.now() });
      if (n === 0) fail(`no valid token named "${name}"`);
      console.log(`revoked ${name}`);
      return;
    }
    fail('token commands: issue NAME, revoke NAME, list');
  } finally {
    await store.close();
  }
}
