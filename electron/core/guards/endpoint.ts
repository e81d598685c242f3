import type { Notify } from '../feature';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { startOsmandServer, type OsmandServer } from './osmand';
import type { GuardService } from './service';

/**
 * The OsmAnd endpoint guards' phones report to, or undefined with a notice to every operator when its port
 * cannot be had: the console runs on without phones rather than not at all.
 */
export async function openOsmandEndpoint(o: {
  port: number;
  host?: string | undefined;
  guards: GuardService;
  clock: Clock;
  log: Logger;
  notify: Notify;
}): Promise<OsmandServer | undefined> {
  const host = o.host ?? '0.0.0.0';
  try {
    const server = await startOsmandServer({
      host,
      port: o.port,
      log: o.log.child('osmand'),
      now: () => o.clock.now(),
      // Who a device id is, the site's allow-list and where a report goes: the guards service decides.
      ...o.guards.phoneEndpoint(),
    });
    o.log.info('osmand endpoint listening', { host, port: server.port });
    return server;
  } catch (err) {
    o.notify(
      'warning',
      'osmand',
      `Guards' phones cannot report to this console: the OsmAnd endpoint could not listen on port ${o.port} ` +
        `(${(err as Error).message}). Choose another port with --osmand-port.`,
      { params: { port: o.port, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message } },
    );
    return undefined;
  }
}
