/**
 * One year of a large site for bench:reports (issue 19), written straight into the tables the way the features keep
 * them: alarms with their trail (acknowledged, dispatched, on scene, resolved), patrol rounds and their visits, gate
 * reads and work orders, spread evenly over the 365 days before `end`.
 */
import type { Knex } from 'knex';
import { connectionOf } from '../../../electron/common/prepared';
import { log } from './harness';

export interface YearSize {
  alarms: number;
  visits: number;
  reads: number;
  orders: number;
}

export const DAY = 86_400_000;
const TYPES = [
  'intrusion',
  'door_held',
  'smoke',
  'fire_facility_fault',
  'camera_offline',
  'fire_lane_parking',
];
const ZONES = [
  'perimeter',
  'gate-south',
  'gate-north',
  'bldg-01',
  'bldg-02',
  'carpark-entrance',
  'fire-lane',
];
const DISPOSITIONS = ['real', 'false_alarm', 'nuisance', 'real', 'false_alarm'];

/** Rows in transactions of 20,000 through one prepared statement each (the fastest way SQLite takes them). */
export async function fill(
  db: Knex,
  sql: string,
  total: number,
  row: (i: number) => unknown[],
): Promise<void> {
  for (let i = 0; i < total; i += 20_000) {
    await db.transaction(async (trx) => {
      const stmt = (await connectionOf(trx)).prepare(sql);
      for (let k = i; k < Math.min(total, i + 20_000); k++) stmt.run(...row(k));
    });
  }
}

const OPERATORS = ['值班员 张敏', '值班员 王磊', '值班员 李娜', '值班员 赵强', '值班员 陈静', '值班员 刘洋'];

