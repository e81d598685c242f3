import type { CallContext } from '../router/router';
import type { reportMethods, ReportView } from '../../../shared/contract';
import { roleAllows } from '../../../shared/contract';
import type { ResponseTargets } from '../../../shared/domain/alarm-lifecycle';
import {
  LocalClock,
  localDay,
  periodBounds,
  previousPeriod,
  type PeriodKind,
  type ReportPeriod,
} from '../../../shared/domain/report-period';
import { pickText, type LocalizedText } from '../../../shared/domain/text';
import { ServiceError } from '../errors';
import type { Feature, Infrastructure } from '../feature';
import { shiftBoard } from './board';
import { buildFromFigures, type BuildContext, type PeriodFigures } from './build';
import { rowsBehind } from './rows-behind';
import { writeDemoHistory } from './demo-history';
import { readFacts, readOtherFacts, readPeopleFacts, type PeriodFacts } from './facts';
import { ReportLabels } from './labels';
import { peopleMigration, quarterReviewMigration, reportDaysMigration, reportsMigration } from './migration';
import { reportCsv, reportPdf, reportXlsx } from './export';
import { DaySummaries } from './summaries';
import { SatisfactionStore } from './satisfaction';
import { SelfChecks, type SelfCheckWork } from './self-check';
import { QuarterReviews } from './quarter-review';
import { actorOf } from '../actor';

/** Migrations 24 (indexes), 25 (day summaries), 29 (people, satisfaction) and 30 (quarterly reviews) of issue 19. */
export const reportMigrations = [
  reportsMigration,
  reportDaysMigration,
  peopleMigration,
  quarterReviewMigration,
] as const;

export interface ReportsService {
  report(period: ReportPeriod, compare: boolean): Promise<ReportView>;
}

export interface ReportsOptions {
  targets: () => ResponseTargets;
  /** The demo site that plays: its database gets three months of history on its first start. */
  demo: boolean;
  /** The facilities feature's hazards and work orders: where a self-check's findings go. */
  work?: SelfCheckWork | undefined;
}

/**
 * How many periods' rows are kept for the drill-downs that follow a report: a report and the period it is compared
 * with. A year of a large site is millions of rows in memory, so no more than that.
 */
const CACHE_PERIODS = 2;

/**
 * Reports (issue 19): a period's figures from day summaries (migration 25, summaries.ts) and the period's few
 * drills and hazards, the rows behind a bar (read on demand through migration 24's indexes), the exports, and the
 * live shift board.
 */
