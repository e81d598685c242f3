import { useCallback, useEffect, useRef, useState } from 'react';
import type { WallSetup } from '../../../shared/contract';
import { fitTiles } from '../../../shared/domain/wall';
import type { ConsoleModel } from '../../api/console';
import { useStore } from '../../api/store';

/**
 * The operator's wall (layout, tiles, tours): loaded from their preferences when they sign in, saved
 * (debounced) whenever they change it, so it comes back after a restart and on another console.
 */
export function useWallSetup(
  model: ConsoleModel,
  cameraIds: string[],
): [WallSetup, (next: (prev: WallSetup) => WallSetup) => void] {
  const operator = useStore(model.operator);
  const [setup, setSetup] = useState<WallSetup>({ layout: '9', tiles: [], tours: [] });
  const loaded = useRef(false);
  const saveTimer = useRef<number | undefined>(undefined);
  const idsKey = cameraIds.join(',');

  useEffect(() => {
    if (!operator || !idsKey) return;
    let cancelled = false;
    const ids = idsKey.split(',');
    model.client
      .call('prefs.get', { key: 'wall' })
      .then(({ value }) => {
        if (cancelled) return;
        const stored = value as WallSetup | null;
        const base = stored ?? { layout: '9' as const, tiles: [], tours: [] };
        setSetup({ ...base, tiles: fitTiles(base.layout, base.tiles, ids) });
        loaded.current = true;
      })
      .catch(() => {
        if (!cancelled) setSetup({ layout: '9', tiles: fitTiles('9', [], ids), tours: [] });
        loaded.current = true;
      });
    return () => {
      cancelled = true;
    };
  }, [model, operator, idsKey]);

  const update = useCallback(
    (next: (prev: WallSetup) => WallSetup) => {
      setSetup((prev) => {
        const value = next(prev);
        window.clearTimeout(saveTimer.current);
        if (loaded.current) {
          saveTimer.current = window.setTimeout(() => {
            void model.client.call('prefs.set', { key: 'wall', value }).catch(() => undefined);
          }, 400);
        }
        return value;
      });
    },
    [model],
  );
  return [setup, update];
}
