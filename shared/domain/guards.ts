import { z } from 'zod';
import { distanceM, type LatLon } from './geo';

/**
 * What a guard is doing, as the core knows it from dispatches and signals. The map shows `GuardStatus`, which
 * also folds in how old the last position is.
 */
export const GUARD_DUTIES = ['on_patrol', 'dispatched', 'on_scene', 'sos'] as const;
export const GuardDuty = z.enum(GUARD_DUTIES);
export type GuardDuty = z.infer<typeof GuardDuty>;

export const GUARD_STATUSES = ['on_patrol', 'dispatched', 'on_scene', 'sos', 'stale', 'offline'] as const;
export type GuardStatus = (typeof GUARD_STATUSES)[number];

export const GuardThresholds = z.object({
  /** No position for this long: the marker is greyed and its age shown. */
  staleMs: z.number().int().min(5_000).max(3_600_000),
  /** No position for this long: the guard is offline (phone off, out of coverage) and not suggested. */
  offlineMs: z.number().int().min(10_000).max(86_400_000),
});
export type GuardThresholds = z.infer<typeof GuardThresholds>;
export const DEFAULT_GUARD_THRESHOLDS: GuardThresholds = { staleMs: 60_000, offlineMs: 5 * 60_000 };

/**
 * One status for the marker. A guard in danger is always SOS whatever his phone does; otherwise a silent phone
 * wins over the duty, because a "dispatched" guard whose position is five minutes old is not where we think.
 */
export function guardStatus(
  duty: GuardDuty,
  lastAt: number | undefined,
  now: number,
  thresholds: GuardThresholds = DEFAULT_GUARD_THRESHOLDS,
): GuardStatus {
  if (duty === 'sos') return 'sos';
  if (lastAt === undefined || now - lastAt >= thresholds.offlineMs) return 'offline';
  if (now - lastAt >= thresholds.staleMs) return 'stale';
  return duty;
}

/** Walking on a community's paths: about 1.4 m/s, and paths are ~30 % longer than the straight line. */
export const WALK_SPEED_MS = 1.4;
export const PATH_FACTOR = 1.3;

export function etaSec(distance: number): number {
  return Math.round((distance * PATH_FACTOR) / WALK_SPEED_MS);
}

export interface GuardCandidate {
  guardId: string;
  distanceM: number;
  etaSec: number;
  status: GuardStatus;
  /** Free to send now: on patrol with a fresh position. */
  available: boolean;
}

/**
 * Guards to suggest for an alarm at `target`: free guards with fresh positions first, nearest first; then the
 * rest (busy, stale) so the operator sees why they were not suggested. Offline guards and guards without a
 * position are left out: we do not know where they are.
 */
export function rankGuards(
  target: LatLon,
  guards: ReadonlyArray<{
    guardId: string;
    duty: GuardDuty;
    position?: LatLon | undefined;
    at?: number | undefined;
  }>,
  now: number,
  thresholds: GuardThresholds = DEFAULT_GUARD_THRESHOLDS,
): GuardCandidate[] {
  const out: GuardCandidate[] = [];
  for (const g of guards) {
    if (!g.position) continue;
    const status = guardStatus(g.duty, g.at, now, thresholds);
    if (status === 'offline') continue;
    const d = distanceM(target, g.position);
    out.push({
      guardId: g.guardId,
      distanceM: Math.round(d),
      etaSec: etaSec(d),
      status,
      available: status === 'on_patrol',
    });
  }
  return out.sort(
    (a, b) =>
      Number(b.available) - Number(a.available) ||
      a.distanceM - b.distanceM ||
      a.guardId.localeCompare(b.guardId),
  );
}
