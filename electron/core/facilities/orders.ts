import type { Knex } from 'knex';
import type { Contact, TimelineItem, WorkOrderView } from '../../../shared/contract';
import type { AlarmType } from '../../../shared/domain/alarm';
import {
  DEFAULT_DUE_HOURS,
  ORDER_MOVES,
  orderPending,
  sameHands,
  type OrderAction,
  type Severity,
} from '../../../shared/domain/facilities';
import { SYSTEM, type Actor } from '../actor';
import { ServiceError } from '../errors';
import {
  FAULT_SEVERITY,
  ORDER_STATE_ZH,
  orderNumber,
  record,
  timelinesOf,
  type OrderRow,
  type WorkOptions,
} from './work-shared';

/** Work orders (报修工单): every change is one transaction with its timeline entry, its audit entry and its duty-log line. */
export class Orders {
  constructor(private readonly o: WorkOptions) {}

  private dueHours(severity: Severity): number {
    return this.o.site.facilities.dueHours[severity] ?? DEFAULT_DUE_HOURS[severity];
  }

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
    await record(
      this.o,
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
    await record(this.o, trx, 'order', open.id, 'recovered', SYSTEM, {
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
      await record(
        this.o,
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
    return this.toOrder(row, (await timelinesOf(this.o, 'order', [row.id])).get(row.id) ?? []);
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
    const timelines = await timelinesOf(
      this.o,
      'order',
      rows.map((r) => r.id),
    );
    return rows.map((r) => this.toOrder(r, timelines.get(r.id) ?? []));
  }
}
