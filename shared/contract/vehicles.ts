/**
 * Vehicles, gates and visitors (issue 17, first slice): resident vehicle records (车辆档案) with their permits
 * (凭证), the gate desk where plate reads that the barrier cannot decide wait for the operator, and visitor
 * vehicles registered, matched at the gate and released at exit.
 */
import { z } from 'zod';
import { DoneReply, EpochMs, Id, method, NoInput } from './common';
import { PLATE_ERRORS, PLATE_SERIES } from '../domain/plate';
import { LocalizedText } from '../domain/text';
import { NO_PARKING_KINDS } from '../domain/site';

export const VEHICLE_KINDS = ['car', 'suv', 'mpv', 'van', 'truck', 'motorcycle', 'other'] as const;
export const PERMIT_KINDS = ['owned_space', 'rented_space', 'monthly', 'temporary'] as const;
/** A date as people write it on a permit, in the site's own calendar. */
export const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const Phone = z.string().regex(/^[0-9+\-() ]{3,32}$/, 'a phone number: digits, spaces, + - ( )');
const Short = (max: number) => z.string().trim().max(max);

export const Permit = z.object({
  kind: z.enum(PERMIT_KINDS),
  number: Short(40).default(''),
  /** The space or area it gives (B1-023, 地面东区). */
  space: Short(40).default(''),
  validFrom: DateText,
  validTo: DateText,
});
export type Permit = z.infer<typeof Permit>;

/** A resident vehicle as the operator edits it; the plate is checked and stored in its one form. */
export const VehicleInput = z.object({
  id: Id.optional(),
  plate: z.string().min(1).max(16),
  owner: Short(60).min(1),
  building: Short(20).default(''),
  unit: Short(20).default(''),
  room: Short(20).default(''),
  phones: z.array(Phone).max(4).default([]),
  kind: z.enum(VEHICLE_KINDS).default('car'),
  colour: Short(20).default(''),
  permit: Permit.optional(),
  notes: Short(500).default(''),
  blacklisted: z.boolean().default(false),
});
export type VehicleInput = z.input<typeof VehicleInput>;

export const VehicleView = z.object({
  id: Id,
  plate: z.string(),
  series: z.enum(PLATE_SERIES),
  owner: z.string(),
  building: z.string(),
  unit: z.string(),
  room: z.string(),
  phones: z.array(z.string()),
  kind: z.enum(VEHICLE_KINDS),
  colour: z.string(),
  permit: Permit.optional(),
  notes: z.string(),
  blacklisted: z.boolean(),
  updatedAt: EpochMs,
});
export type VehicleView = z.infer<typeof VehicleView>;

/** A search hit: `exact` when the typed text is in the plate itself, else found through a camera's confusion. */
export const VehicleHit = VehicleView.extend({ exact: z.boolean() });
export type VehicleHit = z.infer<typeof VehicleHit>;

/** Why the file as a whole cannot be read, worded in `vehicles.import.refusal.<code>`. */
export const VEHICLE_IMPORT_REFUSALS = [
  'too_large',
  'unreadable',
  'no_header',
  'no_plate_column',
  'no_rows',
  'too_many_rows',
] as const;
/** What is wrong with one cell, worded in `vehicles.import.problem.<code>`. */
export const IMPORT_PROBLEMS = [
  ...PLATE_ERRORS.map((e) => `plate_${e}` as const),
  'plate_repeated',
  'owner_missing',
  'phone',
  'kind',
  'permit_kind',
  'date',
  'date_order',
  'too_long',
  'blacklist',
] as const;
export type ImportProblem = (typeof IMPORT_PROBLEMS)[number];
/** The columns a file may have, as the console names them; headers are matched in either language. */
export const IMPORT_COLUMNS = [
  'plate',
  'owner',
  'building',
  'unit',
  'room',
  'phones',
  'kind',
  'colour',
  'permitKind',
  'permitNumber',
  'space',
  'validFrom',
  'validTo',
  'notes',
  'blacklisted',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export const MAX_VEHICLE_IMPORT_ROWS = 100_000;
/** Base64 of at most 8 MB: a property office's list of some tens of thousands of cars. */
export const MAX_IMPORT_BASE64 = Math.ceil((8 * 1024 * 1024 * 4) / 3);

export const ImportFile = z
  .object({
    name: z.string().min(1).max(200),
    format: z.enum(['csv', 'xlsx']),
    base64: z.string().max(MAX_IMPORT_BASE64 + 16),
  })
  .strict();
export type ImportFile = z.infer<typeof ImportFile>;

export const ImportRowProblem = z.object({
  /** 1-based, as a spreadsheet numbers it (the header is row 1). */
  row: z.number().int().positive(),
  column: z.enum(IMPORT_COLUMNS),
  problem: z.enum(IMPORT_PROBLEMS),
  value: z.string().max(60),
});
export type ImportRowProblem = z.infer<typeof ImportRowProblem>;

export const VehicleImportPreview = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    rows: z.number().int().nonnegative(),
    good: z.number().int().nonnegative(),
    /** Rows whose plate is already on record: imported, they replace it. */
    replacing: z.number().int().nonnegative(),
    /** The first problems (at most 500), row by row. */
    problems: z.array(ImportRowProblem),
    badRows: z.number().int().nonnegative(),
    columns: z.array(z.enum(IMPORT_COLUMNS)),
    /** The first good rows, as they would be stored. */
    sample: z.array(VehicleView.omit({ id: true, updatedAt: true })).max(5),
  }),
  z.object({ ok: z.literal(false), refusal: z.enum(VEHICLE_IMPORT_REFUSALS) }),
]);
export type VehicleImportPreview = z.infer<typeof VehicleImportPreview>;

