import { useCallback, useEffect, useState } from 'react';
import { MapLayers } from '../../../shared/contract';
import type { ConsoleModel } from '../../api/console';
import { useStore } from '../../api/store';

export const LAYER_KEYS = ['zones', 'cameras', 'alarms', 'guards', 'patrols'] as const;
export type LayerKey = (typeof LAYER_KEYS)[number];
const ALL_ON: MapLayers = MapLayers.parse({});

/** Which map layers show; the choice follows the operator to any console (stored as a preference). */
export function useMapLayers(model: ConsoleModel): [MapLayers, (key: LayerKey, on: boolean) => void] {
  const operator = useStore(model.operator);
  const [layers, setLayers] = useState<MapLayers>(ALL_ON);

  useEffect(() => {
    if (!operator) return undefined;
    let cancelled = false;
    model.client
      .call('prefs.get', { key: 'mapLayers' })
      .then(({ value }) => {
        const parsed = MapLayers.safeParse(value ?? {});
        if (!cancelled && parsed.success) setLayers(parsed.data);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [model, operator]);

  const toggle = useCallback(
    (key: LayerKey, on: boolean) => {
      const next = { ...layers, [key]: on };
      setLayers(next);
      if (model.operator.get())
        void model.client.call('prefs.set', { key: 'mapLayers', value: next }).catch(() => undefined);
    },
    [model, layers],
  );
  return [layers, toggle];
}
