import type {
  AlarmEventView,
  AlarmView,
  ConsoleClient,
  MethodInput,
  MethodOutput,
} from '../../../shared/contract';
import { useMemo } from 'react';
import {
  ALARM_STATES,
  compareAlarms,
  type AlarmState,
  type Disposition,
} from '../../../shared/domain/alarm-lifecycle';
import { createStore, featureContext, useStore, type Store } from '../../api/store';

/** The response targets, the disaster mode and the mute: everything of the queue that is not an alarm. */
export type AlarmsMeta = Omit<MethodOutput<'alarms.open'>, 'alarms' | 'steadyNow'>;

/** The opened alarm: its view, its trail as last read, the lines this console's own actions added since. */
export interface AlarmDetailState extends MethodOutput<'alarms.get'> {
  id: string;
  /** Trail lines of this console's actions after the trail was read, built from their replies. */
  added: AlarmEventView[];
}

/**
 * How long a reply waits for its echo in `alarms.changed` (flushed every 200 ms). Until the echo, an older
 * view of that alarm in a batch is one the reply already overtook, and is dropped.
 */
const ECHO_MS = 2000;

const RANK: Record<AlarmState, number> = Object.fromEntries(ALARM_STATES.map((s, i) => [s, i])) as Record<
  AlarmState,
  number
>;

/**
 * How far two views of one alarm have come: re-triggers (count, last seen) and the state only move forward,
 * except a reopen, which takes a resolved alarm back to acknowledged (`reopened` ranks resolved lowest).
 */
export function compareProgress(a: AlarmView, b: AlarmView, reopened = false): number {
  const rank = (v: AlarmView) => (reopened && v.state === 'resolved' ? -1 : RANK[v.state]);
  return a.count - b.count || a.lastSeenAt - b.lastSeenAt || rank(a) - rank(b);
}

/** Same alarm, nothing changed (a batch echoing a reply already applied): keep the object, skip the render. */
function sameView(a: AlarmView, b: AlarmView): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof AlarmView>;
  for (const k of keys) if (typeof a[k] !== 'object' && a[k] !== b[k]) return false;
  return true;
}

const TRANSITION_KIND: Partial<Record<AlarmState, AlarmEventView['kind']>> = {
  acknowledged: 'acknowledged',
  dispatched: 'dispatched',
  on_scene: 'on_scene',
  resolved: 'resolved',
};

/** Escalated on its own: one that came past its target after waiting in the hub is told in a summary notice. */
const escalated = (a: AlarmView) => Boolean(a.escalatedAt) && a.state === 'new' && !a.escalatedWaiting;

/** The alarm queue and the opened alarm. Mutating calls apply their reply at once; batches never go back. */
export interface AlarmsStore {
  /** Open alarms by id; a resolved one leaves. */
  open: Store<Record<string, AlarmView>>;
  /** The same open alarms in the queue's order (compareAlarms), kept in order as batches come (see mergeQueue). */
  queue: Store<AlarmView[]>;
  /** Escalated and still unacknowledged: the banner. */
  escalations: Store<Record<string, AlarmView>>;
  meta: Store<AlarmsMeta | null>;
  /** The alarm the operator has opened (its detail shows in the incident panel). */
  selected: Store<string | null>;
  /** The opened alarm's view, trail and device history; read when it is opened, and again when another console changes it. */
  detail: Store<AlarmDetailState | null>;
  select(id: string | null): void;
  /** The queue's D (or a Dispatch button) asking the opened alarm's detail to bring its guard picker forward. */
  pickerRequest: Store<{ alarmId: string; seq: number } | null>;
  requestDispatchPicker(alarmId: string): void;
  acknowledge(id: string): Promise<AlarmView>;
  dispatch(id: string): Promise<AlarmView>;
  onScene(id: string): Promise<AlarmView>;
  resolve(id: string, disposition: Disposition, note: string): Promise<AlarmView>;
  reopen(id: string, reason: string): Promise<AlarmView>;
  note(id: string, text: string): Promise<AlarmView>;
  raise(input: MethodInput<'alarms.raise'>): Promise<AlarmView>;
  mute(reason: string, minutes: number): Promise<void>;
  setDisasterMode(input: MethodInput<'alarms.setDisasterMode'>): Promise<void>;
  /** The alarm in the reply of another feature's call (a guard sent, a guard arrived). */
  applyReply(view: AlarmView): void;
  /**
   * The core's steady clock now, as this page reckons it from its own monotonic clock (undefined before the
   * first word from the core): alarms are aged on it, so the wall clock stepped on either machine changes no
   * response clock.
   */
  steadyNow(): number | undefined;
  /**
   * While the alarm sound is muted: when it comes back, as a time on this page's wall clock `wall` (the mute's
   * minutes run on the core's steady clock, so a clock stepped on either machine neither ends nor prolongs it).
   */
  muteEndsAt(wall: number): number | undefined;
  load(): Promise<void>;
  /** Signed out: nothing of the queue stays on screen. */
  reset(): void;
  dispose(): void;
}

