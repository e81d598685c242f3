/**
 * Hub protocol 5: the ordered stream in `events` messages, several events and one answer each. A poisoned element
 * is set aside alone while the rest of its message commits, a message that breaks the bounds never stops the link,
 * and the reference hub still serves a version-4 console one `event` at a time. Real socket.io on loopback, real
 * SQLite files.
 */
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUB_MAX_BATCH_EVENTS, HUB_PROTOCOL_VERSION } from '../../shared/contract';
import { type ConsoleCore } from '../../electron/core';
import { lastCommittedSeq, listDeadLetters } from '../../electron/core/hub-link/inbox';
import { SiteHub } from '../../electron/hub/server';
import { systemClock } from '../../electron/common/clock';
import type { Logger } from '../../electron/common/log';
import { silentLogger } from '../../electron/common/log';
import { hubAlarm, startLinkedConsole } from '../support/hub';
import { ScriptedHub } from '../support/scripted-hub';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const device = (i: number) => ({
  kind: 'device',
  data: { deviceId: `d${i}`, kind: 'pump', state: 'ok', at: 1 },
});

describe('a version-5 console takes events in batches', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: ScriptedHub;
  let core: ConsoleCore | undefined;

  beforeEach(async () => {
    tmp = tempDir();
    hub = new ScriptedHub();
    await hub.start();
    core = await startLinkedConsole(tmp.dir, { url: hub.url, token: 't' }, 'console-a', {
      backups: { enabled: false },
    });
    await until('the console synced', () => hub.syncs.length > 0);
  });
  afterEach(async () => {
    await core?.stop();
    core = undefined;
    await hub.stop();
    tmp.cleanup();
  });

  const alarmIds = async () =>
    ((await core!.db('alarms').orderBy('source_id').pluck('source_id')) as string[]).join(',');

  it('sets a poisoned element aside alone: the rest of its message is committed, one answer, the next batch is fine', async () => {
    hub.publishBatch([
      hubAlarm('a-1'),
      { kind: 'alarm', data: { ...hubAlarm('a-2').data, type: 'meteor' } },
      hubAlarm('a-3'),
    ]);
    await until('the batch answered', () => hub.batchAcks[0]);
    expect(hub.batchAcks[0]).toEqual({
      ok: true,
      seq: 3,
      refused: [{ seq: 2, error: expect.stringContaining('type') as unknown }],
    });
    expect(await alarmIds()).toBe('a-1,a-3');
    const { deadLetters } = await listDeadLetters(core!.db, 10);
    expect(deadLetters.map((d) => [d.seq, d.reason])).toEqual([[2, 'invalid']]);

    hub.publishBatch([hubAlarm('a-4'), hubAlarm('a-5')]);
    await until('the next batch answered', () => hub.batchAcks[1]);
    expect(hub.batchAcks[1]).toEqual({ ok: true, seq: 5 });
    expect(await alarmIds()).toBe('a-1,a-3,a-4,a-5');
    expect(await lastCommittedSeq(core!.db)).toBe(5);
    expect(core!.hub.status()).toMatchObject({ state: 'connected', lastSeq: 5, deadLetters: 1 });
  });

  it('reads at most the bound of a message and asks for the rest; nothing is lost, nothing applied twice', async () => {
    const over = HUB_MAX_BATCH_EVENTS + 44;
    hub.publishBatch(Array.from({ length: over }, (_, i) => device(i)));
    await until('the batch answered', () => hub.batchAcks[0]);
    expect(hub.batchAcks[0]).toEqual({ ok: true, seq: HUB_MAX_BATCH_EVENTS });
    // The sync after it brings the rest, one by one from the scripted hub's replay.
    await until('a sync from the bound', () => hub.syncs.includes(HUB_MAX_BATCH_EVENTS));
    await until('all committed', async () => (await lastCommittedSeq(core!.db)) === over);
    const rows = (await core!.db('hub_events').count({ n: '*' }).first()) as { n: number };
    expect(Number(rows.n)).toBe(over);
    expect((await listDeadLetters(core!.db, 10)).total).toBe(0);
  });

  it('answers a message that is not a list without stopping the link, and an element without a sequence as such', async () => {
    hub.sendBatch({ seq: 1, kind: 'alarm' });
    hub.sendBatch([]);
    await until('both answered', () => hub.batchAcks.length >= 2);
    expect(hub.batchAcks).toEqual([
      { ok: false, error: expect.stringContaining('array') as unknown },
      { ok: false, error: expect.stringContaining('array') as unknown },
    ]);
    hub.sendBatch([{ kind: 'alarm' }]);
    await until('the unreadable one answered', () => hub.batchAcks[2]);
    expect(hub.batchAcks[2]).toEqual({ ok: false, error: 'event without a valid seq' });
    hub.publishBatch([hubAlarm('b-1')]);
    await until('the good batch answered', () => hub.batchAcks[3]);
    expect(hub.batchAcks[3]).toEqual({ ok: true, seq: 1 });
    expect(await alarmIds()).toBe('b-1');
  });

  it('answers a batch it has already committed as a duplicate, and one past a gap as a gap', async () => {
    const [first] = hub.publishBatch([hubAlarm('c-1'), hubAlarm('c-2')]);
    await until('the batch answered', () => hub.batchAcks[0]);
    hub.sendBatch([{ seq: first, at: 1, ...hubAlarm('c-1') }]);
    hub.sendBatch([{ seq: 9, at: 1, ...hubAlarm('c-9') }]);
    await until('both answered', () => hub.batchAcks.length >= 3);
    expect(hub.batchAcks.slice(1)).toEqual([
      { ok: true, duplicate: true },
      { ok: false, gap: true },
    ]);
    expect(await alarmIds()).toBe('c-1,c-2');
  });
});

