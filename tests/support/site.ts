import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SiteFileInput } from '../../shared/domain/site';

export const DEMO_SITE_DIR = resolve(import.meta.dirname, '../../resources/demo-site');

type Camera = NonNullable<SiteFileInput['cameras']>[number];
export type CameraStreams = Camera['streams'];

/** The demo site, changed by `change` and written with its plan into `dir`; returns the site file's path. */
export function writeDemoSite(dir: string, change: (site: SiteFileInput) => void): string {
  const site = JSON.parse(readFileSync(join(DEMO_SITE_DIR, 'site.json'), 'utf8')) as SiteFileInput;
  change(site);
  // A test that keeps fewer cameras than the demo's: the no-parking areas' nearest cameras it dropped go with them.
  const cameras = new Set((site.cameras ?? []).map((c) => c.id));
  for (const area of site.noParking?.areas ?? [])
    if (area.camera && !cameras.has(area.camera)) delete area.camera;
  copyFileSync(join(DEMO_SITE_DIR, 'plan.svg'), join(dir, 'plan.svg'));
  const file = join(dir, 'site.json');
  writeFileSync(file, JSON.stringify(site, null, 2));
  return file;
}

/** One camera per entry of `streams` (cam-01, cam-02, …), placed and named like the demo's, cycling through them. */
export function camerasWithStreams(
  demo: readonly Camera[],
  streams: readonly CameraStreams[],
  extra: Partial<Camera> = {},
): Camera[] {
  return streams.map((s, i) => ({
    ...demo[i % demo.length]!,
    ...extra,
    id: `cam-${String(i + 1).padStart(2, '0')}`,
    streams: s,
  }));
}

/** A wall of `total` cameras: the first `live` on a real RTSP server's /camN and /camN/sub, the rest synthetic. */
export function wallStreams(rtspUrl: (path: string) => string, total: number, live = 4): CameraStreams[] {
  return Array.from({ length: total }, (_, i) =>
    i < live
      ? { main: rtspUrl(`/cam${i + 1}`), sub: rtspUrl(`/cam${i + 1}/sub`) }
      : { main: 'synthetic:testsrc2', sub: 'synthetic:testsrc2' },
  );
}
