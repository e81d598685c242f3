import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { io } from 'socket.io-client';
import {
  HUB_PROTOCOL_VERSION,
  type HubEventKind,
  type Notice,
  type OperatorView,
  type SystemInfo,
} from '../../shared/contract';
import { DEFAULT_LOCALE } from '../../shared/domain/text';
import { EventBus } from './util/bus';
import { systemClock } from './util/clock';
import { randomIds } from './util/ids';
import { createLogger } from './util/log';
import type { ConsoleConfig } from './config';
import { openDatabase } from './db/database';
import { MIGRATIONS } from './schema';
import { backupDatabase, recoverIfCorrupt } from './db/backup';
import { DemoScenario } from './demo/scenario';
import { SiteHub } from './demo/site-hub';
import { HubLink, type SocketFactory } from './hub-link/link';
import { rowToStoredEvent } from './hub-link/inbox';
import { createRouter, type Carrier, type Handlers, type Router, type Session } from './router/router';
import { cameraView, demoSitePath, loadSite, siteView } from './site/load-site';
import { createCameras } from './cameras';
import { StreamGateway } from './streams/gateway';
import { createAlarms, type AlarmService } from './alarms';
import type { Infrastructure } from './feature';
import { appendAudit, verifyAudit } from './audit/audit';
import { createDuty } from './duty';
import { createOperators } from './operators';
import { createShift } from './shift';
import { createPrefs } from './prefs';
import { createGuards, type GuardService, type PatrolEngine } from './guards';
import { createPlaybooks } from './playbooks';

export type { ConsoleConfig } from './config';
export const PRODUCT = 'Control Room Console';
export const VERSION = '0.1.0';

export interface ConsoleCore {
  router: Router;
  bus: EventBus;
  db: Knex;
  hub: HubLink;
  gateway: StreamGateway;
  alarms: AlarmService;
  guards: GuardService;
  patrols: PatrolEngine;
  /** Where the OsmAnd endpoint listens, when it is on. */
  osmandPort: number | undefined;
  demoHub: SiteHub | undefined;
  info: SystemInfo;
  openSession(carrier: Carrier, operator?: OperatorView | null): Session;
  stop(): Promise<void>;
}

const defaultSocketFactory: SocketFactory = (url, options) => io(url, options);

/**
 * The one composition root: everything the console does, wired from a config with its clock, ids,
 * process spawner and socket factory injected. Electron main and the web host both call this.
 */
