import type { Knex } from 'knex';
import type { Contact, HazardView, TimelineItem, WorkOrderView } from '../../../shared/contract';
import type { AlarmType } from '../../../shared/domain/alarm';
import {
  DEFAULT_DUE_HOURS,
  escalationDue,
  HAZARD_MOVES,
  ORDER_MOVES,
  orderPending,
  rectificationRate,
  sameHands,
  type HazardAction,
  type HazardCategory,
  type HazardState,
  type OrderAction,
  type OrderState,
  type Severity,
} from '../../../shared/domain/facilities';
import type { LatLon } from '../../../shared/domain/geo';
import type { SiteFile } from '../../../shared/domain/site';
import { SYSTEM, type Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { Clock } from '../../common/clock';
import type { IdGenerator } from '../util/ids';

interface OrderRow {
  id: string;
  number: number;
  title: string;
  title_en: string | null;
  entry_id: string | null;
  device_id: string | null;
  alarm_id: string | null;
  source: WorkOrderView['source'];
  severity: Severity;
  state: OrderState;
  zone: string | null;
  due_at: number;
  assignee_name: string | null;
  assignee_phone: string | null;
  created_at: number;
  created_by: string;
  done_by_id: string | null;
  done_by: string | null;
  verified_by: string | null;
  refused_reason: string | null;
  recovered_at: number | null;
  escalated_at: number | null;
  updated_at: number;
}

interface HazardRow {
  id: string;
  number: number;
  category: HazardCategory;
  severity: Severity;
  source: HazardView['source'];
  zone: string | null;
  lat: number | null;
  lon: number | null;
  description: string;
  alarm_id: string | null;
  state: HazardState;
  plan: string | null;
  owner_name: string | null;
  owner_phone: string | null;
  deadline: number | null;
  found_at: number;
  found_by: string;
  rectified_at: number | null;
  rectified_by_id: string | null;
  rectified_by: string | null;
  verified_by: string | null;
  closed_at: number | null;
  escalated_at: number | null;
  updated_at: number;
}

/** The alarm types a device's failure comes as, and how urgent its repair is. */
export const FAULT_SEVERITY: Partial<Record<AlarmType, Severity>> = {
  fire_facility_fault: 'high',
  camera_offline: 'normal',
  device_offline: 'normal',
  device_fault: 'normal',
  lighting_fault: 'low',
};

const pad = (n: number) => String(n).padStart(6, '0');
export const orderNumber = (n: number) => `WO-${pad(n)}`;
export const hazardNumber = (n: number) => `HZ-${pad(n)}`;
/** The duty log's lines are 「中文 · English」 (duty/wording.ts shows one side): neither side may hold the separator. */
const clean = (s: string) => s.replace(/ · /g, ' - ').slice(0, 200);
const ORDER_STATE_ZH: Record<OrderState, string> = {
  open: '待派单',
  assigned: '已派单',
  in_progress: '维修中',
  done: '已完工',
  verified: '已验收',
  refused: '已退回',
};
const HAZARD_STATE_ZH: Record<HazardState, string> = {
  open: '待整改',
  rectifying: '整改中',
  rectified: '已整改',
  closed: '已销号',
};

export interface WorkOptions {
  db: Knex;
  clock: Clock;
  ids: IdGenerator;
  site: SiteFile;
  /** Something changed: the pages read the lists again. */
  changed(what: 'orders' | 'hazards'): void;
  /** An overdue order or hazard: a notice to the supervisor (once). */
  overdue(kind: 'order' | 'hazard', number: string, title: string): void;
}

/**
 * Work orders (报修工单) and the hazard register (隐患台账). Every change is one transaction with its timeline
 * entry, its audit entry and its duty-log line.
 */
export class Work {
  constructor(private readonly o: WorkOptions) {}

  private dueHours(severity: Severity): number {
    return this.o.site.facilities.dueHours[severity] ?? DEFAULT_DUE_HOURS[severity];
  }

  private async record(
    trx: Knex.Transaction,
    subject: 'order' | 'hazard',
    id: string,
    action: string,
    actor: Actor,
    duty: { zh: string; en: string },
    note?: string | undefined,
  ): Promise<void> {
    const at = this.o.clock.now();
    await trx('facility_timeline').insert({
      subject,
      subject_id: id,
      at,
      action,
      by: actor.name,
      note: note ?? null,
    });
    await appendAudit(trx, {
      at,
      ...auditActor(actor),
      action: `${subject === 'order' ? 'workOrder' : 'hazard'}.${action}`,
      target: id,
      details: note ? { note } : {},
    });
    await writeDutyLog(trx, {
      at,
      kind: subject === 'order' ? 'work_order' : 'hazard',
      text: `${clean(duty.zh)} · ${clean(duty.en)}`,
      ...(actor.id !== SYSTEM.id ? { operatorId: actor.id } : {}),
    });
  }

  // ── work orders ──

  private async openOrder(
    trx: Knex.Transaction,
    o: {
      title: string;
      titleEn?: string | undefined;
      severity: Severity;
      source: WorkOrderView['source'];
      entryId?: string | undefined;
      deviceId?: string | undefined;
      alarmId?: string | undefined;
      zone?: string | undefined;
      note?: string | undefined;
    },
    actor: Actor,
  ): Promise<OrderRow> {
    const now = this.o.clock.now();
    const max = (await trx('work_orders').max({ n: 'number' }).first()) as { n: number | null } | undefined;
    const row: OrderRow = {
      id: this.o.ids(),
      number: (max?.n ?? 0) + 1,
      title: o.title.slice(0, 200),
      title_en: o.titleEn?.slice(0, 200) ?? null,
      entry_id: o.entryId ?? null,
      device_id: o.deviceId ?? null,
      alarm_id: o.alarmId ?? null,
      source: o.source,
      severity: o.severity,
      state: 'open',
      zone: o.zone ?? null,
      due_at: now + Math.round(this.dueHours(o.severity) * 3_600_000),
      assignee_name: null,
      assignee_phone: null,
      created_at: now,
      created_by: actor.name,
      done_by_id: null,
      done_by: null,
      verified_by: null,
      refused_reason: null,
      recovered_at: null,
      escalated_at: null,
      updated_at: now,
    };
    await trx('work_orders').insert(row);
    const n = orderNumber(row.number);
    await this.record(
      trx,
      'order',
      row.id,
      'opened',
      actor,
      {
        zh: `报修工单 ${n} 已开立：${row.title}`,
        en: `work order ${n} opened: ${row.title_en ?? row.title}`,
      },
      o.note,
    );
    return row;
  }

  private async openOfDevice(trx: Knex.Transaction, deviceId: string): Promise<OrderRow | undefined> {
    return (await trx('work_orders')
      .where({ device_id: deviceId })
      .whereNotIn('state', ['verified', 'refused'])
      .first()) as OrderRow | undefined;
  }

  /**
   * A device failed (its fault alarm came in): its open order, or a new one. Exactly one open order per device:
   * the partial unique index work_orders_device_open holds it even if two paths race.
   */
  async deviceFailed(
    trx: Knex.Transaction,
    d: {
      deviceId: string;
      entryId: string;
      type: AlarmType;
      alarmId?: string | undefined;
      zone?: string | undefined;
      title: string;
      titleEn: string;
    },
  ): Promise<{ order: OrderRow; created: boolean }> {
    const open = await this.openOfDevice(trx, d.deviceId);
    if (open) {
      // The device failed again while its order waits: the offer to close no longer holds.
      if (open.recovered_at !== null) {
        await trx('work_orders')
          .where({ id: open.id })
          .update({ recovered_at: null, updated_at: this.o.clock.now() });
        await trx('facility_timeline').insert({
          subject: 'order',
          subject_id: open.id,
          at: this.o.clock.now(),
          action: 'failed_again',
          by: SYSTEM.name,
          note: null,
        });
      }
      return { order: open, created: false };
    }
    const order = await this.openOrder(
      trx,
      {
        title: d.title,
        titleEn: d.titleEn,
        severity: FAULT_SEVERITY[d.type] ?? 'normal',
        source: 'device',
        entryId: d.entryId,
        deviceId: d.deviceId,
        alarmId: d.alarmId,
        zone: d.zone,
      },
      SYSTEM,
    );
    return { order, created: true };
  }

  /** The device reports it works again: its open order offers to close (an operator decides). */
  async deviceRecovered(trx: Knex.Transaction, deviceId: string, at: number): Promise<boolean> {
    const open = await this.openOfDevice(trx, deviceId);
    if (!open || open.recovered_at !== null || !orderPending(open.state)) return false;
    await trx('work_orders')
      .where({ id: open.id })
      .update({ recovered_at: at, updated_at: this.o.clock.now() });
    const n = orderNumber(open.number);
    await this.record(trx, 'order', open.id, 'recovered', SYSTEM, {
      zh: `报修工单 ${n} 的设备已恢复，可结单`,
      en: `work order ${n}: the device recovered, it may be closed`,
    });
    return true;
  }

  async openManual(
    input: {
      title: string;
      severity: Severity;
      entryId?: string | undefined;
      zone?: string | undefined;
      note?: string | undefined;
    },
    actor: Actor,
    entry?: { deviceId: string | null; zone: string | null },
  ): Promise<WorkOrderView> {
    const row = await this.o.db.transaction(async (trx) => {
      if (entry?.deviceId) {
        const open = await this.openOfDevice(trx, entry.deviceId);
        if (open) return open;
      }
      return this.openOrder(
        trx,
        {
          ...input,
          source: 'manual',
          deviceId: entry?.deviceId ?? undefined,
          zone: input.zone ?? entry?.zone ?? undefined,
        },
        actor,
      );
    });
    this.o.changed('orders');
    return this.orderView(row);
  }

  /** From the alarm detail: the alarm's device's open order, else a new one from the alarm. */
  async fromAlarm(
    alarm: {
      id: string;
      type: AlarmType;
      deviceId?: string | undefined;
      zone?: string | undefined;
      title: string;
      titleEn: string;
    },
    entryId: string | undefined,
    actor: Actor,
  ): Promise<WorkOrderView> {
    const row = await this.o.db.transaction(async (trx) => {
      const open = alarm.deviceId
        ? await this.openOfDevice(trx, alarm.deviceId)
        : ((await trx('work_orders')
            .where({ alarm_id: alarm.id })
            .whereNotIn('state', ['verified', 'refused'])
            .first()) as OrderRow | undefined);
      if (open) return open;
      return this.openOrder(
        trx,
        {
          title: alarm.title,
          titleEn: alarm.titleEn,
          severity: FAULT_SEVERITY[alarm.type] ?? 'normal',
          source: 'alarm',
          entryId,
          deviceId: alarm.deviceId,
          alarmId: alarm.id,
          zone: alarm.zone,
        },
        actor,
      );
    });
    this.o.changed('orders');
    return this.orderView(row);
  }

  async actOnOrder(
    id: string,
    action: OrderAction,
    actor: Actor,
    o: { assignee?: Contact | undefined; note?: string | undefined },
  ): Promise<WorkOrderView> {
    const row = await this.o.db.transaction(async (trx) => {
      const order = (await trx('work_orders').where({ id }).first()) as OrderRow | undefined;
      if (!order) throw new ServiceError('not_found', `There is no work order "${id}".`);
      const move = ORDER_MOVES[action];
      if (!move.from.includes(order.state))
        throw new ServiceError(
          'conflict',
          `A work order that is ${order.state} cannot be moved by "${action}".`,
        );
      if (action === 'assign' && !o.assignee)
        throw new ServiceError(
          'invalid_input',
          'Say whom the order is assigned to (a maintainer and a phone).',
        );
      if (action === 'refuse' && !o.note)
        throw new ServiceError('invalid_input', 'Say why the order is refused.');
      if ((action === 'verify' || action === 'reject') && sameHands(order.done_by_id, actor.id))
        throw new ServiceError(
          'forbidden',
          `${actor.name} marked this order done: a supervisor or a second operator verifies it.`,
        );
      const now = this.o.clock.now();
      const update: Partial<OrderRow> = { state: move.to, updated_at: now };
      if (action === 'assign') {
        update.assignee_name = o.assignee!.name;
        update.assignee_phone = o.assignee!.phone;
      }
      if (action === 'done') {
        update.done_by_id = actor.id;
        update.done_by = actor.name;
      }
      if (action === 'reject') {
        update.done_by_id = null;
        update.done_by = null;
      }
      if (action === 'verify') update.verified_by = actor.name;
      if (action === 'refuse') update.refused_reason = o.note!;
      await trx('work_orders').where({ id }).update(update);
      const n = orderNumber(order.number);
      const to = move.to;
      await this.record(
        trx,
        'order',
        id,
        action,
        actor,
        {
          zh: `报修工单 ${n} ${ORDER_STATE_ZH[to]}${action === 'assign' ? `（${o.assignee!.name}）` : ''}`,
          en: `work order ${n} ${to.replace('_', ' ')}${action === 'assign' ? ` (${o.assignee!.name})` : ''}`,
        },
        action === 'assign'
          ? [`${o.assignee!.name} ${o.assignee!.phone}`, o.note].filter(Boolean).join(' — ')
          : o.note,
      );
      return { ...order, ...update };
    });
    this.o.changed('orders');
    return this.orderView(row);
  }

  private async timelines(subject: 'order' | 'hazard', ids: string[]): Promise<Map<string, TimelineItem[]>> {
    const out = new Map<string, TimelineItem[]>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = (await this.o
        .db('facility_timeline')
        .where({ subject })
        .whereIn('subject_id', ids.slice(i, i + 500))
        .orderBy('id')) as Array<{
        subject_id: string;
        at: number;
        action: string;
        by: string;
        note: string | null;
      }>;
      for (const r of rows) {
        const list = out.get(r.subject_id) ?? [];
        list.push({ at: r.at, action: r.action, by: r.by, ...(r.note ? { note: r.note } : {}) });
        out.set(r.subject_id, list);
      }
    }
    return out;
  }

  private toOrder(r: OrderRow, timeline: TimelineItem[]): WorkOrderView {
    return {
      id: r.id,
      number: orderNumber(r.number),
      title: r.title,
      ...(r.title_en ? { titleEn: r.title_en } : {}),
      ...(r.entry_id ? { entryId: r.entry_id } : {}),
      ...(r.device_id ? { deviceId: r.device_id } : {}),
      ...(r.alarm_id ? { alarmId: r.alarm_id } : {}),
      source: r.source,
      severity: r.severity,
      state: r.state,
      ...(r.zone ? { zone: r.zone } : {}),
      dueAt: r.due_at,
      ...(r.assignee_name && r.assignee_phone
        ? { assignee: { name: r.assignee_name, phone: r.assignee_phone } }
        : {}),
      createdAt: r.created_at,
      createdBy: r.created_by,
      ...(r.done_by ? { doneBy: r.done_by } : {}),
      ...(r.verified_by ? { verifiedBy: r.verified_by } : {}),
      ...(r.refused_reason ? { refusedReason: r.refused_reason } : {}),
      ...(r.recovered_at !== null ? { recoveredAt: r.recovered_at } : {}),
      ...(r.escalated_at !== null ? { escalatedAt: r.escalated_at } : {}),
      updatedAt: r.updated_at,
      timeline,
    };
  }

  async orderView(row: OrderRow): Promise<WorkOrderView> {
    return this.toOrder(row, (await this.timelines('order', [row.id])).get(row.id) ?? []);
  }

  /** Open orders and those finished in the last 7 days, newest first. */
  async orders(): Promise<WorkOrderView[]> {
    const since = this.o.clock.now() - 7 * 86_400_000;
    const rows = (await this.o
      .db('work_orders')
      .whereNotIn('state', ['verified', 'refused'])
      .orWhere('updated_at', '>=', since)
      .orderBy('number', 'desc')
      .limit(2000)) as OrderRow[];
    const timelines = await this.timelines(
      'order',
      rows.map((r) => r.id),
    );
    return rows.map((r) => this.toOrder(r, timelines.get(r.id) ?? []));
  }

  /** Each ledger entry's open order. */
  async openByEntry(): Promise<Map<string, string>> {
    const rows = (await this.o
      .db('work_orders')
      .whereNotNull('entry_id')
      .whereNotIn('state', ['verified', 'refused'])
      .select('entry_id', 'id')) as Array<{ entry_id: string; id: string }>;
    return new Map(rows.map((r) => [r.entry_id, r.id]));
  }

  // ── hazards ──

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
      await this.record(trx, 'hazard', row.id, 'reported', actor, {
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
        await this.record(
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
      await this.record(
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
    return this.toHazard(row, (await this.timelines('hazard', [row.id])).get(row.id) ?? []);
  }

  async hazards(): Promise<HazardView[]> {
    const since = this.o.clock.now() - 30 * 86_400_000;
    const rows = (await this.o
      .db('hazards')
      .whereNot('state', 'closed')
      .orWhere('updated_at', '>=', since)
      .orderBy('number', 'desc')
      .limit(2000)) as HazardRow[];
    const timelines = await this.timelines(
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

  // ── deadlines ──

  /** Orders and hazards past their deadline with the work unfinished: each told to the supervisor once. */
  async escalate(): Promise<number> {
    const now = this.o.clock.now();
    let told = 0;
    const orders = (await this.o
      .db('work_orders')
      .whereIn('state', ['open', 'assigned', 'in_progress'])
      .andWhere('due_at', '<', now)
      .whereNull('escalated_at')) as OrderRow[];
    for (const order of orders) {
      if (
        !escalationDue(
          { dueAt: order.due_at, pending: orderPending(order.state), escalatedAt: order.escalated_at },
          now,
        )
      )
        continue;
      const n = orderNumber(order.number);
      const done = await this.o.db.transaction(async (trx) => {
        const changed = await trx('work_orders')
          .where({ id: order.id })
          .whereNull('escalated_at')
          .update({ escalated_at: now });
        if (!changed) return false;
        await this.record(trx, 'order', order.id, 'escalated', SYSTEM, {
          zh: `报修工单 ${n} 超期未完成，已报告值班主管`,
          en: `work order ${n} overdue: the supervisor is told`,
        });
        return true;
      });
      if (done) {
        told++;
        this.o.overdue('order', n, order.title);
      }
    }
    const hazards = (await this.o
      .db('hazards')
      .whereIn('state', ['open', 'rectifying'])
      .andWhere('deadline', '<', now)
      .whereNull('escalated_at')) as HazardRow[];
    for (const hazard of hazards) {
      const n = hazardNumber(hazard.number);
      const done = await this.o.db.transaction(async (trx) => {
        const changed = await trx('hazards')
          .where({ id: hazard.id })
          .whereNull('escalated_at')
          .update({ escalated_at: now });
        if (!changed) return false;
        await this.record(trx, 'hazard', hazard.id, 'escalated', SYSTEM, {
          zh: `隐患 ${n} 超过整改时限，已报告值班主管`,
          en: `hazard ${n} past its deadline: the supervisor is told`,
        });
        return true;
      });
      if (done) {
        told++;
        this.o.overdue('hazard', n, hazard.description.slice(0, 80));
      }
    }
    if (orders.length) this.o.changed('orders');
    if (hazards.length) this.o.changed('hazards');
    return told;
  }

  /** What the incoming shift takes over: unfinished orders and open hazards. */
  async carryOver(): Promise<{
    orders: Array<{
      id: string;
      number: string;
      title: string;
      titleEn?: string;
      state: string;
      since: number;
      zone?: string;
      overdue: boolean;
    }>;
    hazards: Array<{
      id: string;
      number: string;
      title: string;
      category: string;
      state: string;
      since: number;
      zone?: string;
      overdue: boolean;
    }>;
  }> {
    const now = this.o.clock.now();
    const orders = (await this.o
      .db('work_orders')
      .whereNotIn('state', ['verified', 'refused'])
      .orderBy('number')) as OrderRow[];
    const hazards = (await this.o.db('hazards').whereNot('state', 'closed').orderBy('number')) as HazardRow[];
    return {
      orders: orders.map((r) => ({
        id: r.id,
        number: orderNumber(r.number),
        title: r.title,
        ...(r.title_en ? { titleEn: r.title_en } : {}),
        state: r.state,
        since: r.created_at,
        ...(r.zone ? { zone: r.zone } : {}),
        overdue: orderPending(r.state) && r.due_at < now,
      })),
      hazards: hazards.map((r) => ({
        id: r.id,
        number: hazardNumber(r.number),
        title: r.description.slice(0, 120),
        category: r.category,
        state: r.state,
        since: r.found_at,
        ...(r.zone ? { zone: r.zone } : {}),
        overdue: r.deadline !== null && r.deadline < now && r.state !== 'rectified',
      })),
    };
  }
}
