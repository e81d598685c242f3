/**
 * Training and certificates (issue 18): the certificate kinds a control room keeps (GB 25506 wants the fire
 * control room's operators certified as 消防设施操作员), the site's rule for signing on with an expired one, and
 * when a certificate counts as expiring or expired in the site's own calendar. Pure: the core keeps the records,
 * these decide.
 */
import { z } from 'zod';
import { fromLocal, localParts } from './rounds';

export const CERTIFICATE_KINDS = [
  /** 消防设施操作员 (formerly 建(构)筑物消防员): what GB 25506 asks of the fire control room's operators. */
  'fire_facility_operator',
  /** 保安员证 */
  'security_guard',
  /** 特种作业操作证 (电工) */
  'electrician',
  /** 急救员证 */
  'first_aid',
  'other',
] as const;
export const CertificateKind = z.enum(CERTIFICATE_KINDS);
export type CertificateKind = z.infer<typeof CertificateKind>;

/** The national vocational levels: 5 五级/初级工 … 1 一级/高级技师. */
export const CertificateLevel = z.number().int().min(1).max(5);

export const TRAINING_RESULTS = ['passed', 'failed', 'attended'] as const;
export const TrainingResult = z.enum(TRAINING_RESULTS);
export type TrainingResult = z.infer<typeof TrainingResult>;

export const SIGN_ON_RULES = ['refuse', 'warn', 'allow'] as const;
export type SignOnRule = (typeof SIGN_ON_RULES)[number];

/**
 * The site file's `training` section. `expiryNoticeDays`: how far ahead an expiring certificate is told to the
 * supervisor. `fireDesk`: the certificate an operator on duty at this (fire control room) desk must hold, and what
 * signing on does when theirs has expired or they have none — refused, warned (a notice, the duty log) or let be.
 * Only the operator role is ever refused: a supervisor or an administrator is warned instead, so someone can
 * always sign in to record a renewed certificate.
 */
export const SiteTraining = z
  .object({
    expiryNoticeDays: z.number().int().min(1).max(365).default(30),
    fireDesk: z
      .object({
        certificate: CertificateKind.default('fire_facility_operator'),
        expired: z.enum(SIGN_ON_RULES).default('warn'),
        missing: z.enum(SIGN_ON_RULES).default('allow'),
      })
      .strict()
      .default({ certificate: 'fire_facility_operator', expired: 'warn', missing: 'allow' }),
  })
  .strict();
export type SiteTraining = z.output<typeof SiteTraining>;
export const DEFAULT_SITE_TRAINING: SiteTraining = SiteTraining.parse({});

/** A calendar day as written in a record ("2026-05-31"). */
export interface DayParts {
  y: number;
  m: number;
  d: number;
}

export function parseDay(day: string): DayParts {
  const [y, m, d] = day.split('-').map(Number);
  return { y: y ?? 1970, m: m ?? 1, d: d ?? 1 };
}

function addDays(day: DayParts, n: number): DayParts {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** Whole calendar days from `a` to `b` (negative when `b` is earlier). */
function daysBetween(a: DayParts, b: DayParts): number {
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000);
}

export type CertificateStatus = 'valid' | 'expiring' | 'expired';

export interface CertificateTiming {
  status: CertificateStatus;
  /** Calendar days left in the site's time zone: 0 on the expiry day itself, negative once expired. */
  daysLeft: number;
  /** The instant it stops being valid: the local midnight after its expiry day (valid through that day). */
  endsAt: number;
  /** The instant it starts counting as expiring: local midnight `noticeDays` days before its expiry day. */
  noticeFrom: number;
}

/**
 * A certificate is valid through its expiry day in the site's calendar (a certificate "valid until 31 March" is
 * good all of that day in Shanghai, whatever the machine's zone); it is expiring from local midnight
 * `noticeDays` calendar days before (so 30 days before 1 March is 30 January, across February's short month).
 */
export function certificateTiming(
  expiresOn: string,
  now: number,
  timeZone: string,
  noticeDays: number,
): CertificateTiming {
  const expiry = parseDay(expiresOn);
  const today = localParts(now, timeZone);
  const daysLeft = daysBetween(today, expiry);
  const endsAt = fromLocal(addDays(expiry, 1), 0, timeZone);
  const noticeFrom = fromLocal(addDays(expiry, -noticeDays), 0, timeZone);
  const status: CertificateStatus = now >= endsAt ? 'expired' : now >= noticeFrom ? 'expiring' : 'valid';
  return { status, daysLeft, endsAt, noticeFrom };
}

export type SignOnVerdict =
  | { verdict: 'ok' }
  | {
      verdict: 'warn' | 'refuse';
      why: 'expired' | 'missing';
      /** The newest certificate of the kind, when there is one (the expired one). */
      expiresOn?: string;
    };

/**
 * What signing on to the fire desk does for a person of `role` holding `expiries` (the expiry days of their
 * certificates of the desk's kind). The newest certificate decides: a renewed one replaces the old.
 */
export function signOnVerdict(
  rule: SiteTraining['fireDesk'],
  role: 'operator' | 'supervisor' | 'admin',
  expiries: readonly string[],
  now: number,
  timeZone: string,
): SignOnVerdict {
  const newest = [...expiries].sort().at(-1);
  const soften = (r: SignOnRule): SignOnRule => (r === 'refuse' && role !== 'operator' ? 'warn' : r);
  if (newest === undefined) {
    const r = soften(rule.missing);
    return r === 'allow' ? { verdict: 'ok' } : { verdict: r, why: 'missing' };
  }
  if (certificateTiming(newest, now, timeZone, 1).status !== 'expired') return { verdict: 'ok' };
  const r = soften(rule.expired);
  return r === 'allow' ? { verdict: 'ok' } : { verdict: r, why: 'expired', expiresOn: newest };
}
