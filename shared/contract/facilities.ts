/**
 * Facilities (issue 18): the facility ledger (设施台账), work orders (报修工单) and the hazard register (隐患台账).
 */
import { z } from 'zod';
import { EpochMs, Id, method, NoInput } from './common';
import { LatLon } from '../domain/geo';
import {
  FacilityKind,
  HAZARD_ACTIONS,
  HazardCategory,
  HazardSource,
  HazardState,
  ORDER_ACTIONS,
  OrderState,
  Severity,
} from '../domain/facilities';
import { ChecklistItem, VIDEO_PROBLEMS } from '../domain/rounds';
import { LocalizedText } from '../domain/text';

/** An import's or a save's longest text; a ledger is names, codes and phone numbers. */
const Text = (max: number) => z.string().trim().min(1).max(max);
export const Phone = z
  .string()
  .trim()
  .regex(/^[0-9+\-() ]{3,32}$/, 'a phone number: digits, spaces, + - ( )');
/** A maintainer or an owner: reference data, a name and a number to call. */
export const Contact = z.object({ name: Text(60), phone: Phone });
export type Contact = z.infer<typeof Contact>;
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2024-05-31');

export const FacilityInput = z
  .object({
    /** Absent: a new entry. */
    id: Id.optional(),
    code: Text(40),
    name: Text(80),
    kind: FacilityKind,
    zone: Id.optional(),
    position: LatLon.optional(),
    installedOn: Day.optional(),
    maintainer: Contact.optional(),
    /** Absent: the kind's default. */
    inspectEveryDays: z.number().int().min(1).max(3650).optional(),
    maintainEveryDays: z.number().int().min(1).max(3650).optional(),
    /** A hub device or `camera:<id>`: the entry shows its live state. */
    deviceId: z.string().min(1).max(128).optional(),
  })
  .strict();
export type FacilityInput = z.infer<typeof FacilityInput>;

export const FacilityView = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  kind: FacilityKind,
  zone: z.string().optional(),
  position: LatLon.optional(),
  installedOn: z.string().optional(),
  maintainer: Contact.optional(),
  inspectEveryDays: z.number().int(),
  maintainEveryDays: z.number().int(),
  deviceId: z.string().optional(),
  /** `site`: a camera of the site file; `hub`: a device the hub reported; `manual`, `import`: entered here. */
  origin: z.enum(['site', 'hub', 'manual', 'import']),
  /** The linked device's latest state and when it was reported; absent for an entry with no device. */
  live: z
    .object({ state: z.enum(['ok', 'fault', 'offline']), at: EpochMs, text: z.string().optional() })
    .optional(),
  /** Share of the last 24 h not faulted or offline (0..1); null when nothing is known of the device then. */
  availability24h: z.number().min(0).max(1).nullable(),
});
export type FacilityView = z.infer<typeof FacilityView>;

