import type { Knex } from 'knex';
import { connectionOf, prepared } from '../../common/prepared';
import type { AlarmType } from '../../../shared/domain/alarm';
import { DEFAULT_PRIORITY } from '../../../shared/domain/alarm';
import { DEFAULT_TARGETS, targetFor } from '../../../shared/domain/alarm-lifecycle';
import { mergeSchedule, roundsBetween } from '../../../shared/domain/patrol';
import { seededRandom } from '../../../shared/domain/random';
import {
  dayNumber,
  dayOfNumber,
  localDay,
  monthDay,
  startOfLocalDay,
} from '../../../shared/domain/report-period';
import type { SiteFile } from '../../../shared/domain/site';
import { message } from './labels';

/** Set once the demo's history is written: a restart (or an emptied table) never writes it again. */
export const HISTORY_FLAG = 'reports.demoHistory';

/** What the demo's alarms are, with their weights: mostly intrusion and door events, some faults, rare fires. */
const MIX: Array<[AlarmType, number]> = [
  ['intrusion', 22],
  ['door_held', 16],
  ['door_forced', 5],
  ['smoke', 6],
  ['fire', 1],
  ['water_leak', 4],
  ['fire_facility_fault', 6],
  ['lighting_fault', 5],
  ['camera_offline', 6],
  ['fire_lane_parking', 10],
  ['elevator_entrapment', 2],
  ['patrol_missed', 3],
];

/** Alarms come more at night and at the evening rush: relative weight per local hour. */
const HOUR_WEIGHT = [5, 4, 3, 3, 3, 3, 4, 6, 7, 5, 4, 4, 5, 4, 4, 4, 5, 7, 8, 8, 7, 6, 6, 5];

function pick<T>(rnd: () => number, items: ReadonlyArray<[T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rnd() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1]![0];
}

export interface HistoryResult {
  alarms: number;
  rounds: number;
  visits: number;
  drills: number;
}

/**
 * Three months of the demo site's past (issue 19), up to the start of today: alarms handled with their response
 * times and outcomes, patrol rounds with their visits, monthly drills. Deterministic for a seed and a day, written
 * in one transaction with batch inserts; arrival numbers (`seq`) are negative so the live queue's own numbering
 * is untouched. Hazards and work orders are left to the facilities feature (their numbers are shown to people).
 */
