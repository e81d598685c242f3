/**
 * The ISAPI camera source over real loopback HTTP against the fake Hikvision camera of
 * tests/simulators/isapi-camera.ts: Digest challenge and response, heartbeats, alarms and restores, every
 * namespace variant, the idle-timeout watchdog and reconnection, and a hub log that refuses commits.
 */
import { describe, expect, it } from 'vitest';
import { IsapiSourceConfig, type IsapiSourceConfigInput } from '../../electron/hub/sources/isapi/config';
import { createIsapiSource, type IsapiSource } from '../../electron/hub/sources/isapi/source';
import { IsapiCamera, type IsapiCameraOptions } from '../simulators/isapi-camera';
import { closedAfterEach } from '../support/closers';
import { quietContext, RecordingSink } from '../support/sink';
import { until } from '../support/until';

const closers = closedAfterEach();

async function harness(
  cam: IsapiCameraOptions = {},
  overrides: Partial<IsapiSourceConfigInput> = {},
  camera: Partial<IsapiSourceConfigInput['cameras'][number]> = {},
): Promise<{ camera: IsapiCamera; source: IsapiSource; sink: RecordingSink }> {
  const sim = await closers.started(new IsapiCamera({ heartbeatMs: 200, ...cam }));
  const sink = new RecordingSink();
  const config = IsapiSourceConfig.parse({
    id: 'hik',
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    commitRetrySec: 0.5,
    ...overrides,
    cameras: [
      {
        camera: 'cam-gate',
        url: sim.url,
        username: 'admin',
        password: 'hik12345',
        zone: 'north-gate',
        motion: { mode: 'alarm', priority: 4 },
        ...camera,
      },
    ],
  });
  const source = await closers.started(createIsapiSource(config, quietContext(sink)));
  return { camera: sim, source, sink };
}

