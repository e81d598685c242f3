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
import { roundMethods } from './facility-rounds';

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
  /** Its open work order, if any. */
  openOrderId: Id.optional(),
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

export const facilityEvents = {
  /** Something in the ledger, the work orders or the hazards changed: pages read the lists again. */
  'facilities.changed': z.object({ what: z.array(z.enum(['ledger', 'orders', 'hazards', 'rounds'])) }),
};
