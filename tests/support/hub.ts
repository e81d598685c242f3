import { join } from 'node:path';
import { type ConsoleCore } from '../../electron/core';
import { createDesk } from '../../electron/desk';
import type { HubAlarm, HubEventBody } from '../../shared/contract';
import type { SiteFile } from '../../shared/domain/site';
import { Equipment, type SourcePorts } from '../../electron/hub/equipment';
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
 * A hub instance in this process on the (PostgreSQL) database `db`, named `instance`, started; `fanoutPollMs` is its
 * safety poll for a lost fan-out notification (electron/hub/fanout.ts).
 */
export async function startHubInstance(
  db: string,
  token: string,
  instance: string,
  fanoutPollMs?: number,
): Promise<SiteHub> {
  const hub = new SiteHub({
    dbFile: db,
    token,
    instance,
    fanoutPollMs,
    clock: systemClock,
    log: silentLogger,
  });
  await hub.start();
  return hub;
}

/**
 * A site hub with the equipment sources of `site` (and those `ports` start), as `npm run hub` runs it: its log
 * and device registry in `<dir>/hub.sqlite`; `port` to come back where a stopped one was.
 */
export async function startEquipmentHub(
  dir: string,
  token: string,
  site: SiteFile,
  o: { port?: number; ports?: SourcePorts } = {},
): Promise<{ hub: SiteHub; equipment: Equipment; stop(): Promise<void> }> {
  // The hub answers `sources` from the equipment, which needs the started hub: a box breaks the circle.
  const box: { equipment?: Equipment } = {};
  const hub = new SiteHub({
    dbFile: join(dir, 'hub.sqlite'),
    token,
    clock: systemClock,
    log: silentLogger,
    sources: () => box.equipment?.statuses() ?? [],
    ...(o.port === undefined ? {} : { port: o.port }),
  });
  await hub.start();
  const equipment = new Equipment(hub, site, o.ports ?? {}, {
    clock: systemClock,
    log: silentLogger,
    defaultHost: '127.0.0.1',
  });
  box.equipment = equipment;
  await equipment.start();
  return {
    hub,
    equipment,
    async stop() {
      await equipment.stop();
      await hub.stop();
    },
  };
}

/**
 * A console core linked to the hub at `url` (or, given `urls`, to the first of those instances) as `consoleId`, its database `<dir>/<consoleId>.sqlite` and quiet;
 * `config` adds to or overrides that (a clock, an in-memory database, another token).
 */
export function startLinkedConsole(
  dir: string,
  hub: NonNullable<ConsoleConfig['hub']>,
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

/** A hub `alarm` event: `type` (a door held open unless told) in building 1, no cameras, raised at `raisedAt`. */
export function hubAlarm(
  sourceId: string,
  type: HubAlarm['type'] = 'door_held',
  raisedAt = Date.now(),
): HubEventBody {
  return { kind: 'alarm', data: { sourceId, type, zone: 'bldg-01', cameras: [], raisedAt } };
}
