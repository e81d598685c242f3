/**
 * A poisoned hub message never stops the stream. Each case here failed on the console before dead letters: a bad
 * `at` in another console's acknowledgement broke `alarms.open` for everybody, an object where a note belongs
 * failed the event's transaction on every retry so the fire alarm behind it never came, and no notice told the
 * operator. Real socket.io hubs on loopback, real SQLite files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HUB_ACTION_PAYLOADS,
  type HubAlarm,
  type HubDeadLetter,
  type MethodName,
  type MethodOutput,
  type Notice,
  type OperatorView,
} from '../../shared/contract';
import { type ConsoleCore } from '../../electron/core';
import type { createDesk } from '../../electron/desk';
import { SiteHub } from '../../electron/hub/server';
import type { HubSocketOptions } from '../../electron/core/hub-link/link';
import { lastCommittedSeq } from '../../electron/core/hub-link/inbox';
import { systemClock } from '../../electron/common/clock';
import type { Logger } from '../../electron/common/log';
import { silentLogger } from '../../electron/common/log';
import hubBoundary, { FUZZED_ACTION_TYPES } from '../fuzz/boundaries/hub';
import { Tally } from '../fuzz/lib';
import { hubAlarm, startLinkedConsole } from '../support/hub';
import { ScriptedHub } from '../support/scripted-hub';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const OPERATOR: OperatorView = { id: 'op-1', name: '李明', role: 'operator' };
const SUPERVISOR: OperatorView = { id: 'sup-1', name: '王主管', role: 'supervisor' };
const TARGET = { source: 'hub', sourceId: 'door-7' };

const alarm = (sourceId: string, type?: HubAlarm['type']) => hubAlarm(sourceId, type);
const applied = (type: string, payload: unknown, key = `k-${Math.random()}`) => ({
  kind: 'action.applied',
  data: { key, consoleId: 'console-b', type, payload, appliedAt: Date.now() },
});

describe('a poisoned hub message never stops the stream', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: ScriptedHub;
  let core: ConsoleCore | undefined;
  let notices: Notice[];

  const start = async (extra: Partial<Parameters<typeof createDesk>[0]> = {}) => {
    const started = await startLinkedConsole(tmp.dir, { url: hub.url, token: 't' }, 'console-a', {
      backups: { enabled: false },
      ...extra,
    });
    started.bus.on('notice', (n) => notices.push(n));
    core = started;
    return started;
  };
  const running = () => {
    if (!core) throw new Error('start the console first');
    return core;
  };
  const caughtUp = () =>
    until('caught up', async () => (await lastCommittedSeq(running().db)) === hub.headSeq);
  /** A console that holds the target alarm, from the hub: what the poisoned actions below act on. */
  const startWithTarget = async () => {
    const c = await start();
    hub.publish(alarm(TARGET.sourceId));
    await caughtUp();
    return c;
  };
  /** Publishes a fire alarm and waits (2 s at most) until it is stored. */
  const fireArrives = async (sourceId: string, withinMs = 2000) => {
    hub.publish(alarm(sourceId, 'fire'));
    await until(
      `fire alarm ${sourceId}`,
      async () => Boolean(await running().db('alarms').where({ source_id: sourceId }).first()),
      withinMs,
      10,
    );
  };
  /** A call through the real router, as `as`; throws the refusal so a test reads the value. */
  const call = async <M extends MethodName>(method: M, as: OperatorView = OPERATOR) => {
    const env = await running().router.call(method, {}, running().openSession('memory', as));
    if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
    return env.value as MethodOutput<M>;
  };

  beforeEach(async () => {
    tmp = tempDir();
    hub = new ScriptedHub();
    await hub.start();
    notices = [];
    core = undefined;
  });
  afterEach(async () => {
    await core?.stop();
    await hub.stop();
    tmp.cleanup();
  });

  it('an acknowledgement whose time is "not-a-time" is set aside; alarms.open still works for everybody', async () => {
    const c = await startWithTarget();
    const poison = hub.publish(
      applied('alarm.acknowledge', {
        alarm: TARGET,
        state: 'acknowledged',
        operator: '王',
        at: 'not-a-time',
      }),
    );
    await fireArrives('fire-1');

    expect((await call('alarms.open')).alarms.map((a) => a.sourceId).sort()).toEqual(['door-7', 'fire-1']);
    const row = (await c.db.raw(
      "SELECT state, typeof(acknowledged_at) AS t FROM alarms WHERE source_id = 'door-7'",
    )) as { state: string; t: string }[];
    expect(row).toEqual([{ state: 'new', t: 'null' }]);
    expect(await c.db('hub_dead_letters').where({ seq: poison }).first()).toMatchObject({
      kind: 'action.applied',
      reason: 'invalid',
      error: expect.stringMatching(/data\.payload\.at/),
    });
    await until('the poison acked', () => hub.acks.has(poison));
    expect(hub.acks.get(poison)).toMatchObject({ ok: false, refused: true, seq: poison });
  });

  it('an object where the resolution note belongs no longer stalls the stream: the fire alarm behind it arrives within 2 s', async () => {
    const c = await startWithTarget();
    const poison = hub.publish(
      applied('alarm.resolve', {
        alarm: TARGET,
        state: 'resolved',
        operator: '王',
        at: Date.now(),
        disposition: 'real',
        note: { html: '<b>x</b>' },
      }),
    );
    // Within fireArrives' 2 s: before dead letters it never came at all.
    await fireArrives('fire-2');
    expect(await lastCommittedSeq(c.db)).toBe(hub.headSeq);
    expect(await c.db('hub_dead_letters').pluck('seq')).toEqual([poison]);
    const target = (await c.db('alarms').where({ source_id: 'door-7' }).first()) as { state: string };
    expect(target.state).toBe('new');
    // The operator hears of it, in words the renderer can translate.
    expect(notices.find((n) => n.code === 'hub-event-refused')).toMatchObject({
      level: 'error',
      params: { seq: poison, kind: 'action.applied', reason: 'invalid' },
    });
  });

  it('an event the appliers fail on is rolled back in its savepoint and set aside as failed; the next one applies', async () => {
    const c = await startWithTarget();
    // Valid for the schema, but the trail refuses it: an applier throws halfway through its work.
    await c.db.raw(
      "CREATE TRIGGER poison BEFORE INSERT ON alarm_events WHEN NEW.note LIKE '%poison-note%' " +
        "BEGIN SELECT RAISE(ABORT, 'the trail refuses this note'); END",
    );
    const poison = hub.publish(
      applied('alarm.note', {
        alarm: TARGET,
        state: 'new',
        operator: '王',
        at: Date.now(),
        text: 'poison-note',
      }),
    );
    await fireArrives('fire-2b');
    expect(await c.db('hub_dead_letters').where({ seq: poison }).first()).toMatchObject({
      reason: 'failed',
      error: expect.stringMatching(/the trail refuses this note/),
    });
    expect(await c.db('hub_events').where({ seq: poison }).first()).toBeUndefined();
    expect(await c.db('alarm_events').where('note', 'like', '%poison-note%').first()).toBeUndefined();
  });

  it('a restore with a bad payload is set aside as invalid; a restore of no open alarm is harmless', async () => {
    const c = await start();
    const restore = (data: unknown) => hub.publish({ kind: 'restore', data });
    const bad = [
      restore({ type: 'intrusion', at: 1 }),
      restore({ deviceId: 'zone-7', type: 'meteor', at: 1 }),
      restore({ deviceId: 'zone-7', type: 'intrusion', at: 'yesterday' }),
      restore({
        deviceId: 'zone-7',
        type: 'intrusion',
        at: 1,
        origin: {
          source: 'dc09',
          fields: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i])),
        },
      }),
      restore({ deviceId: 'zone-7', type: 'intrusion', at: 1, origin: { source: 'telepathy', fields: {} } }),
    ];
    const harmless = restore({ deviceId: 'nobody', type: 'intrusion', at: Date.now() });
    await fireArrives('fire-restore');
    const letters = (await c.db('hub_dead_letters').orderBy('seq')) as {
      seq: number;
      kind: string;
      reason: string;
    }[];
    expect(letters.map((l) => [l.seq, l.kind, l.reason])).toEqual(
      bad.map((seq) => [seq, 'restore', 'invalid']),
    );
    expect(await c.db('hub_events').where({ seq: harmless }).first('kind')).toEqual({ kind: 'restore' });
  });

  it('many refusals make one notice with a count, not one each', async () => {
    await start();
    for (let i = 0; i < 5; i++) hub.publish(applied('alarm.note', { alarm: TARGET, text: 42 }));
    await fireArrives('fire-3');
    const refused = (await call('notices.recent')).notices.filter((n) => n.code === 'hub-event-refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ count: 5, params: { seq: hub.headSeq - 1 } });
    expect(refused[0]!.firstAt).toBeLessThanOrEqual(refused[0]!.at);
    // Every repeat went out as the same notice, so a renderer replaces it instead of stacking five.
    expect(new Set(notices.filter((n) => n.code === 'hub-event-refused').map((n) => n.id)).size).toBe(1);
  });

  it('a supervisor reads the dead letters; an operator may not', async () => {
    const c = await start();
    const seq = hub.publish({ kind: 'meteor', data: { size: 'large' } });
    await fireArrives('fire-4');
    const read = await call('hub.deadLetters', SUPERVISOR);
    expect(read.total).toBe(1);
    expect(read.deadLetters[0]).toMatchObject<Partial<HubDeadLetter>>({
      seq,
      kind: 'meteor',
      reason: 'invalid',
    });
    expect(JSON.parse(read.deadLetters[0]!.raw)).toMatchObject({ seq, kind: 'meteor' });
    expect(c.hub.status().deadLetters).toBe(1);
    await expect(call('hub.deadLetters', OPERATOR)).rejects.toThrow(/^forbidden/);
  });

  it('an oversize payload is refused by validation, and the stream goes on', async () => {
    const c = await start();
    const seq = hub.publish(applied('x.future-type', { blob: 'x'.repeat(200_000) }));
    await fireArrives('fire-5');
    const kept = (await c.db('hub_dead_letters').where({ seq }).first()) as { raw: string; error: string };
    expect(kept).toMatchObject({ reason: 'invalid', error: expect.stringMatching(/payload too large/) });
    // What is kept of it is cut short: dead letters must not fill the disk either.
    expect(kept.raw.length).toBeLessThanOrEqual(4000);
  });

  it('a message too big to read at all is set aside by sequence after it closes the link twice; later alarms arrive', async () => {
    const c = await start();
    await until('connected', () => c.hub.status().state === 'connected');
    hub.publish(alarm('before'));
    const seq = hub.publish(applied('x.future-type', 'x'.repeat(1_200_000)));
    // The fire alarm is already queued behind it on the hub: it must not wait forever.
    hub.publish(alarm('fire-6', 'fire'));
    await until(
      'fire behind the oversize message',
      async () => Boolean(await c.db('alarms').where({ source_id: 'fire-6' }).first()),
      15_000,
    );
    expect(await c.db('hub_dead_letters').where({ seq }).first()).toMatchObject({
      reason: 'oversize',
      error: expect.stringMatching(/larger than 1000000 bytes/),
    });
    expect(await c.db('alarms').where({ source_id: 'before' }).first()).toBeTruthy();
    expect(notices.some((n) => n.code === 'hub-event-refused' && n.params?.reason === 'oversize')).toBe(true);
  });

  it('warns in the hub status about a hub without TLS off this machine, and hands the CA and size cap to the socket', async () => {
    const ca = join(tmp.dir, 'site-ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const seen: Array<{ url: string; options: HubSocketOptions }> = [];
    // The console believes it talks to a hub on the site's network; the socket really goes to loopback.
    const c = await start({
      hub: { url: 'http://hub.site.example:3000', token: 't', ca },
      socketFactory: (url, options) => {
        seen.push({ url, options });
        const { ca: _ca, ...rest } = options;
        return io(hub.url, rest);
      },
    });
    expect(c.hub.status()).toMatchObject({ insecure: true, hub: 'http://hub.site.example:3000' });
    // Said while the core started, before anyone listened: it is among the recent notices.
    expect((await call('notices.recent')).notices.find((n) => n.code === 'hub-insecure')).toMatchObject({
      level: 'warning',
      params: { hub: 'http://hub.site.example:3000' },
    });
    expect(seen[0]?.options).toMatchObject({ maxPayload: 1_000_000, ca: expect.stringContaining('BEGIN') });
  });

  it('a loopback hub and an https hub are not flagged', async () => {
    const first = await start();
    expect(first.hub.status().insecure).toBeUndefined();
    await first.stop();
    const c = await start({
      dbFile: ':memory:',
      hub: { url: 'https://hub.site.example', token: 't' },
      socketFactory: (_url, options) => io(hub.url, options),
    });
    expect(c.hub.status().insecure).toBeUndefined();
    expect((await call('notices.recent')).notices.some((n) => n.code === 'hub-insecure')).toBe(false);
  });

  it('fuzz, briefly: every event kind and action type with wrong values, random bodies, oversize payloads', async () => {
    expect([...FUZZED_ACTION_TYPES].sort()).toEqual(Object.keys(HUB_ACTION_PAYLOADS).sort());
    const tally = new Tally();
    const said: string[] = [];
    await hubBoundary.run(
      { cases: 150, seed: 20261130, stallMs: 2000, progress: (l) => said.push(l) },
      tally,
    );
    expect(tally.notes).toEqual([]);
    expect({ crashes: tally.crashes, stalls: tally.stalls, invalidRows: tally.invalidRows }).toEqual({
      crashes: 0,
      stalls: 0,
      invalidRows: 0,
    });
    expect(tally.cases).toBe(150);
    // The poison was poison: most of it was set aside, and the run said how much.
    expect(said.at(-1)).toMatch(/sequences, [1-9]\d* set aside/);
  }, 120_000);
});

