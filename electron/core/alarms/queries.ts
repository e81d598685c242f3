import { type AlarmFilter, type AlarmView } from '../../../shared/contract';
import { ServiceError } from '../errors';
import { toCsv, toEventView, toView, type AlarmRow } from './rows';
import type { AlarmCore } from './core';

/* Reading alarms: one with its trail, the open queue, the closed history a page at a time, and its CSV. */

export async function get(c: AlarmCore, id: string) {
  const row = (await c.o.db('alarms').where({ id }).first()) as AlarmRow | undefined;
  if (!row) throw new ServiceError('not_found', `There is no alarm "${id}".`);
  const events = (await c.o.db('alarm_events').where({ alarm_id: id }).orderBy('id')) as Parameters<
    typeof toEventView
  >[0][];
  const deviceHistory = row.device_id
    ? ((await c.o
        .db('alarms')
        .where({ device_id: row.device_id })
        .whereNot({ id })
        .orderBy('received_at', 'desc')
        .limit(20)) as AlarmRow[])
    : [];
  return { alarm: toView(row), events: events.map(toEventView), deviceHistory: deviceHistory.map(toView) };
}

export async function openAlarms(c: AlarmCore): Promise<AlarmView[]> {
  const rows = (await c.o
    .db('alarms')
    .whereNot('state', 'resolved')
    .orderBy([{ column: 'priority' }, { column: 'seq' }])) as AlarmRow[];
  const views = rows.map(toView);
  if (c.unsaved.size === 0) return views;
  // Alarms not stored yet join the queue (a re-trigger shown in place of its stored alarm).
  const byId = new Map(views.map((v) => [v.id, v]));
  for (const { view } of c.unsaved.values()) byId.set(view.id, view);
  return [...byId.values()].sort(
    (a, b) => a.priority - b.priority || (a.seq ?? a.receivedAt) - (b.seq ?? b.receivedAt),
  );
}

/** Closed alarms newest first, keyset-paged so page 1000 costs what page 1 costs. */
export async function history(
  c: AlarmCore,
  filter: AlarmFilter,
  limit: number,
  before?: { resolvedAt: number; id: string },
): Promise<{ alarms: AlarmView[]; more: boolean }> {
  const q = c.o.db('alarms').whereNotNull('resolved_at');
  if (filter.types?.length) q.whereIn('type', filter.types);
  if (filter.zones?.length) q.whereIn('zone', filter.zones);
  if (filter.priorities?.length) q.whereIn('priority', filter.priorities);
  if (filter.from !== undefined) q.where('resolved_at', '>=', filter.from);
  if (filter.to !== undefined) q.where('resolved_at', '<', filter.to);
  if (!filter.includeDrills) q.where('drill', 0);
  if (filter.search) {
    const like = `%${filter.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    q.where((w) =>
      w
        .whereRaw("text LIKE ? ESCAPE '\\'", [like])
        .orWhereRaw("texts LIKE ? ESCAPE '\\'", [like])
        .orWhereRaw("resolution_note LIKE ? ESCAPE '\\'", [like])
        .orWhereRaw("device_id LIKE ? ESCAPE '\\'", [like]),
    );
  }
  // A row value, not `a < x OR (a = x AND b < y)`: SQLite seeks an index to it instead of filtering every row
  // newer than the page (the deeper the page, the more rows), so page 1,000 costs what page 1 costs.
  if (before) q.whereRaw('(resolved_at, id) < (?, ?)', [before.resolvedAt, before.id]);
  const rows = (await q
    .orderBy([
      { column: 'resolved_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit + 1)) as AlarmRow[];
  return { alarms: rows.slice(0, limit).map(toView), more: rows.length > limit };
}

export async function exportCsv(c: AlarmCore, filter: AlarmFilter): Promise<{ csv: string; rows: number }> {
  const all: AlarmView[] = [];
  let before: { resolvedAt: number; id: string } | undefined;
  for (;;) {
    const page = await history(c, filter, 500, before);
    all.push(...page.alarms);
    const last = page.alarms.at(-1);
    if (!page.more || !last || all.length >= 100_000) break;
    before = { resolvedAt: last.resolvedAt!, id: last.id };
  }
  return { csv: toCsv(all), rows: all.length };
}
