import type { z } from 'zod';
import {
  describeIssues,
  type Envelope,
  type ErrorCode,
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
import type { Logger } from '../util/log';

export type Carrier = 'ipc' | 'ws' | 'memory';

/** One renderer connection: a window over IPC, a browser tab over the web host, a test client. */
export interface Session {
  id: string;
  carrier: Carrier;
  operator: OperatorView | null;
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
  issues?: { path: string; message: string }[],
): Envelope<never> {
  return { ok: false, error: issues ? { code, message, issues } : { code, message } };
}

/**
 * The single gate every carrier goes through: unknown method, bad input and insufficient role are refused
 * here, for every method, before any service runs.
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
          );
        }
      }
      const parsed = def.input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        log.warn('refused invalid input', { method: name, problems: describeIssues(parsed.error) });
        return refuse(
          'invalid_input',
          `Invalid input for ${name}: ${describeIssues(parsed.error)}`,
          issuesOf(parsed.error),
        );
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
        if (err instanceof ServiceError) return refuse(err.code, err.message);
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
  code: 'unauthenticated' | 'forbidden';
}
