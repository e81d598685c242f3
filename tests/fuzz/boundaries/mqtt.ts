/**
 * The site hub's MQTT source with its embedded broker: raw MQTT 3.1.1 over loopback TCP, hand-built so that
 * anything can be sent (CONNECT with or without a will, PUBLISH at any QoS with the retain and DUP flags, on the
 * source's topics and others, with Zigbee2MQTT-like states, native events and availability words full of
 * hostile values, binary, oversize and deeply nested payloads), garbage, packets cut short, declared-huge
 * packets. The log the source commits to refuses some commits on purpose. A probe sensor (mqtt.js) toggles a
 * leak every second: its QoS 1 PUBACK must come within 2 s and find its alarm or restore already committed.
 * Afterwards every committed report must be well formed, and no alarm may have come from a retained message.
 */
import { connect as connectTcp } from 'node:net';
import fc from 'fast-check';
import { connect as connectMqtt } from 'mqtt';
import { MqttSourceConfig } from '../../../electron/hub/sources/mqtt/config';
import { NATIVE_EVENTS } from '../../../electron/hub/sources/mqtt/payloads';
import { createMqttSource } from '../../../electron/hub/sources/mqtt/source';
import { ALARM_TYPES } from '../../../shared/domain/alarm';
import {
  checkSourceStatus,
  nastyText,
  within,
  type Boundary,
  probeWhile,
  weighted,
  fuzzLog,
  oneIn,
  eachCase,
} from '../lib';
import { connectPacket, publishPacket } from '../../simulators/mqtt-packets';
import { quietContext } from '../../support/sink';

const SOURCE_ID = 'fuzz-mqtt';
const PROBE = 'fuzz_probe';
const DEVICES = ['kitchen_leak', 'front_door', 'pump', 'gate', PROBE];

// --- cases ----------------------------------------------------------------------------------------------------

