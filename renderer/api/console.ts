import { createContext, useContext } from 'react';
import {
  type AlarmView,
  type DisasterMode,
  createClient,
  type ConsoleClient,
  type GuardView,
  type PatrolRouteView,
  type HubStatus,
  type Notice,
  type OperatorView,
  type SiteView,
  type StoredHubEvent,
  type StreamStatus,
  type SystemInfo,
  type ShiftView,
} from '../../shared/contract';
import { DEFAULT_GUARD_THRESHOLDS, type GuardThresholds } from '../../shared/domain/guards';
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
  /** Every guard of the site by id, with duty and last position. */
  guards: Store<Record<string, GuardView>>;
  /** When a guard's position counts as stale / offline (the site's settings). */
  guardThresholds: Store<GuardThresholds>;
  /** Patrol rounds by route id. */
  patrols: Store<Record<string, PatrolRouteView>>;
  notices: Store<Notice[]>;
  /** Stream health by `cameraId/profile`. */
  streams: Store<Record<string, StreamStatus>>;
  /** Open alarms by id (resolved ones leave the map). */
  alarms: Store<Record<string, AlarmView>>;
  alarmMeta: Store<{
    targets: { acknowledgeSec: Record<string, number>; resolveSec: Record<string, number> };
    disaster: DisasterMode;
    mutedUntil?: number | undefined;
  } | null>;
  /** Alarms escalated and still unacknowledged: the banner. */
  escalations: Store<Record<string, AlarmView>>;
  /** The alarm the operator has opened (its detail shows in the incident panel). */
  selectedAlarm: Store<string | null>;
  /** Where the video gateway is (loopback WebSocket + token). */
  video: Store<{ url: string; token: string } | null>;
  /** First start and lock-screen settings; known before anyone signs in. */
  auth: Store<{ needsSetup: boolean; lockAfterMin: number } | null>;
  /** The open shift and who is on duty. */
  shift: Store<ShiftView | null>;
  /** The screen lock: the session stays signed in (alarms keep coming), the console is covered. */
  locked: Store<boolean>;
  /** After sign-in, first start, switch or handover: remember the window, load everything. */
  signedIn(result: { operator: OperatorView; resumeToken: string }): Promise<void>;
  signedOut(): void;
  dispose(): void;
}

