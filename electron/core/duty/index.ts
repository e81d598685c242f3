import type { dutyMethods } from '../../../shared/contract';
import type { Feature, Infrastructure } from '../feature';
import type { SiteNames } from '../site/names';
import { AutomaticDutyEntries } from './automatic';
import { enforceDutyRetention } from './duty-log';
import { dutyHandlers } from './handlers';
import { DUTY_MIGRATION } from './migration';

export { dutyRowFields, writeDutyLog, type DutyLogEntry, type DutyRow } from './duty-log';
export { wordDutyText } from './wording';

/** Migration 6 carries operators and shifts too: it was released as the duty issue's one schema change. */
export const dutyMigrations = [DUTY_MIGRATION] as const;

export interface DutyService {
  /** Cameras the duty log has seen go offline and not come back (the handover carries them over). */
  offlineCameras(): Array<{ id: string; since: number }>;
}

export interface DutyOptions {
  /** A camera's name for entries (the cameras feature's; injected because cameras depend on alarms, which write here). */
  cameraName(id: string): string;
  /** The site's names for its ids, for the console's own entries as people read them. */
  names(): SiteNames;
  /** Where pruned entries are backed up first; absent (an in-memory database), nothing is pruned. */
  retentionBackupsDir: string | undefined;
  retentionPerKind?: number | undefined;
}

/**
 * The duty log (值班记录): every feature writes through `writeDutyLog` in its own transaction; this feature
 * lists it, takes manual entries, writes the entries nobody's action causes (hub link, cameras, devices) and
 * prunes it daily after a backup.
 */
export function createDuty(infra: Infrastructure, o: DutyOptions): Feature<typeof dutyMethods, DutyService> {
  const { db, clock, bus } = infra;
  const log = infra.log.child('duty');
  const automatic = new AutomaticDutyEntries({ db, clock, log, cameraName: o.cameraName });
  bus.on('hub.status', (status) => automatic.hubStatus(status));
  bus.on('streams.status', ({ streams }) => automatic.streams(streams));
  bus.on('clock.jumped', (jump) => automatic.clockJumped(jump));
  bus.on('notice', (notice) => automatic.disk(notice));

  const retention = async (backupsDir: string) => {
    try {
      const { removed, backup } = await enforceDutyRetention(db, {
        capPerKind: o.retentionPerKind ?? 200_000,
        backupsDir,
        at: clock.now(),
      });
      if (removed > 0) log.info('duty log pruned after a backup', { removed, backup });
    } catch (err) {
      log.error('duty log retention failed', { error: (err as Error).message });
    }
  };
  let timer: unknown;

  return {
    service: { offlineCameras: () => automatic.offlineCameras() },
    handlers: dutyHandlers(db, clock, o.names),
    appliers: [automatic.deviceApplier],
    migrations: dutyMigrations,
    async start() {
      const dir = o.retentionBackupsDir;
      if (dir === undefined) return;
      await retention(dir);
      timer = clock.setInterval(() => void retention(dir), 24 * 3600 * 1000);
    },
    async stop() {
      if (timer !== undefined) clock.clearInterval(timer);
    },
  };
}
