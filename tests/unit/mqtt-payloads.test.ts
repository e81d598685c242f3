import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { devicePolicy, MqttSourceConfig, type DevicePolicy } from '../../electron/hub/sources/mqtt/config';
import { createFrameGuard } from '../../electron/hub/sources/mqtt/frame-guard';
import {
  emptyState,
  interpret,
  parseMessage,
  subscriptions,
  supervise,
  type DeviceMessage,
  type DeviceState,
  type Parsed,
} from '../../electron/hub/sources/mqtt/payloads';
import { packet } from '../simulators/mqtt-packets';

const sets = { zigbee2mqtt: 'zigbee2mqtt', tasmotaLwt: 'tele/+/LWT', native: 'site' } as const;
const options = { sets, maxPayloadBytes: 1024 };
const parse = (topic: string, payload: string | Uint8Array) =>
  parseMessage(topic, typeof payload === 'string' ? Buffer.from(payload) : payload, options);

function msg(parsed: Parsed): DeviceMessage {
  if (parsed.kind !== 'message') throw new Error(`expected a message, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

function refusal(parsed: Parsed): string {
  if (parsed.kind !== 'refused') throw new Error(`expected a refusal, got ${JSON.stringify(parsed)}`);
  return parsed.reason;
}

describe('MQTT topics', () => {
  it('subscribes to each configured set, and to nothing of a set turned off', () => {
    expect(subscriptions(sets)).toEqual(['zigbee2mqtt/#', 'tele/+/LWT', 'tele/+/STATE', 'site/+/event']);
    expect(subscriptions({ ...sets, tasmotaLwt: 'tasmota/+/will' })).toContain('tasmota/+/will');
    expect(subscriptions({ ...sets, tasmotaLwt: 'tasmota/+/will' })).toHaveLength(3);
    expect(subscriptions({ zigbee2mqtt: 'z2m', tasmotaLwt: false, native: false })).toEqual(['z2m/#']);
  });

  it('leaves other topics to the broker and ignores what is not about a sensor', () => {
    expect(parse('homeassistant/binary_sensor/x/config', '{}')).toEqual({ kind: 'other' });
    expect(parse('zigbee2mqtt', '{}')).toEqual({ kind: 'other' });
    expect(parse('tele/pump/SENSOR', '{}')).toEqual({ kind: 'other' });
    expect(parse('site/a/b/event', '{}')).toEqual({ kind: 'other' });
    expect(parse('zigbee2mqtt/bridge/devices', 'x'.repeat(100_000)).kind).toBe('ignored');
    expect(parse('zigbee2mqtt/bridge/logging', '{}').kind).toBe('ignored');
    expect(parse('zigbee2mqtt/kitchen_leak/set', '{"state":"ON"}').kind).toBe('ignored');
    expect(parse('zigbee2mqtt/kitchen_leak/set/brightness', '3').kind).toBe('ignored');
  });
});

describe('Zigbee2MQTT payloads', () => {
  it('reads the alarm exposes, contact false as open, and last_seen as the device time', () => {
    const m = msg(
      parse(
        'zigbee2mqtt/floor1/kitchen',
        '{"water_leak":true,"smoke":false,"gas":false,"carbon_monoxide":false,"contact":false,"tamper":false,' +
          '"battery_low":true,"battery":12,"linkquality":120,"last_seen":"2026-11-30T10:00:00.000Z","occupancy":true}',
      ),
    );
    expect(m).toMatchObject({ protocol: 'zigbee2mqtt', device: 'floor1/kitchen', problems: [] });
    expect(m.signals).toEqual({
      water_leak: true,
      smoke: false,
      gas: false,
      carbon_monoxide: false,
      open: true,
      tamper: false,
      battery_low: true,
    });
    expect(m.at).toBe(Date.parse('2026-11-30T10:00:00.000Z'));
    expect(msg(parse('zigbee2mqtt/door', '{"contact":true,"last_seen":1764496800000}'))).toMatchObject({
      signals: { open: false },
      at: 1764496800000,
    });
  });

  it('keeps the good keys of a state and names the bad ones', () => {
    const m = msg(
      parse('zigbee2mqtt/x', '{"water_leak":"yes","smoke":true,"last_seen":"soon","__proto__":{"gas":true}}'),
    );
    expect(m.signals).toEqual({ smoke: true });
    expect(m.problems).toEqual(['water_leak is not true or false', 'last_seen is not a time']);
  });

  it('reads the attribute output (one topic per attribute, a bare value)', () => {
    expect(msg(parse('zigbee2mqtt/kitchen_leak/water_leak', 'true'))).toMatchObject({
      device: 'kitchen_leak',
      signals: { water_leak: true },
    });
    expect(msg(parse('zigbee2mqtt/kitchen_leak/battery', '97'))).toMatchObject({
      device: 'kitchen_leak',
      signals: {},
    });
  });

  it('reads availability in both forms, and the bridge state', () => {
    for (const [payload, availability] of [
      ['online', 'online'],
      ['offline', 'offline'],
      ['{"state":"online"}', 'online'],
      ['{"state":"offline"}', 'offline'],
      ['"offline"', 'offline'],
    ] as const) {
      expect(msg(parse('zigbee2mqtt/kitchen_leak/availability', payload))).toMatchObject({
        device: 'kitchen_leak',
        availability,
        signals: {},
      });
    }
    expect(msg(parse('zigbee2mqtt/bridge/state', '{"state":"offline"}'))).toMatchObject({
      device: 'zigbee2mqtt/bridge',
      availability: 'offline',
    });
    expect(refusal(parse('zigbee2mqtt/kitchen_leak/availability', 'Online!'))).toMatch(/availability is not/);
    expect(refusal(parse('zigbee2mqtt/kitchen_leak/availability', '{"state":1}'))).toMatch(
      /availability is not/,
    );
  });

  it('refuses what is not a state, each time saying why', () => {
    expect(refusal(parse('zigbee2mqtt/a', '{"water_leak":'))).toBe('payload is not JSON');
    expect(refusal(parse('zigbee2mqtt/a', '[1,2]'))).toBe('a device state must be a JSON object');
    expect(refusal(parse('zigbee2mqtt/a', 'null'))).toBe('a device state must be a JSON object');
    expect(refusal(parse('zigbee2mqtt/a', '42'))).toBe('a device state must be a JSON object');
    expect(refusal(parse('zigbee2mqtt/a', new Uint8Array([0x7b, 0xc3, 0x28, 0x7d])))).toBe(
      'payload is not UTF-8 text',
    );
    expect(refusal(parse('zigbee2mqtt/a', 'x'.repeat(1025)))).toBe('payload of 1025 bytes is over 1024');
    expect(refusal(parse(`zigbee2mqtt/${'n'.repeat(129)}`, '{}'))).toMatch(/device name longer than 128/);
    expect(refusal(parse('zigbee2mqtt/a\u0001b', '{}'))).toMatch(/control characters/);
  });
});

describe('Tasmota LWT and the native topic', () => {
  it('reads Online/Offline on the LWT topic, with the device from its + level', () => {
    expect(msg(parse('tele/pump/LWT', 'Online'))).toMatchObject({
      protocol: 'tasmota',
      device: 'pump',
      availability: 'online',
    });
    expect(msg(parse('tele/pump/LWT', 'Offline'))).toMatchObject({ availability: 'offline' });
    expect(refusal(parse('tele/pump/LWT', 'Sleeping'))).toBe('LWT is not Online or Offline');
    // STATE telemetry (every TelePeriod) proves the device alive, whatever it says.
    expect(msg(parse('tele/pump/STATE', '{"Uptime":"0T00:05:00","POWER":"ON"}'))).toMatchObject({
      protocol: 'tasmota',
      device: 'pump',
      signals: {},
    });
    expect(refusal(parse('tele/pump/STATE', 'x'.repeat(2000)))).toMatch(/over 1024/);
    const custom = parseMessage('tasmota/tele/pump-2/LWT', Buffer.from('Online'), {
      sets: { ...sets, tasmotaLwt: 'tasmota/tele/+/LWT' },
      maxPayloadBytes: 64,
    });
    expect(msg(custom).device).toBe('pump-2');
  });

  it('reads native events: sensor signals with active, heartbeat and availability, id, time and text', () => {
    expect(
      msg(
        parse(
          'site/gate/event',
          '{"event":"open","active":true,"id":"gate-7","at":1764496800,"text":"north gate"}',
        ),
      ),
    ).toMatchObject({
      protocol: 'native',
      device: 'gate',
      signals: { open: true },
      eventId: 'gate-7',
      at: 1764496800_000,
      text: 'north gate',
    });
    expect(msg(parse('site/gate/event', '{"event":"heartbeat"}'))).toMatchObject({
      signals: {},
      problems: [],
    });
    expect(msg(parse('site/gate/event', '{"event":"offline"}'))).toMatchObject({ availability: 'offline' });
    expect(msg(parse('site/gate/event', '{"event":"smoke","active":false,"at":"yesterday"}'))).toMatchObject({
      signals: { smoke: false },
      problems: ['at is not a time'],
    });
  });

  it('refuses native events outside the schema with the field at fault', () => {
    expect(refusal(parse('site/gate/event', '{"event":"open"}'))).toMatch(/^native event: active: /);
    expect(refusal(parse('site/gate/event', '{"event":"earthquake","active":true}'))).toMatch(
      /^native event: event: /,
    );
    expect(refusal(parse('site/gate/event', '{"event":"smoke","active":"yes"}'))).toMatch(
      /^native event: active: /,
    );
    expect(refusal(parse('site/gate/event', '{"event":"smoke","active":true,"id":"a b"}'))).toMatch(
      /id: printable/,
    );
    expect(refusal(parse('site/gate/event', '"smoke"'))).toMatch(/^native event: /);
  });

  it('never throws and gives every refusal a reason, whatever the topic and bytes', () => {
    const topic = fc.oneof(
      fc.constantFrom('zigbee2mqtt/', 'tele/', 'site/', 'zigbee2mqtt/bridge/', ''),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(
        fc.tuple(topic, fc.string({ maxLength: 20 }), fc.constantFrom('', '/LWT', '/event', '/availability')),
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.json().map((j) => Buffer.from(j)),
        ),
        ([a, b, c], payload) => {
          const parsed = parseMessage(`${a}${b}${c}`, payload, options);
          if (parsed.kind === 'refused' || parsed.kind === 'ignored')
            expect(parsed.reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

const leakPolicy = (over: Partial<DevicePolicy> = {}): DevicePolicy => ({
  configured: true,
  zone: 'b1',
  cameras: [],
  kind: 'leak',
  supervisionSec: 600,
  contact: 'intrusion',
  tamper: 'intrusion',
  ...over,
});
const live = { retained: false, stale: false, will: false, now: 1000 };
const retained = { ...live, retained: true };
const z2m = (signals: DeviceMessage['signals'], extra: Partial<DeviceMessage> = {}): DeviceMessage => ({
  protocol: 'zigbee2mqtt',
  device: 'd',
  topic: 'zigbee2mqtt/d',
  signals,
  problems: [],
  ...extra,
});

/** Feeds messages one after the other and collects the drafts (as the source does, once committed). */
function run(
  steps: Array<[DeviceMessage, typeof live]>,
  policy = leakPolicy(),
  start?: DeviceState,
): { state: DeviceState; drafts: string[][] } {
  let state = start;
  const drafts: string[][] = [];
  for (const [m, flags] of steps) {
    const r = interpret(state, m, policy, flags);
    state = r.next;
    drafts.push(r.drafts.map((d) => `${d.kind}:${d.type ?? d.state}:${d.cause}`));
  }
  return { state: state!, drafts };
}

describe('what a message changes for its device', () => {
  it('raises an alarm on a rising signal, nothing on a repeat, a restore when it falls', () => {
    const { drafts } = run([
      [z2m({ water_leak: false }), live],
      [z2m({ water_leak: true }), live],
      [z2m({ water_leak: true }), live],
      [z2m({ water_leak: false }), live],
      [z2m({ water_leak: false }), live],
    ]);
    expect(drafts).toEqual([
      ['state:ok:ok'],
      ['alarm:water_leak:water_leak'],
      [],
      ['restore:water_leak:water_leak'],
      [],
    ]);
  });

  it('takes no alarm and no restore from a retained message, but a live true after it raises the alarm', () => {
    const r = interpret(undefined, z2m({ smoke: true }), leakPolicy(), retained);
    expect(r.drafts.map((d) => d.kind)).toEqual(['state']);
    expect(r.notes).toEqual(['retained smoke: state only, alarms are never taken from retained messages']);
    const { drafts } = run([
      [z2m({ smoke: true }), retained],
      [z2m({ smoke: true }), live],
      [z2m({ smoke: false }), retained],
    ]);
    expect(drafts).toEqual([['state:ok:ok'], ['alarm:smoke:smoke'], []]);
  });

  it('restores an alarm type only when its last cause clears', () => {
    const { drafts } = run([
      [z2m({ gas: true }), live],
      [z2m({ carbon_monoxide: true }), live],
      [z2m({ gas: false }), live],
      [z2m({ carbon_monoxide: false }), live],
    ]);
    expect(drafts).toEqual([
      ['alarm:gas:gas', 'state:ok:ok'],
      ['alarm:gas:carbon_monoxide'],
      [],
      ['restore:gas:carbon_monoxide'],
    ]);
  });

  it('maps contact and tamper per the device: intrusion, door_forced, none, or a fault', () => {
    const open = [z2m({ open: true }), live] as [DeviceMessage, typeof live];
    expect(run([open]).drafts[0]).toContain('alarm:intrusion:open');
    expect(
      run([open], devicePolicy(MqttSourceConfig.parse(cfg({ d: { kind: 'door' } })), 'd')).drafts[0],
    ).toContain('alarm:door_forced:open');
    expect(run([open], leakPolicy({ contact: 'none' })).drafts[0]).toEqual(['state:ok:ok']);
    const tamper = run(
      [
        [z2m({ tamper: true }), live],
        [z2m({ tamper: false }), live],
      ],
      leakPolicy({ tamper: 'fault' }),
    );
    expect(tamper.drafts).toEqual([['state:fault:tamper'], ['state:ok:ok']]);
    // A tamper and an open contact on one device are both intrusion: it ends when both have.
    const both = run([
      [z2m({ open: true }), live],
      [z2m({ tamper: true }), live],
      [z2m({ open: false }), live],
      [z2m({ tamper: false }), live],
    ]);
    expect(both.drafts).toEqual([
      ['alarm:intrusion:open', 'state:ok:ok'],
      ['alarm:intrusion:tamper'],
      [],
      ['restore:intrusion:tamper'],
    ]);
  });

  it('keeps battery_low a fault state, never an alarm', () => {
    const { drafts } = run([
      [z2m({ battery_low: true }), live],
      [z2m({ battery_low: true, water_leak: false }), live],
      [z2m({ battery_low: false }), live],
    ]);
    expect(drafts).toEqual([['state:fault:battery_low'], [], ['state:ok:ok']]);
  });

  it('counts a message the sender publishes now as proof of life, but not a stored retained copy', () => {
    const online = { ...z2m({}), availability: 'online' as const };
    expect(interpret(undefined, online, leakPolicy(), { ...retained, now: 5 }).next.lastSeen).toBe(5);
    const stale = interpret(undefined, online, leakPolicy(), { ...retained, stale: true, now: 5 });
    expect(stale.next).toMatchObject({ availability: 'online' });
    expect(stale.next.lastSeen).toBeUndefined();
  });

  it('goes offline on availability or a Last Will, which are no proof of life; data brings it back', () => {
    const offline = { ...z2m({}), availability: 'offline' as const, topic: 'zigbee2mqtt/d/availability' };
    const r = run([
      [z2m({ water_leak: false }), live],
      [offline, { ...live, will: true, now: 2000 }],
    ]);
    expect(r.drafts).toEqual([['state:ok:ok'], ['state:offline:offline']]);
    expect(r.state.lastSeen).toBe(1000);
    // An old retained offline is contradicted by a live state (zigbee2mqtt #3625).
    const back = interpret(r.state, z2m({ water_leak: false }), leakPolicy(), { ...live, now: 3000 });
    expect(back.drafts.map((d) => `${d.kind}:${d.state}`)).toEqual(['state:ok']);
    expect(back.next).toMatchObject({ availability: 'online', lastSeen: 3000 });
  });

  it('supervises: silence past the interval is a fault once, the next live message clears it', () => {
    const policy = leakPolicy({ supervisionSec: 60 });
    const seen = interpret(undefined, z2m({ water_leak: false }), policy, { ...live, now: 10_000 }).next;
    expect(supervise(seen, policy, 70_000, 0)).toBeUndefined();
    const silent = supervise(seen, policy, 70_001, 0)!;
    expect(silent.drafts).toEqual([{ kind: 'state', state: 'fault', cause: 'silent' }]);
    expect(supervise(silent.next, policy, 200_000, 0)).toBeUndefined();
    const back = interpret(silent.next, z2m({}), policy, { ...live, now: 200_000 });
    expect(back.drafts).toEqual([{ kind: 'state', state: 'ok', cause: 'ok' }]);
    // Never heard of: counted from the start; unsupervised or offline: never silent.
    expect(supervise(undefined, policy, 60_001 + 5, 5)?.drafts[0]?.cause).toBe('silent');
    expect(supervise(undefined, leakPolicy({ supervisionSec: 0 }), 1e12, 0)).toBeUndefined();
    expect(supervise({ ...emptyState(), availability: 'offline' }, policy, 1e12, 0)).toBeUndefined();
  });
});

function cfg(devices: Record<string, object> = {}, broker: object = { mode: 'embedded', port: 0 }) {
  return { id: 'm', broker, devices };
}

describe('the MQTT site file entry', () => {
  it('fills the defaults', () => {
    const c = MqttSourceConfig.parse(cfg({ a: {}, door: { kind: 'door', power: 'mains' } }));
    expect(c.topics).toEqual({ zigbee2mqtt: 'zigbee2mqtt', tasmotaLwt: 'tele/+/LWT', native: 'site' });
    expect(c.broker).toMatchObject({ mode: 'embedded', host: '127.0.0.1', port: 0 });
    expect(devicePolicy(c, 'a')).toMatchObject({
      supervisionSec: 90_000,
      contact: 'intrusion',
      tamper: 'intrusion',
    });
    expect(devicePolicy(c, 'door')).toMatchObject({ supervisionSec: 600, contact: 'door_forced' });
    expect(devicePolicy(c, 'unknown')).toMatchObject({ configured: false, supervisionSec: 0 });
    expect(devicePolicy(c, 'constructor').configured).toBe(false);
    const ext = MqttSourceConfig.parse(cfg({}, { mode: 'external', url: 'mqtts://broker.site:8883' }));
    expect(ext.broker).toMatchObject({ protocolVersion: 5, sessionExpirySec: 604_800 });
  });

  it('refuses an embedded broker open to the network without users, wildcards in topics and bad names', () => {
    expect(MqttSourceConfig.safeParse(cfg({}, { mode: 'embedded', host: '0.0.0.0' })).success).toBe(false);
    expect(
      MqttSourceConfig.safeParse(
        cfg({}, { mode: 'embedded', host: '0.0.0.0', users: [{ username: 'z2m', password: 'long enough' }] }),
      ).success,
    ).toBe(true);
    expect(MqttSourceConfig.safeParse({ ...cfg(), topics: { zigbee2mqtt: 'z2m/#' } }).success).toBe(false);
    expect(MqttSourceConfig.safeParse({ ...cfg(), topics: { tasmotaLwt: 'tele/LWT' } }).success).toBe(false);
    expect(MqttSourceConfig.safeParse(cfg({ 'a/+': {} })).success).toBe(false);
    expect(MqttSourceConfig.safeParse(cfg({}, { mode: 'external', url: 'http://x' })).success).toBe(false);
  });
});

describe('the embedded broker frame guard', () => {
  const publish = (body: number) => packet(0x30, Buffer.alloc(body, 0x61));

  it('lets packets up to the limit through, however the bytes are cut', () => {
    const stream = Buffer.concat([
      publish(0),
      publish(127),
      publish(128),
      publish(16_384),
      publish(2),
      Buffer.from([0xc0, 0]),
    ]);
    for (const cut of [1, 2, 3, 7, 1000, stream.length]) {
      const guard = createFrameGuard(16_384);
      const said = new Set<string | undefined>();
      for (let i = 0; i < stream.length; i += cut) said.add(guard(stream.subarray(i, i + cut)));
      expect([...said]).toEqual([undefined]);
    }
  });

  it('says so at the header of a packet over the limit, or a malformed length', () => {
    const guard = createFrameGuard(16_384);
    expect(guard(publish(10))).toBeUndefined();
    expect(guard(publish(16_385).subarray(0, 4))).toBe('MQTT packet of 16385 bytes is over 16384');
    expect(guard(Buffer.from([0x30]))).toBe('MQTT packet of 16385 bytes is over 16384');
    expect(createFrameGuard(1 << 20)(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(
      'malformed MQTT remaining length',
    );
  });
});
