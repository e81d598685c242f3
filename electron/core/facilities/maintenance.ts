import type { Knex } from 'knex';
import type { MaintenanceItemView } from '../../../shared/contract';
import { KIND_DEFAULTS, type FacilityKind } from '../../../shared/domain/facilities';
import { maintenanceDue, maintenanceListed } from '../../../shared/domain/rounds';
import type { SiteFile } from '../../../shared/domain/site';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { Clock } from '../../common/clock';

interface Row {
  id: string;
  code: string;
  name: string;
  kind: FacilityKind;
  zone: string | null;
  maintain_days: number | null;
  created_at: number;
  last_done: number | null;
}

/**
 * The maintenance schedule (定期维护): every ledger entry is due a visit its interval (the entry's, else its kind's)
 * after the last one recorded here. What is due within a day or overdue is listed; the supervisor is reminded once
 * per due time, a day ahead; a visit recorded is a duty-log line.
 */
export class Maintenance {
  constructor(
    private readonly o: {
      db: Knex;
      clock: Clock;
      site: SiteFile;
      /** The supervisor's reminder: how many are due within a day and the first codes. */
      remind(count: number, codes: string[]): void;
      changed(what: 'rounds'): void;
    },
  ) {}

  private everyDays(r: Row): number {
    return (
      r.maintain_days ??
      this.o.site.facilities.kinds[r.kind]?.maintainEveryDays ??
      KIND_DEFAULTS[r.kind].maintainEveryDays
    );
  }

  private async rows(db: Knex | Knex.Transaction = this.o.db, entryId?: string): Promise<Row[]> {
    const q = db('facilities as f')
      .leftJoin(
        db('facility_maintenance')
          .groupBy('entry_id')
          .select('entry_id')
          .max({ last_done: 'done_at' })
          .as('m'),
        'm.entry_id',
        'f.id',
      )
      .select(
        'f.id',
        'f.code',
        'f.name',
        'f.kind',
        'f.zone',
        'f.maintain_days',
        'f.created_at',
        'm.last_done',
      );
    if (entryId) void q.where('f.id', entryId);
    return (await q) as Row[];
  }

  /** The entries due a visit within a day, or overdue, soonest first. */
  async due(): Promise<MaintenanceItemView[]> {
    const now = this.o.clock.now();
    const tz = this.o.site.timeZone;
    return (await this.rows())
      .map((r) => ({
        r,
        dueAt: maintenanceDue(
          { since: r.created_at, lastDoneAt: r.last_done ?? undefined, everyDays: this.everyDays(r) },
          tz,
        ),
      }))
      .filter(({ dueAt }) => maintenanceListed(dueAt, now))
      .sort((a, b) => a.dueAt - b.dueAt || a.r.code.localeCompare(b.r.code))
      .map(({ r, dueAt }) => ({
        entryId: r.id,
        code: r.code,
        name: r.name,
        kind: r.kind,
        ...(r.zone ? { zone: r.zone } : {}),
        everyDays: this.everyDays(r),
        dueAt,
        ...(r.last_done !== null ? { lastDoneAt: r.last_done } : {}),
        overdue: dueAt < now,
      }));
  }

  /** A visit done: recorded, and the next due time counts from now. */
  async done(entryId: string, actor: Actor, note?: string): Promise<void> {
    const now = this.o.clock.now();
    await this.o.db.transaction(async (trx) => {
      const [row] = await this.rows(trx, entryId);
      if (!row) throw new ServiceError('not_found', `There is no ledger entry "${entryId}".`);
      await trx('facility_maintenance').insert({
        entry_id: entryId,
        done_at: now,
        by: actor.name,
        note: note ?? null,
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'maintenance',
        text: `${`${row.code} ${row.name} 已完成定期保养${note ? `：${note}` : ''}`.replace(/ · /g, ' - ')} · ${row.code} maintenance done`,
        operatorId: actor.id,
      });
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'maintenance.done',
        target: entryId,
        details: note ? { note } : {},
      });
    });
    this.o.changed('rounds');
  }

  /** Due times within a day not yet reminded of: one reminder for them all. Returns how many were new. */
  async remind(): Promise<number> {
    const due = await this.due();
    const fresh: MaintenanceItemView[] = [];
    await this.o.db.transaction(async (trx) => {
      for (const item of due) {
        const seen = await trx('facility_maintenance_reminded')
          .where({ entry_id: item.entryId, due_at: item.dueAt })
          .first('due_at');
        if (seen) continue;
        await trx('facility_maintenance_reminded').insert({ entry_id: item.entryId, due_at: item.dueAt });
        fresh.push(item);
      }
    });
    if (fresh.length)
      this.o.remind(
        fresh.length,
        fresh.slice(0, 5).map((i) => i.code),
      );
    return fresh.length;
  }
}
