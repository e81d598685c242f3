import { afterEach } from 'vitest';

/**
 * What the tests of a file started and must stop: push a stop, and after each test they run newest first. A stop
 * that fails is passed over, so that it never hides the test's own failure nor leaves the rest running.
 */
export function closedAfterEach(): Array<() => Promise<unknown>> {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });
  return closers;
}
