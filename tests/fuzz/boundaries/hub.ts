/**
 * The hub boundary: whatever a hub sends (every event kind and every `action.applied` payload type with values of
 * the wrong type, random bodies, oversize payloads, messages without a sequence), the console keeps streaming and
 * its database stays valid. A real socket.io hub on loopback (tests/support/scripted-hub.ts, which validates
 * nothing) and a real SQLite file; fast-check picks the poison.
 *
 * Every few cases a fire alarm is published behind the poison: not stored within `stallMs` is a stall, and so is
 * `alarms.open`, `events.recent`, `hub.deadLetters` or `notices.recent` failing for a supervisor. After the run:
 * no alarm, trail, position or duty-log row holds a value of the wrong type, every stored hub event is a valid
 * one, and every sequence the hub sent is either applied (`hub_events`) or set aside (`hub_dead_letters`).
 *
 * The urgent lane (hub protocol 4) gets its own poison: a fire or anything else, corrupted or not, under a sequence
 * the hub sent, one it has not sent yet, or one far beyond its head, sometimes twice. It may add an alarm; it must
 * never stall the stream, replace an event of the log, or leave a row behind once the ordered stream passes it.
 *
 * Batches (hub protocol 5) get theirs: `events` messages mixing good and poisoned events, longer than a console
 * reads, or not a list of events at all. Every one must be answered, every sequence in them applied or set aside.
 *
 * Run by tests/fuzz/run.ts with the other boundaries, and briefly by tests/integration/hub-poison.test.ts.
 */
import fc from 'fast-check';
import {
  HUB_MAX_BATCH_EVENTS,
  StoredHubEvent,
  type HubActionType,
  type OperatorView,
} from '../../../shared/contract';
import { ALARM_TYPES } from '../../../shared/domain/alarm';
import { ALARM_STATES } from '../../../shared/domain/alarm-lifecycle';
import { type ConsoleCore } from '../../../electron/core';
import { lastCommittedSeq, rowToStoredEvent } from '../../../electron/core/hub-link/inbox';
import { hubAlarm, startLinkedConsole } from '../../support/hub';
import { ScriptedHub } from '../../support/scripted-hub';
import { tempDir } from '../../support/temp';
import { until } from '../../support/until';
import { draw, type Boundary, type Tally } from '../lib';

const OTHER_CONSOLE = 'console-other';
/**
 * Where the actions aim: replaced when sent by the newest fire alarm, still `new`, so every round's poison meets
 * an alarm it could move (an alarm already resolved by an earlier round would take nothing but trail notes).
 */
const AIM = '@target';
const TARGET = { source: 'hub', sourceId: AIM } as const;
const SUPERVISOR: OperatorView = { id: 'fuzz-sup', name: '主管', role: 'supervisor' };
/** Poison messages between two fire alarms. */
const PER_PROBE = 5;
const NOW = 1_700_000_000_000;

/**
 * Every action type the protocol lists (docs/hub-protocol.md §4.3). Spelled out rather than read from the
 * contract, so the fuzz also runs against a console that validates nothing; hub-poison.test.ts checks they agree.
 */
export const FUZZED_ACTION_TYPES: readonly HubActionType[] = [
  'alarm.acknowledge',
  'alarm.dispatched',
  'alarm.on_scene',
  'alarm.resolve',
  'alarm.reopen',
  'alarm.note',
  'alarm.raise',
  'guard.dispatch',
  'guard.arrived',
  'audit.anchor',
  'gate.barrier',
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `value` with every string equal to AIM replaced by `sourceId`. */
function aim(value: unknown, sourceId: string): unknown {
  if (value === AIM) return sourceId;
  if (Array.isArray(value)) return value.map((v) => aim(v, sourceId));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, aim(v, sourceId)]));
  return value;
}

