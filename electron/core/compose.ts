import { createAlarms } from './alarms';
import { createCameras } from './cameras';
import type { ConsoleConfig } from './config';
import type { ConsoleCore } from './console-core';
import { createDuty } from './duty';
import { createFacilities } from './facilities';
import { handlerTable } from './feature';
import { createGuards } from './guards';
import { createInfrastructure } from './infrastructure';
import { createOperators } from './operators';
import { createPlaybooks } from './playbooks';
import { createPosts } from './posts';
import { createPrefs } from './prefs';
import { createRecordings } from './recordings';
import { createReports } from './reports';
import { auditRefusals } from './router/refusals';
import { createRouter } from './router/router';
import { checkFeatureMigrations } from './schema';
import { createShift } from './shift';
import { SiteNames } from './site/names';
import { ffmpegInfo } from './streams/ffmpeg';
import { createSystem } from './system';
import { createTraining } from './training';
import { createVehicles } from './vehicles';

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
  // The demo that plays (not a test's quiet one) starts with a hazard in its register.
  const playing = Boolean(demo) && config.demo?.scenario !== false;
  const facilities = createFacilities(infra, {
    alarms: alarms.service,
    cameras: cameras.service,
    demo: playing,
  });
  const vehicles = createVehicles(infra, { alarms: alarms.service, demo: playing });
  const training = createTraining(infra, { demo: playing });
  const posts = createPosts(infra, { alarms: alarms.service, guards: guards.service.guards, demo: playing });
  const shift = createShift(infra, {
    operators: operators.service,
    training: training.service,
    alarms: alarms.service,
    cameras: cameras.service,
    duty: duty.service,
    playbooks: playbooks.service,
    facilities: facilities.service,
    vehicles: vehicles.service,
    names,
  });
  const prefs = createPrefs(infra);
  const rec = createRecordings(infra, { gateway, cameras, alarms, settings: config.recordings });
  const targets = () => alarms.service.responseTargets;
  const reports = createReports(infra, { targets, demo: playing, work: facilities.service.work });
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
  // Started in this order (each after those whose services it uses), stopped in the reverse one.
  const features = [
    ...[alarms, cameras, guards, playbooks, duty, operators],
    ...[facilities, training, shift, prefs, rec, vehicles, posts, reports, system],
  ];
  checkFeatureMigrations(features);
  const router = createRouter(handlerTable(features), log.child('router'), auditRefusals(db, clock, log));
  for (const feature of features) await feature.start();
  await gateway.start();
  await hub.start({
    // The order each hub event is applied in, inside its transaction.
    appliers: [guards, alarms, duty, facilities, vehicles].flatMap((f) => f.appliers),
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
    facilities: facilities.service,
    osmandPort: guards.service.osmandPort,
    embeddedHub: demo,
    info: system.service.info,
    openSession: (carrier, operator, options) => operators.service.sessions.open(carrier, operator, options),
    closeSession: (session) => operators.service.sessions.close(session),
    async stop() {
      if (stopped) return;
      stopped = true;
      // The hub link first: no hub event is applied while the features wind down and the database closes.
      await hub.stop();
      for (const feature of [...features].reverse()) await feature.stop();
      await quiesce();
      await gateway.stop();
      await demo?.stop();
      await db.destroy();
      log.info('console core stopped');
    },
  };
}
