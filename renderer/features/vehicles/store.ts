import { useEffect } from 'react';
import type {
  ConsoleClient,
  MethodOutput,
  GateDesk,
  GateReadView,
  ViolationView,
  VisitorView,
} from '../../../shared/contract';
import { createStore, useStore } from '../../api/store';
import { useClient } from '../../api/client';
import { useOperators } from '../operators';

export type DeskTab = 'gates' | 'visitors' | 'violations' | 'records' | 'posts' | 'counts';

/** The gate desk as the core last told it, the visitors, and whether (and where) the desk is open. */
export const desk = createStore<GateDesk | null>(null);
export const visitors = createStore<VisitorView[]>([]);
export const openTab = createStore<DeskTab | null>(null);
/** The no-parking violations standing or closed today, repeat offenders, the areas (issue 17). */
export type ViolationsState = MethodOutput<'violations.list'>;
export const violations = createStore<ViolationsState | null>(null);

/** A violation opened or moved on: replaced in place, or added on top (newest first). */
export function applyViolation(prev: ViolationsState, v: ViolationView): ViolationsState {
  const others = prev.violations.filter((x) => x.id !== v.id);
  const at = prev.violations.findIndex((x) => x.id === v.id);
  const list = at < 0 ? [v, ...others] : prev.violations.map((x) => (x.id === v.id ? v : x));
  return { ...prev, violations: list };
}

export const loadViolations = async (client: ConsoleClient) =>
  violations.set(await client.call('violations.list'));

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
  const [d, v, p] = await Promise.all([
    client.call('gates.desk'),
    client.call('visitors.list'),
    client.call('violations.list'),
  ]);
  desk.set(d);
  visitors.set(v.visitors);
  violations.set(p);
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
      client.on('violations.changed', ({ violation }) =>
        violations.set((prev) => (prev ? applyViolation(prev, violation) : prev)),
      ),
    ];
    return () => offs.forEach((off) => off());
  }, [client, operator, locked, confirmed]);
}