const deviceName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...DEVICES.filter((d) => d !== PROBE)) },
  { weight: 2, arbitrary: nastyText },
  { weight: 1, arbitrary: fc.string({ minLength: 100, maxLength: 300 }) },
);
const topic = fc.oneof(
  { weight: 6, arbitrary: deviceName.map((d) => `zigbee2mqtt/${d}`) },
  { weight: 2, arbitrary: deviceName.map((d) => `zigbee2mqtt/${d}/availability`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(deviceName, fc.constantFrom('water_leak', 'smoke', 'contact', 'battery', 'set', 'get/x'))
      .map(([d, a]) => `zigbee2mqtt/${d}/${a}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'zigbee2mqtt/bridge/state',
      'zigbee2mqtt/bridge/devices',
      'zigbee2mqtt/bridge',
    ),
  },
  { weight: 2, arbitrary: deviceName.map((d) => `tele/${d}/LWT`) },
  { weight: 3, arbitrary: deviceName.map((d) => `site/${d}/event`) },
  { weight: 1, arbitrary: nastyText },
  { weight: 1, arbitrary: fc.constantFrom('', '#', 'a/+/b', '/'.repeat(150), '$SYS/x', 'zigbee2mqtt/') },
);
const boolish = fc.oneof(
  { weight: 4, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('true', 'ON', 1, 0, null, [], {}) },
  { weight: 1, arbitrary: nastyText },
);
const z2mState = fc
  .dictionary(
    fc.oneof(
      fc.constantFrom(
        'water_leak',
        'smoke',
        'gas',
        'carbon_monoxide',
        'contact',
        'tamper',
        'battery_low',
        'last_seen',
        '__proto__',
        'constructor',
      ),
      fc.string({ maxLength: 8 }),
    ),
    fc.oneof(boolish, fc.double(), fc.integer(), fc.string({ maxLength: 40 })),
    { maxKeys: 8 },
  )
  .map((o) => JSON.stringify(o));
const nativeEvent = fc
  .record(
    {
      event: fc.oneof(fc.constantFrom(...NATIVE_EVENTS), nastyText),
      active: boolish,
      id: fc.oneof(fc.string({ maxLength: 70 }), nastyText),
      at: fc.oneof(
        fc.double(),
        fc.integer(),
        nastyText,
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
      text: fc.string({ maxLength: 300 }),
    },
    { requiredKeys: ['event'] },
  )
  .map((o) => JSON.stringify(o));
const payload = fc.oneof(
  { weight: 5, arbitrary: z2mState.map((s) => Buffer.from(s)) },
  { weight: 4, arbitrary: nativeEvent.map((s) => Buffer.from(s)) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        'online',
        'offline',
        '{"state":"online"}',
        '{"state":"offline"}',
        'Online',
        'Offline',
        '"x"',
      )
      .map((s) => Buffer.from(s)),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.integer({ min: 16_000, max: 40_000 }).map((n) => Buffer.alloc(n, '{')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000 }).map((n) => Buffer.from('['.repeat(n))) },
  { weight: 1, arbitrary: nastyText.map((t) => Buffer.from(t)) },
);
const publish = fc.record({
  topic,
  payload,
  qos: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(0, 1, 1, 2) },
    { weight: 1, arbitrary: fc.constant(3) },
  ),
  retain: fc.boolean(),
  dup: fc.boolean(),
  mid: fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 1, max: 65_535 }) },
    { weight: 1, arbitrary: fc.constant(0) },
  ),
});
const kase = fc.record({
  mode: weighted({ session: 14, garbage: 1, 'declared-huge': 1, cut: 1, 'no-connect': 1 }),
  clientId: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('sim-kitchen_leak', 'zigbee2mqtt')),
  will: fc.option(publish, { freq: 3 }),
  publishes: fc.array(publish, { minLength: 1, maxLength: 4 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }),
  end: fc.constantFrom('destroy', 'disconnect', 'linger'),
});
type Case = typeof kase extends fc.Arbitrary<infer T> ? T : never;

function bytesOf(c: Case): Buffer {
  const session = () =>
    Buffer.concat([
      connectPacket(c.clientId === 'fuzz-probe' ? 'x' : c.clientId, c.will),
      ...c.publishes.map(publishPacket),
      c.end === 'disconnect' ? Buffer.from([0xe0, 0]) : Buffer.alloc(0),
    ]);
  switch (c.mode) {
    case 'garbage':
      return Buffer.from(c.bytes);
    case 'declared-huge':
      return Buffer.concat([
        connectPacket('huge', null),
        Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]),
        c.bytes,
      ]);
    case 'cut': {
      const all = session();
      return all.subarray(0, Math.max(1, all.length - 1 - (c.bytes[0]! % Math.max(1, all.length - 1))));
    }
    case 'no-connect':
      return Buffer.concat(c.publishes.map(publishPacket));
    default:
      return session();
  }
}

/** Sends one case on its own connection; resolves when the broker closed it or it was given up. */
function send(port: number, bytes: Buffer, linger: boolean): Promise<void> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, linger ? 300 : 80);
    socket.on('error', done);
    socket.on('close', done);
    socket.on('data', () => undefined);
    socket.once('connect', () => socket.write(bytes));
  });
}

const boundary: Boundary = {
  name: 'mqtt',
  weight: 20,
  async run(ctx, tally) {
    // The log refuses one commit in thirteen (never the probe's): the source must give those messages back.
    const { sink, reports } = fuzzLog(oneIn(13, (r) => r.device.id === `${SOURCE_ID}:${PROBE}`));
    const config = MqttSourceConfig.parse({
      id: SOURCE_ID,
      broker: { mode: 'embedded', port: 0, maxPacketBytes: 64 * 1024 },
      devices: {
        kitchen_leak: { zone: 'b1', kind: 'leak' },
        front_door: { zone: 'lobby', kind: 'door', tamper: 'fault' },
        pump: { zone: 'pump-room', power: 'mains', supervisionSec: 1 },
        gate: { zone: 'gate', kind: 'door', contact: 'none' },
        [PROBE]: { zone: 'probe' },
      },
      maxUnknownDevices: 500,
      commitRetrySec: 0.2,
    });
    const source = createMqttSource(config, quietContext(sink), { sweepMs: 200 });
    await source.start();
    const port = source.ports()!.mqtt;

    const probeClient = connectMqtt(`mqtt://127.0.0.1:${port}`, {
      clientId: 'fuzz-probe',
      reconnectPeriod: 100,
      connectTimeout: ctx.stallMs,
    });
    probeClient.on('error', () => undefined);
    await within(new Promise((r) => probeClient.once('connect', r)), ctx.stallMs);
    let leak = false;
    let probes = 0;
    const probeReports = () =>
      [...reports.values()].filter((r) => r.device.id === `${SOURCE_ID}:${PROBE}` && r.kind !== 'state')
        .length;
    const probe = async () => {
      const accepting = await new Promise<boolean>((resolve) => {
        const s = connectTcp(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      if (!accepting) {
        tally.crashes++;
        tally.note('the embedded broker stopped accepting connections');
        return;
      }
      leak = !leak;
      probes++;
      const acked = await within(
        new Promise<boolean>((resolve) =>
          probeClient.publish(
            `zigbee2mqtt/${PROBE}`,
            JSON.stringify({ water_leak: leak }),
            { qos: 1 },
            (err) => resolve(!err),
          ),
        ),
        ctx.stallMs,
      );
      if (!acked) tally.stall(`probe ${probes}: no PUBACK within ${ctx.stallMs} ms`);
      else if (probeReports() !== probes) {
        tally.stall(`probe ${probes}: acknowledged, but ${probeReports()} probe alarms/restores in the log`);
        probes = probeReports();
      }
    };
    const prober = probeWhile(probe);

    await eachCase(ctx, tally, kase, 8, async (c) => {
      await send(port, bytesOf(c), c.end === 'linger');
    });
    await prober.finish();

    const all = [...reports.values()];
    const types = new Set<string>(ALARM_TYPES);
    tally.invalid(
      'reports without a key, a device of this source, a known kind or a time',
      all.filter(
        (r) =>
          !r.key ||
          r.key.length > 1000 ||
          !r.device.id.startsWith(`${SOURCE_ID}:`) ||
          r.device.id.length > SOURCE_ID.length + 1 + 128 ||
          !['alarm', 'restore', 'state'].includes(r.kind) ||
          !Number.isFinite(r.at),
      ).length,
    );
    tally.invalid(
      'alarms or restores without a known type, states without ok/fault/offline',
      all.filter((r) =>
        r.kind === 'state' ? !['ok', 'fault', 'offline'].includes(r.state ?? '') : !types.has(r.type ?? ''),
      ).length,
    );
    tally.invalid(
      'alarms or restores taken from a retained message',
      all.filter((r) => r.kind !== 'state' && r.origin.retained === true).length,
    );
    tally.invalid(
      'zones on devices the site file does not list',
      all.filter((r) => r.zone !== undefined && !DEVICES.some((d) => r.device.id === `${SOURCE_ID}:${d}`))
        .length,
    );
    const status = source.status();
    checkSourceStatus(tally, status);
    ctx.progress(
      `${all.length} reports committed (${all.filter((r) => r.kind === 'alarm').length} alarms), ` +
        `${status.counts.received} messages, ${status.counts.refused} refused, ${status.counts.errors} errors, ` +
        `${probes} probes`,
    );

    await new Promise<void>((resolve) => probeClient.end(true, {}, () => resolve()));
    await source.stop();
  },
};

export default boundary;
