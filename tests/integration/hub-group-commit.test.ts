/**
 * Issue 14, a real flood: a hub that pipelines (hundreds of events unacked) is committed in groups, one SQLite
 * transaction per group instead of one per event. Each event is still judged on its own, in order: a refused one
 * becomes a dead letter while the rest of its group commits, a gap inside a group asks for a replay, and no ack
 * leaves before the group is on disk. Real socket.io hub on loopback, real SQLite file, the real alarm appliers.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleCore } from '../../electron/core';
import { lastCommittedSeq } from '../../electron/core/hub-link/inbox';
import { hubAlarm, startLinkedConsole } from '../support/hub';
import { ScriptedHub } from '../support/scripted-hub';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const alarm = (sourceId: string) => hubAlarm(sourceId);
/** Fails the schema (a number where the source id belongs): a dead letter, never a stalled stream. */
const poisoned = () => ({
  kind: 'alarm',
  data: { sourceId: 42, type: 'door_held', zone: 'bldg-01', cameras: [], raisedAt: Date.now() },
});

describe('hub link: group commit under a pipelining hub', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: ScriptedHub;
  let core: ConsoleCore | undefined;
  let dbFile: string;
  /** Transactions the console opened on its database (savepoints not counted). */
  let begins: number;
  /** What a second connection read at the moment each ack arrived. */
  let violations: string[];

  const start = async () => {
    dbFile = join(tmp.dir, 'console.sqlite');
    core = await startLinkedConsole(tmp.dir, { url: hub.url, token: 't' }, 'console-a', {
      dbFile,
      backups: { enabled: false },
    });
    core.db.on('query', (q: { sql?: string }) => {
      if (typeof q.sql === 'string' && /^BEGIN/i.test(q.sql)) begins += 1;
    });
    await until('synced', () => hub.syncs.length > 0);
    return core;
  };
  /** Inside each ack: a committed ack's event (and everything before it) must already be readable on disk. */
  const checkAcksAgainstDisk = () => {
    hub.onAck = (seq, reply) => {
      const r = reply as { ok?: boolean; seq?: number; refused?: boolean };
      if (seq === undefined || r.ok !== true || r.seq === undefined) return;
      const reader = new Database(dbFile, { readonly: true });
      try {
        const cursor = reader.prepare("SELECT value FROM meta WHERE key = 'hub.lastSeq'").get() as
          { value: string } | undefined;
        const stored = reader.prepare('SELECT seq FROM hub_events WHERE seq = ?').get(seq);
        if (Number(cursor?.value ?? 0) < seq || !stored) violations.push(`ack ${seq} before its commit`);
      } finally {
        reader.close();
      }
    };
  };

  beforeEach(async () => {
    tmp = tempDir();
    hub = new ScriptedHub();
    await hub.start();
    core = undefined;
    begins = 0;
    violations = [];
  });
  afterEach(async () => {
    await core?.stop();
    await hub.stop();
    tmp.cleanup();
  });

  it('commits a pipelined batch in a few transactions, in order, every ack only after its group is on disk', async () => {
    const c = await start();
    checkAcksAgainstDisk();
    const before = begins;
    const seqs = hub.publishMany(Array.from({ length: 300 }, (_, i) => alarm(`door-${i}`)));
    await until('all acked', () => hub.acks.size === seqs.length, 20_000);

    expect(violations).toEqual([]);
    expect(hub.ackOrder).toEqual(seqs);
    for (const s of seqs) expect(hub.acks.get(s)).toEqual({ ok: true, seq: s });
    expect(await lastCommittedSeq(c.db)).toBe(seqs.at(-1));
    // Arrival order in the queue is the hub's order.
    const order = (await c.db('alarms').orderBy('seq').pluck('source_id')) as string[];
    expect(order).toEqual(seqs.map((_, i) => `door-${i}`));
    // One transaction per event would be 300; groups make it a handful.
    expect(begins - before).toBeLessThan(seqs.length / 4);
  });

  it('sets aside a poisoned event in the middle of a group while the rest of the group commits', async () => {
    const c = await start();
    checkAcksAgainstDisk();
    const before = begins;
    const bodies = [
      ...Array.from({ length: 40 }, (_, i) => alarm(`a-${i}`)),
      poisoned(),
      ...Array.from({ length: 40 }, (_, i) => alarm(`b-${i}`)),
    ];
    const seqs = hub.publishMany(bodies);
    const poison = seqs[40]!;
    await until('all acked', () => hub.acks.size === seqs.length, 20_000);

    expect(violations).toEqual([]);
    expect(hub.acks.get(poison)).toMatchObject({ ok: false, refused: true, seq: poison });
    expect(hub.ackOrder).toEqual(seqs);
    expect(await c.db('hub_dead_letters').pluck('seq')).toEqual([poison]);
    expect(await c.db('alarms').count({ n: '*' }).first()).toEqual({ n: 80 });
    expect(await lastCommittedSeq(c.db)).toBe(seqs.at(-1));
    // The poison shared its transaction with others: it really was inside a group.
    expect(begins - before).toBeLessThan(bodies.length / 2);
  });

  it('a gap inside a group is answered as a gap, the rest commits in order, and the link asks for a replay', async () => {
    const c = await start();
    checkAcksAgainstDisk();
    const syncsBefore = hub.syncs.length;
    const first = hub.publishMany(Array.from({ length: 30 }, (_, i) => alarm(`x-${i}`)));
    // A made-up sequence far ahead, between two runs of in-order events.
    hub.sendLoose({ seq: 10_000, at: Date.now(), ...alarm('ahead') });
    const second = hub.publishMany(Array.from({ length: 30 }, (_, i) => alarm(`y-${i}`)));
    await until('all acked', () => hub.acks.size === 60 && hub.looseAcks.length === 1, 20_000);
    await until('replay asked', () => hub.syncs.length > syncsBefore);
    await until('caught up', async () => (await lastCommittedSeq(c.db)) === second.at(-1));

    expect(violations).toEqual([]);
    expect(hub.looseAcks).toEqual([{ ok: false, gap: true }]);
    // The replay may bring events again: they are acked as duplicates, never stored twice.
    expect([...new Set(hub.ackOrder)]).toEqual([...first, ...second]);
    for (const r of hub.acks.values()) expect(r).toMatchObject({ ok: true });
    // The replay asks from what was committed when the gap's group was done: past the gap's neighbours.
    expect(hub.syncs.at(-1)).toBeGreaterThanOrEqual(first.at(-1)!);
    expect(await c.db('alarms').where({ source_id: 'ahead' }).first()).toBeUndefined();
    expect(await c.db('alarms').count({ n: '*' }).first()).toEqual({ n: 60 });
    expect(await c.db('hub_events').count({ n: '*' }).first()).toEqual({ n: 60 });
  });
});