describe('ISAPI alert stream source', () => {
  it('answers the Digest challenge, stays up on heartbeats, and turns VMD active/inactive into one alarm and its restore', async () => {
    const { camera, source, sink } = await harness();
    await until('stream open', () => camera.open === 1);
    expect(camera.challenges).toBeGreaterThanOrEqual(1);
    expect(camera.badAuth).toBe(0);
    await until('heartbeats received', () => source.status().counts.received >= 2);
    expect(source.status().state).toBe('connected');
    expect(source.status().peers).toBe(1);

    for (let i = 0; i < 3; i++) camera.send({ eventType: 'VMD', eventState: 'active', channel: 1 });
    const [alarm] = await until('motion alarm', () => {
      const a = sink.of('alarm');
      return a.length > 0 && a;
    });
    expect(alarm).toMatchObject({
      type: 'intrusion',
      priority: 4,
      cameras: ['cam-gate'],
      zone: 'north-gate',
      device: { id: 'hik:cam-gate', kind: 'camera' },
      origin: { protocol: 'isapi', event: 'VMD', channel: '1' },
    });
    camera.send({ eventType: 'VMD', eventState: 'inactive', channel: 1 });
    const [restore] = await until('restore', () => {
      const r = sink.of('restore');
      return r.length > 0 && r;
    });
    expect(restore).toMatchObject({
      type: 'intrusion',
      cameras: ['cam-gate'],
      origin: { cause: 'inactive' },
    });
    // Three actives were one alarm; heartbeats raised nothing.
    expect(sink.of('alarm')).toHaveLength(1);
    expect(sink.of('state')).toEqual([expect.objectContaining({ state: 'ok' })]);
  });

  it.each(['ver20', 'ver10', 'stdCgi', 'isapiOrg', 'none'] as const)(
    'reads the %s namespace, prefixed or not, with an empty activePostCount and any channel field',
    async (namespace) => {
      const { camera, sink } = await harness();
      await until('stream open', () => camera.open === 1);
      camera.send({
        eventType: 'linedetection',
        eventState: 'active',
        namespace,
        emptyActivePostCount: true,
        regionId: 2,
      });
      camera.send({
        eventType: 'fielddetection',
        eventState: 'active',
        namespace,
        prefix: 'hik:',
        channelField: 'dynChannelID',
        channel: 1,
      });
      camera.send({ eventType: 'tamperdetection', eventState: 'active', namespace });
      camera.send({ eventType: 'videoloss', eventState: 'active', namespace, channelField: 'inputIOPortID' });
      const alarms = await until('four alarms', () => sink.of('alarm').length === 4 && sink.of('alarm'));
      expect(alarms.map((a) => [a.origin.event, a.type]).sort()).toEqual([
        ['fielddetection', 'intrusion'],
        ['linedetection', 'intrusion'],
        ['tamperdetection', 'intrusion'],
        ['videoloss', 'camera_offline'],
      ]);
      expect(alarms.find((a) => a.origin.event === 'linedetection')?.origin.region).toBe('2');
      expect(alarms.every((a) => a.priority === undefined)).toBe(true);
    },
  );

  it('reads JSON parts and parts without Content-Length, and skips a part over the limit without losing the stream', async () => {
    const { camera, source, sink } = await harness({ noContentLength: true }, { maxPartBytes: 4096 });
    await until('stream open', () => camera.open === 1);
    camera.part('image/jpeg', Buffer.alloc(10_000, 0xff));
    camera.sendJson({
      eventType: 'shelteralarm',
      eventState: 'active',
      channelID: 1,
      dateTime: '2026-12-01T09:00:00+08:00',
    });
    const [alarm] = await until('tamper', () => sink.of('alarm').length === 1 && sink.of('alarm'));
    expect(alarm).toMatchObject({
      origin: { event: 'shelteralarm' },
      at: Date.parse('2026-12-01T01:00:00Z'),
    });
    expect(source.status().lastRefused[0]?.reason).toMatch(/over 4096 bytes/);
    expect(source.status().lastRefused[0]?.code).toBe('too_large');
  });

  it('drops a stalled stream after the idle timeout, marks the camera offline, reconnects and is back to ok', async () => {
    const { camera, source, sink } = await harness({ heartbeatMs: 100 }, { idleTimeoutSec: 1 });
    await until('stream open', () => camera.connections === 1 && camera.open === 1);
    camera.stall();
    await until('offline reported', () => sink.of('state', (r) => r.state === 'offline').length === 1, 5000);
    expect(sink.of('state', (r) => r.state === 'offline')[0]?.origin.cause).toMatch(/no data for 1 s/);
    await until('reconnected', () => camera.connections >= 2 && camera.open === 1, 5000);
    await until('ok again', () => sink.of('state', (r) => r.state === 'ok').length === 2);
    expect(source.status().state).toBe('connected');
  });

  it('reconnects with back-off after the camera drops the stream, and an open motion is auto-cleared when the camera never says inactive', async () => {
    const { camera, source, sink } = await harness({}, { autoClearSec: 1 });
    await until('stream open', () => camera.open === 1);
    camera.send({ eventType: 'VMD', eventState: 'active' });
    await until('alarm', () => sink.of('alarm').length === 1);
    camera.drop();
    await until('reconnected', () => camera.connections >= 2 && camera.open === 1, 5000);
    const [restore] = await until(
      'auto-clear',
      () => sink.of('restore').length === 1 && sink.of('restore'),
      5000,
    );
    expect(restore?.origin.cause).toBe('auto-clear');
    expect(source.streams()[0]?.open).toBe(0);
  });

  it('logs motion only (no alarm) when the camera is set to log, or outside the motion schedule', async () => {
    const { camera, sink } = await harness(
      {},
      { timeZone: 'UTC' },
      {
        motion: {
          mode: 'alarm',
          schedule: [{ from: '00:00', to: '00:00', days: [(new Date().getUTCDay() + 1) % 7] }],
        },
      },
    );
    await until('stream open', () => camera.open === 1);
    camera.send({ eventType: 'VMD', eventState: 'active' });
    const [event] = await until('log event', () => sink.of('event').length === 1 && sink.of('event'));
    expect(event).toMatchObject({ cameras: ['cam-gate'], origin: { event: 'VMD' } });
    camera.send({ eventType: 'linedetection', eventState: 'active' });
    await until('line alarm', () => sink.of('alarm').length === 1);
    expect(sink.of('alarm')[0]?.origin.event).toBe('linedetection');
  });

  it('maps NVR channels to site cameras and refuses events of channels not in the site file', async () => {
    const { camera, source, sink } = await harness({}, {}, { channels: { '1': 'cam-a', '2': 'cam-b' } });
    await until('stream open', () => camera.open === 1);
    camera.send({ eventType: 'fielddetection', eventState: 'active', channel: 2 });
    camera.send({ eventType: 'fielddetection', eventState: 'active', channel: 7 });
    await until('alarm', () => sink.of('alarm').length === 1);
    expect(sink.of('alarm')[0]).toMatchObject({ cameras: ['cam-b'], device: { id: 'hik:cam-b' } });
    await until('refused', () => source.status().lastRefused.some((r) => /channel 7/.test(r.reason)));
  });

  it('reports a wrong password as an error a person can act on, and never opens the stream', async () => {
    const { camera, source } = await harness({}, {}, { password: 'wrong-password' });
    await until('error shown', () => /refused the user name or password/.test(source.status().error ?? ''));
    expect(camera.connections).toBe(0);
    expect(source.status().peers).toBe(0);
  });

  it('does not advance past a report the hub log refused: the camera repeating "active" raises it once the log takes it', async () => {
    const { camera, sink } = await harness();
    await until('stream open', () => camera.open === 1);
    sink.refuse = (r) => r.kind === 'alarm';
    camera.send({ eventType: 'fielddetection', eventState: 'active' });
    await until('refused commits', () => sink.rejected >= 2);
    await until('given up', () => sink.of('alarm').length === 0 && sink.rejected >= 3, 5000);
    sink.refuse = undefined;
    camera.send({ eventType: 'fielddetection', eventState: 'active' });
    await until('alarm once the log takes it', () => sink.of('alarm').length === 1);
  });
});
