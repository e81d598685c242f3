/** Chromium and the built console page, as the benchmarks that measure the page need them. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '../../support/tools';
import { log } from './harness';

const root = resolve(import.meta.dirname, '../../..');

/** Debian's headless Chromium, as the e2e tests run it. */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the renderer if it was never built (`npm run build`), and says whether the build is older than the
 * renderer/ or shared/ sources: the page measured is the last build, which may not be the code being read.
 */
export function ensureRendererBuilt(): { stale: boolean } {
  const marker = join(root, 'out/renderer/index.html');
  if (!existsSync(marker)) {
    log('out/renderer/index.html is missing: npm run build');
    const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (b.status !== 0) throw new Error('npm run build failed');
  }
  const stale =
    statSync(marker).mtimeMs <
    Math.max(newestMtime(join(root, 'renderer')), newestMtime(join(root, 'shared')));
  if (stale)
    log('NOTE: out/renderer is older than renderer/ or shared/ sources; the page measured is the last build');
  return { stale };
}
