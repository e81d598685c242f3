import { useEffect, useState } from 'react';
import type { AlarmView } from '../../../shared/contract';
import { compareAlarms } from '../../../shared/domain/alarm-lifecycle';
import type { Store } from '../../api/store';

/**
 * The `max` most urgent located alarms, in queue order. One pass with a short sorted list instead of sorting the
 * whole queue: in a flood the queue holds thousands and most of them lose to the last of the list at once.
 */
export function mostUrgentLocated(open: Record<string, AlarmView>, max: number): AlarmView[] {
  const top: AlarmView[] = [];
  if (max <= 0) return top;
  for (const id in open) {
    const a = open[id];
    if (!a?.location) continue;
    if (top.length === max && compareAlarms(a, top[max - 1]!) >= 0) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareAlarms(top[mid]!, a) <= 0) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, a);
    if (top.length > max) top.pop();
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
export function useMapAlarms(open: Store<Record<string, AlarmView>>, max: number): AlarmView[] {
  const [onMap, setOnMap] = useState(() => mostUrgentLocated(open.get(), max));
  useEffect(() => {
    let frame = 0;
    const update = () => {
      frame = 0;
      const next = mostUrgentLocated(open.get(), max);
      setOnMap((prev) => (sameList(prev, next) ? prev : next));
    };
    // A change between the first render and this subscription would otherwise wait for the next one.
    update();
    const unsubscribe = open.subscribe(() => {
      if (frame === 0) frame = requestAnimationFrame(update);
    });
    return () => {
      unsubscribe();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [open, max]);
  return onMap;
}
