import {
  Density,
  MapLayers,
  PaneSetup,
  WallSetup,
  type ConsoleClient,
  type PrefEntry,
} from '../../../shared/contract';
import { LOCALES, type Locale } from '../../../shared/domain/text';
import { createStore, featureContext, type Store } from '../../api/store';

/** The signed-in operator's preferences (a failed read leaves the defaults). */
export interface Prefs {
  /** How many times they were read since sign-in (0: not yet); a new read (another operator) is a new count. */
  reads: number;
  locale?: Locale | undefined;
  wall?: WallSetup | undefined;
  mapLayers: MapLayers;
  /** Unset: the default for the window's size applies. */
  density?: Density | undefined;
  panes?: PaneSetup | undefined;
}

const ALL_LAYERS_ON: MapLayers = MapLayers.parse({});
const EMPTY: Prefs = { reads: 0, mapLayers: ALL_LAYERS_ON };

/** What the operator chose (language, wall, map layers, density, panes) follows them to any console. */
export interface PrefsStore {
  prefs: Store<Prefs>;
  /**
   * Shows the choice at once and stores it, after `delayMs` of quiet (a wall being rearranged). Before the
   * stored preferences are read it is only shown: storing it would overwrite them, and the read replaces it.
   */
  save(entry: PrefEntry, delayMs?: number): void;
  load(): Promise<void>;
  reset(): void;
  dispose(): void;
}

export function createPrefsStore(client: ConsoleClient): PrefsStore {
  const prefs = createStore<Prefs>(EMPTY);
  const timers = new Map<PrefEntry['key'], number>();
  // A preference that cannot be read or stored is not worth an alarm: the defaults stand.
  const read = (key: PrefEntry['key']) =>
    client.call('prefs.get', { key }).then(
      ({ value }) => value,
      () => null,
    );
  const store = (entry: PrefEntry) => void client.call('prefs.set', entry).catch(() => undefined);
  return {
    prefs,
    save(entry, delayMs = 0) {
      prefs.set((prev) => ({ ...prev, [entry.key]: entry.value }));
      clearTimeout(timers.get(entry.key));
      if (prefs.get().reads === 0) return;
      if (delayMs === 0) store(entry);
      else
        timers.set(
          entry.key,
          setTimeout(() => store(entry), delayMs),
        );
    },
    async load() {
      const [locale, wall, layers, density, panes] = await Promise.all([
        read('locale'),
        read('wall'),
        read('mapLayers'),
        read('density'),
        read('panes'),
      ]);
      const parsedWall = WallSetup.safeParse(wall);
      const parsedLayers = MapLayers.safeParse(layers ?? {});
      const parsedDensity = Density.safeParse(density);
      const parsedPanes = PaneSetup.safeParse(panes);
      prefs.set((prev) => ({
        reads: prev.reads + 1,
        locale: (LOCALES as readonly unknown[]).includes(locale) ? (locale as Locale) : undefined,
        wall: parsedWall.success ? parsedWall.data : undefined,
        mapLayers: parsedLayers.success ? parsedLayers.data : ALL_LAYERS_ON,
        density: parsedDensity.success ? parsedDensity.data : undefined,
        panes: parsedPanes.success ? parsedPanes.data : undefined,
      }));
    },
    reset: () => prefs.set(EMPTY),
    dispose: () => timers.forEach((t) => clearTimeout(t)),
  };
}

export const [PrefsContext, usePrefs] = featureContext<PrefsStore>('prefs');
