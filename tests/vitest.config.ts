import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: resolve(import.meta.dirname, '..'),
  test: {
    // Integration tests start real servers and child processes; keep runs isolated and bounded.
    pool: 'forks',
    // Both cores: vitest's default (cores - 1) is one worker on CI's 2-core machine, and most of these tests wait on
    // sockets and child processes rather than compute, so a second worker nearly halves the run.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['tests/{unit,contract,integration}/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        // The renderer's stores and components, in a browser-like DOM.
        extends: true,
        test: { name: 'renderer', include: ['tests/renderer/**/*.test.{ts,tsx}'], environment: 'jsdom' },
      },
    ],
  },
});
