import { z } from 'zod';
import { DoneReply, EpochMs, Id, method, NoInput } from './common';
import { AlarmView } from './alarms';
import { LatLon } from '../domain/geo';
import { GUARD_STATUSES, GuardDuty, GuardThresholds } from '../domain/guards';
import { VISIT_TIMINGS } from '../domain/patrol';

export const GuardPosition = z.object({
  guardId: Id,
  position: LatLon,
  at: EpochMs,
  speed: z.number().optional(),
  bearing: z.number().optional(),
  accuracy: z.number().optional(),
  battery: z.number().optional(),
  source: z.enum(['hub', 'osmand']),
});
export type GuardPosition = z.infer<typeof GuardPosition>;

/** A guard as the console knows him: duty from dispatches and signals, and his last position if any. */
export const GuardView = z.object({
  guardId: Id,
  duty: GuardDuty,
  /** The alarm he was sent to, is on scene at, or raised (SOS). */
  alarmId: Id.optional(),
  /** When the duty last changed. */
  since: EpochMs,
  last: GuardPosition.optional(),
});
export type GuardView = z.infer<typeof GuardView>;

export const GuardCandidateView = z.object({
  guardId: Id,
  distanceM: z.number(),
  etaSec: z.number(),
  status: z.enum(GUARD_STATUSES),
  available: z.boolean(),
});

export const TrackPoint = z.object({
  lat: z.number(),
  lon: z.number(),
  at: EpochMs,
  bearing: z.number().optional(),
  speed: z.number().optional(),
  /** Kept for the record but not believed: a jump faster than a person moves, or a time far from now. */
  flag: z.enum(['jump', 'time']).optional(),
});
export type TrackPoint = z.infer<typeof TrackPoint>;

/** A phone allowed to report positions. Its secret is never part of this view. */
export const GuardDeviceView = z.object({
  id: Id,
  guardId: Id,
  label: z.string(),
  /** `site`: an id from the site file; `console`: a secret issued here. */
  origin: z.enum(['site', 'console']),
  issuedAt: EpochMs.optional(),
  issuedBy: z.string().optional(),
  /** Since this console started. */
  lastSeenAt: EpochMs.optional(),
  lastAddress: z.string().optional(),
});
export type GuardDeviceView = z.infer<typeof GuardDeviceView>;

export const CHECKPOINT_STATES = ['pending', 'missed', ...VISIT_TIMINGS] as const;
export const CheckpointStatus = z.object({
  checkpointId: Id,
  state: z.enum(CHECKPOINT_STATES),
  at: EpochMs.optional(),
  guardId: Id.optional(),
  method: z.enum(['gps', 'scan']).optional(),
});
export const RoundView = z.object({
  start: EpochMs,
  windowEnd: EpochMs,
  next: EpochMs,
  band: z.enum(['day', 'night']),
  checkpoints: z.array(CheckpointStatus),
});
export type RoundView = z.infer<typeof RoundView>;
export const PatrolRouteView = z.object({
  routeId: Id,
  /** The round open now, or the last one if between rounds. */
  current: RoundView.optional(),
  nextStart: EpochMs,
  /** Compliance of today's closed rounds (local day). */
  today: z.object({
    rounds: z.number().int(),
    onTime: z.number().int(),
    early: z.number().int(),
    late: z.number().int(),
    missed: z.number().int(),
  }),
});
export type PatrolRouteView = z.infer<typeof PatrolRouteView>;

const Range = z
  .object({ from: EpochMs, to: EpochMs })
  .refine((r) => r.to > r.from, { message: '"to" must be after "from"', path: ['to'] })
  .refine((r) => r.to - r.from <= 7 * 86_400_000, { message: 'at most 7 days at a time', path: ['to'] });

export const guardMethods = {
  'guards.latest': method({
    input: NoInput,
    output: z.object({ guards: z.array(GuardView), thresholds: GuardThresholds }),
    role: 'operator',
    mutates: false,
    summary:
      'Every guard of the site with duty and last position, and when positions count as stale/offline.',
  }),
  'guards.track': method({
    input: z.intersection(z.object({ guardId: Id, flagged: z.boolean().optional() }), Range),
    output: z.object({ points: z.array(TrackPoint), total: z.number().int(), thinned: z.boolean() }),
    role: 'operator',
    mutates: false,
    summary:
      "A guard's stored positions in a time range (thinned to at most 5,000 points), for replay; `flagged` adds the implausible ones.",
  }),
  'guards.suggest': method({
    input: z.object({ alarmId: Id }),
    output: z.object({ target: LatLon.optional(), candidates: z.array(GuardCandidateView) }),
    role: 'operator',
    mutates: false,
    summary: 'Guards nearest to an alarm, free ones first, with distance and a rough walking ETA.',
  }),
  'guards.dispatch': method({
    input: z.object({ alarmId: Id, guardId: Id, note: z.string().trim().max(500).optional() }),
    output: z.object({ alarm: AlarmView, guard: GuardView }),
    role: 'operator',
    mutates: true,
    summary: 'Send a guard to an alarm: the order goes to the hub, the guard is dispatched, the alarm too.',
  }),
  'guards.arrived': method({
    input: z.object({ alarmId: Id, guardId: Id }),
    output: z.object({ alarm: AlarmView, guard: GuardView }),
    role: 'operator',
    mutates: true,
    summary: 'The guard confirmed (e.g. by radio) that he is at the alarm: the alarm moves to on scene.',
  }),
  'guards.clearSos': method({
    input: z.object({ guardId: Id, note: z.string().trim().min(2).max(500) }),
    output: GuardView,
    role: 'operator',
    mutates: true,
    summary:
      'The guard is safe (checked by radio or in person): his SOS ends; the alarm stays to be resolved.',
  }),
  'guards.devices': method({
    input: NoInput,
    output: z.object({ devices: z.array(GuardDeviceView) }),
    role: 'supervisor',
    mutates: false,
    summary: 'The phones allowed to report positions, with when and from where each was last heard.',
  }),
  'guards.issueDevice': method({
    input: z.object({ guardId: Id, label: z.string().trim().min(1).max(40) }).strict(),
    output: z.object({
      device: GuardDeviceView,
      /** The phone's secret device id: shown this once, stored only as a hash. */
      deviceId: z.string(),
      /** Links (also for a QR code) that set Traccar Client's server URL and device id, one per address. */
      links: z.array(z.string()),
      /** Why there is no link: the phone endpoint is off, or this computer has no address phones could reach. */
      noLinks: z.enum(['endpoint-off', 'no-network-address']).optional(),
    }),
    role: 'supervisor',
    mutates: true,
    summary:
      "A new secret device id for a guard's phone, shown once with Traccar Client setup links; audited.",
  }),
  'guards.revokeDevice': method({
    input: z.object({ id: Id }).strict(),
    output: DoneReply,
    role: 'supervisor',
    mutates: true,
    summary: 'A phone issued by the console stops being able to report (lost, stolen, replaced); audited.',
  }),
  'patrols.status': method({
    input: NoInput,
    output: z.object({ routes: z.array(PatrolRouteView) }),
    role: 'operator',
    mutates: false,
    summary: "Each route's current round with every checkpoint's state, and today's compliance.",
  }),
};

export const guardEvents = {
  /** Guards whose position or duty changed, batched (dozens of phones report every second). */
  'guards.changed': z.object({ guards: z.array(GuardView) }),
  /** A checkpoint was reached or a round closed. */
  'patrols.changed': z.object({ routes: z.array(PatrolRouteView) }),
};
