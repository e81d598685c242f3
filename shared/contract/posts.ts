/**
 * Fixed posts, peaks and patrol parking counts (issue 17, 「定点值守 + 动态巡逻」): the posts of the site file with
 * the guard assigned to each per shift (the supervisor assigns), the peaks running and ahead, the holiday calendar
 * (the supervisor edits it), and the vehicle counts guards take on their rounds (车辆规范停放率).
 */
import { z } from 'zod';
import { EpochMs, Id, InBothLanguages, method, NoInput } from './common';
import { LatLon } from '../domain/geo';
import { DAY_KINDS, Holiday, LocalDate, POST_KINDS, SHIFT_KEY } from '../domain/posts';

export const ShiftKey = z
  .string()
  .regex(SHIFT_KEY, 'a shift as YYYY-MM-DD/day or YYYY-MM-DD/night')
  .refine((k) => LocalDate.safeParse(k.slice(0, 10)).success, 'not a calendar date');

export const GuardShiftView = z.object({
  key: ShiftKey,
  band: z.enum(['day', 'night']),
  from: EpochMs,
  to: EpochMs,
});
export type GuardShiftView = z.infer<typeof GuardShiftView>;

/** Whether the post is held now: by its guard, or not (no guard assigned, or the guard's phone silent or away). */
export const POST_STATES = ['held', 'unassigned', 'guard_away', 'guard_offline'] as const;
export type PostState = (typeof POST_STATES)[number];

export const PostView = z.object({
  id: Id,
  name: InBothLanguages,
  kind: z.enum(POST_KINDS),
  position: LatLon,
  gate: Id.optional(),
  zone: Id.optional(),
  /** The guard assigned for the current shift and for the next one. */
  guardId: Id.optional(),
  nextGuardId: Id.optional(),
  state: z.enum(POST_STATES),
  /** A running peak requires it now. */
  required: z.boolean(),
  /** Its unmanned-post alarm is open (raised and not yet restored). */
  alarmed: z.boolean(),
});
export type PostView = z.infer<typeof PostView>;

export const PeakView = z.object({
  id: Id,
  name: InBothLanguages,
  day: LocalDate,
  from: EpochMs,
  to: EpochMs,
  posts: z.array(Id),
  priority: z.number().int(),
  active: z.boolean(),
});
export type PeakView = z.infer<typeof PeakView>;

export const HolidayView = Holiday.extend({ updatedBy: z.string(), updatedAt: EpochMs });
export type HolidayView = z.infer<typeof HolidayView>;

export const PostBoard = z.object({
  shift: GuardShiftView,
  next: GuardShiftView,
  posts: z.array(PostView),
  /** Peaks running now and those of today and tomorrow still to come. */
  peaks: z.array(PeakView),
  /** What today is for the peaks. */
  today: z.object({ date: LocalDate, kind: z.enum(DAY_KINDS) }),
  /** The calendar from thirty days ago on. */
  holidays: z.array(HolidayView),
});
export type PostBoard = z.infer<typeof PostBoard>;

/** A patrol count: on a round, in one area, the vehicles a guard counted and how many of them broke the rules. */
export const ParkingCountInput = z
  .object({
    /** A zone of the site (a car park, a road, a building's frontage). */
    area: Id,
    counted: z.number().int().min(1).max(5000),
    violations: z.number().int().min(0).max(5000),
    /** The guard who counted (the operator records it on his word over the radio). */
    guardId: Id.optional(),
    /** When he counted; absent, now. At most a day back, never ahead. */
    at: EpochMs.optional(),
    note: z.string().trim().max(200).default(''),
  })
  .strict()
  .refine((c) => c.violations <= c.counted, {
    message: 'violations cannot exceed the vehicles counted',
    path: ['violations'],
  });
export type ParkingCountInput = z.input<typeof ParkingCountInput>;

export const ParkingCountView = z.object({
  id: Id,
  at: EpochMs,
  area: Id,
  counted: z.number().int(),
  violations: z.number().int(),
  guardId: Id.optional(),
  note: z.string(),
  recordedBy: z.string(),
});
export type ParkingCountView = z.infer<typeof ParkingCountView>;

export const ParkingCounts = z.object({
  /** Today's counts (the site's day), newest first, and today's rate. */
  counts: z.array(ParkingCountView),
  rate: z.number().min(0).max(1).nullable(),
});

export const postMethods = {
  'posts.board': method({
    input: NoInput,
    output: PostBoard,
    role: 'operator',
    mutates: false,
    summary:
      'The posts with their guard this shift and next, whether each is held, the peaks and the holidays.',
  }),
  'posts.assign': method({
    input: z
      .object({
        postId: Id,
        shift: ShiftKey,
        /** Absent: nobody holds the post that shift. */
        guardId: Id.optional(),
      })
      .strict(),
    output: PostBoard,
    role: 'supervisor',
    mutates: true,
    summary: 'Assigns a guard to a post for a shift (or clears it); audited and in the duty log.',
  }),
  'holidays.save': method({
    input: Holiday,
    output: PostBoard,
    role: 'supervisor',
    mutates: true,
    summary:
      'Puts a date into the holiday calendar (a holiday, or a weekend made a working day), or renames it.',
  }),
  'holidays.remove': method({
    input: z.object({ date: LocalDate }).strict(),
    output: PostBoard,
    role: 'supervisor',
    mutates: true,
    summary: 'Takes a date out of the holiday calendar.',
  }),
  'parking.counts': method({
    input: NoInput,
    output: ParkingCounts,
    role: 'operator',
    mutates: false,
    summary: "Today's patrol parking counts and today's 车辆规范停放率.",
  }),
  'parking.record': method({
    input: ParkingCountInput,
    output: ParkingCountView,
    role: 'operator',
    mutates: true,
    summary: 'Records a patrol count of one area: vehicles counted and violations seen.',
  }),
};

export const postEvents = {
  /** Assignments, the calendar, a guard's duty or a peak changed what the board shows. */
  'posts.changed': PostBoard,
};
