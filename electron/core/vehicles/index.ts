import type { vehicleMethods } from '../../../shared/contract';
import { actorOf, SYSTEM } from '../actor';
import type { AlarmService } from '../alarms';
import type { Feature, Infrastructure } from '../feature';
import { demoVehicles, DEMO_VISITOR } from './demo';
import { GateDeskService } from './gate';
import { vehiclesMigration } from './migration';
import { VehicleRecords } from './records';
import { Visitors, visitorView } from './visitors';

/** Migration 19 (issue 17). */
export const vehicleMigrations = [vehiclesMigration] as const;

export interface VehiclesService {
  records: VehicleRecords;
  gates: GateDeskService;
  visitors: Visitors;
}

export interface VehiclesOptions {
  alarms: AlarmService;
  /** The demo site: seed its generated resident records into an empty table. */
  demo: boolean;
  /** Gate reads reach renderers at most this often. */
  flushMs?: number | undefined;
  /** How often visitors are checked against their limit. */
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
  const gates = new GateDeskService({
    db,
    clock,
    ids,
    site,
    locale: infra.locale,
    records,
    visitors,
    kickOutbox: infra.kickOutbox,
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
    if (visitorsChanged) {
      visitorsChanged = false;
      bus.emit('visitors.changed', { visitors: await visitors.list() });
    }
  };
  const failed = (what: string) => (err: Error) => log.error(what, { error: err.message });

  return {
    service: { records, gates, visitors },
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
      }
      flushTimer = clock.setInterval(() => {
        flushing ??= flush()
          .catch(failed('gate flush failed'))
          .finally(() => (flushing = undefined));
      }, o.flushMs ?? 250);
      overstayTimer = clock.setInterval(() => {
        // One check at a time: a slow disk must not pile them up, and stop() waits for the one running.
        checking ??= visitors
          .checkOverstays()
          .catch(failed('visitor overstay check failed'))
          .finally(() => (checking = undefined));
      }, o.overstayCheckMs ?? 30_000);
    },
    async stop() {
      clock.clearInterval(flushTimer);
      clock.clearInterval(overstayTimer);
      await Promise.all([checking, flushing]);
    },
  };
}
