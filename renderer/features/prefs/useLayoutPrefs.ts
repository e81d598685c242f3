import { useCallback } from 'react';
import type { Arrangement, Density, PaneSetup } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { useWindowSize } from '../../ui/hooks';
import { defaultDensity } from '../../ui/theme';
import { usePrefs } from './store';

/** A pane group of the console window: the columns, the left column's rows, the bottom row. */
export type PaneGroup = 'columns' | 'left' | 'bottom';

/** Dragged panes are stored after this much quiet, not on every step of a drag. */
const PANES_QUIET_MS = 800;

/**
 * The operator's density: what they chose, or the default for the window's size (which follows the window to
 * another monitor until they choose).
 */
export function useDensity(): { density: Density; chosen: boolean; choose(density: Density): void } {
  const prefs = usePrefs();
  const { density } = useStore(prefs.prefs);
  const { width, height } = useWindowSize();
  const choose = useCallback((value: Density) => prefs.save({ key: 'density', value }), [prefs]);
  return { density: density ?? defaultDensity(width, height), chosen: density !== undefined, choose };
}

const NO_PANES: PaneSetup = { arrangement: 'video', sizes: {} };

/** The operator's panes: the arrangement in use, the sizes they dragged each to, and how to change either. */
export function usePanes(): {
  panes: PaneSetup;
  /** How many times the preferences were read: a new read (sign-in, another operator) redraws the panes. */
  reads: number;
  arrange(arrangement: Arrangement): void;
  resized(group: PaneGroup, sizes: Record<string, number>): void;
} {
  const prefs = usePrefs();
  const { panes = NO_PANES, reads } = useStore(prefs.prefs);
  const arrange = useCallback(
    (arrangement: Arrangement) =>
      prefs.save({ key: 'panes', value: { ...(prefs.prefs.get().panes ?? NO_PANES), arrangement } }),
    [prefs],
  );
  const resized = useCallback(
    (group: PaneGroup, sizes: Record<string, number>) => {
      const current = prefs.prefs.get().panes ?? NO_PANES;
      const mine = current.sizes[current.arrangement] ?? {};
      prefs.save(
        {
          key: 'panes',
          value: {
            ...current,
            sizes: { ...current.sizes, [current.arrangement]: { ...mine, [group]: sizes } },
          },
        },
        PANES_QUIET_MS,
      );
    },
    [prefs],
  );
  return { panes, reads, arrange, resized };
}
