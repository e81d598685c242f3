import type { Knex } from 'knex';
import {
  dayNumber,
  dayOfNumber,
  LocalClock,
  localDay,
  MAX_RANGE_DAYS,
  startOfLocalDay,
} from '../../../shared/domain/report-period';
import {
  emptySummary,
  summarize,
  SummaryMerger,
  SUMMARY_VERSION,
  type PeriodSummary,
} from '../../../shared/domain/report-summary';
import { readSummaryFacts } from './facts';
import { DIRTY_SLOT_MS } from './migration';

export interface DaySummariesOptions {
  db: Knex;
  timeZone: string;
  now: () => number;
  routeCheckpoints: () => ReadonlyMap<string, readonly string[]>;
}

/** Stored days read per query: a month of summaries is a few MB of JSON at most, parsed between turns. */
const READ_DAYS = 16;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

type Raw = Record<string, unknown>;

/**
 * One summary per past local day (migration 25's report_days), folded once from that day's rows and kept; today
 * is folded from its rows at each read. A write to a row of a past day marks its 15-minute slot (the triggers of
 * migration 25), and the next read drops that day's summary and folds it again.
 *
 * Folding a day and dropping days run one at a time (`exclusive`): a drop between a day's read of its rows and the
 * store of its summary would otherwise lose the mark that says the summary is stale.
 */
export class DaySummaries {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly clock: LocalClock;
  private stopped = false;

