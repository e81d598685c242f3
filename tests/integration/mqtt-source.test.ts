/**
 * The site hub's MQTT source over real loopback sockets, fed by the simulated sensors of
 * tests/simulators/mqtt-sensors.ts: against its embedded broker (aedes, MQTT 3.1.1) and, as a client with a
 * persistent session, against Debian's Mosquitto (MQTT 5). The sink stands for the hub's log: it keeps one
 * report per key, as the log does, and can refuse commits.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { MqttSourceConfig, type MqttSourceConfigInput } from '../../electron/hub/sources/mqtt/config';
import { createMqttSource, type MqttSource } from '../../electron/hub/sources/mqtt/source';
import type { SourceReport } from '../../electron/hub/sources/source';
import { startSensors, type SensorFleet, type SensorSpec } from '../simulators/mqtt-sensors';
import { closedAfterEach } from '../support/closers';
import { startMosquitto } from '../support/mosquitto';
import { quietContext, RecordingSink } from '../support/sink';
import { tempDir } from '../support/temp';
import { requireMosquitto, requireOpenssl, selfSignedCert } from '../support/tools';
import { until } from '../support/until';

const SOURCE_ID = 'mqtt-test';

const DEVICES: MqttSourceConfigInput['devices'] = {
  kitchen_leak: { zone: 'b1-kitchen', label: 'Kitchen leak', cameras: ['cam-b1-01'], kind: 'leak' },
  hall_smoke: { zone: 'hall', kind: 'smoke' },
  boiler_gas: { zone: 'boiler-room', kind: 'gas', power: 'mains', supervisionSec: 60 },
  pump: { zone: 'pump-room', power: 'mains' },
  gate: { zone: 'north-gate', kind: 'door' },
};

/** The hub log as the tests read it: by device of this source. */
class DeviceSink extends RecordingSink {
  ofDevice(device: string, kind?: SourceReport['kind'], typeOrState?: string): SourceReport[] {
    return this.reports.filter(
      (r) =>
        r.device.id === `${SOURCE_ID}:${device}` &&
        (kind === undefined || r.kind === kind) &&
        (typeOrState === undefined || r.type === typeOrState || r.state === typeOrState),
    );
  }

  /** The device's health as last reported. */
  health(device: string): SourceReport | undefined {
    return this.ofDevice(device, 'state').at(-1);
  }
}

type Broker = 'aedes' | 'mosquitto';

interface Harness {
  source: MqttSource;
  sink: DeviceSink;
  /** Where sensors connect. */
  url: string;
  /** Added to the source's clock (supervision). */
  skew: { ms: number };
  sensors(specs: SensorSpec[]): Promise<SensorFleet>;
  /** A new source instance (same config, same broker, same session for Mosquitto), the old one stopped. */
  restart(): Promise<void>;
}

const closers = closedAfterEach();

async function setup(
  broker: Broker,
  overrides: Partial<MqttSourceConfigInput> = {},
  options: { sweepMs?: number; baseDir?: string } = {},
): Promise<Harness> {
  let external: { url: string } | undefined;
  if (broker === 'mosquitto') {
    const mosquitto = await startMosquitto();
    closers.push(() => mosquitto.stop());
    external = { url: mosquitto.url };
  }
  const config = MqttSourceConfig.parse({
    id: SOURCE_ID,
    broker: external
      ? {
          mode: 'external',
          url: external.url,
          clientId: 'site-hub-test',
          protocolVersion: 5,
          reconnectMs: 100,
        }
      : { mode: 'embedded', port: 0 },
    devices: DEVICES,
    ...overrides,
  });
  const sink = new DeviceSink();
  const skew = { ms: 0 };
  const ctx = quietContext(sink, () => Date.now() + skew.ms);
  const h: Harness = {
    source: createMqttSource(config, ctx, options),
    sink,
    url: external?.url ?? '',
    skew,
    async sensors(specs) {
      const fleet = await startSensors({
        url: h.url,
        sensors: specs,
        protocolVersion: broker === 'mosquitto' ? 5 : 4,
      });
      closers.push(() => fleet.close());
      return fleet;
    },
    async restart() {
      await h.source.stop();
      h.source = createMqttSource(config, ctx, options);
      await startSource();
    },
  };
  const startSource = async () => {
    const source = h.source;
    closers.push(() => source.stop());
    await source.start();
    if (broker === 'mosquitto')
      await until('the source subscribed', () => source.status().state === 'connected');
    else h.url = `mqtt://127.0.0.1:${source.ports()!.mqtt}`;
  };
  await startSource();
  return h;
}

