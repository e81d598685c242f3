import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import type { HubStatus, StreamStatus } from '../../shared/contract';
import { openDatabase } from '../../electron/common/database';
import { MIGRATIONS } from '../../electron/core/schema';
import { AutomaticDutyEntries } from '../../electron/core/duty/automatic';
import { commitHubEvent } from '../../electron/core/hub-link/inbox';
import { ManualClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { until } from '../support/until';

const hub = (state: HubStatus['state'], error?: string): HubStatus => ({
  state,
  since: 0,
  outbox: 0,
  lastSeq: 0,
  hub: 'http://127.0.0.1:4100',
  demo: false,
  ...(error ? { error } : {}),
});
const stream = (
  cameraId: string,
  state: StreamStatus['state'],
  extra: Partial<StreamStatus> = {},
): StreamStatus => ({
  cameraId,
  profile: 'sub',
  state,
  since: 0,
  fps: 0,
  kbps: 0,
  viewers: 1,
  restarts: 0,
  ...extra,
});

describe('automatic duty-log entries', () => {
  let db: Knex;
  let clock: ManualClock;
  let auto: AutomaticDutyEntries;
  const texts = async (kind: string) =>
    (
      (await db('duty_log').where({ kind }).orderBy('id')) as Array<{
        text: string;
        camera_id: string | null;
      }>
    ).map((r) => r.text);

  beforeEach(async () => {
    db = await openDatabase({ file: ':memory:', log: silentLogger, migrations: MIGRATIONS });
    clock = new ManualClock();
    auto = new AutomaticDutyEntries({ db, clock, log: silentLogger, cameraName: (id) => `北门 ${id}` });
  });
  afterEach(() => db.destroy());

  it('writes the hub link lost and restored, not the first connection or every retry', async () => {
    auto.hubStatus(hub('connecting'));
    auto.hubStatus(hub('connected'));
    auto.hubStatus({ ...hub('offline', 'the hub does not answer'), since: clock.now() });
    auto.hubStatus(hub('connecting'));
    auto.hubStatus(hub('offline'));
    clock.advance(42_000);
    auto.hubStatus(hub('connected'));
    await until('two entries', async () => (await texts('hub_link')).length === 2);
    expect(await texts('hub_link')).toEqual([
      'lost: the hub does not answer (http://127.0.0.1:4100)',
      'restored after 42 s (http://127.0.0.1:4100)',
    ]);
  });

  it('writes a camera going offline once, and its recovery with the time it was away', async () => {
    auto.streams([stream('cam-1', 'live')]);
    auto.streams([stream('cam-1', 'offline', { offlineSince: clock.now(), error: 'host unreachable' })]);
    auto.streams([stream('cam-1', 'offline', { offlineSince: clock.now(), error: 'host unreachable' })]);
    expect(auto.offlineCameras()).toEqual([{ id: 'cam-1', since: clock.now() }]);
    clock.advance(90_000);
    auto.streams([stream('cam-1', 'live')]);
    await until('two entries', async () => (await texts('camera')).length === 2);
    expect(await texts('camera')).toEqual([
      '北门 cam-1 offline: host unreachable',
      '北门 cam-1 back online after 90 s',
    ]);
    expect(auto.offlineCameras()).toEqual([]);
  });

  it('writes device faults and recoveries with the hub event, only on a change of state', async () => {
    let seq = 0;
    const device = (state: 'ok' | 'fault' | 'offline', text?: string) =>
      commitHubEvent(
        db,
        {
          seq: ++seq,
          at: clock.now(),
          kind: 'device',
          data: {
            deviceId: 'smoke-3-2',
            kind: 'detector',
            state,
            zone: 'bldg-03',
            at: clock.now(),
            ...(text ? { text } : {}),
          },
        },
        clock.now(),
        [auto.deviceApplier],
      );
    expect(await device('ok')).toMatchObject({ status: 'committed' });
    await device('fault', 'dirty chamber');
    await device('fault', 'dirty chamber');
    await device('ok');
    expect(await texts('device')).toEqual([
      'smoke-3-2 (detector, bldg-03) fault: dirty chamber',
      'smoke-3-2 (detector, bldg-03) recovered from fault',
    ]);
  });
});
