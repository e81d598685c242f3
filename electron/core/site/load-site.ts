import { mergeSchedule } from '../../../shared/domain/patrol';
import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { issuesOf } from '../../../shared/contract';
import type { CameraView, SiteView } from '../../../shared/contract';
import { SiteFile } from '../../../shared/domain/site';
import { redactUrl } from '../util/redact';
import { shippedResource } from '../util/resources';

export class SiteFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(`Site file ${file} is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'SiteFileError';
  }
}

export interface LoadedSite {
  file: string;
  site: SiteFile;
  planPath: string;
}

const MIME: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** The site shipped with the console, used when no --site is given. */
export function demoSitePath(): string {
  return shippedResource('demo-site/site.json');
}

export function loadSite(file: string): LoadedSite {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SiteFileError(file, [{ path: '(file)', message: `cannot be read: ${(err as Error).message}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new SiteFileError(file, [{ path: '(file)', message: `is not JSON: ${(err as Error).message}` }]);
  }
  const parsed = SiteFile.safeParse(json);
  if (!parsed.success) throw new SiteFileError(file, issuesOf(parsed.error));
  const site = parsed.data;
  const planPath = isAbsolute(site.plan.image) ? site.plan.image : resolve(dirname(file), site.plan.image);
  if (!MIME[extname(planPath).toLowerCase()]) {
    throw new SiteFileError(file, [{ path: 'plan.image', message: 'must be .svg, .png, .jpg or .webp' }]);
  }
  try {
    readFileSync(planPath);
  } catch {
    throw new SiteFileError(file, [{ path: 'plan.image', message: `file not found: ${planPath}` }]);
  }
  return { file, site, planPath };
}

export function cameraView(camera: SiteFile['cameras'][number]): CameraView {
  return {
    id: camera.id,
    name: camera.name,
    zone: camera.zone,
    position: camera.position,
    heading: camera.heading,
    profiles: camera.streams.sub ? ['main', 'sub'] : ['main'],
    source: redactUrl(camera.streams.main),
  };
}

/** What the renderer may see of the site: no stream credentials, no device ids, the plan inline. */
export function siteView(loaded: LoadedSite): SiteView {
  const { site } = loaded;
  const mime = MIME[extname(loaded.planPath).toLowerCase()] ?? 'application/octet-stream';
  const imageUrl = `data:${mime};base64,${readFileSync(loaded.planPath).toString('base64')}`;
  return {
    name: site.name,
    address: site.address,
    plan: { imageUrl, bounds: site.plan.bounds },
    zones: site.zones,
    cameras: site.cameras.map(cameraView),
    timeZone: site.timeZone,
    patrol: site.patrol,
    routes: site.routes.map((r) => ({ ...r, schedule: mergeSchedule(site.patrol, r.schedule) })),
    guards: site.guards.map(({ devices: _devices, ...guard }) => guard),
    contacts: site.contacts,
  };
}
