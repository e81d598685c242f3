import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { issuesOf } from '../../shared/contract';
import { SiteFile } from '../../shared/domain/site';
import { shippedResource } from './resources';

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

export const PLAN_MIME: Record<string, string> = {
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
  if (!PLAN_MIME[extname(planPath).toLowerCase()]) {
    throw new SiteFileError(file, [{ path: 'plan.image', message: 'must be .svg, .png, .jpg or .webp' }]);
  }
  try {
    readFileSync(planPath);
  } catch {
    throw new SiteFileError(file, [{ path: 'plan.image', message: `file not found: ${planPath}` }]);
  }
  return { file, site, planPath };
}
