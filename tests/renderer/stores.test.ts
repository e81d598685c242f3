import { describe, expect, it, vi } from 'vitest';
import type { DutyEntry, GuardView, RunView, ShiftView } from '../../shared/contract';
import { createAlarmsStore } from '../../renderer/features/alarms/store';
import { createCamerasStore } from '../../renderer/features/cameras/store';
import { createDutyStore, matchesFilter } from '../../renderer/features/duty/store';
import { createGuardsStore } from '../../renderer/features/guards/store';
import { createPlaybooksStore } from '../../renderer/features/playbooks/store';
import { createPrefsStore } from '../../renderer/features/prefs/store';
import { createShiftStore } from '../../renderer/features/shift/store';
import { createSystemStore } from '../../renderer/features/system/store';
import { alarm, fakeCore } from './support';

const guard = (overrides: Partial<GuardView> = {}): GuardView => ({
  guardId: 'g1',
  duty: 'on_patrol',
  since: 1_000,
  last: { guardId: 'g1', position: { lat: 31.2, lon: 121.4 }, at: 5_000, source: 'hub' },
  ...overrides,
});

describe('guards store', () => {
  it('moves a guard with newer positions and never back to an older one', () => {
    const core = fakeCore();
    const store = createGuardsStore(core.client, { onAlarm: () => undefined });
    core.emit('guards.changed', { guards: [guard()] });
    const later = guard({
      last: { guardId: 'g1', position: { lat: 31.3, lon: 121.4 }, at: 6_000, source: 'hub' },
    });
    core.emit('guards.changed', { guards: [later] });
    core.emit('guards.changed', { guards: [guard()] });
    expect(store.guards.get().g1?.last?.at).toBe(6_000);
  });

  it('shows a dispatched guard and his alarm from the reply, before any batch', async () => {
    const sent = guard({ duty: 'dispatched', alarmId: 'a1', since: 7_000 });
    const core = fakeCore({
      'alarms.open': () => ({
        alarms: [alarm()],
        targets: { acknowledgeSec: {}, resolveSec: {} },
        disaster: { on: false, holdFromPriority: 4, reason: '' },
      }),
      'guards.dispatch': () => ({
        alarm: alarm({ state: 'dispatched', acknowledgedAt: 7_000 }),
        guard: sent,
      }),
    });
    const alarms = createAlarmsStore(core.client, { operatorName: () => '李明' });
    await alarms.load();
    const guards = createGuardsStore(core.client, { onAlarm: (view) => alarms.applyReply(view) });
    core.emit('guards.changed', { guards: [guard()] });
    await guards.dispatch('a1', 'g1');
    expect(guards.guards.get().g1?.duty).toBe('dispatched');
    expect(alarms.open.get().a1?.state).toBe('dispatched');
    // The batch from before the dispatch does not undo it.
    core.emit('guards.changed', { guards: [guard()] });
    expect(guards.guards.get().g1?.duty).toBe('dispatched');
  });
});

describe('duty store', () => {
  const entry = (overrides: Partial<DutyEntry> = {}): DutyEntry => ({
    id: 10,
    at: 5_000,
    kind: 'note',
    text: '消防泵房门锁损坏',
    manual: true,
    followUp: false,
    sealed: false,
    ...overrides,
  });

  it('puts an added entry at the top of the page at once, without reading the log again', async () => {
    const core = fakeCore({
      'duty.list': () => ({
        entries: [entry({ id: 9, text: '李明 on duty', manual: false, kind: 'shift' })],
        more: false,
      }),
      'duty.add': () => entry(),
    });
    const store = createDutyStore(core.client);
    await store.query({});
    await store.add({ kind: 'note', text: '消防泵房门锁损坏' });
    expect(store.log.get().entries.map((e) => e.id)).toEqual([10, 9]);
    expect(core.callsOf('duty.list')).toHaveLength(1);
  });

  it('keeps an added entry off a page whose filter leaves it out', async () => {
    const core = fakeCore({ 'duty.list': () => ({ entries: [], more: false }), 'duty.add': () => entry() });
    const store = createDutyStore(core.client);
    await store.query({ search: '巡更' });
    await store.add({ kind: 'note', text: '消防泵房门锁损坏' });
    expect(store.log.get().entries).toEqual([]);
  });

  it('filters as the core does: kinds, follow-up, manual, search in text, alarm, camera and operator', () => {
    const e = entry({ alarmId: 'alarm-77', operatorName: '王芳', followUp: true });
    expect(matchesFilter(e, { kinds: ['note'], followUp: true, manual: true })).toBe(true);
    expect(matchesFilter(e, { kinds: ['patrol'] })).toBe(false);
    expect(matchesFilter(e, { followUp: false })).toBe(false);
    expect(matchesFilter(e, { search: 'ALARM-77' })).toBe(true);
    expect(matchesFilter(e, { search: '王芳' })).toBe(true);
    expect(matchesFilter(e, { search: '电梯' })).toBe(false);
  });
});