/** A valid payload of each action type, aimed at an alarm and a guard the console holds. */
function validPayload(type: HubActionType, guardId: string): Json {
  const common = { alarm: { ...TARGET }, state: 'acknowledged', operator: '王主管', at: NOW };
  switch (type) {
    case 'alarm.acknowledge':
    case 'alarm.dispatched':
    case 'alarm.on_scene':
      return { ...common, note: 'on the way' };
    case 'alarm.resolve':
      return { ...common, state: 'resolved', disposition: 'false_alarm', note: 'checked' };
    case 'alarm.reopen':
      return { ...common, reason: 'seen again' };
    case 'alarm.note':
      return { ...common, text: 'a note' };
    case 'alarm.raise':
      return { ...common, state: 'new', type: 'smoke', zone: 'bldg-01', text: 'phoned in' };
    case 'guard.dispatch':
      return {
        guardId,
        alarm: { ...TARGET, type: 'door_held' },
        location: { lat: 31.2, lon: 121.4 },
        operator: '王主管',
        note: null,
        at: NOW,
      };
    case 'guard.arrived':
      return { guardId, alarm: { ...TARGET }, how: 'guard', at: NOW };
    case 'audit.anchor':
      return { seq: 1, hash: 'a'.repeat(64), at: NOW, keyedFrom: null, reason: 'hourly' };
    case 'gate.barrier':
      return {
        gateId: 'gate-south',
        readId: 'read-1',
        plate: '浙A12345',
        open: true,
        decision: 'allow_once',
        operator: '王主管',
        at: NOW,
      };
  }
}

/** A valid body of each event kind, and of `action.applied` with each action type. */
function validBodies(guardId: string): Array<{ kind: string; data: Json }> {
  return [
    {
      kind: 'alarm',
      data: { sourceId: 'fuzz-alarm', type: 'door_held', zone: 'bldg-01', cameras: [], raisedAt: NOW },
    },
    {
      kind: 'position',
      data: { guardId, position: { lat: 31.2, lon: 121.4 }, at: NOW, speed: 1, battery: 50 },
    },
    { kind: 'device', data: { deviceId: 'pump-1', kind: 'pump', state: 'fault', at: NOW, text: 'x' } },
    // Hub protocol 3: equipment with its origin, and the restore that follows an alarm.
    {
      kind: 'alarm',
      data: {
        sourceId: 'fuzz-panel',
        deviceId: 'panel-1234/003',
        type: 'intrusion',
        cameras: [],
        raisedAt: NOW,
        origin: { source: 'dc09', sourceId: 'dc09-main', fields: { account: '1234', zone: 3, open: true } },
      },
    },
    { kind: 'restore', data: { deviceId: 'panel-1234/003', type: 'intrusion', at: NOW } },
    {
      kind: 'device',
      data: {
        deviceId: 'tx-1/1-23',
        kind: 'fire_component',
        state: 'offline',
        at: NOW,
        label: '3号楼 感烟',
        lastSeenAt: NOW,
        supervisionSec: 300,
        origin: { source: 'gb26875', fields: { component: '1-23' } },
      },
    },
    { kind: 'guard', data: { signal: 'scan', guardId, at: NOW, tag: 'NFC-1' } },
    // Hub protocol 5: a gate camera's plate read, opened by the gate itself or waiting for the operator.
    {
      kind: 'vehicle',
      data: {
        readId: 'fuzz-read',
        gateId: 'gate-south',
        direction: 'in',
        plate: '浙A0D8S2',
        confidence: 0.9,
        at: NOW,
        picture: '/snapshots/gate-south/1.jpg',
      },
    },
    ...FUZZED_ACTION_TYPES.map((type) => ({
      kind: 'action.applied',
      data: {
        key: `k-${type}`,
        consoleId: OTHER_CONSOLE,
        type,
        payload: validPayload(type, guardId),
        appliedAt: NOW,
      },
    })),
  ];
}

/** Every path to a value inside `value` (objects and arrays included), the root excluded. */
function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, Json]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

function setAt(root: Json, path: Array<string | number>, value: unknown): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

const big = (min: number, max: number) => fc.integer({ min, max }).map((n) => 'x'.repeat(n));

/** Values of the wrong type or out of range for almost any field. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant('not-a-time'),
  fc.constant(-1),
  fc.constant(1.5),
  fc.constant(null),
  fc.constant(''),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 40 }),
  fc.array(fc.jsonValue(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 5 }),
  big(5_001, 9_000),
);

/**
 * One poison message: in the hub's log with the next sequence, loose (no usable sequence), or on the urgent lane
 * (hub protocol 4) with a sequence `offset` from the hub's head (at or below it: one it sent; above: unknown, or
 * beyond anything it has), sent once or `twice`.
 */
