import {
  createClient,
  type AlarmView,
  type ConsoleClient,
  type ContractError,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodOutput,
  type Transport,
} from '../../shared/contract';

type Handler<M extends MethodName> = (
  input: Record<string, unknown>,
) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type Handlers = { [M in MethodName]?: Handler<M> };

/** A refusal as the core's router sends it. */
export class Refusal extends Error {
  constructor(readonly error: ContractError) {
    super(error.message);
  }
}

/**
 * The core as a renderer store sees it, in memory: methods answered by `handlers` (every call is recorded),
 * events pushed with `emit` and checked against the contract by the real client, as on a real carrier.
 */
export function fakeCore(handlers: Handlers = {}): {
  client: ConsoleClient;
  calls: { method: string; input: unknown }[];
  callsOf(method: MethodName): unknown[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
} {
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const calls: { method: string; input: unknown }[] = [];
  const transport: Transport = {
    async invoke(method, input) {
      calls.push({ method, input });
      const handler = handlers[method as MethodName] as Handler<MethodName> | undefined;
      if (!handler) return { ok: false, error: { code: 'unknown_method', message: `no ${method} here` } };
      try {
        return { ok: true, value: await handler(input as Record<string, unknown>) };
      } catch (err) {
        if (err instanceof Refusal) return { ok: false, error: err.error };
        throw err;
      }
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    client: createClient(transport, (name, why) => {
      throw new Error(`test event ${name} is outside the contract: ${why}`);
    }),
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.input),
    emit: (event, payload) => listeners.forEach((l) => l(event, payload)),
  };
}

/** An alarm as the core describes it; `overrides` set what the test is about. */
export function alarm(overrides: Partial<AlarmView> = {}): AlarmView {
  return {
    id: 'a1',
    source: 'hub',
    sourceId: 'hub-1',
    type: 'smoke',
    priority: 2,
    zone: 'b5',
    cameras: [],
    raisedAt: 1_000,
    receivedAt: 1_000,
    lastSeenAt: 1_000,
    count: 1,
    state: 'new',
    held: false,
    drill: false,
    ...overrides,
  };
}

/** Lets promises already settled run their callbacks (a reply's `.then`, a fetch started by a store). */
export const settle = () => new Promise<void>((r) => setTimeout(r, 0));
