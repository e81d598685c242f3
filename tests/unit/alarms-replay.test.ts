import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmView, Notice, OperatorView } from '../../shared/contract';
import { alarmAge } from '../../shared/domain/alarm-lifecycle';
import type { ConsoleCore } from '../../electron/core';
import { REPLAY_AFTER_MS, waitedSince } from '../../electron/core/alarms/service';
import { commitHubEvent } from '../../electron/core/hub-link/inbox';
import { ManualClock } from '../../electron/common/clock';
import { sequentialIds } from '../../electron/core/util/ids';
import { tempDir } from '../support/temp';
import { startCore } from '../support/core';

const op: OperatorView = { id: 'op-li', name: '李明', role: 'operator' };
const MIN = 60_000;

/** Issue 23: alarms that waited in the hub's log are as old as they are, and their escalations are told once. */
describe('alarms replayed from the hub', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  let clock: ManualClock;
  let seq = 0;
  const escalated: AlarmView[] = [];
  const notices: Notice[] = [];

  beforeEach(async () => {
    tmp = tempDir();
    seq = 0;
    escalated.length = 0;
    notices.length = 0;
    clock = new ManualClock(Date.UTC(2026, 11, 1, 1, 0));
    core = await startCore(tmp.dir, { dbFile: join(tmp.dir, 'c.sqlite'), clock, ids: sequentialIds('id') });
    core.bus.subscribe((name, payload) => {
      if (name === 'alarms.escalated') escalated.push((payload as { alarm: AlarmView }).alarm);
      if (name === 'notice') notices.push(payload as Notice);
    });
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  /** An alarm event the hub logged at `loggedAt`, its source saying it was raised at `raisedAt`. */
  const hubAlarm = (sourceId: string, loggedAt: number, raisedAt: number, type = 'door_held') =>
    commitHubEvent(
      core.db,
      { seq: ++seq, at: loggedAt, kind: 'alarm', data: { sourceId, type, raisedAt, cameras: [] } },
      clock.now(),
      [core.alarms.hubApplier],
    );
  const alarm = async (sourceId: string) =>
    (await core.alarms.openAlarms()).find((a) => a.sourceId === sourceId)!;
  const age = (a: AlarmView) => alarmAge(a, { wall: clock.now(), steady: core.alarms.steadyNow() });
  const waitedNotices = () => notices.filter((n) => n.code === 'alarms-waited');

  it('starts the clock of one that waited in the hub when its source raised it, and of a live one on arrival', async () => {
    const now = clock.now();
    await hubAlarm('replayed', now - 15 * MIN, now - 15 * MIN - 5_000);
    // A panel whose clock is two minutes slow, heard at once: its alarm is new, not two minutes old.
    await hubAlarm('live', now - 200, now - 2 * MIN);
    // A source whose clock runs ahead: the alarm is at least as old as the hub's log says.
    await hubAlarm('ahead', now - 5 * MIN, now + 60 * MIN);
    expect(await alarm('replayed')).toMatchObject({ waitedMs: 15 * MIN + 5_000, receivedAt: now });
    expect(age(await alarm('replayed'))).toBe(15 * MIN + 5_000);
    expect(await alarm('live')).not.toHaveProperty('waitedMs');
    expect(age(await alarm('live'))).toBe(0);
    expect(age(await alarm('ahead'))).toBe(5 * MIN);
    // The time to acknowledge is read on the same clock: the operator's response includes the wait.
    const acked = await core.router.call(
      'alarms.acknowledge',
      { id: (await alarm('replayed')).id },
      core.openSession('memory', op),
    );
    expect(acked).toMatchObject({ ok: true, value: { ackMs: 15 * MIN + 5_000 } });
    expect(waitedSince(now - REPLAY_AFTER_MS + 1, now - MIN, now)).toBeUndefined();
    expect(waitedSince(now - REPLAY_AFTER_MS, now - MIN, now)).toBe(now - MIN);
  });

  it('escalates alarms that came past their target for the record and tells them in one notice, no banner each', async () => {
    const now = clock.now();
    for (const n of [1, 2, 3])
      await hubAlarm(`old-${n}`, now - 12 * MIN + n * 1000, now - 12 * MIN + n * 1000);
    // One that waited less than its target (60 s for P4) escalates as any other once the rest is up.
    await hubAlarm('short', now - 20_000, now - 20_000);
    await hubAlarm('fire', now, now, 'fire');
    await core.alarms.checkEscalations();
    expect(escalated).toEqual([]);
    const old = await Promise.all([1, 2, 3].map((n) => alarm(`old-${n}`)));
    for (const a of old) expect(a).toMatchObject({ escalatedAt: now, escalatedWaiting: true });
    const trail = (await core.alarms.get(old[0]!.id)).events.map((e) => [e.kind, e.note]);
    expect(trail).toContainEqual(['escalated', 'not acknowledged within 60 s (waited 719 s in the hub)']);
    expect(await core.db('duty_log').where({ kind: 'escalation' }).count({ n: '*' }).first()).toEqual({
      n: 3,
    });
    expect(await core.db('audit_log').where({ action: 'alarm.escalated' }).count({ n: '*' }).first()).toEqual(
      {
        n: 3,
      },
    );
    // Told once the replay's escalations are through: the next tick with none.
    expect(waitedNotices()).toEqual([]);
    clock.advance(1_000);
    await core.alarms.checkEscalations();
    expect(waitedNotices()).toEqual([
      expect.objectContaining({ level: 'warning', params: { n: 3, minutes: 12 } }),
    ]);
    // The live fire (30 s) and the short wait (20 + 40 s) escalate with a banner each, and no second notice comes.
    clock.advance(40_000);
    await core.alarms.checkEscalations();
    await core.alarms.checkEscalations();
    expect(escalated.map((a) => a.sourceId).sort()).toEqual(['fire', 'short']);
    expect(escalated.every((a) => !a.escalatedWaiting)).toBe(true);
    expect(waitedNotices()).toHaveLength(1);
    expect(notices.find((n) => n.code === 'alarms-waited')?.message).toMatch(
      /^3 条报警曾在平台滞留，最早的已过去 12 分钟/,
    );
  });

  it('keeps how long an alarm waited across a restart', async () => {
    const now = clock.now();
    await hubAlarm('replayed', now - 3 * MIN, now - 3 * MIN);
    await core.stop();
    core = await startCore(tmp.dir, { dbFile: join(tmp.dir, 'c.sqlite'), clock, ids: sequentialIds('id2') });
    const a = await alarm('replayed');
    expect(a.waitedMs).toBe(3 * MIN);
    expect(age(a)).toBeGreaterThanOrEqual(3 * MIN);
  });
});
