/**
 * Chaos with equipment (`npm run test:chaos -- --sources`): the standalone site hub runs from a config file whose
 * sources are a DC-09 receiver, a GB/T 26875.3 source and the MQTT source with its embedded broker; simulated
 * panels, transmitters and sensors (tests/simulators/) send while the hub is SIGKILLed (now and then SIGTERMed)
 * and restarted and the console's link is cut. Each simulated event is sent until the equipment's own
 * acknowledgement comes (ACK, 确认, PUBACK), and when it came is recorded. Afterwards:
 *   - lost: an acknowledged alarm missing from the console's database;
 *   - duplicated: an event that became more than one alarm delivery (on the hub's log or on the console);
 *   - acked before committed: an acknowledged event missing from the hub's SQLite log (or logged after the ACK).
 * The JSON last line carries `pass`, one boolean per check; the exit code is 1 when one fails.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../electron/hub/scenario';
import {
  eventKey,
  freeIngestPorts,
  panelAccount,
  PanelDriver,
  SensorDriver,
  transmitterAddress,
  TransmitterDriver,
  writeHubConfig,
  type Sent,
} from '../support/ingest-load';
import { linkProgress } from './databases';
import { launch, stop } from './procs';
import { LinkCutter } from './proxy';

export interface SourcesChaosArgs {
  json?: boolean | undefined;
  short?: boolean | undefined;
  keep?: boolean | undefined;
  seconds?: string | undefined;
  seed?: string | undefined;
  panels?: string | undefined;
  transmitters?: string | undefined;
  sensors?: string | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSourcesChaos(args: SourcesChaosArgs): Promise<boolean> {
  const short = Boolean(args.short);
  const seconds = Number(args.seconds ?? (short ? 30 : 180));
  const panelCount = Number(args.panels ?? (short ? 6 : 16));
  const txCount = Number(args.transmitters ?? (short ? 3 : 8));
  const sensorCount = Number(args.sensors ?? (short ? 30 : 200));
  const seed = Number(args.seed ?? '1');
  // The equipment's timing and the faults draw from their own sequences, so that one does not steer the other.
  const random = seededRandom(seed);
  const faults = seededRandom(seed + 7919);
  const between = (a: number, b: number) => a + random() * (b - a);
  const say = (line: string) => {
    if (!args.json) console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'console-chaos-sources-'));
  const token = 'chaos-sources-token-0001';
  const ports = await freeIngestPorts();
  const config = writeHubConfig(dir, ports, { token, panels: panelCount });
  const hubDb = join(dir, 'hub', 'hub.sqlite');
  const consoleDir = join(dir, 'console');
  const consoleDb = join(consoleDir, 'console.sqlite');
  const startHub = () => launch(['electron/hub/cli.ts', '--config', config], /READY/);
  const proxy = new LinkCutter(ports.hub);
  const proxyPort = await proxy.start();
  let hub = await startHub();
  // No operator actions (0): this run is about what the equipment sends.
  const consoleProc = await launch(
    ['tests/chaos/console-proc.ts', consoleDir, `http://127.0.0.1:${proxyPort}`, token, '0', '1000'],
    /READY/,
  );

  let stopped = false;
  const isStopped = () => stopped;
  const panels = Array.from(
    { length: panelCount },
    (_, i) => new PanelDriver(ports.dc09, panelAccount(i), isStopped),
  );
  const txs = Array.from(
    { length: txCount },
    (_, i) => new TransmitterDriver(ports.gb26875, transmitterAddress(i), isStopped),
  );
  const sensors = await SensorDriver.start(ports.mqtt, sensorCount);
  const sent: Sent[] = [];
  const sendUntil = Date.now() + seconds * 1000;
  say(
    `running ${seconds} s: ${panelCount} panels, ${txCount} transmitters, ${sensorCount} sensors; data in ${dir}`,
  );
  const loops = [
    ...panels.map(async (p) => {
      for (let zone = 1; Date.now() < sendUntil && !stopped; zone++) {
        sent.push(await p.event(random() < 0.2, zone));
        await sleep(between(300, 1500));
      }
    }),
    ...txs.map(async (t) => {
      while (Date.now() < sendUntil && !stopped) {
        sent.push(await t.fire());
        await sleep(between(500, 2000));
      }
    }),
    ...Array.from({ length: sensorCount }, async (_, i) => {
      await sleep(between(0, 3000));
      for (let active = true; Date.now() < sendUntil && !stopped; active = !active) {
        const s = await sensors.leak(i, active);
        if (active) sent.push(s);
        await sleep(between(1000, 4000));
      }
    }),
  ];

  const counts = { hub_sigkills: 0, hub_sigterms: 0, link_drops: 0 };
  // Taken in turn from a random start, so that even a short run has each kind of fault.
  const kinds = ['sigkill', 'cut', 'sigkill', 'sigterm', 'sigkill', 'cut'] as const;
  for (let turn = Math.floor(faults() * kinds.length); Date.now() < sendUntil; turn++) {
    await sleep(2000 + faults() * 3000);
    const kind = kinds[turn % kinds.length]!;
    if (kind === 'cut') {
      const ms = Math.round(500 + faults() * (short ? 4000 : 15_000));
      counts.link_drops += 1;
      say(`cut the console's link for ${ms} ms`);
      proxy.cut(ms);
    } else {
      const hard = kind === 'sigkill';
      counts[hard ? 'hub_sigkills' : 'hub_sigterms'] += 1;
      say(`restart the hub (${hard ? 'SIGKILL' : 'SIGTERM'})`);
      await stop(hub, hard ? 'SIGKILL' : 'SIGTERM');
      await sleep(200 + faults() * 1800);
      hub = await startHub();
    }
  }
  proxy.cut(0);
  say('chaos over; waiting for the equipment to be acknowledged and the console to catch up');
  const gaveUp = setTimeout(() => (stopped = true), 60_000);
  await Promise.all(loops);
  clearTimeout(gaveUp);
  stopped = true;

  const settleBy = Date.now() + 120_000;
  for (;;) {
    const { head, last } = linkProgress(hubDb, consoleDb);
    if (last === head) break;
    if (Date.now() > settleBy) {
      say(`did not settle: console at ${last}/${head}`);
      break;
    }
    await sleep(500);
  }
  await Promise.all([sensors.close(), ...txs.map((t) => t.close())]);
  for (const p of panels) p.close();
  await stop(consoleProc, 'SIGTERM');
  await stop(hub, 'SIGTERM');
  await proxy.stop();

  const hubRead = new Database(hubDb, { readonly: true });
  const conRead = new Database(consoleDb, { readonly: true });
  const logged = new Map<string, number[]>();
  for (const row of hubRead
    .prepare("SELECT at, json_extract(body, '$.sourceId') AS id FROM hub_log WHERE kind = 'alarm'")
    .all() as { at: number; id: string }[]) {
    const key = eventKey(row.id);
    if (key) logged.set(key, [...(logged.get(key) ?? []), row.at]);
  }
  const delivered = new Map<string, number>();
  for (const id of conRead
    .prepare("SELECT source_id FROM alarm_sources WHERE source = 'hub'")
    .pluck()
    .all() as string[]) {
    const key = eventKey(id);
    if (key) delivered.set(key, (delivered.get(key) ?? 0) + 1);
  }
  const hubLogEntries = hubRead.prepare('SELECT count(*) FROM hub_log').pluck().get() as number;
  const consoleLogEntries = conRead
    .prepare("SELECT count(*) FROM hub_events WHERE kind <> '_rejected'")
    .pluck()
    .get() as number;
  const integrity = [hubRead, conRead].every(
    (db) => (db.pragma('quick_check', { simple: true }) as string) === 'ok',
  );
  hubRead.close();
  conRead.close();

  const acked = sent.filter((s) => s.ackAt !== undefined);
  const byKind = (list: Sent[]) => ({
    dc09: list.filter((s) => s.kind === 'dc09').length,
    gb26875: list.filter((s) => s.kind === 'gb26875').length,
    mqtt: list.filter((s) => s.kind === 'mqtt').length,
  });
  const lost = acked.filter((s) => !delivered.has(s.id));
  const ackedNotLogged = acked.filter((s) => {
    const at = logged.get(s.id);
    return !at || Math.min(...at) > s.ackAt!;
  });
  const sentIds = new Set(sent.map((s) => s.id));
  const duplicatedOnConsole = [...delivered].filter(([k, n]) => n > 1 && sentIds.has(k)).length;
  const duplicatedInLog = [...logged].filter(([k, at]) => at.length > 1 && sentIds.has(k)).length;
  const result = {
    seconds,
    panels: panelCount,
    transmitters: txCount,
    sensors: sensorCount,
    alarms_sent: byKind(sent),
    alarms_acked: byKind(acked),
    alarms_unacked: sent.length - acked.length,
    retried: sent.filter((s) => s.attempts > 1).length,
    alarms_lost: lost.length,
    alarms_duplicated_on_console: duplicatedOnConsole,
    alarms_duplicated_in_hub_log: duplicatedInLog,
    acked_not_committed: ackedNotLogged.length,
    examples: {
      lost: lost.slice(0, 5).map((s) => s.id),
      acked_not_committed: ackedNotLogged.slice(0, 5).map((s) => s.id),
      duplicated: [...delivered]
        .filter(([k, n]) => n > 1 && sentIds.has(k))
        .slice(0, 5)
        .map(([k]) => k),
    },
    ...counts,
    hub_log_entries: hubLogEntries,
    console_log_entries: consoleLogEntries,
    integrity_ok: integrity,
    pass: {
      nothing_lost: lost.length === 0 && acked.length > 0,
      nothing_duplicated: duplicatedOnConsole === 0 && duplicatedInLog === 0,
      no_ack_before_commit: ackedNotLogged.length === 0,
      console_has_whole_log: hubLogEntries === consoleLogEntries,
      integrity: integrity,
    },
  };
  const ok = Object.values(result.pass).every(Boolean);
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
  say(ok ? 'nothing lost, nothing doubled, no ACK before its commit' : 'FAILED: see the figures');
  console.log(JSON.stringify(result));
  return ok;
}
