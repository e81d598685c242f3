import { useCallback } from 'react';
import type { MapLayers } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { usePrefs } from '../prefs';

export const LAYER_KEYS = ['zones', 'noParking', 'posts', 'cameras', 'alarms', 'guards', 'patrols'] as const;
export type LayerKey = (typeof LAYER_KEYS)[number];

/** Which map layers show; the choice follows the operator to any console (stored as a preference). */
export function useMapLayers(): [MapLayers, (key: LayerKey, on: boolean) => void] {
  const prefs = usePrefs();
  const layers = useStore(prefs.prefs).mapLayers;
  const toggle = useCallback(
    (key: LayerKey, on: boolean) =>
      prefs.save({ key: 'mapLayers', value: { ...prefs.prefs.get().mapLayers, [key]: on } }),
    [prefs],
  );
  return [layers, toggle];
}