type Poison =
  | { logged: true; body: unknown }
  | { logged: false; message: unknown }
  | { urgent: true; offset: number; body: unknown; twice: boolean }
  /**
   * (hub protocol 5) An `events` message: logged bodies, poisoned or not, under consecutive sequences (`over`: more
   * of them than a console reads in one message); or, `loose`, whatever a broken hub sends as one.
   */
  | { batch: true; bodies: unknown[] }
  | { batch: true; loose: unknown };

export function poisonArb(guardId: string): fc.Arbitrary<Poison> {
  const bodies = validBodies(guardId);
  const corrupted = fc
    .constantFrom(...bodies)
    .chain((body) => fc.tuple(fc.constant(body), fc.constantFrom(...pathsOf(body as Json)), wrongValue))
    .map(([body, path, value]): Poison => ({ logged: true, body: setAt(body as Json, path, value) }));
  const withExtras = fc
    .tuple(
      fc.constantFrom(...bodies),
      fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue(), { maxKeys: 4 }),
    )
    .map(([body, extra]): Poison => ({
      logged: true,
      body: { ...body, data: { ...(body.data as object), ...extra } },
    }));
  const randomBody = fc
    .record({
      kind: fc.oneof(
        fc.constantFrom('alarm', 'position', 'device', 'restore', 'guard', 'action.applied'),
        fc.string({ maxLength: 20 }),
      ),
      data: fc.jsonValue(),
    })
    .map((body): Poison => ({ logged: true, body }));
  const randomPayload = fc
    .tuple(fc.oneof(fc.constantFrom(...FUZZED_ACTION_TYPES), fc.string()), fc.jsonValue())
    .map(([type, payload]): Poison => ({
      logged: true,
      body: {
        kind: 'action.applied',
        data: { key: 'k-random', consoleId: OTHER_CONSOLE, type, payload, appliedAt: 1 },
      },
    }));
  // Big, but under the 1 MB message cap: refused by the payload schemas, not by the socket.
  const oversize = fc
    .tuple(fc.constantFrom('x.unknown', 'alarm.note', 'alarm.resolve'), big(70_000, 300_000))
    .map(([type, text]): Poison => ({
      logged: true,
      body: {
        kind: 'action.applied',
        data: {
          key: 'k-big',
          consoleId: OTHER_CONSOLE,
          type,
          payload:
            type === 'x.unknown'
              ? text
              : { ...(validPayload('alarm.resolve', guardId) as object), note: text, text },
          appliedAt: 1,
        },
      },
    }));
  const loose = fc
    .oneof(
      fc.anything(),
      fc.record({
        seq: fc.oneof(fc.string(), fc.constant(-1), fc.constant(0), fc.constant(1.5)),
        kind: fc.string(),
      }),
    )
    .map((message): Poison => ({ logged: false, message }));
  const fire = {
    kind: 'alarm',
    data: { sourceId: 'fuzz-urgent', type: 'fire', zone: 'bldg-01', cameras: [], raisedAt: NOW },
  };
  const urgent = fc
    .tuple(
      fc.oneof(
        fc.constant<unknown>(fire),
        fc
          .tuple(fc.constantFrom(...pathsOf(fire as Json)), wrongValue)
          .map(([path, value]) => setAt(fire as Json, path, value) as unknown),
        fc.constantFrom<unknown>(...bodies),
        fc.anything(),
      ),
      fc.oneof(
        fc.integer({ min: -5, max: 0 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1000, max: 1e9 }),
      ),
      fc.boolean(),
    )
    .map(([body, offset, twice]): Poison => ({ urgent: true, offset, body, twice }));
  const batchBody = fc.oneof(
    { arbitrary: fc.constantFrom<unknown>(...bodies), weight: 3 },
    {
      arbitrary: fc
        .oneof(corrupted, withExtras, randomBody, randomPayload)
        .map((p) => (p as { body: unknown }).body),
      weight: 2,
    },
  );
  const batch = fc.oneof(
    {
      arbitrary: fc
        .array(batchBody, { minLength: 1, maxLength: 12 })
        .map((list): Poison => ({ batch: true, bodies: list })),
      weight: 6,
    },
    {
      // Past the bound: valid devices, so the case costs what a long batch costs, not a run of dead letters.
      arbitrary: fc
        .integer({ min: HUB_MAX_BATCH_EVENTS + 1, max: HUB_MAX_BATCH_EVENTS + 40 })
        .map((n): Poison => ({ batch: true, bodies: Array.from({ length: n }, () => bodies[2]!) })),
      weight: 1,
    },
    {
      arbitrary: fc
        .oneof(fc.anything(), fc.array(fc.anything(), { maxLength: 5 }), fc.constant([]))
        .map((loose): Poison => ({ batch: true, loose })),
      weight: 2,
    },
  );
  return fc.oneof(
    { arbitrary: corrupted, weight: 6 },
    { arbitrary: batch, weight: 3 },
    { arbitrary: urgent, weight: 2 },
    { arbitrary: withExtras, weight: 1 },
    { arbitrary: randomBody, weight: 2 },
    { arbitrary: randomPayload, weight: 2 },
    { arbitrary: oversize, weight: 1 },
    { arbitrary: loose, weight: 1 },
  );
}

