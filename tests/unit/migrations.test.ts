import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, openDatabase, schemaVersion } from '../../electron/common/database';
import { checkMigrationList } from '../../electron/common/migrations';
import { checkFeatureMigrations, LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../electron/core/schema';
import { ALARM_HISTORY_MIGRATION } from '../../electron/core/alarms/migration';
import { RESUME_LOCK_MIGRATION, RESUME_TOKENS_MIGRATION } from '../../electron/core/operators/migration';
import { guardDevicesMigration } from '../../electron/core/guards';
import { hubLinkMigration, hubUrgentMigration } from '../../electron/core/hub-link/migration';
import {
  ALARM_ORIGIN_MIGRATION,
  ALARM_TEXTS_MIGRATION,
  ALARM_WAITED_MIGRATION,
  ORIGIN_MAX_CHARS,
  TEXTS_MAX_CHARS,
} from '../../electron/core/alarms/migration';
import { silentLogger } from '../../electron/common/log';
import { recordingExportsMigration } from '../../electron/core/recordings/exports-migration';
import { recordingsMigration } from '../../electron/core/recordings/migration';
import { facilitiesMigration } from '../../electron/core/facilities/migration';
import { roundsMigration } from '../../electron/core/facilities/rounds-migration';
import { vehiclesMigration } from '../../electron/core/vehicles/migration';
import { violationsMigration } from '../../electron/core/vehicles/violations-migration';
import {
  peopleMigration,
  quarterReviewMigration,
  reportDaysMigration,
  reportsMigration,
} from '../../electron/core/reports/migration';
import { trainingMigration } from '../../electron/core/training/migration';
import { postsMigration } from '../../electron/core/posts/migration';
import { drillRulesMigration } from '../../electron/core/playbooks/drill-rules-migration';
import { missingTables, openMigratedTo, queryPlan } from '../support/schema';
import { tempDir } from '../support/temp';

/** An operator row as migration 7 stores it: what a resume token is tied to. */
const OPERATOR_LI = {
  id: 'op1',
  username: 'li',
  name: '李明',
  role: 'operator',
  password_hash: 'x',
  created_at: 1,
  updated_at: 1,
};

/** An alarm row as the alarm migrations' tests insert it before and after their migration (a hub door-held alarm). */
const alarmRow = (id: string, seq: number, extra: Record<string, unknown> = {}) => ({
  id,
  source: 'hub',
  source_id: id,
  type: 'door_held',
  priority: 3,
  raised_at: 1000,
  received_at: 1000,
  last_seen_at: 1000,
  state: 'new',
  updated_at: 1000,
  seq,
  ...extra,
});

describe('database and migrations', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('the migration list is strictly increasing from 1', () => {
    expect(() => checkMigrationList(MIGRATIONS)).not.toThrow();
    expect(() => checkMigrationList([MIGRATIONS[0]!, MIGRATIONS[0]!])).toThrow(/expected version 2/);
  });

  it('refuses to start a feature whose migration is missing from the ordered list', () => {
    expect(() => checkFeatureMigrations([{ migrations: MIGRATIONS.slice(2) }])).not.toThrow();
    expect(() =>
      checkFeatureMigrations([{ migrations: MIGRATIONS.slice(2) }], MIGRATIONS.slice(0, 5)),
    ).toThrow(/migration 6 .* is missing from core\/schema.ts/);
  });

  it('keeps every released version and name: installed databases have them recorded', () => {
    expect(MIGRATIONS.map((m) => [m.version, m.name])).toEqual([
      [1, 'foundation: meta, hub event log, outbox, operator preferences, guard positions'],
      [2, 'alarm queue: alarms, their sources and history, incidents, audit chain, duty log, settings'],
      [3, 'camera management: cameras added, edited or removed in the console, over the site file'],
      [4, 'site map: guard duty, dispatch assignments, patrol visits and rounds'],
      [5, 'playbooks: versioned definitions, runs with steps, calls, snapshots, contact overrides, drills'],
      [6, 'operators and sign-in, duty-log links and flags, shifts with sealed hash chains'],
      [7, 'resume tokens kept (hashed, with an expiry) across restarts of the console service'],
      [8, 'hub dead letters: events refused or failed, by sequence, for supervisors to read'],
      // Its number lives in its own object only (it may be renumbered when branches meet).
      [
        guardDevicesMigration.version,
        'network boundary: phone secrets issued by the console, flagged phone positions',
      ],
      [10, 'resume tokens carry the lock screen and why they were revoked'],
      [11, 'alarm queue: arrival order and response times on the steady clock, not the wall clock'],
      [12, 'patrol rounds closed as skipped when the clock jumped over their window'],
      [
        ALARM_ORIGIN_MIGRATION.version,
        "alarms keep their origin (the equipment's own words) and when their device reported a restore",
      ],
      [
        ALARM_HISTORY_MIGRATION.version,
        'alarm history: filtered pages seek by (resolved_at, id) at any depth',
      ],
      [hubUrgentMigration.version, 'hub urgent lane: events committed ahead of the ordered replay'],
      [
        ALARM_TEXTS_MIGRATION.version,
        'alarms keep their text in both languages when their source worded both',
      ],
      [
        ALARM_WAITED_MIGRATION.version,
        'alarms keep how long they waited in the hub; escalations for that time are told once',
      ],
      [
        recordingsMigration.version,
        'recordings: one row per closed video segment on disk (camera, path, start, end, bytes, protected)',
      ],
      [
        vehiclesMigration.version,
        'vehicles: resident vehicle records, gate reads with their decisions, visitors, vehicles inside',
      ],
      [
        facilitiesMigration.version,
        'facilities: ledger entries, device state history, work orders, hazards, their timelines',
      ],
      [
        recordingExportsMigration.version,
        'recording exports (evidence clips with their files and hashes) and the first recording per camera',
      ],
      [
        roundsMigration.version,
        'facility rounds: video and inspection rounds done, their results, due times missed; maintenance visits',
      ],
      [
        violationsMigration.version,
        'vehicles: no-parking violations with their timed steps; gate reads indexed by gate and id',
      ],
      [reportsMigration.version, 'reports: rows of a period read by when they happened'],
      [
        reportDaysMigration.version,
        'reports: a summary per past day, dropped when a row of that day changes',
      ],
      [trainingMigration.version, 'training: training records, certificates, expiry notices sent'],
      [
        drillRulesMigration.version,
        'recurring drills: monthly and quarterly rules; drills know their rule and their reminder',
      ],
      [
        postsMigration.version,
        'posts: guards assigned to posts per shift, the holiday calendar, unmanned posts, patrol parking counts',
      ],
      [
        peopleMigration.version,
        'reports: guards sent to alarms mark their day; residents satisfaction results; monthly self-checks',
      ],
      [
        quarterReviewMigration.version,
        'reports: quarterly reviews with residents representatives and the owners committee',
      ],
    ]);
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('opens a new file with WAL, synchronous=FULL and foreign keys, at the latest version', async () => {
    const file = join(tmp.dir, 'c.sqlite');
    const db = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS });
    expect(await schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const [journal] = (await db.raw('PRAGMA journal_mode')) as { journal_mode: string }[];
    const [sync] = (await db.raw('PRAGMA synchronous')) as { synchronous: number }[];
    const [fk] = (await db.raw('PRAGMA foreign_keys')) as { foreign_keys: number }[];
    expect(journal?.journal_mode).toBe('wal');
    expect(sync?.synchronous).toBe(2); // FULL
    expect(fk?.foreign_keys).toBe(1);
    await db.destroy();
  });

  it('migration 1 creates the foundation tables, their keys and indexes', async () => {
    const db = await openMigratedTo(1);
    expect(
      await missingTables(db, ['meta', 'hub_events', 'outbox', 'operator_prefs', 'guard_positions']),
    ).toEqual([]);
    await db('outbox').insert({ key: 'k1', type: 't', payload: '{}', created_at: 1 });
    await expect(db('outbox').insert({ key: 'k1', type: 't', payload: '{}', created_at: 2 })).rejects.toThrow(
      /UNIQUE/,
    );
    // The position history is read per guard and time range; it must not scan the whole table.
    const plan = (await db.raw(
      "EXPLAIN QUERY PLAN SELECT * FROM guard_positions WHERE guard_id = 'g' AND at BETWEEN 1 AND 2",
    )) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX guard_positions_guard_at/);
    await db.destroy();
  });

  it('migration 2 creates the alarm tables; the queue, escalation and history queries use their indexes', async () => {
    const db = await openMigratedTo(2);
    const tables = [
      'alarms',
      'alarm_sources',
      'alarm_events',
      'incidents',
      'audit_log',
      'duty_log',
      'settings',
    ];
    expect(await missingTables(db, tables)).toEqual([]);
    const plan = (sql: string) => queryPlan(db, sql);
    expect(
      await plan("SELECT * FROM alarms WHERE state <> 'resolved' ORDER BY priority, received_at"),
    ).toMatch(/USING INDEX alarms_open/);
    expect(
      await plan(
        "SELECT * FROM alarms WHERE state = 'new' AND held = 0 AND escalated_at IS NULL ORDER BY received_at",
      ),
    ).toMatch(/USING INDEX alarms_unacked/);
    expect(
      await plan(
        "SELECT * FROM alarms WHERE resolved_at IS NOT NULL AND type IN ('door_held') ORDER BY resolved_at DESC, id DESC LIMIT 101",
      ),
    ).toMatch(/USING INDEX (alarms_history|alarms_type_resolved)/);
    expect(await plan("SELECT * FROM alarm_sources WHERE source = 'hub' AND source_id = 'x'")).toMatch(
      /USING (INDEX|PRIMARY KEY)/,
    );
    await expect(
      db('alarms').insert({
        id: 'a',
        source: 'hub',
        source_id: 's',
        type: 't',
        priority: 1,
        raised_at: 1,
        received_at: 1,
        last_seen_at: 1,
        state: 'new',
        incident_id: 'missing',
        updated_at: 1,
      }),
    ).rejects.toThrow(/FOREIGN KEY/);
    await db.destroy();
  });

  it('migration 3 creates the camera overrides', async () => {
    const db = await openMigratedTo(3);
    expect(await db.schema.hasTable('camera_overrides')).toBe(true);
    await db('camera_overrides').insert({ id: 'cam-1', definition: null, updated_at: 1, updated_by: 'x' });
    await expect(
      db('camera_overrides').insert({ id: 'cam-1', definition: null, updated_at: 2, updated_by: 'y' }),
    ).rejects.toThrow(/UNIQUE/);
    await db.destroy();
  });

  it('migration 7 keeps resume tokens: hashed key, tied to an operator, found by operator and expiry', async () => {
    expect(RESUME_TOKENS_MIGRATION.version).toBe(7);
    expect(MIGRATIONS).toContain(RESUME_TOKENS_MIGRATION);
    const db = await openMigratedTo(RESUME_TOKENS_MIGRATION);
    expect(await db.schema.hasTable('resume_tokens')).toBe(true);
    await db('operators').insert(OPERATOR_LI);
    await db('resume_tokens').insert({ token_hash: 'h1', operator_id: 'op1', created_at: 1, expires_at: 2 });
    await expect(
      db('resume_tokens').insert({ token_hash: 'h1', operator_id: 'op1', created_at: 1, expires_at: 2 }),
    ).rejects.toThrow(/UNIQUE/);
    await expect(
      db('resume_tokens').insert({ token_hash: 'h2', operator_id: 'nobody', created_at: 1, expires_at: 2 }),
    ).rejects.toThrow(/FOREIGN KEY/);
    const plan = (sql: string) => queryPlan(db, sql);
    expect(await plan("SELECT * FROM resume_tokens WHERE operator_id = 'op1'")).toMatch(
      /USING INDEX resume_tokens_operator/,
    );
    expect(await plan('DELETE FROM resume_tokens WHERE expires_at <= 5')).toMatch(
      /USING (COVERING )?INDEX resume_tokens_expires/,
    );
    await db.destroy();
  });

  it('the phone-secrets migration keeps one hash per phone and lets positions carry a flag and their device', async () => {
    const upTo = MIGRATIONS.indexOf(guardDevicesMigration) + 1;
    expect(upTo).toBe(guardDevicesMigration.version);
    const before = await openDatabase({
      file: ':memory:',
      log: silentLogger,
      migrations: MIGRATIONS.slice(0, upTo - 1),
    });
    expect(await before.schema.hasTable('guard_devices')).toBe(false);
    await before.destroy();
    const db = await openDatabase({
      file: ':memory:',
      log: silentLogger,
      migrations: MIGRATIONS.slice(0, upTo),
    });
    const phone = { guard_id: 'guard-01', label: 'a', issued_at: 1, issued_by: 'x' };
    await db('guard_devices').insert({ id: 'p1', secret_sha256: 'h1', ...phone });
    await expect(db('guard_devices').insert({ id: 'p2', secret_sha256: 'h1', ...phone })).rejects.toThrow(
      /UNIQUE/,
    );
    await db('guard_positions').insert({
      guard_id: 'guard-01',
      lat: 30,
      lon: 120,
      at: 1,
      source: 'osmand',
      flag: 'jump',
      received_at: 2,
      device: 'p1',
    });
    expect(await db('guard_positions').first('flag', 'received_at', 'device')).toEqual({
      flag: 'jump',
      received_at: 2,
      device: 'p1',
    });
    await db.destroy();
  });

  it('migration 8 creates the hub dead letters and moves the refused events of schema 7 into them', async () => {
    expect(hubLinkMigration.version).toBe(8);
    const upTo = MIGRATIONS.indexOf(hubLinkMigration);
    const file = join(tmp.dir, 'v7.sqlite');
    const v7 = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS.slice(0, upTo) });
    expect(await schemaVersion(v7)).toBe(7);
    const raw = JSON.stringify({ seq: 1, at: 1, kind: 'alarm', data: { type: 'meteor' } });
    await v7('hub_events').insert([
      {
        seq: 1,
        kind: '_rejected',
        at: 5,
        body: JSON.stringify({ raw, reason: 'data.type: Invalid option' }),
        received_at: 5,
      },
      { seq: 2, kind: 'device', at: 6, body: '{"deviceId":"d","state":"ok"}', received_at: 6 },
      // What schema 7 wrote for a huge event: cut at 4,000 characters, so no longer JSON.
      { seq: 3, kind: '_rejected', at: 7, body: 'not json', received_at: 7 },
    ]);
    await v7.destroy();
    const db = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS.slice(0, upTo + 1) });
    expect(await schemaVersion(db)).toBe(8);
    expect(await db('hub_events').orderBy('seq').pluck('kind')).toEqual(['device']);
    expect(await db('hub_dead_letters').orderBy('seq')).toEqual([
      { seq: 1, kind: 'alarm', reason: 'invalid', error: 'data.type: Invalid option', raw, received_at: 5 },
      {
        seq: 3,
        kind: null,
        reason: 'invalid',
        error: 'refused by validation',
        raw: 'not json',
        received_at: 7,
      },
    ]);
    // One row per sequence: a replay that refuses it again updates it, never adds a second.
    await expect(
      db('hub_dead_letters').insert({ seq: 1, reason: 'failed', error: 'x', raw: '', received_at: 8 }),
    ).rejects.toThrow(/UNIQUE|PRIMARY/);
    for (const column of ['reason', 'error', 'raw', 'received_at']) {
      const row = { seq: 9, reason: 'failed', error: 'x', raw: '', received_at: 8, [column]: null };
      await expect(db('hub_dead_letters').insert(row), column).rejects.toThrow(/NOT NULL/);
    }
    // Dead letters are read newest first by sequence: the primary key serves it.
    const plan = (await db.raw(
      'EXPLAIN QUERY PLAN SELECT * FROM hub_dead_letters WHERE seq < 5 ORDER BY seq DESC LIMIT 10',
    )) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INTEGER PRIMARY KEY/);
    await db.destroy();
  });

  it('the recordings migration creates recordings: one row per path, indexed by camera and start', async () => {
    const db = await openMigratedTo(recordingsMigration);
    const row = {
      camera: 'cam-01',
      path: 'cam-01/20261201/20261201T080000Z.mp4',
      start_ms: 1,
      end_ms: 2,
      bytes: 3,
    };
    await db('recordings').insert(row);
    await expect(db('recordings').insert(row)).rejects.toThrow(/UNIQUE/);
    expect((await db('recordings').first()) as { protected: number }).toMatchObject({ protected: 0 });
    await db.destroy();
  });

  it('the recording-exports migration creates recording_exports and back-fills recording_cameras from recordings', async () => {
    const db = await openMigratedTo(recordingsMigration);
    await db('recordings').insert([
      { camera: 'cam-01', path: 'a.mp4', start_ms: 50, end_ms: 60, bytes: 1 },
      { camera: 'cam-01', path: 'b.mp4', start_ms: 10, end_ms: 20, bytes: 1 },
    ]);
    await db.transaction((trx) => recordingExportsMigration.up(trx));
    expect(await db('recording_cameras').select('camera', 'first_ms')).toEqual([
      { camera: 'cam-01', first_ms: 10 },
    ]);
    const row = {
      id: 'x',
      from_ms: 1,
      to_ms: 2,
      reason: 'police',
      operator_id: 'op',
      operator_name: 'Li',
      exported_at: 3,
      folder: 'f',
      files: '[]',
    };
    await db('recording_exports').insert(row);
    await expect(db('recording_exports').insert(row)).rejects.toThrow(/UNIQUE|PRIMARY/);
    await expect(db('recording_exports').insert({ ...row, id: 'y', reason: null })).rejects.toThrow(
      /NOT NULL/,
    );
    await db.destroy();
  });

  it('the rounds migration: one result per round, subject and item; a missed due time told once', async () => {
    const db = await openMigratedTo(roundsMigration);
    expect(
      await missingTables(db, [
        'facility_rounds',
        'facility_round_results',
        'facility_rounds_missed',
        'facility_maintenance',
        'facility_maintenance_reminded',
      ]),
    ).toEqual([]);
    const result = { run_id: 'r1', subject_id: 'cam-01', item_id: '', result: 'normal', at: 1, by: '李明' };
    await db('facility_round_results').insert(result);
    await expect(db('facility_round_results').insert(result)).rejects.toThrow(/UNIQUE/);
    await db('facility_rounds_missed').insert({ round_id: 'video-all', due_at: 1, told_at: 2 });
    await expect(
      db('facility_rounds_missed').insert({ round_id: 'video-all', due_at: 1, told_at: 3 }),
    ).rejects.toThrow(/UNIQUE/);
    // The due list reads finish times by round through its index.
    expect(
      await queryPlan(db, "SELECT finished_at FROM facility_rounds WHERE round_id = 'x' AND finished_at > 0"),
    ).toMatch(/facility_rounds_done/);
    await db.destroy();
  });

  it('the facilities migration: one unfinished work order per device, finished ones kept beside it', async () => {
    const db = await openMigratedTo(facilitiesMigration);
    expect(
      await missingTables(db, [
        'facilities',
        'facility_states',
        'work_orders',
        'hazards',
        'facility_timeline',
      ]),
    ).toEqual([]);
    const order = (id: string, number: number, state: string) => ({
      id,
      number,
      title: 'pump',
      device_id: 'dev-1',
      source: 'device',
      severity: 'high',
      state,
      due_at: 1,
      created_at: 1,
      created_by: 'system',
      updated_at: 1,
    });
    await db('work_orders').insert(order('a', 1, 'verified'));
    await db('work_orders').insert(order('b', 2, 'open'));
    await expect(db('work_orders').insert(order('c', 3, 'assigned'))).rejects.toThrow(/UNIQUE/);
    await db('work_orders').insert(order('d', 4, 'refused'));
    await db('facilities').insert({
      id: 'f1',
      code: 'X-1',
      name: 'x',
      kind: 'other',
      device_id: 'dev-1',
      origin: 'manual',
      created_at: 1,
      updated_at: 1,
    });
    await expect(
      db('facilities').insert({
        id: 'f2',
        code: 'X-1',
        name: 'y',
        kind: 'other',
        origin: 'manual',
        created_at: 1,
        updated_at: 1,
      }),
    ).rejects.toThrow(/UNIQUE/);
    await db.destroy();
  });

  it('the vehicles migration: one record per plate, one gate read per read id, one row inside per plate', async () => {
    const db = await openMigratedTo(vehiclesMigration);
    const vehicle = {
      id: 'v1',
      plate: '浙A12345',
      plate_key: '浙A12345',
      owner: '王伟',
      kind: 'car',
      updated_at: 1,
      updated_by: 'x',
    };
    await db('vehicles').insert(vehicle);
    await expect(db('vehicles').insert({ ...vehicle, id: 'v2' })).rejects.toThrow(/UNIQUE/);
    const read = {
      read_id: 'r1',
      gate_id: 'gate-south',
      direction: 'in',
      plate: '浙A12345',
      valid: 1,
      confidence: 0.9,
      at: 1,
      match: 'resident',
      barrier: 'opened',
    };
    await db('gate_reads').insert(read);
    await expect(db('gate_reads').insert(read)).rejects.toThrow(/UNIQUE/);
    await db('vehicles_inside').insert({ plate: '浙A12345', read_id: 1, entered_at: 1 });
    await expect(
      db('vehicles_inside').insert({ plate: '浙A12345', read_id: 2, entered_at: 2 }),
    ).rejects.toThrow(/UNIQUE|PRIMARY/);
    expect(await missingTables(db, ['visitors'])).toEqual([]);
    await db.destroy();
  });

  it('the violations migration: one running number, one violation per alarm, steps tied to their violation', async () => {
    const db = await openMigratedTo(violationsMigration);
    const violation = {
      id: 'v1',
      seq: 1,
      plate: '',
      area: 'fire-lane',
      kind: 'fire_lane',
      source: 'alarm',
      found_at: 1,
      found_by: 'alarm',
      alarm_id: 'a1',
      deadline_at: 300_001,
      state: 'open',
    };
    await db('violations').insert(violation);
    await expect(db('violations').insert({ ...violation, id: 'v2', seq: 2 })).rejects.toThrow(/UNIQUE/);
    await expect(db('violations').insert({ ...violation, id: 'v3', alarm_id: null })).rejects.toThrow(
      /UNIQUE/,
    );
    // Many violations without an alarm: a NULL alarm id is no duplicate.
    await db('violations').insert({ ...violation, id: 'v4', seq: 4, alarm_id: null });
    await db('violations').insert({ ...violation, id: 'v5', seq: 5, alarm_id: null });
    await db('violation_steps').insert({ violation_id: 'v1', at: 1, kind: 'found', by: 'alarm' });
    await expect(
      db('violation_steps').insert({ violation_id: 'nope', at: 1, kind: 'found', by: 'x' }),
    ).rejects.toThrow(/FOREIGN/);
    // The desk's last reads of a gate walk its index backwards: no sort of the gate's month of reads.
    const plan = await queryPlan(db, "SELECT * FROM gate_reads WHERE gate_id = 'g' ORDER BY id DESC LIMIT 8");
    expect(plan).toContain('gate_reads_gate_id');
    expect(plan).not.toContain('TEMP B-TREE');
    await db.destroy();
  });

  it('the urgent-lane migration creates hub_urgent: one row per sequence, every column required', async () => {
    const file = join(tmp.dir, 'c.sqlite');
    const db = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS });
    expect(await missingTables(db, ['hub_urgent'])).toEqual([]);
    const row = { seq: 7, kind: 'alarm', at: 1, body: '{}', received_at: 2 };
    await db('hub_urgent').insert(row);
    await expect(db('hub_urgent').insert(row)).rejects.toThrow(/UNIQUE|PRIMARY/);
    for (const column of ['kind', 'at', 'body', 'received_at'] as const)
      await expect(db('hub_urgent').insert({ ...row, seq: 8, [column]: null }), column).rejects.toThrow(
        /NOT NULL/,
      );
    await db.destroy();
  });

  it('migration 10 keeps a token issued under 7 and adds its lock screen and revocation reason', async () => {
    const file = join(tmp.dir, 'c.sqlite');
    const upTo7 = MIGRATIONS.findIndex((m) => m === RESUME_TOKENS_MIGRATION) + 1;
    const before = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS.slice(0, upTo7) });
    await before('operators').insert(OPERATOR_LI);
    await before('resume_tokens').insert({
      token_hash: 'h1',
      operator_id: 'op1',
      created_at: 1,
      expires_at: 2,
    });
    await before.destroy();
    expect(RESUME_LOCK_MIGRATION.version).toBe(10);
    const after = await openDatabase({
      file,
      log: silentLogger,
      migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(RESUME_LOCK_MIGRATION) + 1),
    });
    expect(await after('resume_tokens').first()).toEqual({
      token_hash: 'h1',
      operator_id: 'op1',
      created_at: 1,
      expires_at: 2,
      locked_at: null,
      revoked: null,
    });
    await after.destroy();
  });

  it('migration 11 numbers existing alarms in arrival order and moves the queue and escalation to its columns', async () => {
    const db = await openDatabase({
      file: ':memory:',
      log: silentLogger,
      migrations: MIGRATIONS.slice(0, 10),
    });
    const row = (id: string, receivedAt: number, more: Record<string, unknown> = {}) => ({
      id,
      source: 'hub',
      source_id: id,
      type: 'door_held',
      priority: 3,
      raised_at: receivedAt,
      received_at: receivedAt,
      last_seen_at: receivedAt,
      state: 'new',
      updated_at: receivedAt,
      ...more,
    });
    // Inserted out of time order; one acknowledged "before" it arrived (a clock stepped back in between).
    await db('alarms').insert([
      row('b', 2000, { state: 'acknowledged', acknowledged_at: 1500 }),
      row('a', 1000, { state: 'resolved', acknowledged_at: 4000, resolved_at: 9000 }),
      row('c', 3000),
    ]);
    // Same connection, so the in-memory database is the one migrated further.
    for (const m of MIGRATIONS.slice(10, 11)) await db.transaction((trx) => m.up(trx));
    const rows = (await db('alarms')
      .orderBy('seq')
      .select('id', 'seq', 'received_steady', 'ack_ms', 'resolve_ms')) as Array<Record<string, unknown>>;
    expect(rows).toEqual([
      { id: 'a', seq: 1, received_steady: 1000, ack_ms: 3000, resolve_ms: 8000 },
      { id: 'b', seq: 2, received_steady: 2000, ack_ms: 0, resolve_ms: null },
      { id: 'c', seq: 3, received_steady: 3000, ack_ms: null, resolve_ms: null },
    ]);
    await expect(db('alarms').where({ id: 'c' }).update({ seq: 1 })).rejects.toThrow(/UNIQUE/);
    const plan = async (sql: string) =>
      ((await db.raw(`EXPLAIN QUERY PLAN ${sql}`)) as { detail: string }[]).map((p) => p.detail).join(' | ');
    expect(await plan("SELECT * FROM alarms WHERE state <> 'resolved' ORDER BY priority, seq")).toMatch(
      /USING INDEX alarms_open/,
    );
    expect(
      await plan(
        "SELECT * FROM alarms WHERE state = 'new' AND held = 0 AND escalated_at IS NULL ORDER BY received_steady",
      ),
    ).toMatch(/USING INDEX alarms_unacked/);
    expect(await plan("SELECT * FROM alarms WHERE zone = 'z' AND received_steady >= 5")).toMatch(
      /USING INDEX alarms_zone_steady/,
    );
    await db.destroy();
  });

  it('migration 12 marks patrol rounds as not skipped unless closed by a clock jump', async () => {
    const db = await openDatabase({ file: ':memory:', log: silentLogger, migrations: MIGRATIONS });
    await db('patrol_rounds').insert({
      route_id: 'r',
      round_start: 1,
      window_end: 2,
      band: 'day',
      on_time: 0,
      early: 0,
      late: 0,
      missed: 5,
      checkpoints: 5,
      closed_at: 3,
    });
    expect(await db('patrol_rounds').first('skipped')).toEqual({ skipped: 0 });
    await db.destroy();
  });

  it('the alarm-origin migration keeps existing alarms without an origin and bounds the origin it stores', async () => {
    const before = MIGRATIONS.filter((m) => m.version < ALARM_ORIGIN_MIGRATION.version);
    const db = await openDatabase({ file: ':memory:', log: silentLogger, migrations: before });
    const row = (id: string, seq: number) => alarmRow(id, seq, { type: 'intrusion', priority: 2 });
    await db('alarms').insert(row('old', 1));
    await db.transaction((trx) => ALARM_ORIGIN_MIGRATION.up(trx));
    expect(await db('alarms').where({ id: 'old' }).first('origin', 'restored_at')).toEqual({
      origin: null,
      restored_at: null,
    });
    const origin = JSON.stringify({ source: 'dc09', fields: { account: '1234', zone: '003', code: '130' } });
    await db('alarms').insert({ ...row('new', 2), origin, restored_at: 2000 });
    expect(await db('alarms').where({ id: 'new' }).first('origin')).toEqual({ origin });
    // A row cannot carry more than a valid origin can take, whoever writes it.
    await expect(
      db('alarms').insert({ ...row('huge', 3), origin: 'x'.repeat(ORIGIN_MAX_CHARS + 1) }),
    ).rejects.toThrow(/CHECK constraint/);
    await db.destroy();
  });

  it('the alarm-texts migration keeps existing alarms with their one text and bounds the pair it stores', async () => {
    const before = MIGRATIONS.filter((m) => m.version < ALARM_TEXTS_MIGRATION.version);
    const db = await openDatabase({ file: ':memory:', log: silentLogger, migrations: before });
    const row = (id: string, seq: number) => alarmRow(id, seq, { priority: 3, text: 'unit door held open' });
    await db('alarms').insert(row('old', 1));
    await db.transaction((trx) => ALARM_TEXTS_MIGRATION.up(trx));
    expect(await db('alarms').where({ id: 'old' }).first('text', 'texts')).toEqual({
      text: 'unit door held open',
      texts: null,
    });
    const texts = JSON.stringify({ 'zh-CN': '单元门长时间未关', en: 'unit door held open' });
    await db('alarms').insert({ ...row('new', 2), texts });
    expect(await db('alarms').where({ id: 'new' }).first('texts')).toEqual({ texts });
    await expect(
      db('alarms').insert({ ...row('huge', 3), texts: 'x'.repeat(TEXTS_MAX_CHARS + 1) }),
    ).rejects.toThrow(/CHECK constraint/);
    await db.destroy();
  });

  it('the alarm-waited migration leaves existing alarms as having come at once, escalated as they were', async () => {
    const before = MIGRATIONS.filter((m) => m.version < ALARM_WAITED_MIGRATION.version);
    const db = await openDatabase({ file: ':memory:', log: silentLogger, migrations: before });
    const row = (id: string, seq: number) => alarmRow(id, seq, { priority: 4, escalated_at: 61_000 });
    await db('alarms').insert(row('old', 1));
    await db.transaction((trx) => ALARM_WAITED_MIGRATION.up(trx));
    expect(await db('alarms').where({ id: 'old' }).first('waited_ms', 'escalated_waiting')).toEqual({
      waited_ms: null,
      escalated_waiting: 0,
    });
    await db('alarms').insert({ ...row('replayed', 2), waited_ms: 720_000, escalated_waiting: 1 });
    await expect(db('alarms').insert({ ...row('negative', 3), waited_ms: -5 })).rejects.toThrow(
      /CHECK constraint/,
    );
    await expect(db('alarms').insert({ ...row('flag', 4), escalated_waiting: 2 })).rejects.toThrow(
      /CHECK constraint/,
    );
    await db.destroy();
  });

  it('the alarm history migration lets a filtered page seek to any depth, ordered by the index alone', async () => {
    const db = await openDatabase({ file: ':memory:', log: silentLogger, migrations: MIGRATIONS });
    const plan = (sql: string) => queryPlan(db, sql);
    const page = (where: string) =>
      `SELECT * FROM alarms WHERE resolved_at IS NOT NULL AND ${where} AND drill = 0 ` +
      "AND (resolved_at, id) < (5, 'x') ORDER BY resolved_at DESC, id DESC LIMIT 101";
    const cases: [string, RegExp][] = [
      [
        "type IN ('door_held') AND zone IN ('bldg-01')",
        /USING INDEX alarms_history_type_zone \(type=\? AND zone=\? AND/,
      ],
      ["zone IN ('bldg-01')", /USING INDEX alarms_history_zone \(zone=\? AND/],
      ["type IN ('fire')", /USING INDEX alarms_history_type \(type=\? AND/],
      ['1 = 1', /USING INDEX alarms_history \(/],
    ];
    for (const [where, index] of cases) {
      const p = await plan(page(where));
      expect(p).toMatch(index);
      // Seeked and read in order: no sort of everything that matched.
      expect(p).not.toMatch(/TEMP B-TREE/);
    }
    await db.destroy();
  });

  it('reopening an up-to-date database runs nothing and keeps the data', async () => {
    const file = join(tmp.dir, 'c.sqlite');
    const first = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS });
    await first('meta').insert({ key: 'x', value: '1' });
    await first.destroy();
    let backups = 0;
    const again = await openDatabase({
      file,
      log: silentLogger,
      migrations: MIGRATIONS,
      beforeMigrate: async () => void backups++,
    });
    expect(await again('meta').where({ key: 'x' }).first()).toEqual({ key: 'x', value: '1' });
    expect(backups).toBe(0);
    await again.destroy();
  });

  it('runs the backup hook before migrating an existing older database', async () => {
    const file = join(tmp.dir, 'c.sqlite');
    const old = await openDatabase({ file, log: silentLogger, migrations: MIGRATIONS.slice(0, 1) });
    await old.destroy();
    const extra = {
      version: MIGRATIONS.length + 1,
      name: 'test-only',
      up: async (trx: Knex.Transaction) => {
        await trx.schema.createTable('extra', (t) => t.text('id'));
      },
    };
    const seen: number[] = [];
    const db = await openDatabase({
      file,
      log: silentLogger,
      migrations: [...MIGRATIONS, extra],
      beforeMigrate: async (_db, from) => void seen.push(from),
    });
    expect(seen).toEqual([1]);
    expect(await db.schema.hasTable('extra')).toBe(true);
    await db.destroy();
  });

  it('a failing migration leaves the previous version and no half-made tables', async () => {
    const file = join(tmp.dir, 'c.sqlite');
    const broken = {
      version: MIGRATIONS.length + 1,
      name: 'broken',
      up: async (trx: Knex.Transaction) => {
        await trx.schema.createTable('half', (t) => t.text('id'));
        throw new Error('disk on fire');
      },
    };
    await expect(
      openDatabase({ file, log: silentLogger, migrations: [...MIGRATIONS, broken] }),
    ).rejects.toThrow('disk on fire');
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    raw.close();
  });

  it('migration 24 lets a report read a period by time, not by scanning every alarm and patrol row', async () => {
    const db = await openMigratedTo(reportsMigration);
    try {
      expect(
        await queryPlan(db, 'SELECT id FROM alarms WHERE received_at >= 1 AND received_at < 2'),
      ).toContain('alarms_received');
      expect(
        await queryPlan(db, 'SELECT route_id FROM patrol_rounds WHERE round_start >= 1 AND round_start < 2'),
      ).toContain('patrol_rounds_start');
      expect(
        await queryPlan(db, 'SELECT route_id FROM patrol_visits WHERE round_start >= 1 AND round_start < 2'),
      ).toContain('patrol_visits_round');
    } finally {
      await db.destroy();
    }
  });

  it('migration 26 keeps training records and certificates, read by person and kind without a scan', async () => {
    expect(trainingMigration).toMatchObject({
      version: 26,
      name: 'training: training records, certificates, expiry notices sent',
    });
    const db = await openMigratedTo(trainingMigration);
    try {
      expect(await missingTables(db, ['training_records', 'certificates', 'certificate_notices'])).toEqual(
        [],
      );
      expect(
        await queryPlan(
          db,
          "SELECT expires_on FROM certificates WHERE person_kind = 'operator' AND person_id = 'x' AND kind = 'y'",
        ),
      ).toContain('certificates_person_kind');
      // A notice is kept once per certificate, expiry date and stage.
      const notice = { certificate_id: 'c1', expires_on: '2027-01-10', stage: 'expiring', at: 1 };
      await db('certificate_notices').insert(notice);
      await expect(db('certificate_notices').insert({ ...notice, at: 2 })).rejects.toThrow(/UNIQUE|PRIMARY/);
    } finally {
      await db.destroy();
    }
  });

  it('migration 29: satisfaction results once per period and question; a guard sent later marks the alarm day', async () => {
    expect(peopleMigration).toMatchObject({ version: 29 });
    const db = await openMigratedTo(peopleMigration);
    try {
      expect(await missingTables(db, ['satisfaction_results', 'self_checks'])).toEqual([]);
      const row = {
        first_day: '2026-10-01',
        last_day: '2026-10-31',
        dimension: 'safety',
        score: 0.9,
        sample: 150,
        file_name: 'x.csv',
        imported_at: 1,
        imported_by: 'li',
      };
      await db('satisfaction_results').insert({ id: 's1', ...row });
      await expect(db('satisfaction_results').insert({ id: 's2', ...row })).rejects.toThrow(/UNIQUE/);
      await expect(
        db('satisfaction_results').insert({ id: 's3', ...row, dimension: 'overall', score: 1.2 }),
      ).rejects.toThrow(/CHECK/);
      expect(
        await queryPlan(
          db,
          "SELECT score FROM satisfaction_results WHERE last_day >= '2026' AND last_day < '2027'",
        ),
      ).toContain('satisfaction_results_last');
      const at = Date.parse('2026-03-02T15:50:00Z');
      await db('alarms').insert({
        id: 'a1',
        source: 'hub',
        source_id: 'a1',
        type: 'intrusion',
        priority: 2,
        raised_at: at,
        received_at: at,
        last_seen_at: at,
        state: 'acknowledged',
        updated_at: at,
        seq: 1,
      });
      await db('report_dirty').delete();
      await db('guard_assignments').insert({
        alarm_id: 'a1',
        guard_id: 'g1',
        dispatched_at: at + 86_400_000,
        dispatched_by: 'li',
      });
      const slot = Math.floor(at / 900_000);
      expect((await db('report_dirty').select('slot')).map((r: { slot: number }) => r.slot)).toEqual([slot]);
      await db('report_dirty').delete();
      await db('guard_assignments').update({ arrived_at: at + 90_000_000 });
      expect((await db('report_dirty').select('slot')).map((r: { slot: number }) => r.slot)).toEqual([slot]);
    } finally {
      await db.destroy();
    }
  });

  it('migration 30: one quarterly review per quarter', async () => {
    expect(quarterReviewMigration).toMatchObject({ version: 30 });
    const db = await openMigratedTo(quarterReviewMigration);
    try {
      expect(await missingTables(db, ['quarter_reviews'])).toEqual([]);
      const row = {
        quarter: '2026-Q3',
        held_on: '2026-10-12',
        recorded_at: 1,
        recorded_by: 'li',
        participants: '{}',
        scores: '[]',
        opinions: '[]',
        conclusion: 'x',
      };
      await db('quarter_reviews').insert({ id: 'r1', ...row });
      await expect(db('quarter_reviews').insert({ id: 'r2', ...row })).rejects.toThrow(/UNIQUE/);
      await expect(db('quarter_reviews').insert({ id: 'r3', ...row, quarter: '2026-Q10' })).rejects.toThrow(
        /CHECK/,
      );
    } finally {
      await db.destroy();
    }
  });

  it('migration 28 keeps post assignments, the holiday calendar, unmanned posts and patrol counts', async () => {
    expect(postsMigration).toMatchObject({ version: 28 });
    const db = await openMigratedTo(postsMigration);
    try {
      expect(
        await missingTables(db, ['post_assignments', 'holidays', 'post_unmanned', 'parking_counts']),
      ).toEqual([]);
      // One guard per post and shift.
      const row = { shift: '2026-11-24/day', post_id: 'p', guard_id: 'g', assigned_at: 1, assigned_by: 'x' };
      await db('post_assignments').insert(row);
      await expect(db('post_assignments').insert({ ...row, guard_id: 'h' })).rejects.toThrow(
        /UNIQUE|PRIMARY/,
      );
      // A count never has more violations than vehicles, whatever writes it.
      const count = {
        id: 'c',
        at: 1,
        area: 'a',
        counted: 3,
        violations: 4,
        recorded_at: 1,
        recorded_by: 'x',
      };
      await expect(db('parking_counts').insert(count)).rejects.toThrow(/CHECK/);
      await expect(
        db('holidays').insert({
          date: '2026-11-24',
          name: 'x',
          kind: 'weekend',
          updated_at: 1,
          updated_by: 'x',
        }),
      ).rejects.toThrow(/CHECK/);
      expect(
        await queryPlan(db, 'SELECT area, counted FROM parking_counts WHERE at >= 1 AND at < 2'),
      ).toContain('parking_counts_at');
    } finally {
      await db.destroy();
    }
  });

  it('refuses a database written by a newer version, with a clear message, and leaves it untouched', async () => {
    const file = join(tmp.dir, 'future.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.exec('CREATE TABLE from_the_future (x)');
    raw.close();
    const attempt = openDatabase({ file, log: silentLogger, migrations: MIGRATIONS });
    await expect(attempt).rejects.toBeInstanceOf(DatabaseTooNewError);
    await expect(openDatabase({ file, log: silentLogger, migrations: MIGRATIONS })).rejects.toThrow(
      /newer version of the console \(schema \d+; this version knows up to \d+\)/,
    );
    const after = new Database(file);
    expect(after.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 5);
    after.close();
  });
});
