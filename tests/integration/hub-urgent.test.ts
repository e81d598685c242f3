/**
 * Issue 23, a fire never waits behind a backlog (hub protocol 4). A real SiteHub and a real console core on
 * loopback, real SQLite files: with thousands of low-priority events waiting in the hub's log, a fire published
 * after the console is back is committed before the backlog is through, every backlog event still reaches the
 * console's log exactly once and in order, and the fire is applied once (also across a console restart while the
 * replay has not yet reached it). A version-3 console gets no urgent lane and still the whole stream.
 */
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../electron/core';
import { lastCommittedSeq } from '../../electron/core/hub-link/inbox';
import type { SiteHub } from '../../electron/hub/server';
import { HUB_MESSAGES, type HubEventBody, type HubStatus } from '../../shared/contract';
import { hubAlarm, startLinkedConsole, startSiteHub } from '../support/hub';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const doorHeld = (n: number): HubEventBody => hubAlarm(`door-${n}`, 'door_held', 1_700_000_000_000 + n);
const fire = (id: string): HubEventBody => hubAlarm(id, 'fire');

/** Puts `n` low-priority alarms into the hub's log in one transaction, no console connected. */
async function backlog(hub: SiteHub, n: number): Promise<void> {
  await hub.transact(async (_trx, append) => {
    for (let i = 1; i <= n; i++) await append(doorHeld(i));
  });
}

/**
 * Waits for the cursor to reach `seq` for as long as it keeps moving: on a loaded machine a 10,000-event replay may
 * take minutes, and what must fail the test is a stall (no progress for 30 s), not slowness.
 */
async function caughtUp(core: ConsoleCore, seq: number): Promise<void> {
  let last = -1;
  let movedAt = Date.now();
  await until(
    `the cursor at ${seq}`,
    async () => {
      const now = await lastCommittedSeq(core.db);
      if (now !== last) [last, movedAt] = [now, Date.now()];
      if (Date.now() - movedAt > 30_000) throw new Error(`the replay stalled at ${now} of ${seq}`);
      return now === seq;
    },
    600_000,
    200,
  );
}

/** The console's log is exactly 1..head, each once (count, bounds and sum of a gap-free run). */
async function expectWholeLog(core: ConsoleCore, head: number): Promise<void> {
  const row = (await core
    .db('hub_events')
    .count({ n: '*' })
    .min({ lo: 'seq' })
    .max({ hi: 'seq' })
    .sum({ total: 'seq' })
    .first()) as { n: number; lo: number; hi: number; total: number };
  expect({ n: Number(row.n), lo: row.lo, hi: row.hi, total: Number(row.total) }).toEqual({
    n: head,
    lo: 1,
    hi: head,
    total: (head * (head + 1)) / 2,
  });
}

async function expectFireOnce(core: ConsoleCore, sourceId: string): Promise<void> {
  const rows = (await core.db('alarms').where({ source_id: sourceId })) as { id: string; count: number }[];
  expect(rows).toHaveLength(1);
  expect(rows[0]!.count).toBe(1);
  const kinds = (await core.db('alarm_events').where({ alarm_id: rows[0]!.id }).pluck('kind')) as string[];
  expect(kinds.filter((k) => k === 'received')).toHaveLength(1);
  expect(kinds).not.toContain('retrigger');
  expect(await core.db('hub_urgent').count({ n: '*' }).first()).toEqual({ n: 0 });
}

