/** The duty log (值班记录): automatic and manual entries, filters, CSV. */
import { z } from 'zod';
import { EpochMs, Id, InBothLanguages, method } from './common';
import { MANUAL_KINDS } from '../domain/handover';

export const DutyEntry = z.object({
  id: z.number().int(),
  at: EpochMs,
  kind: z.string(),
  text: z.string(),
  alarmId: z.string().optional(),
  cameraId: z.string().optional(),
  operatorId: z.string().optional(),
  operatorName: z.string().optional(),
  manual: z.boolean(),
  followUp: z.boolean(),
  /** The entry this one corrects or closes (entries are never edited). */
  refId: z.number().int().optional(),
  shiftId: z.string().optional(),
  sealed: z.boolean(),
  /** The console's own text with the site's ids named in each language (the stored text is kept as it is). */
  named: InBothLanguages.optional(),
});
export type DutyEntry = z.infer<typeof DutyEntry>;

export const DutyFilter = z
  .object({
    kinds: z.array(z.string().min(1).max(40)).max(40).optional(),
    from: EpochMs.optional(),
    to: EpochMs.optional(),
    search: z.string().trim().max(100).optional(),
    manual: z.boolean().optional(),
    followUp: z.boolean().optional(),
    shiftId: Id.optional(),
  })
  .strict();
export type DutyFilter = z.infer<typeof DutyFilter>;

export const dutyMethods = {
  'duty.list': method({
    input: z
      .object({
        filter: DutyFilter.default({}),
        limit: z.number().int().min(1).max(500).default(100),
        before: z.number().int().optional(),
      })
      .strict(),
    output: z.object({ entries: z.array(DutyEntry), more: z.boolean() }),
    role: 'operator',
    mutates: false,
    summary: 'Duty-log entries, newest first, filtered, a page at a time.',
  }),
  'duty.add': method({
    input: z
      .object({
        kind: z.enum(MANUAL_KINDS),
        text: z.string().trim().min(1, 'write what happened').max(2000),
        alarmId: z.string().min(1).max(64).optional(),
        cameraId: Id.optional(),
        followUp: z.boolean().default(false),
        refId: z.number().int().positive().optional(),
      })
      .strict(),
    output: DutyEntry,
    role: 'operator',
    mutates: true,
    summary: 'A manual entry; a correction or a closed follow-up names the entry it refers to.',
  }),
  'duty.exportCsv': method({
    input: z.object({ filter: DutyFilter.default({}) }).strict(),
    output: z.object({ csv: z.string(), rows: z.number().int() }),
    role: 'operator',
    mutates: false,
    summary: 'The filtered duty log as CSV (UTF-8 with BOM).',
  }),
};

export const dutyEvents = {};
