import { fill } from '../../../shared/i18n/notices';
import type { Knex } from 'knex';
import {
  MAX_LIVE_CHANGES,
  type AlarmView,
  type FacilityLiveChange,
  type facilityMethods,
  type StoredHubEvent,
} from '../../../shared/contract';
import type { AlarmType } from '../../../shared/domain/alarm';
import { pickText } from '../../../shared/domain/text';
import { MESSAGES } from '../../../shared/i18n';
import { actorOf, type Actor } from '../actor';
import type { AlarmService } from '../alarms';
import type { CamerasService } from '../cameras';
import { ServiceError } from '../errors';
import type { Feature, Infrastructure } from '../feature';
import type { InboxApplier } from '../hub-link/inbox';
import { previewImport } from './import';
import { Ledger } from './ledger';
import { facilitiesMigration } from './migration';
import { Maintenance } from './maintenance';
import { Rounds } from './rounds';
import { roundsMigration } from './rounds-migration';
import { saveSnapshot } from '../streams/snapshot';
import { FAULT_SEVERITY, Work } from './work';
import { join } from 'node:path';

export { previewImport, IMPORT_COLUMNS } from './import';
export { parseCsv } from '../util/sheet';
export { FAULT_SEVERITY } from './work';

export const facilityMigrations = [facilitiesMigration, roundsMigration] as const;

export interface FacilitiesService {
  ledger: Ledger;
  work: Work;
  /** Video rounds and inspections at the desk, and their due list. */
  rounds: Rounds;
  /** The maintenance schedule and its reminders. */
  maintenance: Maintenance;
  /** Orders and hazards past their deadline: each told to the supervisor once (the timer calls it too). */
  escalate(): Promise<number>;
  /** Unfinished orders and open hazards, for the handover's carry-over list. */
  carryOver: Work['carryOver'];
  /** Settles what the alarm watcher is doing (tests wait for it). */
  idle(): Promise<void>;
}

export interface FacilitiesOptions {
  alarms: AlarmService;
  cameras: Pick<CamerasService, 'list'>;
  /** Deadlines are checked this often (default 30 s). */
  checkEveryMs?: number | undefined;
  /** The embedded demo site: the register starts with a hazard being rectified, to show how one is kept. */
  demo?: boolean | undefined;
}

const OFFLINE_TYPES: readonly AlarmType[] = ['camera_offline', 'device_offline'];
/** What one fault alarm did: an order opened or closed, a ledger entry made, devices' new states. */
interface AlarmApplied {
  orders: boolean;
  created: boolean;
  live: FacilityLiveChange[];
}

/** How long live-state changes gather before open pages get them (a row's state is at most this late). */
const LIVE_FLUSH_MS = 100;

/**
 * Facilities (issue 18): the facility ledger (设施台账) with its devices' live states, work orders (报修工单)
 * opened from device faults (one per device), by hand or from an alarm, and the hazard register (隐患台账). Their
 * deadlines escalate once; what is unfinished carries over at the handover.
 */