export function createAlarmsStore(
  client: ConsoleClient,
  deps: { operatorName(): string | undefined; now?: () => number; monotonic?: () => number },
): AlarmsStore {
  const now = deps.now ?? Date.now;
  const monotonic = deps.monotonic ?? (() => performance.now());
  /** core steady − page monotonic; the largest seen since the last load is the one least delayed in transit. */
  let steadyOffset: number | undefined;
  const heard = (steadyNow: number | undefined, fresh = false) => {
    if (steadyNow === undefined) return;
    const offset = steadyNow - monotonic();
    steadyOffset = fresh || steadyOffset === undefined ? offset : Math.max(steadyOffset, offset);
  };
  const open = createStore<Record<string, AlarmView>>({});
  const queue = createStore<AlarmView[]>([]);
  const escalations = createStore<Record<string, AlarmView>>({});
  const meta = createStore<AlarmsMeta | null>(null);
  const selected = createStore<string | null>(null);
  const detail = createStore<AlarmDetailState | null>(null);
  const pickerRequest = createStore<{ alarmId: string; seq: number } | null>(null);
  /** Replies not yet echoed by a batch: alarm id → the view the reply gave. */
  const awaitingEcho = new Map<string, { view: AlarmView; reopened: boolean; until: number }>();
  let detailRequest = 0;

  const current = (id: string) => {
    const d = detail.get();
    return open.get()[id] ?? (d?.id === id ? d.alarm : undefined);
  };

  const readDetail = (id: string) => {
    const request = ++detailRequest;
    const before = detail.get();
    const addedBefore = before?.id === id ? before.added.length : 0;
    void client.invoke('alarms.get', { id }).then((r) => {
      if (!r.ok || request !== detailRequest || selected.get() !== id) return;
      detail.set((prev) => ({
        id,
        ...r.value,
        // Lines added while the trail was being read may not be in it yet.
        added: prev?.id === id ? prev.added.slice(addedBefore) : [],
      }));
    });
  };

  /**
   * Applies views of alarms. Batched events arrive in order among themselves, so they replace what is there,
   * except while a reply waits for its echo: then a view behind the reply is one it overtook. A reply is
   * applied unless a newer view (a re-trigger, another console's move) already came.
   */
  const apply = (views: AlarmView[], from: 'event' | 'reply', reopened = false) => {
    let nextOpen: Record<string, AlarmView> | undefined;
    const changedIds = new Set<string>();
    let nextEscalations: Record<string, AlarmView> | undefined;
    let readAgain = false;
    const d = detail.get();
    let nextDetailAlarm: AlarmView | undefined;
    const at = now();
    for (const v of views) {
      const cur =
        (nextOpen ?? open.get())[v.id] ?? (d?.id === v.id ? (nextDetailAlarm ?? d.alarm) : undefined);
      let waiting = awaitingEcho.get(v.id);
      if (waiting && waiting.until < at) {
        awaitingEcho.delete(v.id);
        waiting = undefined;
      }
      if (from === 'event') {
        if (waiting) {
          if (compareProgress(v, waiting.view, waiting.reopened) < 0) continue;
          awaitingEcho.delete(v.id);
        }
      } else {
        if (cur && !reopened && compareProgress(v, cur) < 0) continue;
        awaitingEcho.set(v.id, { view: v, reopened, until: at + ECHO_MS });
      }
      // Nothing new, and the queue already shows it as it should: skip the render. An alarm known only from the
      // opened detail (read before its first batch arrived) still has to join the queue.
      const listed = v.id in (nextOpen ?? open.get());
      if (cur && sameView(cur, v) && listed === (v.state !== 'resolved')) continue;
      nextOpen ??= { ...open.get() };
      changedIds.add(v.id);
      if (v.state === 'resolved') delete nextOpen[v.id];
      else nextOpen[v.id] = v;
      const esc = escalations.get();
      if (escalated(v) || v.id in (nextEscalations ?? esc)) {
        nextEscalations ??= { ...esc };
        if (escalated(v)) nextEscalations[v.id] = v;
        else delete nextEscalations[v.id];
      }
      if (d?.id === v.id) {
        nextDetailAlarm = v;
        // Another console changed the opened alarm: its trail has lines this one did not write.
        if (
          from === 'event' &&
          (!cur || cur.state !== v.state || cur.count !== v.count || cur.escalatedAt !== v.escalatedAt)
        )
          readAgain = true;
      }
    }
    if (nextOpen) {
      queue.set(mergeQueue(queue.get(), changedIds, nextOpen));
      open.set(nextOpen);
    }
    if (nextEscalations) escalations.set(nextEscalations);
    if (nextDetailAlarm) {
      const alarm = nextDetailAlarm;
      detail.set((prev) => (prev ? { ...prev, alarm } : prev));
    }
    if (readAgain && d) readDetail(d.id);
  };

  /** A line for the opened alarm's trail from this console's own action, as the core writes it. */
  const addLine = (
    id: string,
    from: AlarmState | undefined,
    line: Pick<AlarmEventView, 'kind' | 'toState' | 'note'>,
  ) =>
    detail.set((prev) =>
      prev?.id === id
        ? {
            ...prev,
            added: [
              ...prev.added,
              {
                at: now(),
                kind: line.kind,
                ...(line.toState ? { fromState: from, toState: line.toState } : {}),
                ...(line.note ? { note: line.note } : {}),
                operatorName: deps.operatorName(),
              },
            ],
          }
        : prev,
    );

  const act = async (
    id: string,
    call: Promise<AlarmView>,
    line: Pick<AlarmEventView, 'kind' | 'toState' | 'note'>,
    reopened = false,
  ) => {
    const before = current(id)?.state;
    const view = await call;
    apply([view], 'reply', reopened);
    addLine(id, before, line);
    return view;
  };

  const offs = [
    client.on('alarms.changed', ({ alarms, steadyNow }) => {
      heard(steadyNow);
      apply(alarms, 'event');
    }),
    client.on('alarms.escalated', ({ alarm }) => apply([alarm], 'event')),
    client.on('alarms.disaster', (disaster) => meta.set((prev) => (prev ? { ...prev, disaster } : prev))),
    client.on('alarms.muted', ({ until, untilSteady }) =>
      meta.set((prev) => (prev ? { ...prev, mutedUntil: until, mutedUntilSteady: untilSteady } : prev)),
    ),
  ];

  return {
    open,
    queue,
    escalations,
    meta,
    selected,
    detail,
    select(id) {
      if (id === selected.get() && (id === null || detail.get()?.id === id)) return;
      selected.set(id);
      if (detail.get()?.id !== id) detail.set(null);
      if (id) readDetail(id);
    },
    pickerRequest,
    requestDispatchPicker: (alarmId) => pickerRequest.set((prev) => ({ alarmId, seq: (prev?.seq ?? 0) + 1 })),
    acknowledge: (id) =>
      act(id, client.call('alarms.acknowledge', { id }), { kind: 'acknowledged', toState: 'acknowledged' }),
    dispatch: (id) =>
      act(id, client.call('alarms.dispatch', { id }), { kind: 'dispatched', toState: 'dispatched' }),
    onScene: (id) =>
      act(id, client.call('alarms.onScene', { id }), { kind: 'on_scene', toState: 'on_scene' }),
    resolve: (id, disposition, note) =>
      act(id, client.call('alarms.resolve', { id, disposition, note }), {
        kind: 'resolved',
        toState: 'resolved',
        note: `${disposition}: ${note}`,
      }),
    reopen: (id, reason) =>
      act(
        id,
        client.call('alarms.reopen', { id, reason }),
        { kind: 'reopened', toState: 'acknowledged', note: reason },
        true,
      ),
    note: (id, text) => act(id, client.call('alarms.note', { id, text }), { kind: 'note', note: text }),
    async raise(input) {
      const view = await client.call('alarms.raise', input);
      apply([view], 'reply');
      return view;
    },
    async mute(reason, minutes) {
      const { until, untilSteady } = await client.call('alarms.mute', { reason, minutes });
      meta.set((prev) => (prev ? { ...prev, mutedUntil: until, mutedUntilSteady: untilSteady } : prev));
    },
    async setDisasterMode(input) {
      const disaster = await client.call('alarms.setDisasterMode', input);
      meta.set((prev) => (prev ? { ...prev, disaster } : prev));
    },
    applyReply(view) {
      const before = current(view.id)?.state;
      apply([view], 'reply');
      // Only the move is known here; the line's words (who was sent) come with the next read of the trail.
      const kind = TRANSITION_KIND[view.state];
      if (before && before !== view.state && kind) addLine(view.id, before, { kind, toState: view.state });
    },
    steadyNow: () => (steadyOffset === undefined ? undefined : monotonic() + steadyOffset),
    muteEndsAt(wall) {
      const m = meta.get();
      if (m?.mutedUntil === undefined) return undefined;
      const steady = steadyOffset === undefined ? undefined : monotonic() + steadyOffset;
      const end =
        m.mutedUntilSteady !== undefined && steady !== undefined
          ? wall + (m.mutedUntilSteady - steady)
          : m.mutedUntil;
      return end > wall ? end : undefined;
    },
    async load() {
      const { alarms, steadyNow, ...rest } = await client.call('alarms.open');
      // A restarted core may have continued its timeline from elsewhere: start reckoning afresh.
      heard(steadyNow, true);
      awaitingEcho.clear();
      queue.set([...alarms].sort(compareAlarms));
      open.set(Object.fromEntries(alarms.map((a) => [a.id, a])));
      escalations.set(Object.fromEntries(alarms.filter(escalated).map((a) => [a.id, a])));
      meta.set(rest);
      const id = selected.get();
      if (id) readDetail(id);
    },
    reset() {
      awaitingEcho.clear();
      queue.set([]);
      open.set({});
      escalations.set({});
      selected.set(null);
      detail.set(null);
    },
    dispose: () => offs.forEach((off) => off()),
  };
}

