import { randomUUID } from 'node:crypto';

export type IdGenerator = () => string;

export const randomIds: IdGenerator = () => randomUUID();

/** Predictable ids for tests: `prefix-1`, `prefix-2`, ... */
export function sequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
