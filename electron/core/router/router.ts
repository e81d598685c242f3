import type { z } from 'zod';
import {
  type ContractError,
  describeIssues,
  type Envelope,
  type ErrorCode,
  type EventName,
  isMethodName,
  issuesOf,
  methods,
  type MethodDef,
  type MethodName,
  type Methods,
  type OperatorView,
  roleAllows,
} from '../../../shared/contract';
import { DISK_FULL_MESSAGE, isDiskFull, ServiceError } from '../errors';
import type { Logger } from '../../common/log';

export type Carrier = 'ipc' | 'ws' | 'memory';

/** One renderer connection: a window over IPC, a browser tab over the web host, a test client. */
export interface Session {
  id: string;
  carrier: Carrier;
  operator: OperatorView | null;
  /**
   * Where the calls come from: the carrier and, for the web host, the peer's address. Wrong passwords slow down
   * sign-ins from their source, not the account everywhere.
   */
  source: string;
  /** The lock screen is up: the router answers only methods marked `whileLocked`. */
  locked: boolean;
  /** Sends an event to this session alone (its sign-in ended); the carrier sets it. */
  push?: (name: EventName, payload: unknown) => void;
}

/**
 * Alarms keep arriving at a locked console (the lock screen lists them and the tones sound), and so do the hub's
 * link state, its events and the notices: a locked console must still show a fire. Guard positions, cameras,
 * playbook runs and the rest wait until the operator unlocks; the page reloads them then.
 */
const SHOWN_WHILE_LOCKED: ReadonlySet<string> = new Set<EventName>([
  'alarms.changed',
  'alarms.escalated',
  'alarms.disaster',
  'alarms.muted',
  'hub.status',
  'hub.event',
  'notice',
]);

/** Whether a core event goes to this session: none to a signed-out one, the alarm side only while locked. */
export function receivesEvent(session: Session, name: string): boolean {
  if (!session.operator) return false;
  return !session.locked || SHOWN_WHILE_LOCKED.has(name);
}

export interface CallContext {
  session: Session;
}

/** A feature's part of the contract, e.g. `typeof alarmMethods`. */
export type MethodTable = Record<string, MethodDef>;

/** One handler per method of a feature's own table, typed from its schemas (input parsed, output checked). */
export type FeatureHandlers<M extends MethodTable> = {
  [K in keyof M]: (
    input: z.output<M[K]['input']>,
    ctx: CallContext,
  ) => Promise<z.output<M[K]['output']>> | z.output<M[K]['output']>;
};

/**
 * Every method's handler. `Methods` is every feature's table spread together, so this is the intersection of
 * the features' handler maps: a table built from them does not compile while any method lacks its handler.
 */
export type Handlers = FeatureHandlers<Methods>;

export interface Router {
  call(method: unknown, input: unknown, session: Session): Promise<Envelope<unknown>>;
}

function refuse(
  code: ErrorCode,
  message: string,
  more: Omit<ContractError, 'code' | 'message'> = {},
): Envelope<never> {
  return { ok: false, error: { code, message, ...more } };
}

/**
 * The single gate every carrier goes through: unknown method, insufficient role, a locked session and bad
 * input are refused here, for every method, before any service runs.
 */
export function createRouter(
  handlers: Handlers,
  log: Logger,
  onRefusal?: (info: RefusalInfo) => void | Promise<void>,
): Router {
  return {
    async call(name, rawInput, session) {
      if (!isMethodName(name)) {
        log.warn('refused unknown method', { method: String(name).slice(0, 100), session: session.id });
        return refuse('unknown_method', `There is no method "${String(name).slice(0, 100)}".`);
      }
      const def = methods[name];
      if (def.role !== 'public') {
        if (!session.operator) {
          await onRefusal?.({ method: name, session, code: 'unauthenticated' });
          return refuse('unauthenticated', 'Sign in first: this needs an operator on duty.');
        }
        if (!roleAllows(session.operator.role, def.role)) {
          await onRefusal?.({ method: name, session, code: 'forbidden' });
          log.warn('refused by role', { method: name, operator: session.operator.id, need: def.role });
          return refuse(
            'forbidden',
            `"${name}" needs the ${def.role} role; ${session.operator.name} is signed in as ${session.operator.role}.`,
            { reason: 'role_needed', params: { role: def.role } },
          );
        }
      }
      if (session.locked && !def.whileLocked) {
        await onRefusal?.({ method: name, session, code: 'locked' });
        return refuse('locked', `This console is locked: unlock it before "${name}".`, {
          reason: 'session_locked',
        });
      }
      const parsed = def.input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        log.warn('refused invalid input', { method: name, problems: describeIssues(parsed.error) });
        return refuse('invalid_input', `Invalid input for ${name}: ${describeIssues(parsed.error)}`, {
          issues: issuesOf(parsed.error),
        });
      }
      try {
        const handler = handlers[name] as (input: unknown, ctx: CallContext) => unknown;
        const value = await handler(parsed.data, { session });
        // Outputs are checked too: nothing unplanned (a Date, a credential) leaves the core.
        const out = def.output.safeParse(value);
        if (!out.success) {
          log.error('service returned a value outside the contract', {
            method: name,
            problems: describeIssues(out.error),
          });
          return refuse(
            'internal',
            `The console produced an invalid answer for ${name}; this is a bug and was logged.`,
          );
        }
        return { ok: true, value: out.data };
      } catch (err) {
        if (err instanceof ServiceError)
          return refuse(err.code, err.message, {
            ...(err.reason ? { reason: err.reason } : {}),
            ...(err.params ? { params: err.params } : {}),
          });
        // SQLite rolled the whole transaction back: say so plainly rather than as a bug.
        if (isDiskFull(err)) {
          log.error('refused for want of disk space', { method: name, error: (err as Error).message });
          return refuse('unavailable', DISK_FULL_MESSAGE);
        }
        log.error('service failed', { method: name, error: (err as Error).stack ?? String(err) });
        return refuse('internal', `${name} failed: ${(err as Error).message}`);
      }
    },
  };
}

export interface RefusalInfo {
  method: MethodName;
  session: Session;
  code: 'unauthenticated' | 'forbidden' | 'locked';
}
