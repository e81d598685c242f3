import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface SiteJson {
  zones: Array<{ id: string }>;
  cameras: Array<{ id: string }>;
  routes: Array<{ id: string; checkpoints: Array<{ id: string }> }>;
  guards: Array<{ id: string; devices?: string[] }>;
}

/** Every id of the demo site a person must never read: zones, cameras, routes and checkpoints, guards and their phones. */
export function demoSiteIds(): string[] {
  const site = JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../../resources/demo-site/site.json'), 'utf8'),
  ) as SiteJson;
  return [
    ...site.zones.map((z) => z.id),
    ...site.cameras.map((c) => c.id),
    ...site.routes.flatMap((r) => [r.id, ...r.checkpoints.map((c) => c.id)]),
    ...site.guards.flatMap((g) => [g.id, ...(g.devices ?? [])]),
  ];
}

/**
 * The ids that occur in `text` as words of their own. A hub's device address such as `det-bldg-01-2` is not the
 * zone `bldg-01`; "bldg-01." at the end of a sentence is.
 */
export function siteIdsIn(text: string, ids: readonly string[] = demoSiteIds()): string[] {
  return ids.filter((id) => {
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^A-Za-z0-9._-])${escaped}($|[^A-Za-z0-9_-])`).test(text);
  });
}
