import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file or folder the console ships in `resources/` (the demo site, the playbooks). The source layout (tsx,
 * vitest) has this file two levels below the root (electron/common), the bundled one (out/main) too.
 */
export function shippedResource(path: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '..']) {
    const candidate = resolve(here, up, 'resources', path);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`resources/${path} is missing near ${here}`);
}
