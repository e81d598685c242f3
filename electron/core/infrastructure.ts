import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_LOCALE } from '../../shared/domain/text';
import { NOTICE_DATABASE_RECOVERED } from '../../shared/contract';
import type { ConsoleConfig, EmbeddedHubHandle } from './config';
import { openConsoleStore, recoveryNotice, storedConsoleId, type ConsoleStore } from './db/store';
import type { Infrastructure } from './feature';
import { openAudit, type AuditTrail } from './audit/setup';
import { HubLink } from './hub-link/link';
import { secureDataDir } from '../common/private-files';
import { MIGRATIONS } from './schema';
import { demoSitePath, loadSite, type LoadedSite } from '../common/site-file';
import { StreamGateway } from './streams/gateway';
import { announceRestart, DiskGuard, NoticeBuffer, watchClock, type ClockWatch } from './system';
import { EventBus } from './util/bus';
import { systemClock } from '../common/clock';
import { randomIds } from './util/ids';
import { createLogger } from '../common/log';
import { Timeline } from './util/timeline';

/** What the composition root creates before any feature. */
export interface ConsoleInfrastructure {
  /** What every feature gets. */
  infra: Infrastructure;
  loaded: LoadedSite;
  startedAt: number;
  store: ConsoleStore;
  notices: NoticeBuffer;
  /** The embedded site hub, when no production hub is configured. */
  demo: EmbeddedHubHandle | undefined;
  hub: HubLink;
  gateway: StreamGateway;
  /** The audit chain's key and anchors: anchoring to the hub starts with the hub link. */
  audit: AuditTrail;
  disk: DiskGuard;
  /** Ends the clock and disk watches, the audit anchoring and the daily backups (before the database closes). */
  quiesce(): Promise<void>;
}

/**
 * The console's infrastructure, in the order it depends on itself: clock, ids, log, bus, site, database (with
 * its recovery and backups), notices, this console's id, the demo hub if there is no real one, the hub link,
 * the video gateway. Nothing here knows a feature's tables or methods; the hub link and the gateway are
 * created before the features (which are handed them) and started after them.
 */
export async function createInfrastructure(config: ConsoleConfig): Promise<ConsoleInfrastructure> {
  const { dataDir } = config;
  secureDataDir(dataDir);
  const clock = config.clock ?? systemClock;
  const ids = config.ids ?? randomIds;
  const log = config.log ?? createLogger({ file: join(dataDir, 'logs', 'console.log'), console: true });
  const bus = new EventBus();
  const timeline = new Timeline({ clock, thresholdMs: config.clockJumpThresholdMs });
  const startedAt = clock.now();
  const loaded = loadSite(config.sitePath ?? demoSitePath());
  let audit: AuditTrail | undefined;
  const store = await openConsoleStore({
    dataDir,
    file: config.dbFile,
    nativeBinding: config.nativeBinding,
    backups: config.backups,
    migrations: MIGRATIONS,
    clock,
    log,
    // Before anything is audited or backed up: the key for the chain, and where keyed entries begin.
    afterOpen: async (db, persistent) => {
      audit = await openAudit({
        db,
        dataDir,
        anchors: persistent,
        clock,
        log: log.child('audit'),
        locale: config.defaultLocale,
      });
    },
  });
  const { db } = store;
  const notices = new NoticeBuffer(clock, bus);
  const locale = config.defaultLocale;
  const clockWatch: ClockWatch = await watchClock({
    timeline,
    db,
    clock,
    log,
    bus,
    notify: notices.notify,
    locale,
  });
  const { freeSpace, ...diskSettings } = config.disk ?? {};
  const disk = new DiskGuard({
    dataDir,
    db,
    clock,
    log: log.child('disk'),
    notify: notices.notify,
    settings: diskSettings,
    freeSpace,
    locale,
  });
  await disk.start();
  if (!audit) throw new Error('the audit trail was not opened with the database');
  if (audit.notice) notices.notify(audit.notice.level, 'audit-key', audit.notice.message);
  if (store.recovery) {
    const { message, params } = recoveryNotice(store.recovery);
    notices.notify('error', NOTICE_DATABASE_RECOVERED, message, { params });
  }
  if (config.restarted)
    await announceRestart({ ...config.restarted, db, clock, log, notify: notices.notify });
  const consoleId =
    config.consoleId ?? (await storedConsoleId(db, () => `console-${randomBytes(4).toString('hex')}`));
  if (!config.hub && !config.embeddedHub)
    throw new Error('no site hub: configure one (--hub) or start the console with its embedded hub');
  const demo = config.hub
    ? undefined
    : await config.embeddedHub!({
        dataDir,
        inMemory: config.dbFile === ':memory:',
        site: loaded.site,
        siteFile: loaded.file,
        clock,
        log,
        demo: config.demo,
      });
  const hub = new HubLink({
    ...(config.hub ?? demo!.target),
    consoleId,
    db,
    clock,
    log: log.child('hub'),
    socketFactory: config.socketFactory,
    demo: Boolean(demo),
    caFile: config.hub?.ca,
    onStatus: (status) => bus.emit('hub.status', status),
    onNotice: ({ level, code, message, params, fold }) =>
      notices.notify(level, code, message, { params, fold }),
  });
  // Hub events refused for want of space are asked for again once there is room.
  disk.onRecovered(() => hub.reconnect());
  const gateway = new StreamGateway({
    // The cameras feature hands it the cameras in force when it starts.
    cameras: [],
    clock,
    log: log.child('video'),
    workDir: join(dataDir, 'video'),
    ffmpegPath: config.ffmpegPath,
    spawn: config.spawn,
    supervision: config.streams?.supervision,
    profiles: config.streams?.profiles,
    idleStopMs: config.streams?.idleStopMs,
    onStatus: (streams) => bus.emit('streams.status', { streams }),
  });
  const infra: Infrastructure = {
    db,
    clock,
    ids,
    timeline,
    log,
    bus,
    site: loaded.site,
    consoleId,
    dataDir,
    notify: notices.notify,
    locale: config.defaultLocale ?? DEFAULT_LOCALE,
    kickOutbox: () => hub.kick(),
    disk,
  };
  const quiesce = async () => {
    disk.stop();
    audit!.stop();
    store.stop();
    await clockWatch.stop();
  };
  return { infra, loaded, startedAt, store, notices, demo, hub, gateway, audit, disk, quiesce };
}