export const GATE_MATCHES = ['resident', 'visitor', 'expired', 'blacklisted', 'unknown'] as const;
export type GateMatch = (typeof GATE_MATCHES)[number];
/** `opened` by the gate or the console, `waiting` for the operator, `refused` by him, `passed` an exit. */
export const BARRIER_STATES = ['opened', 'waiting', 'refused'] as const;
export const GATE_DECISIONS = ['allow_once', 'visitor', 'refuse'] as const;
export type GateDecision = (typeof GATE_DECISIONS)[number];

export const GateReadView = z.object({
  id: z.number().int().positive(),
  readId: z.string(),
  gateId: Id,
  direction: z.enum(['in', 'out']),
  /** As read (normalized); `valid` says whether it is a plate at all. */
  plate: z.string(),
  valid: z.boolean(),
  confidence: z.number(),
  at: EpochMs,
  picture: z.string().optional(),
  match: z.enum(GATE_MATCHES),
  vehicle: VehicleView.optional(),
  visitorId: Id.optional(),
  /** Records whose plate differs from the read only by a camera's confusions (or one character). */
  near: z.array(VehicleView).max(3),
  barrier: z.enum(BARRIER_STATES),
  decision: z.enum(GATE_DECISIONS).optional(),
  decidedBy: z.string().optional(),
  decidedAt: EpochMs.optional(),
  /** No-parking violations on record for this plate (a repeat offender arriving). */
  offences: z.number().int().nonnegative().optional(),
});
export type GateReadView = z.infer<typeof GateReadView>;

export const VISITOR_STATES = ['expected', 'inside', 'left', 'cancelled'] as const;
export const VisitorInput = z
  .object({
    plate: z.string().min(1).max(16),
    /** Whom they visit. */
    building: Short(20).min(1),
    room: Short(20).default(''),
    host: Short(60).default(''),
    phone: z.union([Phone, z.literal('')]).default(''),
    purpose: Short(200).default(''),
    /** A zone id; absent: the site file's default. */
    area: Id.optional(),
    limitMin: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .optional(),
    /** A car announced before it arrives (预约): matched when its plate is read at a gate. */
    expected: z.boolean().default(false),
  })
  .strict();
export type VisitorInput = z.input<typeof VisitorInput>;

export const VisitorView = z.object({
  id: Id,
  plate: z.string(),
  building: z.string(),
  room: z.string(),
  host: z.string(),
  phone: z.string(),
  purpose: z.string(),
  area: Id.optional(),
  limitMin: z.number().int(),
  state: z.enum(VISITOR_STATES),
  registeredAt: EpochMs,
  registeredBy: z.string(),
  enteredAt: EpochMs.optional(),
  leftAt: EpochMs.optional(),
  /** Past its limit (the low-priority alarm was raised). */
  overstayed: z.boolean(),
});
export type VisitorView = z.infer<typeof VisitorView>;

export const GateView = z.object({
  id: Id,
  name: LocalizedText,
  zone: Id.optional(),
  camera: Id.optional(),
  /** The newest reads first. */
  reads: z.array(GateReadView),
});
export const GateDesk = z.object({
  gates: z.array(GateView),
  /** Reads that wait for the operator, oldest first. */
  waiting: z.array(GateReadView),
  /** Vehicles in now: entries not yet paired with an exit. */
  inside: z.number().int().nonnegative(),
  /** The site file's visitor defaults, for the visitor form. */
  visitorDefaults: z.object({ limitMin: z.number().int(), area: Id.optional() }),
});
export type GateDesk = z.infer<typeof GateDesk>;

