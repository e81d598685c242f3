/**
 * The embedded site hub as a process of its own, for a second console on the same hub, for trying a console
 * against a hub that goes away, and for the chaos test:
 *   node --import tsx electron/core/demo/hub-cli.ts --port 4100 --db hub.sqlite --token T [--site FILE]
 *        [--scenario] [--alarms N --rate R]
 * Prints `READY http://127.0.0.1:PORT` once listening; SIGTERM/SIGINT stop it.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../common/clock';
import { createLogger } from '../../common/log';
import { demoSitePath, loadSite } from '../../common/site-file';
import { DemoScenario } from './scenario';
import { SiteHub } from './site-hub';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    db: { type: 'string', default: 'demo-hub.sqlite' },
    token: { type: 'string' },
    site: { type: 'string' },
    scenario: { type: 'boolean', default: false },
    alarms: { type: 'string', default: '0' },
    rate: { type: 'string', default: '20' },
  },
});
if (!values.token) {
  console.error('hub-cli: --token is required (the consoles must present it)');
  process.exit(2);
}

const log = createLogger({ level: 'warn', console: true }, 'hub');
const hub = new SiteHub({
  dbFile: resolve(values.db),
  token: values.token,
  clock: systemClock,
  log,
  port: Number(values.port),
});
const url = await hub.start();
console.log(`READY ${url}`);

let stopping = false;
if (values.scenario) {
  new DemoScenario({
    site: loadSite(values.site ?? demoSitePath()).site,
    clock: systemClock,
    publish: (b) => hub.publish(b),
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
    void hub.stop().then(() => process.exit(0));
  });
}