const RESUME_KEY = 'console.resume';
const LOCKED_KEY = 'console.locked';
/** Per tab (sessionStorage): a reload signs the same operator back in, a new browser does not. */
const stored = {
  get: (key: string) => {
    try {
      return window.sessionStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set: (key: string, value: string | null) => {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch {
      // Storage can be unavailable (private mode): the window then asks for a sign-in after a reload.
    }
  },
};

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
    guards: createStore<Record<string, GuardView>>({}),
    guardThresholds: createStore<GuardThresholds>(DEFAULT_GUARD_THRESHOLDS),
    patrols: createStore<Record<string, PatrolRouteView>>({}),
    notices: createStore<Notice[]>([]),
    streams: createStore<Record<string, StreamStatus>>({}),
    alarms: createStore<Record<string, AlarmView>>({}),
    alarmMeta: createStore<ConsoleModel['alarmMeta'] extends Store<infer T> ? T : never>(null),
    escalations: createStore<Record<string, AlarmView>>({}),
    selectedAlarm: createStore<string | null>(null),
    video: createStore<{ url: string; token: string } | null>(null),
    auth: createStore<{ needsSetup: boolean; lockAfterMin: number } | null>(null),
    shift: createStore<ShiftView | null>(null),
    locked: createStore<boolean>(stored.get(LOCKED_KEY) === '1'),
    signedIn: async () => undefined,
    signedOut: () => undefined,
    dispose: () => undefined,
  };

  const mergeEvents = (incoming: StoredHubEvent[]) =>
    model.events.set((prev) => {
      const bySeq = new Map(prev.map((e) => [e.seq, e]));
      for (const e of incoming) bySeq.set(e.seq, e);
      return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, EVENT_CAP);
    });

  const mergeAlarms = (incoming: AlarmView[], replace = false) => {
    model.alarms.set((prev) => {
      const next = replace ? {} : { ...prev };
      for (const a of incoming) {
        if (a.state === 'resolved') delete next[a.id];
        else next[a.id] = a;
      }
      return next;
    });
    model.escalations.set((prev) => {
      const next = replace ? {} : { ...prev };
      for (const a of incoming) {
        if (a.escalatedAt && a.state === 'new') next[a.id] = a;
        else delete next[a.id];
      }
      return next;
    });
  };

  const mergeStreams = (incoming: StreamStatus[]) =>
    model.streams.set((prev) => {
      const next = { ...prev };
      for (const s of incoming) next[streamKey(s.cameraId, s.profile)] = s;
      return next;
    });

  // Everything is (re)loaded whenever the link to the core opens, so a reconnect never leaves stale views.
  // A new connection is signed out: the tab's resume token signs it back in before anything else loads.
  const loadSnapshot = async () => {
    const [info, auth] = await Promise.all([client.call('system.info'), client.call('auth.status')]);
    model.info.set(info);
    model.auth.set(auth);
    const token = stored.get(RESUME_KEY);
    if (token) {
      const resumed = await client.invoke('auth.resume', { token });
      if (!resumed.ok) stored.set(RESUME_KEY, null);
    }
    const { operator } = await client.call('session.current');
    model.operator.set(operator);
    if (!operator) return;
    await loadOperatorData();
  };
  const loadOperatorData = async () => {
    const [session, site, hub, recent, guards, notices, video, streams, open, shift, patrols] =
      await Promise.all([
        client.call('session.current'),
        client.call('site.get'),
        client.call('hub.status'),
        client.call('events.recent', { limit: 200 }),
        client.call('guards.latest'),
        client.call('notices.recent'),
        client.call('streams.endpoint'),
        client.call('streams.list'),
        client.call('alarms.open'),
        client.call('shift.current'),
        client.call('patrols.status'),
      ]);
    model.shift.set(shift);
    mergeAlarms(open.alarms, true);
    model.alarmMeta.set({ targets: open.targets, disaster: open.disaster, mutedUntil: open.mutedUntil });
    model.video.set((prev) => (prev && prev.url === video.url && prev.token === video.token ? prev : video));
    mergeStreams(streams.streams);
    model.operator.set(session.operator);
    model.site.set(site);
    model.hub.set(hub);
    mergeEvents(recent.events);
    model.guards.set(Object.fromEntries(guards.guards.map((g) => [g.guardId, g])));
    model.guardThresholds.set(guards.thresholds);
    model.patrols.set(Object.fromEntries(patrols.routes.map((r) => [r.routeId, r])));
    model.notices.set(notices.notices);
  };

  const offs = [
    client.on('hub.status', (s) => model.hub.set(s)),
    client.on('hub.event', (e) => mergeEvents([e])),
    client.on('guards.changed', ({ guards }) =>
      model.guards.set((prev) => {
        const next = { ...prev };
        for (const g of guards) next[g.guardId] = g;
        return next;
      }),
    ),
    client.on('patrols.changed', ({ routes }) =>
      model.patrols.set((prev) => {
        const next = { ...prev };
        for (const r of routes) next[r.routeId] = r;
        return next;
      }),
    ),
    client.on('streams.status', ({ streams }) => mergeStreams(streams)),
    client.on('site.cameras', ({ cameras }) =>
      model.site.set((prev) => (prev ? { ...prev, cameras } : prev)),
    ),
    client.on('alarms.changed', ({ alarms }) => mergeAlarms(alarms)),
    client.on('alarms.escalated', ({ alarm }) => mergeAlarms([alarm])),
    client.on('alarms.disaster', (disaster) =>
      model.alarmMeta.set((prev) => (prev ? { ...prev, disaster } : prev)),
    ),
    client.on('alarms.muted', ({ until }) =>
      model.alarmMeta.set((prev) => (prev ? { ...prev, mutedUntil: until } : prev)),
    ),
    client.on('notice', (n) => model.notices.set((prev) => [...prev.slice(-49), n])),
    client.on('shift.changed', (shift) => model.shift.set(shift)),
    model.locked.subscribe(() => stored.set(LOCKED_KEY, model.locked.get() ? '1' : null)),
    transport.onLink((state) => {
      model.link.set(state);
      if (state === 'open') {
        loadSnapshot().catch((err: Error) =>
          console.error(`loading the console state failed: ${err.message}`),
        );
      }
    }),
  ];
  model.signedIn = async ({ operator, resumeToken }) => {
    stored.set(RESUME_KEY, resumeToken);
    model.locked.set(false);
    model.operator.set(operator);
    model.auth.set((prev) => (prev ? { ...prev, needsSetup: false } : prev));
    await loadOperatorData();
  };
  model.signedOut = () => {
    stored.set(RESUME_KEY, null);
    model.locked.set(false);
    model.operator.set(null);
    model.alarms.set({});
    model.escalations.set({});
    model.selectedAlarm.set(null);
  };
  model.dispose = () => offs.forEach((off) => off());
  return model;
}

export const ConsoleContext = createContext<ConsoleModel | null>(null);

export function useConsole(): ConsoleModel {
  const model = useContext(ConsoleContext);
  if (!model) throw new Error('useConsole outside <ConsoleContext.Provider>');
  return model;
}
