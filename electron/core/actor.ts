import type { Session } from './router/router';

/** Who did something, as the audit log, the trails and the duty log record it. */
export interface Actor {
  id: string;
  name: string;
}

/** What the console does by itself (escalations, engines, retention). */
export const SYSTEM: Actor = { id: 'system', name: 'system' };

/** The signed-in operator of a call. */
export function actorOf(session: Session): Actor {
  // The router has already refused calls without an operator for every non-public method.
  return { id: session.operator!.id, name: session.operator!.name };
}
