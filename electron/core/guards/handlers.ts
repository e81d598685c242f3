import type { AlarmView } from '../../../shared/contract';
import { centroid, type LatLon } from '../../../shared/domain/geo';
import type { SiteFile } from '../../../shared/domain/site';
import type { Actor } from '../actor';
import type { AlarmService } from '../alarms';
import type { Handlers, Session } from '../router/router';
import type { PatrolEngine } from './patrol';
import type { GuardService } from './service';

type GuardMethod =
  | 'guards.latest'
  | 'guards.track'
  | 'guards.suggest'
  | 'guards.dispatch'
  | 'guards.arrived'
  | 'guards.clearSos'
  | 'patrols.status';

export interface GuardHandlerDeps {
  guards: GuardService;
  patrols: PatrolEngine;
  alarms: AlarmService;
  site: SiteFile;
  actorOf(session: Session): Actor;
}

export function guardHandlers(d: GuardHandlerDeps): Pick<Handlers, GuardMethod> {
  /** Where to send guards: the alarm's own location, else the middle of its zone. */
  const targetOf = (alarm: AlarmView): LatLon | undefined => {
    if (alarm.location) return alarm.location;
    const zone = d.site.zones.find((z) => z.id === alarm.zone);
    return zone ? centroid(zone.polygon) : undefined;
  };
  return {
    'guards.latest': () => ({
      guards: d.guards.views(),
      thresholds: { staleMs: d.guards.settings.staleMs, offlineMs: d.guards.settings.offlineMs },
    }),
    'guards.track': ({ guardId, from, to }) => d.guards.track(guardId, from, to),
    'guards.suggest': async ({ alarmId }) => {
      const { alarm } = await d.alarms.get(alarmId);
      const target = targetOf(alarm);
      return { ...(target ? { target } : {}), candidates: d.guards.suggest(alarm, target) };
    },
    'guards.dispatch': async ({ alarmId, guardId, note }, { session }) => {
      const { alarm } = await d.alarms.get(alarmId);
      return d.guards.dispatch(alarmId, guardId, note, d.actorOf(session), targetOf(alarm));
    },
    'guards.arrived': ({ alarmId, guardId }, { session }) =>
      d.guards.confirmArrival(alarmId, guardId, d.actorOf(session)),
    'guards.clearSos': ({ guardId, note }, { session }) =>
      d.guards.clearSos(guardId, note, d.actorOf(session)),
    'patrols.status': () => ({ routes: d.patrols.status() }),
  };
}
