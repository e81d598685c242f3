import { describe, expect, it } from 'vitest';
import { HubAlarm, HubDevice, HubEvent } from '../../shared/contract';
import { pickAlarmText } from '../../shared/domain/text';
import { worded } from '../../electron/hub/sources/source';
import { sensorWords, silenceWords } from '../../electron/hub/sources/mqtt/words';

/** An alarm's text in both console languages (hub protocol 4, `texts`), from the hub's sources to the view. */
describe('alarm texts in both languages', () => {
  it('a source words both, the English also as `text`, each cut to the protocol bound', () => {
    expect(worded('门长时间未关', 'Access door propped open')).toEqual({
      text: 'Access door propped open',
      texts: { 'zh-CN': '门长时间未关', en: 'Access door propped open' },
    });
    const long = worded('火'.repeat(600), `  a\n  b ${'x'.repeat(600)}`);
    expect(long.texts['zh-CN']).toHaveLength(500);
    expect(long.text).toMatch(/^a b x+$/);
    expect(long.text).toHaveLength(500);
  });

  it('words a sensor alarm, its restore and its health from the signal table', () => {
    const label = '地下车库B1水浸';
    expect(sensorWords(label, { kind: 'alarm', type: 'water_leak', cause: 'water_leak' }).texts).toEqual({
      'zh-CN': '地下车库B1水浸：水浸',
      en: '地下车库B1水浸: water leak',
    });
    expect(sensorWords('door', { kind: 'alarm', type: 'door_forced', cause: 'open+tamper' }).texts).toEqual({
      'zh-CN': 'door：门磁打开、防拆',
      en: 'door: contact open, tamper',
    });
    expect(sensorWords('s', { kind: 'restore', type: 'smoke', cause: 'smoke' }).texts).toEqual({
      'zh-CN': 's：烟雾已恢复',
      en: 's: smoke cleared',
    });
    expect(sensorWords('s', { kind: 'state', state: 'fault', cause: 'battery_low,silent' }).texts).toEqual({
      'zh-CN': 's：电量低、长时间无消息',
      en: 's: battery low, silent',
    });
    expect(sensorWords('s', { kind: 'state', state: 'ok', cause: 'ok' }).texts.en).toBe('s: back to normal');
    // A cause the table does not know is shown as it came, never dropped.
    expect(sensorWords('s', { kind: 'alarm', cause: 'vibration' }).texts['zh-CN']).toBe('s：vibration');
    expect(silenceWords('s', 600).texts).toEqual({
      'zh-CN': 's：超过 600 秒无消息',
      en: 's: silent for more than 600 s',
    });
  });

  it("shows the operator's language, and the one text for an alarm that has only that", () => {
    const both = { text: 'door held open', texts: { 'zh-CN': '门长时间未关', en: 'door held open' } };
    expect(pickAlarmText(both, 'zh-CN')).toBe('门长时间未关');
    expect(pickAlarmText(both, 'en')).toBe('door held open');
    // A hub of version 3, an operator's manual alarm: `text` only, shown as it came in either language.
    expect(pickAlarmText({ text: '住户来电：3号楼有烟味' }, 'en')).toBe('住户来电：3号楼有烟味');
    // An empty half falls back rather than showing nothing.
    expect(pickAlarmText({ text: 'x', texts: { 'zh-CN': '', en: 'y' } }, 'zh-CN')).toBe('x');
    expect(pickAlarmText({}, 'zh-CN')).toBeUndefined();
  });

  it('the contract takes `texts` on alarms and devices as optional, bounded, and drops it for no one', () => {
    const alarm = { sourceId: 'a', type: 'door_held', raisedAt: 1, cameras: [] };
    expect(HubAlarm.parse(alarm)).not.toHaveProperty('texts');
    const texts = { 'zh-CN': '门长时间未关', en: 'door held open' };
    expect(HubAlarm.parse({ ...alarm, texts }).texts).toEqual(texts);
    expect(HubAlarm.safeParse({ ...alarm, texts: { en: 'only one' } }).success).toBe(false);
    expect(HubAlarm.safeParse({ ...alarm, texts: { ...texts, en: 'x'.repeat(501) } }).success).toBe(false);
    const device = { deviceId: 'd', kind: 'sensor', state: 'fault', at: 1 };
    expect(HubDevice.parse({ ...device, texts }).texts).toEqual(texts);
    const event = HubEvent.parse({ seq: 1, at: 1, kind: 'alarm', data: { ...alarm, texts } });
    expect(event.kind === 'alarm' && event.data.texts).toEqual(texts);
  });
});
