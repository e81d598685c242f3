import { createClient, createFrameTransport, type ConsoleClient } from '../../../shared/contract';
import type { Router, Session } from '../router/router';
import type { EventBus } from '../util/bus';
import { attachFrameEndpoint } from './frames';

/**
 * Client and core joined in one process. Frames still go through JSON, so what passes here would pass
 * over the WebSocket too (no Dates, no class instances).
 */
export function connectInMemory(
  router: Router,
  bus: EventBus,
  session: Session,
): { client: ConsoleClient; close(): void } {
  let endpoint: ReturnType<typeof attachFrameEndpoint> | undefined;
  const side = createFrameTransport((text) => queueMicrotask(() => endpoint?.receive(text)));
  endpoint = attachFrameEndpoint({
    router,
    bus,
    session,
    send: (text) => queueMicrotask(() => side.receive(text)),
  });
  return {
    client: createClient(side.transport),
    close: () => {
      endpoint?.close();
      endpoint = undefined;
      side.failPending('the in-memory carrier was closed');
    },
  };
}
