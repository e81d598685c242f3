import type { AlarmView, guardMethods } from '../../../shared/contract';
import { centroid, type LatLon } from '../../../shared/domain/geo';
import type { SiteFile } from '../../../shared/domain/site';
import { actorOf, type Actor } from '../actor';
import type { AlarmService } from '../alarms';
import type { FeatureHandlers } from '../router/router';
import type { PatrolEngine } from './patrol';
import type { GuardService } from './service';

export interface GuardHandlerDeps {
  guards: GuardService;
  patrols: PatrolEngine;
  alarms: AlarmService;
  site: SiteFile;
}

/** Where to send guards: the alarm's own location, else the middle of its zone. */
function targetOf(site: SiteFile, alarm: AlarmView): LatLon | undefined {
  if (alarm.location) return alarm.location;
  const zone = site.zones.find((z) => z.id === alarm.zone);
  return zone ? centroid(zone.polygon) : undefined;
}

/** Sends a guard to an alarm's location on behalf of an operator: guards.dispatch and a playbook's dispatch step. */
export async function dispatchGuard(
  d: GuardHandlerDeps,
  alarmId: string,
  guardId: string,
  note: string | undefined,
  actor: Actor,
) {
  const { alarm } = await d.alarms.get(alarmId);
  return d.guards.dispatch(alarmId, guardId, note, actor, targetOf(d.site, alarm));
}

export function guardHandlers(d: GuardHandlerDeps): FeatureHandlers<typeof guardMethods> {
  return {
    'guards.latest': () => ({
      guards: d.guards.views(),
      thresholds: { staleMs: d.guards.settings.staleMs, offlineMs: d.guards.settings.offlineMs },
    }),
    'guards.track': ({ guardId, from, to, flagged }) => d.guards.track(guardId, from, to, flagged),
    'guards.suggest': async ({ alarmId }) => {
      const { alarm } = await d.alarms.get(alarmId);
      const target = targetOf(d.site, alarm);
      return { ...(target ? { target } : {}), candidates: d.guards.suggest(alarm, target) };
    },
    'guards.dispatch': ({ alarmId, guardId, note }, { session }) =>
      dispatchGuard(d, alarmId, guardId, note, actorOf(session)),
    'guards.arrived': ({ alarmId, guardId }, { session }) =>
      d.guards.confirmArrival(alarmId, guardId, actorOf(session)),
    'guards.clearSos': ({ guardId, note }, { session }) => d.guards.clearSos(guardId, note, actorOf(session)),
    'guards.devices': () => ({ devices: d.guards.listDevices() }),
    'guards.issueDevice': ({ guardId, label }, { session }) =>
      d.guards.issueDevice(guardId, label, actorOf(session)),
    'guards.revokeDevice': async ({ id }, { session }) => {
      await d.guards.revokeDevice(id, actorOf(session));
      return { done: true as const };
    },
    'patrols.status': () => ({ routes: d.patrols.status() }),
  };
}
