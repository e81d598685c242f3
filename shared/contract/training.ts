/**
 * Training and certificates (issue 18): operators' and guards' training records (培训记录) and certificates
 * (证书) with their expiry, and the fire desk's sign-on rule. Anyone on duty reads them; a supervisor keeps them.
 */
import { z } from 'zod';
import { EpochMs, Id, InBothLanguages, method, NoInput } from './common';
import { CertificateKind, CertificateLevel, SIGN_ON_RULES, TrainingResult } from '../domain/training';

const Text = (max: number) => z.string().trim().min(1).max(max);
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-05-31')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(d);
  }, 'not a date of the calendar');

/** Whose record: an operator's account or a guard of the site file. */
export const PersonRef = z.object({ kind: z.enum(['operator', 'guard']), id: Id }).strict();
export type PersonRef = z.infer<typeof PersonRef>;

/** A guard's name is the site file's, in both languages; an account's is the same in both. */
export const TrainingPerson = PersonRef.extend({ name: InBothLanguages });
export type TrainingPerson = z.infer<typeof TrainingPerson>;

export const TrainingRecordInput = z
  .object({
    /** Absent: a new record. */
    id: Id.optional(),
    person: PersonRef,
    course: Text(80),
    on: Day,
    hours: z.number().min(0.5).max(500),
    trainer: Text(60),
    result: TrainingResult,
    note: z.string().trim().max(500).optional(),
  })
  .strict();
export type TrainingRecordInput = z.infer<typeof TrainingRecordInput>;

export const TrainingRecordView = TrainingRecordInput.required({ id: true }).extend({
  personName: InBothLanguages,
  updatedBy: z.string(),
  updatedAt: EpochMs,
});
export type TrainingRecordView = z.infer<typeof TrainingRecordView>;

export const CertificateInput = z
  .object({
    id: Id.optional(),
    person: PersonRef,
    kind: CertificateKind,
    level: CertificateLevel.optional(),
    number: Text(40),
    issuedOn: Day,
    expiresOn: Day,
    issuedBy: Text(80),
  })
  .strict()
  .refine((c) => c.expiresOn > c.issuedOn, {
    path: ['expiresOn'],
    message: 'the expiry date must come after the issue date',
  });
export type CertificateInput = z.infer<typeof CertificateInput>;

export const CertificateView = z.object({
  id: Id,
  person: PersonRef,
  personName: InBothLanguages,
  kind: CertificateKind,
  level: CertificateLevel.optional(),
  number: z.string(),
  issuedOn: z.string(),
  expiresOn: z.string(),
  issuedBy: z.string(),
  /** In the site's calendar, against the site's notice lead. */
  status: z.enum(['valid', 'expiring', 'expired']),
  /** 0 on the expiry day, negative once expired. */
  daysLeft: z.number().int(),
  /** A newer certificate of the same kind for the same person replaces this one (it is kept, not counted). */
  superseded: z.boolean(),
  updatedBy: z.string(),
  updatedAt: EpochMs,
});
export type CertificateView = z.infer<typeof CertificateView>;

export const TrainingSettings = z.object({
  expiryNoticeDays: z.number().int(),
  fireDesk: z.object({
    certificate: CertificateKind,
    expired: z.enum(SIGN_ON_RULES),
    missing: z.enum(SIGN_ON_RULES),
  }),
});

export const TrainingList = z.object({
  /** Everyone a record can be about: the accounts (active ones) and the site file's guards. */
  people: z.array(TrainingPerson),
  records: z.array(TrainingRecordView),
  certificates: z.array(CertificateView),
  settings: TrainingSettings,
});
export type TrainingList = z.infer<typeof TrainingList>;

export const trainingMethods = {
  'training.list': method({
    input: NoInput,
    output: TrainingList,
    role: 'operator',
    mutates: false,
    summary:
      "Everyone's training records and certificates (expired and expiring ones marked in the site's calendar), and the fire desk's sign-on rule.",
  }),
  'training.saveRecord': method({
    input: TrainingRecordInput,
    output: TrainingRecordView,
    role: 'supervisor',
    mutates: true,
    summary:
      'Record a training session someone attended (course, date, hours, trainer, result), or correct one.',
  }),
  'training.removeRecord': method({
    input: z.object({ id: Id }).strict(),
    output: z.object({ done: z.literal(true) }),
    role: 'supervisor',
    mutates: true,
    summary: 'Remove a training record entered by mistake (audited).',
  }),
  'training.saveCertificate': method({
    input: CertificateInput,
    output: CertificateView,
    role: 'supervisor',
    mutates: true,
    summary:
      'Record a certificate (kind, level, number, issue and expiry dates, issuing body), or correct one; a renewal is a new certificate.',
  }),
  'training.removeCertificate': method({
    input: z.object({ id: Id }).strict(),
    output: z.object({ done: z.literal(true) }),
    role: 'supervisor',
    mutates: true,
    summary: 'Remove a certificate entered by mistake (audited).',
  }),
};

export const trainingEvents = {
  /** Records or certificates changed (or a day passed that changed a status): read the list again. */
  'training.changed': z.object({}),
};