const count = async (db: ConsoleCore['db'], from: string) =>
  Number(((await db.raw(`SELECT count(*) AS n FROM ${from}`)) as { n: number }[])[0]?.n ?? 0);

/** The database's rules after the run, one tally entry per rule that rows break. */
async function checkRows(core: ConsoleCore, hub: ScriptedHub, tally: Tally): Promise<void> {
  const ints = (cols: string[]) => cols.map((c) => `typeof(${c}) <> 'integer'`).join(' OR ');
  const optInts = (cols: string[]) =>
    cols.map((c) => `(${c} IS NOT NULL AND typeof(${c}) <> 'integer')`).join(' OR ');
  const optTexts = (cols: string[]) =>
    cols.map((c) => `(${c} IS NOT NULL AND typeof(${c}) <> 'text')`).join(' OR ');
  const states = ALARM_STATES.map((s) => `'${s}'`).join(',');
  const types = ALARM_TYPES.map((t) => `'${t}'`).join(',');
  const db = core.db;
  tally.invalid(
    'alarms with a value of the wrong type, an unknown state or type',
    await count(
      db,
      `alarms WHERE ${ints(['raised_at', 'received_at', 'last_seen_at', 'count', 'priority', 'held', 'drill', 'updated_at'])}
       OR ${optInts(['acknowledged_at', 'resolved_at', 'escalated_at', 'restored_at'])}
       OR (origin IS NOT NULL AND (json_valid(origin) = 0 OR json_type(origin, '$.fields') <> 'object'))
       OR ${optTexts(['acknowledged_by', 'resolved_by', 'resolution_note', 'disposition', 'zone', 'text', 'device_id'])}
       OR state NOT IN (${states}) OR type NOT IN (${types})`,
    ),
  );
  tally.invalid(
    'alarm trail entries with a value of the wrong type',
    await count(
      db,
      `alarm_events WHERE ${ints(['at'])} OR ${optTexts(['note', 'operator_name'])}
       OR (from_state IS NOT NULL AND from_state NOT IN (${states}))
       OR (to_state IS NOT NULL AND to_state NOT IN (${states}))`,
    ),
  );
  tally.invalid(
    'guard positions off the number line',
    await count(
      db,
      `guard_positions WHERE typeof(lat) NOT IN ('real','integer') OR typeof(lon) NOT IN ('real','integer') OR ${ints(['at'])}`,
    ),
  );
  tally.invalid(
    'duty-log entries of the wrong type',
    await count(db, `duty_log WHERE ${ints(['at'])} OR typeof(text) <> 'text'`),
  );
  tally.invalid(
    'dead letters with an unknown reason or an uncut copy',
    await count(
      db,
      `hub_dead_letters WHERE reason NOT IN ('invalid','failed','oversize') OR length(raw) > 4000`,
    ),
  );
  const rows = (await db('hub_events').select()) as Parameters<typeof rowToStoredEvent>[0][];
  tally.invalid(
    'stored hub events that are not valid events',
    rows.filter((row) => !StoredHubEvent.safeParse(rowToStoredEvent(row)).success).length,
  );
  const dead = await count(db, 'hub_dead_letters');
  const cursor = await lastCommittedSeq(db);
  tally.invalid(
    'urgent-lane rows the ordered stream has passed (each must be logged in its place or dropped)',
    await count(db, `hub_urgent WHERE seq <= ${cursor}`),
  );
  tally.invalid(
    `the cursor (${cursor}) is not at the hub's head (${hub.headSeq})`,
    cursor === hub.headSeq ? 0 : 1,
  );
  tally.invalid(
    `sequences neither applied nor set aside (${rows.length} applied, ${dead} set aside, head ${hub.headSeq})`,
    Math.abs(hub.headSeq - rows.length - dead),
  );
}