describe('the reference hub batches for version 5 and not before', () => {
  let hub: SiteHub;
  const sockets: Socket[] = [];
  const connect = (consoleId: string, protocolVersion: number) => {
    const socket = io(hub.url, {
      transports: ['websocket'],
      auth: { consoleId, token: 't', protocolVersion },
    });
    sockets.push(socket);
    return socket;
  };
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await hub.stop();
  });

  it('sends a version-5 console its backlog in `events` messages and a version-4 console one `event` each', async () => {
    hub = new SiteHub({ dbFile: ':memory:', token: 't', clock: systemClock, log: silentLogger });
    await hub.start();
    for (let i = 0; i < 10; i++) await hub.publish(device(i) as Parameters<SiteHub['publish']>[0]);
    expect(HUB_PROTOCOL_VERSION).toBeGreaterThanOrEqual(5);

    const v5 = connect('v5', HUB_PROTOCOL_VERSION);
    const batches: number[][] = [];
    const singlesTo5: number[] = [];
    v5.on('event', (e: { seq: number }) => singlesTo5.push(e.seq));
    v5.on('events', (batch: { seq: number }[], ack: (r: unknown) => void) => {
      batches.push(batch.map((e) => e.seq));
      ack({ ok: true, seq: batch.at(-1)!.seq });
    });
    const v4 = connect('v4', 4);
    const singles: number[] = [];
    let batchesTo4 = 0;
    v4.on('events', () => batchesTo4++);
    v4.on('event', (e: { seq: number }, ack: (r: unknown) => void) => {
      singles.push(e.seq);
      ack({ ok: true, seq: e.seq });
    });
    await v5.emitWithAck('sync', { afterSeq: 0 });
    await v4.emitWithAck('sync', { afterSeq: 0 });
    await until('both acknowledged all', async () =>
      (await hub.ackedSeq('v5')) === 10 && (await hub.ackedSeq('v4')) === 10 ? true : undefined,
    );
    // Ten events are one batch (at most half of the 256 window each).
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    expect(singlesTo5).toEqual([]);
    expect(singles).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(batchesTo4).toBe(0);

    // Published while connected: the stream goes on in batches, after the first.
    await hub.publish(device(10) as Parameters<SiteHub['publish']>[0]);
    await until('the eleventh acknowledged', async () => (await hub.ackedSeq('v5')) === 11);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('keeps a batch within its window and counts a refused element as delivered, saying so in its log', async () => {
    const warnings: string[] = [];
    const quiet = (): Logger => ({
      debug: () => undefined,
      info: () => undefined,
      warn: (message) => void warnings.push(message),
      error: () => undefined,
      child: () => quiet(),
    });
    hub = new SiteHub({ dbFile: ':memory:', token: 't', clock: systemClock, log: quiet(), window: 4 });
    await hub.start();
    for (let i = 0; i < 6; i++) await hub.publish(device(i) as Parameters<SiteHub['publish']>[0]);
    const socket = connect('refuser', HUB_PROTOCOL_VERSION);
    const held: { seqs: number[]; ack: (r: unknown) => void }[] = [];
    socket.on('events', (batch: { seq: number }[], ack: (r: unknown) => void) =>
      held.push({ seqs: batch.map((e) => e.seq), ack }),
    );
    await socket.emitWithAck('sync', { afterSeq: 0 });
    await until('two batches', () => held[1]);
    // A round trip after the pump stopped: had it sent more than its window, it would be here by now.
    await socket.emitWithAck('app-ping');
    // Half the window each, so one is on its way while the console commits the other.
    expect(held.map((h) => h.seqs)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    held[0]!.ack({ ok: true, seq: 2, refused: [{ seq: 2, error: 'data.kind: Invalid option' }] });
    await until('the rest', () => held[2]);
    expect(held[2]!.seqs).toEqual([5, 6]);
    expect(warnings).toContain('a console refused an event');
    await until('the ack recorded', async () => (await hub.ackedSeq('refuser')) === 2);
    held[1]!.ack({ ok: true, seq: 4 });
    held[2]!.ack({ ok: true, seq: 6 });
    await until('the last ack recorded', async () => (await hub.ackedSeq('refuser')) === 6);
  });
});
