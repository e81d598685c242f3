import type { vehicleMethods } from '../../../shared/contract';
import type { VehicleFacts } from '../../../shared/domain/handover';
import { pickText } from '../../../shared/domain/text';
import { actorOf, SYSTEM } from '../actor';
import type { AlarmService } from '../alarms';
import type { Feature, Infrastructure } from '../feature';
import { demoVehicles, DEMO_VISITOR, seedDemoViolation } from './demo';
import { GateDeskService } from './gate';
import { vehiclesMigration } from './migration';
import { VehicleRecords } from './records';
import { FIRE_LANE_ALARM, violationNumber, Violations } from './violations';
import { violationsMigration } from './violations-migration';
import { Visitors, visitorView } from './visitors';

export { violationTimeliness, violationsPerDayByArea, visitorOverstays } from './figures';

/** Migrations 19 (records, gates, visitors) and 23 (violations), issue 17. */
export const vehicleMigrations = [vehiclesMigration, violationsMigration] as const;

export interface VehiclesService {
  records: VehicleRecords;
  gates: GateDeskService;
  visitors: Visitors;
  violations: Violations;
  /** What the handover carries over and counts since the shift started (asked when the report is made). */
  handoverFacts(since: number): Promise<VehicleFacts>;
}

export interface VehiclesOptions {
  alarms: AlarmService;
  /** The demo site: seed its generated resident records into an empty table. */
  demo: boolean;
  /** Gate reads reach renderers at most this often. */
  flushMs?: number | undefined;
  /** How often visitors are checked against their limit (and violations against their deadline). */
  overstayCheckMs?: number | undefined;
}

/**
 * Vehicles, gates and visitors (issue 17): resident records with permits, plate reads from the hub matched and
 * decided at the gate desk, visitor vehicles registered and released, an overstay alarm.
 */
