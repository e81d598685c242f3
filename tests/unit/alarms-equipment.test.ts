import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmView, HubOrigin, OperatorView } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { originJson } from '../../electron/core/alarms/equipment';
import { ORIGIN_MAX_CHARS } from '../../electron/core/alarms/migration';
import { commitHubEvent } from '../../electron/core/hub-link/inbox';
import { ManualClock } from '../../electron/common/clock';
import { sequentialIds } from '../../electron/core/util/ids';
import { tempDir } from '../support/temp';
import { startCore } from '../support/core';

const sup: OperatorView = { id: 'sup-wang', name: '王芳', role: 'supervisor' };
const panelOrigin: HubOrigin = {
  source: 'dc09',
  sourceId: 'dc09-main',
  fields: { account: '1234', zone: '003', code: '130', qualifier: 1 },
};

/** Hub protocol 3 in the alarms applier: an alarm's origin, the restore event, device faults in the queue. */
describe('alarms from equipment (hub protocol 3)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  let clock: ManualClock;
  let seq = 0;

  beforeEach(async () => {
    tmp = tempDir();
    seq = 0;
    clock = new ManualClock(Date.UTC(2026, 11, 1, 1, 0));
    core = await startCore(tmp.dir, { dbFile: join(tmp.dir, 'c.sqlite'), clock, ids: sequentialIds('id') });
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  /** One hub event through the inbox with the alarms' applier, as the link commits it. */
  const hub = (kind: string, data: unknown) =>
    commitHubEvent(core.db, { seq: ++seq, at: clock.now(), kind, data }, clock.now(), [
      core.alarms.hubApplier,
    ]);
  const open = () => core.alarms.openAlarms();
  const trailKinds = async (id: string) => (await core.alarms.get(id)).events.map((e) => e.kind);

  it('keeps the origin of a hub alarm and shows it in the view, the detail and after a restart', async () => {
    await hub('alarm', {
      sourceId: 'a-1',
      deviceId: 'panel-1234/003',
      type: 'intrusion',
      raisedAt: clock.now(),
      cameras: [],
      origin: panelOrigin,
    });
    const [alarm] = await open();
    expect(alarm?.origin).toEqual(panelOrigin);
    expect((await core.alarms.get(alarm!.id)).alarm.origin).toEqual(panelOrigin);
    const row = (await core.db('alarms').where({ id: alarm!.id }).first('origin')) as { origin: string };
    expect(JSON.parse(row.origin)).toEqual(panelOrigin);
  });

  it('keeps an alarm text worded in both languages through the queue, a restart, the history search and the CSV', async () => {
    const texts = {
      'zh-CN': '门长时间未关（ADM-CID 1426 01 004）',
      en: 'Access door propped open (ADM-CID 1426 01 004)',
    };
    await hub('alarm', {
      sourceId: 'a-2',
      deviceId: 'panel-1234/004',
      type: 'door_held',
      raisedAt: clock.now(),
      cameras: [],
      text: texts.en,
      texts,
    });
    // A hub of version 3 sends one text: the view has no `texts` and the page shows `text`.
    await hub('alarm', {
      sourceId: 'a-3',
      type: 'intrusion',
      raisedAt: clock.now(),
      cameras: [],
      text: 'old',
    });
    const [worded, plain] = await open().then((all) => [
      all.find((a) => a.sourceId === 'a-2'),
      all.find((a) => a.sourceId === 'a-3'),
    ]);
    expect(worded).toMatchObject({ text: texts.en, texts });
    expect(plain).not.toHaveProperty('texts');
    await core.stop();
    core = await startCore(tmp.dir, { dbFile: join(tmp.dir, 'c.sqlite'), clock, ids: sequentialIds('id2') });
    expect((await core.alarms.get(worded!.id)).alarm.texts).toEqual(texts);
    await core.alarms.resolve(worded!.id, 'false_alarm', '门已关好', sup);
    // The history finds it by its Chinese words too, and the CSV keeps both languages whoever exports.
    const found = await core.alarms.history({ includeDrills: false, search: '门长时间' }, 10);
    expect(found.alarms.map((a) => a.id)).toEqual([worded!.id]);
    const { csv } = await core.alarms.exportCsv({ includeDrills: false });
    const [header, row] = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const cells = header!.split(',');
    expect(cells.slice(-4, -1)).toEqual(['text', 'text_zh_cn', 'text_en']);
    expect(row).toContain(texts['zh-CN']);
  });

  it('words a device fault in both languages with its label when the hub sent both', async () => {
    await hub('device', { deviceId: 'leak-1', kind: 'sensor', state: 'ok', at: clock.now() });
    await hub('device', {
      deviceId: 'leak-1',
      kind: 'sensor',
      state: 'fault',
      at: clock.now(),
      label: '水泵房水浸',
      text: 'battery low',
      texts: { 'zh-CN': '电量低', en: 'battery low' },
    });
    const [alarm] = await open();
    expect(alarm).toMatchObject({
      type: 'device_fault',
      text: '水泵房水浸 · battery low',
      texts: { 'zh-CN': '水泵房水浸 · 电量低', en: '水泵房水浸 · battery low' },
    });
  });

  it('marks the open alarm of the device restored without resolving it; a re-trigger clears the mark', async () => {
    await hub('alarm', {
      sourceId: 'a-1',
      deviceId: 'zone-7',
      type: 'intrusion',
      raisedAt: clock.now(),
      origin: panelOrigin,
    });
    clock.advance(30_000);
    const restoredAt = clock.now() - 1000;
    expect(await hub('restore', { deviceId: 'zone-7', type: 'intrusion', at: restoredAt })).toMatchObject({
      status: 'committed',
    });
    let [alarm] = await open();
    expect(alarm).toMatchObject({ state: 'new', restoredAt });
    expect(await trailKinds(alarm!.id)).toEqual(['received', 'restored']);
    // The same condition again: the restore no longer holds.
    await hub('alarm', { sourceId: 'a-2', deviceId: 'zone-7', type: 'intrusion', raisedAt: clock.now() });
    [alarm] = await open();
    expect(alarm).toMatchObject({ count: 2 });
    expect(alarm?.restoredAt).toBeUndefined();
  });

  it('takes a restore for no open alarm (another type, another device, already resolved) as harmless', async () => {
    await hub('alarm', { sourceId: 'a-1', deviceId: 'zone-7', type: 'intrusion', raisedAt: clock.now() });
    const before = await open();
    for (const r of [
      { deviceId: 'zone-7', type: 'fire', at: clock.now() },
      { deviceId: 'zone-8', type: 'intrusion', at: clock.now() },
    ])
      expect(await hub('restore', r)).toMatchObject({ status: 'committed' });
    expect(await open()).toEqual(before);
    await core.alarms.resolve(before[0]!.id, 'real', 'checked on site', sup);
    expect(await hub('restore', { deviceId: 'zone-7', type: 'intrusion', at: clock.now() })).toMatchObject({
      status: 'committed',
    });
    expect((await core.alarms.get(before[0]!.id)).alarm.restoredAt).toBeUndefined();
  });

  it('puts a device fault in the queue at its type’s priority, once per change, and a recovery restores it', async () => {
    const device = (state: 'ok' | 'fault' | 'offline', kind = 'fire_component') =>
      hub('device', {
        deviceId: 'tx-1/1-23',
        kind,
        state,
        zone: 'bldg-03',
        at: clock.now(),
        label: '3号楼 2层 感烟探测器',
        text: '探测器污染',
        origin: { source: 'gb26875', fields: { component: '1-23', description: '3号楼 2层 感烟探测器' } },
      });
    await device('ok');
    expect(await open()).toEqual([]);
    await device('fault');
    await device('fault');
    let alarms: AlarmView[] = await open();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      type: 'fire_facility_fault',
      priority: 3,
      deviceId: 'tx-1/1-23',
      zone: 'bldg-03',
      text: '3号楼 2层 感烟探测器 · 探测器污染',
      origin: { source: 'gb26875', fields: { description: '3号楼 2层 感烟探测器' } },
    });
    clock.advance(60_000);
    await device('ok');
    alarms = await open();
    expect(alarms[0]).toMatchObject({ state: 'new', restoredAt: clock.now() });
    expect(await trailKinds(alarms[0]!.id)).toContain('restored');
  });

  it('gives each kind of equipment the fitting alarm type', async () => {
    const cases = [
      ['alarm_panel', 'offline', 'device_offline'],
      ['panel_zone', 'fault', 'device_fault'],
      ['sensor', 'fault', 'device_fault'],
      ['camera', 'offline', 'camera_offline'],
      ['lighting', 'fault', 'lighting_fault'],
      ['fire_panel', 'fault', 'fire_facility_fault'],
    ] as const;
    for (const [kind, state] of cases)
      await hub('device', { deviceId: `d-${kind}`, kind, state, at: clock.now() });
    const byDevice = new Map((await open()).map((a) => [a.deviceId, a.type]));
    expect(cases.map(([kind]) => byDevice.get(`d-${kind}`))).toEqual(cases.map(([, , type]) => type));
  });

  it('stores an origin its escapes would push past the bound, cut rather than refused', () => {
    const fields = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`f${i}`, '\u0001'.repeat(200)]));
    const json = originJson({ source: 'mqtt', fields });
    expect(json!.length).toBeLessThanOrEqual(ORIGIN_MAX_CHARS);
    expect(JSON.parse(json!)).toMatchObject({ source: 'mqtt' });
    expect(originJson(panelOrigin)).toBe(JSON.stringify(panelOrigin));
    expect(originJson(undefined)).toBeNull();
  });

  it('answers hub.devices with each device as its latest report left it, filterable by state', async () => {
    await hub('device', {
      deviceId: 'p-1',
      kind: 'alarm_panel',
      state: 'ok',
      at: clock.now(),
      supervisionSec: 60,
    });
    await hub('device', { deviceId: 's-1', kind: 'sensor', state: 'fault', at: clock.now() });
    await hub('device', {
      deviceId: 'p-1',
      kind: 'alarm_panel',
      state: 'offline',
      at: clock.now() + 1,
      supervisionSec: 90,
    });
    const session = core.openSession('memory', sup);
    expect(await core.router.call('hub.devices', {}, session)).toMatchObject({
      ok: true,
      value: {
        total: 2,
        devices: [
          { deviceId: 'p-1', state: 'offline', supervisionSec: 90 },
          { deviceId: 's-1', state: 'fault' },
        ],
      },
    });
    expect(await core.router.call('hub.devices', { states: ['fault'] }, session)).toMatchObject({
      ok: true,
      value: { total: 1, devices: [{ deviceId: 's-1' }] },
    });
  });
});
