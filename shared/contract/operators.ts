/** Accounts, sign-in, the lock screen: the operators feature's part of the contract. */
import { z } from 'zod';
import { EpochMs, Id, method, Role } from './common';

const Empty = z.object({}).strict();
const Done = z.object({ done: z.literal(true) });

export const OperatorView = z.object({ id: Id, name: z.string(), role: Role });
export type OperatorView = z.infer<typeof OperatorView>;

export const SessionView = z.object({ operator: OperatorView.nullable() });

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'at least 2 characters')
  .max(32)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use letters, digits, dot, dash or underscore');
/** Long enough to resist guessing at the console; the slow hash does the rest. */
export const NewPassword = z.string().min(8, 'at least 8 characters').max(200);
export const Password = z.string().min(1, 'enter the password').max(200);
export const PersonName = z.string().trim().min(1).max(40);

export const Credentials = z.object({ username: Username, password: Password }).strict();

export const OperatorAccount = OperatorView.extend({
  username: z.string(),
  active: z.boolean(),
  lockedUntil: EpochMs.optional(),
  lastLoginAt: EpochMs.optional(),
});
export type OperatorAccount = z.infer<typeof OperatorAccount>;

export const AuthStatus = z.object({
  /** No account exists yet: the console asks for the first administrator. */
  needsSetup: z.boolean(),
  /** Minutes without input before the screen locks. */
  lockAfterMin: z.number().int().positive(),
});

export const SignedIn = z.object({
  operator: OperatorView,
  /** Lets the same tab sign back in after a reload or a lost link, until sign-out. */
  resumeToken: z.string(),
});

export const operatorMethods = {
  'session.current': method({
    input: Empty,
    output: SessionView,
    role: 'public',
    mutates: false,
    summary: 'The operator signed in on this session, if any.',
  }),
  'auth.status': method({
    input: Empty,
    output: AuthStatus,
    role: 'public',
    mutates: false,
    summary: 'Whether the first administrator must be created, and the lock-screen delay.',
  }),
  'auth.setup': method({
    input: z.object({ username: Username, name: PersonName, password: NewPassword }).strict(),
    output: SignedIn,
    role: 'public',
    mutates: true,
    summary: 'First start only: create the first administrator account and sign it in.',
  }),
  'auth.login': method({
    input: Credentials,
    output: SignedIn,
    role: 'public',
    mutates: true,
    summary: 'Sign in (or switch the operator of this console) and join the shift.',
  }),
  'auth.resume': method({
    input: z.object({ token: z.string().min(16).max(200) }).strict(),
    output: z.object({ operator: OperatorView }),
    role: 'public',
    mutates: true,
    summary:
      'Sign this window back in after a reload or a restart of the console with the token from sign-in.',
  }),
  'auth.logout': method({
    input: z.object({ leaveShift: z.boolean().default(true) }).strict(),
    output: Done,
    role: 'operator',
    mutates: true,
    summary: 'Sign out of this console (and, by default, off the shift).',
  }),
  'auth.unlock': method({
    input: z.object({ password: Password }).strict(),
    output: Done,
    role: 'operator',
    mutates: true,
    summary: "Check the signed-in operator's password to lift the lock screen (failures count to lockout).",
  }),
  'operators.list': method({
    input: Empty,
    output: z.object({ operators: z.array(OperatorAccount) }),
    role: 'supervisor',
    mutates: false,
    summary: 'Every account with its role and lockout state (never a password hash).',
  }),
  'operators.save': method({
    input: z
      .object({
        id: Id.optional(),
        username: Username,
        name: PersonName,
        role: Role,
        password: NewPassword.optional(),
        active: z.boolean().default(true),
      })
      .strict(),
    output: OperatorAccount,
    role: 'admin',
    mutates: true,
    summary: 'Create an account or change one; a new password also lifts a lockout.',
  }),
};

export const operatorEvents = {};