export function createReports(
  infra: Infrastructure,
  o: ReportsOptions,
): Feature<typeof reportMethods, ReportsService> {
  const { db, clock, site, log } = infra;
  const cache = new Map<string, { at: number; facts: Promise<PeriodFacts> }>();
  let labels = new ReportLabels(site);
  let history: Promise<unknown> | undefined;
  let backfill: Promise<unknown> | undefined;
  const satisfaction = new SatisfactionStore({ db, now: () => clock.now(), ids: infra.ids });
  const selfChecks = new SelfChecks({ db, now: () => clock.now(), ids: infra.ids, work: () => o.work });
  const quarterReviews = new QuarterReviews({
    db,
    now: () => clock.now(),
    timeZone: site.timeZone,
    ids: infra.ids,
    work: () => o.work,
  });
  const summaries = new DaySummaries({
    db,
    timeZone: site.timeZone,
    now: () => clock.now(),
    routeCheckpoints: () => labels.routeCheckpoints,
  });

  const loadLabels = async () => {
    const devices = new Map<string, LocalizedText>();
    for (const c of site.cameras) devices.set(c.id, c.name);
    try {
      const rows = (await db('facilities').whereNotNull('device_id').select('device_id', 'name')) as Array<{
        device_id: string;
        name: string;
      }>;
      for (const r of rows) devices.set(r.device_id, r.name);
    } catch {
      // the ledger's table is another feature's: without it, devices keep their ids
    }
    labels = new ReportLabels(site, devices);
  };

  /** A period's summary (its days') with its drills and hazards. */
  const figures = async (bounds: {
    kind: PeriodKind;
    first: string;
    last: string;
    from: number;
    to: number;
  }): Promise<PeriodFigures> => {
    const today = localDay(clock.now(), site.timeZone);
    const reviews = await quarterReviews.within(bounds.first, bounds.last);
    return {
      summary: await summaries.period(bounds.first, bounds.last),
      ...(await readOtherFacts(db, bounds)),
      ...(await readPeopleFacts(db, bounds, bounds.last < today ? bounds.last : today)),
      satisfaction: await satisfaction.within(bounds.first, bounds.last),
      selfChecks: await selfChecks.within(bounds.first, bounds.last),
      quarterReviews: reviews,
      // The year's overall evaluation (年度总评) is the year report's: its months and quarters, and today to tell a
      // month not yet due from a missing one.
      ...(bounds.kind === 'year' ? { year: { year: Number(bounds.first.slice(0, 4)), today } } : {}),
    };
  };

  /** A period's rows for a drill-down, read again when older than a minute (today's figures move). */
  const facts = (from: number, to: number): Promise<PeriodFacts> => {
    const key = `${from}:${to}`;
    const hit = cache.get(key);
    const now = clock.now();
    if (hit && now - hit.at < 60_000) return hit.facts;
    const entry = { at: now, facts: readFacts(db, { from, to }, labels.routeCheckpoints) };
    entry.facts.catch(() => cache.delete(key));
    cache.delete(key);
    cache.set(key, entry);
    while (cache.size > CACHE_PERIODS) cache.delete(cache.keys().next().value!);
    return entry.facts;
  };

  const context = (): BuildContext => ({
    labels,
    targets: o.targets(),
    clock: new LocalClock(site.timeZone),
    now: clock.now(),
  });

  /** Operators see today's report only (and the board); any other period is a supervisor's. */
  const allowed = (period: ReportPeriod, ctx: CallContext) => {
    const operator = ctx.session.operator;
    if (operator && roleAllows(operator.role, 'supervisor')) return;
    if (period.kind === 'day' && period.day === localDay(clock.now(), site.timeZone)) return;
    throw new ServiceError(
      'forbidden',
      'Operators see the report of today only; other periods are for supervisors.',
      'role_needed',
      { role: 'supervisor' },
    );
  };

  const report = async (period: ReportPeriod, compare: boolean): Promise<ReportView> => {
    const bounds = periodBounds(period, site.timeZone);
    const prevBounds = compare ? periodBounds(previousPeriod(period), site.timeZone) : undefined;
    const now = await figures(bounds);
    const before = prevBounds && (await figures(prevBounds));
    return {
      site: { 'zh-CN': pickText(site.name, 'zh-CN'), en: pickText(site.name, 'en') },
      timeZone: site.timeZone,
      period: bounds,
      ...(prevBounds ? { previous: prevBounds } : {}),
      generatedAt: clock.now(),
      sections: buildFromFigures(now, before, context()),
    };
  };

  return {
    service: { report },
    handlers: {
      'reports.get': ({ period, compare }, ctx) => {
        allowed(period, ctx);
        return report(period, compare);
      },
      'reports.rows': async ({ period, chart, key, series }, ctx) => {
        allowed(period, ctx);
        const bounds = periodBounds(period, site.timeZone);
        const rows = rowsBehind(await facts(bounds.from, bounds.to), chart, key, series, context());
        return { rows: rows.slice(0, 500), total: rows.length };
      },
      'reports.export': async ({ period, compare, format, table, locale }, ctx) => {
        allowed(period, ctx);
        const view = await report(period, compare);
        const file =
          format === 'pdf'
            ? await reportPdf(view, locale)
            : format === 'xlsx'
              ? await reportXlsx(view, locale)
              : reportCsv(view, table ?? 'byType', locale);
        return { name: file.name, base64: file.bytes.toString('base64') };
      },
      'reports.satisfactionPreview': (file) => satisfaction.preview(file),
      'reports.satisfactionImport': ({ file }, { session }) => satisfaction.import(file, actorOf(session)),
      'reports.selfCheck': (input, { session }) => selfChecks.save(input, actorOf(session)),
      'reports.selfChecks': async () => ({ checks: await selfChecks.list() }),
      'reports.quarterReview': (input, { session }) => quarterReviews.save(input, actorOf(session)),
      'reports.quarterReviews': async () => ({ reviews: await quarterReviews.list() }),
      'reports.board': () =>
        shiftBoard(db, {
          now: clock.now(),
          timeZone: site.timeZone,
          bands: { dayStart: site.patrol.dayStart, dayEnd: site.patrol.dayEnd },
          targets: o.targets(),
        }),
    },
    appliers: [],
    migrations: reportMigrations,
    async start() {
      await loadLabels();
      // In the background: the console is usable (and prints its address) while the demo's past is written.
      if (o.demo) {
        const started = Date.now();
        history = writeDemoHistory(db, { site, now: clock.now() }).then(
          (wrote) => wrote && log.info('demo history written', { ...wrote, ms: Date.now() - started }),
          (err: Error) => log.error('demo history failed', { error: err.message }),
        );
      }
      // The past days' summaries of a database that has none yet (an upgrade, the demo's history), in the
      // background a day at a time: a report asked meanwhile folds the days it needs itself.
      backfill = Promise.resolve(history).then(async () => {
        const started = Date.now();
        try {
          const { days } = await summaries.backfill();
          if (days > 0) log.info('report day summaries folded', { days, ms: Date.now() - started });
        } catch (err) {
          log.error('report day summaries failed', { error: (err as Error).message });
        }
      });
    },
    async stop() {
      summaries.stop();
      await history;
      await backfill;
      cache.clear();
    },
  };
}
