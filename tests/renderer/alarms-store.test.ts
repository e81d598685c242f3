import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { AlarmView } from '../../shared/contract';
import { compareAlarms } from '../../shared/domain/alarm-lifecycle';
import { compareProgress, createAlarmsStore } from '../../renderer/features/alarms/store';
import { alarm, fakeCore, Refusal, type Handlers } from './support';

const TARGETS = { acknowledgeSec: { '1': 30 }, resolveSec: { '1': 900 } };
const DISASTER = { on: false, holdFromPriority: 4, reason: '' } as const;

/** A store over a fake core whose open queue is `open`; the core's answers to actions are set per test. */
async function setup(open: AlarmView[], handlers: Handlers = {}, now = () => 10_000) {
  const core = fakeCore({
    'alarms.open': () => ({ alarms: open, targets: TARGETS, disaster: DISASTER }),
    'alarms.get': (input) => ({
      alarm: open.find((a) => a.id === input.id) ?? alarm(),
      events: [],
      deviceHistory: [],
    }),
    ...handlers,
  });
  const store = createAlarmsStore(core.client, { operatorName: () => '李明', now });
  await store.load();
  return { core, store };
}

/** The alarm as the resolve reply shows it. */
const resolvedAlarm = (disposition: AlarmView['disposition'], resolutionNote: string) =>
  alarm({ state: 'resolved', resolvedAt: 4_000, disposition, resolutionNote });