export async function writeDemoHistory(
  db: Knex,
  o: { site: SiteFile; now: number; seed?: number; days?: number },
): Promise<HistoryResult | undefined> {
  if (await db('meta').where({ key: HISTORY_FLAG }).first()) return undefined;
  const { site } = o;
  const rnd = seededRandom(o.seed ?? 19);
  const today = localDay(o.now, site.timeZone);
  const firstDay = dayOfNumber(dayNumber(today) - (o.days ?? 91));
  const from = startOfLocalDay(firstDay, site.timeZone);
  const to = startOfLocalDay(today, site.timeZone);
  const zones = site.zones.map((z) => z.id);
  const cameras = site.cameras.map((c) => ({ id: c.id, zone: c.zone ?? zones[0] ?? null }));
  const operators = ['值班员 张敏', '值班员 王磊'];
  const alarms: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const assignments: Record<string, unknown>[] = [];
  const guards = site.guards.map((g) => g.id);
  let seq = -1;
  for (let day = dayNumber(firstDay); day < dayNumber(today); day++) {
    const dayStart = startOfLocalDay(dayOfNumber(day), site.timeZone);
    const count = 18 + Math.floor(rnd() * 16);
    for (let n = 0; n < count; n++) {
      const hour = pick(
        rnd,
        HOUR_WEIGHT.map((w, h) => [h, w] as [number, number]),
      );
      const receivedAt = dayStart + hour * 3_600_000 + Math.floor(rnd() * 3_600_000);
      if (receivedAt >= to) continue;
      const type = pick(rnd, MIX);
      const priority = DEFAULT_PRIORITY[type];
      const camera = cameras[Math.floor(rnd() * cameras.length)];
      const zone = camera?.zone ?? null;
      // A few devices are badly placed: their detectors raise most of the false alarms (the worst offenders).
      const noisy = camera && (camera.id === 'cam-09' || camera.id === 'cam-06');
      const falseChance = type === 'intrusion' || type === 'door_held' ? (noisy ? 0.75 : 0.35) : 0.15;
      const disposition =
        rnd() < falseChance ? (rnd() < 0.6 ? 'false_alarm' : 'nuisance') : rnd() < 0.04 ? 'test' : 'real';
      const ackTarget = targetFor(DEFAULT_TARGETS.acknowledgeSec, priority) * 1000;
      const ackMs = Math.round(ackTarget * (0.15 + rnd() * (rnd() < 0.12 ? 2.5 : 0.8)));
      const dispatched = disposition === 'real' && rnd() < 0.7;
      const dispatchMs = ackMs + Math.round(20_000 + rnd() * 90_000);
      const onSceneMs = dispatchMs + Math.round(60_000 + rnd() * 300_000);
      const resolveTarget = targetFor(DEFAULT_TARGETS.resolveSec, priority) * 1000;
      const resolveMs = Math.max(
        (dispatched ? onSceneMs : ackMs) + 30_000,
        Math.round(resolveTarget * (0.1 + rnd() * (rnd() < 0.1 ? 1.6 : 0.7))),
      );
      const id = `hist-${-seq}`;
      const operator = operators[Math.floor(hour / 12) % 2]!;
      const words = {
        'zh-CN': message('zh-CN', `alarmType.${type}`),
        en: message('en', `alarmType.${type}`),
      };
      alarms.push({
        id,
        source: 'hub',
        source_id: `history-${-seq}`,
        device_id: camera?.id ?? null,
        type,
        priority,
        zone,
        cameras: camera ? JSON.stringify([camera.id]) : '[]',
        text: words['zh-CN'],
        texts: JSON.stringify(words),
        raised_at: receivedAt,
        received_at: receivedAt,
        last_seen_at: receivedAt,
        count: 1,
        state: 'resolved',
        acknowledged_at: receivedAt + ackMs,
        acknowledged_by: operator,
        resolved_at: receivedAt + resolveMs,
        resolved_by: operator,
        disposition,
        resolution_note: message('zh-CN', `disposition.${disposition}`),
        escalated_at: ackMs > ackTarget ? receivedAt + ackTarget : null,
        held: 0,
        drill: 0,
        updated_at: receivedAt + resolveMs,
        seq: seq--,
        received_steady: null,
        ack_ms: ackMs,
        resolve_ms: resolveMs,
      });
      const event = (at: number, kind: string, fromState: string, toState: string) =>
        events.push({
          alarm_id: id,
          at,
          kind,
          operator_id: 'history',
          operator_name: operator,
          from_state: fromState,
          to_state: toState,
          note: null,
        });
      event(receivedAt + ackMs, 'acknowledged', 'new', 'acknowledged');
      if (dispatched) {
        event(receivedAt + dispatchMs, 'dispatched', 'acknowledged', 'dispatched');
        event(receivedAt + onSceneMs, 'on_scene', 'dispatched', 'on_scene');
        const guard = guards[Math.floor(rnd() * guards.length)];
        if (guard)
          assignments.push({
            alarm_id: id,
            guard_id: guard,
            dispatched_at: receivedAt + dispatchMs,
            dispatched_by: operator,
            arrived_at: receivedAt + onSceneMs,
            arrival: 'gps',
            ended_at: receivedAt + resolveMs,
          });
      }
      event(receivedAt + resolveMs, 'resolved', dispatched ? 'on_scene' : 'acknowledged', 'resolved');
    }
  }

  const rounds: Record<string, unknown>[] = [];
  const visits: Record<string, unknown>[] = [];
  for (const route of site.routes) {
    const schedule = mergeSchedule(site.patrol, route.schedule);
    const guard = site.guards.find((g) => g.route === route.id)?.id ?? site.guards[0]?.id ?? 'guard';
    for (const round of roundsBetween(from, to, schedule, site.timeZone)) {
      const night = round.band === 'night';
      // Night rounds slip more often, and the far corner of each route is the one most often left out.
      const counts = { on_time: 0, early: 0, late: 0, missed: 0 };
      const span = round.windowEnd - round.start;
      route.checkpoints.forEach((cp, i) => {
        const x = rnd();
        const far = i === route.checkpoints.length - 1;
        const missP = (night ? 0.03 : 0.01) + (far ? 0.03 : 0);
        const lateP = missP + (night ? 0.08 : 0.04);
        const timing = x < missP ? 'missed' : x < lateP ? 'late' : x > 0.97 ? 'early' : 'on_time';
        counts[timing]++;
        if (timing === 'missed') return;
        const at =
          timing === 'late'
            ? round.windowEnd + Math.floor(rnd() * 15 * 60_000)
            : timing === 'early'
              ? round.start - Math.floor(rnd() * 5 * 60_000)
              : round.start + Math.floor(((i + rnd()) / route.checkpoints.length) * span);
        visits.push({
          route_id: route.id,
          checkpoint_id: cp.id,
          round_start: round.start,
          at,
          guard_id: guard,
          method: rnd() < 0.7 ? 'scan' : 'gps',
          timing,
        });
      });
      rounds.push({
        route_id: route.id,
        round_start: round.start,
        window_end: round.windowEnd,
        band: round.band,
        on_time: counts.on_time,
        early: counts.early,
        late: counts.late,
        missed: counts.missed,
        checkpoints: route.checkpoints.length,
        closed_at: round.windowEnd,
        skipped: 0,
      });
    }
  }

  const drills: Record<string, unknown>[] = [];
  for (let m = 0; m < 3; m++) {
    const day = dayOfNumber(dayNumber(firstDay) + 10 + m * 30);
    const at = startOfLocalDay(day, site.timeZone) + 15 * 3_600_000;
    if (at >= to) continue;
    const cancelled = m === 1;
    drills.push({
      id: `hist-drill-${m + 1}`,
      playbook_id: m === 2 ? 'water-leak' : 'fire',
      title: message('zh-CN', m === 2 ? 'reports.demoDrillWater' : 'reports.demoDrillFire'),
      scheduled_at: at,
      zone: zones[m] ?? null,
      participants: '[]',
      objectives: '',
      state: cancelled ? 'cancelled' : 'finished',
      created_by: 'history',
      created_at: at - 7 * 86_400_000,
      started_at: cancelled ? null : at,
      finished_at: cancelled ? null : at + (25 + m * 5) * 60_000,
      observations: '',
      // None: a corrective action is free text in one language, and the drills list must read in both.
      corrective_actions: '[]',
    });
  }

  const satisfaction = demoSatisfaction(today, rnd, o.now);
  const reviews = demoReviews(today, o.now);
  await db.transaction(async (trx) => {
    await inChunks(trx, 'alarms', alarms);
    await inChunks(trx, 'alarm_events', events);
    await inChunks(trx, 'guard_assignments', assignments);
    await inChunks(trx, 'satisfaction_results', satisfaction);
    await inChunks(trx, 'quarter_reviews', reviews);
    await inChunks(trx, 'patrol_rounds', rounds);
    await inChunks(trx, 'patrol_visits', visits);
    await inChunks(trx, 'drills', drills);
    await trx('meta').insert({ key: HISTORY_FLAG, value: JSON.stringify({ at: o.now, from, to }) });
  });
  return { alarms: alarms.length, rounds: rounds.length, visits: visits.length, drills: drills.length };
}

