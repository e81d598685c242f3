import { escalationDue, orderPending } from '../../../shared/domain/facilities';
import { SYSTEM } from '../actor';
import {
  hazardNumber,
  orderNumber,
  record,
  type HazardRow,
  type OrderRow,
  type WorkOptions,
} from './work-shared';

/** Orders and hazards past their deadline with the work unfinished: each told to the supervisor once. */
export async function escalate(o: WorkOptions): Promise<number> {
  const now = o.clock.now();
  let told = 0;
  const orders = (await o
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
    const done = await o.db.transaction(async (trx) => {
      const changed = await trx('work_orders')
        .where({ id: order.id })
        .whereNull('escalated_at')
        .update({ escalated_at: now });
      if (!changed) return false;
      await record(o, trx, 'order', order.id, 'escalated', SYSTEM, {
        zh: `报修工单 ${n} 超期未完成，已报告值班主管`,
        en: `work order ${n} overdue: the supervisor is told`,
      });
      return true;
    });
    if (done) {
      told++;
      o.overdue('order', n, order.title, order.zone ?? undefined, order.id);
    }
  }
  const hazards = (await o
    .db('hazards')
    .whereIn('state', ['open', 'rectifying'])
    .andWhere('deadline', '<', now)
    .whereNull('escalated_at')) as HazardRow[];
  for (const hazard of hazards) {
    const n = hazardNumber(hazard.number);
    const done = await o.db.transaction(async (trx) => {
      const changed = await trx('hazards')
        .where({ id: hazard.id })
        .whereNull('escalated_at')
        .update({ escalated_at: now });
      if (!changed) return false;
      await record(o, trx, 'hazard', hazard.id, 'escalated', SYSTEM, {
        zh: `隐患 ${n} 超过整改时限，已报告值班主管`,
        en: `hazard ${n} past its deadline: the supervisor is told`,
      });
      return true;
    });
    if (done) {
      told++;
      o.overdue('hazard', n, hazard.description.slice(0, 80), hazard.zone ?? undefined, hazard.id);
    }
  }
  if (orders.length) o.changed('orders');
  if (hazards.length) o.changed('hazards');
  return told;
}

/** What the incoming shift takes over: unfinished orders and open hazards. */
export async function carryOver(o: WorkOptions): Promise<{
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
  const now = o.clock.now();
  const orders = (await o
    .db('work_orders')
    .whereNotIn('state', ['verified', 'refused'])
    .orderBy('number')) as OrderRow[];
  const hazards = (await o.db('hazards').whereNot('state', 'closed').orderBy('number')) as HazardRow[];
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
