/**
 * The soak benchmark's site hub, in its own process (forked by tests/bench/soak.ts with `--import tsx`): a real
 * SiteHub on loopback with its own SQLite file, playing the demo community's scenario (guards walking their
 * routes, detectors and devices raising events) at the rates it is given. Its memory is not the console's.
 *
 * IPC: receives `{ op: 'start', dbFile, token, alarmEverySec, positionEverySec }`, answers `{ url }`; `{ op: 'stop' }`
 * stops it and exits. Operators' actions reaching the hub move the scenario's guards as on a real site.
 */
import { DemoScenario } from '../../../electron/hub/scenario';
import { SiteHub } from '../../../electron/hub/server';
import { systemClock } from '../../../electron/common/clock';
import { demoSitePath, loadSite } from '../../../electron/common/site-file';
import { createLogger } from '../../../electron/common/log';

export type SoakHubCommand =
  | { op: 'start'; dbFile: string; token: string; alarmEverySec: number; positionEverySec: number }
  | { op: 'stop' };
export type SoakHubReply = { ok: true; url?: string; published?: number } | { ok: false; error: string };

const log = createLogger({
  level: 'error',
  sink: (l) => process.stderr.write(`hub: ${JSON.stringify(l)}\n`),
});
const { site } = loadSite(demoSitePath());
let hub: SiteHub | undefined;
let scenario: DemoScenario | undefined;
let published = 0;

const reply = (r: SoakHubReply) => process.send?.(r);

process.on('message', (raw: unknown) => {
  const cmd = raw as SoakHubCommand;
  if (cmd.op === 'start') {
    hub = new SiteHub({
      dbFile: cmd.dbFile,
      token: cmd.token,
      clock: systemClock,
      log,
      onAction: (_consoleId, action) => scenario?.onAction(action),
    });
    hub.start().then(
      (url) => {
        scenario = new DemoScenario({
          site,
          clock: systemClock,
          publish: (body) => {
            published++;
            return hub!
              .publish(body)
              .catch((err: Error) => log.warn('publish failed', { error: err.message }));
          },
          alarmEverySec: cmd.alarmEverySec,
          positionEverySec: cmd.positionEverySec,
        });
        scenario.start();
        reply({ ok: true, url });
      },
      (err: Error) => reply({ ok: false, error: err.message }),
    );
  } else if (cmd.op === 'stop') {
    scenario?.stop();
    void (hub?.stop() ?? Promise.resolve()).finally(() => {
      reply({ ok: true, published });
      setTimeout(() => process.exit(0), 50);
    });
  }
});
process.on('disconnect', () => process.exit(0));