/**
 * The queue after a batch: the alarms it did not touch keep their order, the ones it changed (sorted among
 * themselves) are merged in, the resolved ones left out. A flood's batch changes a few hundred of maybe ten thousand
 * open alarms; sorting them all again on every batch (and in every view that wants them in order) was the larger
 * part of the page's work per batch.
 */
export function mergeQueue(
  prev: readonly AlarmView[],
  changed: ReadonlySet<string>,
  open: Readonly<Record<string, AlarmView>>,
): AlarmView[] {
  const moved: AlarmView[] = [];
  for (const id of changed) {
    const v = open[id];
    if (v) moved.push(v);
  }
  moved.sort(compareAlarms);
  const out: AlarmView[] = [];
  let j = 0;
  for (const a of prev) {
    if (changed.has(a.id)) continue;
    while (j < moved.length && compareAlarms(moved[j]!, a) < 0) out.push(moved[j++]!);
    out.push(a);
  }
  while (j < moved.length) out.push(moved[j++]!);
  return out;
}

export const [AlarmsContext, useAlarms] = featureContext<AlarmsStore>('alarms');

/** One alarm as known now: open, or the opened one (a resolved alarm is no longer in the queue). */
export function useAlarm(id: string): AlarmView | undefined {
  const alarms = useAlarms();
  const live = useStore(alarms.open)[id];
  const detail = useStore(alarms.detail);
  return live ?? (detail?.id === id ? detail.alarm : undefined);
}

/** New alarms not held back, most urgent first: what the lock screen shows. */
export function useWaitingAlarms(): AlarmView[] {
  const queue = useStore(useAlarms().queue);
  return useMemo(() => queue.filter((a) => a.state === 'new' && !a.held), [queue]);
}