/**
 * No-parking violations (违规停放): found (by an operator, a guard, or the fire-lane alarm), the owner phoned,
 * escalated to towing with the police when refused or overdue, closed with an outcome. Each step is kept.
 */
export const VIOLATION_STATES = ['open', 'notified', 'escalated', 'closed'] as const;
export const VIOLATION_OUTCOMES = ['moved', 'towed', 'false'] as const;
export type ViolationOutcome = (typeof VIOLATION_OUTCOMES)[number];
/** What the owner said on the phone: 'promised' to move it, no answer, or refused. */
export const CALL_RESULTS = ['promised', 'no_answer', 'refused'] as const;
export type CallResult = (typeof CALL_RESULTS)[number];
export const VIOLATION_STEP_KINDS = ['found', 'plate', 'call', 'overdue', 'escalated', 'closed'] as const;
export const VIOLATION_SOURCES = ['operator', 'guard', 'alarm'] as const;

export const ViolationStep = z.object({
  at: EpochMs,
  kind: z.enum(VIOLATION_STEP_KINDS),
  /** A call's result, a closing's outcome, a plate set later. */
  result: z.string().optional(),
  by: z.string(),
  note: z.string(),
});
export type ViolationStep = z.infer<typeof ViolationStep>;

export const ViolationView = z.object({
  id: Id,
  /** WT-000001: what people say on the phone and write in the log. */
  number: z.string(),
  /** Empty until someone reads it (an alarm names no plate). */
  plate: z.string(),
  area: Id,
  kind: z.enum(NO_PARKING_KINDS),
  source: z.enum(VIOLATION_SOURCES),
  foundAt: EpochMs,
  foundBy: z.string(),
  alarmId: z.string().optional(),
  /** The nearest camera's picture at the time it was found (play it back from `at`). */
  snapshot: z.object({ camera: Id, at: EpochMs }).optional(),
  /** The resident record of its plate: whom to phone. */
  vehicle: VehicleView.optional(),
  deadlineAt: EpochMs,
  state: z.enum(VIOLATION_STATES),
  /** Past its deadline while still standing (once marked, it stays: the record says it was late). */
  overdue: z.boolean(),
  outcome: z.enum(VIOLATION_OUTCOMES).optional(),
  closedAt: EpochMs.optional(),
  steps: z.array(ViolationStep),
  /** Violations on record for this plate, this one included. */
  offences: z.number().int().nonnegative(),
});
export type ViolationView = z.infer<typeof ViolationView>;

/** A plate with more than one violation in the window: listed, and flagged at the gate when it arrives. */
export const RepeatOffender = z.object({
  plate: z.string(),
  count: z.number().int().positive(),
  lastAt: EpochMs,
  lastArea: Id,
  owner: z.string().optional(),
});
export type RepeatOffender = z.infer<typeof RepeatOffender>;

export const NoParkingAreaView = z.object({
  id: Id,
  name: LocalizedText,
  kind: z.enum(NO_PARKING_KINDS),
  deadlineMin: z.number().int(),
});
export type NoParkingAreaView = z.infer<typeof NoParkingAreaView>;

const Note = z.string().trim().max(200).optional();
/** Not exported on its own: the contract file's one method table is `vehicleMethods`, which spreads these. */
const violationMethods = {
  'violations.list': method({
    input: NoInput,
    output: z.object({
      violations: z.array(ViolationView),
      offenders: z.array(RepeatOffender),
      areas: z.array(NoParkingAreaView),
      /** Police and traffic police numbers from the site's contacts, for the escalation card. */
      police: z.array(z.object({ name: LocalizedText, number: z.string() })),
    }),
    role: 'operator',
    mutates: false,
    summary:
      'Violations standing and those closed in the last day, repeat offenders (90 days), the no-parking areas.',
  }),
  'violations.open': method({
    input: z
      .object({
        plate: z.string().max(16).default(''),
        area: Id,
        /** A guard's name when a guard found it; absent: the operator did. */
        foundBy: z.string().trim().max(60).optional(),
        note: Note,
      })
      .strict(),
    output: ViolationView,
    role: 'operator',
    mutates: true,
    summary: 'Records a vehicle parked in a no-parking area; its deadline starts now.',
  }),
  'violations.setPlate': method({
    input: z.object({ id: Id, plate: z.string().min(1).max(16) }).strict(),
    output: ViolationView,
    role: 'operator',
    mutates: true,
    summary: 'Gives a violation opened without a plate (by an alarm) the plate someone read.',
  }),
  'violations.call': method({
    input: z.object({ id: Id, result: z.enum(CALL_RESULTS), note: Note }).strict(),
    output: ViolationView,
    role: 'operator',
    mutates: true,
    summary: 'Records the call to the owner and what came of it (logged in the duty log).',
  }),
  'violations.escalate': method({
    input: z.object({ id: Id, note: Note }).strict(),
    output: ViolationView,
    role: 'operator',
    mutates: true,
    summary: 'Sends a refused or overdue violation to towing with the police.',
  }),
  'violations.close': method({
    input: z.object({ id: Id, outcome: z.enum(VIOLATION_OUTCOMES), note: Note }).strict(),
    output: ViolationView,
    role: 'operator',
    mutates: true,
    summary: 'Closes a violation: the car moved, was towed, or the report was false.',
  }),
};

