/**
 * The history part of the alarm benchmark: `alarms.history` through the core's router over a database of closed
 * alarms (lib/history-fixture.ts), page 1 of a filtered view and page 50 of it through the keyset cursor, with
 * SQLite's EXPLAIN QUERY PLAN of the exact SQL the service ran (captured from knex's `query` event).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createDesk } from '../../../electron/desk';
import { createLogger, type LogLine } from '../../../electron/common/log';
import type { AlarmView } from '../../../shared/contract';
import { buildHistoryDb } from './history-fixture';
import type { HubProcess } from './hub-client';
import { percentile as pct, round1 } from './stats';

export interface HistoryDeps {
  hub: HubProcess;
  tmp: string;
  rows: number;
  runs: number;
  onCleanup(name: string, fn: () => Promise<void> | void): () => Promise<void>;
  log(line: string): void;
}

export interface PageTiming {
  median: number;
  p95: number;
  first_run: number;
  sql_only_median: number;
}

export interface HistoryResult {
  rows: number;
  filter: Record<string, unknown>;
  matching_filter: number;
  page1: PageTiming;
  page50: PageTiming;
  /** The product as it is, page 400 (rows 39,901..40,000): "at any depth" (undefined if fewer rows match). */
  page400_median_ms: number | undefined;
  walk_pages_2_to_50_ms: number;
  rows_ok: boolean;
  sql: string;
  sql_page50: string;
  plan: string;
  plan_page50: string;
  fixture: Record<string, unknown>;
  core_open_ms: number;
  /** Not the product as is: what the same page costs deeper down, and with the index / keyset the report proposes. */
  what_if: Record<string, unknown>;
  errors: string[];
}

export function formatPlan(rows: { id: number; parent: number; detail: string }[]): string {
  const depth = new Map<number, number>([[0, -1]]);
  return rows
    .map((r) => {
      const d = (depth.get(r.parent) ?? -1) + 1;
      depth.set(r.id, d);
      return `${'  '.repeat(d)}${r.detail}`;
    })
    .join('\n');
}

