import type { WallLayout } from '../contract/cameras';

export interface TileSlot {
  col: number;
  row: number;
  colSpan: number;
  rowSpan: number;
}

export interface LayoutGeometry {
  cols: number;
  rows: number;
  tiles: TileSlot[];
}

const grid = (n: number): LayoutGeometry => ({
  cols: n,
  rows: n,
  tiles: Array.from({ length: n * n }, (_, i) => ({
    col: (i % n) + 1,
    row: Math.floor(i / n) + 1,
    colSpan: 1,
    rowSpan: 1,
  })),
});

/** One large tile (the one an operator watches closely) and small ones around its right and bottom edges. */
const focus = (n: number): LayoutGeometry => {
  const big = n - 1;
  const tiles: TileSlot[] = [{ col: 1, row: 1, colSpan: big, rowSpan: big }];
  for (let row = 1; row <= big; row++) tiles.push({ col: n, row, colSpan: 1, rowSpan: 1 });
  for (let col = 1; col <= n; col++) tiles.push({ col, row: n, colSpan: 1, rowSpan: 1 });
  return { cols: n, rows: n, tiles };
};

export const LAYOUTS: Record<WallLayout, LayoutGeometry> = {
  '1': grid(1),
  '4': grid(2),
  '9': grid(3),
  '16': grid(4),
  '1+5': focus(3),
  '1+7': focus(4),
};

export function tileCount(layout: WallLayout): number {
  return LAYOUTS[layout].tiles.length;
}

/** Fits an assignment to a layout: keeps what fits, fills empty tiles with unused cameras in site order. */
export function fitTiles(
  layout: WallLayout,
  tiles: readonly (string | null)[],
  cameraIds: readonly string[],
): (string | null)[] {
  const n = tileCount(layout);
  const known = new Set(cameraIds);
  const kept = tiles.slice(0, n).map((id) => (id && known.has(id) ? id : null));
  const used = new Set(kept.filter((id): id is string => id !== null));
  const spare = cameraIds.filter((id) => !used.has(id));
  const out = [...kept, ...Array<null>(Math.max(0, n - kept.length)).fill(null)];
  return out.map((id) => id ?? spare.shift() ?? null);
}

/** Swaps two tiles' cameras (drag one tile onto another). */
export function swapTiles(tiles: readonly (string | null)[], a: number, b: number): (string | null)[] {
  const out = [...tiles];
  [out[a], out[b]] = [out[b] ?? null, out[a] ?? null];
  return out;
}

/** Puts a camera in a tile; if it was already on the wall, the two tiles trade places. */
export function assignCamera(
  tiles: readonly (string | null)[],
  index: number,
  cameraId: string,
): (string | null)[] {
  const from = tiles.indexOf(cameraId);
  if (from === -1) {
    const out = [...tiles];
    out[index] = cameraId;
    return out;
  }
  return swapTiles(tiles, from, index);
}

/** Which camera of a tour is on screen at `now`. */
export function tourCamera(
  cameras: readonly string[],
  seconds: number,
  startedAt: number,
  now: number,
): string | undefined {
  if (cameras.length === 0) return undefined;
  const step = Math.floor(Math.max(0, now - startedAt) / (seconds * 1000));
  return cameras[step % cameras.length];
}
