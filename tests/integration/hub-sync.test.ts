import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server, type Socket as IoSocket } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUB_PROTOCOL_VERSION, type HubEventBody, type HubStatus } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import type { SiteHub } from '../../electron/hub/server';
import { enqueueAction } from '../../electron/core/hub-link/outbox';
import { lastCommittedSeq } from '../../electron/core/hub-link/inbox';
import { ManualClock } from '../../electron/common/clock';
import { hubAlarm, startLinkedConsole, startSiteHub } from '../support/hub';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const alarm = (n: number): HubEventBody => hubAlarm(`src-${n}`, 'door_held', 1_700_000_000_000 + n);

const connected = (core: ConsoleCore) => until('connected', () => core.hub.status().state === 'connected');

/** An operator action put in the console's outbox, and the link told to send it. */
async function queueAction(core: ConsoleCore, action: Parameters<typeof enqueueAction>[1]): Promise<void> {
  await core.db.transaction((trx) => enqueueAction(trx, action));
  core.hub.kick();
}

describe('console ↔ site hub over real socket.io on loopback', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: SiteHub;
  const cores: ConsoleCore[] = [];
  const token = 'test-token';

  const startConsole = async (consoleId: string) => {
    const core = await startLinkedConsole(tmp.dir, { url: hub.url, token }, consoleId);
    cores.push(core);
    return core;
  };

  beforeEach(async () => {
    tmp = tempDir();
    hub = await startSiteHub(tmp.dir, token);
  });
  afterEach(async () => {
    for (const c of cores.splice(0)) await c.stop();
    await hub.stop().catch(() => undefined);
    tmp.cleanup();
  });

  it('connects, reports connected, and commits every event in order before acknowledging it', async () => {
    const core = await startConsole('console-a');
    const statuses: HubStatus['state'][] = [];
    core.bus.subscribe((name, payload) => {
      if (name === 'hub.status') statuses.push((payload as HubStatus).state);
    });
    await connected(core);
    for (let i = 1; i <= 30; i++) await hub.publish(alarm(i));
    await until('all committed', async () => (await lastCommittedSeq(core.db)) === 30);
    const seqs = (await core.db('hub_events').orderBy('seq').pluck('seq')) as number[];
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // The hub learns of each event only once it is on disk.
    await until('hub saw the acks', async () => (await hub.ackedSeq('console-a')) === 30);
    expect(await hub.ackedSeq('console-a')).toBeLessThanOrEqual(await lastCommittedSeq(core.db));
  });

  it('replays everything missed while the hub was gone, however long, after the hub restarts', async () => {
    const core = await startConsole('console-a');
    await connected(core);
    await hub.publish(alarm(1));
    await until('first event', async () => (await lastCommittedSeq(core.db)) === 1);
    const port = Number(new URL(hub.url).port);
    await hub.stop();
    await until('offline', () => core.hub.status().state === 'offline');
    expect(core.hub.status().since).toBeGreaterThan(0);

    // The new hub process publishes while the console is still cut off (no socket.io recovery can help).
    hub = await startSiteHub(tmp.dir, token, port);
    expect(hub.url).toContain(String(port));
    for (let i = 2; i <= 120; i++) await hub.publish(alarm(i));
    await until('replayed', async () => (await lastCommittedSeq(core.db)) === 120, 20_000);
    const n = (await core.db('hub_events').count({ n: '*' }).first()) as { n: number };
    expect(Number(n.n)).toBe(120);
    expect(core.hub.status().state).toBe('connected');
  });

  it('refuses a console that speaks another protocol version, saying so', async () => {
    const socket = connectClient(hub.url, {
      transports: ['websocket'],
      reconnection: false,
      auth: { consoleId: 'old', token, protocolVersion: HUB_PROTOCOL_VERSION + 1 },
    });
    const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    socket.close();
    expect(error.message).toContain(
      `protocol version mismatch: this hub speaks version ${HUB_PROTOCOL_VERSION}, the console speaks version ${HUB_PROTOCOL_VERSION + 1}`,
    );
  });

  it('refuses a wrong token, and the console shows why in its hub status', async () => {
    const core = await startLinkedConsole(tmp.dir, { url: hub.url, token: 'wrong' }, 'intruder', {
      dbFile: ':memory:',
    });
    cores.push(core);
    const status = await until('refused', () => (core.hub.status().error ? core.hub.status() : undefined));
    expect(status.state).toBe('offline');
    expect(status.error).toMatch(/The hub refused this console: unknown console token/);
  });

  it('drains the outbox in order, deletes rows only after the ack, and the hub applies each key once', async () => {
    const core = await startConsole('console-a');
    await connected(core);
    for (let i = 1; i <= 20; i++)
      await queueAction(core, { key: `k-${i}`, type: 'note', payload: { n: i }, createdAt: i });
    await until(
      'outbox drained',
      async () => core.hub.status().outbox === 0 && (await hub.appliedActions()).length === 20,
    );
    expect((await hub.appliedActions()).map((a) => a.key)).toEqual(
      Array.from({ length: 20 }, (_, i) => `k-${i + 1}`),
    );
    expect(await core.db('outbox').count({ n: '*' }).first()).toEqual({ n: 0 });

    // A second delivery of the same key (a lost ack, a restart mid-send) is recognised and not applied again.
    const raw = connectClient(hub.url, {
      transports: ['websocket'],
      auth: { consoleId: 'console-a', token, protocolVersion: HUB_PROTOCOL_VERSION },
    });
    const reply = await raw.emitWithAck('action', {
      key: 'k-5',
      type: 'note',
      payload: { n: 5 },
      createdAt: 5,
    });
    raw.close();
    expect(reply).toEqual({ ok: true, duplicate: true });
    expect((await hub.appliedActions()).filter((a) => a.key === 'k-5')).toHaveLength(1);
  });

  it('queues actions while the hub is down and sends them when it returns', async () => {
    const core = await startConsole('console-a');
    await connected(core);
    const port = Number(new URL(hub.url).port);
    await hub.stop();
    await until('offline', () => core.hub.status().state === 'offline');
    await queueAction(core, { key: 'offline-1', type: 'alarm.ack', payload: {}, createdAt: 1 });
    await until('outbox counted', () => core.hub.status().outbox === 1);
    hub = await startSiteHub(tmp.dir, token, port);
    await until(
      'drained after return',
      async () => core.hub.status().outbox === 0 && (await hub.appliedActions()).length === 1,
      15_000,
    );
  });

  it('two consoles on one hub see each other’s actions', async () => {
    const a = await startConsole('console-a');
    const b = await startConsole('console-b');
    await until(
      'both connected',
      () => a.hub.status().state === 'connected' && b.hub.status().state === 'connected',
    );
    await queueAction(a, { key: 'ack-1', type: 'alarm.ack', payload: { alarm: 'x' }, createdAt: 1 });
    const seen = await until(
      'b saw it',
      async () =>
        (await b.db('hub_events').where({ kind: 'action.applied' }).first()) as { body: string } | undefined,
    );
    expect(JSON.parse(seen.body)).toMatchObject({ key: 'ack-1', consoleId: 'console-a', type: 'alarm.ack' });
  });
});

