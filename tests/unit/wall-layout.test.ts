import { describe, expect, it } from 'vitest';
import { WALL_LAYOUTS } from '../../shared/contract';
import {
  assignCamera,
  fitTiles,
  fitWall,
  LAYOUTS,
  PICTURE_ASPECT,
  swapTiles,
  tileCount,
  tourCamera,
} from '../../shared/domain/wall';

describe('wall layouts', () => {
  it('have 1, 4, 9, 16, 6 and 8 tiles that cover their grid exactly once', () => {
    expect(WALL_LAYOUTS.map(tileCount)).toEqual([1, 4, 9, 16, 6, 8]);
    for (const layout of WALL_LAYOUTS) {
      const g = LAYOUTS[layout];
      const cells = new Set<string>();
      for (const t of g.tiles) {
        for (let c = t.col; c < t.col + t.colSpan; c++) {
          for (let r = t.row; r < t.row + t.rowSpan; r++) {
            expect(cells.has(`${c},${r}`), `${layout} overlaps at ${c},${r}`).toBe(false);
            cells.add(`${c},${r}`);
          }
        }
      }
      expect(cells.size, layout).toBe(g.cols * g.rows);
    }
  });

  it('the focus layouts put the large tile first', () => {
    expect(LAYOUTS['1+5'].tiles[0]).toEqual({ col: 1, row: 1, colSpan: 2, rowSpan: 2 });
    expect(LAYOUTS['1+7'].tiles[0]).toEqual({ col: 1, row: 1, colSpan: 3, rowSpan: 3 });
  });

  it('fitting keeps the operator’s choices, drops unknown cameras, fills gaps with unused ones', () => {
    const cams = ['a', 'b', 'c', 'd', 'e'];
    expect(fitTiles('4', ['c', null, 'gone'], cams)).toEqual(['c', 'a', 'b', 'd']);
    expect(fitTiles('1', ['e', 'a'], cams)).toEqual(['e']);
    expect(fitTiles('9', [], ['a'])).toEqual(['a', null, null, null, null, null, null, null, null]);
  });

  it('assigning a camera already on the wall swaps the two tiles; dragging tiles swaps them', () => {
    expect(assignCamera(['a', 'b', 'c'], 0, 'c')).toEqual(['c', 'b', 'a']);
    expect(assignCamera(['a', 'b', null], 2, 'z')).toEqual(['a', 'b', 'z']);
    expect(swapTiles(['a', null, 'c'], 0, 1)).toEqual([null, 'a', 'c']);
  });

  it('a tour shows each camera for its seconds, then starts over', () => {
    const at = (s: number) => tourCamera(['a', 'b', 'c'], 10, 0, s * 1000);
    expect([at(0), at(9.9), at(10), at(25), at(30)]).toEqual(['a', 'a', 'b', 'c', 'a']);
    expect(tourCamera([], 10, 0, 0)).toBeUndefined();
  });

  it('fitting to an area picks the rows and columns with the largest pictures, each at 16:9', () => {
    // A wide, low strip: four pictures side by side; a 16:9 area: 2 × 2; a tall one: one above another.
    expect(fitWall('4', 1600, 225).geometry).toMatchObject({ cols: 4, rows: 1 });
    expect(fitWall('4', 1600, 900).geometry).toMatchObject({ cols: 2, rows: 2 });
    expect(fitWall('4', 400, 1000).geometry).toMatchObject({ cols: 1, rows: 4 });
    for (const layout of WALL_LAYOUTS) {
      for (const [w, h] of [
        [900, 300],
        [1200, 900],
        [700, 1100],
        [2400, 800],
      ] as const) {
        const fit = fitWall(layout, w, h, PICTURE_ASPECT, 3);
        const { cols, rows, tiles } = fit.geometry;
        expect(tiles, `${layout} keeps its tile count`).toHaveLength(tileCount(layout));
        expect(cols * fit.cellWidth + (cols - 1) * 3, `${layout} in ${w}×${h}`).toBeLessThanOrEqual(w + 1e-6);
        expect(rows * fit.cellHeight + (rows - 1) * 3, `${layout} in ${w}×${h}`).toBeLessThanOrEqual(
          h + 1e-6,
        );
        expect(fit.cellWidth / fit.cellHeight).toBeCloseTo(PICTURE_ASPECT);
      }
    }
    // The large-tile layouts keep their shape.
    expect(fitWall('1+5', 2000, 300).geometry).toBe(LAYOUTS['1+5']);
  });

  it('a camera with another aspect gets cells of its aspect', () => {
    const fit = fitWall('1', 1000, 1000, 4 / 3);
    expect(fit.cellWidth).toBe(1000);
    expect(fit.cellHeight).toBe(750);
  });
});
