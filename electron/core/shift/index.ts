import type { OperatorView, shiftMethods } from '../../../shared/contract';
import type { AlarmService } from '../alarms';
import type { CamerasService } from '../cameras';
import type { DutyService } from '../duty';
import type { FacilitiesService } from '../facilities';
import type { VehiclesService } from '../vehicles';
import type { Feature, Infrastructure } from '../feature';
import type { OperatorsService } from '../operators';
import type { PlaybooksService } from '../playbooks';
import type { TrainingService } from '../training';
import type { SiteNames } from '../site/names';
import { shiftHandlers } from './handlers';
import { ShiftService } from './shifts';

export { ShiftService } from './shifts';

export interface ShiftOptions {
  operators: OperatorsService;
  alarms: AlarmService;
  cameras: Pick<CamerasService, 'name' | 'streamError'>;
  duty: DutyService;
  playbooks: Pick<PlaybooksService, 'drills'>;
  /** Unfinished work orders and open hazards carry over too. */
  facilities?: Pick<FacilitiesService, 'carryOver'> | undefined;
  /** Standing parking violations carry over; the handover counts the gates' work (issue 17). */
  vehicles?: Pick<VehiclesService, 'handoverFacts'> | undefined;
  /** The fire desk's certificate rule, asked before anyone goes on duty (it may refuse or warn). */
  training?: Pick<TrainingService, 'signOn'> | undefined;
  /** The site's names for its ids (zones, cameras in force, guards), for texts people read. */
  names(): SiteNames;
}

/**
 * Shifts and the handover (交接班): who is on duty (sign-in joins, sign-out leaves), the report made from what
 * the other features know at that moment, both signatures, the seal. Its tables arrived with migration 6 (duty).
 */
export function createShift(
  infra: Infrastructure,
  o: ShiftOptions,
): Feature<typeof shiftMethods, ShiftService> {
  const { db, clock, bus } = infra;
  const { alarms, cameras } = o;
  const shifts = new ShiftService({
    db,
    clock,
    ids: infra.ids,
    onChanged: (shift) => bus.emit('shift.changed', shift),
    names: o.names,
    facts: {
      openAlarms: async () =>
        (await alarms.openAlarms()).map((a) => ({
          id: a.id,
          type: a.type,
          priority: a.priority,
          state: a.state,
          receivedAt: a.receivedAt,
          ...(a.zone ? { zone: a.zone } : {}),
        })),
      offlineCameras: () =>
        o.duty.offlineCameras().map(({ id, since }) => {
          const error = cameras.streamError(id);
          return { id, since, name: cameras.name(id), ...(error ? { reason: error } : {}) };
        }),
      // Drills scheduled up to a day ahead (or overdue and not yet run) are the next shift's to run.
      drillsDue: async () =>
        (await o.playbooks.drills())
          .filter((d) => d.state === 'scheduled' && d.scheduledAt <= clock.now() + 24 * 3600 * 1000)
          .map((d) => ({ key: d.id, due: d.scheduledAt, text: d.title })),
      targets: () => alarms.responseTargets,
      facilities: async () => {
        const work = await o.facilities?.carryOver();
        return { orders: work?.orders ?? [], hazards: work?.hazards ?? [] };
      },
      ...(o.vehicles ? { vehicles: (since: number) => o.vehicles!.handoverFacts(since) } : {}),
    },
  });
  const signOn = async (operator: OperatorView, how: string) => {
    await o.training?.signOn(operator, how);
  };
  o.operators.hook({
    beforeSignIn: signOn,
    signedIn: (operator, how) => shifts.join(operator, how),
    signedOut: async (operator, leaveShift) => {
      if (leaveShift) await shifts.leave(operator.id, operator);
    },
  });
  return {
    service: shifts,
    handlers: shiftHandlers({ db, operators: o.operators, shifts, signOn }),
    appliers: [],
    migrations: [],
    async start() {},
    async stop() {},
  };
}
