/**
 * The ONVIF PullPoint source over real loopback HTTP against the fake device of tests/simulators/onvif-device.ts:
 * WS-UsernameToken digests stamped with the device's clock (set an hour off ours), Renew after every pull,
 * a new subscription after a fault, and events mapped to alarms and restores.
 */
import { describe, expect, it } from 'vitest';
import { OnvifSourceConfig, type OnvifSourceConfigInput } from '../../electron/hub/sources/onvif/config';
import { createOnvifSource, type OnvifSource } from '../../electron/hub/sources/onvif/source';
import { OnvifDevice, type OnvifDeviceOptions } from '../simulators/onvif-device';
import { closedAfterEach } from '../support/closers';
import { quietContext, RecordingSink } from '../support/sink';
import { until } from '../support/until';

const closers = closedAfterEach();

async function harness(
  device: OnvifDeviceOptions = {},
  overrides: Partial<OnvifSourceConfigInput> = {},
  password = 'onvif-pass',
) {
  const sim = await closers.started(new OnvifDevice(device));
  const sink = new RecordingSink();
  const source: OnvifSource = await closers.started(
    createOnvifSource(
      OnvifSourceConfig.parse({
        id: 'onvif',
        pullTimeoutSec: 1,
        terminationSec: 10,
        reconnectMinMs: 50,
        reconnectMaxMs: 200,
        ...overrides,
        cameras: [
          {
            camera: 'cam-yard',
            url: sim.url,
            username: 'admin',
            password,
            zone: 'yard',
            motion: { mode: 'alarm', priority: 5 },
          },
        ],
      }),
      quietContext(sink),
    ),
  );
  return { sim, sink, source };
}

describe('ONVIF PullPoint source', () => {
  it('signs with the device’s clock an hour off ours, renews after every pull, and maps motion to an alarm and restore', async () => {
    const { sim, sink, source } = await harness({ clockOffsetMs: 3_600_000, maxSkewSec: 5 });
    await until('subscribed', () => sim.creates === 1 && source.status().state === 'connected');
    expect(sim.authFailures).toBe(0);
    expect(Math.abs((source.cameras()[0]?.offsetMs ?? 0) - 3_600_000)).toBeLessThan(2000);
    await until('renewed after pulls', () => sim.renews >= 2, 5000);
    const pulls = sim.calls.filter((c) => c === 'PullMessages').length;
    expect(sim.renews).toBeGreaterThanOrEqual(pulls - 1);

    sim.emit(
      'tns1:RuleEngine/CellMotionDetector/Motion',
      { IsMotion: 'true' },
      { VideoSourceConfigurationToken: 'VideoSourceToken', Rule: 'MyMotionDetectorRule' },
    );
    const [alarm] = await until('alarm', () => sink.of('alarm').length === 1 && sink.of('alarm'));
    expect(alarm).toMatchObject({
      type: 'intrusion',
      priority: 5,
      cameras: ['cam-yard'],
      zone: 'yard',
      origin: {
        protocol: 'onvif',
        event: 'tns1:RuleEngine/CellMotionDetector/Motion',
        rule: 'MyMotionDetectorRule',
      },
    });
    sim.emit(
      'tns1:RuleEngine/CellMotionDetector/Motion',
      { IsMotion: 'false' },
      { VideoSourceConfigurationToken: 'VideoSourceToken', Rule: 'MyMotionDetectorRule' },
    );
    await until('restore', () => sink.of('restore').length === 1);
  });

  it('raises line crossings as one alarm each, field intrusion and tamper, video loss as camera_offline; Initialized opens nothing', async () => {
    const { sim, sink } = await harness();
    await until('subscribed', () => sim.creates === 1);
    sim.emit('tns1:RuleEngine/FieldDetector/ObjectsInside', { IsInside: 'true' }, {}, 'Initialized');
    sim.emit('tns1:RuleEngine/LineDetector/Crossed', { ObjectId: '1' }, { Rule: 'fence' });
    sim.emit('tns1:RuleEngine/LineDetector/Crossed', { ObjectId: '2' }, { Rule: 'fence' });
    sim.emit('tns1:VideoSource/GlobalSceneChange/ImagingService', { State: 'true' });
    sim.emit('tns1:VideoSource/SignalLoss', { State: 'true' });
    await until('four alarms', () => sink.of('alarm').length === 4);
    expect(sink.of('alarm').map((a) => [a.origin.event, a.type])).toEqual([
      ['tns1:RuleEngine/LineDetector/Crossed', 'intrusion'],
      ['tns1:RuleEngine/LineDetector/Crossed', 'intrusion'],
      ['tns1:VideoSource/GlobalSceneChange/ImagingService', 'intrusion'],
      ['tns1:VideoSource/SignalLoss', 'camera_offline'],
    ]);
  });

  it('creates a new subscription after the old one faults (expired), and keeps delivering', async () => {
    const { sim, sink } = await harness();
    await until('subscribed', () => sim.creates === 1);
    sim.expireAll();
    await until('a new subscription', () => sim.creates === 2 && sim.active === 1, 5000);
    sim.emit('tns1:RuleEngine/FieldDetector/ObjectsInside', { IsInside: 'true' });
    await until('alarm through the new subscription', () => sink.of('alarm').length === 1);
  });

  it('keeps the subscription alive by Renew when pulls do not extend it', async () => {
    const { sim } = await harness({ pullDoesNotRenew: true }, { terminationSec: 3, pullTimeoutSec: 1 });
    await until('several renewals', () => sim.renews >= 5, 10_000);
    expect(sim.creates).toBe(1);
  });

  it('shows NotAuthorized as the error and the camera offline when the password is wrong', async () => {
    const { sim, source, sink } = await harness({}, {}, 'wrong');
    await until('error shown', () => /NotAuthorized/.test(source.status().error ?? ''));
    expect(sim.creates).toBe(0);
    await until('offline', () => sink.of('state').some((r) => r.state === 'offline'));
  });

  it('unsubscribes on stop', async () => {
    const { sim, source } = await harness();
    await until('subscribed', () => sim.creates === 1);
    await source.stop();
    await until('unsubscribed', () => sim.unsubscribes === 1, 5000);
  });
});