/**
 * The property office's last three monthly surveys (the months before today's), 居民安全满意度 and 居民综合满意度,
 * as a supervisor would have imported them: answer counts of some 150 households each.
 */
function demoSatisfaction(today: string, rnd: () => number, now: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const [y, m] = today.split('-').map(Number) as [number, number];
  for (let back = 3; back >= 1; back--) {
    const first = monthDay(y, m - back);
    const last = monthDay(y, m - back + 1, 0);
    for (const [dimension, base] of [
      ['safety', 0.9],
      ['overall', 0.86],
    ] as const) {
      const sample = 140 + Math.floor(rnd() * 40);
      const good = Math.round(sample * (base + (3 - back) * 0.01 + rnd() * 0.02));
      const very = Math.round(good * 0.55);
      const neutral = Math.round((sample - good) * 0.7);
      const answers = [very, good - very, neutral, sample - good - neutral, 0];
      out.push({
        id: `hist-satisfaction-${first}-${dimension}`,
        first_day: first,
        last_day: last,
        dimension,
        score: good / sample,
        sample,
        answers: JSON.stringify(answers),
        file_name: 'demo',
        imported_at: now,
        imported_by: 'history',
      });
    }
  }
  return out;
}

/** What the demo's quarterly reviews say, as the supervisor wrote them down (Chinese): data, in either language. */
export const DEMO_REVIEW_TEXTS = {
  by: '主管 刘伟',
  residents: ['居民代表 陈玉兰', '居民代表 赵国强', '居民代表 孙丽'],
  committee: ['业委会 周建华', '业委会 吴敏'],
  staff: ['物业经理 郑涛', '保安队长 冯军'],
  earlier: [
    ['vehicles', '晚高峰南门访客车辆排队，希望增加引导'],
    ['security', '夜间巡逻到位，居民反映安全感提升'],
    ['fire', '3号楼地下车库消防通道偶有车辆停放'],
  ],
  later: [
    ['response', '报修响应比上季度快，希望继续保持'],
    ['vehicles', '消防通道违停处置及时，建议高峰时段加强巡查'],
  ],
  conclusionEarlier: '本季度服务总体良好，车辆秩序和消防通道管理需加强，下季度重点整改。',
  conclusionLater: '上季度提出的问题已基本整改，居民满意度提高，继续保持。',
} as const;