const boundary: Boundary = {
  name: 'hub',
  weight: 10,
  async run(ctx, tally) {
    const tmp = tempDir('fuzz-hub-');
    const hub = new ScriptedHub();
    await hub.start();
    const core = await startLinkedConsole(tmp.dir, { url: hub.url, token: 'fuzz' }, 'console-fuzz', {
      backups: { enabled: false },
    });
    const session = core.openSession('memory', SUPERVISOR);
    let fires = 0;
    let slowestMs = 0;
    let urgentSent = 0;
    let batchesSent = 0;
    /** A fire alarm behind the poison sent so far: stored within the deadline, and the reads still answer. */
    const probe = async () => {
      fires += 1;
      const sourceId = `fuzz-fire-${fires}`;
      const sentAt = Date.now();
      hub.publish(hubAlarm(sourceId, 'fire', sentAt));
      try {
        await until(
          `fire alarm ${sourceId}`,
          async () => Boolean(await core.db('alarms').where({ source: 'hub', source_id: sourceId }).first()),
          ctx.stallMs,
          10,
        );
        slowestMs = Math.max(slowestMs, Date.now() - sentAt);
      } catch {
        tally.stall(`fire alarm ${sourceId} not stored within ${ctx.stallMs} ms of being sent`);
      }
      for (const method of ['alarms.open', 'hub.deadLetters', 'events.recent', 'notices.recent'] as const) {
        const env = await core.router.call(method, {}, session);
        if (!env.ok) tally.stall(`${method} failed: ${env.error.code}: ${env.error.message.slice(0, 200)}`);
      }
    };
    try {
      const guardId = core.guards.views()[0]?.guardId;
      if (!guardId) throw new Error('the demo site has no guards to aim at');
      await until('the hub link', () => core.hub.status().state === 'connected');
      await probe();
      for (const poison of draw(poisonArb(guardId), ctx.cases, ctx.seed)) {
        if ('urgent' in poison) {
          const body = poison.body;
          const message =
            body !== null && typeof body === 'object' && !Array.isArray(body)
              ? { seq: Math.max(1, hub.headSeq + poison.offset), at: NOW, ...body }
              : body;
          hub.sendUrgent(message);
          urgentSent += 1;
          if (poison.twice) {
            hub.sendUrgent(message);
            urgentSent += 1;
          }
        } else if ('batch' in poison) {
          if ('bodies' in poison) hub.publishBatch(poison.bodies.map((b) => aim(b, `fuzz-fire-${fires}`)));
          else hub.sendBatch(poison.loose);
          batchesSent += 1;
        } else if (poison.logged) hub.publish(aim(poison.body, `fuzz-fire-${fires}`));
        else hub.sendLoose(poison.message);
        tally.cases++;
        if (tally.cases % PER_PROBE === 0) await probe();
        if (tally.cases % 500 === 0) ctx.progress(`${tally.cases} cases`);
      }
      await probe();
      try {
        await until(
          'the cursor at the head',
          async () => (await lastCommittedSeq(core.db)) === hub.headSeq,
          ctx.stallMs,
        );
      } catch {
        tally.stall('the console did not catch up with the hub after the run');
      }
      try {
        await until(
          'every urgent-lane message answered',
          () => hub.urgentAcks.length === urgentSent,
          ctx.stallMs,
        );
      } catch {
        tally.stall(`${urgentSent - hub.urgentAcks.length} urgent-lane messages never answered`);
      }
      try {
        await until('every events message answered', () => hub.batchAcks.length === batchesSent, ctx.stallMs);
      } catch {
        tally.stall(`${batchesSent - hub.batchAcks.length} events messages never answered`);
      }
      await checkRows(core, hub, tally);
      ctx.progress(
        `${hub.headSeq} sequences, ${await count(core.db, 'hub_dead_letters')} set aside, ${fires} fire alarms, ` +
          `${urgentSent} urgent-lane messages, ${batchesSent} events messages, slowest ${slowestMs} ms`,
      );
    } finally {
      await core.stop();
      await hub.stop();
      tmp.cleanup();
    }
  },
};

export default boundary;
