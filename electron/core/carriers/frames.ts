import { ClientFrame, type ContractError, type EventName, type ServerFrame } from '../../../shared/contract';
import { receivesEvent, type Router, type Session } from '../router/router';
import type { EventBus } from '../util/bus';

/**
 * A frame-based carrier endpoint (web host WebSocket, in-memory pair): decodes calls, runs them through
 * the router and pushes core events. The transport only moves strings.
 */
export function attachFrameEndpoint(options: {
  router: Router;
  bus: EventBus;
  session: Session;
  send: (text: string) => void;
  onBadFrame?: (reason: string) => void;
  /** A refusal for a call the carrier will not run (over its rate), answered as the call's error envelope. */
  admit?: (method: string) => ContractError | undefined;
  /** Calls still running beyond this are refused at once: a client cannot queue unbounded work. */
  maxPending?: number;
}): { receive(text: string): void; close(): void } {
  const { router, bus, session, send } = options;
  let pending = 0;
  const push = (name: EventName, payload: unknown) => {
    const frame: ServerFrame = { t: 'event', name, payload };
    send(JSON.stringify(frame));
  };
  // The core tells this window alone when it ends its sign-in.
  session.push = push;
  const unsubscribe = bus.subscribe((name: EventName, payload: unknown) => {
    // Alarms, positions and the rest are for operators on duty, not for a signed-out window; a locked one gets
    // the alarm side only.
    if (receivesEvent(session, name)) push(name, payload);
  });
  return {
    receive(text) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        options.onBadFrame?.('not JSON');
        return;
      }
      const frame = ClientFrame.safeParse(json);
      if (!frame.success) {
        options.onBadFrame?.('not a call frame');
        return;
      }
      const { id, method, input } = frame.data;
      const reply = (envelope: ServerFrame & { t: 'result' }) => send(JSON.stringify(envelope));
      const refusal =
        options.maxPending !== undefined && pending >= options.maxPending
          ? {
              code: 'unavailable' as const,
              reason: 'too_many_requests' as const,
              message:
                `Too many requests from this window at once: ${options.maxPending} calls are still running. ` +
                'Wait a few seconds and try again; if this keeps happening, reload the page and tell the administrator.',
            }
          : options.admit?.(String(method).slice(0, 100));
      if (refusal) {
        reply({ t: 'result', id, envelope: { ok: false, error: refusal } });
        return;
      }
      pending++;
      void router
        .call(method, input, session)
        .then((envelope) => reply({ t: 'result', id, envelope }))
        .catch((err: Error) => {
          options.onBadFrame?.(`the call failed outside the router: ${err.message}`);
          try {
            reply({
              t: 'result',
              id,
              envelope: {
                ok: false,
                error: { code: 'internal', message: `${method} failed; this was logged.` },
              },
            });
          } catch {
            // The carrier is gone; nobody is left to answer.
          }
        })
        .finally(() => pending--);
    },
    close: unsubscribe,
  };
}
