import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs `electron-vite build` when out/ is missing or older than the sources. */
export function buildIfNeeded(root: string, log: (line: string) => void): void {
  const marker = join(root, 'out/renderer/index.html');
  const mainBundle = join(root, 'out/main/index.js');
  const sources = Math.max(
    ...['renderer', 'shared', 'electron/main', 'electron/preload'].map((d) => newestMtime(join(root, d))),
  );
  if (existsSync(marker) && existsSync(mainBundle) && statSync(marker).mtimeMs >= sources) return;
  log('Building the console (first start or sources changed)...');
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/electron-vite/bin/electron-vite.js'),
      'build',
      '--config',
      'electron/electron.vite.config.ts',
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) throw new Error('the build failed; see the messages above');
}
