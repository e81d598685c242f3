import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SiteFile } from '../../../shared/domain/site';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { DemoScenario } from './scenario';
import { SiteHub } from './site-hub';

export interface EmbeddedHub {
  hub: SiteHub;
  /** What it plays; absent when asked to stay quiet (tests publish their own events). */
  scenario: DemoScenario | undefined;
  /** Where the console's hub link connects. */
  target: { url: string; token: string };
}

/** No production hub configured: the demo site hub runs on loopback, playing the demo scenario. */
export async function startEmbeddedHub(o: {
  dataDir: string;
  /** Keep the hub's database in memory too (tests). */
  inMemory: boolean;
  site: SiteFile;
  clock: Clock;
  log: Logger;
  demo?:
    | {
        port?: number | undefined;
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
  const hub = new SiteHub({
    dbFile: o.inMemory ? ':memory:' : join(o.dataDir, 'demo-hub.sqlite'),
    token,
    clock,
    log: log.child('demo-hub'),
    port: o.demo?.port,
    onAction: (_consoleId, action) => scenario?.onAction(action),
  });
  const url = await hub.start();
  if (o.demo?.scenario !== false) {
    scenario = new DemoScenario({
      site: o.site,
      clock,
      publish: (body) =>
        hub.publish(body).catch((err: Error) => log.warn('demo publish failed', { error: err.message })),
      seed: o.demo?.seed,
      alarmEverySec: o.demo?.alarmEverySec,
      positionEverySec: o.demo?.positionEverySec,
    });
  }
  return {
    hub,
    scenario,
    target: { url, token },
  };
}