export async function fillYear(db: Knex, end: number, opts: YearSize): Promise<{ alarmEvents: number }> {
  const start = end - 365 * DAY;
  log(`${opts.alarms} alarms with their trail over the year`);
  const step = (365 * DAY) / opts.alarms;
  const at = (i: number) => Math.floor(start + i * step);
  await fill(
    db,
    `INSERT INTO alarms (id, source, source_id, device_id, type, priority, zone, raised_at, received_at, last_seen_at,
      state, acknowledged_at, ack_ms, resolved_at, resolve_ms, disposition, escalated_at, drill, updated_at, seq,
      acknowledged_by, resolved_by)
      VALUES (?, 'hub', ?, ?, ?, ?, ?, ?, ?, ?, 'resolved', ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
    opts.alarms,
    (i) => {
      const t = at(i);
      const ack = 5_000 + ((i * 7919) % 90_000);
      const res = ack + 60_000 + ((i * 104729) % 3_000_000);
      return [
        `a${i}`,
        `s${i}`,
        `dev-${i % 400}`,
        TYPES[i % TYPES.length],
        1 + (i % 5),
        ZONES[i % ZONES.length],
        t,
        t,
        t,
        t + ack,
        ack,
        t + res,
        res,
        DISPOSITIONS[i % DISPOSITIONS.length],
        ack > 60_000 ? t + 60_000 : null,
        t + res,
        i + 1,
        // Two desks of three shifts: six operators share the year (the people section's rows).
        OPERATORS[Math.floor(t / (8 * 3_600_000)) % OPERATORS.length],
        OPERATORS[(Math.floor(t / (8 * 3_600_000)) + (i % 2)) % OPERATORS.length],
      ];
    },
  );
  log(`the guards sent to two of every five alarms`);
  const sent = Math.floor(opts.alarms / 5) * 2 + Math.min(opts.alarms % 5, 2);
  await fill(
    db,
    `INSERT INTO guard_assignments (alarm_id, guard_id, dispatched_at, dispatched_by, arrived_at, arrival, ended_at)
      VALUES (?, ?, ?, 'op', ?, 'gps', ?)`,
    sent,
    (j) => {
      // The alarms i with i % 5 < 2, as their trail below says: dispatched at +2 min, on scene at +3 min.
      const i = Math.floor(j / 2) * 5 + (j % 2);
      return [`a${i}`, `guard-0${1 + (i % 5)}`, at(i) + 120_000, at(i) + 180_000, at(i) + 240_000];
    },
  );
  // Two of every five alarms had a guard sent (dispatched, on scene); every one was acknowledged and resolved.
  const perAlarm = [0, 1, 2, 3];
  const eventsFor = (i: number) => (i % 5 < 2 ? perAlarm : [0, 3]);
  const events: Array<[number, number]> = [];
  let total = 0;
  for (let i = 0; i < opts.alarms; i++) total += eventsFor(i).length;
  const KINDS = ['acknowledged', 'dispatched', 'on_scene', 'resolved'];
  let cursor = 0;
  let k = 0;
  await fill(
    db,
    'INSERT INTO alarm_events (alarm_id, at, kind, operator_id, operator_name) VALUES (?, ?, ?, ?, ?)',
    total,
    () => {
      if (k >= events.length) {
        events.length = 0;
        for (const e of eventsFor(cursor)) events.push([cursor, e]);
        cursor++;
        k = 0;
      }
      const [i, e] = events[k++]!;
      return [`a${i}`, at(i) + (e + 1) * 60_000, KINDS[e], 'op', 'op'];
    },
  );
  const alarmEvents = total;

  log(`${opts.visits} patrol visits in 5-checkpoint rounds`);
  const rounds = Math.ceil(opts.visits / 5);
  const routes = 8;
  const roundStep = (365 * DAY) / (rounds / routes);
  await fill(
    db,
    `INSERT INTO patrol_rounds (route_id, round_start, window_end, band, on_time, early, late, missed, checkpoints,
      closed_at, skipped) VALUES (?, ?, ?, ?, ?, 0, ?, ?, 5, ?, 0)`,
    rounds,
    (r) => {
      const t = Math.floor(start + Math.floor(r / routes) * roundStep);
      const missed = r % 17 === 0 ? 1 : 0;
      const late = r % 11 === 0 ? 1 : 0;
      return [
        `route-${r % routes}`,
        t,
        t + 1_800_000,
        r % 2 ? 'night' : 'day',
        5 - missed - late,
        late,
        missed,
        t + 1_800_000,
      ];
    },
  );
  await fill(
    db,
    `INSERT INTO patrol_visits (route_id, checkpoint_id, round_start, at, guard_id, method, timing)
      VALUES (?, ?, ?, ?, ?, 'scan', 'on_time')`,
    opts.visits,
    (v) => {
      const r = Math.floor(v / 5);
      const t = Math.floor(start + Math.floor(r / routes) * roundStep);
      return [`route-${r % routes}`, `cp-${r % routes}-${v % 5}`, t, t + (v % 5) * 60_000, `guard-${r % 6}`];
    },
  );

  log(`${opts.reads} gate reads, ${opts.orders} work orders`);
  const readStep = (365 * DAY) / Math.max(1, opts.reads);
  await fill(
    db,
    `INSERT INTO gate_reads (read_id, gate_id, direction, plate, valid, confidence, at, match, barrier)
      VALUES (?, ?, ?, ?, 1, 0.95, ?, 'resident', 'opened')`,
    opts.reads,
    (i) => [
      `r${i}`,
      `gate-${i % 3}`,
      i % 2 ? 'in' : 'out',
      `浙A${String(10000 + (i % 90000))}`,
      Math.floor(start + i * readStep),
    ],
  );
  const orderStep = (365 * DAY) / Math.max(1, opts.orders);
  await fill(
    db,
    `INSERT INTO work_orders (id, number, title, source, severity, state, due_at, created_at, created_by, updated_at)
      VALUES (?, ?, 'fault', 'device', 'normal', ?, ?, ?, 'system', ?)`,
    opts.orders,
    (i) => {
      const t = Math.floor(start + i * orderStep);
      return [`wo${i}`, i + 1, i % 4 ? 'verified' : 'open', t + 72 * 3_600_000, t, t + (i % 100) * 3_600_000];
    },
  );
  await db.raw('ANALYZE');
  return { alarmEvents };
}
