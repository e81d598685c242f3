import { createContext, useContext } from 'react';
import type { Notice } from '../../shared/contract';

export type Notify = (notice: Omit<Notice, 'at'>) => void;

/**
 * How any part of the console tells the operator something in the bar at the bottom of the screen. The app
 * wires it to the system feature's notices; ui/ only knows the shape.
 */
export const NotifyContext = createContext<Notify>(() => undefined);

export function useNotify(): Notify {
  return useContext(NotifyContext);
}
