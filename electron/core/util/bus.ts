import type { EventName, EventPayload } from '../../../shared/contract';

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/**
 * The core's outgoing events; every carrier subscribes and forwards to its renderers. Features listen too, to
 * facts the infrastructure publishes here (`hub.status`, `streams.status`) instead of being called by it.
 */
export class EventBus {
  private listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch {
        // One broken carrier must not stop the others from hearing the event.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One topic only. */
  on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void {
    return this.subscribe((n: EventName, payload: unknown) => {
      if (n === name) handler(payload as EventPayload<E>);
    });
  }
}
