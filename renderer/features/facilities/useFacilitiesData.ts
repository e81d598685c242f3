import { useCallback, useEffect, useState } from 'react';
import type {
  Contact,
  FacilityLiveChange,
  FacilityView,
  HazardView,
  WorkOrderView,
} from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useCall } from '../../ui/useCall';

export interface FacilitiesData {
  entries: FacilityView[];
  maintainers: Contact[];
  orders: WorkOrderView[];
  hazards: HazardView[];
  rate: { found: number; rectifiedOnTime: number; rate: number | null } | null;
  loaded: boolean;
  reload(lists?: readonly FacilitiesList[]): void;
}

const AVAILABILITY_REFRESH_MS = 60_000;

/** The lists the view reads (the rounds tab reads its own). */
type FacilitiesList = 'ledger' | 'orders' | 'hazards';
const ALL_LISTS: readonly FacilitiesList[] = ['ledger', 'orders', 'hazards'];

/**
 * The entries with the devices' new live states on their rows. Entries whose device did not change keep their
 * identity, so that their rows (memoised) are not drawn again.
 */
export function withLiveStates(
  entries: FacilityView[],
  states: readonly FacilityLiveChange[],
): FacilityView[] {
  const byDevice = new Map(states.map((s) => [s.deviceId, s]));
  let changed = false;
  const next = entries.map((e) => {
    const s = e.deviceId === undefined ? undefined : byDevice.get(e.deviceId);
    if (!s || (e.live && e.live.at > s.at)) return e;
    changed = true;
    return { ...e, live: { state: s.state, at: s.at, ...(s.text ? { text: s.text } : {}) } };
  });
  return changed ? next : entries;
}

/** The three lists while the view is open, read again whenever the core says one changed. */
export function useFacilitiesData(open: boolean): FacilitiesData {
  const client = useClient();
  const { run } = useCall('notice');
  const [data, setData] = useState<Omit<FacilitiesData, 'reload'>>({
    entries: [],
    maintainers: [],
    orders: [],
    hazards: [],
    rate: null,
    loaded: false,
  });
  /** Reads the lists named (all of them by default): an order changing need not read the whole ledger again. */
  const reload = useCallback(
    (lists: readonly FacilitiesList[] = ALL_LISTS) => {
      const now = new Date();
      const from = new Date(now.getFullYear(), now.getMonth(), 1).getTime();
      const want = new Set(lists);
      void run(async () => {
        const [ledger, orders, hazards, rate] = await Promise.all([
          want.has('ledger') ? client.call('facilities.list') : undefined,
          want.has('orders') ? client.call('workOrders.list') : undefined,
          want.has('hazards') ? client.call('hazards.list') : undefined,
          want.has('hazards')
            ? client.call('hazards.rate', { from, to: Math.max(from + 1, now.getTime() + 1) })
            : undefined,
        ]);
        setData((d) => ({
          entries: ledger ? ledger.entries : d.entries,
          maintainers: ledger ? ledger.maintainers : d.maintainers,
          orders: orders ? orders.orders : d.orders,
          hazards: hazards ? hazards.hazards : d.hazards,
          rate: rate ?? d.rate,
          loaded: true,
        }));
      });
    },
    [client, run],
  );
  useEffect(() => {
    if (!open) return;
    reload();
    // A burst of changes (a panel's zones failing together) is read once, half a second after it starts: the
    // lists the burst named.
    let timer: number | undefined;
    const waiting = new Set<FacilitiesList>();
    const readSoon = (lists: readonly FacilitiesList[]) => {
      for (const l of lists) waiting.add(l);
      timer ??= window.setTimeout(() => {
        timer = undefined;
        const lists = [...waiting];
        waiting.clear();
        reload(lists);
      }, 500);
    };
    // Live states go on their rows as they come; the availability they change is read with the ledger, at most a
    // minute later (a share of 24 h moves slowly).
    let availabilityTimer: number | undefined;
    const off = client.on('facilities.changed', ({ what, states }) => {
      const lists = what.filter((w): w is FacilitiesList => w !== 'rounds');
      if (lists.length > 0) readSoon(lists);
      if (lists.includes('ledger')) {
        window.clearTimeout(availabilityTimer);
        availabilityTimer = undefined;
      }
      if (!states?.length) return;
      setData((d) => ({ ...d, entries: withLiveStates(d.entries, states) }));
      availabilityTimer ??= window.setTimeout(() => {
        availabilityTimer = undefined;
        readSoon(['ledger']);
      }, AVAILABILITY_REFRESH_MS);
    });
    return () => {
      off();
      window.clearTimeout(timer);
      window.clearTimeout(availabilityTimer);
    };
  }, [open, client, reload]);
  return { ...data, reload };
}
