import {
  ParkingCountInput,
  type ParkingCountView,
  type ParkingCountInput as CountInput,
} from '../../../shared/contract';
import { parkingRate } from '../../../shared/domain/posts';
import { localDay, startOfLocalDay } from '../../../shared/domain/report-period';
import { pickText } from '../../../shared/domain/text';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { Infrastructure } from '../feature';

interface CountRow {
  id: string;
  at: number;
  area: string;
  counted: number;
  violations: number;
  guard_id: string | null;
  note: string;
  recorded_at: number;
  recorded_by: string;
}

const view = (r: CountRow): ParkingCountView => ({
  id: r.id,
  at: r.at,
  area: r.area,
  counted: r.counted,
  violations: r.violations,
  ...(r.guard_id ? { guardId: r.guard_id } : {}),
  note: r.note,
  recordedBy: r.recorded_by,
});

/** A count may be entered this late (the guard radios it in at the end of his round, or the next morning). */
const BACK_MS = 24 * 3600_000;
/** Clocks of phones and consoles differ a little: a count this far ahead is still now. */
const AHEAD_MS = 60_000;

/**
 * Patrol parking counts (巡查车辆计数): on a round a guard counts the vehicles in an area and those parked against the
 * rules; 车辆规范停放率 is the compliant share of what was counted (shared/domain/posts.ts `parkingRate`; the reports'
 * vehicles section shows it per period).
 */
export class ParkingCountsBook {
  constructor(private readonly o: Pick<Infrastructure, 'db' | 'clock' | 'ids' | 'site'>) {}

  async record(input: CountInput, actor: Actor): Promise<ParkingCountView> {
    const c = ParkingCountInput.parse(input);
    const now = this.o.clock.now();
    const zone = this.o.site.zones.find((z) => z.id === c.area);
    if (!zone) throw new ServiceError('invalid_input', `no area "${c.area}" in the site file's zones`);
    const guard = c.guardId ? this.o.site.guards.find((g) => g.id === c.guardId) : undefined;
    if (c.guardId && !guard) throw new ServiceError('not_found', `no guard "${c.guardId}" in the site file`);
    const at = c.at ?? now;
    if (at > now + AHEAD_MS) throw new ServiceError('invalid_input', 'a count cannot be taken in the future');
    if (at < now - BACK_MS)
      throw new ServiceError('invalid_input', 'a count older than a day cannot be entered');
    const row: CountRow = {
      id: this.o.ids(),
      at: Math.min(at, now),
      area: c.area,
      counted: c.counted,
      violations: c.violations,
      guard_id: c.guardId ?? null,
      note: c.note,
      recorded_at: now,
      recorded_by: actor.name,
    };
    await this.o.db.transaction(async (trx) => {
      await trx('parking_counts').insert(row);
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'parking.record',
        target: row.id,
        details: { area: row.area, counted: row.counted, violations: row.violations, guard: row.guard_id },
      });
      const by = guard ? { zh: pickText(guard.name, 'zh-CN'), en: pickText(guard.name, 'en') } : undefined;
      await writeDutyLog(trx, {
        at: now,
        kind: 'patrol',
        operatorId: actor.id,
        text:
          `巡查车辆计数 ${pickText(zone.name, 'zh-CN')}：${row.counted} 辆，违停 ${row.violations} 辆${by ? `（${by.zh}）` : ''}` +
          ` · parking count ${pickText(zone.name, 'en')}: ${row.counted} vehicles, ${row.violations} in violation${by ? ` (${by.en})` : ''}`,
      });
    });
    return view(row);
  }

  /** Today's counts (the site's day), newest first, with today's rate. */
  async today(): Promise<{ counts: ParkingCountView[]; rate: number | null }> {
    const tz = this.o.site.timeZone;
    const from = startOfLocalDay(localDay(this.o.clock.now(), tz), tz);
    const rows = (await this.o
      .db('parking_counts')
      .where('at', '>=', from)
      .orderBy('at', 'desc')
      .limit(500)) as CountRow[];
    return { counts: rows.map(view), rate: parkingRate(rows).rate };
  }

  /**
   * Seeds counts into an empty book (the demo's past fortnight, so the rate shows a number): in one transaction, not
   * a commit (and its sync to disk) per row at start-up.
   */
  async seed(rows: ReadonlyArray<Omit<CountRow, 'id'>>): Promise<void> {
    if (await this.o.db('parking_counts').first()) return;
    await this.o.db.batchInsert(
      'parking_counts',
      rows.map((r) => ({ id: this.o.ids(), ...r })),
      200,
    );
  }
}
