import type {
  ConsoleClient,
  HubStatus,
  Notice,
  SiteView,
  StoredHubEvent,
  SystemInfo,
} from '../../../shared/contract';
import { createStore, featureContext, type Store } from '../../api/store';
import type { LinkState } from '../../api/transport';

const EVENT_CAP = 500;
const NOTICE_CAP = 50;

/** The console itself: the link to the core, product info, the site, the hub link, its events, notices. */
export interface SystemStore {
  /** The link to the core (only the web host's WebSocket can drop); the app feeds it from the transport. */
  link: Store<LinkState>;
  info: Store<SystemInfo | null>;
  site: Store<SiteView | null>;
  hub: Store<HubStatus | null>;
  /** Alarms, device and action events, newest first. */
  events: Store<StoredHubEvent[]>;
  notices: Store<Notice[]>;
  /** A notice from the console itself (an export done, a refusal), shown like the core's. */
  notify(notice: Omit<Notice, 'at'>): void;
  /** What a signed-out console may know. */
  loadInfo(): Promise<void>;
  load(): Promise<void>;
  dispose(): void;
}

export function createSystemStore(client: ConsoleClient): SystemStore {
  const events = createStore<StoredHubEvent[]>([]);
  const notices = createStore<Notice[]>([]);
  const site = createStore<SiteView | null>(null);
  const hub = createStore<HubStatus | null>(null);
  const info = createStore<SystemInfo | null>(null);
  const mergeEvents = (incoming: StoredHubEvent[]) =>
    events.set((prev) => {
      const bySeq = new Map(prev.map((e) => [e.seq, e]));
      for (const e of incoming) bySeq.set(e.seq, e);
      return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, EVENT_CAP);
    });
  // A folded repeat keeps its id: it replaces the notice it repeats instead of stacking a copy.
  const addNotice = (n: Notice) =>
    notices.set((prev) => [...prev.filter((p) => !n.id || p.id !== n.id).slice(1 - NOTICE_CAP), n]);

  const offs = [
    client.on('hub.status', (s) => hub.set(s)),
    client.on('hub.event', (e) => mergeEvents([e])),
    client.on('notice', addNotice),
    // The site view carries its cameras; a supervisor's edit arrives as this event.
    client.on('site.cameras', ({ cameras }) => site.set((prev) => (prev ? { ...prev, cameras } : prev))),
  ];

  return {
    link: createStore<LinkState>('connecting'),
    info,
    site,
    hub,
    events,
    notices,
    notify: (notice) => addNotice({ ...notice, at: Date.now() }),
    async loadInfo() {
      info.set(await client.call('system.info'));
    },
    async load() {
      const [s, h, recent, n] = await Promise.all([
        client.call('site.get'),
        client.call('hub.status'),
        client.call('events.recent', { limit: 200 }),
        client.call('notices.recent'),
      ]);
      site.set(s);
      hub.set(h);
      mergeEvents(recent.events);
      notices.set(n.notices);
    },
    dispose: () => offs.forEach((off) => off()),
  };
}

export const [SystemContext, useSystem] = featureContext<SystemStore>('system');
