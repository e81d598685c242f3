import type { Knex } from 'knex';
import type { HazardView, TimelineItem, WorkOrderView } from '../../../shared/contract';
import type { AlarmType } from '../../../shared/domain/alarm';
import type { HazardCategory, HazardState, OrderState, Severity } from '../../../shared/domain/facilities';
import type { SiteFile } from '../../../shared/domain/site';
import { SYSTEM, type Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import type { Clock } from '../../common/clock';
import type { IdGenerator } from '../util/ids';

export interface OrderRow {
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

export interface HazardRow {
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
export const ORDER_STATE_ZH: Record<OrderState, string> = {
  open: '待派单',
  assigned: '已派单',
  in_progress: '维修中',
  done: '已完工',
  verified: '已验收',
  refused: '已退回',
};
export const HAZARD_STATE_ZH: Record<HazardState, string> = {
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
  /** An overdue order or hazard: a notice and an alarm for the supervisor (once). */
  overdue(
    kind: 'order' | 'hazard',
    number: string,
    title: string,
    zone: string | undefined,
    id: string,
  ): void;
}

/** One change's timeline entry, audit entry and duty-log line, in the change's transaction. */
export async function record(
  o: WorkOptions,
  trx: Knex.Transaction,
  subject: 'order' | 'hazard',
  id: string,
  action: string,
  actor: Actor,
  duty: { zh: string; en: string },
  note?: string | undefined,
): Promise<void> {
  const at = o.clock.now();
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

export async function timelinesOf(
  o: WorkOptions,
  subject: 'order' | 'hazard',
  ids: string[],
): Promise<Map<string, TimelineItem[]>> {
  const out = new Map<string, TimelineItem[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = (await o
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