describe('alarms store', () => {
  it("reckons the core's steady clock from its own monotonic one, so a page clock stepped changes no age", async () => {
    let mono = 1_000;
    let wall = 10_000;
    const core = fakeCore({
      'alarms.open': () => ({ alarms: [], targets: TARGETS, disaster: DISASTER, steadyNow: 500_000 }),
    });
    const store = createAlarmsStore(core.client, {
      operatorName: () => '李明',
      now: () => wall,
      monotonic: () => mono,
    });
    expect(store.steadyNow()).toBeUndefined();
    await store.load();
    mono += 7_000;
    wall -= 3_600_000;
    expect(store.steadyNow()).toBe(507_000);
    // A batch that spent less time in transit corrects the reckoning; a slower one does not spoil it.
    core.emit('alarms.changed', { alarms: [], steadyNow: 507_050 });
    core.emit('alarms.changed', { alarms: [], steadyNow: 506_000 });
    expect(store.steadyNow()).toBe(507_050);
  });

  it('applies alarms.changed batches: new alarms join, changed ones update, resolved ones leave', async () => {
    const { core, store } = await setup([alarm({ id: 'a1' }), alarm({ id: 'a2' })]);
    core.emit('alarms.changed', {
      alarms: [
        alarm({ id: 'a3', priority: 1 }),
        alarm({ id: 'a1', state: 'acknowledged', acknowledgedAt: 2_000 }),
        alarm({ id: 'a2', state: 'resolved', resolvedAt: 2_000, disposition: 'test', resolutionNote: 'ok' }),
      ],
    });
    const open = store.open.get();
    expect(Object.keys(open).sort()).toEqual(['a1', 'a3']);
    expect(open.a1?.state).toBe('acknowledged');
  });

  it('adds an alarm to the queue when its first batch comes after the operator already opened it', async () => {
    // A drill (or another feature's action) opens its new alarm at once: the detail is read before the batch.
    const drill = alarm({ id: 'd1', drill: true });
    const { core, store } = await setup([], {
      'alarms.get': () => ({ alarm: drill, events: [], deviceHistory: [] }),
    });
    store.select('d1');
    await vi.waitFor(() => expect(store.detail.get()?.alarm.id).toBe('d1'));
    expect(store.open.get()).toEqual({});
    core.emit('alarms.changed', { alarms: [drill] });
    expect(Object.keys(store.open.get())).toEqual(['d1']);
  });

  it('keeps escalated, unacknowledged alarms for the banner until they are acknowledged', async () => {
    const { core, store } = await setup([alarm({ id: 'a1' })]);
    core.emit('alarms.escalated', { alarm: alarm({ id: 'a1', escalatedAt: 5_000 }), at: 5_000 });
    expect(Object.keys(store.escalations.get())).toEqual(['a1']);
    core.emit('alarms.changed', { alarms: [alarm({ id: 'a1', escalatedAt: 5_000, state: 'acknowledged' })] });
    expect(store.escalations.get()).toEqual({});
  });

  it('shows an acknowledge at once from its reply, and an older batch arriving later does not take it back', async () => {
    const acknowledged = alarm({ state: 'acknowledged', acknowledgedAt: 3_000, acknowledgedBy: '李明' });
    const { core, store } = await setup([alarm()], { 'alarms.acknowledge': () => acknowledged });
    await store.acknowledge('a1');
    expect(store.open.get().a1?.state).toBe('acknowledged');

    // A batch flushed before the acknowledge, delivered after its reply.
    core.emit('alarms.changed', { alarms: [alarm()] });
    expect(store.open.get().a1?.state).toBe('acknowledged');

    // The echo, then another console's dispatch: both apply.
    core.emit('alarms.changed', { alarms: [acknowledged] });
    core.emit('alarms.changed', { alarms: [{ ...acknowledged, state: 'dispatched' }] });
    expect(store.open.get().a1?.state).toBe('dispatched');
  });

  it('keeps a re-trigger that arrived before the reply of an action taken on the older view', async () => {
    const { core, store } = await setup([alarm()], {
      'alarms.acknowledge': () => alarm({ state: 'acknowledged', acknowledgedAt: 3_000 }),
    });
    const acting = store.acknowledge('a1');
    core.emit('alarms.changed', {
      alarms: [alarm({ state: 'acknowledged', acknowledgedAt: 3_000, count: 2, lastSeenAt: 3_500 })],
    });
    await acting;
    expect(store.open.get().a1?.count).toBe(2);
  });

  it('takes a resolved alarm out of the queue at once; a stale batch does not bring it back', async () => {
    const resolved = resolvedAlarm('false_alarm', '油烟');
    const { core, store } = await setup([alarm({ state: 'acknowledged' })], {
      'alarms.resolve': () => resolved,
    });
    store.select('a1');
    await vi.waitFor(() => expect(store.detail.get()?.id).toBe('a1'));
    await store.resolve('a1', 'false_alarm', '油烟');
    expect(store.open.get().a1).toBeUndefined();
    core.emit('alarms.changed', { alarms: [alarm({ state: 'acknowledged' })] });
    expect(store.open.get().a1).toBeUndefined();
    // The opened alarm shows the resolved view, not the one read when it was opened.
    expect(store.detail.get()?.alarm.state).toBe('resolved');
  });

  it('lets a batch through again once a reply has waited longer than its echo can take', async () => {
    let now = 10_000;
    const { core, store } = await setup(
      [alarm()],
      { 'alarms.acknowledge': () => alarm({ state: 'acknowledged' }) },
      () => now,
    );
    await store.acknowledge('a1');
    now += 60_000;
    core.emit('alarms.changed', { alarms: [alarm({ state: 'new', count: 1 })] });
    expect(store.open.get().a1?.state).toBe('new');
  });

  it('brings a reopened alarm back from its reply; the stale resolved view in a later batch is dropped', async () => {
    const resolved = resolvedAlarm('real', 'x');
    const { core, store } = await setup([], {
      'alarms.get': () => ({ alarm: resolved, events: [], deviceHistory: [] }),
      'alarms.reopen': () => alarm({ state: 'acknowledged' }),
    });
    store.select('a1');
    await vi.waitFor(() => expect(store.detail.get()?.alarm.state).toBe('resolved'));
    await store.reopen('a1', '住户再次来电');
    expect(store.open.get().a1?.state).toBe('acknowledged');
    core.emit('alarms.changed', { alarms: [resolved] });
    expect(store.open.get().a1?.state).toBe('acknowledged');
  });

  it('updates the opened alarm from the reply without reading it again, and adds the trail line', async () => {
    const { core, store } = await setup([alarm()], {
      'alarms.acknowledge': () => alarm({ state: 'acknowledged', acknowledgedAt: 3_000 }),
      'alarms.note': () => alarm({ state: 'acknowledged', acknowledgedAt: 3_000 }),
    });
    store.select('a1');
    await vi.waitFor(() => expect(store.detail.get()?.id).toBe('a1'));
    expect(core.callsOf('alarms.get')).toHaveLength(1);

    await store.acknowledge('a1');
    await store.note('a1', '保安已出发');
    const detail = store.detail.get();
    expect(detail?.alarm.state).toBe('acknowledged');
    expect(detail?.added).toEqual([
      expect.objectContaining({
        kind: 'acknowledged',
        fromState: 'new',
        toState: 'acknowledged',
        operatorName: '李明',
      }),
      expect.objectContaining({ kind: 'note', note: '保安已出发', operatorName: '李明' }),
    ]);
    // The echo of this console's own action changes nothing and reads nothing.
    core.emit('alarms.changed', { alarms: [alarm({ state: 'acknowledged', acknowledgedAt: 3_000 })] });
    expect(core.callsOf('alarms.get')).toHaveLength(1);
  });

  it('reads the trail again when another console moves the opened alarm', async () => {
    const { core, store } = await setup([alarm()]);
    store.select('a1');
    await vi.waitFor(() => expect(store.detail.get()?.id).toBe('a1'));
    core.emit('alarms.changed', { alarms: [alarm({ state: 'acknowledged', acknowledgedAt: 3_000 })] });
    expect(core.callsOf('alarms.get')).toHaveLength(2);
  });

  it('leaves the queue as it was when the core refuses, and passes the refusal on', async () => {
    const { store } = await setup([alarm()], {
      'alarms.acknowledge': () => {
        throw new Refusal({ code: 'conflict', message: 'This alarm is resolved.' });
      },
    });
    await expect(store.acknowledge('a1')).rejects.toThrow('This alarm is resolved.');
    expect(store.open.get().a1?.state).toBe('new');
  });

  it('signs out to an empty queue with nothing opened', async () => {
    const { store } = await setup([alarm()]);
    store.select('a1');
    store.reset();
    expect(store.open.get()).toEqual({});
    expect(store.selected.get()).toBeNull();
    expect(store.detail.get()).toBeNull();
  });
});

