/**
 * Rounds of the facilities feature (issue 18, second slice): the video inspection round (视频巡查) and facility
 * inspections (巡检) done at the desk, and the due list of the shift.
 */
import { z } from 'zod';
import { EpochMs, Id, method, NoInput } from './common';
import { FacilityKind } from '../domain/facilities';
import { ChecklistItem, VIDEO_PROBLEMS } from '../domain/rounds';
import { LocalizedText } from '../domain/text';

export const RoundKind = z.enum(['video', 'inspection']);

export const DueRoundView = z.object({
  roundId: z.string(),
  kind: RoundKind,
  name: LocalizedText,
  zone: z.string().optional(),
  dueAt: EpochMs,
  /** The period's start: a round finished after it counts for this due time. */
  from: EpochMs,
  state: z.enum(['done', 'pending', 'missed']),
  doneAt: EpochMs.optional(),
  /** Cameras or facilities the round covers now. */
  subjects: z.number().int(),
  /** A run of this round begun and not finished (anyone's): starting again resumes it. */
  runId: Id.optional(),
});
export type DueRoundView = z.infer<typeof DueRoundView>;

/** What one camera or one facility's checklist item was found to be. */
export const RoundResultView = z.object({
  subjectId: z.string(),
  /** The checklist item; empty for a camera's picture. */
  itemId: z.string(),
  result: z.enum(['normal', 'problem', 'pass', 'fail']),
  problem: z.enum(VIDEO_PROBLEMS).optional(),
  value: z.number().optional(),
  note: z.string().optional(),
  /** A still of the picture saved in the data directory's snapshots; else the time and camera find the recording. */
  snapshot: z.string().optional(),
  orderId: Id.optional(),
  orderNumber: z.string().optional(),
  hazardId: Id.optional(),
  hazardNumber: z.string().optional(),
  at: EpochMs,
  by: z.string(),
});
export type RoundResultView = z.infer<typeof RoundResultView>;

export const RoundSubject = z.object({
  /** A camera's id (video) or a ledger entry's id (inspection). */
  id: z.string(),
  name: LocalizedText,
  code: z.string().optional(),
  kind: FacilityKind.optional(),
  zone: z.string().optional(),
  /** An inspection's checklist for the entry's kind; none for a camera. */
  items: z.array(ChecklistItem),
});
export type RoundSubject = z.infer<typeof RoundSubject>;

export const RoundRunView = z.object({
  id: Id,
  roundId: z.string(),
  kind: RoundKind,
  name: LocalizedText,
  dueAt: EpochMs,
  startedAt: EpochMs,
  finishedAt: EpochMs.optional(),
  by: z.string(),
  subjects: z.array(RoundSubject),
  results: z.array(RoundResultView),
});
export type RoundRunView = z.infer<typeof RoundRunView>;

/** A ledger entry due its scheduled maintenance within a day, or overdue. */
export const MaintenanceItemView = z.object({
  entryId: Id,
  code: z.string(),
  name: z.string(),
  kind: FacilityKind,
  zone: z.string().optional(),
  everyDays: z.number().int(),
  dueAt: EpochMs,
  lastDoneAt: EpochMs.optional(),
  overdue: z.boolean(),
});
export type MaintenanceItemView = z.infer<typeof MaintenanceItemView>;

/** A round done, as the recent list shows it: who, when, how many checked and found wrong. */
export const RoundSummaryView = z.object({
  id: Id,
  roundId: z.string(),
  kind: RoundKind,
  name: LocalizedText,
  by: z.string(),
  startedAt: EpochMs,
  finishedAt: EpochMs,
  subjects: z.number().int(),
  checked: z.number().int(),
  problems: z.number().int(),
});
export type RoundSummaryView = z.infer<typeof RoundSummaryView>;

export const roundMethods = {
  'rounds.due': method({
    input: NoInput,
    output: z.object({
      shift: z.object({ from: EpochMs, to: EpochMs }),
      rounds: z.array(DueRoundView),
    }),
    role: 'operator',
    mutates: false,
    summary:
      'The video rounds and inspections due in the current shift (site local time): done, pending or missed.',
  }),
  'rounds.start': method({
    input: z.object({ roundId: z.string().min(1).max(40) }).strict(),
    output: RoundRunView,
    role: 'operator',
    mutates: true,
    summary: 'Begins a round (or resumes the one of it begun and not finished): its cameras or facilities.',
  }),
  'rounds.get': method({
    input: z.object({ runId: Id }).strict(),
    output: RoundRunView,
    role: 'operator',
    mutates: false,
    summary: 'One round with what was found so far.',
  }),
  'rounds.mark': method({
    input: z
      .object({
        runId: Id,
        subjectId: z.string().min(1).max(128),
        itemId: z.string().max(40).default(''),
        result: z.enum(['normal', 'problem', 'pass', 'fail']).optional(),
        problem: z.enum(VIDEO_PROBLEMS).optional(),
        /** A reading: passes or fails by the item's range. */
        value: z.number().finite().optional(),
        note: z.string().trim().max(500).optional(),
        /** The picture as the round's player drew it (base64 PNG), kept with a problem. */
        png: z
          .string()
          .max(12_000_000)
          .regex(/^[A-Za-z0-9+/]+=*$/, 'base64 PNG data')
          .optional(),
        /** A problem found opens a work order or a hazard in the same step. */
        open: z.enum(['order', 'hazard']).optional(),
      })
      .strict()
      .refine((m) => m.result !== undefined || m.value !== undefined, 'a result or a value')
      .refine((m) => m.result !== 'problem' || m.problem !== undefined, 'a problem says what is wrong'),
    output: RoundResultView,
    role: 'operator',
    mutates: true,
    summary:
      'Marks a camera’s picture normal or a problem (with what, a note, a still), or a checklist item passed, failed or its reading; a problem or failure can open a work order or a hazard.',
  }),
  'rounds.finish': method({
    input: z.object({ runId: Id }).strict(),
    output: RoundRunView,
    role: 'operator',
    mutates: true,
    summary: 'Finishes a round: recorded in the duty log with each camera’s or facility’s result.',
  }),
  'rounds.recent': method({
    input: NoInput,
    output: z.object({ runs: z.array(RoundSummaryView) }),
    role: 'operator',
    mutates: false,
    summary: 'The last 20 rounds finished, newest first: who, when, how many checked and with problems.',
  }),
  'maintenance.due': method({
    input: NoInput,
    output: z.object({ items: z.array(MaintenanceItemView) }),
    role: 'operator',
    mutates: false,
    summary: 'Ledger entries due their scheduled maintenance within 24 h, or overdue, soonest first.',
  }),
  'maintenance.done': method({
    input: z.object({ entryId: Id, note: z.string().trim().max(500).optional() }).strict(),
    output: z.object({ items: z.array(MaintenanceItemView) }),
    role: 'operator',
    mutates: true,
    summary: 'Records a maintenance visit done (the next one counts from now); returns the list due.',
  }),
};