/**
 * The quarterly reviews (季度互评) of the two quarters before today's, held some ten days after each: who took part,
 * the scores and the opinions, as a supervisor would have recorded them. Opinions are noted only (hazards and work
 * orders are numbered by the facilities feature, which the history does not write).
 */
function demoReviews(today: string, now: number): Record<string, unknown>[] {
  const T = DEMO_REVIEW_TEXTS;
  const [y, m] = today.split('-').map(Number) as [number, number];
  const yesterday = dayOfNumber(dayNumber(today) - 1);
  const quarters = [6, 3].map((back) => {
    const first = monthDay(y, 3 * Math.floor((m - 1) / 3) + 1 - back);
    const [qy, qm] = first.split('-').map(Number) as [number, number];
    const last = dayOfNumber(dayNumber(monthDay(qy, qm + 3)) - 1);
    // Ten days after the quarter, or yesterday if that is still to come (the quarter just ended).
    const held = dayOfNumber(dayNumber(last) + 10);
    return { quarter: `${qy}-Q${Math.ceil(qm / 3)}`, heldOn: held <= yesterday ? held : yesterday };
  });
  const scores = [
    [86, 80, 84, 87, 88, 85],
    [90, 86, 89, 88, 90, 91],
  ];
  const dims = ['security', 'vehicles', 'fire', 'emergency', 'attitude', 'response'];
  return quarters.map((q, i) => ({
    id: `hist-review-${q.quarter}`,
    quarter: q.quarter,
    held_on: q.heldOn,
    recorded_at: now,
    recorded_by: T.by,
    participants: JSON.stringify({ residents: T.residents, committee: T.committee, staff: T.staff }),
    scores: JSON.stringify(dims.map((id, j) => ({ id, score: scores[i]![j] }))),
    opinions: JSON.stringify(
      (i === 0 ? T.earlier : T.later).map(([dimension, text]) => ({ dimension, text })),
    ),
    conclusion: i === 0 ? T.conclusionEarlier : T.conclusionLater,
  }));
}

/**
 * Rows through one prepared statement on the transaction's connection: knex building a statement per batch cost
 * seconds on a loaded machine, and the console prints its address only after every feature started.
 */
export async function inChunks(
  trx: Knex.Transaction,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const stmt = prepared(
    await connectionOf(trx),
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
  );
  // A turn of the event loop every 500 rows: the console answers its pages (and its link's pings) while the demo's
  // past is written at first start; whatever else wants the database waits for this one transaction.
  for (let i = 0; i < rows.length; i++) {
    stmt.run(rows[i]!);
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
}
