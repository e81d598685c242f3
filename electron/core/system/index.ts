import {
  HUB_PROTOCOL_VERSION,
  type HubEventKind,
  type StoredHubEvent,
  type SystemInfo,
  type systemMethods,
} from '../../../shared/contract';
import { DEFAULT_LOCALE, type Locale } from '../../../shared/domain/text';
import { verifyAudit } from '../audit/audit';
import type { CamerasService } from '../cameras';
import type { Feature, Infrastructure } from '../feature';
import { listDeadLetters, rowToStoredEvent } from '../hub-link/inbox';
import type { HubLink } from '../hub-link/link';
import type { PlaybooksService } from '../playbooks';
import type { Carrier } from '../router/router';
import { ServiceError } from '../errors';
import type { LoadedSite } from '../../common/site-file';
import { cameraView, siteView } from '../site/view';
import { latestDevice, latestDevices } from './devices';
import type { NoticeBuffer } from './notices';

export { announceRestart } from './restart';
export { NoticeBuffer } from './notices';
export { watchClock, type ClockWatch } from './clock-watch';
export { DiskGuard, statfsFree, type DiskSettings, type FreeSpace } from './disk-guard';

export const PRODUCT = 'Control Room Console';
export const VERSION = '0.1.0';

export interface SystemService {
  info: SystemInfo;
  /** A hub event, after its commit: pushed to renderers unless a feature sends it in its own batches. */
  hubEvent(event: StoredHubEvent): void;
}

export interface SystemOptions {
  hub: HubLink;
  notices: NoticeBuffer;
  loaded: LoadedSite;
  cameras: Pick<CamerasService, 'list'>;
  playbooks: Pick<PlaybooksService, 'contacts'>;
  startedAt: number;
  /** The embedded demo site hub is running. */
  demo: boolean;
  carrierHint?: Carrier | undefined;
  defaultLocale?: Locale | undefined;
  /** Which ffmpeg decodes the cameras (the system's, or the bundled fallback) and its version. */
  ffmpeg: SystemInfo['ffmpeg'];
}

/** The console itself: what it is, the site, the hub link, notices, recent hub events, the audit check. */
export function createSystem(
  infra: Infrastructure,
  o: SystemOptions,
): Feature<typeof systemMethods, SystemService> {
  const { db, bus } = infra;
  const { hub } = o;
  const log = infra.log.child('system');
  const info: SystemInfo = {
    product: PRODUCT,
    version: VERSION,
    consoleId: infra.consoleId,
    hubProtocolVersion: HUB_PROTOCOL_VERSION,
    demo: o.demo,
    carrier: o.carrierHint ?? 'memory',
    startedAt: o.startedAt,
    defaultLocale: o.defaultLocale ?? DEFAULT_LOCALE,
    ffmpeg: o.ffmpeg,
  };
  const view = siteView(o.loaded);

  return {
    service: {
      info,
      hubEvent: (event) => {
        // Guards reach renderers through the batched `guards.changed`.
        if (event.kind === 'position' || event.kind === 'guard') return;
        // Alarms reach renderers through the queue's batched `alarms.changed`; sending each one here too would
        // make a burst of thousands cost the page thousands of separate updates.
        if (event.kind === 'alarm') return;
        bus.emit('hub.event', event);
      },
    },
    handlers: {
      'system.info': (_input, { session }) => ({ ...info, carrier: session.carrier }),
      'site.get': () => ({
        ...view,
        cameras: o.cameras.list().map(cameraView),
        // The directory in force: supervisors' edits over the site file's contacts.
        contacts: o.playbooks.contacts().map(({ origin: _origin, ...c }) => c),
      }),
      'hub.status': () => hub.status(),
      'hub.reconnect': () => {
        hub.reconnect();
        return { done: true as const };
      },
      // What the hub link set aside instead of stopping on it: for a supervisor to report to the hub's people.
      'hub.deadLetters': ({ limit, beforeSeq }) => listDeadLetters(db, limit, beforeSeq),
      // Only the hub knows its sources: asked each time, never stored here.
      'hub.sources': async () => {
        const reply = await hub.sources();
        if (reply.state === 'offline')
          throw new ServiceError('unavailable', 'The site hub is not connected.', 'hub_offline');
        if (reply.state === 'invalid')
          throw new ServiceError(
            'unavailable',
            `The site hub answered sources with something else: ${reply.error}`,
            'hub_bad_answer',
          );
        return {
          answered: reply.state === 'answered',
          sources: reply.state === 'answered' ? reply.sources : [],
          at: infra.clock.now(),
        };
      },
      'hub.devices': ({ states, limit }) => latestDevices(db, log, { states, limit }),
      'hub.device': async ({ deviceId }) => ({ device: await latestDevice(db, log, deviceId) }),
      'events.recent': async ({ kinds, limit }) => {
        const known: HubEventKind[] = ['alarm', 'device', 'action.applied', 'position'];
        const rows = await db('hub_events')
          .whereIn('kind', kinds ?? known.filter((k) => k !== 'position'))
          .orderBy('seq', 'desc')
          .limit(limit);
        return { events: rows.map(rowToStoredEvent) };
      },
      'notices.recent': () => ({ notices: o.notices.recent() }),
      'audit.verify': () => verifyAudit(db),
    },
    appliers: [],
    migrations: [],
    async start() {},
    async stop() {},
  };
}