const LEAK: SensorSpec = {
  name: 'kitchen_leak',
  state: { water_leak: false, battery_low: false, tamper: false },
};

describe.each(['aedes', 'mosquitto'] as const)('the MQTT source with %s', (broker) => {
  beforeEach((ctx) => {
    if (broker === 'mosquitto' && !requireMosquitto().available) ctx.skip();
  });

  it('turns a QoS 1 leak into a water_leak alarm in the mapped zone, a repeat into nothing, its end into a restore', async () => {
    const h = await setup(broker);
    const leak = (await h.sensors([LEAK])).sensor('kitchen_leak');
    await until('the sensor in the registry', () => h.sink.health('kitchen_leak')?.state === 'ok');

    await leak.set({ water_leak: true });
    const [alarm] = await until(
      'the alarm',
      () => h.sink.ofDevice('kitchen_leak', 'alarm').length > 0 && h.sink.ofDevice('kitchen_leak', 'alarm'),
    );
    expect(alarm).toMatchObject({
      kind: 'alarm',
      type: 'water_leak',
      zone: 'b1-kitchen',
      cameras: ['cam-b1-01'],
      device: { id: `${SOURCE_ID}:kitchen_leak`, kind: 'sensor', label: 'Kitchen leak' },
      origin: { protocol: 'zigbee2mqtt', topic: 'zigbee2mqtt/kitchen_leak', cause: 'water_leak' },
    });

    // Zigbee2MQTT publishes the whole state on any change: the leak again is no new alarm.
    await leak.set({ linkquality: 42 });
    await leak.set({ water_leak: false });
    await until('the restore', () => h.sink.ofDevice('kitchen_leak', 'restore', 'water_leak').length === 1);
    expect(h.sink.ofDevice('kitchen_leak', 'alarm')).toHaveLength(1);
    expect(h.source.status().counts).toMatchObject({ refused: 0, errors: 0 });
  });

  it('marks a sensor offline when its socket dies and the broker publishes its Last Will, and online again', async () => {
    const h = await setup(broker);
    const leak = (await h.sensors([LEAK])).sensor('kitchen_leak');
    await until('the sensor online', () => h.sink.health('kitchen_leak')?.state === 'ok');

    await leak.vanish();
    const offline = await until(
      'the will',
      () => h.sink.health('kitchen_leak')?.state === 'offline' && h.sink.health('kitchen_leak'),
    );
    expect(offline).toMatchObject({
      kind: 'state',
      zone: 'b1-kitchen',
      origin: { topic: 'zigbee2mqtt/kitchen_leak/availability' },
    });

    await leak.connect();
    await until('back online', () => h.sink.health('kitchen_leak')?.state === 'ok');
  });

  it('never takes an alarm from a retained message: the state is kept, the next live one raises it', async () => {
    const h = await setup(broker);
    const smoke = (await h.sensors([{ name: 'hall_smoke', state: { smoke: false } }])).sensor('hall_smoke');
    await until('the sensor online', () => h.sink.health('hall_smoke')?.state === 'ok');

    await smoke.set({ smoke: true }, { retain: true });
    await until('the retained alarm noted', () =>
      h.source.status().lastRefused.some((r) => /retained smoke: state only/.test(r.reason)),
    );
    expect(h.sink.ofDevice('hall_smoke', 'alarm')).toHaveLength(0);

    await smoke.set({ smoke: true });
    const [alarm] = await until(
      'the live alarm',
      () => h.sink.ofDevice('hall_smoke', 'alarm').length > 0 && h.sink.ofDevice('hall_smoke', 'alarm'),
    );
    expect(alarm).toMatchObject({ type: 'smoke', zone: 'hall' });
  });

  it('reports a supervised sensor silent past its interval as a fault, and ok at its next message', async () => {
    const h = await setup(broker, {}, { sweepMs: 20 });
    const gas = (await h.sensors([{ name: 'boiler_gas', state: { gas: false } }])).sensor('boiler_gas');
    await until('the sensor online', () => h.sink.health('boiler_gas')?.state === 'ok');

    h.skew.ms = 61_000;
    const fault = await until(
      'the silence fault',
      () => h.sink.health('boiler_gas')?.state === 'fault' && h.sink.health('boiler_gas'),
    );
    expect(fault).toMatchObject({
      zone: 'boiler-room',
      origin: { protocol: 'supervision', cause: 'silent', supervisionSec: 60 },
    });
    // Battery sensors are supervised at 25 h by default: one minute of silence is nothing to them.
    expect(h.sink.ofDevice('kitchen_leak', 'state')).toHaveLength(0);

    await gas.set({ linkquality: 77 });
    await until(
      'ok again',
      () =>
        h.sink.health('boiler_gas')?.state === 'ok' && h.sink.ofDevice('boiler_gas', 'state').length === 3,
    );
  });

  it('refuses garbage with a reason, counts it, and lets the next good message through', async () => {
    const h = await setup(broker);
    const leak = (await h.sensors([LEAK])).sensor('kitchen_leak');
    await until('the sensor online', () => h.sink.health('kitchen_leak')?.state === 'ok');

    const garbage: Array<[string, string | Buffer, RegExp]> = [
      ['zigbee2mqtt/kitchen_leak', Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b]), /not UTF-8/],
      ['zigbee2mqtt/kitchen_leak', Buffer.alloc(200_000, '{'), /200000 bytes is over 16384/],
      ['zigbee2mqtt/kitchen_leak', '{"water_leak":', /not JSON/],
      ['zigbee2mqtt/kitchen_leak', '[true, false]', /must be a JSON object/],
      ['zigbee2mqtt/kitchen_leak', '{"water_leak":"yes"}', /water_leak is not true or false/],
      ['zigbee2mqtt/kitchen_leak/availability', 'maybe', /availability is not online/],
      ['tele/pump/LWT', 'Sleeping', /LWT is not Online or Offline/],
      ['site/gate/event', '{"event":"earthquake","active":true}', /native event: event/],
      ['site/gate/event', '{"event":"open"}', /active: a sensor event needs active/],
    ];
    for (const [topic, payload] of garbage) await leak.publish(topic, payload);
    await leak.set({ water_leak: true });
    await until('the alarm after the garbage', () => h.sink.ofDevice('kitchen_leak', 'alarm').length === 1);

    const status = h.source.status();
    expect(status.counts.refused).toBe(garbage.length);
    const reasons = status.lastRefused.map((r) => r.reason);
    for (const [, , reason] of garbage)
      expect(
        reasons.some((r) => reason.test(r)),
        String(reason),
      ).toBe(true);
    // Raw bytes are shown escaped and cut short.
    expect(status.lastRefused.every((r) => r.raw.length < 400)).toBe(true);
    expect(status.lastRefused.some((r) => r.raw.includes('\\xff\\xfe\\x00\\x81'))).toBe(true);
    expect(status.state).toBe(broker === 'aedes' ? 'listening' : 'connected');
  });

  it('loses no alarm while the log refuses commits: the message comes back and gives exactly one report', async () => {
    const h = await setup(broker, { commitRetrySec: 0 });
    const leak = (await h.sensors([LEAK])).sensor('kitchen_leak');
    await until('the sensor online', () => h.sink.health('kitchen_leak')?.state === 'ok');

    h.sink.refuse = () => true;
    const sent = leak.set({ water_leak: true });
    const attempts = () => h.sink.calls.filter((r) => r.type === 'water_leak').length;
    await until('the message sent again after being refused', () => attempts() >= 2);
    expect(h.sink.ofDevice('kitchen_leak', 'alarm')).toHaveLength(0);

    h.sink.refuse = undefined;
    await sent;
    await until('the alarm', () => h.sink.ofDevice('kitchen_leak', 'alarm').length === 1);
    // A later message of the same sensor has gone through: nothing of the refused one is still on its way.
    await leak.set({ linkquality: 12 });
    await leak.set({ water_leak: false });
    await until('the restore', () => h.sink.ofDevice('kitchen_leak', 'restore').length === 1);
    expect(h.sink.ofDevice('kitchen_leak', 'alarm')).toHaveLength(1);
  });

  it('gives a message back when only part of it was committed, and its resend repeats the same keys', async () => {
    const h = await setup(broker, { commitRetrySec: 0 });
    const leak = (await h.sensors([LEAK])).sensor('kitchen_leak');
    await until('the sensor online', () => h.sink.health('kitchen_leak')?.state === 'ok');

    // The leak and a low battery in one message: an alarm and a device fault. The log takes the alarm, not the
    // fault, until the message has come back twice.
    h.sink.refuse = (r) => r.kind === 'state';
    const sent = leak.set({ water_leak: true, battery_low: true });
    await until(
      'resent',
      () => h.sink.calls.filter((r) => r.kind === 'state' && r.state === 'fault').length >= 2,
    );
    h.sink.refuse = undefined;
    await sent;
    await until('the fault', () => h.sink.health('kitchen_leak')?.state === 'fault');

    const alarms = h.sink.ofDevice('kitchen_leak', 'alarm');
    expect(alarms).toHaveLength(1);
    const tries = h.sink.calls.filter((r) => r.key === alarms[0]!.key).length;
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(h.sink.health('kitchen_leak')).toMatchObject({ state: 'fault', origin: { cause: 'battery_low' } });
  });
});

