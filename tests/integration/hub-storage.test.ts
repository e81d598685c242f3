/**
 * The hub's storage on both engines (SQLite, the embedded default, and PostgreSQL): the schema and its
 * completion of an older log, the log's gap-free sequence (also with a rolled-back write and, on PostgreSQL, two
 * hubs writing one database at once), replay from a console's cursor, the action ledger's idempotency, and the
 * health, readiness and metrics endpoints. Real socket.io on loopback, a real SQLite file and a real PostgreSQL
 * cluster (tests/support/postgres.ts).
 */
import knexFactory, { type Knex } from 'knex';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUB_PROTOCOL_VERSION } from '../../shared/contract';
import { systemClock } from '../../electron/common/clock';
import { createKnex } from '../../electron/common/database';
import { silentLogger } from '../../electron/common/log';
import { ensureHubSchema, SiteHub } from '../../electron/hub/server';
import { describeTarget, openHubStore } from '../../electron/hub/storage';
import { HUB_ENGINES, postgresForThisFile, type HubEngineName } from '../support/postgres';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const pg = postgresForThisFile();

const device = (i: number) =>
  ({ kind: 'device', data: { deviceId: `d${i}`, kind: 'pump', state: 'ok', at: 1 } }) as Parameters<
    SiteHub['publish']
  >[0];

/** A raw knex on the same database, as an administrator's client would open it. */
function rawKnex(spec: string): Knex {
  return spec.startsWith('postgres') ? knexFactory({ client: 'pg', connection: spec }) : createKnex(spec);
}