export function createVehicles(
  infra: Infrastructure,
  o: VehiclesOptions,
): Feature<typeof vehicleMethods, VehiclesService> {
  const { db, clock, ids, site, bus, log } = infra;
  const records = new VehicleRecords({ db, clock, ids });
  let visitorsChanged = false;
  const visitors = new Visitors({
    db,
    clock,
    ids,
    site,
    alarms: o.alarms,
    onChanged: () => (visitorsChanged = true),
  });
  const violationsChanged = new Set<string>();
  const violations = new Violations({
    db,
    clock,
    ids,
    site,
    records,
    onChanged: (id) => violationsChanged.add(id),
  });
  const gates = new GateDeskService({
    db,
    clock,
    ids,
    site,
    locale: infra.locale,
    records,
    visitors,
    kickOutbox: infra.kickOutbox,
    offences: (plates, db) => violations.offences(plates, db),
    onCommitted: () => kick(),
  });
  let flushTimer: unknown;
  let overstayTimer: unknown;
  let checking: Promise<unknown> | undefined;
  let flushing: Promise<unknown> | undefined;
  const flush = async () => {
    const reads = await gates.takePending();
    if (reads.length > 0) {
      const inside = await gates.inside();
      for (const read of reads) bus.emit('gates.read', { read, inside });
      // A read may have moved a visit (entered, left).
      if (reads.some((r) => r.match === 'visitor' || r.decision === 'visitor')) visitorsChanged = true;
    }
    if (violationsChanged.size > 0) {
      const ids = [...violationsChanged];
      violationsChanged.clear();
      for (const violation of await violations.views(ids)) bus.emit('violations.changed', { violation });
    }
    if (visitorsChanged) {
      visitorsChanged = false;
      bus.emit('visitors.changed', { visitors: await visitors.list() });
    }
  };
  const failed = (what: string) => (err: Error) => log.error(what, { error: err.message });
  // One flush at a time; a kick while one runs asks for another right after it (reads committed meanwhile).
  let again = false;
  const kick = () => {
    if (flushing) {
      again = true;
      return;
    }
    flushing = flush()
      .catch(failed('gate flush failed'))
      .finally(() => {
        flushing = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
  };
  // The fire-lane alarm opens a violation: after the alarm's own commit, one at a time.
  let fromAlarms: Promise<unknown> = Promise.resolve();
  o.alarms.watch((alarm) => {
    if (alarm.type !== FIRE_LANE_ALARM) return;
    fromAlarms = fromAlarms
      .then(() => violations.fromAlarm(alarm))
      .catch(failed('opening a violation from an alarm failed'));
  });
  const withViolation = async <T>(work: Promise<T>): Promise<T> => {
    const out = await work;
    await flush();
    return out;
  };

  return {
    service: {
      records,
      gates,
      visitors,
      violations,
      async handoverFacts(since) {
        const standing = await violations.standing();
        const now = clock.now();
        const count = async (table: string, column: string) =>
          Number(((await db(table).where(column, '>=', since).count({ n: '*' }).first()) as { n: number }).n);
        return {
          counts: {
            inside: await gates.inside(),
            gateDecisions: await count('gate_reads', 'decided_at'),
            overstays: await count('visitors', 'overstayed_at'),
            violationsFound: await count('violations', 'found_at'),
          },
          violations: standing.map((v) => {
            const area = site.noParking.areas.find((a) => a.id === v.area);
            const name = (l: 'zh-CN' | 'en') => (area ? pickText(area.name, l) : v.area);
            return {
              id: v.id,
              number: violationNumber(v.seq),
              plate: v.plate,
              kind: v.kind,
              areaName: { 'zh-CN': name('zh-CN'), en: name('en') },
              state: v.state,
              since: v.found_at,
              overdue: v.overdue_at !== null || now >= v.deadline_at,
            };
          }),
        };
      },
    },
    handlers: {
      'vehicles.search': ({ query, limit }) => records.search(query, limit),
      'vehicles.save': (input, { session }) => records.save(input, actorOf(session)),
      'vehicles.remove': async ({ id }, { session }) => {
        await records.remove(id, actorOf(session));
        return { done: true as const };
      },
      'vehicles.importPreview': (file) => records.preview(file),
      'vehicles.import': ({ file, mode }, { session }) => records.import(file, mode, actorOf(session)),
      'vehicles.export': ({ format }) => records.export(format),
      'gates.desk': () => gates.desk(),
      'gates.decide': async ({ id, decision, visitor, note }, { session }) => {
        const read = await gates.decide(id, decision, visitor, note, actorOf(session));
        await flush();
        return read;
      },
      'visitors.list': async () => ({ visitors: await visitors.list() }),
      'visitors.register': async (input, { session }) => {
        const row = await db.transaction((trx) => visitors.register(trx, input, actorOf(session)));
        visitorsChanged = true;
        return visitorView(row);
      },
      'visitors.release': (input, { session }) => visitors.release(input.id, actorOf(session)),
      'violations.list': async () => ({
        violations: await violations.list(),
        offenders: await violations.offenders(),
        areas: violations.areas(),
        police: site.contacts
          .filter((c) => c.kind === 'police' || c.kind === 'traffic' || c.kind === 'police_station')
          .map((c) => ({ name: c.name, number: c.number })),
      }),
      'violations.open': (input, { session }) => withViolation(violations.open(input, actorOf(session))),
      'violations.setPlate': ({ id, plate }, { session }) =>
        withViolation(violations.setPlate(id, plate, actorOf(session))),
      'violations.call': ({ id, result, note }, { session }) =>
        withViolation(violations.call(id, result, note, actorOf(session))),
      'violations.escalate': ({ id, note }, { session }) =>
        withViolation(violations.escalate(id, note, actorOf(session))),
      'violations.close': ({ id, outcome, note }, { session }) =>
        withViolation(violations.close(id, outcome, note, actorOf(session))),
    },
    appliers: [gates.hubApplier],
    migrations: vehicleMigrations,
    async start() {
      await records.load();
      if (o.demo) {
        await records.seed(demoVehicles(clock.now(), site.timeZone));
        // The demo's gate reads a visitor the desk expects (pre-registered), once per demo database.
        if (!(await db('visitors').first()))
          await db.transaction((trx) => visitors.register(trx, { ...DEMO_VISITOR, expected: true }, SYSTEM));
        await seedDemoViolation(violations, db, site, clock.now());
      }
      flushTimer = clock.setInterval(kick, o.flushMs ?? 250);
      overstayTimer = clock.setInterval(() => {
        // One check at a time: a slow disk must not pile them up, and stop() waits for the one running.
        checking ??= Promise.all([visitors.checkOverstays(), violations.checkOverdue()])
          .catch(failed('visitor overstay check failed'))
          .finally(() => (checking = undefined));
      }, o.overstayCheckMs ?? 30_000);
    },
    async stop() {
      clock.clearInterval(flushTimer);
      clock.clearInterval(overstayTimer);
      await Promise.all([checking, flushing, fromAlarms]);
    },
  };
}
