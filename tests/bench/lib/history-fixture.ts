/**
 * A console database with a year of closed alarms, for the history query benchmark. The schema comes from the
 * product's own migrations (openDatabase); the rows are then written straight into `incidents`, `alarms` and
 * `alarm_sources` with better-sqlite3 prepared statements, in transactions of `chunk` rows, with the product's
 * pragmas (WAL, synchronous=FULL, foreign keys on, so every incident_id / alarm_id reference is checked).
 *
 * Rows are written in the order a console receives them (received_at ascending, exponential gaps averaging a year
 * divided by the count, busier in the evening), with the benchmark's type mix, zone spread, response times from
 * seconds to hours, the product's zone grouping into incidents (same zone within 120 s), product ids (UUIDs),
 * a few re-triggered, escalated and drill alarms, and realistic dispositions and notes.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { openDatabase } from '../../../electron/common/database';
import { MIGRATIONS } from '../../../electron/core/schema';
import { createLogger } from '../../../electron/common/log';
import { effectivePriority } from '../../../shared/domain/alarm';
import { camerasOf, pick, pickSpec, positionIn, rng, zoneText } from './alarm-mix';

const DAY = 24 * 3600 * 1000;
const YEAR = 365 * DAY;
const GROUP_WINDOW_MS = 120_000;

const OPERATORS = ['王敏', '陈杰', '刘洋', '赵丽'];
const NOTES: Record<string, string[]> = {
  real: ['保安到场处置完毕', '已通知物业维修', '已联系住户, 现场恢复', '已报 119, 消防到场处置'],
  false_alarm: ['现场核查无异常, 探测器误报', '住户烧菜油烟', '风吹门未关好'],
  test: ['维保单位例行测试', '消防联动测试'],
  nuisance: ['小动物触发', '雨水触发红外', '重复报警, 已报修'],
};
const DISPOSITION_WEIGHTS: [string, number][] = [
  ['real', 45],
  ['false_alarm', 35],
  ['nuisance', 15],
  ['test', 5],
];

export interface HistoryFixture {
  rows: number;
  incidents: number;
  insertMs: number;
  fileMb: number;
  from: number;
  to: number;
}

function weighted(r: () => number, list: [string, number][]): string {
  const total = list.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of list) {
    x -= w;
    if (x < 0) return v;
  }
  return list[0]![0];
}

/** Evening and night are busier than mid-morning: a factor in 0.5..1.5 by hour of day (UTC+8). */
function hourFactor(t: number): number {
  const h = (new Date(t).getUTCHours() + 8) % 24;
  return 1 + 0.5 * Math.cos(((h - 21) / 24) * 2 * Math.PI);
}

export async function buildHistoryDb(
  file: string,
  rows: number,
  now: number,
  onProgress: (done: number) => void,
  chunk = 10_000,
): Promise<HistoryFixture> {
  const knex = await openDatabase({ file, log: createLogger({ level: 'error' }), migrations: MIGRATIONS });
  await knex.destroy();

  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  const insAlarm = db.prepare(
    `INSERT INTO alarms (id, source, source_id, device_id, type, priority, zone, lat, lon, cameras, text,
       raised_at, received_at, last_seen_at, count, state, incident_id, acknowledged_at, acknowledged_by,
       resolved_at, resolved_by, disposition, resolution_note, escalated_at, held, drill, updated_at)
     VALUES (?, 'hub', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'resolved', ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
  );
  const insSource = db.prepare(
    `INSERT INTO alarm_sources (source, source_id, alarm_id, received_at) VALUES ('hub', ?, ?, ?)`,
  );
  const insIncident = db.prepare(
    `INSERT INTO incidents (id, zone, opened_at, closed_at, drill) VALUES (?, ?, ?, ?, ?)`,
  );

  const r = rng(20240601);
  // Ends about a day ago, so even the slowest resolutions lie in the past; E[1 / hourFactor] = 1 / sqrt(0.75).
  const from = now - YEAR - DAY;
  const meanGap = (YEAR / rows) * Math.sqrt(0.75);
  const lastInZone = new Map<string, { at: number; incident: string; drill: number }>();
  let t = from;
  let incidents = 0;
  const started = performance.now();

  const writeChunk = db.transaction((start: number, end: number) => {
    for (let i = start; i < end; i++) {
      t += (-Math.log(1 - r()) * meanGap) / hourFactor(t);
      const received = Math.round(t);
      const spec = pickSpec(r);
      const zone = pick(r, spec.zones);
      const floor = 1 + Math.floor(r() * 18);
      const drill = r() < 0.005 ? 1 : 0;
      const priority = effectivePriority(spec.type);
      const raised = received - Math.round(50 + r() * 400);
      // Acknowledged within seconds to a couple of minutes; resolved minutes to hours later.
      const acked = received + Math.round(3_000 + r() * r() * 180_000);
      const resolved = acked + Math.round(60_000 * Math.exp(r() * Math.log(360)));
      const escalated = acked - received > (priority === 1 ? 30_000 : 60_000) ? received + 60_000 : null;
      const count = r() < 0.08 ? 2 + Math.floor(r() * 4) : 1;
      const disposition = weighted(r, DISPOSITION_WEIGHTS);
      const loc = positionIn(r, zone);
      const cams = camerasOf(zone);
      const prev = lastInZone.get(zone);
      let incident: string;
      if (prev && prev.drill === drill && received - prev.at <= GROUP_WINDOW_MS) incident = prev.incident;
      else {
        incident = randomUUID();
        incidents++;
        insIncident.run(incident, zone, received, resolved, drill);
      }
      lastInZone.set(zone, { at: received, incident, drill });
      const id = randomUUID();
      const sourceId = `h-${i}`;
      insAlarm.run(
        id,
        sourceId,
        `${spec.device}-${zone}-${floor}-${Math.floor(r() * 4)}`,
        spec.type,
        priority,
        zone,
        loc.lat,
        loc.lon,
        JSON.stringify(cams.length ? [pick(r, cams)] : []),
        `${zoneText(zone)} ${floor}F ${pick(r, spec.texts)}`,
        raised,
        received,
        received + (count - 1) * 20_000,
        count,
        incident,
        acked,
        pick(r, OPERATORS),
        resolved,
        pick(r, OPERATORS),
        disposition,
        pick(r, NOTES[disposition]!),
        escalated,
        drill,
        resolved,
      );
      insSource.run(sourceId, id, received);
    }
  });

  for (let start = 0; start < rows; start += chunk) {
    writeChunk(start, Math.min(rows, start + chunk));
    if ((start / chunk) % 10 === 9) onProgress(Math.min(rows, start + chunk));
    // Let the event loop breathe (timers, the watchdog) between transactions.
    await new Promise((resolve) => setImmediate(resolve));
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pages = db.pragma('page_count', { simple: true }) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  return {
    rows,
    incidents,
    insertMs: Math.round(performance.now() - started),
    fileMb: Math.round((pages * pageSize) / 1e5) / 10,
    from,
    to: now,
  };
}