describe('urgent lane: a fire overtakes the backlog (hub protocol 4)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: SiteHub;
  const cores: ConsoleCore[] = [];
  const sockets: Socket[] = [];
  const token = 'urgent-token';

  beforeEach(async () => {
    tmp = tempDir();
    hub = await startSiteHub(tmp.dir, token);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    for (const c of cores.splice(0)) await c.stop();
    await hub.stop().catch(() => undefined);
    tmp.cleanup();
  });

  it('commits a fire published after the console is back before 10,000 waiting events, and logs each once in order', async () => {
    await backlog(hub, 10_000);
    const core = await startLinkedConsole(tmp.dir, { url: hub.url, token }, 'console-a');
    cores.push(core);
    const shown: string[] = [];
    // Each time the fire was put before the operator as received (its escalation, later, is another matter).
    core.alarms.watch((a) => {
      if (a.sourceId === 'fire-1' && !a.escalatedAt) shown.push(a.state);
    });
    const statuses: HubStatus[] = [];
    core.bus.subscribe((name, payload) => {
      if (name === 'hub.status') statuses.push(payload as HubStatus);
    });
    // The replay has begun: the fire comes a moment after the hub is back, not before the console asked.
    await until('replay under way', async () => (await lastCommittedSeq(core.db)) > 0, 20_000);
    const published = await hub.publish(fire('fire-1'));
    await until(
      'fire committed',
      async () => (await core.db('alarms').where({ source_id: 'fire-1' }).first()) ?? false,
    );
    const cursorAtFire = await lastCommittedSeq(core.db);
    expect(cursorAtFire).toBeLessThan(10_000);
    expect(await core.db('hub_urgent').pluck('seq')).toEqual([published.seq]);
    // The operator sees how far behind the console is while it catches up.
    expect(statuses.some((s) => (s.backlog ?? 0) > 1000)).toBe(true);

    await caughtUp(core, published.seq);
    await expectWholeLog(core, published.seq);
    await expectFireOnce(core, 'fire-1');
    expect(shown).toEqual(['new']);
    expect(await core.db('alarms').count({ n: '*' }).first()).toEqual({ n: 10_001 });
    // In the log in its place, as it came: the ordered order holds.
    expect(await core.db('hub_events').where({ seq: published.seq }).pluck('kind')).toEqual(['alarm']);
    await until('backlog gone from the status', () => core.hub.status().backlog === undefined);
    expect(statuses.at(-1)?.backlog).toBeUndefined();
    await until('hub saw the acks', async () => (await hub.ackedSeq('console-a')) === published.seq);
  }, 660_000);

  it('never applies the fire twice across a console restart before the replay reached it', async () => {
    await backlog(hub, 4000);
    let core = await startLinkedConsole(tmp.dir, { url: hub.url, token }, 'console-b');
    await until('replay under way', async () => (await lastCommittedSeq(core.db)) > 0, 20_000);
    const published = await hub.publish(fire('fire-2'));
    await until(
      'fire committed',
      async () => (await core.db('alarms').where({ source_id: 'fire-2' }).first()) ?? false,
    );
    await core.stop();
    const stoppedAt = await (async () => {
      const reopened = await startLinkedConsole(tmp.dir, { url: 'http://127.0.0.1:1', token }, 'console-b');
      try {
        return {
          cursor: await lastCommittedSeq(reopened.db),
          urgent: (await reopened.db('hub_urgent').pluck('seq')) as number[],
        };
      } finally {
        await reopened.stop();
      }
    })();
    // Stopped while the fire was only on the urgent lane: it is remembered on disk.
    expect(stoppedAt.cursor).toBeLessThan(published.seq);
    expect(stoppedAt.urgent).toEqual([published.seq]);

    core = await startLinkedConsole(tmp.dir, { url: hub.url, token }, 'console-b');
    cores.push(core);
    const shown: string[] = [];
    core.alarms.watch((a) => {
      if (a.sourceId === 'fire-2' && !a.escalatedAt) shown.push(a.state);
    });
    await caughtUp(core, published.seq);
    await expectWholeLog(core, published.seq);
    await expectFireOnce(core, 'fire-2');
    expect(shown).toEqual([]);
  }, 660_000);

  it('sends the urgent lane to a version-4 console only; a version-3 console still gets everything in order', async () => {
    await backlog(hub, 600);
    const published = await hub.publish(fire('fire-3'));
    const listen = (consoleId: string, protocolVersion: number) => {
      const got: { lane: 'event' | 'urgent'; seq: number }[] = [];
      const socket = connectClient(hub.url, {
        transports: ['websocket'],
        reconnection: false,
        auth: { consoleId, token, protocolVersion },
      });
      sockets.push(socket);
      socket.on(HUB_MESSAGES.event, (e: { seq: number }, ack: (r: unknown) => void) => {
        got.push({ lane: 'event', seq: e.seq });
        ack({ ok: true, seq: e.seq });
      });
      socket.on(HUB_MESSAGES.urgent, (e: { seq: number }, ack: (r: unknown) => void) => {
        got.push({ lane: 'urgent', seq: e.seq });
        ack({ ok: true, seq: e.seq });
      });
      socket.on('connect', () => socket.emit(HUB_MESSAGES.sync, { afterSeq: 0 }, () => undefined));
      return got;
    };
    const v3 = listen('old-desk', 3);
    const v4 = listen('new-desk', 4);
    await until('both streams through', () =>
      [v3, v4].every((g) => g.filter((m) => m.lane === 'event').length === published.seq),
    );
    const ordered = (g: typeof v3) => g.filter((m) => m.lane === 'event').map((m) => m.seq);
    const all = Array.from({ length: published.seq }, (_, i) => i + 1);
    expect(ordered(v3)).toEqual(all);
    expect(v3.some((m) => m.lane === 'urgent')).toBe(false);
    expect(ordered(v4)).toEqual(all);
    // The fire came first, ahead of the backlog, on its own lane, and once.
    expect(v4.filter((m) => m.lane === 'urgent')).toEqual([{ lane: 'urgent', seq: published.seq }]);
    expect(v4[0]).toEqual({ lane: 'urgent', seq: published.seq });
  });
});
