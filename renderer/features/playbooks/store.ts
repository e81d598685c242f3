import type {
  CallView,
  ConsoleClient,
  ContactView,
  DrillView,
  MethodInput,
  MethodOutput,
  PhoneSettings,
  PlaybookRecord,
  PlaybookSummary,
  RunView,
} from '../../../shared/contract';
import { useEffect } from 'react';
import { createStore, featureContext, useStore, type Store } from '../../api/store';

/** The contact directory and the softphone settings. */
export type Directory = MethodOutput<'contacts.list'>;

/** Steps, calls and snapshots are only ever added to a run: the view with more of them is the newer. */
const progress = (r: RunView) =>
  r.records.length + r.calls.length + r.snapshots.length + (r.finishedAt ? 1 : 0);

/** Replaces the item with the same id, or adds it (at the start of a newest-first list). */
function upsert<T extends { id: string }>(list: T[], item: T, newFirst = false): T[] {
  if (list.some((x) => x.id === item.id)) return list.map((x) => (x.id === item.id ? item : x));
  return newFirst ? [item, ...list] : [...list, item];
}

const summaryOf = ({ definition: _definition, ...summary }: PlaybookRecord): PlaybookSummary => summary;

/** Playbooks, their runs on incidents, the contact directory, drills. */
export interface PlaybooksStore {
  /** The newest version of every playbook, read when a list of them is shown. */
  playbooks: Store<PlaybookSummary[]>;
  /** Runs seen on this console by id, live (`runs.changed`, and every step's reply). */
  runs: Store<Record<string, RunView>>;
  /** Per alarm, the playbooks suggested for its type (read when the alarm is opened). */
  suggested: Store<Record<string, PlaybookSummary[]>>;
  directory: Store<Directory | null>;
  drills: Store<DrillView[]>;
  refreshPlaybooks(): Promise<void>;
  savePlaybook(definition: MethodInput<'playbooks.save'>['definition']): Promise<PlaybookRecord>;
  loadForAlarm(alarmId: string): Promise<void>;
  start(alarmId: string, playbookId: string): Promise<RunView>;
  step(input: MethodInput<'runs.step'>): Promise<RunView>;
  snapshot(runId: string, cameraId: string, png: string): Promise<RunView>;
  recordCall(input: MethodInput<'calls.record'>): Promise<CallView>;
  saveContact(contact: MethodInput<'contacts.save'>): Promise<ContactView>;
  removeContact(id: string): Promise<void>;
  setPhone(phone: MethodInput<'contacts.setPhone'>): Promise<PhoneSettings>;
  scheduleDrill(input: MethodInput<'drills.schedule'>): Promise<DrillView>;
  startDrill(drillId: string): Promise<DrillView>;
  rollCall(drillId: string, participant: string, present: boolean): Promise<DrillView>;
  finishDrill(input: MethodInput<'drills.finish'>): Promise<DrillView>;
  load(): Promise<void>;
  dispose(): void;
}

export function createPlaybooksStore(client: ConsoleClient): PlaybooksStore {
  const playbooks = createStore<PlaybookSummary[]>([]);
  const runs = createStore<Record<string, RunView>>({});
  const suggested = createStore<Record<string, PlaybookSummary[]>>({});
  const directory = createStore<Directory | null>(null);
  const drills = createStore<DrillView[]>([]);

  const mergeRuns = (incoming: RunView[]) =>
    runs.set((prev) => {
      let next: Record<string, RunView> | undefined;
      for (const r of incoming) {
        const held = prev[r.id];
        if (held && progress(r) < progress(held)) continue;
        next ??= { ...prev };
        next[r.id] = r;
      }
      return next ?? prev;
    });
  const run = async (call: Promise<RunView>) => {
    const view = await call;
    mergeRuns([view]);
    return view;
  };
  const drill = async (call: Promise<DrillView>) => {
    const view = await call;
    drills.set((prev) => upsert(prev, view, true));
    return view;
  };

  const offs = [
    client.on('runs.changed', ({ run: r }) => mergeRuns([r])),
    client.on('drills.changed', ({ drills: d }) => drills.set(d)),
    client.on('contacts.changed', (d) => directory.set(d)),
  ];

  return {
    playbooks,
    runs,
    suggested,
    directory,
    drills,
    async refreshPlaybooks() {
      playbooks.set((await client.call('playbooks.list')).playbooks);
    },
    async savePlaybook(definition) {
      const record = await client.call('playbooks.save', { definition });
      playbooks.set((prev) => upsert(prev, summaryOf(record)));
      return record;
    },
    async loadForAlarm(alarmId) {
      const found = await client.call('runs.forAlarm', { alarmId });
      mergeRuns(found.runs);
      suggested.set((prev) => ({ ...prev, [alarmId]: found.suggested }));
    },
    start: (alarmId, playbookId) => run(client.call('runs.start', { alarmId, playbookId })),
    step: (input) => run(client.call('runs.step', input)),
    snapshot: (runId, cameraId, png) => run(client.call('runs.snapshot', { runId, cameraId, png })),
    async recordCall(input) {
      const call = await client.call('calls.record', input);
      const held = call.runId ? runs.get()[call.runId] : undefined;
      if (held && !held.calls.some((c) => c.id === call.id))
        mergeRuns([{ ...held, calls: [...held.calls, call] }]);
      return call;
    },
    async saveContact(contact) {
      const saved = await client.call('contacts.save', contact);
      directory.set((prev) => (prev ? { ...prev, contacts: upsert(prev.contacts, saved) } : prev));
      return saved;
    },
    async removeContact(id) {
      await client.call('contacts.remove', { id });
      directory.set((prev) =>
        prev ? { ...prev, contacts: prev.contacts.filter((c) => c.id !== id) } : prev,
      );
    },
    async setPhone(input) {
      const phone = await client.call('contacts.setPhone', input);
      directory.set((prev) => (prev ? { ...prev, phone } : prev));
      return phone;
    },
    scheduleDrill: (input) => drill(client.call('drills.schedule', input)),
    startDrill: (drillId) => drill(client.call('drills.start', { drillId })),
    rollCall: (drillId, participant, present) =>
      drill(client.call('drills.rollCall', { drillId, participant, present })),
    finishDrill: (input) => drill(client.call('drills.finish', input)),
    async load() {
      const [contacts, list] = await Promise.all([client.call('contacts.list'), client.call('drills.list')]);
      directory.set(contacts);
      drills.set(list.drills);
    },
    dispose: () => offs.forEach((off) => off()),
  };
}

export const [PlaybooksContext, usePlaybooks] = featureContext<PlaybooksStore>('playbooks');

/** The newest version of every playbook, read again whenever `when` turns true (a dialog opening). */
export function usePlaybookList(when = true): PlaybookSummary[] {
  const store = usePlaybooks();
  useEffect(() => {
    // Without the list the choices stay empty; nothing else depends on it.
    if (when) void store.refreshPlaybooks().catch(() => undefined);
  }, [store, when]);
  return useStore(store.playbooks);
}