export const TimelineItem = z.object({
  at: EpochMs,
  action: z.string(),
  by: z.string(),
  note: z.string().optional(),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

export const WorkOrderView = z.object({
  id: Id,
  /** WO-000001: what people say on the phone. */
  number: z.string(),
  title: z.string(),
  /** The English of an order the console opened itself (one typed by an operator is in `title` as typed). */
  titleEn: z.string().optional(),
  entryId: Id.optional(),
  deviceId: z.string().optional(),
  alarmId: Id.optional(),
  source: z.enum(['device', 'alarm', 'manual']),
  severity: Severity,
  state: OrderState,
  zone: z.string().optional(),
  dueAt: EpochMs,
  assignee: Contact.optional(),
  createdAt: EpochMs,
  createdBy: z.string(),
  doneBy: z.string().optional(),
  verifiedBy: z.string().optional(),
  refusedReason: z.string().optional(),
  /** The device reported it works again: the order may be closed (offered, never done by itself). */
  recoveredAt: EpochMs.optional(),
  escalatedAt: EpochMs.optional(),
  updatedAt: EpochMs,
  timeline: z.array(TimelineItem),
});
export type WorkOrderView = z.infer<typeof WorkOrderView>;

export const HazardView = z.object({
  id: Id,
  number: z.string(),
  category: HazardCategory,
  severity: Severity,
  source: HazardSource,
  zone: z.string().optional(),
  position: LatLon.optional(),
  description: z.string(),
  alarmId: Id.optional(),
  state: HazardState,
  plan: z.string().optional(),
  owner: Contact.optional(),
  deadline: EpochMs.optional(),
  foundAt: EpochMs,
  foundBy: z.string(),
  rectifiedAt: EpochMs.optional(),
  rectifiedBy: z.string().optional(),
  verifiedBy: z.string().optional(),
  closedAt: EpochMs.optional(),
  escalatedAt: EpochMs.optional(),
  updatedAt: EpochMs,
  timeline: z.array(TimelineItem),
});
export type HazardView = z.infer<typeof HazardView>;

/** What is wrong with a cell of an import file (worded by the page: `facilities.importError.<code>`). */
export const IMPORT_ERRORS = [
  'required',
  'invalid',
  'too_long',
  'unknown_kind',
  'unknown_zone',
  'bad_date',
  'bad_number',
  'bad_phone',
  'duplicate_code',
  'maintainer_incomplete',
] as const;
/** Why a whole import file is refused (`facilities.importRefusal.<code>`). */
export const IMPORT_REFUSALS = [
  'unreadable',
  'not_text',
  'empty',
  'no_header',
  'too_many_rows',
  'too_large',
] as const;
export type ImportRefusal = (typeof IMPORT_REFUSALS)[number];

/** What an import file said, row by row: nothing is imported while any row is wrong. */
export const ImportRow = z.object({
  /** The row's number as a spreadsheet shows it (the header is row 1). */
  row: z.number().int(),
  errors: z.array(z.object({ column: z.string(), code: z.enum(IMPORT_ERRORS) })),
  entry: FacilityInput.optional(),
});
export type ImportRow = z.infer<typeof ImportRow>;
export const ImportPreview = z.object({
  rows: z.array(ImportRow),
  valid: z.number().int(),
  invalid: z.number().int(),
  /** The file as a whole could not be read (not CSV/.xlsx, no header, too many rows); worded, never a crash. */
  refusal: z.enum(IMPORT_REFUSALS).optional(),
  /** Columns of the header this console does not know (ignored). */
  ignoredColumns: z.array(z.string()).default([]),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

/** At most this many bytes of file (base64 is a third more) and this many rows in one import. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;
const ImportFile = z
  .object({
    format: z.enum(['csv', 'xlsx']),
    data: z
      .string()
      .max(Math.ceil((MAX_IMPORT_BYTES * 4) / 3) + 4)
      .regex(/^[A-Za-z0-9+/]*=*$/, 'base64 file data'),
  })
  .strict();

export const RateView = z.object({
  found: z.number().int(),
  rectifiedOnTime: z.number().int(),
  rate: z.number().nullable(),
});

/**
 * Rounds (issue 18, second slice): the video inspection round (视频巡查) and facility inspections (巡检) done at the
 * desk, the shift's due list, and the maintenance schedule.
 */
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

/** The rounds' methods, part of the facilities table below (one method table per contract file). */
const roundMethods = {
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

export const facilityMethods = {
  'facilities.list': method({
    input: NoInput,
    output: z.object({ entries: z.array(FacilityView), maintainers: z.array(Contact) }),
    role: 'operator',
    mutates: false,
    summary:
      'The facility ledger with each linked device’s live state and 24 h availability, and the maintainers to call.',
  }),
  'facilities.save': method({
    input: FacilityInput,
    output: FacilityView,
    role: 'supervisor',
    mutates: true,
    summary: 'Adds or changes a ledger entry (kind, zone, place, code, install date, maintainer, intervals).',
  }),
  'facilities.importPreview': method({
    input: ImportFile,
    output: ImportPreview,
    role: 'supervisor',
    mutates: false,
    summary: 'Reads a CSV or .xlsx ledger file and says, row by row, what it would import and what is wrong.',
  }),
  'facilities.import': method({
    input: ImportFile,
    output: z.object({ imported: z.number().int(), preview: ImportPreview }),
    role: 'supervisor',
    mutates: true,
    summary:
      'Imports a ledger file: every row or none (any wrong row refuses the whole file, with the preview).',
  }),
  'workOrders.list': method({
    input: NoInput,
    output: z.object({ orders: z.array(WorkOrderView) }),
    role: 'operator',
    mutates: false,
    summary: 'Open work orders and those closed in the last 7 days, newest first, with their timelines.',
  }),
  'workOrders.open': method({
    input: z
      .object({
        title: Text(200),
        severity: Severity,
        entryId: Id.optional(),
        zone: Id.optional(),
        note: z.string().trim().max(500).optional(),
      })
      .strict(),
    output: WorkOrderView,
    role: 'operator',
    mutates: true,
    summary: 'Opens a work order by hand (a facility’s open order is returned instead of a second one).',
  }),
  'workOrders.fromAlarm': method({
    input: z.object({ alarmId: Id }).strict(),
    output: WorkOrderView,
    role: 'operator',
    mutates: true,
    summary: 'The work order of an alarm’s device: its open one, or a new one opened from the alarm.',
  }),
  'workOrders.act': method({
    input: z
      .object({
        id: Id,
        action: z.enum(ORDER_ACTIONS),
        assignee: Contact.optional(),
        note: z.string().trim().max(500).optional(),
      })
      .strict(),
    output: WorkOrderView,
    role: 'operator',
    mutates: true,
    summary:
      'Moves a work order: assign (to a maintainer), start, done, verify or reject (not by who marked it done), refuse (with a reason).',
  }),
  'hazards.list': method({
    input: NoInput,
    output: z.object({ hazards: z.array(HazardView) }),
    role: 'operator',
    mutates: false,
    summary: 'Open hazards and those closed in the last 30 days, newest first, with their timelines.',
  }),
  'hazards.report': method({
    input: z
      .object({
        category: HazardCategory,
        severity: Severity,
        source: HazardSource,
        description: Text(1000),
        zone: Id.optional(),
        position: LatLon.optional(),
        alarmId: Id.optional(),
      })
      .strict(),
    output: HazardView,
    role: 'operator',
    mutates: true,
    summary: 'Records a hazard found on patrol, inspection, an alarm, a drill or by hand.',
  }),
  'hazards.act': method({
    input: z
      .object({
        id: Id,
        action: z.enum([...HAZARD_ACTIONS, 'note']),
        plan: z.string().trim().min(2).max(1000).optional(),
        owner: Contact.optional(),
        deadline: EpochMs.optional(),
        note: z.string().trim().max(1000).optional(),
      })
      .strict(),
    output: HazardView,
    role: 'operator',
    mutates: true,
    summary:
      'Moves a hazard: its plan with owner and deadline, rectified, verified and closed or sent back (by a second person), or a follow-up note.',
  }),
  'hazards.rate': method({
    input: z
      .object({ from: EpochMs, to: EpochMs })
      .strict()
      .refine((p) => p.to > p.from, { message: '"to" must be after "from"' }),
    output: RateView,
    role: 'operator',
    mutates: false,
    summary: '隐患排查整改率: hazards found in the period and how many were rectified by their deadline.',
  }),
  ...roundMethods,
};

/** The most live-state changes one `facilities.changed` carries; more go in further events. */
export const MAX_LIVE_CHANGES = 500;

/** A linked device's new live state, as the ledger row shows it (`FacilityView.live`). */
export const FacilityLiveChange = z.object({
  deviceId: z.string().max(200),
  state: z.enum(['ok', 'fault', 'offline']),
  at: EpochMs,
  text: z.string().max(200).optional(),
});
export type FacilityLiveChange = z.infer<typeof FacilityLiveChange>;

export const facilityEvents = {
  /**
   * Something in the ledger, the work orders or the hazards changed: pages read the lists in `what` again.
   * `states`: devices whose live state changed, for pages to put on their rows as they are (no read).
   */
  'facilities.changed': z.object({
    what: z.array(z.enum(['ledger', 'orders', 'hazards', 'rounds'])),
    states: z.array(FacilityLiveChange).max(MAX_LIVE_CHANGES).optional(),
  }),
};
