import { z } from 'zod';

export const LatLon = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type LatLon = z.infer<typeof LatLon>;

const EARTH_RADIUS_M = 6_371_000;

/** Great-circle distance; at the scale of one community an error of centimetres. */
export function distanceM(a: LatLon, b: LatLon): number {
  const toRad = (d: number) => (d * Math.PI) / 180;
  const dLat = toRad(b.lat - a.lat);
  const dLon = toRad(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Linear interpolation between two points, t in [0, 1]. */
export function lerp(a: LatLon, b: LatLon, t: number): LatLon {
  return { lat: a.lat + (b.lat - a.lat) * t, lon: a.lon + (b.lon - a.lon) * t };
}

/** Compass bearing in degrees from a to b. */
export function bearingDeg(a: LatLon, b: LatLon): number {
  const toRad = (d: number) => (d * Math.PI) / 180;
  const y = Math.sin(toRad(b.lon - a.lon)) * Math.cos(toRad(b.lat));
  const x =
    Math.cos(toRad(a.lat)) * Math.sin(toRad(b.lat)) -
    Math.sin(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.cos(toRad(b.lon - a.lon));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

/** Ray casting; polygons on a community's scale are small enough to treat lat/lon as planar. */
export function insidePolygon(p: LatLon, polygon: LatLon[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (
      a.lat > p.lat !== b.lat > p.lat &&
      p.lon < ((b.lon - a.lon) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lon
    ) {
      inside = !inside;
    }
  }
  return inside;
}

/** The item nearest to `p` among those with a position, with its distance; undefined when none has one. */
export function nearest<T>(
  p: LatLon,
  items: readonly T[],
  positionOf: (item: T) => LatLon | undefined,
): { item: T; distanceM: number } | undefined {
  let best: { item: T; distanceM: number } | undefined;
  for (const item of items) {
    const q = positionOf(item);
    if (!q) continue;
    const d = distanceM(p, q);
    if (!best || d < best.distanceM) best = { item, distanceM: d };
  }
  return best;
}

/**
 * Where a tracked walker was at `at`, on the straight line between the two stored fixes around it (held at the
 * ends). For replay: binary search, so a day's track costs microseconds per slider step.
 */
export function positionAtTime(
  points: ReadonlyArray<{ lat: number; lon: number; at: number }>,
  at: number,
): [number, number] | undefined {
  if (points.length === 0) return undefined;
  let lo = 0;
  let hi = points.length - 1;
  if (at <= points[0]!.at) return [points[0]!.lat, points[0]!.lon];
  if (at >= points[hi]!.at) return [points[hi]!.lat, points[hi]!.lon];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.at <= at) lo = mid;
    else hi = mid;
  }
  const a = points[lo]!;
  const b = points[hi]!;
  const f = b.at === a.at ? 0 : (at - a.at) / (b.at - a.at);
  return [a.lat + (b.lat - a.lat) * f, a.lon + (b.lon - a.lon) * f];
}

/** The mean of a polygon's corners: good enough to put a marker or a guard "in" a building or zone. */
export function centroid(polygon: readonly LatLon[]): LatLon {
  const sum = polygon.reduce((s, p) => ({ lat: s.lat + p.lat, lon: s.lon + p.lon }), { lat: 0, lon: 0 });
  return { lat: sum.lat / polygon.length, lon: sum.lon / polygon.length };
}
