import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = resolve(import.meta.dirname, '..');

export default defineConfig({
  main: {
    root,
    build: {
      outDir: resolve(root, 'out/main'),
      // The shell, and the console core it runs as a utility process of its own (core-process.ts).
      rolldownOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          core: resolve(root, 'electron/main/core-process.ts'),
        },
      },
    },
  },
  preload: {
    root,
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload cannot require() packages: everything it uses (zod, the contract) is inlined.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // Class private fields (react-resizable-panels) lowered: Electronegativity's parser cannot read them, and
      // it must read what ships (lint:electron). Chromium runs either.
      target: 'es2021',
      chunkSizeWarningLimit: 2000,
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
