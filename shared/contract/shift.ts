/** Shifts and the handover (交接班): who is on duty, the report, both signatures, the seal. */
import { z } from 'zod';
import { EpochMs, Id, InBothLanguages, method, NoInput } from './common';
import { Credentials, OperatorView } from './operators';
import { Locale } from '../domain/text';
import { CarryItem } from '../domain/handover';

export const OnDuty = z.object({ operator: OperatorView, since: EpochMs });

export const ShiftView = z.object({
  id: Id,
  startedAt: EpochMs,
  endedAt: EpochMs.optional(),
  onDuty: z.array(OnDuty),
  /** Fire control rooms need two operators per shift. */
  understaffed: z.boolean(),
  sealedAt: EpochMs.optional(),
  outgoing: z.array(z.string()).optional(),
  incoming: z.array(z.string()).optional(),
});
export type ShiftView = z.infer<typeof ShiftView>;

export const ShiftStats = z.object({
  byType: z.record(z.string(), z.number().int()),
  total: z.number().int(),
  acknowledged: z.number().int(),
  acknowledgedWithinTarget: z.number().int(),
  ackP50Ms: z.number().nullable(),
  ackP90Ms: z.number().nullable(),
  resolved: z.number().int(),
  resolvedWithinTarget: z.number().int(),
  open: z.number().int(),
  dutyEntries: z.number().int(),
  manualEntries: z.number().int(),
  /** The gates and parking in the shift (issue 17): cars inside at the report, decisions, overstays, violations. */
  vehicles: z
    .object({
      inside: z.number().int(),
      gateDecisions: z.number().int(),
      overstays: z.number().int(),
      violationsFound: z.number().int(),
    })
    .optional(),
});
export type ShiftStats = z.infer<typeof ShiftStats>;

export const HandoverReport = z.object({
  /**
   * 2: carried-over items carry their structured fields (`deviceKind`, `detail`, a device's `zone`). Reports
   * sealed before have no version and are shown from their items' text. The sealed JSON is never rewritten.
   */
  version: z.literal(2).optional(),
  shiftId: Id,
  from: EpochMs,
  to: EpochMs,
  operators: z.array(z.string()),
  items: z.array(CarryItem),
  stats: ShiftStats,
});
export type HandoverReport = z.infer<typeof HandoverReport>;

export const SealCheck = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  /** The duty-log id (or 0 for the shift record itself) that no longer matches. */
  brokenAt: z.number().int().optional(),
  reason: z.string().optional(),
});

/** A carried-over item as people read it. The label is derived when shown, never sealed. */
export const CarryItemView = CarryItem.extend({ label: InBothLanguages });
export type CarryItemView = z.infer<typeof CarryItemView>;

export const HandoverReportView = HandoverReport.extend({ items: z.array(CarryItemView) });
export type HandoverReportView = z.infer<typeof HandoverReportView>;

/** One duty-log entry of a sealed shift. */
export const RecordEntry = z.object({
  id: z.number().int(),
  at: EpochMs,
  kind: z.string(),
  /** A manual entry exactly as written; the console's own with the site's ids named in each language. */
  text: InBothLanguages,
  operatorName: z.string().optional(),
  manual: z.boolean(),
  followUp: z.boolean(),
  refId: z.number().int().optional(),
  /** What a manual entry was linked to, named: the alarm (priority, type, zone) and the camera. */
  alarm: InBothLanguages.optional(),
  camera: InBothLanguages.optional(),
});
export type RecordEntry = z.infer<typeof RecordEntry>;

/**
 * The sealed shift record (交接班记录) as the incoming operator and an inspector read it, on screen and in the
 * PDF, in this order. Everything here is derived from the sealed report, the sealed duty-log range and the site
 * file when it is shown; only ids and the entries themselves are sealed.
 */
export const ShiftRecord = z.object({
  shiftId: Id,
  site: InBothLanguages,
  /** The site's clock: every time in the record is shown in it. */
  timeZone: z.string(),
  from: EpochMs,
  to: EpochMs,
  outgoing: z.array(z.string()),
  incoming: z.array(z.string()),
  /** Everyone who was on duty during the shift. */
  operators: z.array(z.string()),
  /** What the outgoing operator wrote for the incoming one when signing. */
  note: RecordEntry.optional(),
  items: z.array(CarryItemView),
  /** Every manual entry and follow-up of the shift, in full, oldest first (the handover note apart). */
  manual: z.array(RecordEntry),
  /** The console's own entries by kind, the largest group first, oldest entry first within a group. */
  automatic: z.array(z.object({ kind: z.string(), entries: z.array(RecordEntry) })),
  /** How many duty-log entries the seal covers. */
  entryCount: z.number().int(),
  stats: ShiftStats,
  signatures: z.object({
    signers: z.array(z.object({ role: z.enum(['outgoing', 'incoming']), name: z.string(), at: EpochMs })),
    sealedAt: EpochMs,
    sealHash: z.string(),
    /** Checked again each time the record is shown. */
    check: SealCheck,
  }),
});
export type ShiftRecord = z.infer<typeof ShiftRecord>;

export const shiftMethods = {
  'shift.current': method({
    input: NoInput,
    output: ShiftView,
    role: 'operator',
    mutates: false,
    summary: 'The open shift and who is on duty.',
  }),
  'shift.join': method({
    input: Credentials,
    output: ShiftView,
    role: 'operator',
    mutates: true,
    summary: 'A second operator signs on to the shift with their password, without taking over this console.',
  }),
  'shift.leave': method({
    input: z.object({ operatorId: Id }).strict(),
    output: ShiftView,
    role: 'operator',
    mutates: true,
    summary: 'An operator goes off duty (logged).',
  }),
  'shift.report': method({
    input: NoInput,
    output: HandoverReportView,
    role: 'operator',
    mutates: false,
    summary: 'The handover report of the open shift as it stands now: items to carry over and statistics.',
  }),
  'shift.handover': method({
    input: z
      .object({
        outgoing: Credentials,
        incoming: Credentials,
        /** Keys of the carried-over items the incoming operator has acknowledged: all of them are needed. */
        acknowledged: z.array(z.string().max(200)).max(5000),
        note: z.string().trim().max(2000).optional(),
      })
      .strict(),
    output: z.object({ sealed: ShiftView, next: ShiftView, operator: OperatorView, resumeToken: z.string() }),
    role: 'operator',
    mutates: true,
    summary: 'Both operators sign with their passwords; the shift is sealed and the next one starts.',
  }),
  'shift.list': method({
    input: z.object({ limit: z.number().int().min(1).max(200).default(30) }).strict(),
    output: z.object({ shifts: z.array(ShiftView) }),
    role: 'operator',
    mutates: false,
    summary: 'Shifts, newest first.',
  }),
  'shift.get': method({
    input: z.object({ id: Id }).strict(),
    output: z.object({
      shift: ShiftView,
      report: HandoverReport.nullable(),
      check: SealCheck.nullable(),
      /** The sealed record as people read it; null while the shift is open. */
      record: ShiftRecord.nullable(),
    }),
    role: 'operator',
    mutates: false,
    summary:
      'One shift with its sealed report, its record as people read it, and a fresh check that nothing changed since sealing.',
  }),
  'shift.pdf': method({
    input: z.object({ id: Id, locale: Locale }).strict(),
    output: z.object({ fileName: z.string(), pdf: z.string() }),
    role: 'operator',
    mutates: false,
    summary: "A sealed shift's record as a PDF (base64) in the operator's language.",
  }),
};

export const shiftEvents = {
  /** Who is on duty changed, or a shift was sealed and a new one began. */
  'shift.changed': ShiftView,
};
