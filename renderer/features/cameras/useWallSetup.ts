import { useCallback, useMemo } from 'react';
import type { WallSetup } from '../../../shared/contract';
import { fitTiles } from '../../../shared/domain/wall';
import { useStore } from '../../api/store';
import { usePrefs } from '../prefs';

const DEFAULT_WALL: WallSetup = { layout: '9', tiles: [], tours: [] };

const fitted = (wall: WallSetup | undefined, ids: string[]): WallSetup => {
  const base = wall ?? DEFAULT_WALL;
  return { ...base, tiles: fitTiles(base.layout, base.tiles, ids) };
};

/**
 * The operator's wall (layout, tiles, tours), kept as their preference and fitted to the site's cameras: it
 * comes back after a restart and on another console. A change shows at once and is stored after a moment of
 * quiet (a wall being rearranged).
 */
export function useWallSetup(
  cameraIds: string[],
): [WallSetup, (next: (prev: WallSetup) => WallSetup) => void] {
  const prefs = usePrefs();
  const wall = useStore(prefs.prefs).wall;
  const idsKey = cameraIds.join(',');
  const setup = useMemo(() => fitted(wall, idsKey ? idsKey.split(',') : []), [wall, idsKey]);
  const update = useCallback(
    (next: (prev: WallSetup) => WallSetup) => {
      const prev = fitted(prefs.prefs.get().wall, idsKey ? idsKey.split(',') : []);
      prefs.save({ key: 'wall', value: next(prev) }, 400);
    },
    [prefs, idsKey],
  );
  return [setup, update];
}
