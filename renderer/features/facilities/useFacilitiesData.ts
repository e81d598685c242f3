import { useCallback, useEffect, useState } from 'react';
import type { Contact, FacilityView, HazardView, WorkOrderView } from '../../../shared/contract';
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
    const off = client.on('facilities.changed', () => {
      timer ??= window.setTimeout(() => {
        timer = undefined;
        reload();
      }, 500);
    });
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [open, client, reload]);
  return { ...data, reload };
}