export async function runHistory(d: HistoryDeps): Promise<HistoryResult> {
  const dir = mkdtempSync(join(d.tmp, 'history-'));
  const releaseDir = d.onCleanup('history data dir', () => rmSync(dir, { recursive: true, force: true }));
  try {
    const file = join(dir, 'console.sqlite');
    d.log(
      `history: writing ${d.rows.toLocaleString('en')} closed alarms over a year into a separate database`,
    );
    const fixture = await buildHistoryDb(file, d.rows, Date.now(), (done) => {
      if (done % 250_000 === 0) d.log(`  history: ${done.toLocaleString('en')} rows`);
    });
    d.log(
      `history: ${fixture.rows.toLocaleString('en')} alarms, ${fixture.incidents.toLocaleString('en')} incidents ` +
        `written in ${(fixture.insertMs / 1000).toFixed(1)} s (${fixture.fileMb} MB); opening a console core on it`,
    );
    const token = randomBytes(16).toString('hex');
    const url = await d.hub.start(join(dir, 'hub.sqlite'), token);
    const releaseHub = d.onCleanup('history hub', () => d.hub.stopHub());
    const errors: LogLine[] = [];
    const openedAt = performance.now();
    const core = await createDesk({
      dataDir: dir,
      dbFile: file,
      hub: { url, token },
      log: createLogger({ level: 'error', sink: (l) => errors.push(l) }),
      demo: { scenario: false },
      // A start-up backup would first copy the whole file; that is another benchmark.
      backups: { enabled: false },
    });
    const coreOpenMs = Math.round(performance.now() - openedAt);
    const releaseCore = d.onCleanup('history console core', () => core.stop());
    try {
      const session = core.openSession('memory', { id: 'bench', name: 'Bench', role: 'operator' });
      let lastSql: { sql: string; bindings: unknown[] } | undefined;
      const onQuery = (q: { sql: string; bindings?: unknown[] }) => {
        if (/from [`"]alarms[`"]/i.test(q.sql) && /resolved_at/.test(q.sql))
          lastSql = { sql: q.sql, bindings: q.bindings ?? [] };
      };
      core.db.on('query', onQuery);
      const filter = { types: ['door_held'], zones: ['bldg-01'] };
      const call = async (input: Record<string, unknown>) => {
        const started = performance.now();
        const env = await core.router.call('alarms.history', input, session);
        const ms = performance.now() - started;
        if (!env.ok) throw new Error(`alarms.history refused: ${env.error.message}`);
        return { ms, value: env.value as { alarms: AlarmView[]; more: boolean } };
      };
      /** One cold call, then `runs` timed calls; the same SQL alone (knex.raw) for comparison; its plan. */
      const timed = async (input: Record<string, unknown>) => {
        const first = await call(input);
        const runs: number[] = [];
        let value = first.value;
        for (let i = 0; i < d.runs; i++) {
          const r = await call(input);
          runs.push(r.ms);
          value = r.value;
        }
        runs.sort((a, b) => a - b);
        const sql = lastSql!;
        const sqlRuns: number[] = [];
        for (let i = 0; i < d.runs; i++) {
          const s = performance.now();
          await core.db.raw(sql.sql, sql.bindings as never);
          sqlRuns.push(performance.now() - s);
        }
        sqlRuns.sort((a, b) => a - b);
        const plan = (await core.db.raw(`EXPLAIN QUERY PLAN ${sql.sql}`, sql.bindings as never)) as {
          id: number;
          parent: number;
          detail: string;
        }[];
        return {
          timing: {
            median: round1(pct(runs, 50)),
            p95: round1(pct(runs, 95)),
            first_run: round1(first.ms),
            sql_only_median: round1(pct(sqlRuns, 50)),
          },
          value,
          sql,
          plan: formatPlan(plan),
        };
      };
      const page1 = await timed({ filter, limit: 100 });
      const okRows = page1.value.alarms.every(
        (a) => a.type === 'door_held' && a.zone === 'bldg-01' && a.state === 'resolved',
      );
      // Walk to page 50 the way the history dialog does: the last row of each page is the next page's cursor.
      let before: { resolvedAt: number; id: string } | undefined;
      let value = page1.value;
      const walkStart = performance.now();
      for (let p = 1; p < 50; p++) {
        const last = value.alarms.at(-1);
        if (!last || !value.more)
          throw new Error(
            `only ${p} pages match the filter: page 50 needs 5,000 matches (more --history-rows)`,
          );
        before = { resolvedAt: last.resolvedAt!, id: last.id };
        value = (await call({ filter, limit: 100, before })).value;
      }
      const walkMs = performance.now() - walkStart;
      const page50 = await timed({ filter, limit: 100, before });

      // How the cost grows with depth: the cursor of page 400 (rows 39,901..40,000), found directly in SQL.
      const matchingWhere = `resolved_at IS NOT NULL AND type = 'door_held' AND zone = 'bldg-01' AND drill = 0`;
      const deepRow = (await core.db.raw(
        `SELECT id, resolved_at FROM alarms WHERE ${matchingWhere} ORDER BY resolved_at DESC, id DESC LIMIT 1 OFFSET 39899`,
      )) as { id: string; resolved_at: number }[];
      const deepBefore = deepRow[0] ? { resolvedAt: deepRow[0].resolved_at, id: deepRow[0].id } : undefined;
      const quick = async (input: Record<string, unknown>, runs = 5) => {
        const t: number[] = [];
        for (let i = 0; i < runs; i++) t.push((await call(input)).ms);
        t.sort((a, b) => a - b);
        return round1(pct(t, 50));
      };
      const whatIf: Record<string, unknown> = {};
      if (deepBefore) whatIf.page400_median_ms = await quick({ filter, limit: 100, before: deepBefore });

      // The proposed index: equality columns first, then the keyset's order, only closed alarms.
      const ixStart = performance.now();
      await core.db.raw(
        'CREATE INDEX bench_whatif_type_zone_resolved ON alarms (type, zone, resolved_at DESC, id DESC) ' +
          'WHERE resolved_at IS NOT NULL',
      );
      whatIf.index =
        'CREATE INDEX … ON alarms (type, zone, resolved_at DESC, id DESC) WHERE resolved_at IS NOT NULL';
      whatIf.index_build_ms = Math.round(performance.now() - ixStart);
      whatIf.with_index_page1_median_ms = await quick({ filter, limit: 100 }, d.runs);
      whatIf.with_index_page50_median_ms = await quick({ filter, limit: 100, before }, d.runs);
      if (deepBefore)
        whatIf.with_index_page400_median_ms = await quick({ filter, limit: 100, before: deepBefore });
      const plan50 = (await core.db.raw(
        `EXPLAIN QUERY PLAN ${page50.sql.sql}`,
        page50.sql.bindings as never,
      )) as {
        id: number;
        parent: number;
        detail: string;
      }[];
      whatIf.with_index_plan_page50 = formatPlan(plan50);
      // ... and the keyset written as a row value, which SQLite can seek to instead of filtering row by row.
      const rowValueSql =
        `SELECT * FROM alarms WHERE ${matchingWhere} AND (resolved_at, id) < (?, ?) ` +
        'ORDER BY resolved_at DESC, id DESC LIMIT 101';
      const rv = async (b: { resolvedAt: number; id: string }) => {
        const t: number[] = [];
        for (let i = 0; i < d.runs; i++) {
          const st = performance.now();
          await core.db.raw(rowValueSql, [b.resolvedAt, b.id]);
          t.push(performance.now() - st);
        }
        t.sort((a, b2) => a - b2);
        return round1(pct(t, 50));
      };
      whatIf.row_value_keyset_sql = rowValueSql;
      whatIf.with_index_row_value_page50_sql_median_ms = await rv(before!);
      if (deepBefore) whatIf.with_index_row_value_page400_sql_median_ms = await rv(deepBefore);
      const rvPlan = (await core.db.raw(`EXPLAIN QUERY PLAN ${rowValueSql}`, [
        before!.resolvedAt,
        before!.id,
      ])) as {
        id: number;
        parent: number;
        detail: string;
      }[];
      whatIf.with_index_row_value_plan = formatPlan(rvPlan);
      core.db.off('query', onQuery);
      const matching = (await core
        .db('alarms')
        .whereNotNull('resolved_at')
        .where({ type: 'door_held', zone: 'bldg-01', drill: 0 })
        .count({ n: '*' })
        .first()) as { n: number };
      return {
        rows: fixture.rows,
        filter: { ...filter, limit: 100 },
        matching_filter: Number(matching.n),
        page1: page1.timing,
        page50: page50.timing,
        page400_median_ms: whatIf.page400_median_ms as number | undefined,
        walk_pages_2_to_50_ms: Math.round(walkMs),
        rows_ok: okRows && page1.value.alarms.length === 100 && page50.value.alarms.length === 100,
        sql: page1.sql.sql,
        sql_page50: page50.sql.sql,
        plan: page1.plan,
        plan_page50: page50.plan,
        fixture: {
          insert_s: round1(fixture.insertMs / 1000),
          file_mb: fixture.fileMb,
          incidents: fixture.incidents,
          from: new Date(fixture.from).toISOString(),
          to: new Date(fixture.to).toISOString(),
        },
        core_open_ms: coreOpenMs,
        what_if: whatIf,
        errors: errors.map((e) => `${e.scope}: ${e.msg}`).slice(0, 5),
      };
    } finally {
      await releaseCore();
      await releaseHub();
    }
  } finally {
    await releaseDir();
  }
}
