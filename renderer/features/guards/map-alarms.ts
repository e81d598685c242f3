import { useEffect, useState } from 'react';
import type { AlarmView } from '../../../shared/contract';
import type { Store } from '../../api/store';

/**
 * The `max` most urgent located alarms, in queue order: the first located ones of the queue, which the alarms
 * store keeps in order (its `queue`). Was a pass over every open alarm on each animation frame of a flood; now it
 * stops once the map is full.
 */
export function mostUrgentLocated(queue: readonly AlarmView[], max: number): AlarmView[] {
  const top: AlarmView[] = [];
  for (const a of queue) {
    if (top.length >= max) break;
    if (a.location) top.push(a);
  }
  return top;
}

const sameList = (a: readonly AlarmView[], b: readonly AlarmView[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The alarms the map shows, worked out at most once per animation frame however often the queue changes, and
 * the same array (no re-render at all) while none of them changed: a burst re-renders the markers only when
 * what they show is different, in work bounded by `max` markers.
 */
export function useMapAlarms(queue: Store<AlarmView[]>, max: number): AlarmView[] {
  const [onMap, setOnMap] = useState(() => mostUrgentLocated(queue.get(), max));
  useEffect(() => {
    let frame = 0;
    const update = () => {
      frame = 0;
      const next = mostUrgentLocated(queue.get(), max);
      setOnMap((prev) => (sameList(prev, next) ? prev : next));
    };
    // A change between the first render and this subscription would otherwise wait for the next one.
    update();
    const unsubscribe = queue.subscribe(() => {
      if (frame === 0) frame = requestAnimationFrame(update);
    });
    return () => {
      unsubscribe();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [queue, max]);
  return onMap;
}
