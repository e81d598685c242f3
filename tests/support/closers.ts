import { afterEach } from 'vitest';

/** What the tests of a file started and must stop after each test. */
export interface Closers {
  /** Runs `stop` after the test. */
  push(stop: () => Promise<unknown>): void;
  /** Starts `thing` (a simulator, a source) and stops it after the test. */
  started<T extends { start(): Promise<unknown>; stop(): Promise<unknown> }>(thing: T): Promise<T>;
}

/**
 * The stops of what a test started run after it, newest first. A stop that fails is passed over, so that it never
 * hides the test's own failure nor leaves the rest running.
 */
export function closedAfterEach(): Closers {
  const stops: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  });
  return {
    push: (stop) => void stops.push(stop),
    async started(thing) {
      await thing.start();
      stops.push(() => thing.stop());
      return thing;
    },
  };
}
