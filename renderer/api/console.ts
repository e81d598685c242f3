import { createContext, useContext } from 'react';
import {
  createClient,
  type ConsoleClient,
  type GuardPosition,
  type HubStatus,
  type Notice,
  type OperatorView,
  type SiteView,
  type StoredHubEvent,
  type StreamStatus,
  type SystemInfo,
} from '../../shared/contract';
import { createStore, type Store } from './store';
import { pickTransport, type LinkState, type RendererTransport } from './transport';

const EVENT_CAP = 500;

/** The renderer's view of the core: a typed client plus one live store per topic. */
export interface ConsoleModel {
  client: ConsoleClient;
  link: Store<LinkState>;
  info: Store<SystemInfo | null>;
  operator: Store<OperatorView | null>;
  site: Store<SiteView | null>;
  hub: Store<HubStatus | null>;
  /** Alarms, device and action events, newest first. */
  events: Store<StoredHubEvent[]>;
  guards: Store<Record<string, GuardPosition>>;
  notices: Store<Notice[]>;
  /** Stream health by `cameraId/profile`. */
  streams: Store<Record<string, StreamStatus>>;
  /** Where the video gateway is (loopback WebSocket + token). */
  video: Store<{ url: string; token: string } | null>;
  dispose(): void;
}

export const streamKey = (cameraId: string, profile: string) => `${cameraId}/${profile}`;

export function createConsoleModel(transport: RendererTransport = pickTransport()): ConsoleModel {
  const client = createClient(transport, (name, why) =>
    console.error(`event ${name} outside the contract: ${why}`),
  );
  const model: ConsoleModel = {
    client,
    link: createStore<LinkState>('connecting'),
    info: createStore<SystemInfo | null>(null),
    operator: createStore<OperatorView | null>(null),
    site: createStore<SiteView | null>(null),
    hub: createStore<HubStatus | null>(null),
    events: createStore<StoredHubEvent[]>([]),
    guards: createStore<Record<string, GuardPosition>>({}),
    notices: createStore<Notice[]>([]),
    streams: createStore<Record<string, StreamStatus>>({}),
    video: createStore<{ url: string; token: string } | null>(null),
    dispose: () => undefined,
  };

  const mergeEvents = (incoming: StoredHubEvent[]) =>
    model.events.set((prev) => {
      const bySeq = new Map(prev.map((e) => [e.seq, e]));
      for (const e of incoming) bySeq.set(e.seq, e);
      return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, EVENT_CAP);
    });

  const mergeStreams = (incoming: StreamStatus[]) =>
    model.streams.set((prev) => {
      const next = { ...prev };
      for (const s of incoming) next[streamKey(s.cameraId, s.profile)] = s;
      return next;
    });

  // Everything is (re)loaded whenever the link to the core opens, so a reconnect never leaves stale views.
  const loadSnapshot = async () => {
    const [info, session, site, hub, recent, guards, notices, video, streams] = await Promise.all([
      client.call('system.info'),
      client.call('session.current'),
      client.call('site.get'),
      client.call('hub.status'),
      client.call('events.recent', { limit: 200 }),
      client.call('guards.latest'),
      client.call('notices.recent'),
      client.call('streams.endpoint'),
      client.call('streams.list'),
    ]);
    model.video.set((prev) => (prev && prev.url === video.url && prev.token === video.token ? prev : video));
    mergeStreams(streams.streams);
    model.info.set(info);
    model.operator.set(session.operator);
    model.site.set(site);
    model.hub.set(hub);
    mergeEvents(recent.events);
    model.guards.set(Object.fromEntries(guards.positions.map((p) => [p.guardId, p])));
    model.notices.set(notices.notices);
  };

  const offs = [
    client.on('hub.status', (s) => model.hub.set(s)),
    client.on('hub.event', (e) => mergeEvents([e])),
    client.on('guards.positions', ({ positions }) =>
      model.guards.set((prev) => {
        const next = { ...prev };
        for (const p of positions) next[p.guardId] = p;
        return next;
      }),
    ),
    client.on('streams.status', ({ streams }) => mergeStreams(streams)),
    client.on('notice', (n) => model.notices.set((prev) => [...prev.slice(-49), n])),
    transport.onLink((state) => {
      model.link.set(state);
      if (state === 'open') {
        loadSnapshot().catch((err: Error) =>
          console.error(`loading the console state failed: ${err.message}`),
        );
      }
    }),
  ];
  model.dispose = () => offs.forEach((off) => off());
  return model;
}

export const ConsoleContext = createContext<ConsoleModel | null>(null);

export function useConsole(): ConsoleModel {
  const model = useContext(ConsoleContext);
  if (!model) throw new Error('useConsole outside <ConsoleContext.Provider>');
  return model;
}
