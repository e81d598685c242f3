/**
 * The Dahua attach-stream source over real loopback HTTP against tests/simulators/dahua-camera.ts: Digest,
 * heartbeats, Start/Stop blocks (plain and spaced, with `data` JSON holding `;`), the watchdog after a stall.
 */
import { describe, expect, it } from 'vitest';
import { DahuaSourceConfig, type DahuaSourceConfigInput } from '../../electron/hub/sources/dahua/config';
import { createDahuaSource, type DahuaSource } from '../../electron/hub/sources/dahua/source';
import { DahuaCamera } from '../simulators/dahua-camera';
import { closedAfterEach } from '../support/closers';
import { quietContext, RecordingSink } from '../support/sink';
import { until } from '../support/until';

const closers = closedAfterEach();

async function harness(overrides: Partial<DahuaSourceConfigInput> = {}) {
  const sim = await closers.started(new DahuaCamera());
  const sink = new RecordingSink();
  const source: DahuaSource = await closers.started(
    createDahuaSource(
      DahuaSourceConfig.parse({
        id: 'dahua',
        heartbeatSec: 1,
        reconnectMinMs: 50,
        reconnectMaxMs: 200,
        ...overrides,
        cameras: [
          {
            camera: 'cam-lot',
            url: sim.url,
            username: 'admin',
            password: 'dahua-pass',
            channels: { '1': 'cam-lot', '2': 'cam-lot-2' },
          },
        ],
      }),
      quietContext(sink),
    ),
  );
  return { sim, sink, source };
}

describe('Dahua attach-stream source', () => {
  it('asks for all codes with a heartbeat, reads Start/Stop blocks into an alarm and restore on the right channel', async () => {
    const { sim, sink, source } = await harness();
    await until('stream open', () => sim.open === 1);
    expect(sim.challenges).toBeGreaterThanOrEqual(1);
    expect(sim.lastQuery?.get('codes')).toBe('[All]');
    expect(sim.lastQuery?.get('heartbeat')).toBe('1');
    await until('a heartbeat', () => source.status().counts.received >= 1, 3000);
    sim.send({
      code: 'CrossRegionDetection',
      action: 'Start',
      index: 1,
      data: { Name: 'lot; east', RegionName: 'R1' },
    });
    const [alarm] = await until('alarm', () => sink.of('alarm').length === 1 && sink.of('alarm'));
    expect(alarm).toMatchObject({
      type: 'intrusion',
      cameras: ['cam-lot-2'],
      origin: {
        protocol: 'dahua',
        event: 'CrossRegionDetection',
        channel: '2',
        rule: 'lot; east',
        region: 'R1',
      },
    });
    sim.send({
      code: 'CrossRegionDetection',
      action: 'Stop',
      index: 1,
      spaced: true,
      data: { Name: 'lot; east', RegionName: 'R1' },
    });
    await until('restore', () => sink.of('restore').length === 1);
    sim.send({ code: 'VideoBlind', action: 'Start', index: 0, spaced: true });
    sim.send({ code: 'VideoLoss', action: 'Start', index: 0 });
    await until('tamper and video loss', () => sink.of('alarm').length === 3);
    expect(
      sink
        .of('alarm')
        .slice(1)
        .map((a) => [a.origin.event, a.type, a.cameras?.[0]]),
    ).toEqual([
      ['VideoBlind', 'intrusion', 'cam-lot'],
      ['VideoLoss', 'camera_offline', 'cam-lot'],
    ]);
    // Motion is logged only by default.
    sim.send({ code: 'VideoMotion', action: 'Start', index: 0 });
    await until('motion logged', () => sink.of('event').length === 1);
  });

  it('reconnects when the camera stalls past three heartbeats', async () => {
    const { sim, sink } = await harness();
    await until('stream open', () => sim.connections === 1 && sim.open === 1);
    sim.stall();
    await until('offline', () => sink.of('state').some((r) => r.state === 'offline'), 12_000);
    await until('reconnected', () => sim.connections >= 2, 5000);
  }, 20_000);
});