describe.each(HUB_ENGINES)('the hub storage on %s', (engine: HubEngineName) => {
  let tmp: ReturnType<typeof tempDir>;
  let spec: string;
  const hubs: SiteHub[] = [];
  const sockets: Socket[] = [];
  const startHub = async (extra: Partial<ConstructorParameters<typeof SiteHub>[0]> = {}) => {
    const hub = new SiteHub({ dbFile: spec, token: 't', clock: systemClock, log: silentLogger, ...extra });
    hubs.push(hub);
    await hub.start();
    return hub;
  };
  const connect = (hub: SiteHub, consoleId: string) => {
    const socket = io(hub.url, {
      transports: ['websocket'],
      auth: { consoleId, token: 't', protocolVersion: HUB_PROTOCOL_VERSION },
    });
    sockets.push(socket);
    return socket;
  };
  const seqs = async (db: Knex) =>
    ((await db('hub_log').orderBy('seq').select('seq')) as { seq: number | string }[]).map((r) =>
      Number(r.seq),
    );

  beforeEach(async (ctx) => {
    if (engine === 'postgres' && !pg.available) return ctx.skip();
    tmp = tempDir();
    spec = engine === 'sqlite' ? `${tmp.dir}/hub.sqlite` : await pg.database();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    for (const h of hubs.splice(0)) await h.stop();
    tmp?.cleanup();
  });

  it('creates its tables, completes a log an older hub wrote, and is idempotent', async () => {
    const db = rawKnex(spec);
    try {
      // An older hub's log: no urgent mark yet.
      await db.schema.createTable('hub_log', (t) => {
        if (engine === 'postgres') t.bigInteger('seq').primary();
        else t.increments('seq');
        t.text('kind').notNullable();
        t.bigInteger('at').notNullable();
        t.text('body').notNullable();
      });
      await db('hub_log').insert([
        { ...(engine === 'postgres' ? { seq: 1 } : {}), kind: 'device', at: 1, body: '{}' },
        { ...(engine === 'postgres' ? { seq: 2 } : {}), kind: 'device', at: 2, body: '{}' },
      ]);
      await ensureHubSchema(db);
      await ensureHubSchema(db);
      for (const t of [
        'hub_log',
        'hub_actions',
        'hub_consoles',
        'hub_tokens',
        'hub_devices',
        'hub_report_keys',
      ])
        expect(await db.schema.hasTable(t), t).toBe(true);
      expect(await db.schema.hasColumn('hub_log', 'urgent')).toBe(true);
    } finally {
      await db.destroy();
    }
    // The hub carries on above what the old log holds.
    const hub = await startHub();
    await hub.publish(device(3));
    expect(await hub.headSeq()).toBe(3);
    expect(await seqs(hub.database)).toEqual([1, 2, 3]);
    expect(hub.engine).toBe(engine);
  });

  it('numbers events 1, 2, 3… with no gap, also after a write that rolled back, and keeps them across a restart', async () => {
    let hub = await startHub();
    await Promise.all(Array.from({ length: 50 }, (_, i) => hub.publish(device(i))));
    await expect(
      hub.transact(async (_w, append) => {
        await append(device(999));
        throw new Error('the source went away mid-batch');
      }),
    ).rejects.toThrow('mid-batch');
    await hub.publish(device(50));
    expect(await seqs(hub.database)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    expect(await hub.countEvents('device')).toBe(51);
    await hub.stop();
    hubs.splice(0);
    hub = await startHub();
    const event = await hub.publish(device(51));
    expect(event.seq).toBe(52);
  });

  it('replays to a console from its cursor, in order, and records how far it acknowledged', async () => {
    const hub = await startHub();
    for (let i = 0; i < 30; i++) await hub.publish(device(i));
    const socket = connect(hub, 'desk-1');
    const got: number[] = [];
    socket.on('events', (batch: { seq: number }[], ack: (r: unknown) => void) => {
      got.push(...batch.map((e) => e.seq));
      ack({ ok: true, seq: batch.at(-1)!.seq });
    });
    const synced = (await socket.emitWithAck('sync', { afterSeq: 20 })) as { ok: boolean; headSeq: number };
    expect(synced).toEqual({ ok: true, headSeq: 30, instance: hub.instance });
    await until('acknowledged to 30', async () => ((await hub.ackedSeq('desk-1')) === 30 ? true : undefined));
    expect(got).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    await hub.publish(device(30));
    await until('the new one too', async () => ((await hub.ackedSeq('desk-1')) === 31 ? true : undefined));
    expect(got.at(-1)).toBe(31);
  });

  it('applies an action once per key, however often and however concurrently it is sent', async () => {
    const hub = await startHub();
    const socket = connect(hub, 'desk-1');
    await until('connected', () => (socket.connected ? true : undefined));
    const action = { key: 'k-1', type: 'test.note', payload: { n: 1 }, createdAt: Date.now() };
    const replies = (await Promise.all(
      Array.from({ length: 5 }, () => socket.emitWithAck('action', action)),
    )) as { ok: boolean; duplicate: boolean }[];
    expect(replies.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(replies.filter((r) => r.ok && r.duplicate)).toHaveLength(4);
    const applied = await hub.appliedActions();
    expect(applied).toEqual([{ key: 'k-1', consoleId: 'desk-1', type: 'test.note', payload: { n: 1 } }]);
    const row = (await hub.database('hub_actions').first('applied_seq')) as { applied_seq: number };
    const logged = (await hub.database('hub_log').where({ kind: 'action.applied' })) as { seq: number }[];
    expect(logged.map((r) => Number(r.seq))).toEqual([Number(row.applied_seq)]);
  });

  it('answers /healthz, /readyz and /metrics; readiness waits for the sources', async () => {
    let started = false;
    const hub = await startHub({ sourcesStarted: () => started });
    await hub.publish(device(1));
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    const notYet = await fetch(`${hub.url}/readyz`);
    expect(notYet.status).toBe(503);
    expect(await notYet.json()).toMatchObject({ ok: false, engine, database: 'ok', sources: 'starting' });
    started = true;
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, engine });
    const socket = connect(hub, 'desk-1');
    await until('connected', () => (socket.connected ? true : undefined));
    expect(hub.connectedConsoles()).toEqual(['desk-1']);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toContain('hub_events_committed_total 1');
    expect(metrics).toContain(`hub_database_info{engine="${engine}"} 1`);
    expect(metrics).toContain('hub_log_head_seq 1');
    // Not synced yet: the whole log is still to go to it.
    expect(metrics).toContain('hub_console_replay_lag_events{console="desk-1"} 1');
    expect((await fetch(`${hub.url}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});

describe('the hub storage on PostgreSQL only', () => {
  beforeEach((ctx) => {
    if (!pg.available) ctx.skip();
  });

  it('two hubs writing one database at once still number the log 1…N with no gap, in commit order', async () => {
    const spec = await pg.database();
    const a = new SiteHub({ dbFile: spec, token: 't', clock: systemClock, log: silentLogger });
    const b = new SiteHub({ dbFile: spec, token: 't', clock: systemClock, log: silentLogger });
    // Both start at once: the schema's advisory lock lets one create it and the other find it.
    await Promise.all([a.start(), b.start()]);
    try {
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++) writes.push((i % 2 ? a : b).publish(device(i)));
      await Promise.all(writes);
      const rows = (await a.database('hub_log').orderBy('seq').select('seq', 'body')) as {
        seq: number;
        body: string;
      }[];
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(new Set(rows.map((r) => r.body)).size).toBe(100);
      // One action sent to both at once: one of them applies it.
      const action = { key: 'twice', type: 'test.note', payload: { n: 2 }, createdAt: Date.now() };
      const [ra, rb] = await Promise.all(
        [a, b].map(async (hub) => {
          const socket = io(hub.url, {
            transports: ['websocket'],
            auth: { consoleId: 'desk', token: 't', protocolVersion: HUB_PROTOCOL_VERSION },
          });
          try {
            return (await socket.emitWithAck('action', action)) as { duplicate: boolean };
          } finally {
            socket.close();
          }
        }),
      );
      expect([ra!.duplicate, rb!.duplicate].sort()).toEqual([false, true]);
      expect(await a.appliedActions()).toHaveLength(1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('refuses a URL it cannot use with a message naming the fix, and never logs the password', () => {
    expect(() => openHubStore('postgres://hub:secret@db.example:5432', silentLogger)).toThrow(
      /names no database/,
    );
    expect(describeTarget('postgres://hub:secret@db.example:5432/hub')).toBe(
      'postgres://hub@db.example:5432/hub',
    );
  });
});
