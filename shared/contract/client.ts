/**
 * The typed client every renderer and test uses. It sees only a Transport, so it cannot tell Electron IPC,
 * the web host's WebSocket and the in-memory test pair apart.
 */
import type { ContractError, Envelope, ErrorCode } from './common';
import { events, type EventName, type EventPayload } from './events';
import type { MethodInput, MethodName, MethodOutput } from './methods';
import type { ServerFrame } from './wire';

export interface Transport {
  invoke(method: string, input: unknown): Promise<Envelope<unknown>>;
  listen(listener: (name: string, payload: unknown) => void): () => void;
}

export class ContractCallError extends Error {
  readonly code: ErrorCode;
  readonly issues: ContractError['issues'];
  readonly reason: ContractError['reason'];
  readonly params: ContractError['params'];
  constructor(error: ContractError) {
    super(error.message);
    this.name = 'ContractCallError';
    this.code = error.code;
    this.issues = error.issues;
    this.reason = error.reason;
    this.params = error.params;
  }
}

type OptionalWhenEmpty<T> = Record<string, never> extends T ? [T?] : [T];

export interface ConsoleClient {
  /** Input may be left out for methods whose input has no required field. */
  call<M extends MethodName>(
    method: M,
    ...input: OptionalWhenEmpty<MethodInput<M>>
  ): Promise<MethodOutput<M>>;
  /** Raw envelope, for callers that show refusals instead of throwing. */
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Envelope<MethodOutput<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createClient(
  transport: Transport,
  onInvalidEvent?: (name: string, why: string) => void,
): ConsoleClient {
  const invoke = async <M extends MethodName>(method: M, input: MethodInput<M>) =>
    (await transport.invoke(method, input ?? {})) as Envelope<MethodOutput<M>>;
  return {
    invoke,
    async call(method, ...rest) {
      const envelope = await invoke(method, (rest[0] ?? {}) as MethodInput<typeof method>);
      if (!envelope.ok) throw new ContractCallError(envelope.error);
      return envelope.value;
    },
    on(event, listener) {
      const schema = events[event];
      return transport.listen((name, payload) => {
        if (name !== event) return;
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          onInvalidEvent?.(name, parsed.error.message);
          return;
        }
        listener(parsed.data as EventPayload<typeof event>);
      });
    },
  };
}

/**
 * The calling half of a frame carrier: numbers calls, matches results, fans events out. `send` moves a
 * string to the core; feed every string from the core to `receive`.
 */
export function createFrameTransport(
  send: (text: string) => void,
  options: { maxFrameBytes?: number } = {},
): {
  transport: Transport;
  receive(text: string): void;
  failPending(reason: string): void;
} {
  let nextId = 1;
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const listeners = new Set<(name: string, payload: unknown) => void>();
  return {
    transport: {
      invoke(method, input) {
        const id = nextId++;
        return new Promise((resolve) => {
          const text = JSON.stringify({ t: 'call', id, method, input });
          const max = options.maxFrameBytes;
          // Sent anyway, it would cost the whole session (the carrier closes it): refuse this one call instead.
          if (max !== undefined && text.length > max / 3 && new TextEncoder().encode(text).length > max) {
            resolve({
              ok: false,
              error: {
                code: 'invalid_input',
                message: `This request is ${(text.length / 1e6).toFixed(1)} MB, more than the console takes in one call (${(max / 1e6).toFixed(1)} MB).`,
              },
            });
            return;
          }
          pending.set(id, resolve);
          try {
            send(text);
          } catch (err) {
            pending.delete(id);
            resolve({
              ok: false,
              error: {
                code: 'unavailable',
                message: `Not connected to the console core: ${(err as Error).message}`,
              },
            });
          }
        });
      },
      listen(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    receive(text) {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(text) as ServerFrame;
      } catch {
        return;
      }
      if (frame.t === 'result') {
        const resolve = pending.get(frame.id);
        pending.delete(frame.id);
        resolve?.(frame.envelope);
      } else if (frame.t === 'event') {
        for (const l of listeners) l(frame.name, frame.payload);
      }
    },
    failPending(reason) {
      for (const [id, resolve] of pending) {
        pending.delete(id);
        resolve({ ok: false, error: { code: 'unavailable', message: reason } });
      }
    },
  };
}