export async function createConsoleCore(config: ConsoleConfig): Promise<ConsoleCore> {
  const clock = config.clock ?? systemClock;
  const ids = config.ids ?? randomIds;
  const log =
    config.log ?? createLogger({ file: join(config.dataDir, 'logs', 'console.log'), console: true });
  const bus = new EventBus();
  const startedAt = clock.now();
  const loaded = loadSite(config.sitePath ?? demoSitePath());
  const view = siteView(loaded);
  const dbFile = config.dbFile ?? join(config.dataDir, 'console.sqlite');
  const backupsDir = join(config.dataDir, 'backups');
  const persistent = dbFile !== ':memory:';
  const recovery = persistent
    ? recoverIfCorrupt({
        file: dbFile,
        dataDir: config.dataDir,
        at: clock.now(),
        log: log.child('db'),
        nativeBinding: config.nativeBinding,
      })
    : undefined;
  const db = await openDatabase({
    file: dbFile,
    log: log.child('db'),
    nativeBinding: config.nativeBinding,
    migrations: MIGRATIONS,
    // A migration is the riskiest moment in a database's life: keep the version before it.
    beforeMigrate: persistent
      ? (old) =>
          backupDatabase(old, backupsDir, 'migration', clock.now(), config.backups?.keep).then(
            () => undefined,
          )
      : undefined,
  });
  if (recovery?.salvaged.length) {
    await db.transaction(async (trx) => {
      for (const row of recovery.salvaged) await trx('outbox').insert(row).onConflict('key').ignore();
    });
  }
  const backupNow = async (reason: 'start' | 'daily') => {
    try {
      const file = await backupDatabase(db, backupsDir, reason, clock.now(), config.backups?.keep);
      log.info('database backed up', { file, reason });
    } catch (err) {
      log.error('database backup failed', { reason, error: (err as Error).message });
    }
  };
  if (persistent && config.backups?.enabled !== false) await backupNow('start');
  const backupTimer =
    persistent && config.backups?.enabled !== false
      ? clock.setInterval(() => void backupNow('daily'), 24 * 3600 * 1000)
      : undefined;

  const notices: Notice[] = [];
  const notify = (level: Notice['level'], code: string, message: string) => {
    const notice = { level, code, message, at: clock.now() };
    notices.push(notice);
    if (notices.length > 200) notices.shift();
    bus.emit('notice', notice);
  };

  if (recovery) {
    notify(
      'error',
      'database-recovered',
      recovery.restoredFrom
        ? `The local database was damaged (${recovery.problem}). It was set aside as ${recovery.setAsideAs} and the backup from ` +
            `${new Date(recovery.restoredFrom.at).toLocaleString()} was restored. Hub events since then are being replayed; ` +
            `${recovery.salvaged.length} unsent operator action(s) were recovered from the damaged file. Records made on this console ` +
            'after the backup and not yet sent to the hub may be missing: check the duty log.'
        : `The local database was damaged (${recovery.problem}) and no good backup was found. It was set aside as ` +
            `${recovery.setAsideAs} and a new database was started; hub events are being replayed and ` +
            `${recovery.salvaged.length} unsent operator action(s) were recovered.`,
    );
  }

  const consoleId =
    config.consoleId ?? (await storedConsoleId(db, () => `console-${randomBytes(4).toString('hex')}`));

  let demoHub: SiteHub | undefined;
  let scenario: DemoScenario | undefined;
  let hubTarget = config.hub;
  if (!hubTarget) {
    const token = randomBytes(16).toString('hex');
    demoHub = new SiteHub({
      dbFile: config.dbFile === ':memory:' ? ':memory:' : join(config.dataDir, 'demo-hub.sqlite'),
      token,
      clock,
      log: log.child('demo-hub'),
      port: config.demo?.port,
      onAction: (_consoleId, action) => scenario?.onAction(action),
    });
    const url = await demoHub.start();
    hubTarget = { url, token };
    if (config.demo?.scenario !== false) {
      const hub = demoHub;
      scenario = new DemoScenario({
        site: loaded.site,
        clock,
        publish: (body) =>
          hub.publish(body).catch((err: Error) => log.warn('demo publish failed', { error: err.message })),
        seed: config.demo?.seed,
        alarmEverySec: config.demo?.alarmEverySec,
        positionEverySec: config.demo?.positionEverySec,
      });
    }
  }

  const infra: Infrastructure = {
    db,
    clock,
    ids,
    log,
    bus,
    site: loaded.site,
    consoleId,
    dataDir: config.dataDir,
    notify,
    kickOutbox: () => hub.kick(),
  };
  const alarmsFeature = createAlarms(infra, { targets: config.alarmTargets, flushMs: config.alarmFlushMs });
  const alarms = alarmsFeature.service;
  await alarmsFeature.start();

  const gateway = new StreamGateway({
    cameras: [],
    clock,
    log: log.child('video'),
    workDir: join(config.dataDir, 'video'),
    ffmpegPath: config.ffmpegPath,
    spawn: config.spawn,
    supervision: config.streams?.supervision,
    profiles: config.streams?.profiles,
    idleStopMs: config.streams?.idleStopMs,
    onStatus: (streams) => bus.emit('streams.status', { streams }),
  });
  const camerasFeature = createCameras(infra, {
    gateway,
    alarms,
    offlineAlarmMs: config.cameraOfflineAlarmMs,
  });
  await camerasFeature.start();
  const cameras = camerasFeature.service;
  const duty = createDuty(infra, {
    cameraName: cameras.name,
    retentionBackupsDir: persistent ? backupsDir : undefined,
    retentionPerKind: config.duty?.retentionPerKind,
  });

  const guardsFeature = createGuards(infra, {
    alarms,
    cameras,
    settings: config.guards,
    flushMs: config.positionFlushMs,
    osmand: config.osmand,
  });
  await guardsFeature.start();
  const { guards, patrols } = guardsFeature.service;

  const hub = new HubLink({
    url: hubTarget.url,
    token: hubTarget.token,
    consoleId,
    db,
    clock,
    log: log.child('hub'),
    socketFactory: config.socketFactory ?? defaultSocketFactory,
    demo: Boolean(demoHub),
    onStatus: (status) => bus.emit('hub.status', status),
    onProblem: (message) => notify('error', 'hub', message),
  });

  const info: SystemInfo = {
    product: PRODUCT,
    version: VERSION,
    consoleId,
    hubProtocolVersion: HUB_PROTOCOL_VERSION,
    demo: Boolean(demoHub),
    carrier: config.carrierHint ?? 'memory',
    startedAt,
    defaultLocale: config.defaultLocale ?? DEFAULT_LOCALE,
  };
  const playbooks = createPlaybooks(infra, {
    alarms,
    guards: guardsFeature.service,
    playbooksDir: config.playbooksDir,
    reportFont: config.reportFont,
  });
  await playbooks.start();
  const operators = createOperators(infra, {
    lockAfterMin: config.duty?.lockAfterMin,
    hashParams: config.duty?.hashParams,
    lockout: config.duty?.lockout,
  });
  const shift = createShift(infra, {
    operators: operators.service,
    alarms,
    cameras,
    duty: duty.service,
    playbooks: playbooks.service,
  });
  await duty.start();

  const handlers: Handlers = {
    ...duty.handlers,
    ...operators.handlers,
    ...shift.handlers,
    'system.info': (_input, { session }) => ({ ...info, carrier: session.carrier }),
    'site.get': () => ({
      ...view,
      cameras: cameras.list().map(cameraView),
      // The directory in force: supervisors' edits over the site file's contacts.
      contacts: playbooks.service.contacts().map(({ origin: _origin, ...c }) => c),
    }),
    'hub.status': () => hub.status(),
    'hub.reconnect': () => {
      hub.reconnect();
      return { done: true as const };
    },
    'events.recent': async ({ kinds, limit }) => {
      const known: HubEventKind[] = ['alarm', 'device', 'action.applied', 'position'];
      const rows = await db('hub_events')
        .whereIn('kind', kinds ?? known.filter((k) => k !== 'position'))
        .orderBy('seq', 'desc')
        .limit(limit);
      return { events: rows.map(rowToStoredEvent) };
    },
    ...guardsFeature.handlers,
    'notices.recent': () => ({ notices: [...notices] }),
    ...alarmsFeature.handlers,
    'audit.verify': () => verifyAudit(db),
    ...camerasFeature.handlers,
    ...createPrefs(infra).handlers,
    ...playbooks.handlers,
  };
  // A refused call is audited: someone tried something their role does not allow.
  const router = createRouter(handlers, log.child('router'), ({ method, session, code }) =>
    db
      .transaction((trx) =>
        appendAudit(trx, {
          at: clock.now(),
          actorId: session.operator?.id ?? 'anonymous',
          actorName: session.operator?.name ?? 'anonymous',
          action: 'call.refused',
          target: method,
          details: {
            code,
            carrier: session.carrier,
            ...(session.operator ? { role: session.operator.role } : {}),
          },
        }),
      )
      .catch((err: Error) => log.error('auditing a refused call failed', { error: err.message })),
  );

  await gateway.start();
  await hub.start({
    appliers: [...guardsFeature.appliers, ...alarmsFeature.appliers, ...duty.appliers],
    onEvent: (event) => {
      // Guards reach renderers through the batched `guards.changed`.
      if (event.kind === 'position' || event.kind === 'guard') return;
      // Alarms reach renderers through the queue's batched `alarms.changed`; sending each one here too would
      // make a burst of thousands cost the page thousands of separate updates.
      if (event.kind === 'alarm') return;
      bus.emit('hub.event', event);
    },
  });
  scenario?.start();
  log.info('console core started', { consoleId, demo: Boolean(demoHub), site: loaded.file });

  let stopped = false;
  return {
    router,
    bus,
    db,
    hub,
    gateway,
    alarms,
    guards,
    patrols,
    osmandPort: guardsFeature.service.osmandPort,
    demoHub,
    info,
    openSession: (carrier, operator) => ({
      id: ids(),
      carrier,
      // Windows and browser tabs start signed out; tests may pass the operator a session acts as.
      operator: operator ?? null,
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await guardsFeature.stop();
      if (backupTimer) clock.clearInterval(backupTimer);
      await duty.stop();
      await camerasFeature.stop();
      await alarmsFeature.stop();
      scenario?.stop();
      await gateway.stop();
      await hub.stop();
      await demoHub?.stop();
      await db.destroy();
      log.info('console core stopped');
    },
  };
}

async function storedConsoleId(db: Knex, make: () => string): Promise<string> {
  const row = (await db('meta').where({ key: 'console.id' }).first()) as { value: string } | undefined;
  if (row) return row.value;
  const id = make();
  await db('meta').insert({ key: 'console.id', value: id });
  return id;
}
