/**
 * Several hub instances on one PostgreSQL database (electron/hub/fanout.ts) and a console that moves between them
 * (electron/core/hub-link/link.ts): real PostgreSQL (tests/support/postgres.ts), real hubs and consoles on loopback
 * sockets, the killed instance a real process SIGKILLed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubEventBody, HubStatus, Notice } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { enqueueAction, pendingCount } from '../../electron/core/hub-link/outbox';
import { lastCommittedSeq } from '../../electron/core/hub-link/inbox';
import { openHubStore } from '../../electron/hub/storage';
import { silentLogger } from '../../electron/common/log';
import { closedAfterEach } from '../support/closers';
import { hubAlarm, startHubInstance, startLinkedConsole } from '../support/hub';
import { postgresForThisFile } from '../support/postgres';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const pg = postgresForThisFile();
const token = 'instances-token';
const root = resolve(import.meta.dirname, '../..');

const alarm = (n: number): HubEventBody => hubAlarm(`src-${n}`, 'door_held', 1_700_000_000_000 + n);

/** A hub instance as its own process (`npm run hub`), for SIGKILL; resolves with its URL once it printed READY. */
function hubProcess(url: string, instance: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'electron/hub/cli.ts',
      '--port',
      '0',
      '--db',
      url,
      '--token',
      token,
      '--instance',
      instance,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  return new Promise((resolveHub, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub ${instance} did not start:\n${out}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /READY (\S+)/.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolveHub({ child, url: ready[1]! });
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`hub ${instance} exited (${code}):\n${out}`)));
  });
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

async function queueAction(core: ConsoleCore, key: string): Promise<void> {
  await core.db.transaction((trx) =>
    enqueueAction(trx, { key, type: 'note', payload: { key }, createdAt: Date.now() }),
  );
  core.hub.kick();
}

const connectedTo = (core: ConsoleCore, instance: string) =>
  until(
    `connected to ${instance}`,
    () => core.hub.status().state === 'connected' && core.hub.status().instance === instance,
    30_000,
  );