describe('the MQTT source with its embedded broker', () => {
  it('sends the PUBACK only after the commit, holding it while the log refuses', async () => {
    const h = await setup('aedes');
    const leak = (await h.sensors([LEAK])).sensor('kitchen_leak');
    await until('the sensor online', () => h.sink.health('kitchen_leak')?.state === 'ok');

    let refusals = 3;
    h.sink.refuse = () => refusals-- > 0;
    await leak.set({ water_leak: true });
    // The sensor has its acknowledgement: the alarm is in the log, after three refused tries.
    expect(h.sink.rejected).toBe(3);
    expect(h.sink.ofDevice('kitchen_leak', 'alarm', 'water_leak')).toHaveLength(1);
  });

  it('reads Tasmota LWT and STATE, and the native topic', async () => {
    const h = await setup('aedes', {}, { sweepMs: 20 });
    const fleet = await h.sensors([
      { name: 'pump', style: 'tasmota' },
      { name: 'gate', style: 'native' },
    ]);
    await until(
      'both online',
      () => h.sink.health('pump')?.state === 'ok' && h.sink.health('gate')?.state === 'ok',
    );

    await fleet.sensor('gate').set({ open: true });
    const [alarm] = h.sink.ofDevice('gate', 'alarm');
    expect(alarm).toMatchObject({ type: 'door_forced', zone: 'north-gate', origin: { protocol: 'native' } });
    // The native event's id makes the key exact.
    expect(alarm!.key).toContain(':id:gate-1:');
    await fleet.sensor('gate').set({ open: false });
    expect(h.sink.ofDevice('gate', 'restore', 'door_forced')).toHaveLength(1);

    // Tasmota's periodic STATE is what keeps a mains device from being reported silent.
    h.skew.ms = 601_000;
    await until('the pump silent', () => h.sink.health('pump')?.state === 'fault');
    await fleet.sensor('pump').heartbeat();
    await until('the pump alive', () => h.sink.health('pump')?.state === 'ok');

    await fleet.sensor('pump').vanish();
    await until('the Tasmota will', () => h.sink.health('pump')?.state === 'offline');
    expect(h.sink.health('pump')).toMatchObject({
      device: { kind: 'other' },
      origin: { protocol: 'tasmota', topic: 'tele/pump/LWT' },
    });
  });

  it('lets in only its users when it has some', async () => {
    const h = await setup('aedes', {
      broker: {
        mode: 'embedded',
        port: 0,
        users: [{ username: 'zigbee2mqtt', password: 'correct horse battery' }],
      },
    });
    await expect(
      startSensors({
        url: h.url,
        sensors: [LEAK],
        username: 'zigbee2mqtt',
        password: 'wrong password',
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow(/Bad username or password|Not authorized/i);
    const fleet = await startSensors({
      url: h.url,
      sensors: [LEAK],
      username: 'zigbee2mqtt',
      password: 'correct horse battery',
    });
    closers.push(() => fleet.close());
    await fleet.sensor('kitchen_leak').set({ water_leak: true });
    expect(h.sink.ofDevice('kitchen_leak', 'alarm')).toHaveLength(1);
  });

  it('speaks MQTT over WebSocket when asked to', async () => {
    const h = await setup('aedes', { broker: { mode: 'embedded', port: 0, websocketPort: 0 } });
    const ws = h.source.ports()!.websocket!;
    expect(h.source.status().endpoint).toContain(`ws://127.0.0.1:${ws}`);
    const fleet = await startSensors({ url: `ws://127.0.0.1:${ws}`, sensors: [LEAK] });
    closers.push(() => fleet.close());
    await fleet.sensor('kitchen_leak').set({ water_leak: true });
    expect(h.sink.ofDevice('kitchen_leak', 'alarm')).toHaveLength(1);
  });

  it('listens on TLS, and a second source reaches it as an external MQTT 3.1.1 client trusting its CA', async (ctx) => {
    if (!requireOpenssl().available) return ctx.skip();
    const tmp = tempDir('mqtt-tls-');
    closers.push(async () => tmp.cleanup());
    selfSignedCert(tmp.dir);
    const broker = await setup(
      'aedes',
      { broker: { mode: 'embedded', port: 0, tls: { port: 0, cert: 'cert.pem', key: 'key.pem' } } },
      { baseDir: tmp.dir },
    );
    const tlsPort = broker.source.ports()!.tls!;
    expect(broker.source.status().endpoint).toContain(`mqtts://127.0.0.1:${tlsPort}`);

    const sink = new DeviceSink();
    const config = MqttSourceConfig.parse({
      id: SOURCE_ID,
      broker: { mode: 'external', url: `mqtts://127.0.0.1:${tlsPort}`, ca: 'cert.pem', protocolVersion: 4 },
      devices: DEVICES,
    });
    const client = createMqttSource(config, quietContext(sink), { baseDir: tmp.dir });
    closers.push(() => client.stop());
    await client.start();
    await until('connected over TLS', () => client.status().state === 'connected');

    const leak = (await broker.sensors([LEAK])).sensor('kitchen_leak');
    await leak.set({ water_leak: true });
    await until(
      'the alarm through the TLS client',
      () => sink.ofDevice('kitchen_leak', 'alarm').length === 1,
    );
    expect(sink.ofDevice('kitchen_leak', 'alarm')[0]).toMatchObject({
      type: 'water_leak',
      zone: 'b1-kitchen',
    });
  });

  it('closes a connection that declares an oversized packet or sends bytes that are not MQTT, and keeps serving', async () => {
    const h = await setup('aedes', { broker: { mode: 'embedded', port: 0, maxPacketBytes: 64 * 1024 } });
    const port = h.source.ports()!.mqtt;
    const closed = (bytes: Buffer) =>
      new Promise<string>((resolve) => {
        const socket: Socket = connectTcp(port, '127.0.0.1', () => socket.write(bytes));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve('closed'));
      });
    // CONNECT (MQTT 3.1.1, client id "x") then a PUBLISH header declaring 50 MB that never comes.
    const connectPacket = Buffer.from([0x10, 13, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 30, 0, 1, 0x78]);
    const hugePublish = Buffer.from([0x30, 0x80, 0x80, 0x80, 0x18]);
    expect(await closed(Buffer.concat([connectPacket, hugePublish]))).toBe('closed');
    expect(await closed(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toBe('closed');

    const fleet = await h.sensors([LEAK]);
    await fleet.sensor('kitchen_leak').set({ water_leak: true });
    expect(h.sink.ofDevice('kitchen_leak', 'alarm')).toHaveLength(1);
  });
});

describe('the MQTT source as a client of Mosquitto', () => {
  beforeEach((ctx) => {
    if (!requireMosquitto().available) ctx.skip();
  });

  it('keeps its session: what sensors send while the hub is away arrives when it is back', async () => {
    const h = await setup('mosquitto');
    const leak = (await h.sensors([LEAK])).sensor('kitchen_leak');
    await until('the sensor online', () => h.sink.health('kitchen_leak')?.state === 'ok');

    await h.source.stop();
    await leak.set({ water_leak: true });
    expect(h.sink.ofDevice('kitchen_leak', 'alarm')).toHaveLength(0);
    await h.restart();
    const [alarm] = await until(
      'the queued alarm',
      () => h.sink.ofDevice('kitchen_leak', 'alarm').length > 0 && h.sink.ofDevice('kitchen_leak', 'alarm'),
    );
    expect(alarm).toMatchObject({ type: 'water_leak', zone: 'b1-kitchen' });
    expect(h.source.status()).toMatchObject({ state: 'connected', peers: 1, endpoint: h.url });
  });
});
