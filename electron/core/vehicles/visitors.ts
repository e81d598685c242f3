import type { Knex } from 'knex';
import { VisitorInput, type VisitorView } from '../../../shared/contract';
import { checkPlate } from '../../../shared/domain/plate';
import type { Actor } from '../actor';
import type { AlarmService } from '../alarms';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { Infrastructure } from '../feature';

export interface VisitorRow {
  id: string;
  plate: string;
  building: string;
  room: string;
  host: string;
  phone: string;
  purpose: string;
  area: string | null;
  limit_min: number;
  state: VisitorView['state'];
  registered_at: number;
  registered_by: string;
  entered_at: number | null;
  left_at: number | null;
  overstayed_at: number | null;
}

export function visitorView(r: VisitorRow): VisitorView {
  return {
    id: r.id,
    plate: r.plate,
    building: r.building,
    room: r.room,
    host: r.host,
    phone: r.phone,
    purpose: r.purpose,
    ...(r.area ? { area: r.area } : {}),
    limitMin: r.limit_min,
    state: r.state,
    registeredAt: r.registered_at,
    registeredBy: r.registered_by,
    ...(r.entered_at !== null ? { enteredAt: r.entered_at } : {}),
    ...(r.left_at !== null ? { leftAt: r.left_at } : {}),
    overstayed: r.overstayed_at !== null,
  };
}

/** Whom the visitor sees, as the duty log and the alarm name it: 「3栋 1202 张先生」. */
const hostOf = (r: Pick<VisitorRow, 'building' | 'room' | 'host'>) =>
  [r.building, r.room, r.host].filter(Boolean).join(' ');

/**
 * Visitor vehicles (访客车辆): registered at the gate or expected ahead (预约), inside from their entry read, released
 * by their exit read or by hand; past their limit a low-priority alarm, once, with the host's and visitor's phones.
 */
export class Visitors {
  constructor(
    private readonly o: Pick<Infrastructure, 'db' | 'clock' | 'ids' | 'site'> & {
      alarms: Pick<AlarmService, 'receive'>;
      onChanged(): void;
    },
  ) {}

  async list(): Promise<VisitorView[]> {
    const since = this.o.clock.now() - 24 * 3600_000;
    const rows = (await this.o
      .db('visitors')
      .whereIn('state', ['expected', 'inside'])
      .orWhere('registered_at', '>=', since)
      .orderBy('registered_at', 'desc')
      .limit(500)) as VisitorRow[];
    return rows.map(visitorView);
  }

  /** Registers in the caller's transaction (a gate decision) or its own; `enteredAt` set: the car is in now. */
  async register(
    trx: Knex.Transaction,
    input: VisitorInput,
    actor: Actor,
    enteredAt?: number,
  ): Promise<VisitorRow> {
    const v = VisitorInput.parse(input);
    const plate = checkPlate(v.plate);
    if (!plate.ok)
      throw new ServiceError('invalid_input', `not a plate (${plate.error})`, 'plate_invalid', {
        error: plate.error,
      });
    const now = this.o.clock.now();
    const area = v.area ?? this.o.site.visitors.area;
    const row: VisitorRow = {
      id: this.o.ids(),
      plate: plate.plate,
      building: v.building,
      room: v.room,
      host: v.host,
      phone: v.phone,
      purpose: v.purpose,
      area: area ?? null,
      limit_min: v.limitMin ?? this.o.site.visitors.limitMin,
      state: v.expected ? 'expected' : 'inside',
      registered_at: now,
      registered_by: actor.name,
      entered_at: v.expected ? null : (enteredAt ?? now),
      left_at: null,
      overstayed_at: null,
    };
    await trx('visitors').where({ plate: row.plate }).whereIn('state', ['expected', 'inside']).update({
      state: 'cancelled',
      left_at: now,
    });
    await trx('visitors').insert(row);
    if (row.state === 'inside')
      await trx('vehicles_inside')
        .insert({ plate: row.plate, read_id: 0, entered_at: row.entered_at })
        .onConflict('plate')
        .ignore();
    await appendAudit(trx, {
      at: now,
      ...auditActor(actor),
      action: v.expected ? 'visitors.expect' : 'visitors.register',
      target: row.id,
      details: { plate: row.plate, building: row.building, room: row.room, limitMin: row.limit_min },
    });
    await writeDutyLog(trx, {
      at: now,
      kind: 'visitor',
      operatorId: actor.id,
      text: v.expected
        ? `预约访客车辆 ${row.plate}，访 ${hostOf(row)} · expected visitor ${row.plate} for ${hostOf(row)}`
        : `登记访客车辆 ${row.plate}，访 ${hostOf(row)}，限时 ${row.limit_min} 分钟 · visitor ${row.plate} registered for ${hostOf(row)}, ${row.limit_min} min`,
    });
    return row;
  }