describe('playbooks store', () => {
  const run = (overrides: Partial<RunView> = {}): RunView => ({
    id: 'r1',
    incidentId: 'i1',
    alarmId: 'a1',
    playbookId: 'fire',
    versionId: 'v1',
    version: 1,
    definition: {
      id: 'fire',
      revision: 1,
      title: '火灾报警处置',
      alarmTypes: [],
      steps: [{ id: 'look', title: '查看', kind: 'check' }],
    },
    startedAt: 1_000,
    startedBy: '李明',
    drill: false,
    records: [],
    calls: [],
    snapshots: [],
    ...overrides,
  });
  const done = { stepId: 'look', outcome: 'done' as const, at: 2_000, operatorName: '李明' };

  it('applies a step from its reply; the run as it was before does not come back from a later event', async () => {
    const core = fakeCore({ 'runs.step': () => run({ records: [done] }) });
    const store = createPlaybooksStore(core.client);
    core.emit('runs.changed', { run: run() });
    await store.step({ runId: 'r1', stepId: 'look', outcome: 'done' });
    core.emit('runs.changed', { run: run() });
    expect(store.runs.get().r1?.records).toEqual([done]);
  });

  it('adds a logged call to its run at once', async () => {
    const call = {
      id: 'c1',
      runId: 'r1',
      contactId: 'fire',
      name: '火警',
      number: '119',
      startedAt: 2_000,
      endedAt: 3_000,
      outcome: 'connected' as const,
      operatorName: '李明',
      simulated: false,
    };
    const core = fakeCore({ 'calls.record': () => call });
    const store = createPlaybooksStore(core.client);
    core.emit('runs.changed', { run: run() });
    await store.recordCall({
      contactId: 'fire',
      runId: 'r1',
      startedAt: 2_000,
      endedAt: 3_000,
      outcome: 'connected',
    });
    expect(store.runs.get().r1?.calls).toEqual([call]);
  });

  it('keeps the directory current from contacts.changed and from the reply of a save', async () => {
    const saved = {
      id: 'pm',
      name: '物业经理',
      kind: 'other' as const,
      number: '13800000000',
      origin: 'console' as const,
    };
    const core = fakeCore({ 'contacts.save': () => saved });
    const store = createPlaybooksStore(core.client);
    core.emit('contacts.changed', {
      contacts: [],
      phone: { uriTemplate: 'tel:{number}', callbackNumber: '', enabled: true },
    });
    await store.saveContact({ id: 'pm', name: '物业经理', kind: 'other', number: '13800000000' });
    expect(store.directory.get()?.contacts).toEqual([saved]);
  });
});

describe('shift store', () => {
  const shift = (overrides: Partial<ShiftView> = {}): ShiftView => ({
    id: 's1',
    startedAt: 1_000,
    onDuty: [{ operator: { id: 'li', name: '李明', role: 'operator' }, since: 1_000 }],
    understaffed: true,
    ...overrides,
  });

  it('shows the second operator on duty from the join reply; an event about an earlier shift is ignored', async () => {
    const two = shift({
      understaffed: false,
      onDuty: [...shift().onDuty, { operator: { id: 'wang', name: '王芳', role: 'operator' }, since: 2_000 }],
    });
    const core = fakeCore({ 'shift.current': () => shift(), 'shift.join': () => two });
    const store = createShiftStore(core.client, { signedIn: async () => undefined });
    await store.load();
    await store.join({ username: 'wang', password: 'wang-pass-1' });
    expect(store.shift.get()?.onDuty).toHaveLength(2);
    core.emit('shift.changed', shift({ id: 's0', startedAt: 500 }));
    expect(store.shift.get()?.id).toBe('s1');
  });
});

describe('cameras store', () => {
  it('gives another feature the picture of a camera from whichever tile shows it', () => {
    const store = createCamerasStore(fakeCore().client);
    const withdrawEmpty = store.offerFrames('cam-01', 'main', () => null);
    const withdraw = store.offerFrames('cam-01', 'sub', () => 'iVBORw0KGgo=');
    expect(store.capture('cam-01')).toBe('iVBORw0KGgo=');
    expect(store.capture('cam-02')).toBeNull();
    withdraw();
    expect(store.capture('cam-01')).toBeNull();
    withdrawEmpty();
  });

  it('keeps the managed camera list current from the replies of save and remove', async () => {
    const cam = {
      id: 'cam-09',
      name: '北门',
      streams: { main: 'rtsp://***@10.0.0.9/1' },
      transport: 'tcp' as const,
      origin: 'console' as const,
    };
    const core = fakeCore({
      'cameras.list': () => ({ cameras: [] }),
      'cameras.save': () => cam,
      'cameras.remove': () => ({ done: true }),
    });
    const store = createCamerasStore(core.client);
    await store.loadAdmin();
    await store.save({ id: 'cam-09', name: '北门', streams: { main: 'rtsp://***@10.0.0.9/1' } });
    expect(store.admin.get()).toEqual([cam]);
    await store.remove('cam-09');
    expect(store.admin.get()).toEqual([]);
    expect(core.callsOf('cameras.list')).toHaveLength(1);
  });
});

