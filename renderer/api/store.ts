import { createContext, useContext, useSyncExternalStore, type Context } from 'react';

/** A small live store per topic; components read it with useStore and re-render only on change. */
export interface Store<T> {
  get(): T;
  set(next: T | ((prev: T) => T)): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      const v = typeof next === 'function' ? (next as (prev: T) => T)(value) : next;
      if (Object.is(v, value)) return;
      value = v;
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

/**
 * A feature's store handed down by the app: the context the app provides and the hook the feature's
 * components (and other features, through its index.ts) read it with.
 */
export function featureContext<T>(feature: string): [Context<T | null>, () => T] {
  const context = createContext<T | null>(null);
  const use = () => {
    const value = useContext(context);
    if (!value) throw new Error(`the ${feature} store is read outside the console's providers`);
    return value;
  };
  return [context, use];
}