describe('the queue in order', () => {
  const view = fc.record({
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
    priority: fc.constantFrom(1, 2, 3, 4, 5),
    seq: fc.integer({ min: 1, max: 50 }),
    held: fc.boolean(),
    count: fc.integer({ min: 1, max: 9 }),
    state: fc.constantFrom('new', 'acknowledged', 'resolved'),
  });

  it('is always the open alarms sorted as the queue sorts them, batch after batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(view),
        fc.array(fc.array(view, { maxLength: 6 }), { maxLength: 8 }),
        async (first, batches) => {
          const initial = new Map(
            first.filter((v) => v.state !== 'resolved').map((v) => [v.id, alarm(v as Partial<AlarmView>)]),
          );
          const { core, store } = await setup([...initial.values()]);
          for (const [n, batch] of batches.entries()) {
            // A higher count each time, so no batch is taken for an older view (compareProgress).
            core.emit('alarms.changed', {
              alarms: batch.map((v, i) => alarm({ ...(v as Partial<AlarmView>), count: 100 * (n + 1) + i })),
            });
            const expected = Object.values(store.open.get()).sort(compareAlarms);
            expect(store.queue.get().map((a) => a.id)).toEqual(expected.map((a) => a.id));
            expect(store.queue.get()).toEqual(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('compareProgress', () => {
  it('orders views of one alarm by re-triggers, then state; a reopen ranks resolved lowest', () => {
    const acknowledged = alarm({ state: 'acknowledged' });
    const resolved = alarm({ state: 'resolved' });
    expect(compareProgress(alarm(), acknowledged)).toBeLessThan(0);
    expect(compareProgress(alarm({ count: 2, lastSeenAt: 2_000 }), acknowledged)).toBeGreaterThan(0);
    expect(compareProgress(resolved, acknowledged)).toBeGreaterThan(0);
    expect(compareProgress(resolved, acknowledged, true)).toBeLessThan(0);
  });
});
