import Database from 'better-sqlite3';
import i18next from 'i18next';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUB_ACTION_PAYLOADS, HubAction, HubEvent, knownHubAction, type Notice } from '../../shared/contract';
import { ArgsError, parseConsoleArgs, pickConsoleArgs } from '../../electron/core/args';
import { openDatabase } from '../../electron/common/database';
import {
  commitHubEvent,
  commitHubEvents,
  lastCommittedSeq,
  listDeadLetters,
  type InboxApplier,
} from '../../electron/core/hub-link/inbox';
import { isInsecureHubUrl } from '../../electron/core/hub-link/link';
import { MIGRATIONS } from '../../electron/core/schema';
import { NoticeBuffer } from '../../electron/core/system';
import { EventBus } from '../../electron/core/util/bus';
import { ManualClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { MESSAGES } from '../../shared/i18n';
import { noticeText } from '../../shared/i18n/notices';
import { tempDir } from '../support/temp';

const device = (seq: number, deviceId = `d${seq}`) => ({
  seq,
  at: 1,
  kind: 'device',
  data: { deviceId, kind: 'pump', state: 'fault', at: 1 },
});

describe('hub inbox: a failing event is set aside in its own savepoint', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Knex;
  beforeEach(async () => {
    tmp = tempDir();
    db = await openDatabase({ file: join(tmp.dir, 'c.sqlite'), log: silentLogger, migrations: MIGRATIONS });
    await db.schema.createTable('side_effects', (t) => t.integer('seq'));
  });
  afterEach(async () => {
    await db.destroy();
    tmp.cleanup();
  });

  it('rolls back the event and its effects, moves the cursor, records a dead letter, and goes on', async () => {
    const announced: number[] = [];
    const applier: InboxApplier = async (trx, event) => {
      await trx('side_effects').insert({ seq: event.seq });
      trx.executionPromise.then(
        () => announced.push(event.seq),
        () => undefined,
      );
      if (event.kind === 'device' && event.data.deviceId === 'bad') throw new TypeError('cannot bind');
    };
    expect(await commitHubEvent(db, device(1), 10, [applier])).toMatchObject({ status: 'committed' });
    expect(await commitHubEvent(db, device(2, 'bad'), 11, [applier])).toEqual({
      status: 'refused',
      seq: 2,
      kind: 'device',
      reason: 'failed',
      error: 'TypeError: cannot bind',
    });
    expect(await commitHubEvent(db, device(3), 12, [applier])).toMatchObject({ status: 'committed' });

    expect(await lastCommittedSeq(db)).toBe(3);
    expect(await db('hub_events').orderBy('seq').pluck('seq')).toEqual([1, 3]);
    expect(await db('side_effects').orderBy('seq').pluck('seq')).toEqual([1, 3]);
    // Listeners hear only of work that was kept.
    await expect.poll(() => announced).toEqual([1, 3]);
    const { deadLetters, total } = await listDeadLetters(db, 10);
    expect(total).toBe(1);
    expect(deadLetters[0]).toMatchObject({ seq: 2, kind: 'device', reason: 'failed', receivedAt: 11 });
    expect(JSON.parse(deadLetters[0]!.raw)).toEqual(device(2, 'bad'));
  });

  it('announces an applied event only after the outer commit is on disk', async () => {
    const seenOnDisk: number[] = [];
    const applier: InboxApplier = async (trx) => {
      trx.executionPromise.then(
        () => {
          const reader = new Database(join(tmp.dir, 'c.sqlite'), { readonly: true });
          const row = reader.prepare("SELECT value FROM meta WHERE key = 'hub.lastSeq'").get() as
            { value: string } | undefined;
          seenOnDisk.push(Number(row?.value ?? 0));
          reader.close();
        },
        () => undefined,
      );
    };
    await commitHubEvent(db, device(1), 10, [applier]);
    await expect.poll(() => seenOnDisk).toEqual([1]);
  });

  it('a fault of the storage itself rolls everything back, so the hub sends the event again', async () => {
    const full: InboxApplier = async () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    await expect(commitHubEvent(db, device(1), 10, [full])).rejects.toThrow(/disk is full/);
    expect(await lastCommittedSeq(db)).toBe(0);
    expect(await db('hub_dead_letters').count({ n: '*' }).first()).toEqual({ n: 0 });
    expect(await commitHubEvent(db, device(1), 11, [])).toMatchObject({ status: 'committed' });
  });

  it('a group judges each event in order: a refusal, a duplicate and a gap among committed ones', async () => {
    const applier: InboxApplier = async (trx, event) => {
      if (event.kind === 'device' && event.data.deviceId === 'bad') throw new TypeError('cannot bind');
    };
    const items = [device(1), device(2, 'bad'), device(2), device(3), device(9), { seq: 'x' }, device(4)];
    const results = await commitHubEvents(
      db,
      items.map((raw) => ({ raw, receivedAt: 5 })),
      [applier],
    );
    expect(results.map((r) => r.status)).toEqual([
      'committed',
      'refused',
      'duplicate',
      'committed',
      'gap',
      'unreadable',
      'committed',
    ]);
    expect(results[4]).toEqual({ status: 'gap', expected: 4, got: 9 });
    expect(await lastCommittedSeq(db)).toBe(4);
    expect(await db('hub_events').orderBy('seq').pluck('seq')).toEqual([1, 3, 4]);
    expect(await db('hub_dead_letters').pluck('seq')).toEqual([2]);
  });

  it('a storage fault anywhere in a group rolls the whole group back', async () => {
    const fullOnTwo: InboxApplier = async (_trx, event) => {
      if (event.seq === 2)
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    const items = [device(1), device(2), device(3)].map((raw) => ({ raw, receivedAt: 1 }));
    await expect(commitHubEvents(db, items, [fullOnTwo])).rejects.toThrow(/disk is full/);
    expect(await lastCommittedSeq(db)).toBe(0);
    expect(await db('hub_events').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('an event without a usable sequence is refused without touching the cursor', async () => {
    for (const raw of [null, 'text', { seq: '1' }, { seq: 0 }, { seq: 1.5 }]) {
      expect(await commitHubEvent(db, raw, 1, [])).toEqual({
        status: 'unreadable',
        error: 'event without a valid seq',
      });
    }
    expect(await lastCommittedSeq(db)).toBe(0);
  });

  it('pages the dead letters newest first', async () => {
    for (let seq = 1; seq <= 5; seq++) await commitHubEvent(db, { seq, kind: 'nope' }, seq, []);
    const first = await listDeadLetters(db, 2);
    expect(first.deadLetters.map((d) => d.seq)).toEqual([5, 4]);
    expect(first.total).toBe(5);
    expect((await listDeadLetters(db, 2, 4)).deadLetters.map((d) => d.seq)).toEqual([3, 2]);
  });
});

describe('action payloads: one schema per action type', () => {
  const ack = {
    alarm: { source: 'hub', sourceId: 'door-7' },
    state: 'acknowledged',
    operator: '王',
    at: 1_700_000_000_000,
  };
  const applied = (type: string, payload: unknown) => ({
    seq: 1,
    at: 1,
    kind: 'action.applied',
    data: { key: 'k', consoleId: 'console-b', type, payload, appliedAt: 1 },
  });

  it('takes a valid payload, typed by its type, and drops fields it does not know', () => {
    const parsed = HubEvent.parse(applied('alarm.acknowledge', { ...ack, note: '到场', extra: 'x' }));
    expect(parsed.kind === 'action.applied' && parsed.data.payload).toEqual({ ...ack, note: '到场' });
    expect(knownHubAction({ type: 'alarm.acknowledge', payload: ack })).toEqual({
      type: 'alarm.acknowledge',
      payload: ack,
    });
    expect(knownHubAction({ type: 'alarm.escalate', payload: ack })).toBeUndefined();
  });

  it('refuses a time that is not a time, a missing field, and a note beyond its bound', () => {
    const issues = (raw: unknown) => {
      const r = HubEvent.safeParse(raw);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(issues(applied('alarm.acknowledge', { ...ack, at: 'not-a-time' }))).toEqual(['data.payload.at']);
    expect(issues(applied('alarm.acknowledge', { ...ack, at: -1 }))).toEqual(['data.payload.at']);
    expect(issues(applied('alarm.resolve', { ...ack, state: 'resolved', disposition: 'real' }))).toEqual([
      'data.payload.note',
    ]);
    expect(issues(applied('alarm.note', { ...ack, text: 'x'.repeat(5001) }))).toEqual(['data.payload.text']);
    expect(issues(applied('alarm.note', { ...ack, text: { html: '<b>' } }))).toEqual(['data.payload.text']);
    expect(
      issues(applied('guard.arrived', { guardId: 'g1', alarm: ack.alarm, how: 'teleport', at: 1 })),
    ).toEqual(['data.payload.how']);
    // Every listed type has its schema, and an empty payload fails each of them.
    for (const type of Object.keys(HUB_ACTION_PAYLOADS)) {
      expect(issues(applied(type, {})).length, type).toBeGreaterThan(0);
    }
  });

  it('carries a type it does not know, but never an unbounded payload', () => {
    expect(HubEvent.safeParse(applied('x.future', { anything: true })).success).toBe(true);
    const big = HubEvent.safeParse(applied('x.future', { blob: 'x'.repeat(70_000) }));
    expect(big.success).toBe(false);
    expect(big.error?.issues[0]?.message).toMatch(/payload too large/);
    // The hub checks what a console sends with the same schemas.
    expect(
      HubAction.safeParse({ key: 'k', type: 'alarm.acknowledge', payload: { ...ack, at: 'x' }, createdAt: 1 })
        .success,
    ).toBe(false);
  });
});

describe('operator notices: repeats fold only when asked', () => {
  const buffer = (foldWindowMs?: number) => {
    const clock = new ManualClock(1_000);
    const bus = new EventBus();
    const emitted: Notice[] = [];
    bus.on('notice', (n) => emitted.push(n));
    const notices = new NoticeBuffer(clock, bus, { keep: 3, foldWindowMs });
    return { clock, emitted, notices };
  };

  it('folds repeats of one problem into one notice with a count, keeping its id', () => {
    const { clock, emitted, notices } = buffer();
    const fold = 'hub-event-refused';
    notices.notify('warning', 'hub-event-refused', 'first', { params: { seq: 1 }, fold });
    clock.advance(1000);
    notices.notify('error', 'hub-event-refused', 'second', { params: { seq: 2 }, fold });
    expect(notices.recent()).toEqual([
      {
        id: emitted[0]!.id,
        level: 'error',
        code: 'hub-event-refused',
        message: 'second',
        params: { seq: 2 },
        count: 2,
        firstAt: 1_000,
        at: 2_000,
      },
    ]);
    expect(emitted.map((n) => n.id)).toEqual([emitted[0]!.id, emitted[0]!.id]);
  });

  it('keeps other problems, old repeats and notices without a fold key apart, and only the newest few', () => {
    const { clock, notices } = buffer(5_000);
    notices.notify('error', 'a', 'a1', { fold: 'a' });
    notices.notify('error', 'b', 'b1', { fold: 'b' });
    clock.advance(6_000);
    notices.notify('error', 'a', 'a2', { fold: 'a' });
    notices.notify('info', 'c', 'c1');
    notices.notify('info', 'c', 'c2');
    const shown = () => notices.recent().map((n) => `${n.message}×${n.count ?? 1}`);
    expect(shown()).toEqual(['a2×1', 'c1×1', 'c2×1']);
    // A repeat moves its notice to the end: it is the latest thing that happened.
    notices.notify('error', 'a', 'a3', { fold: 'a' });
    expect(shown()).toEqual(['c1×1', 'c2×1', 'a3×2']);
  });
});

describe('hub address and options', () => {
  it('flags a hub without TLS unless it is on this machine', () => {
    expect(isInsecureHubUrl('http://hub.site.example:3000')).toBe(true);
    expect(isInsecureHubUrl('ws://10.0.0.5')).toBe(true);
    expect(isInsecureHubUrl('http://127.0.0.1:4100')).toBe(false);
    expect(isInsecureHubUrl('http://127.8.0.1')).toBe(false);
    expect(isInsecureHubUrl('http://localhost:4100')).toBe(false);
    expect(isInsecureHubUrl('http://[::1]:4100')).toBe(false);
    expect(isInsecureHubUrl('https://hub.site.example')).toBe(false);
    expect(isInsecureHubUrl('wss://hub.site.example')).toBe(false);
    // Look like loopback to a careless check, and are not.
    expect(isInsecureHubUrl('http://127.0.0.1.evil.example')).toBe(true);
    expect(isInsecureHubUrl('http://localhost.evil.example')).toBe(true);
    expect(isInsecureHubUrl('not a url')).toBe(true);
  });

  it('--hub-ca takes a readable file, only with --hub, and survives Electron argv picking', () => {
    const tmp = tempDir();
    try {
      const ca = join(tmp.dir, 'ca.pem');
      writeFileSync(ca, 'pem');
      const env = { CONSOLE_HUB_TOKEN: 't' };
      expect(parseConsoleArgs(['--hub', 'https://h:1', '--hub-ca', ca], env).hub).toEqual({
        url: 'https://h:1',
        urls: ['https://h:1'],
        token: 't',
        ca,
      });
      expect(() =>
        parseConsoleArgs(['--hub', 'https://h:1', '--hub-ca', join(tmp.dir, 'none')], env),
      ).toThrow(/--hub-ca: cannot read/);
      expect(() => parseConsoleArgs(['--hub-ca', ca], env)).toThrow(ArgsError);
      expect(pickConsoleArgs(['/app', '--no-sandbox', `--hub-ca=${ca}`])).toEqual([`--hub-ca=${ca}`]);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('notices in the operator language', () => {
  const translator = async (lng: 'zh-CN' | 'en') => {
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { [lng]: { translation: MESSAGES[lng] } },
      lng,
      interpolation: { escapeValue: false },
    });
    return (n: Notice) => noticeText(i18n.t, n, () => '08:15');
  };
  const refused: Notice = {
    id: 'n1',
    level: 'error',
    code: 'hub-event-refused',
    message: 'A message from the hub was set aside (sequence 7): data.payload.at: expected number',
    params: { seq: 7, kind: 'action.applied', reason: 'invalid', error: 'data.payload.at: expected number' },
    count: 3,
    at: 1,
  };

  it('says a folded notice in Chinese with its count, and no English words', async () => {
    const zh = await translator('zh-CN');
    const text = zh(refused);
    expect(text).toContain('序号 7');
    expect(text).toContain('其他控制台的操作');
    expect(text).toContain('格式不符');
    expect(text).toContain('共 3 次');
    expect(text).not.toMatch(/[A-Za-z]{3,}/);
    // Every hub-link notice has Chinese words of its own, none of the core's English.
    for (const code of ['hub-event-unreadable', 'hub-store-failed', 'hub-refused', 'hub-action-refused']) {
      const said = zh({
        level: 'error',
        code,
        message: 'English from the core',
        params: { reason: 'x' },
        at: 1,
      });
      expect(said, code).not.toMatch(/[A-Za-z]{3,}/);
    }
  });

  it('says it in English, keeps a notice without words of its own as it came, and words the restart', async () => {
    const en = await translator('en');
    expect(en(refused)).toMatch(
      /sequence 7, another console's action\) was set aside: invalid.*\(3 times\)$/,
    );
    expect(en({ level: 'warning', code: 'playbooks', message: 'as the renderer wrote it', at: 1 })).toBe(
      'as the renderer wrote it',
    );
    expect(en({ level: 'warning', code: 'console-restarted', message: 'x', at: 1 })).toContain('08:15');
  });
});
