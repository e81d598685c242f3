import type { Knex } from 'knex';
import type { DrillRuleInput, DrillRuleView } from '../../../shared/contract';
import {
  DRILL_GENERATE_AHEAD_MS,
  DRILL_REMINDER_MS,
  DrillRecurrence,
  nextDrillDue,
} from '../../../shared/domain/drill-schedule';
import type { SiteFile } from '../../../shared/domain/site';
import type { Clock } from '../../common/clock';
import { SYSTEM, type Actor } from '../actor';
import { appendAudit, auditActor, removeAudited } from '../audit/audit';
import { ServiceError } from '../errors';
import type { IdGenerator } from '../util/ids';
import { opt } from '../util/optional';
import type { DrillService } from './drills';
import type { PlaybookLibrary } from './library';

interface RuleRow {
  id: string;
  playbook_id: string;
  title: string;
  zone: string | null;
  participants: string;
  objectives: string;
  recurrence: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/**
 * The recurring drill schedule (定期开展应急演练): monthly and quarterly rules; each due time becomes a scheduled
 * drill a week ahead (so it is in the list, the shift board's handover and the reminder in time), once — the
 * database refuses a second drill of a rule at one time. Every scheduled drill, a rule's or a one-off, is
 * reminded of once, a day ahead.
 */
export class DrillRules {
  constructor(
    private readonly o: {
      db: Knex;
      clock: Clock;
      ids: IdGenerator;
      site: SiteFile;
      library: PlaybookLibrary;
      drills: DrillService;
      /** A day before a drill: its title and time (the supervisor's and the shift's reminder). */
      remind(drills: { title: string; at: number }[]): void;
    },
  ) {}

  /** Generated drills of a rule stay; the next due time counts from the latest of them, else from the rule's start. */
  private async nextDue(r: RuleRow, db: Knex | Knex.Transaction = this.o.db): Promise<number> {
    const last = (await db('drills').where({ rule_id: r.id }).max({ at: 'scheduled_at' }).first()) as
      { at: number | null } | undefined;
    const recurrence = DrillRecurrence.parse(JSON.parse(r.recurrence));
    return nextDrillDue(recurrence, last?.at ?? r.updated_at, this.o.site.timeZone);
  }

  private async view(r: RuleRow): Promise<DrillRuleView> {
    return {
      id: r.id,
      playbookId: r.playbook_id,
      title: r.title,
      zone: opt(r.zone),
      participants: JSON.parse(r.participants) as string[],
      objectives: r.objectives,
      recurrence: DrillRecurrence.parse(JSON.parse(r.recurrence)),
      nextDueAt: await this.nextDue(r),
      createdBy: r.created_by,
    };
  }

  async list(): Promise<DrillRuleView[]> {
    const rows = (await this.o.db('drill_rules').orderBy('created_at')) as RuleRow[];
    const out: DrillRuleView[] = [];
    for (const r of rows) out.push(await this.view(r));
    return out;
  }

  async save(input: DrillRuleInput, actor: Actor): Promise<DrillRuleView[]> {
    const rule = DrillRecurrence.parse(input.recurrence);
    await this.o.library.get(input.playbookId);
    if (input.zone && !this.o.site.zones.some((z) => z.id === input.zone))
      throw new ServiceError('invalid_input', `There is no zone "${input.zone}".`);
    const now = this.o.clock.now();
    const id = input.id ?? this.o.ids();
    const row = {
      playbook_id: input.playbookId,
      title: input.title,
      zone: input.zone ?? null,
      participants: JSON.stringify([...new Set(input.participants ?? [])]),
      objectives: input.objectives ?? '',
      recurrence: JSON.stringify(rule),
      updated_at: now,
    };
    await this.o.db.transaction(async (trx) => {
      if (input.id) {
        const n = await trx('drill_rules').where({ id }).update(row);
        if (!n) throw new ServiceError('not_found', `There is no recurring drill "${id}".`);
      } else await trx('drill_rules').insert({ id, ...row, created_by: actor.name, created_at: now });
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: input.id ? 'drill.ruleChanged' : 'drill.ruleAdded',
        target: id,
        details: { ...input },
      });
    });
    await this.generate();
    return this.list();
  }

  async remove(id: string, actor: Actor): Promise<DrillRuleView[]> {
    await this.o.db.transaction((trx) =>
      removeAudited<RuleRow>(trx, {
        table: 'drill_rules',
        id,
        missing: `There is no recurring drill "${id}".`,
        at: this.o.clock.now(),
        actor,
        action: 'drill.ruleRemoved',
        details: (row) => ({ title: row.title }),
      }),
    );
    return this.list();
  }

  /** Schedules every rule's drills due within the week ahead that are not yet scheduled. How many were new. */
  async generate(): Promise<number> {
    const now = this.o.clock.now();
    let made = 0;
    await this.o.db.transaction(async (trx) => {
      const rows = (await trx('drill_rules')) as RuleRow[];
      for (const r of rows) {
        // A rule left alone for months (the console off) schedules only what is still ahead, not the past.
        let due = await this.nextDue(r, trx);
        if (due < now)
          due = nextDrillDue(DrillRecurrence.parse(JSON.parse(r.recurrence)), now, this.o.site.timeZone);
        for (let guard = 0; due - now <= DRILL_GENERATE_AHEAD_MS && guard < 12; guard++) {
          const taken = await trx('drills').where({ rule_id: r.id, scheduled_at: due }).first('id');
          if (!taken) {
            await this.o.drills.schedule(
              {
                playbookId: r.playbook_id,
                title: r.title,
                scheduledAt: due,
                zone: r.zone ?? undefined,
                participants: JSON.parse(r.participants) as string[],
                objectives: r.objectives,
              },
              SYSTEM,
              { ruleId: r.id, trx },
            );
            made++;
          }
          due = nextDrillDue(DrillRecurrence.parse(JSON.parse(r.recurrence)), due, this.o.site.timeZone);
        }
      }
    });
    if (made) await this.o.drills.drillsChanged();
    return made;
  }

  /** Scheduled drills (any, a rule's or a one-off) within a day and not yet reminded of: one reminder for them. */
  async remind(): Promise<number> {
    const now = this.o.clock.now();
    const due = await this.o.db.transaction(async (trx) => {
      const rows = (await trx('drills')
        .where({ state: 'scheduled' })
        .whereNull('reminded_at')
        .where('scheduled_at', '>', now)
        .where('scheduled_at', '<=', now + DRILL_REMINDER_MS)
        .orderBy('scheduled_at')
        .select('id', 'title', 'scheduled_at')) as { id: string; title: string; scheduled_at: number }[];
      if (rows.length)
        await trx('drills')
          .whereIn(
            'id',
            rows.map((r) => r.id),
          )
          .update({ reminded_at: now });
      return rows;
    });
    if (due.length) this.o.remind(due.map((d) => ({ title: d.title, at: d.scheduled_at })));
    return due.length;
  }
}
