import { ClientFrame, type EventName, type ServerFrame } from '../../../shared/contract';
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
}): { receive(text: string): void; close(): void } {
  const { router, bus, session, send } = options;
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
      void router.call(method, input, session).then((envelope) => {
        const reply: ServerFrame = { t: 'result', id, envelope };
        send(JSON.stringify(reply));
      });
    },
    close: unsubscribe,
  };
}
