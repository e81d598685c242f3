import { fill } from '../../../shared/i18n/notices';
import type { AlarmView, GuardView, guardMethods, PatrolRouteView } from '../../../shared/contract';
import type { SiteFile } from '../../../shared/domain/site';
import { MESSAGES } from '../../../shared/i18n';
import type { Actor } from '../actor';
import type { AlarmService } from '../alarms';
import type { CamerasService } from '../cameras';
import type { Feature, Infrastructure } from '../feature';
import { MIN_DEVICE_ID_LENGTH } from './devices';
import { openOsmandEndpoint } from './endpoint';
import { dispatchGuard, guardHandlers } from './handlers';
import { guardDevicesMigration, guardsMigration } from './migration';
import { PATROL_SKIPPED_MIGRATION } from './patrol-migration';
import type { OsmandServer } from './osmand';
import { PatrolEngine } from './patrol';
import { GuardService, type GuardSettings } from './service';

export { GuardService, type GuardSettings } from './service';
export { PatrolEngine } from './patrol';

export { guardDevicesMigration } from './migration';

/** Migration 4 and the phones' secrets (`guardDevicesMigration`): schema.ts orders the whole list by version. */
export const guardMigrations = [guardsMigration, guardDevicesMigration] as const;
/** Migration 12, after the alarms' 11 (issue 13's clock work). */
export const patrolClockMigrations = [PATROL_SKIPPED_MIGRATION] as const;

export interface GuardsService {
  guards: GuardService;
  patrols: PatrolEngine;
  /** Sends a guard to an alarm as this operator: the alarm detail's dispatch and a playbook's dispatch step. */
  dispatch(
    alarmId: string,
    guardId: string,
    note: string | undefined,
    actor: Actor,
  ): Promise<{ alarm: AlarmView; guard: GuardView }>;
  /** Where the OsmAnd endpoint listens once started, when it is on. */
  readonly osmandPort: number | undefined;
}

export interface GuardsOptions {
  alarms: AlarmService;
  cameras: Pick<CamerasService, 'list'>;
  /** Over the site file's tracking settings. */
  settings?: Partial<GuardSettings> | undefined;
  /** Guard and patrol changes reach renderers at most this often. */
  flushMs?: number | undefined;
  /** The endpoint guards' phones report to; absent, off. */
  osmand?: { port: number; host?: string | undefined } | undefined;
}

/** The site file's tracking settings in the service's units. */
function trackingSettings(t: SiteFile['tracking']): Partial<GuardSettings> {
  return {
    ...(t.staleSec !== undefined ? { staleMs: t.staleSec * 1000 } : {}),
    ...(t.offlineSec !== undefined ? { offlineMs: t.offlineSec * 1000 } : {}),
    ...(t.noMovementMin !== undefined ? { noMovementMs: t.noMovementMin * 60_000 } : {}),
    ...(t.arrivalRadiusM !== undefined ? { arrivalRadiusM: t.arrivalRadiusM } : {}),
    ...(t.keepPositionsDays !== undefined ? { keepPositionsDays: t.keepPositionsDays } : {}),
    ...(t.maxSpeedMps !== undefined ? { maxSpeedMps: t.maxSpeedMps } : {}),
  };
}

/**
 * Guards on the map and their patrols: positions from the hub and phones, dispatch and arrival, SOS, rounds.
 * Positions and their consequences commit together; renderers get them in batches.
 */
export function createGuards(
  infra: Infrastructure,
  o: GuardsOptions,
): Feature<typeof guardMethods, GuardsService> {
  const { db, clock, bus, site, log } = infra;
  const pendingGuards = new Map<string, GuardView>();
  const pendingRoutes = new Map<string, PatrolRouteView>();
  const patrols = new PatrolEngine({
    db,
    site,
    cameras: () => o.cameras.list(),
    alarms: o.alarms,
    clock,
    timeline: infra.timeline,
    log: log.child('patrol'),
    onChanged: (routes) => routes.forEach((r) => pendingRoutes.set(r.routeId, r)),
  });
  const guards = new GuardService({
    db,
    site,
    alarms: o.alarms,
    patrols,
    clock,
    ids: infra.ids,
    log: log.child('guards'),
    consoleId: infra.consoleId,
    settings: { ...trackingSettings(site.tracking), ...o.settings },
    onChanged: (g) => pendingGuards.set(g.guardId, g),
    kickOutbox: infra.kickOutbox,
  });
  // A resolved alarm releases the guards sent to it.
  o.alarms.watch((alarm) => {
    if (alarm.state !== 'resolved') return;
    guards
      .alarmChanged(alarm)
      .catch((err: Error) =>
        log.error('releasing guards of a resolved alarm failed', { error: err.message }),
      );
  });
  const deps = { guards, patrols, alarms: o.alarms, site };
  let flushTimer: unknown;
  let osmand: OsmandServer | undefined;

  return {
    service: {
      guards,
      patrols,
      dispatch: (alarmId, guardId, note, actor) => dispatchGuard(deps, alarmId, guardId, note, actor),
      get osmandPort() {
        return osmand?.port;
      },
    },
    handlers: guardHandlers(deps),
    appliers: [guards.hubApplier],
    migrations: [...guardMigrations, ...patrolClockMigrations],
    async start() {
      await guards.start();
      // A phone id in the site file too short to be a secret is refused: say so where people look.
      const say = MESSAGES[infra.locale].notices.guardDeviceWeak;
      for (const w of guards.devices.weakIds) {
        const vars: Record<string, string | number> = { ...w, min: MIN_DEVICE_ID_LENGTH };
        infra.notify('warning', 'guard-device', fill(say, vars), { params: vars });
      }
      await patrols.start();
      flushTimer = clock.setInterval(() => {
        if (pendingGuards.size) bus.emit('guards.changed', { guards: [...pendingGuards.values()] });
        if (pendingRoutes.size) bus.emit('patrols.changed', { routes: [...pendingRoutes.values()] });
        pendingGuards.clear();
        pendingRoutes.clear();
      }, o.flushMs ?? 500);
      if (o.osmand)
        osmand = await openOsmandEndpoint({ ...o.osmand, guards, clock, log, notify: infra.notify });
    },
    async stop() {
      clock.clearInterval(flushTimer);
      guards.stop();
      patrols.stop();
      await osmand?.stop();
    },
  };
}
