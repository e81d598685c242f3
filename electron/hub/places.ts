/**
 * Where an equipment alarm goes on the site map. The source's mapping in the site file may place the device
 * (`position` on a DC-09 zone, a GB/T 26875 placement, an MQTT or webhook device); a camera is where the site file's
 * `cameras` has it; anything else sits at the centre of its site zone. An alarm with none of these has no place.
 */
import { centroid, type LatLon } from '../../shared/domain/geo';
import type { SiteFile } from '../../shared/domain/site';
import type { SourceReport } from './sources/source';

export type Placer = (
  report: Pick<SourceReport, 'location' | 'zone' | 'cameras' | 'device'>,
) => LatLon | undefined;

export function sitePlacer(site: Pick<SiteFile, 'zones' | 'cameras'>): Placer {
  const zoneCentres = new Map(site.zones.map((z) => [z.id, centroid(z.polygon)]));
  const cameraPositions = new Map(
    site.cameras.flatMap((c) => (c.position ? [[c.id, c.position] as const] : [])),
  );
  return (report) => {
    if (report.location) return report.location;
    if (report.device.kind === 'camera') {
      const at = report.cameras?.map((c) => cameraPositions.get(c)).find((p) => p !== undefined);
      if (at) return at;
    }
    return report.zone !== undefined ? zoneCentres.get(report.zone) : undefined;
  };
}
