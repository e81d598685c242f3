import { createContext, useContext, useSyncExternalStore } from 'react';
import type { PopOutArea } from '../../shared/domain/windows';
import type { Store } from '../api/store';

/**
 * What a component may do about the console's pop-out windows (renderer/app/popouts.ts keeps them): the console
 * window provides it; in a pop-out window there is none, and a pop-out offers no further pop-outs.
 */
export interface PopOutControl {
  open: Store<readonly PopOutArea[]>;
  popOut(area: PopOutArea): void;
  bringBack(area: PopOutArea): void;
}

export const PopOutContext = createContext<PopOutControl | null>(null);

const NONE: readonly PopOutArea[] = [];
const noStore = { subscribe: () => () => undefined, get: () => NONE };

/** The pop-out control and the areas out now (none in a pop-out window). */
export function usePopOuts(): { control: PopOutControl | null; open: readonly PopOutArea[] } {
  const control = useContext(PopOutContext);
  const store = control?.open ?? noStore;
  const open = useSyncExternalStore(store.subscribe, store.get, store.get);
  return { control, open };
}
