import type { Contact, HazardView, TimelineItem } from '../../../shared/contract';
import {
  HAZARD_MOVES,
  rectificationRate,
  sameHands,
  type HazardAction,
  type HazardCategory,
  type Severity,
} from '../../../shared/domain/facilities';
import type { LatLon } from '../../../shared/domain/geo';
import type { Actor } from '../actor';
import { ServiceError } from '../errors';
import {
  HAZARD_STATE_ZH,
  hazardNumber,
  record,
  timelinesOf,
  type HazardRow,
  type WorkOptions,
} from './work-shared';

/** The hazard register (隐患台账): every change is one transaction with its timeline entry, its audit entry and its duty-log line. */
export class Hazards {
  constructor(private readonly o: WorkOptions) {}

  async report(
    input: {
      category: HazardCategory;
      severity: Severity;
      source: HazardView['source'];
      description: string;
      zone?: string | undefined;
      position?: LatLon | undefined;
      alarmId?: string | undefined;
    },
    actor: Actor,
  ): Promise<HazardView> {
    const row = await this.o.db.transaction(async (trx) => {
      const now = this.o.clock.now();
      const max = (await trx('hazards').max({ n: 'number' }).first()) as { n: number | null } | undefined;
      const row: HazardRow = {
        id: this.o.ids(),
        number: (max?.n ?? 0) + 1,
        category: input.category,
        severity: input.severity,
        source: input.source,
        zone: input.zone ?? null,
        lat: input.position?.lat ?? null,
        lon: input.position?.lon ?? null,
        description: input.description,
        alarm_id: input.alarmId ?? null,
        state: 'open',
        plan: null,
        owner_name: null,
        owner_phone: null,
        deadline: null,
        found_at: now,
        found_by: actor.name,
        rectified_at: null,
        rectified_by_id: null,
        rectified_by: null,
        verified_by: null,
        closed_at: null,
        escalated_at: null,
        updated_at: now,
      };
      await trx('hazards').insert(row);
      const n = hazardNumber(row.number);
      const what = input.description.slice(0, 80);
      await record(this.o, trx, 'hazard', row.id, 'reported', actor, {
        zh: `隐患 ${n} 已登记：${what}`,
        en: `hazard ${n} reported (${input.category}${input.zone ? `, ${input.zone}` : ''})`,
      });
      return row;
    });
    this.o.changed('hazards');
    return this.hazardView(row);
  }

  async actOnHazard(
    id: string,
    action: HazardAction | 'note',
    actor: Actor,
    o: {
      plan?: string | undefined;
      owner?: Contact | undefined;
      deadline?: number | undefined;
      note?: string | undefined;
    },
  ): Promise<HazardView> {
    const row = await this.o.db.transaction(async (trx) => {
      const hazard = (await trx('hazards').where({ id }).first()) as HazardRow | undefined;
      if (!hazard) throw new ServiceError('not_found', `There is no hazard "${id}".`);
      const n = hazardNumber(hazard.number);
      const now = this.o.clock.now();
      if (action === 'note') {
        if (!o.note) throw new ServiceError('invalid_input', 'A follow-up needs its words.');
        if (hazard.state === 'closed') throw new ServiceError('conflict', 'The hazard is closed.');
        await record(
          this.o,
          trx,
          'hazard',
          id,
          'note',
          actor,
          {
            zh: `隐患 ${n} 跟进：${o.note.slice(0, 80)}`,
            en: `hazard ${n} follow-up: ${o.note.slice(0, 80)}`,
          },
          o.note,
        );
        await trx('hazards').where({ id }).update({ updated_at: now });
        return { ...hazard, updated_at: now };
      }
      const move = HAZARD_MOVES[action];
      if (!move.from.includes(hazard.state))
        throw new ServiceError(
          'conflict',
          `A hazard that is ${hazard.state} cannot be moved by "${action}".`,
        );
      const update: Partial<HazardRow> = { state: move.to, updated_at: now };
      if (action === 'plan') {
        if (!o.plan || !o.owner || o.deadline === undefined)
          throw new ServiceError('invalid_input', 'A rectification plan needs its owner and its deadline.');
        if (o.deadline <= now) throw new ServiceError('invalid_input', 'The deadline must be in the future.');
        update.plan = o.plan;
        update.owner_name = o.owner.name;
        update.owner_phone = o.owner.phone;
        update.deadline = o.deadline;
        // A new deadline is a new chance to be on time: an escalation of the old one does not hold it.
        if (hazard.deadline !== o.deadline) update.escalated_at = null;
      }
      if (action === 'rectified') {
        update.rectified_at = now;
        update.rectified_by_id = actor.id;
        update.rectified_by = actor.name;
      }
      if (action === 'verify' || action === 'reject') {
        if (sameHands(hazard.rectified_by_id, actor.id))
          throw new ServiceError(
            'forbidden',
            `${actor.name} marked this hazard rectified: a second person verifies it.`,
          );
      }
      if (action === 'verify') {
        update.verified_by = actor.name;
        update.closed_at = now;
      }
      if (action === 'reject') {
        update.rectified_at = null;
        update.rectified_by_id = null;
        update.rectified_by = null;
      }
      await trx('hazards').where({ id }).update(update);
      const note =
        action === 'plan'
          ? `${o.plan} — ${o.owner!.name} ${o.owner!.phone}${o.note ? ` — ${o.note}` : ''}`
          : o.note;
      await record(
        this.o,
        trx,
        'hazard',
        id,
        action,
        actor,
        { zh: `隐患 ${n} ${HAZARD_STATE_ZH[move.to]}`, en: `hazard ${n} ${move.to}` },
        note,
      );
      return { ...hazard, ...update };
    });
    this.o.changed('hazards');
    return this.hazardView(row);
  }

