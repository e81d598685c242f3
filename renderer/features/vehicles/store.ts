import { useEffect } from 'react';
import type { ConsoleClient, GateDesk, GateReadView, VisitorView } from '../../../shared/contract';
import { createStore, useStore } from '../../api/store';
import { useClient } from '../../api/client';
import { useOperators } from '../operators';

export type DeskTab = 'gates' | 'visitors' | 'records';

/** The gate desk as the core last told it, the visitors, and whether (and where) the desk is open. */
export const desk = createStore<GateDesk | null>(null);
export const visitors = createStore<VisitorView[]>([]);
export const openTab = createStore<DeskTab | null>(null);

export const openDesk = (tab: DeskTab = 'gates') => openTab.set(tab);
export const closeDesk = () => openTab.set(null);

/** A read that came in or was decided: into its gate's list (newest first), out of the waiting ones once decided. */
export function applyRead(prev: GateDesk, read: GateReadView, inside: number, perGate = 8): GateDesk {
  const gates = prev.gates.map((g) =>
    g.id === read.gateId
      ? { ...g, reads: [read, ...g.reads.filter((r) => r.id !== read.id)].slice(0, perGate) }
      : g,
  );
  const others = prev.waiting.filter((r) => r.id !== read.id);
  const waiting = read.barrier === 'waiting' ? [...others, read].sort((a, b) => a.id - b.id) : others;
  return { ...prev, gates, waiting, inside };
}

export async function loadDesk(client: ConsoleClient): Promise<void> {
  const [d, v] = await Promise.all([client.call('gates.desk'), client.call('visitors.list')]);
  desk.set(d);
  visitors.set(v.visitors);
}

/**
 * Keeps the desk live while someone is signed in and the console is unlocked: loaded at sign-in, at unlock and
 * whenever the core confirms the operator on a new link (not when the link opens: that connection is signed out
 * until the tab's token has resumed it), then fed by the core's events. Mounted once by the app (the top bar's
 * badge needs it with the desk shut).
 */
export function useGateFeed(): void {
  const client = useClient();
  const operator = useStore(useOperators().operator);
  const locked = useStore(useOperators().locked);
  const confirmed = useStore(useOperators().confirmed);
  useEffect(() => {
    // A locked console answers nothing but its lock screen's reads: the desk loads again once it is unlocked.
    if (!operator || locked) return;
    loadDesk(client).catch((err: Error) => console.error(`loading the gate desk failed: ${err.message}`));
    const offs = [
      client.on('gates.read', ({ read, inside }) =>
        desk.set((prev) => (prev ? applyRead(prev, read, inside) : prev)),
      ),
      client.on('visitors.changed', ({ visitors: v }) => visitors.set(v)),
    ];
    return () => offs.forEach((off) => off());
  }, [client, operator, locked, confirmed]);
}
