import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamStatus } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { ManualClock } from '../../electron/common/clock';
import { tempDir } from '../support/temp';
import { until } from '../support/until';
import { startCore } from '../support/core';

const START = Date.UTC(2026, 10, 24, 2, 0);

/** What the video gateway publishes for a watched stream; the cameras and duty features listen for it. */
const status = (state: StreamStatus['state'], at: number, error?: string): StreamStatus => ({
  cameraId: 'cam-01',
  profile: 'sub',
  state,
  since: at,
  ...(state === 'offline' ? { offlineSince: at } : {}),
  ...(error ? { error } : {}),
  fps: 0,
  kbps: 0,
  viewers: 1,
  restarts: 0,
});

describe('a watched camera that goes offline', () => {
  let tmp: ReturnType<typeof tempDir>;
  let clock: ManualClock;
  let core: ConsoleCore;

  beforeEach(async () => {
    tmp = tempDir();
    clock = new ManualClock(START);
    core = await startCore(tmp.dir, { dbFile: ':memory:', clock });
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  it('is in the duty log at once and becomes one camera-offline alarm after the threshold', async () => {
    core.bus.emit('streams.status', { streams: [status('offline', clock.now(), 'connection refused')] });
    const entry = await until(
      'duty-log entry',
      async () =>
        (await core.db('duty_log').where({ kind: 'camera', camera_id: 'cam-01' }).first()) as
          { text: string } | undefined,
    );
    expect(entry.text).toBe('南门入口 offline: connection refused');

    clock.advance(55_000);
    expect(await core.alarms.openAlarms()).toEqual([]);
    clock.advance(10_000);
    const [alarm, ...more] = await until('alarm', async () => {
      const open = await core.alarms.openAlarms();
      return open.length > 0 ? open : undefined;
    });
    expect(more).toEqual([]);
    expect(alarm).toMatchObject({
      type: 'camera_offline',
      source: 'engine',
      deviceId: 'camera:cam-01',
      zone: 'gate-south',
      cameras: ['cam-01'],
      raisedAt: START,
    });
    // Received when the threshold had passed, not before (the engine looks every 5 s).
    expect(alarm!.receivedAt - START).toBeGreaterThanOrEqual(60_000);
    expect(alarm!.receivedAt - START).toBeLessThanOrEqual(65_000);

    // The same outage raises nothing twice; the camera coming back is logged with how long it was gone.
    clock.advance(30_000);
    core.bus.emit('streams.status', { streams: [status('live', clock.now())] });
    await until(
      'back-online entry',
      async () =>
        (await core.db('duty_log').where({ kind: 'camera' }).whereLike('text', '%back online after 95 s'))
          .length > 0,
    );
    expect((await core.alarms.openAlarms()).length).toBe(1);
  });
});