describe('the reference hub', () => {
  let hub: SiteHub;
  const quiet = (warnings: string[] = []): Logger => ({
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => void warnings.push(message),
    error: () => undefined,
    child: () => quiet(warnings),
  });
  // Version 4: one `event` per event, what these tests count (version 5's `events` messages: hub-batch.test.ts).
  const connect = (consoleId: string) =>
    io(hub.url, {
      transports: ['websocket'],
      auth: { consoleId, token: 't', protocolVersion: 4 },
    });
  afterEach(async () => {
    await hub.stop();
  });

  it('pipelines events: up to its window unacknowledged per console, one more for each ack, in order', async () => {
    hub = new SiteHub({ dbFile: ':memory:', token: 't', clock: systemClock, log: silentLogger, window: 4 });
    await hub.start();
    for (let i = 0; i < 10; i++)
      await hub.publish({ kind: 'device', data: { deviceId: `d${i}`, kind: 'pump', state: 'ok', at: 1 } });
    const socket = connect('slow');
    try {
      const held: { seq: number; ack: (r: unknown) => void }[] = [];
      socket.on('event', (e: { seq: number }, ack: (r: unknown) => void) => held.push({ seq: e.seq, ack }));
      await socket.emitWithAck('sync', { afterSeq: 0 });
      await until('four events in flight', () => held.length >= 4);
      // A round trip after the pump stopped: had it sent a fifth, it would be here by now.
      await socket.emitWithAck('app-ping');
      expect(held.map((h) => h.seq)).toEqual([1, 2, 3, 4]);
      held[0]!.ack({ ok: true, seq: 1 });
      await until('a fifth after the first ack', () => held.length >= 5);
      await socket.emitWithAck('app-ping');
      expect(held.map((h) => h.seq)).toEqual([1, 2, 3, 4, 5]);
      for (let i = 1; i < 10; i++) {
        await until(`event ${i + 1}`, () => held[i]);
        held[i]!.ack({ ok: true, seq: held[i]!.seq });
      }
      expect(held.map((h) => h.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await until('every ack recorded', async () => (await hub.ackedSeq('slow')) === 10);
    } finally {
      socket.close();
    }
  });

  it('refuses a known action type with a poisoned payload, so it never fans out to other consoles', async () => {
    hub = new SiteHub({ dbFile: ':memory:', token: 't', clock: systemClock, log: silentLogger });
    await hub.start();
    const socket = connect('rogue');
    try {
      const reply = await socket.emitWithAck('action', {
        key: 'poison-1',
        type: 'alarm.acknowledge',
        payload: { alarm: TARGET, state: 'acknowledged', operator: 'x', at: 'not-a-time' },
        createdAt: 1,
      });
      expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/invalid action: payload\.at/) });
      expect(await hub.appliedActions()).toEqual([]);
      // A type this version does not know is still carried: action types are not a protocol change.
      const future = await socket.emitWithAck('action', {
        key: 'future-1',
        type: 'alarm.escalate',
        payload: { anything: true },
        createdAt: 2,
      });
      expect(future).toEqual({ ok: true, duplicate: false });
    } finally {
      socket.close();
    }
  });

  it('survives a console that never acknowledges: the acks of events in flight time out after the option, without ending the process', async () => {
    const warnings: string[] = [];
    hub = new SiteHub({
      dbFile: ':memory:',
      token: 't',
      clock: systemClock,
      log: quiet(warnings),
      eventAckTimeoutMs: 200,
    });
    await hub.start();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const socket = connect('mute');
    try {
      // Three events in the log before the sync: all three in flight at once, none ever acknowledged.
      for (let i = 0; i < 3; i++) {
        await hub.publish({
          kind: 'device',
          data: { deviceId: `d${i}`, kind: 'pump', state: 'fault', at: 1 },
        });
      }
      const events: number[] = [];
      socket.on('event', (e: { seq: number }) => events.push(e.seq)); // and never acks
      await socket.emitWithAck('sync', { afterSeq: 0 });
      // `until` gives up after 10 s, before the 15 s default: this passes only with the option.
      await until('the hub gave up waiting on all three', () =>
        warnings.filter((w) => w === 'console did not acknowledge an event in time').length === 3
          ? true
          : undefined,
      );
      expect(events).toEqual([1, 2, 3]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      socket.close();
    }
  });

  it('counts a refused event as delivered and says so in its log', async () => {
    const warnings: string[] = [];
    hub = new SiteHub({ dbFile: ':memory:', token: 't', clock: systemClock, log: quiet(warnings) });
    await hub.start();
    const socket = connect('refuser');
    try {
      socket.on('event', (e: { seq: number }, ack: (r: unknown) => void) =>
        ack({ ok: false, refused: true, seq: e.seq, error: 'data.type: Invalid option' }),
      );
      await socket.emitWithAck('sync', { afterSeq: 0 });
      await hub.publish({ kind: 'device', data: { deviceId: 'd', kind: 'pump', state: 'fault', at: 1 } });
      await until('the refusal logged', () => warnings.includes('a console refused an event'));
      expect(await hub.ackedSeq('refuser')).toBe(1);
    } finally {
      socket.close();
    }
  });
});