export const vehicleMethods = {
  ...violationMethods,
  'vehicles.search': method({
    input: z
      .object({ query: z.string().max(16), limit: z.number().int().min(1).max(200).default(50) })
      .strict(),
    output: z.object({ vehicles: z.array(VehicleHit), total: z.number().int() }),
    role: 'operator',
    mutates: false,
    summary:
      'Resident vehicles whose plate holds the typed part, also through a camera’s confusions (0/D/Q, 8/B, 1/I, 2/Z, 5/S).',
  }),
  'vehicles.save': method({
    input: VehicleInput,
    output: VehicleView,
    role: 'supervisor',
    mutates: true,
    summary:
      'Adds or changes a resident vehicle record (a plate already on record is refused for another id).',
  }),
  'vehicles.remove': method({
    input: z.object({ id: Id }).strict(),
    output: DoneReply,
    role: 'supervisor',
    mutates: true,
    summary: 'Removes a resident vehicle record.',
  }),
  'vehicles.importPreview': method({
    input: ImportFile,
    output: VehicleImportPreview,
    role: 'supervisor',
    mutates: false,
    summary:
      'Reads a CSV or .xlsx list of vehicles and says, row by row and column by column, what it would import.',
  }),
  'vehicles.import': method({
    input: z.object({ file: ImportFile, mode: z.enum(['all_or_nothing', 'good_rows']) }).strict(),
    output: z.object({
      imported: z.number().int(),
      skipped: z.number().int(),
      preview: VehicleImportPreview,
    }),
    role: 'supervisor',
    mutates: true,
    summary:
      'Imports the file in one transaction: every row or none (`all_or_nothing`), or the good rows only (`good_rows`, chosen by the operator).',
  }),
  'vehicles.export': method({
    input: z.object({ format: z.enum(['csv', 'xlsx']) }).strict(),
    output: z.object({ name: z.string(), base64: z.string(), rows: z.number().int() }),
    role: 'supervisor',
    mutates: false,
    summary: 'Every resident vehicle record as a CSV or .xlsx file in the import format.',
  }),
  'gates.desk': method({
    input: NoInput,
    output: GateDesk,
    role: 'operator',
    mutates: false,
    summary: 'The last reads per gate, the reads waiting for the operator, and how many vehicles are inside.',
  }),
  'gates.decide': method({
    input: z
      .object({
        id: z.number().int().positive(),
        decision: z.enum(GATE_DECISIONS),
        /** For `visitor`: the visitor to register with the read's plate. */
        visitor: VisitorInput.omit({ plate: true, expected: true }).optional(),
        note: z.string().trim().max(200).optional(),
      })
      .strict()
      .refine((d) => d.decision !== 'visitor' || d.visitor, {
        message: 'a visitor decision needs the visitor',
        path: ['visitor'],
      }),
    output: GateReadView,
    role: 'operator',
    mutates: true,
    summary:
      'Decides a waiting read: open once, register a visitor and open, or refuse; told to the gate through the hub and logged.',
  }),
  'visitors.list': method({
    input: NoInput,
    output: z.object({ visitors: z.array(VisitorView) }),
    role: 'operator',
    mutates: false,
    summary: 'Visitors expected or inside now, and those who left today.',
  }),
  'visitors.register': method({
    input: VisitorInput,
    output: VisitorView,
    role: 'operator',
    mutates: true,
    summary:
      'Registers a visitor vehicle at the gate, or one expected later (matched when its plate is read).',
  }),
  'visitors.release': method({
    input: z.object({ id: Id }).strict(),
    output: VisitorView,
    role: 'operator',
    mutates: true,
    summary: 'Ends a visit by hand (the car left unseen, or an expected one did not come).',
  }),
};

export const vehicleEvents = {
  /** A read arrived or was decided; with the count inside after it. */
  'gates.read': z.object({ read: GateReadView, inside: z.number().int().nonnegative() }),
  'visitors.changed': z.object({ visitors: z.array(VisitorView) }),
  /** A violation was opened or moved on (or went overdue). */
  'violations.changed': z.object({ violation: ViolationView }),
};
