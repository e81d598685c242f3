/**
 * `node --import tsx tests/bench/inbox.ts [--json] [--alarms N] [--group N]`: what one hub alarm costs the console's
 * inbox, without a hub, a socket or a page. A real console core on a SQLite file (WAL, synchronous=FULL) with the
 * real appliers; N alarm events committed through `commitHubEvents` in groups of G (the link's group size), with
 * distinct zones and devices so each is a new alarm with its own incident lookup. Reports milliseconds of wall time
 * per alarm (the process is single-threaded; on a shared machine wall time includes what others take).
 * Run it with `node --cpu-prof --import tsx ...` to see where the time goes.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createConsoleCore } from '../../electron/core';
import { commitHubEvents, type InboxApplier } from '../../electron/core/hub-link/inbox';
import { silentLogger } from '../../electron/common/log';
import { tempDir } from '../support/temp';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    alarms: { type: 'string', default: '5000' },
    group: { type: 'string', default: '256' },
  },
});
const total = Number(values.alarms);
const group = Number(values.group);

const tmp = tempDir();
const core = await createConsoleCore({
  dataDir: tmp.dir,
  dbFile: join(tmp.dir, 'console.sqlite'),
  // Nothing listens there: the link keeps retrying and never delivers anything, so only this script commits.
  hub: { url: 'http://127.0.0.1:9', token: 't' },
  consoleId: 'bench',
  log: silentLogger,
  backups: { enabled: false },
});
try {
  // The link's receiving side (hub-link/receiver.ts) holds the appliers the features handed it at start.
  const appliers = (core.hub as unknown as { stream: { wiring: { appliers: readonly InboxApplier[] } } })
    .stream.wiring.appliers;
  const event = (seq: number) => ({
    seq,
    at: Date.now(),
    kind: 'alarm',
    data: {
      sourceId: `s-${seq}`,
      deviceId: `d-${seq % 500}`,
      type: seq % 3 === 0 ? 'fire' : 'intrusion',
      zone: `bldg-${String(seq % 40).padStart(2, '0')}`,
      location: { lat: 31.2 + (seq % 100) / 10_000, lon: 121.4 },
      cameras: [],
      raisedAt: Date.now(),
    },
  });
  // Warm up (JIT, statement caches) on the first groups, then measure the rest.
  const warm = Math.min(512, Math.floor(total / 4));
  let seq = 0;
  const run = async (n: number) => {
    while (n > 0) {
      const size = Math.min(group, n);
      const items = Array.from({ length: size }, () => ({ raw: event(++seq), receivedAt: Date.now() }));
      const results = await commitHubEvents(core.db, items, appliers);
      const bad = results.find((r) => r.status !== 'committed');
      if (bad) throw new Error(`not committed: ${JSON.stringify(bad)}`);
      n -= size;
    }
  };
  await run(warm);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await run(total);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const result = {
    alarms: total,
    group,
    ms_per_alarm: Math.round((ms / total) * 1000) / 1000,
    cpu_ms_per_alarm: Math.round(((cpu.user + cpu.system) / 1000 / total) * 1000) / 1000,
    alarms_per_s: Math.round((total / ms) * 1000),
  };
  if (!values.json) console.log(`${total} alarms in groups of ${group}: ${result.ms_per_alarm} ms each`);
  console.log(JSON.stringify(result));
} finally {
  await core.stop();
  tmp.cleanup();
}
