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

/** Pictures are 16:9 unless a camera says otherwise. */
export const PICTURE_ASPECT = 16 / 9;

/** A layout drawn in a given area: its rows × columns and the size of one cell, at the pictures' aspect. */
export interface WallFit {
  geometry: LayoutGeometry;
  cellWidth: number;
  cellHeight: number;
}

/** `n` tiles in `cols` columns, filled row by row. */
const rowsOf = (n: number, cols: number): LayoutGeometry => {
  const rows = Math.ceil(n / cols);
  const tiles = Array.from({ length: n }, (_, i) => ({
    col: (i % cols) + 1,
    row: Math.floor(i / cols) + 1,
    colSpan: 1,
    rowSpan: 1,
  }));
  return { cols, rows, tiles };
};

/** The cell size that lets `geometry` fit `width` × `height` with `gap` between cells, cells at `aspect`. */
const cellFor = (geometry: LayoutGeometry, width: number, height: number, aspect: number, gap: number) => {
  const w = Math.max(
    0,
    Math.min(
      (width - gap * (geometry.cols - 1)) / geometry.cols,
      ((height - gap * (geometry.rows - 1)) / geometry.rows) * aspect,
    ),
  );
  return { cellWidth: w, cellHeight: w / aspect };
};

/**
 * Chooses rows × columns for a layout in an area so each picture is as large as it can be at its own aspect: a
 * 4-tile wall in a wide, low strip becomes 4 × 1, in a square 2 × 2. The large-tile layouts keep their shape; only
 * their cells take the aspect. The caller centres the grid (cells × size) in the area.
 */
export function fitWall(
  layout: WallLayout,
  width: number,
  height: number,
  aspect = PICTURE_ASPECT,
  gap = 0,
): WallFit {
  const fixed = LAYOUTS[layout];
  const n = fixed.tiles.length;
  const plain = fixed.tiles.every((t) => t.colSpan === 1 && t.rowSpan === 1);
  const candidates = plain ? Array.from({ length: n }, (_, i) => rowsOf(n, i + 1)) : [fixed];
  let best: WallFit | undefined;
  for (const geometry of candidates) {
    const cell = cellFor(geometry, width, height, aspect, gap);
    // Strictly larger only: among equals the first (fewer columns, fewer empty cells) stays.
    if (!best || cell.cellWidth > best.cellWidth + 0.5) best = { geometry, ...cell };
  }
  return best!;
}

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
