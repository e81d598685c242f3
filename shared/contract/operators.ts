/** Accounts, sign-in, the lock screen: the operators feature's part of the contract. */
import { z } from 'zod';
import { DoneReply, EpochMs, Id, method, NoInput, Role } from './common';

export const OperatorView = z.object({ id: Id, name: z.string(), role: Role });
export type OperatorView = z.infer<typeof OperatorView>;

export const SessionView = z.object({
  operator: OperatorView.nullable(),
  /** The lock screen is up on this session (it survives a reload: the resume token carries it). */
  locked: z.boolean(),
});

/** Why the core ended a window's sign-in; the sign-in screen says it in the operator's language. */
export const SessionEndReason = z.enum(['deactivated', 'role_changed', 'password_changed', 'signed_out']);
export type SessionEndReason = z.infer<typeof SessionEndReason>;

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'at least 2 characters')
  .max(32)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use letters, digits, dot, dash or underscore');
/**
 * Long enough to resist guessing at the console; the slow hash does the rest. The core also refuses the most
 * common passwords and ones made of the user's or the site's name (it knows those; the schema does not).
 */
export const NewPassword = z.string().min(8, 'at least 8 characters').max(200);
export const Password = z.string().min(1, 'enter the password').max(200);
export const PersonName = z.string().trim().min(1).max(40);

export const Credentials = z.object({ username: Username, password: Password }).strict();

export const OperatorAccount = OperatorView.extend({
  username: z.string(),
  active: z.boolean(),
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
  /**
   * Lets the same tab sign back in after a reload or a lost link. Single-use: each resume answers with the next
   * one. It ends at sign-out, a change to the account, or after the idle time the administrator set (default 12 h).
   */
  resumeToken: z.string(),
});

const ResumeToken = z.object({ token: z.string().min(16).max(200) }).strict();

export const operatorMethods = {
  'session.current': method({
    input: NoInput,
    output: SessionView,
    role: 'public',
    mutates: false,
    whileLocked: true,
    summary: 'The operator signed in on this session, if any, and whether its lock screen is up.',
  }),
  'auth.status': method({
    input: NoInput,
    output: AuthStatus,
    role: 'public',
    mutates: false,
    whileLocked: true,
    summary: 'Whether the first administrator must be created, and the lock-screen delay.',
  }),
  'auth.setup': method({
    input: z.object({ username: Username, name: PersonName, password: NewPassword }).strict(),
    output: SignedIn,
    role: 'public',
    mutates: true,
    whileLocked: true,
    summary: 'First start only: create the first administrator account and sign it in.',
  }),
  'auth.login': method({
    input: Credentials,
    output: SignedIn,
    role: 'public',
    mutates: true,
    // The lock screen's "another operator" signs in over the lock.
    whileLocked: true,
    summary:
      'Sign in (or switch the operator of this console) and join the shift. Unknown user and wrong password read the same; wrong passwords slow down further tries from the same source.',
  }),
  'auth.resume': method({
    input: ResumeToken,
    output: SignedIn.extend({ locked: z.boolean() }),
    role: 'public',
    mutates: true,
    whileLocked: true,
    summary:
      'Sign this window back in after a reload or a restart of the console with its token (used up: the answer carries the next one); a locked window stays locked.',
  }),
  'auth.windowToken': method({
    input: NoInput,
    output: z.object({ resumeToken: z.string() }),
    role: 'operator',
    mutates: true,
    summary:
      'A single-use sign-in token for a window this one opens (the pop-out wall), so it starts signed in as the same operator.',
  }),
  'auth.logout': method({
    input: z.object({ leaveShift: z.boolean().default(true) }).strict(),
    output: DoneReply,
    role: 'operator',
    mutates: true,
    summary:
      "Sign out of this console (and, by default, off the shift); the operator's other windows are signed out too.",
  }),
  'auth.lock': method({
    input: NoInput,
    output: DoneReply,
    role: 'operator',
    mutates: true,
    whileLocked: true,
    summary:
      'Put up the lock screen: until unlock only the lock screen is answered; alarms keep arriving. Audited.',
  }),
  'auth.unlock': method({
    input: z.object({ password: Password }).strict(),
    output: DoneReply,
    role: 'operator',
    mutates: true,
    whileLocked: true,
    summary:
      "Check the signed-in operator's password to lift the lock screen (wrong ones slow down further tries). Audited.",
  }),
  'operators.list': method({
    input: NoInput,
    output: z.object({ operators: z.array(OperatorAccount) }),
    role: 'supervisor',
    mutates: false,
    summary: 'Every account with its role and last sign-in (never a password hash).',
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
    summary:
      "Create an account or change one. Deactivating it, changing its role or setting its password ends the account's open sessions at once.",
  }),
};

export const operatorEvents = {
  /** Sent to one session alone, never broadcast: the core ended its sign-in (the page shows the sign-in screen). */
  'session.ended': z.object({ reason: SessionEndReason }),
};
