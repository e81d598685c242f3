import { join } from 'node:path';
import type { Knex } from 'knex';
import type { DutyEntry, DutyFilter } from '../../../shared/contract';
import { backupDatabase } from '../db/backup';
import { connectionOf, isTransaction, prepared } from '../../common/prepared';
import { csvDocument } from '../util/csv';
import { present } from '../util/optional';

/**
 * One automatic or manual line of the duty log (值班记录). Every feature writes through this, inside the same
 * transaction as the change it records, so the log never claims something that was rolled back.
 */
export interface DutyLogEntry {
  at: number;
  /** What happened, e.g. `alarm`, `escalation`, `patrol_missed`, `call`, `drill`, `hub_link`. */
  kind: string;
  text: string;
  alarmId?: string | undefined;
  operatorId?: string | undefined;
  cameraId?: string | undefined;
  /** Written by an operator by hand (not by the console). */
  manual?: boolean | undefined;
  /** To be carried over at every handover until an entry of kind `follow_up_done` refers to it. */
  followUp?: boolean | undefined;
  /** The entry this one corrects or closes: entries are never edited. */
  refId?: number | undefined;
}

export async function writeDutyLog(trx: Knex | Knex.Transaction, entry: DutyLogEntry): Promise<number> {
  const row = {
    at: entry.at,
    kind: entry.kind,
    text: entry.text,
    alarm_id: entry.alarmId ?? null,
    operator_id: entry.operatorId ?? null,
    camera_id: entry.cameraId ?? null,
    manual: entry.manual ? 1 : 0,
    follow_up: entry.followUp ? 1 : 0,
    ref_id: entry.refId ?? null,
  };
  if (isTransaction(trx)) {
    // Every hub alarm writes a line: a prepared statement on the transaction's connection (common/prepared.ts).
    const { lastInsertRowid } = prepared(
      await connectionOf(trx),
      'INSERT INTO duty_log (at, kind, text, alarm_id, operator_id, camera_id, manual, follow_up, ref_id) ' +
        'VALUES (@at, @kind, @text, @alarm_id, @operator_id, @camera_id, @manual, @follow_up, @ref_id)',
    ).run(row);
    return Number(lastInsertRowid);
  }
  const [id] = (await trx('duty_log').insert(row)) as number[];
  return id!;
}

export interface DutyRow {
  id: number;
  at: number;
  kind: string;
  text: string;
  alarm_id: string | null;
  operator_id: string | null;
  camera_id: string | null;
  manual: number;
  follow_up: number;
  ref_id: number | null;
}

/** The fields a shift seal hashes, in a fixed order. */
export function dutyRowFields(r: DutyRow): unknown[] {
  return [
    r.id,
    r.at,
    r.kind,
    r.text,
    r.alarm_id,
    r.operator_id,
    r.camera_id,
    r.manual,
    r.follow_up,
    r.ref_id,
  ];
}

function filtered(db: Knex, filter: DutyFilter): Knex.QueryBuilder {
  const q = db('duty_log as d').leftJoin('operators as o', 'o.id', 'd.operator_id');
  if (filter.kinds?.length) q.whereIn('d.kind', filter.kinds);
  if (filter.from !== undefined) q.where('d.at', '>=', filter.from);
  if (filter.to !== undefined) q.where('d.at', '<', filter.to);
  if (filter.manual !== undefined) q.where('d.manual', filter.manual ? 1 : 0);
  if (filter.followUp !== undefined) q.where('d.follow_up', filter.followUp ? 1 : 0);
  if (filter.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.where((w) =>
      w
        .whereRaw("d.text LIKE ? ESCAPE '\\'", [like])
        .orWhereRaw("d.alarm_id LIKE ? ESCAPE '\\'", [like])
        .orWhereRaw("d.camera_id LIKE ? ESCAPE '\\'", [like])
        .orWhereRaw("o.name LIKE ? ESCAPE '\\'", [like]),
    );
  }
  if (filter.shiftId) {
    q.whereExists(
      db('shifts as s')
        .where('s.id', filter.shiftId)
        .whereRaw('d.id > s.after_log_id')
        .whereRaw('(s.to_log_id IS NULL OR d.id <= s.to_log_id)'),
    );
  }
  return q;
}

type ListedRow = DutyRow & {
  operator_name: string | null;
  shift_id: string | null;
  sealed_at: number | null;
};

