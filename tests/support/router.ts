import type { OperatorView } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';

/** What the router answers a refused call with. */
export interface Refusal {
  code: string;
  message: string;
  reason?: string;
}
type Core = Pick<ConsoleCore, 'router' | 'openSession'>;

/**
 * A call through the core's router as `who`, in a fresh in-memory session: the role, input and output checks a
 * window's call gets. The value; a refusal throws, naming the method and the code.
 */
export async function callAs<T = unknown>(
  core: Core,
  who: OperatorView,
  method: string,
  input: unknown = {},
): Promise<T> {
  const r = await core.router.call(method, input, core.openSession('memory', who));
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

/** The router's refusal of a call as `who`, or undefined when it was answered. */
export async function refusalOf(
  core: Core,
  who: OperatorView,
  method: string,
  input: unknown = {},
): Promise<Refusal | undefined> {
  const r = await core.router.call(method, input, core.openSession('memory', who));
  return r.ok ? undefined : (r.error as Refusal);
}
