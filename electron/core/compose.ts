import type { Knex } from 'knex';
import type { OperatorView, SystemInfo } from '../../shared/contract';
import { createAlarms, type AlarmService } from './alarms';
import { createCameras } from './cameras';
import type { ConsoleConfig, EmbeddedHubHandle } from './config';
import { createDuty } from './duty';
import { handlerTable, type Infrastructure } from './feature';
import { createGuards, type GuardService, type PatrolEngine } from './guards';
import type { HubLink } from './hub-link/link';
import { createInfrastructure } from './infrastructure';
import { createOperators, type OpenOptions } from './operators';
import { createPlaybooks } from './playbooks';
import { createPrefs } from './prefs';
import { createRecordings, type RecordingsService } from './recordings';
import { auditRefusals } from './router/refusals';
import { createRouter, type Carrier, type Router, type Session } from './router/router';
import { checkFeatureMigrations } from './schema';
import { createShift } from './shift';
import type { StreamGateway } from './streams/gateway';
import { SiteNames } from './site/names';
import { ffmpegInfo } from './streams/ffmpeg';
import { createSystem } from './system';
import { createVehicles } from './vehicles';
export interface ConsoleCore {
  router: Router;
  bus: Infrastructure['bus'];
  db: Knex;
  hub: HubLink;
  gateway: StreamGateway;
  alarms: AlarmService;
  guards: GuardService;
  patrols: PatrolEngine;
  recordings: RecordingsService;
  /** Where the OsmAnd endpoint listens, when it is on. */
  osmandPort: number | undefined;
  /** The embedded site hub, when no production hub is configured. */
  embeddedHub: EmbeddedHubHandle | undefined;
  info: SystemInfo;
  /** A window's or tab's session, signed out (tests may pass the operator it acts as); closed when it goes. */
  openSession(carrier: Carrier, operator?: OperatorView | null, options?: OpenOptions): Session;
  closeSession(session: Session): void;
  stop(): Promise<void>;
}

/**
 * The composition root: the infrastructure, then each feature after those it uses, wired through their services;
 * started and stopped in order. No SQL and no handler bodies here: those live in the features' folders. Electron
 * main and the web host both call this, with the clock, ids, spawner and socket factory injectable via the config.
 */
export async function createConsoleCore(config: ConsoleConfig): Promise<ConsoleCore> {
  // Infrastructure first: clock, log, bus, site, database, notices, hub link, video gateway.
  const { infra, loaded, startedAt, store, notices, demo, hub, gateway, audit, quiesce } =
    await createInfrastructure(config);
  const { db, clock, log } = infra;
  // Then each feature, after the ones whose services it uses.
  const alarms = createAlarms(infra, { targets: config.alarmTargets, flushMs: config.alarmFlushMs });
  const cameras = createCameras(infra, {
    gateway,
    alarms: alarms.service,
    offlineAlarmMs: config.cameraOfflineAlarmMs,
  });
  const guards = createGuards(infra, {
    alarms: alarms.service,
    cameras: cameras.service,
    settings: config.guards,
    flushMs: config.positionFlushMs,
    osmand: config.osmand,
  });
  const playbooks = createPlaybooks(infra, {
    alarms: alarms.service,
    guards: guards.service,
    playbooksDir: config.playbooksDir,
    reportFont: config.reportFont,
  });
  const names = () => new SiteNames({ ...loaded.site, cameras: cameras.service.list() }); // with edits
  const duty = createDuty(infra, {
    names,
    cameraName: cameras.service.name,
    retentionBackupsDir: store.persistent ? store.backupsDir : undefined,
    retentionPerKind: config.duty?.retentionPerKind,
  });
  const operators = createOperators(infra, config.duty);
  const shift = createShift(infra, {
    operators: operators.service,
    alarms: alarms.service,
    cameras: cameras.service,
    duty: duty.service,
    playbooks: playbooks.service,
    names,
  });
  const prefs = createPrefs(infra);
  const rec = createRecordings(infra, { gateway, cameras, alarms, settings: config.recordings });
  const vehicles = createVehicles(infra, { alarms: alarms.service, demo: Boolean(demo) });
  const system = createSystem(infra, {
    hub,
    notices,
    loaded,
    cameras: cameras.service,
    playbooks: playbooks.service,
    startedAt,
    demo: Boolean(demo),
    carrierHint: config.carrierHint,
    defaultLocale: config.defaultLocale,
    ffmpeg: ffmpegInfo(gateway.ffmpeg),
  });
  // Started in this order, stopped in the reverse one.
  const features = [alarms, cameras, guards, playbooks, duty, operators, shift, prefs, rec, vehicles, system];
  checkFeatureMigrations(features);
  const router = createRouter(handlerTable(features), log.child('router'), auditRefusals(db, clock, log));
  for (const feature of features) await feature.start();
  await gateway.start();
  await hub.start({
    // The order each hub event is applied in, inside its transaction.
    appliers: [...guards.appliers, ...alarms.appliers, ...duty.appliers, ...vehicles.appliers],
    onEvent: system.service.hubEvent,
    onUncommitted: alarms.service.uncommitted,
  });
  audit.startAnchoring(() => hub.kick());
  demo?.play();
  log.info('console core started', { consoleId: infra.consoleId, demo: Boolean(demo), site: loaded.file });
  let stopped = false;
  return {
    router,
    bus: infra.bus,
    db,
    hub,
    gateway,
    alarms: alarms.service,
    guards: guards.service.guards,
    patrols: guards.service.patrols,
    recordings: rec.service,
    osmandPort: guards.service.osmandPort,
    embeddedHub: demo,
    info: system.service.info,
    openSession: (carrier, operator, options) => operators.service.sessions.open(carrier, operator, options),
    closeSession: (session) => operators.service.sessions.close(session),
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const feature of [...features].reverse()) await feature.stop();
      await quiesce();
      await gateway.stop();
      await hub.stop();
      await demo?.stop();
      await db.destroy();
      log.info('console core stopped');
    },
  };
}
