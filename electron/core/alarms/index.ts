import type { alarmMethods, AlarmView } from '../../../shared/contract';
import type { ResponseTargets } from '../../../shared/domain/alarm-lifecycle';
import { MESSAGES } from '../../../shared/i18n';
import { actorOf } from '../actor';
import { writeDutyLog } from '../duty';
import type { Feature, Infrastructure } from '../feature';
import { alarmMigrations } from './migration';
import { AlarmMute } from './mute';
import { AlarmService } from './service';

export { AlarmService, type IncomingAlarm, type ReceiveResult } from './service';
export { responseStatistics } from './stats';
export { alarmMigrations } from './migration';
export { storedAlarmText } from './rows';

export interface AlarmsOptions {
  /** Overrides the stored response targets (site configuration, drills, tests). */
  targets?: ResponseTargets | undefined;
  /** Changes reach renderers at most this often. */
  flushMs?: number | undefined;
}

/**
 * The alarm queue: receive (hub, engines, by hand), lifecycle, escalation, disaster mode, history, the mute.
 * Its tables are in the base schema (migration 2); migration 8 adds arrival order and steady-clock times.
 */
/**
 * At most this often, alarm changes reach the renderers while they keep coming (see scheduleFlush). At a steady
 * 200 alarms/s nearly every alarm waits for the next flush, so this is most of its way to the screen (at 100 ms the
 * pushed-to-page p99 was 122 ms of the 218 ms painted); since the page merges a batch into its ordered queue
 * instead of sorting it all again, twice as many smaller batches cost it less than the sorting did.
 */
export const ALARM_FLUSH_MS = 50;

export function createAlarms(
  infra: Infrastructure,
  o: AlarmsOptions = {},
): Feature<typeof alarmMethods, AlarmService> {
  const { db, clock, bus } = infra;
  // Changes reach renderers in batches: a burst of thousands must not flood the UI. The first change after a quiet
  // spell goes out at once (with whatever the same commit changed); while changes keep coming they go at most once
  // per `flushMs`. A fixed 200 ms interval instead held every alarm 100 ms on average before the page heard of it.
  const pending = new Map<string, AlarmView>();
  const flushMs = o.flushMs ?? ALARM_FLUSH_MS;
  let flushTimer: unknown;
  let lastFlush = -Infinity;
  let started = false;
  const flush = () => {
    flushTimer = undefined;
    if (pending.size === 0) return;
    lastFlush = clock.monotonic();
    bus.emit('alarms.changed', { alarms: [...pending.values()], steadyNow: alarms.steadyNow() });
    pending.clear();
  };
  const scheduleFlush = () => {
    if (!started || flushTimer !== undefined) return;
    const wait = Math.min(flushMs, Math.max(0, lastFlush + flushMs - clock.monotonic()));
    flushTimer = clock.setTimeout(flush, wait);
  };
  const alarms = new AlarmService({
    db,
    clock,
    timeline: infra.timeline,
    ids: infra.ids,
    log: infra.log.child('alarms'),
    consoleId: infra.consoleId,
    onChanged: (alarm) => {
      pending.set(alarm.id, alarm);
      scheduleFlush();
    },
    onEscalated: (alarm, at) => bus.emit('alarms.escalated', { alarm, at }),
    // A replay's overdue alarms: one notice in the operator's words instead of an escalation banner each.
    onWaited: (n, oldestMs) => {
      const params = { n, minutes: Math.max(1, Math.round(oldestMs / 60_000)) };
      const message = MESSAGES[infra.locale].notices.codes['alarms-waited'].replace(
        /\{\{(\w+)\}\}/g,
        (_, k: 'n' | 'minutes') => String(params[k]),
      );
      infra.notify('warning', 'alarms-waited', message, { params });
    },
    onDisaster: (mode) => bus.emit('alarms.disaster', mode),
    kickOutbox: infra.kickOutbox,
    targets: o.targets,
    dutyLog: async (trx, entry) => {
      await writeDutyLog(trx, { at: clock.now(), ...entry });
    },
  });
  const mute = new AlarmMute({ db, clock, timeline: infra.timeline, bus });
  let stopRetry: (() => void) | undefined;

  return {
    service: alarms,
    handlers: {
      'alarms.open': async () => {
        const { mutedUntil, mutedUntilSteady } = mute;
        return {
          alarms: await alarms.openAlarms(),
          targets: alarms.responseTargets,
          disaster: alarms.disasterMode,
          ...(mutedUntil !== undefined ? { mutedUntil, mutedUntilSteady } : {}),
          steadyNow: alarms.steadyNow(),
        };
      },
      'alarms.get': ({ id }) => alarms.get(id),
      'alarms.acknowledge': ({ id, note }, { session }) =>
        alarms.move(id, 'acknowledged', actorOf(session), note),
      'alarms.dispatch': ({ id, note }, { session }) => alarms.move(id, 'dispatched', actorOf(session), note),
      'alarms.onScene': ({ id, note }, { session }) => alarms.move(id, 'on_scene', actorOf(session), note),
      'alarms.resolve': ({ id, disposition, note }, { session }) =>
        alarms.resolve(id, disposition, note, actorOf(session)),
      'alarms.reopen': ({ id, reason }, { session }) => alarms.reopen(id, reason, actorOf(session)),
      'alarms.note': ({ id, text }, { session }) => alarms.note(id, text, actorOf(session)),
      'alarms.raise': (input, { session }) => alarms.raiseManual(input, actorOf(session)),
      'alarms.history': ({ filter, limit, before }) => alarms.history(filter, limit, before),
      'alarms.exportCsv': ({ filter }) => alarms.exportCsv(filter),
      'alarms.setDisasterMode': (input, { session }) => alarms.setDisasterMode(input, actorOf(session)),
      'alarms.mute': ({ reason, minutes }, { session }) => mute.mute(reason, minutes, actorOf(session)),
    },
    appliers: [alarms.hubApplier],
    migrations: alarmMigrations,
    async start() {
      await alarms.start();
      stopRetry = infra.disk.onRecovered(() => void alarms.storeUnsaved());
      started = true;
      scheduleFlush();
    },
    async stop() {
      started = false;
      clock.clearTimeout(flushTimer);
      flushTimer = undefined;
      stopRetry?.();
      alarms.stop();
    },
  };
}
