import { join } from 'node:path';
import { type ConsoleCore } from '../../electron/core';
import { createDesk } from '../../electron/desk';
import { SiteHub } from '../../electron/hub/server';
import { systemClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';

type ConsoleConfig = Parameters<typeof createDesk>[0];

/** A site hub on loopback (its log in `<dir>/hub.sqlite`), started; `port` to come back where a stopped one was. */
export async function startSiteHub(dir: string, token: string, port?: number): Promise<SiteHub> {
  const hub = new SiteHub({
    dbFile: join(dir, 'hub.sqlite'),
    token,
    clock: systemClock,
    log: silentLogger,
    ...(port === undefined ? {} : { port }),
  });
  await hub.start();
  return hub;
}

/**
 * A console core linked to the hub at `url` as `consoleId`, its database `<dir>/<consoleId>.sqlite` and quiet;
 * `config` adds to or overrides that (a clock, an in-memory database, another token).
 */
export function startLinkedConsole(
  dir: string,
  hub: { url: string; token: string },
  consoleId: string,
  config: Partial<ConsoleConfig> = {},
): Promise<ConsoleCore> {
  return createDesk({
    dataDir: dir,
    dbFile: join(dir, `${consoleId}.sqlite`),
    hub,
    consoleId,
    log: silentLogger,
    ...config,
  });
}