function toEntry(r: ListedRow): DutyEntry {
  return {
    id: r.id,
    at: r.at,
    kind: r.kind,
    text: r.text,
    ...present({
      alarmId: r.alarm_id,
      cameraId: r.camera_id,
      operatorId: r.operator_id,
      operatorName: r.operator_name,
    }),
    manual: r.manual === 1,
    followUp: r.follow_up === 1,
    ...present({ refId: r.ref_id, shiftId: r.shift_id }),
    sealed: r.sealed_at !== null,
  };
}

function selectListed(q: Knex.QueryBuilder, db: Knex): Knex.QueryBuilder {
  // A shift covers a contiguous id range, so the owning shift is the one whose range contains the id.
  return q.select(
    'd.*',
    'o.name as operator_name',
    db.raw(
      '(SELECT s.id FROM shifts s WHERE d.id > s.after_log_id AND (s.to_log_id IS NULL OR d.id <= s.to_log_id) ORDER BY s.started_at DESC LIMIT 1) AS shift_id',
    ),
    db.raw(
      '(SELECT s.sealed_at FROM shifts s WHERE d.id > s.after_log_id AND d.id <= s.to_log_id ORDER BY s.started_at DESC LIMIT 1) AS sealed_at',
    ),
  );
}

export async function listDutyLog(
  db: Knex,
  filter: DutyFilter,
  limit: number,
  before?: number,
): Promise<{ entries: DutyEntry[]; more: boolean }> {
  const q = filtered(db, filter);
  if (before !== undefined) q.where('d.id', '<', before);
  const rows = (await selectListed(q, db)
    .orderBy('d.id', 'desc')
    .limit(limit + 1)) as ListedRow[];
  return { entries: rows.slice(0, limit).map(toEntry), more: rows.length > limit };
}

export async function dutyEntry(db: Knex | Knex.Transaction, id: number): Promise<DutyEntry | undefined> {
  const row = (await selectListed(filtered(db as Knex, {}).where('d.id', id), db as Knex).first()) as
    ListedRow | undefined;
  return row ? toEntry(row) : undefined;
}

export async function exportDutyLogCsv(db: Knex, filter: DutyFilter): Promise<{ csv: string; rows: number }> {
  const rows = (await selectListed(filtered(db, filter), db).orderBy('d.id', 'asc')) as ListedRow[];
  const header = [
    'id',
    'time',
    'kind',
    'text',
    'operator',
    'alarm',
    'camera',
    'manual',
    'follow_up',
    'refers_to',
    'shift',
    'sealed',
  ];
  const cells = rows.map((r) => {
    const e = toEntry(r);
    return [
      e.id,
      new Date(e.at).toISOString(),
      e.kind,
      e.text,
      e.operatorName ?? e.operatorId ?? '',
      e.alarmId ?? '',
      e.cameraId ?? '',
      e.manual ? 1 : 0,
      e.followUp ? 1 : 0,
      e.refId ?? '',
      e.shiftId ?? '',
      e.sealed ? 1 : 0,
    ];
  });
  return { csv: csvDocument(header, cells), rows: rows.length };
}

/** The issue's floor: at least this many entries of every kind are always kept. */
export const MIN_KEPT_PER_KIND = 10_000;

/**
 * Keeps the duty log from growing without end: a kind with more than `capPerKind` entries loses its oldest
 * ones down to the cap, but only after an online backup holding them was written (outside the rotating
 * backups), and the removal is recorded so a sealed shift's check can say where the entries went.
 */
export async function enforceDutyRetention(
  db: Knex,
  o: { capPerKind: number; backupsDir: string; at: number },
): Promise<{ removed: number; backup?: string }> {
  const cap = Math.max(MIN_KEPT_PER_KIND, o.capPerKind);
  const over = (await db('duty_log')
    .select('kind')
    .count({ n: '*' })
    .groupBy('kind')
    .havingRaw('count(*) > ?', [cap])) as Array<{ kind: string; n: number }>;
  if (over.length === 0) return { removed: 0 };
  const backup = await backupDatabase(db, join(o.backupsDir, 'retention'), 'manual', o.at, 10_000);
  let removed = 0;
  await db.transaction(async (trx) => {
    for (const { kind, n } of over) {
      const cut = (await trx('duty_log')
        .where({ kind })
        .orderBy('id', 'asc')
        .offset(Number(n) - cap - 1)
        .first('id')) as { id: number };
      const count = await trx('duty_log').where({ kind }).andWhere('id', '<=', cut.id).delete();
      removed += count;
      await trx('duty_log_pruned').insert({
        at: o.at,
        kind,
        up_to_id: cut.id,
        removed: count,
        backup_file: backup,
      });
    }
  });
  return { removed, backup };
}