describe('console against a misbehaving hub', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: Server;
  let url: string;
  const syncs: number[] = [];
  let onSync: (socket: IoSocket, afterSeq: number) => void = () => undefined;
  let refuseNext = 0;
  let actionReplies: unknown[] = [];

  beforeEach(async () => {
    tmp = tempDir();
    syncs.length = 0;
    const http = createServer();
    server = new Server(http);
    refuseNext = 0;
    actionReplies = [];
    server.use((_socket, next) => (refuseNext-- > 0 ? next(new Error('hub is in maintenance')) : next()));
    server.on('connection', (socket) => {
      socket.on('action', (_a: unknown, ack: (r: unknown) => void) =>
        ack(actionReplies.shift() ?? { ok: true, duplicate: false }),
      );
      socket.on('sync', (req: { afterSeq: number }, ack: (r: unknown) => void) => {
        syncs.push(req.afterSeq);
        ack({ ok: true, headSeq: 0 });
        onSync(socket, req.afterSeq);
      });
      socket.on('app-ping', (ack: (r: unknown) => void) => ack({ ok: true }));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    tmp.cleanup();
  });

  /** The console under test, linked to this hub, its database in memory. */
  const link = (config: Parameters<typeof startLinkedConsole>[3] = {}) =>
    startLinkedConsole(tmp.dir, { url, token: 't' }, 'c', { dbFile: ':memory:', ...config });

  const valid = (seq: number) => ({
    seq,
    at: 1,
    kind: 'device',
    data: { deviceId: `d${seq}`, kind: 'pump', state: 'fault', at: 1 },
  });

  it('sets an invalid event aside as a dead letter, says so in its ack and to the operator, and moves on', async () => {
    const acks: unknown[] = [];
    onSync = (socket, after) => {
      if (after === 0) {
        socket.emit('event', { seq: 1, at: 1, kind: 'alarm', data: { type: 'meteor' } }, (r: unknown) =>
          acks.push(r),
        );
        socket.emit('event', valid(2), (r: unknown) => acks.push(r));
      }
    };
    const notices: string[] = [];
    const core = await link();
    core.bus.subscribe((name, payload) => {
      if (name === 'notice') notices.push((payload as { message: string }).message);
    });
    await until('cursor at 2', async () => (await lastCommittedSeq(core.db)) === 2);
    expect(await core.db('hub_events').orderBy('seq').pluck('kind')).toEqual(['device']);
    expect(await core.db('hub_dead_letters').first()).toMatchObject({
      seq: 1,
      kind: 'alarm',
      reason: 'invalid',
    });
    await until('both acked', () => acks.length === 2);
    expect(acks[0]).toMatchObject({ ok: false, refused: true, seq: 1, error: expect.stringMatching(/data/) });
    expect(acks[1]).toEqual({ ok: true, seq: 2 });
    expect(notices.join()).toMatch(/sequence 1.*data.type/);
    const recent = await core.router.call(
      'events.recent',
      {},
      core.openSession('memory', { id: 'duty', name: '值班员', role: 'operator' }),
    );
    expect(recent).toMatchObject({ ok: true, value: { events: [{ seq: 2, kind: 'device' }] } });
    expect(core.hub.status().deadLetters).toBe(1);
    await core.stop();
  });

  it('acknowledges an alarm only once it is on disk (read back through another connection)', async () => {
    const file = join(tmp.dir, 'console.sqlite');
    const seenInAck: number[] = [];
    let acked!: () => void;
    const done = new Promise<void>((r) => (acked = r));
    onSync = (socket, after) => {
      if (after !== 0) return;
      const event = {
        seq: 1,
        at: 1,
        kind: 'alarm',
        data: { sourceId: 'fire-1', type: 'fire', cameras: [], raisedAt: 1 },
      };
      socket.emit('event', event, () => {
        const reader = new Database(file, { readonly: true });
        seenInAck.push(
          (
            reader.prepare("SELECT count(*) AS n FROM alarms WHERE source_id = 'fire-1'").get() as {
              n: number;
            }
          ).n,
        );
        reader.close();
        acked();
      });
    };
    const core = await link({ dbFile: file });
    await done;
    expect(seenInAck).toEqual([1]);
    await core.stop();
  });

  it('asks for a replay when a sequence number is skipped, and never commits past the gap', async () => {
    onSync = (socket, after) => {
      if (after === 0) {
        socket.emit('event', valid(1), () => undefined);
        socket.emit('event', valid(3), () => undefined);
      } else if (after === 1) {
        socket.emit('event', valid(2), () => undefined);
        socket.emit('event', valid(3), () => undefined);
      }
    };
    const core = await link();
    await until('cursor at 3', async () => (await lastCommittedSeq(core.db)) === 3);
    expect(syncs).toEqual([0, 1]);
    expect(await core.db('hub_events').orderBy('seq').pluck('seq')).toEqual([1, 2, 3]);
    await core.stop();
  });

  it('keeps trying after the hub refused it, instead of giving up like socket.io does', async () => {
    refuseNext = 1;
    const clock = new ManualClock(Date.now());
    const core = await link({ clock });
    await until('refused', () => core.hub.status().error?.includes('hub is in maintenance'));
    expect(core.hub.status().state).toBe('offline');
    clock.advance(15_000);
    await until('connected after retry', () => core.hub.status().state === 'connected');
    await core.stop();
  });

  it('sends an action again when the hub says it could not store it yet, and marks a final refusal', async () => {
    actionReplies = [
      { ok: false, error: 'disk busy', retryable: true },
      { ok: true, duplicate: false },
      { ok: false, error: 'unknown action type' },
    ];
    const clock = new ManualClock(Date.now());
    const core = await link({ clock });
    await connected(core);
    await queueAction(core, { key: 'a1', type: 'note', payload: {}, createdAt: 1 });
    await until(
      'first attempt failed',
      async () => ((await core.db('outbox').first()) as { attempts: number } | undefined)?.attempts === 1,
    );
    expect(core.hub.status().outbox).toBe(1);
    clock.advance(5_000);
    await until('sent on retry', () => core.hub.status().outbox === 0);

    await queueAction(core, { key: 'a2', type: 'bogus', payload: {}, createdAt: 2 });
    const refused = await until(
      'refused for good',
      async () =>
        (await core.db('outbox').whereNotNull('refused_at').first()) as
          { key: string; last_error: string } | undefined,
    );
    expect(refused).toMatchObject({ key: 'a2', last_error: 'unknown action type' });
    expect(core.hub.status().outbox).toBe(0);
    await core.stop();
  });

  it('notices a hub that stops answering within 10 s and goes offline', async () => {
    let answering = true;
    server.removeAllListeners('connection');
    server.on('connection', (socket) => {
      socket.on('sync', (_r: unknown, ack: (r: unknown) => void) => ack({ ok: true, headSeq: 0 }));
      socket.on('app-ping', (ack: (r: unknown) => void) => {
        if (answering) ack({ ok: true });
      });
    });
    const core = await link();
    await connected(core);
    // The link flips to offline and straight back (this hub still accepts connections), so listen, don't poll.
    const wentOffline = new Promise<number>((resolve) =>
      core.bus.subscribe((name, payload) => {
        if (name === 'hub.status' && (payload as HubStatus).state === 'offline') resolve(Date.now());
      }),
    );
    const silentSince = Date.now();
    answering = false;
    const detectedAt = await Promise.race([
      wentOffline,
      new Promise<number>((r) => setTimeout(() => r(-1), 12_000)),
    ]);
    expect(detectedAt, 'the console never noticed the silent hub').toBeGreaterThan(0);
    console.log(`dead link detected after ${detectedAt - silentSince} ms`);
    await core.stop();
  }, 20_000);
});

describe('alarms from the hub', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: SiteHub;
  let core: ConsoleCore | undefined;

  beforeEach(async () => {
    tmp = tempDir();
    hub = await startSiteHub(tmp.dir, 't');
  });
  const startConsole = (consoleId: string) =>
    startLinkedConsole(tmp.dir, { url: hub.url, token: 't' }, consoleId);
  afterEach(async () => {
    await core?.stop();
    await hub.stop();
    tmp.cleanup();
  });

  it('an alarm is in the console database before the hub sees its acknowledgement, and duplicates add nothing', async () => {
    core = await startConsole('console-a');
    const db = core.db;
    await connected(core);
    const body = (n: number, deviceId = `pir-${n}`): HubEventBody => ({
      kind: 'alarm',
      data: {
        sourceId: `hub-alarm-${n}`,
        deviceId,
        type: 'intrusion',
        zone: 'perimeter',
        cameras: ['cam-09'],
        raisedAt: Date.now(),
      },
    });
    for (let i = 1; i <= 20; i++) await hub.publish(body(i));
    await hub.publish(body(5)); // the hub sends alarm 5 again (a retry on its side)
    await hub.publish(body(21, 'pir-1')); // device pir-1 re-triggers
    await until('all acknowledged', async () => (await hub.ackedSeq('console-a')) === 22);
    expect(await db('alarms').count({ n: '*' }).first()).toEqual({ n: 20 });
    const pir1 = (await db('alarms').where({ device_id: 'pir-1' }).first()) as {
      count: number;
      cameras: string;
    };
    expect(pir1.count).toBe(2);
    expect(JSON.parse(pir1.cameras)).toEqual(['cam-09']);
    expect(await db('alarm_sources').count({ n: '*' }).first()).toEqual({ n: 21 });
  });

  it('an acknowledgement on one console shows on the other, with who did it', async () => {
    const a = await startConsole('console-a');
    const b = await startConsole('console-b');
    try {
      await hub.publish({
        kind: 'alarm',
        data: { sourceId: 'smoke-1', type: 'smoke', zone: 'bldg-02', cameras: [], raisedAt: Date.now() },
      });
      const idOn = async (c: ConsoleCore) =>
        ((await c.db('alarms').where({ source_id: 'smoke-1' }).first()) as { id: string } | undefined)?.id;
      const idA = await until('a has it', () => idOn(a));
      await until('b has it', () => idOn(b));
      const env = await a.router.call(
        'alarms.acknowledge',
        { id: idA },
        a.openSession('memory', { id: 'op-1', name: '李明', role: 'operator' }),
      );
      expect(env.ok).toBe(true);
      const onB = await until('b sees the acknowledgement', async () => {
        const row = (await b.db('alarms').where({ source_id: 'smoke-1' }).first()) as {
          state: string;
          acknowledged_by: string | null;
        };
        return row.state === 'acknowledged' ? row : undefined;
      });
      expect(onB.acknowledged_by).toBe('李明 @ console-a');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
