import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const site = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../resources/demo-site/site.json'), 'utf8'),
) as { guards: Array<{ id: string; devices: string[] }> };

/** The device id (the phone's secret) the demo site gives a guard's phone, e.g. `demoPhone('guard-03')`. */
export function demoPhone(guardId: string): string {
  const id = site.guards.find((g) => g.id === guardId)?.devices[0];
  if (!id) throw new Error(`the demo site has no phone for ${guardId}`);
  return id;
}
