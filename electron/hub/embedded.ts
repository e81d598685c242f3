import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { SiteFile } from '../../shared/domain/site';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/log';
import { DemoEquipment, demoTargets } from './demo/equipment';
import { boundPorts, Equipment } from './equipment';
import { DemoScenario } from './scenario';
import { SiteHub } from './server';

export interface EmbeddedHub {
  hub: SiteHub;
  /** The site file's equipment sources (and those the port options start), feeding the hub's log. */
  equipment: Equipment;
  /** The port each kind of equipment listener got (to print, and to keep across a restart). */
  ports: { kind: 'dc09' | 'gb26875' | 'mqtt'; port: number; endpoint: string }[];
  /** What it plays; absent when asked to stay quiet (tests publish their own events). */
  scenario: DemoScenario | undefined;
  /** The demo's simulated devices: its cameras serve from the start, the rest speak once the scenario plays. */
  devices: DemoEquipment;
  /** Where the console's hub link connects. */
  target: { url: string; token: string };
  /** Starts the scenario (once the console is up). */
  play(): void;
  stop(): Promise<void>;
}

/**
 * No production hub configured: the site hub runs on loopback inside the console's process, playing the demo
 * scenario. The console core gets it through `ConsoleConfig.embeddedHub` (electron/desk/), never by import.
 */
export async function startEmbeddedHub(o: {
  dataDir: string;
  /** Keep the hub's database in memory too (tests). */
  inMemory: boolean;
  site: SiteFile;
  /** Where the site file is: its sources' relative paths are taken from its folder. */
  siteFile?: string | undefined;
  clock: Clock;
  log: Logger;
  demo?:
    | {
        port?: number | undefined;
        dc09Port?: number | undefined;
        gb26875Port?: number | undefined;
        mqttPort?: number | undefined;
        seed?: number | undefined;
        scenario?: boolean | undefined;
        alarmEverySec?: number | undefined;
        positionEverySec?: number | undefined;
      }
    | undefined;
}): Promise<EmbeddedHub> {
  const { clock, log } = o;
  const token = randomBytes(16).toString('hex');
  let scenario: DemoScenario | undefined;
  let equipment: Equipment | undefined;
  const hub = new SiteHub({
    sources: () => equipment?.statuses() ?? [],
    dbFile: o.inMemory ? ':memory:' : join(o.dataDir, 'demo-hub.sqlite'),
    token,
    clock,
    log: log.child('demo-hub'),
    port: o.demo?.port,
    onAction: (_consoleId, action) => scenario?.onAction(action),
  });
  const url = await hub.start();
  const devices = new DemoEquipment({ clock, log: log.child('demo-equipment') });
  let site = o.site;
  try {
    // The cameras first, so the ISAPI source opens streams that exist (scenario or not).
    site = await devices.serveCameras(o.site);
    equipment = new Equipment(
      hub,
      site,
      { dc09: o.demo?.dc09Port, gb26875: o.demo?.gb26875Port, mqtt: o.demo?.mqttPort },
      // Started here by a port option, a listener stays on loopback: the desk is not a server.
      {
        clock,
        log: log.child('demo-hub'),
        defaultHost: '127.0.0.1',
        baseDir: o.siteFile ? dirname(o.siteFile) : undefined,
      },
    );
    await equipment.start();
  } catch (err) {
    await devices.stop();
    await hub.stop();
    throw err;
  }
  const running = equipment;
  const ports = boundPorts(running.list());
  if (o.demo?.scenario !== false) {
    scenario = new DemoScenario({
      site: o.site,
      clock,
      publish: (body) =>
        hub.publish(body).catch((err: Error) => log.warn('demo publish failed', { error: err.message })),
      devices: (signal) => devices.signal(signal),
      seed: o.demo?.seed,
      alarmEverySec: o.demo?.alarmEverySec,
      positionEverySec: o.demo?.positionEverySec,
    });
  }
  return {
    hub,
    equipment: running,
    ports,
    scenario,
    devices,
    target: { url, token },
    play: () => {
      if (!scenario) return;
      devices.start(demoTargets(site, ports));
      scenario.start();
    },
    async stop() {
      scenario?.stop();
      // The sources first, so a camera going away with the demo is not reported as a fault into a closing log.
      await running.stop();
      await devices.stop();
      await hub.stop();
    },
  };
}