  /** The visit a read of this plate belongs to: expected or inside for an entry, inside for an exit. */
  async forRead(
    trx: Knex.Transaction,
    plate: string,
    direction: 'in' | 'out',
  ): Promise<VisitorRow | undefined> {
    return (await trx('visitors')
      .where({ plate })
      .whereIn('state', direction === 'in' ? ['expected', 'inside'] : ['inside'])
      .orderBy('registered_at', 'desc')
      .first()) as VisitorRow | undefined;
  }

  async entered(trx: Knex.Transaction, id: string, at: number): Promise<void> {
    await trx('visitors').where({ id, state: 'expected' }).update({ state: 'inside', entered_at: at });
  }

  async left(trx: Knex.Transaction, row: VisitorRow, at: number): Promise<void> {
    await trx('visitors').where({ id: row.id }).update({ state: 'left', left_at: at });
    await writeDutyLog(trx, {
      at,
      kind: 'visitor',
      text: `访客车辆 ${row.plate} 已离开 · visitor ${row.plate} left`,
    });
  }

  async release(id: string, actor: Actor): Promise<VisitorView> {
    const now = this.o.clock.now();
    const row = await this.o.db.transaction(async (trx) => {
      const r = (await trx('visitors').where({ id }).first()) as VisitorRow | undefined;
      if (!r) throw new ServiceError('not_found', `no visitor ${id}`);
      if (r.state !== 'expected' && r.state !== 'inside')
        throw new ServiceError('conflict', `visitor ${id} is ${r.state} already`);
      const state = r.state === 'expected' ? 'cancelled' : 'left';
      await trx('visitors').where({ id }).update({ state, left_at: now });
      await trx('vehicles_inside').where({ plate: r.plate }).delete();
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'visitors.release',
        target: id,
        details: { plate: r.plate, state },
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'visitor',
        operatorId: actor.id,
        text: `访客车辆 ${r.plate} 由 ${actor.name} 放行结束 · visitor ${r.plate} released by ${actor.name}`,
      });
      return { ...r, state, left_at: now } as VisitorRow;
    });
    this.o.onChanged();
    return visitorView(row);
  }

  /** The host's phone, from a resident vehicle record of the same building and room (the console has no other). */
  private async hostPhone(r: VisitorRow): Promise<string | undefined> {
    if (!r.room) return undefined;
    const rows = (await this.o
      .db('vehicles')
      .where({ building: r.building, room: r.room })
      .select('phones')
      .limit(5)) as { phones: string }[];
    return rows.map((x) => (JSON.parse(x.phones) as string[])[0]).find(Boolean);
  }

  /** Visitors inside past their limit: one low-priority alarm each, with both phones, and a duty-log line. */
  async checkOverstays(): Promise<number> {
    const now = this.o.clock.now();
    const rows = (await this.o
      .db('visitors')
      .where({ state: 'inside' })
      .whereNull('overstayed_at')
      .whereNotNull('entered_at')) as VisitorRow[];
    const late = rows.filter((r) => r.entered_at! + r.limit_min * 60_000 <= now);
    for (const r of late) {
      const zone = r.area ? this.o.site.zones.find((z) => z.id === r.area) : undefined;
      const minutes = Math.round((now - r.entered_at!) / 60_000);
      const phones = { host: (await this.hostPhone(r)) ?? '-', visitor: r.phone || '-' };
      const texts = {
        'zh-CN': `访客车辆 ${r.plate} 超时（已停 ${minutes} 分钟，限 ${r.limit_min} 分钟），访 ${hostOf(r)}，住户电话 ${phones.host}，访客电话 ${phones.visitor}`,
        en: `visitor vehicle ${r.plate} over its limit (${minutes} min of ${r.limit_min}), visiting ${hostOf(r)}, host phone ${phones.host}, visitor phone ${phones.visitor}`,
      };
      await this.o.db.transaction(async (trx) => {
        const claimed = await trx('visitors')
          .where({ id: r.id })
          .whereNull('overstayed_at')
          .update({ overstayed_at: now });
        if (claimed === 0) return;
        await this.o.alarms.receive(trx, {
          source: 'engine',
          sourceId: `visitor-overstay:${r.id}`,
          deviceId: `visitor:${r.plate}`,
          type: 'visitor_overstay',
          zone: zone?.id,
          cameras: [],
          raisedAt: now,
          text: texts.en,
          texts,
        });
        await writeDutyLog(trx, { at: now, kind: 'visitor', text: `${texts['zh-CN']} · ${texts.en}` });
      });
    }
    if (late.length > 0) this.o.onChanged();
    return late.length;
  }
}