  private toHazard(r: HazardRow, timeline: TimelineItem[]): HazardView {
    return {
      id: r.id,
      number: hazardNumber(r.number),
      category: r.category,
      severity: r.severity,
      source: r.source,
      ...(r.zone ? { zone: r.zone } : {}),
      ...(r.lat !== null && r.lon !== null ? { position: { lat: r.lat, lon: r.lon } } : {}),
      description: r.description,
      ...(r.alarm_id ? { alarmId: r.alarm_id } : {}),
      state: r.state,
      ...(r.plan ? { plan: r.plan } : {}),
      ...(r.owner_name && r.owner_phone ? { owner: { name: r.owner_name, phone: r.owner_phone } } : {}),
      ...(r.deadline !== null ? { deadline: r.deadline } : {}),
      foundAt: r.found_at,
      foundBy: r.found_by,
      ...(r.rectified_at !== null ? { rectifiedAt: r.rectified_at } : {}),
      ...(r.rectified_by ? { rectifiedBy: r.rectified_by } : {}),
      ...(r.verified_by ? { verifiedBy: r.verified_by } : {}),
      ...(r.closed_at !== null ? { closedAt: r.closed_at } : {}),
      ...(r.escalated_at !== null ? { escalatedAt: r.escalated_at } : {}),
      updatedAt: r.updated_at,
      timeline,
    };
  }

  async hazardView(row: HazardRow): Promise<HazardView> {
    return this.toHazard(row, (await timelinesOf(this.o, 'hazard', [row.id])).get(row.id) ?? []);
  }

  async hazards(): Promise<HazardView[]> {
    const since = this.o.clock.now() - 30 * 86_400_000;
    const rows = (await this.o
      .db('hazards')
      .whereNot('state', 'closed')
      .orWhere('updated_at', '>=', since)
      .orderBy('number', 'desc')
      .limit(2000)) as HazardRow[];
    const timelines = await timelinesOf(
      this.o,
      'hazard',
      rows.map((r) => r.id),
    );
    return rows.map((r) => this.toHazard(r, timelines.get(r.id) ?? []));
  }

  async rate(from: number, to: number) {
    const rows = (await this.o
      .db('hazards')
      .where('found_at', '>=', from)
      .andWhere('found_at', '<', to)
      .select('found_at', 'deadline', 'rectified_at')) as Array<{
      found_at: number;
      deadline: number | null;
      rectified_at: number | null;
    }>;
    return rectificationRate(
      rows.map((r) => ({ foundAt: r.found_at, deadline: r.deadline, rectifiedAt: r.rectified_at })),
      { from, to },
    );
  }
}