  constructor(private readonly o: DaySummariesOptions) {
    this.clock = new LocalClock(o.timeZone);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private bounds(day: string) {
    return {
      from: startOfLocalDay(day, this.o.timeZone),
      to: startOfLocalDay(dayOfNumber(dayNumber(day) + 1), this.o.timeZone),
    };
  }

  /** Rows of [from, to) folded into a summary (not stored). */
  private async fold(range: { from: number; to: number }): Promise<PeriodSummary> {
    return summarize(await readSummaryFacts(this.o.db, range, this.o.routeCheckpoints()), this.clock);
  }

  /** Drops the summaries of days with a changed row, and those marks. */
  drain(): Promise<number> {
    return this.exclusive(async () => {
      const { db } = this.o;
      return db.transaction(async (trx) => {
        const slots = ((await trx.raw('SELECT slot FROM report_dirty')) as Raw[]).map((r) => Number(r.slot));
        if (slots.length === 0) return 0;
        const days = new Set(slots.map((s) => this.clock.day(s * DIRTY_SLOT_MS)));
        for (const list of chunks([...days], 500)) await trx('report_days').whereIn('day', list).delete();
        for (const list of chunks(slots, 500)) await trx('report_dirty').whereIn('slot', list).delete();
        return days.size;
      });
    });
  }

  private async keep(db: Knex, day: string, summary: PeriodSummary): Promise<void> {
    await db('report_days')
      .insert({
        day,
        time_zone: this.o.timeZone,
        version: SUMMARY_VERSION,
        data: JSON.stringify(summary),
        computed_at: this.o.now(),
      })
      .onConflict('day')
      .merge();
  }

  /**
   * Marks of [from, to) are moot once its rows are read after them: dropped first, so that a write from here on
   * marks the day again (a backfill after a bulk load would otherwise be undone by the next drain).
   */
  private async clearMarks(db: Knex, range: { from: number; to: number }): Promise<void> {
    await db.raw('DELETE FROM report_dirty WHERE slot >= ? AND slot < ?', [
      Math.floor(range.from / DIRTY_SLOT_MS),
      Math.ceil(range.to / DIRTY_SLOT_MS),
    ]);
  }

  /** Folds a past day from its rows and keeps it. */
  private compute(day: string): Promise<PeriodSummary> {
    return this.exclusive(async () => {
      const range = this.bounds(day);
      await this.clearMarks(this.o.db, range);
      const summary = await this.fold(range);
      await this.keep(this.o.db, day, summary);
      return summary;
    });
  }

  /**
   * Past days without a summary, consecutive: kept as empty at once when no table has a row in them (a year
   * before the console was installed costs a few queries, not a fold per day), else folded one by one.
   */
  private async computeRun(days: string[]): Promise<PeriodSummary[]> {
    const empty = await this.exclusive(async () => {
      const range = { from: this.bounds(days[0]!).from, to: this.bounds(days[days.length - 1]!).to };
      if (await anyRow(this.o.db, range)) return false;
      await this.o.db.transaction(async (trx) => {
        await this.clearMarks(trx, range);
        for (const day of days) await this.keep(trx, day, emptySummary());
      });
      return true;
    });
    if (empty) return days.map(() => emptySummary());
    const out: PeriodSummary[] = [];
    for (const day of days) {
      out.push(await this.compute(day));
      await turn();
    }
    return out;
  }

  /** The stored, current summaries of days first..last (at most READ_DAYS of them). */
  private async stored(first: string, last: string): Promise<Map<string, PeriodSummary>> {
    const rows = (await this.o.db.raw(
      'SELECT day, data FROM report_days WHERE day >= ? AND day <= ? AND time_zone = ? AND version = ?',
      [first, last, this.o.timeZone, SUMMARY_VERSION],
    )) as Raw[];
    const out = new Map<string, PeriodSummary>();
    for (const r of rows) out.set(String(r.day), JSON.parse(String(r.data)) as PeriodSummary);
    return out;
  }

  /**
   * The summary of local days first..last: past days from their stored summaries (folded now where missing or
   * stale), today from its rows, days after today empty. Work is done a few days at a time with a turn of the
   * event loop between, so intake is never held for long.
   */
  async period(first: string, last: string): Promise<PeriodSummary> {
    await this.drain();
    const now = this.o.now();
    const today = localDay(now, this.o.timeZone);
    const merger = new SummaryMerger();
    const lastPast = Math.min(dayNumber(last), dayNumber(today) - 1);
    for (let a = dayNumber(first); a <= lastPast; a += READ_DAYS) {
      const b = Math.min(lastPast, a + READ_DAYS - 1);
      const have = await this.stored(dayOfNumber(a), dayOfNumber(b));
      let run: string[] = [];
      const flush = async () => {
        if (run.length) for (const s of await this.computeRun(run)) merger.add(s);
        run = [];
      };
      for (let d = a; d <= b; d++) {
        const day = dayOfNumber(d);
        const s = have.get(day);
        if (s) {
          await flush();
          merger.add(s);
        } else run.push(day);
      }
      await flush();
      await turn();
    }
    if (last >= today && first <= today) merger.add(await this.fold(this.bounds(today)));
    return merger.result();
  }

  /**
   * Folds every past day with rows and no summary yet, newest first, one at a time with a turn between, back to
   * two years (a year's report and the year it is compared with); older days are folded when a report asks.
   */
  async backfill(): Promise<{ days: number }> {
    const { db } = this.o;
    const today = dayNumber(localDay(this.o.now(), this.o.timeZone));
    const earliest = await earliestRow(db);
    if (earliest === null) return { days: 0 };
    const first = Math.max(dayNumber(localDay(earliest, this.o.timeZone)), today - 2 * MAX_RANGE_DAYS);
    const have = new Set(
      (
        (await db.raw('SELECT day FROM report_days WHERE time_zone = ? AND version = ?', [
          this.o.timeZone,
          SUMMARY_VERSION,
        ])) as Raw[]
      ).map((r) => String(r.day)),
    );
    let days = 0;
    for (let d = today - 1; d >= first && !this.stopped; d--) {
      const day = dayOfNumber(d);
      if (have.has(day)) continue;
      await this.compute(day);
      days++;
      await turn();
    }
    return { days };
  }

  /** Ends a backfill under way (at its next day). */
  stop(): void {
    this.stopped = true;
  }
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const TIMED: ReadonlyArray<readonly [string, string]> = [
  ['alarms', 'received_at'],
  ['patrol_rounds', 'round_start'],
  ['work_orders', 'created_at'],
  ['visitors', 'entered_at'],
  ['gate_reads', 'at'],
];

/** Whether any table a summary folds has a row in [from, to) (each a seek in its time index). */
async function anyRow(db: Knex, range: { from: number; to: number }): Promise<boolean> {
  for (const [table, column] of TIMED) {
    try {
      const rows = (await db.raw(`SELECT 1 FROM ${table} WHERE ${column} >= ? AND ${column} < ? LIMIT 1`, [
        range.from,
        range.to,
      ])) as Raw[];
      if (rows.length) return true;
    } catch {
      // a table of a feature this database does not have
    }
  }
  return false;
}

/** The time of the oldest row a summary folds (each read through its table's time index). */
async function earliestRow(db: Knex): Promise<number | null> {
  let min: number | null = null;
  for (const [table, column] of TIMED) {
    try {
      const [row] = (await db.raw(`SELECT MIN(${column}) AS t FROM ${table}`)) as Raw[];
      const t = row?.t;
      if (t !== null && t !== undefined && (min === null || Number(t) < min)) min = Number(t);
    } catch {
      // a table of a feature this database does not have
    }
  }
  return min;
}
