import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { CameraView, SiteView } from '../../../shared/contract';
import { mergeSchedule } from '../../../shared/domain/patrol';
import type { SiteFile } from '../../../shared/domain/site';
import { redactUrl } from '../../common/redact';
import { PLAN_MIME, type LoadedSite } from '../../common/site-file';

export function cameraView(camera: SiteFile['cameras'][number]): CameraView {
  return {
    id: camera.id,
    name: camera.name,
    zone: camera.zone,
    position: camera.position,
    heading: camera.heading,
    video: camera.video,
    profiles: camera.streams.sub ? ['main', 'sub'] : ['main'],
    source: redactUrl(camera.streams.main),
  };
}

/** What the renderer may see of the site: no stream credentials, no device ids, the plan inline. */
export function siteView(loaded: LoadedSite): SiteView {
  const { site } = loaded;
  const mime = PLAN_MIME[extname(loaded.planPath).toLowerCase()] ?? 'application/octet-stream';
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
    noParking: site.noParking.areas,
  };
}