describe('prefs store', () => {
  it('stores a choice only once the stored preferences were read, and shows it at once either way', async () => {
    const core = fakeCore({
      'prefs.get': (input) => ({ value: input.key === 'locale' ? 'en' : null }),
      'prefs.set': () => ({ done: true }),
    });
    const store = createPrefsStore(core.client);
    store.save({
      key: 'mapLayers',
      value: {
        zones: false,
        cameras: true,
        alarms: true,
        guards: true,
        patrols: true,
        noParking: true,
        posts: true,
      },
    });
    expect(store.prefs.get().mapLayers.zones).toBe(false);
    expect(core.callsOf('prefs.set')).toHaveLength(0);

    await store.load();
    expect(store.prefs.get()).toMatchObject({ reads: 1, locale: 'en', mapLayers: { zones: true } });
    store.save({ key: 'locale', value: 'zh-CN' });
    expect(core.callsOf('prefs.set')).toEqual([{ key: 'locale', value: 'zh-CN' }]);
  });

  it('waits for a moment of quiet before storing a wall being rearranged', async () => {
    vi.useFakeTimers();
    try {
      const core = fakeCore({ 'prefs.get': () => ({ value: null }), 'prefs.set': () => ({ done: true }) });
      const store = createPrefsStore(core.client);
      await store.load();
      for (const layout of ['4', '9', '16'] as const)
        store.save({ key: 'wall', value: { layout, tiles: [], tours: [] } }, 400);
      expect(core.callsOf('prefs.set')).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(400);
      expect(core.callsOf('prefs.set')).toEqual([
        { key: 'wall', value: { layout: '16', tiles: [], tours: [] } },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });
  it('reads the density and the panes, and leaves a stored value it cannot read to the defaults', async () => {
    const stored: Record<string, unknown> = {
      density: 'large',
      panes: { arrangement: 'map', sizes: { map: { left: { 'pane-wall': 30, 'pane-lower': 70 } } } },
    };
    const core = fakeCore({ 'prefs.get': (input) => ({ value: stored[String(input.key)] ?? null }) });
    const store = createPrefsStore(core.client);
    await store.load();
    expect(store.prefs.get()).toMatchObject({
      density: 'large',
      panes: { arrangement: 'map', sizes: { map: { left: { 'pane-wall': 30 } } } },
    });

    stored.density = 'huge';
    stored.panes = { arrangement: 'sideways' };
    await store.load();
    expect(store.prefs.get().density).toBeUndefined();
    expect(store.prefs.get().panes).toBeUndefined();
  });
});

describe('system store', () => {
  it('keeps hub events newest first, each once', async () => {
    const core = fakeCore();
    const store = createSystemStore(core.client);
    const device = (seq: number) => ({
      seq,
      at: seq,
      receivedAt: seq,
      kind: 'device' as const,
      data: { deviceId: 'smoke-1', kind: 'detector' as const, state: 'fault' as const, at: seq },
    });
    core.emit('hub.event', device(2));
    core.emit('hub.event', device(3));
    core.emit('hub.event', device(2));
    expect(store.events.get().map((e) => e.seq)).toEqual([3, 2]);
  });

  it('a folded repeat replaces the notice it repeats; notices without an id stack as before', () => {
    const core = fakeCore();
    const store = createSystemStore(core.client);
    const refused = { id: 'n1', level: 'error' as const, code: 'hub-event-refused', message: 'set aside' };
    core.emit('notice', { ...refused, at: 1 });
    core.emit('notice', { id: 'n2', level: 'warning', code: 'hub-insecure', message: 'no TLS', at: 2 });
    core.emit('notice', { ...refused, count: 3, firstAt: 1, at: 3 });
    store.notify({ level: 'info', code: 'csv', message: 'exported' });
    store.notify({ level: 'info', code: 'csv', message: 'exported' });
    expect(store.notices.get().map((n) => `${n.id ?? '-'}×${n.count ?? 1}`)).toEqual([
      'n2×1',
      'n1×3',
      '-×1',
      '-×1',
    ]);
  });
});
