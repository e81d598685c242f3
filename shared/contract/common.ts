import { z } from 'zod';

/** Roles in rising order of authority; a method names the lowest role that may call it. */
export const ROLES = ['operator', 'supervisor', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** `public` methods answer before anyone has logged in (what the login screen needs). */
export type Access = 'public' | Role;

/** The input of a method that takes nothing: an empty object and no more. */
export const NoInput = z.object({}).strict();
/** The reply of a method whose only news is that it was done. */
export const DoneReply = z.object({ done: z.literal(true) });

export function roleAllows(have: Role, need: Access): boolean {
  if (need === 'public') return true;
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

export const ERROR_CODES = [
  'unknown_method',
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'unavailable',
  'internal',
  /** The session's lock screen is up: only the calls the lock screen needs are answered. */
  'locked',
  /** Sign-in attempts from this source come too fast after wrong passwords: wait and try again. */
  'too_many_attempts',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * Refusals the page words in the operator's own language (`call.reason.<reason>` in shared/i18n): the core's
 * `message` is English, for logs and tests; these carry what the operator must know to act.
 */
export const REFUSAL_REASONS = [
  'wrong_credentials',
  'too_many_attempts',
  'password_common',
  'password_personal',
  'session_locked',
  'sign_in_ended',
  'camera_credentials_host',
  /** A window sent more calls than the console runs for one window at once or per second. */
  'too_many_requests',
  /** The site hub is not connected now: what only the hub knows cannot be asked. */
  'hub_offline',
  /** The hub answered a question with something this console cannot read. */
  'hub_bad_answer',
  /** The method is for a higher role; params: `role` (operator, supervisor, admin). */
  'role_needed',
  /** An evidence clip was asked for a range no linked camera has any recording of. */
  'nothing_recorded',
  /** An evidence clip was asked of an alarm or incident that names no camera. */
  'no_linked_cameras',
  /** The camera's NVR did not answer (or refused the search); params: `host`. */
  'nvr_unreachable',
  /** Not a Chinese plate (shared/domain/plate.ts); params: `error`, one of PLATE_ERRORS. */
  'plate_invalid',
  /** Another vehicle record has this plate; params: `plate`. */
  'plate_taken',
  /**
   * Signing on to the fire desk with an expired certificate of the kind the site requires (site file
   * `training.fireDesk`); params: `kind` (a certificate kind), `expiresOn` (YYYY-MM-DD).
   */
  'certificate_expired',
  /** Signing on to the fire desk without any certificate of the required kind; params: `kind`. */
  'certificate_missing',
  /** A quarterly review of a quarter already reviewed; params: `quarter` (YYYY-Qn). */
  'quarter_reviewed',
  /** A quarterly review held outside its window; params: `quarter`, `first`, `latest` (YYYY-MM-DD). */
  'review_day_outside',
  /** A quarterly review dated after today; params: `day` (YYYY-MM-DD). */
  'review_day_future',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export const ContractIssue = z.object({ path: z.string(), message: z.string() });
export const ContractError = z.object({
  code: ErrorCode,
  message: z.string(),
  issues: z.array(ContractIssue).optional(),
  reason: z.enum(REFUSAL_REASONS).optional(),
  /** Values the reason's sentence names (seconds to wait, why a sign-in ended). */
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type ContractError = z.infer<typeof ContractError>;

/** What crosses every carrier: plain data only, never an Error or a class instance. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ContractError };

export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  role: Access;
  /** Changes state: audited, and part of the role matrix test. */
  mutates: boolean;
  /**
   * Answered while the session's lock screen is up: what the lock screen shows (waiting alarms, the site's names,
   * the hub and notices) and what lifts it. Everything else is refused with `locked` until the operator unlocks.
   */
  whileLocked?: true;
  summary: string;
}

export function method<I extends z.ZodType, O extends z.ZodType>(def: MethodDef<I, O>): MethodDef<I, O> {
  return def;
}

/** Turns zod issues into `cameras[3].streams.main: message` lines a person can act on. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

export function issuesOf(error: z.ZodError): z.infer<typeof ContractIssue>[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

export function describeIssues(error: z.ZodError): string {
  return issuesOf(error)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
}

export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, dot, dash or underscore');
export const EpochMs = z.number().int().nonnegative();

/** A text the core has already put into each language (names from the site file, never ids). */
export const InBothLanguages = z.object({ 'zh-CN': z.string(), en: z.string() });
export type InBothLanguages = z.infer<typeof InBothLanguages>;
