/**
 * No-parking violations (违规停放, issue 17): which area a report is about, how long it may take, which camera's
 * picture shows it. Pure: the core and the tests share them.
 */
import { centroid, insidePolygon, nearest, type LatLon } from './geo';
import type { NoParking, NoParkingAreaDef } from './site';

/** Minutes a violation in this area may stand before it is overdue and goes to towing. */
export function deadlineMinOf(noParking: NoParking, area: Pick<NoParkingAreaDef, 'kind' | 'deadlineMin'>) {
  return (
    area.deadlineMin ?? (area.kind === 'fire_lane' ? noParking.fireLaneDeadlineMin : noParking.deadlineMin)
  );
}

/**
 * The area an alarm is about: one that names the alarm's zone, else one holding its position, else (for a
 * fire-lane alarm that says neither) the site's first fire lane.
 */
export function areaForAlarm(
  areas: readonly NoParkingAreaDef[],
  alarm: { zone?: string | undefined; location?: LatLon | undefined },
): NoParkingAreaDef | undefined {
  const byZone = alarm.zone ? areas.find((a) => a.zone === alarm.zone) : undefined;
  if (byZone) return byZone;
  const { location } = alarm;
  const byPlace = location ? areas.find((a) => insidePolygon(location, a.polygon)) : undefined;
  return byPlace ?? areas.find((a) => a.kind === 'fire_lane');
}

/** The camera whose picture stands for the area: its own, else the nearest one with a position. */
export function cameraForArea(
  area: Pick<NoParkingAreaDef, 'camera' | 'polygon'>,
  cameras: readonly { id: string; position?: LatLon | undefined }[],
): string | undefined {
  if (area.camera) return area.camera;
  return nearest(centroid(area.polygon), cameras, (c) => c.position)?.item.id;
}