describe('several hub instances on one PostgreSQL database', () => {
  const closers = closedAfterEach();
  let tmp: ReturnType<typeof tempDir>;

  beforeEach((ctx) => {
    if (!pg.available) return ctx.skip();
    tmp = tempDir();
    closers.push(async () => tmp.cleanup());
  });

  it('an event published on instance A reaches a console linked to instance B, woken by the notification', async () => {
    const db = await pg.database();
    // The safety poll at ten minutes: within this test only the notification can wake B.
    const a = await startHubInstance(db, token, 'hub-a', 600_000);
    closers.push(() => a.stop());
    const b = await startHubInstance(db, token, 'hub-b', 600_000);
    closers.push(() => b.stop());
    const core = await startLinkedConsole(tmp.dir, { url: b.url, token }, 'console-b');
    closers.push(() => core.stop());
    await connectedTo(core, 'hub-b');
    // The adapter's heartbeats: each instance hears the other (B's LISTEN is up before anything is published).
    await until('B hears A', async () => {
      const ready = (await (await fetch(`${b.url}/readyz`)).json()) as { instances: number };
      return ready.instances === 2;
    });

    for (let i = 1; i <= 20; i++) await a.publish(alarm(i));
    await until('all 20 on the console', async () => (await lastCommittedSeq(core.db)) === 20, 20_000);
    expect(await core.db('hub_events').orderBy('seq').pluck('seq')).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );

    // An action sent to B is applied once, and A (same database) answers its repeat as a duplicate.
    await queueAction(core, 'ack-1');
    await until('outbox empty', async () => (await pendingCount(core.db)) === 0);
    expect((await a.appliedActions()).map((x) => x.key)).toEqual(['ack-1']);

    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_fanout_wakeups_total\{by="notify"\} [1-9]/);
    expect(metrics).toContain('hub_fanout_wakeups_total{by="poll"} 0');
    expect(metrics).toContain('hub_instance_info{instance="hub-b"} 1');
    const ready = (await (await fetch(`${a.url}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ ok: true, instance: 'hub-a', engine: 'postgres' });
  }, 60_000);

  it('a commit nobody announced (a lost notification) still reaches the console, through the poll', async () => {
    const db = await pg.database();
    const b = await startHubInstance(db, token, 'hub-b', 200);
    closers.push(() => b.stop());
    const core = await startLinkedConsole(tmp.dir, { url: b.url, token }, 'console-b');
    closers.push(() => core.stop());
    await connectedTo(core, 'hub-b');
    // A writer with no fan-out at all: its commit is never notified.
    const silent = openHubStore(db, silentLogger);
    closers.push(() => silent.close());
    await silent.migrate();
    await silent.write((w) => w.append('alarm', Date.now(), JSON.stringify(alarm(1).data), false));
    await until('the unannounced event on the console', async () => (await lastCommittedSeq(core.db)) === 1);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_fanout_wakeups_total\{by="poll"\} [1-9]/);
  }, 60_000);

  it('a console whose instance is SIGKILLed moves to the other, misses nothing and has no action applied twice', async () => {
    const db = await pg.database();
    const hubA = await hubProcess(db, 'hub-a');
    closers.push(() => kill(hubA.child, 'SIGKILL'));
    const hubB = await hubProcess(db, 'hub-b');
    closers.push(() => kill(hubB.child, 'SIGTERM'));
    // The events come from a third instance no console is linked to: what A and B send is what they read.
    const source = await startHubInstance(db, token, 'hub-source');
    closers.push(() => source.stop());

    const core = await startLinkedConsole(
      tmp.dir,
      { url: hubA.url, urls: [hubA.url, hubB.url], token },
      'console-1',
    );
    closers.push(() => core.stop());
    const notices: Notice[] = [];
    const statuses: HubStatus[] = [];
    core.bus.subscribe((name, payload) => {
      if (name === 'notice') notices.push(payload as Notice);
      if (name === 'hub.status') statuses.push(payload as HubStatus);
    });
    await connectedTo(core, 'hub-a');
    expect(core.hub.status()).toMatchObject({ hub: hubA.url, hubs: 2 });

    for (let i = 1; i <= 40; i++) {
      await source.publish(alarm(i));
      if (i % 4 === 0) await queueAction(core, `act-${i}`);
    }
    await until('the first half on the console', async () => (await lastCommittedSeq(core.db)) >= 20);
    // Gone mid-stream, with events and actions on their way.
    await kill(hubA.child, 'SIGKILL');
    for (let i = 41; i <= 80; i++) {
      await source.publish(alarm(i));
      if (i % 4 === 0) await queueAction(core, `act-${i}`);
    }

    await connectedTo(core, 'hub-b');
    expect(core.hub.status().hub).toBe(hubB.url);
    // Every action sent first (each applied one is an event of the log too), then the log caught up to its head.
    await until('outbox empty on B', async () => (await pendingCount(core.db)) === 0, 30_000);
    const head = await source.headSeq();
    await until('caught up on B', async () => (await lastCommittedSeq(core.db)) === head, 30_000);

    // Nothing missed, nothing twice: the console's log is 1…head with no gap, every alarm in it once.
    const seqs = (await core.db('hub_events').orderBy('seq').pluck('seq')) as number[];
    expect(seqs).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const sources = (await core.db('hub_events').where({ kind: 'alarm' }).pluck('body')) as string[];
    const ids = sources.map((body) => (JSON.parse(body) as { sourceId: string }).sourceId).sort();
    expect(ids).toEqual(Array.from({ length: 80 }, (_, i) => `src-${i + 1}`).sort());
    // Every action applied exactly once: one ledger row and one `action.applied` event per key.
    const keys = Array.from({ length: 20 }, (_, i) => `act-${(i + 1) * 4}`).sort();
    expect((await source.appliedActions()).map((x) => x.key).sort()).toEqual(keys);
    const applied = (await source
      .database('hub_log')
      .where({ kind: 'action.applied' })
      .pluck('body')) as string[];
    expect(applied.map((body) => (JSON.parse(body) as { key: string }).key).sort()).toEqual(keys);

    // The operator was told, and the duty log keeps where the desk went.
    await until('the failover notice', () => notices.some((n) => n.code === 'hub-failover'));
    const notice = notices.find((n) => n.code === 'hub-failover')!;
    expect(notice.params).toMatchObject({ fromInstance: 'hub-a', instance: 'hub-b', to: hubB.url });
    await until('the duty-log line', async () =>
      ((await core.db('duty_log').where({ kind: 'hub_link' }).pluck('text')) as string[]).some((t) =>
        t.includes(`failover: ${hubA.url} [hub-a] stopped answering; moved to ${hubB.url} [hub-b]`),
      ),
    );
    expect(statuses.some((s) => s.state === 'connected' && s.instance === 'hub-b')).toBe(true);
  }, 180_000);
});
