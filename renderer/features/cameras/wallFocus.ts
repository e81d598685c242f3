import { createStore } from '../../api/store';

/**
 * Another area (the site map) asking the wall to show a camera full size. `seq` makes asking twice for the same
 * camera a new request, so the operator can bring back a camera he just closed.
 */
export const wallFocusRequest = createStore<{ cameraId: string; seq: number } | null>(null);

export function showOnWall(cameraId: string): void {
  wallFocusRequest.set((prev) => ({ cameraId, seq: (prev?.seq ?? 0) + 1 }));
}
