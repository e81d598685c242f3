import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: resolve(import.meta.dirname, '..'),
  test: {
    // Integration tests start real servers and child processes; keep runs isolated and bounded.
    pool: 'forks',
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