export function createFacilities(
  infra: Infrastructure,
  o: FacilitiesOptions,
): Feature<typeof facilityMethods, FacilitiesService> {
  const { db, clock, bus, site } = infra;
  const log = infra.log.child('facilities');
  const ledger = new Ledger({ db, clock, ids: infra.ids, site });
  const changed = (what: 'ledger' | 'orders' | 'hazards' | 'rounds') =>
    bus.emit('facilities.changed', { what: [what] });
  const work = new Work({
    db,
    clock,
    ids: infra.ids,
    site,
    changed,
    overdue: (kind, number, title, zone, id) => {
      const params = { number, title };
      const code = kind === 'order' ? 'facilities-order-overdue' : 'facilities-hazard-overdue';
      infra.notify('warning', code, fill(MESSAGES[infra.locale].notices.codes[code], params), { params });
      // An alarm as well, as the console raises its own (the visitor overstay): it waits in the queue until a
      // supervisor acknowledges it; its source id keeps it one per order or hazard, even over a restart.
      const texts = {
        'zh-CN': fill(MESSAGES['zh-CN'].notices.codes[code], params),
        // The title is as people wrote it (Chinese): the English names the number alone.
        en:
          kind === 'order'
            ? `work order ${number} past its due time`
            : `hazard ${number} past its rectification deadline`,
      };
      queue('overdue alarm', () =>
        db.transaction((trx) =>
          o.alarms.receive(trx, {
            source: 'engine',
            sourceId: `facilities-overdue:${kind}:${id}`,
            deviceId: `${kind}:${number}`,
            type: 'facility_overdue',
            zone,
            cameras: [],
            raisedAt: clock.now(),
            text: texts.en,
            texts,
          }),
        ),
      );
    },
  });
  const rounds = new Rounds({
    db,
    clock,
    ids: infra.ids,
    site,
    work,
    cameras: () => o.cameras.list(),
    saveStill: (cameraId, png, at) => {
      try {
        return saveSnapshot(join(infra.dataDir, 'snapshots'), cameraId, 'round', png, at, infra.disk).file;
      } catch (err) {
        // No still (the disk is full, not a picture): the time and the camera still find the recording.
        log.warn('round still not kept', { cameraId, error: (err as Error).message });
        return undefined;
      }
    },
    changed,
  });
  const maintenance = new Maintenance({
    db,
    clock,
    site,
    changed,
    remind: (count, codes) => {
      const params = { count, codes: codes.join(' ') };
      const code = 'facilities-maintenance-due';
      infra.notify('info', code, fill(MESSAGES[infra.locale].notices.codes[code], params), { params });
    },
  });
  let pending: Promise<void> = Promise.resolve();
  // Stopped: the database is about to close; the hub link and the gateway, stopped later, may still report.
  let stopped = false;
  const queue = (what: string, job: () => Promise<unknown>) => {
    if (stopped) return;
    pending = pending.then(job).then(
      () => undefined,
      (err: Error) => log.error(`${what} failed`, { error: err.message }),
    );
  };

  /**
   * A linked device's new state reaches open pages as a delta, gathered for LIVE_FLUSH_MS: 5,000 devices at 50
   * changes a second would otherwise make every open ledger read itself whole (with each entry's availability)
   * twice a second. A new entry, an order or anything else still says "read again" through `changed`.
   */
  const liveWaiting = new Map<string, FacilityLiveChange>();
  let liveTimer: unknown;
  const flushLive = () => {
    liveTimer = undefined;
    const states = [...liveWaiting.values()];
    liveWaiting.clear();
    for (let i = 0; i < states.length; i += MAX_LIVE_CHANGES)
      bus.emit('facilities.changed', { what: [], states: states.slice(i, i + MAX_LIVE_CHANGES) });
  };
  const liveChanged = (change: FacilityLiveChange) => {
    liveWaiting.set(change.deviceId, change);
    liveTimer ??= clock.setTimeout(flushLive, LIVE_FLUSH_MS);
  };
  const liveText = (text: string | undefined) => (text ? { text: text.slice(0, 200) } : {});

  const watched = (alarm: AlarmView): alarm is AlarmView & { deviceId: string } =>
    !!alarm.deviceId && alarm.type in FAULT_SEVERITY && !alarm.drill;

  /**
   * What an alarm of a failing device means for its order: opened (once), or offered to close. Whether anything
   * changed for the ledger or the orders.
   */
  const alarmChanged = async (
    trx: Knex.Transaction,
    alarm: AlarmView & { deviceId: string },
  ): Promise<AlarmApplied> => {
    const type = alarm.type;
    const deviceId = alarm.deviceId;
    const applied: AlarmApplied = { orders: false, created: false, live: [] };
    if (alarm.restoredAt !== undefined) {
      if (await ledger.recordState(trx, deviceId, 'ok', alarm.restoredAt))
        applied.live.push({ deviceId, state: 'ok', at: alarm.restoredAt });
      if (await work.deviceRecovered(trx, deviceId, alarm.restoredAt)) applied.orders = true;
      return applied;
    }
    if (alarm.state === 'resolved') return applied;
    const state = OFFLINE_TYPES.includes(type) ? 'offline' : 'fault';
    if (await ledger.recordState(trx, deviceId, state, alarm.lastSeenAt, alarm.text))
      applied.live.push({ deviceId, state, at: alarm.lastSeenAt, ...liveText(alarm.text) });
    // An order already finished for this alarm stands until the alarm fires again after it.
    const finished = (await trx('work_orders')
      .where({ alarm_id: alarm.id })
      .whereIn('state', ['verified', 'refused'])
      .max({ at: 'updated_at' })
      .first()) as { at: number | null } | undefined;
    if (finished?.at !== null && finished?.at !== undefined && finished.at >= alarm.lastSeenAt)
      return applied;
    // The equipment's name for the device (a transmitter's 部件说明), when the alarm is the first word of it.
    const described = alarm.origin?.fields.description;
    const entry = await ledger.ensureDevice(trx, {
      deviceId,
      zone: alarm.zone,
      kind: kindOfAlarm(type),
      label: typeof described === 'string' ? described : undefined,
    });
    if (entry.created) applied.created = true;
    // Named by the alarm's type, not the equipment's own words (codes, addresses): those stay in the alarm.
    // A device known only by its id is named by its zone in the order (ids are not words in either language).
    const named = entry.name !== deviceId.slice(0, 80);
    const title = [named ? entry.name : undefined, MESSAGES['zh-CN'].alarmType[type]]
      .filter(Boolean)
      .join('：');
    const titleEn = `${MESSAGES.en.alarmType[type]} (${entry.code})`;
    const { created } = await work.deviceFailed(trx, {
      titleEn,
      deviceId,
      entryId: entry.id,
      type,
      alarmId: alarm.id,
      zone: alarm.zone ?? entry.zone ?? undefined,
      title,
    });
    if (created) applied.orders = true;
    return applied;
  };

  /**
   * Fault alarms wait here, the latest view of each, and are applied together in one transaction once the alarms
   * have gone quiet for half a second (at most 5 s after the first): a storm of device faults (a bus fault trips a
   * whole loop) is the alarm path's time first, and the orders follow it. Each alarm applied at once in a
   * transaction of its own took the one database connection from the hub link: the 10,000-alarm burst's console
   * waited 12 s of 17 on them.
   */
  const SETTLE_MS = 500;
  const MAX_WAIT_MS = 5000;
  const waitingAlarms = new Map<string, AlarmView & { deviceId: string }>();
  let settleTimer: unknown;
  let firstWaitingAt = 0;
  const applyWaiting = async () => {
    const batch = [...waitingAlarms.values()];
    waitingAlarms.clear();
    const all: AlarmApplied = { orders: false, created: false, live: [] };
    await db.transaction(async (trx) => {
      for (const alarm of batch) {
        // Each in its own savepoint: one alarm that cannot be applied leaves the others' orders standing.
        try {
          const one = await trx.transaction((sp) => alarmChanged(sp, alarm));
          all.orders ||= one.orders;
          all.created ||= one.created;
          all.live.push(...one.live);
        } catch (err) {
          log.error('work order from an alarm failed', { alarmId: alarm.id, error: (err as Error).message });
        }
      }
    });
    // Pages read the orders again (and the ledger only for a new entry); states go on their rows as deltas.
    if (all.orders) changed('orders');
    if (all.created) changed('ledger');
    for (const change of all.live) liveChanged(change);
  };
  const flushWaiting = () => {
    clock.clearTimeout(settleTimer);
    settleTimer = undefined;
    queue('work orders from alarms', applyWaiting);
  };
  o.alarms.watch((alarm) => {
    if (!watched(alarm)) return;
    waitingAlarms.set(alarm.id, alarm);
    const now = clock.now();
    if (settleTimer === undefined) firstWaitingAt = now;
    else clock.clearTimeout(settleTimer);
    settleTimer = clock.setTimeout(
      flushWaiting,
      Math.max(0, Math.min(SETTLE_MS, firstWaitingAt + MAX_WAIT_MS - now)),
    );
  });

  /** Devices the hub reports join the ledger; their state changes are kept for availability. */
  const hubApplier: InboxApplier = async (trx, event: StoredHubEvent) => {
    if (event.kind === 'device') {
      const d = event.data;
      const entry = await ledger.ensureDevice(trx, {
        deviceId: d.deviceId,
        kind: d.kind,
        zone: d.zone,
        label: d.label,
      });
      const text = d.texts?.['zh-CN'] ?? d.text;
      const moved = await ledger.recordState(trx, d.deviceId, d.state, d.at, text);
      if (d.state === 'ok') await work.deviceRecovered(trx, d.deviceId, d.at);
      if (moved)
        trx.executionPromise.then(
          () =>
            entry.created
              ? changed('ledger')
              : liveChanged({ deviceId: d.deviceId, state: d.state, at: d.at, ...liveText(text) }),
          () => undefined,
        );
    } else if (event.kind === 'restore' && event.data.type in FAULT_SEVERITY) {
      await ledger.recordState(trx, event.data.deviceId, 'ok', event.data.at);
    }
  };

  // A camera's picture is its state: live is working, offline is not (connecting and stalls are passing). The
  // gateway reports every stream every few seconds: only a change reaches the database.
  const cameraStates = new Map<string, 'ok' | 'offline'>();
  bus.on('streams.status', ({ streams }) => {
    for (const s of streams) {
      if (s.state !== 'live' && s.state !== 'offline') continue;
      const state = s.state === 'live' ? 'ok' : 'offline';
      if (cameraStates.get(s.cameraId) === state) continue;
      cameraStates.set(s.cameraId, state);
      queue('camera state', async () => {
        if (await ledger.recordState(db, `camera:${s.cameraId}`, state, s.since))
          liveChanged({ deviceId: `camera:${s.cameraId}`, state, at: s.since });
      });
    }
  });

  let timer: unknown;
  const entryOf = async (entryId: string | undefined) => {
    if (!entryId) return undefined;
    const entry = await ledger.get(entryId);
    if (!entry) throw new ServiceError('not_found', `There is no ledger entry "${entryId}".`);
    return entry;
  };
  const openManual = async (
    input: {
      title: string;
      severity: 'urgent' | 'high' | 'normal' | 'low';
      entryId?: string | undefined;
      zone?: string | undefined;
      note?: string | undefined;
    },
    actor: Actor,
  ) => {
    const entry = await entryOf(input.entryId);
    return work.openManual(input, actor, entry && { deviceId: entry.device_id, zone: entry.zone });
  };
  const zones = () => new Set(site.zones.map((z) => z.id));

  const service: FacilitiesService = {
    ledger,
    work,
    rounds,
    maintenance,
    escalate: () => work.escalate(),
    carryOver: () => work.carryOver(),
    idle: async () => {
      if (settleTimer !== undefined) flushWaiting();
      let last: Promise<void> | undefined;
      while (last !== pending) {
        last = pending;
        await pending;
      }
    },
  };

  return {
    service,
    handlers: {
      'facilities.list': async () => ({
        entries: await ledger.views(),
        maintainers: await ledger.maintainers(),
      }),
      'facilities.save': async (input) => {
        if (input.zone && !zones().has(input.zone))
          throw new ServiceError('invalid_input', `There is no zone "${input.zone}".`);
        const row = await ledger.save(input, 'manual');
        changed('ledger');
        const views = await ledger.views();
        return views.find((v) => v.id === row.id)!;
      },
      'facilities.importPreview': ({ format, data }) =>
        previewImport(format, Buffer.from(data, 'base64'), zones()),
      'facilities.import': async ({ format, data }) => {
        const preview = await previewImport(format, Buffer.from(data, 'base64'), zones());
        // Every row or none: a file with any wrong row imports nothing.
        if (preview.refusal || preview.invalid > 0 || preview.valid === 0) return { imported: 0, preview };
        await db.transaction(async (trx) => {
          for (const row of preview.rows) await ledger.save(row.entry!, 'import', trx);
        });
        changed('ledger');
        return { imported: preview.valid, preview };
      },
      'workOrders.list': async () => ({ orders: await work.orders() }),
      'workOrders.open': (input, { session }) => openManual(input, actorOf(session)),
      'workOrders.fromAlarm': async ({ alarmId }, { session }) => {
        const { alarm } = await o.alarms.get(alarmId);
        const entry = alarm.deviceId ? await ledger.byDevice(alarm.deviceId) : undefined;
        const what = MESSAGES['zh-CN'].alarmType[alarm.type];
        return work.fromAlarm(
          {
            id: alarm.id,
            type: alarm.type,
            deviceId: alarm.deviceId,
            zone: alarm.zone,
            title: [entry && entry.name !== entry.device_id ? entry.name : undefined, what]
              .filter(Boolean)
              .join('：'),
            titleEn: `${MESSAGES.en.alarmType[alarm.type]}${entry ? ` (${entry.code})` : ''}`,
          },
          entry?.id,
          actorOf(session),
        );
      },
      'workOrders.act': ({ id, action, assignee, note }, { session }) =>
        work.actOnOrder(id, action, actorOf(session), { assignee, note }),
      'hazards.list': async () => ({ hazards: await work.hazards() }),
      'hazards.report': (input, { session }) => work.report(input, actorOf(session)),
      'hazards.act': ({ id, action, plan, owner, deadline, note }, { session }) =>
        work.actOnHazard(id, action, actorOf(session), { plan, owner, deadline, note }),
      'hazards.rate': ({ from, to }) => work.rate(from, to),
      'rounds.due': () => rounds.due(),
      'rounds.start': ({ roundId }, { session }) => rounds.start(roundId, actorOf(session)),
      'rounds.get': ({ runId }) => rounds.get(runId),
      'rounds.mark': (input, { session }) => rounds.mark(input, actorOf(session)),
      'rounds.finish': ({ runId }, { session }) => rounds.finish(runId, actorOf(session)),
      'rounds.recent': async () => ({ runs: await rounds.recent() }),
      'maintenance.due': async () => ({ items: await maintenance.due() }),
      'maintenance.done': async ({ entryId, note }, { session }) => {
        await maintenance.done(entryId, actorOf(session), note);
        return { items: await maintenance.due() };
      },
    },
    appliers: [hubApplier],
    migrations: facilityMigrations,
    async start() {
      const added = await ledger.seed(
        o.cameras.list().map((c) => ({ id: c.id, name: c.name, zone: c.zone, position: c.position })),
      );
      if (added) log.info('ledger seeded from the site file', { added, site: pickText(site.name, 'en') });
      if (o.demo && !(await db('hazards').first('id'))) await demoHazard(work, clock.now());
      rounds.watchingSince = clock.now();
      timer = clock.setInterval(() => {
        queue('deadline check', () => work.escalate());
        queue('rounds missed', () => rounds.checkMissed());
        queue('maintenance reminders', () => maintenance.remind());
      }, o.checkEveryMs ?? 30_000);
    },
    async stop() {
      clock.clearInterval(timer);
      clock.clearTimeout(liveTimer);
      liveTimer = undefined;
      await service.idle();
      stopped = true;
    },
  };
}

/** The demo's hazard in progress: found on patrol, its plan with owner and deadline set, being rectified. */
async function demoHazard(work: Work, now: number): Promise<void> {
  const patrol: Actor = { id: 'demo', name: '保安 李强' };
  const hazard = await work.report(
    {
      category: 'fire',
      severity: 'high',
      source: 'patrol',
      description: '消防通道（西侧）有电动车和杂物堆放，占用通道约 3 米',
      zone: 'fire-lane',
    },
    patrol,
  );
  await work.actOnHazard(hazard.id, 'plan', patrol, {
    plan: '张贴整改通知，联系车主移车；杂物由保洁当日清运；加装禁停标识',
    owner: { name: '物业工程部 周工', phone: '13800000022' },
    deadline: now + 48 * 3_600_000,
  });
}

/** What kind of device an alarm's type tells of, for an entry made from the alarm alone. */
function kindOfAlarm(type: AlarmType): string {
  if (type === 'camera_offline') return 'camera';
  if (type === 'fire_facility_fault') return 'fire_component';
  if (type === 'lighting_fault') return 'lighting';
  return 'other';
}
