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
  reload(): void;
}

const AVAILABILITY_REFRESH_MS = 60_000;

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
  const reload = useCallback(() => {
    const now = new Date();
    const from = new Date(now.getFullYear(), now.getMonth(), 1).getTime();
    void run(async () => {
      const [ledger, orders, hazards, rate] = await Promise.all([
        client.call('facilities.list'),
        client.call('workOrders.list'),
        client.call('hazards.list'),
        client.call('hazards.rate', { from, to: Math.max(from + 1, now.getTime() + 1) }),
      ]);
      setData({
        entries: ledger.entries,
        maintainers: ledger.maintainers,
        orders: orders.orders,
        hazards: hazards.hazards,
        rate,
        loaded: true,
      });
    });
  }, [client, run]);
  useEffect(() => {
    if (!open) return;
    reload();
    // A burst of changes (a panel's zones failing together) is read once, half a second after it starts.
    let timer: number | undefined;
    // Live states go on their rows as they come; the availability they change is read with the next reload, at
    // most a minute later (a share of 24 h moves slowly).
    let availabilityTimer: number | undefined;
    const readSoon = () => {
      timer ??= window.setTimeout(() => {
        timer = undefined;
        window.clearTimeout(availabilityTimer);
        availabilityTimer = undefined;
        reload();
      }, 500);
    };
    const off = client.on('facilities.changed', ({ what, states }) => {
      if (what.length > 0) readSoon();
      if (!states?.length) return;
      setData((d) => ({ ...d, entries: withLiveStates(d.entries, states) }));
      availabilityTimer ??= window.setTimeout(() => {
        availabilityTimer = undefined;
        readSoon();
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
