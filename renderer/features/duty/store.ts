import type { ConsoleClient, DutyEntry, DutyFilter, MethodInput } from '../../../shared/contract';
import { createStore, featureContext, type Store } from '../../api/store';

/** Whether an entry belongs in a filtered page, as the core's query would decide. */
export function matchesFilter(entry: DutyEntry, filter: DutyFilter): boolean {
  if (filter.kinds && !filter.kinds.includes(entry.kind)) return false;
  if (filter.followUp !== undefined && entry.followUp !== filter.followUp) return false;
  if (filter.manual !== undefined && entry.manual !== filter.manual) return false;
  if (filter.from !== undefined && entry.at < filter.from) return false;
  if (filter.to !== undefined && entry.at >= filter.to) return false;
  if (filter.shiftId !== undefined && entry.shiftId !== filter.shiftId) return false;
  if (filter.search) {
    const q = filter.search.toLowerCase();
    const where = [entry.text, entry.alarmId, entry.cameraId, entry.operatorName];
    if (!where.some((w) => w?.toLowerCase().includes(q))) return false;
  }
  return true;
}

export interface DutyLogPage {
  filter: DutyFilter;
  entries: DutyEntry[];
  more: boolean;
}

/** The duty log as the operator is reading it: the filter, the entries read so far, whether there are more. */
export interface DutyStore {
  log: Store<DutyLogPage>;
  /** Reads the first page for a filter; an answer for a filter no longer shown is dropped. */
  query(filter: DutyFilter): Promise<void>;
  more(): Promise<void>;
  /** A manual entry; the reply goes at the top of the page at once when the filter lets it in. */
  add(input: MethodInput<'duty.add'>): Promise<DutyEntry>;
}

const PAGE = 100;

export function createDutyStore(client: ConsoleClient): DutyStore {
  const log = createStore<DutyLogPage>({ filter: {}, entries: [], more: false });
  return {
    log,
    async query(filter) {
      log.set((prev) => ({ ...prev, filter }));
      const page = await client.call('duty.list', { filter, limit: PAGE });
      if (log.get().filter !== filter) return;
      log.set({ filter, entries: page.entries, more: page.more });
    },
    async more() {
      const { filter, entries } = log.get();
      const before = entries.at(-1)?.id ?? 0;
      const page = await client.call('duty.list', { filter, limit: PAGE, before });
      if (log.get().filter !== filter) return;
      log.set((prev) => ({ filter, entries: [...prev.entries, ...page.entries], more: page.more }));
    },
    async add(input) {
      const entry = await client.call('duty.add', input);
      log.set((prev) =>
        matchesFilter(entry, prev.filter) && !prev.entries.some((e) => e.id === entry.id)
          ? { ...prev, entries: [entry, ...prev.entries] }
          : prev,
      );
      return entry;
    },
  };
}

export const [DutyContext, useDuty] = featureContext<DutyStore>('duty');
