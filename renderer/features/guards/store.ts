import type { AlarmView, ConsoleClient, GuardView, PatrolRouteView } from '../../../shared/contract';
import { DEFAULT_GUARD_THRESHOLDS, type GuardThresholds } from '../../../shared/domain/guards';
import { createStore, featureContext, type Store } from '../../api/store';

/** A view of a guard older than the one held: his duty changed earlier, or his position is older. */
export function guardBehind(incoming: GuardView, held: GuardView): boolean {
  return (
    incoming.since < held.since ||
    (incoming.since === held.since && (incoming.last?.at ?? 0) < (held.last?.at ?? 0))
  );
}

/** The site's guards live (duty, last position) and the patrol rounds. */
export interface GuardsStore {
  /** Every guard of the site by id, with duty and last position. */
  guards: Store<Record<string, GuardView>>;
  /** When a guard's position counts as stale / offline (the site's settings). */
  thresholds: Store<GuardThresholds>;
  /** Patrol rounds by route id. */
  patrols: Store<Record<string, PatrolRouteView>>;
  /** Sends a guard to an alarm; the guard and the alarm in the reply show at once. */
  dispatch(alarmId: string, guardId: string): Promise<void>;
  arrived(alarmId: string, guardId: string): Promise<void>;
  clearSos(guardId: string, note: string): Promise<void>;
  load(): Promise<void>;
  dispose(): void;
}

export function createGuardsStore(
  client: ConsoleClient,
  deps: { onAlarm(view: AlarmView): void },
): GuardsStore {
  const guards = createStore<Record<string, GuardView>>({});
  const patrols = createStore<Record<string, PatrolRouteView>>({});
  const thresholds = createStore<GuardThresholds>(DEFAULT_GUARD_THRESHOLDS);
  const mergeGuards = (incoming: GuardView[]) =>
    guards.set((prev) => {
      let next: Record<string, GuardView> | undefined;
      for (const g of incoming) {
        const held = prev[g.guardId];
        if (held && guardBehind(g, held)) continue;
        next ??= { ...prev };
        next[g.guardId] = g;
      }
      return next ?? prev;
    });
  const offs = [
    client.on('guards.changed', ({ guards: g }) => mergeGuards(g)),
    client.on('patrols.changed', ({ routes }) =>
      patrols.set((prev) => {
        const next = { ...prev };
        for (const r of routes) next[r.routeId] = r;
        return next;
      }),
    ),
  ];
  return {
    guards,
    thresholds,
    patrols,
    async dispatch(alarmId, guardId) {
      const { alarm, guard } = await client.call('guards.dispatch', { alarmId, guardId });
      mergeGuards([guard]);
      deps.onAlarm(alarm);
    },
    async arrived(alarmId, guardId) {
      const { alarm, guard } = await client.call('guards.arrived', { alarmId, guardId });
      mergeGuards([guard]);
      deps.onAlarm(alarm);
    },
    async clearSos(guardId, note) {
      mergeGuards([await client.call('guards.clearSos', { guardId, note })]);
    },
    async load() {
      const [latest, status] = await Promise.all([
        client.call('guards.latest'),
        client.call('patrols.status'),
      ]);
      guards.set(Object.fromEntries(latest.guards.map((g) => [g.guardId, g])));
      thresholds.set(latest.thresholds);
      patrols.set(Object.fromEntries(status.routes.map((r) => [r.routeId, r])));
    },
    dispose: () => offs.forEach((off) => off()),
  };
}

export const [GuardsContext, useGuards] = featureContext<GuardsStore>('guards');
