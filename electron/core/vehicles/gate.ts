import type { Knex } from 'knex';
import type {
  GateDecision,
  GateDesk,
  GateMatch,
  GateReadView,
  HubVehicleRead,
  StoredHubEvent,
  VehicleView,
  VisitorInput,
} from '../../../shared/contract';
import { checkPlate, normalizePlate } from '../../../shared/domain/plate';
import { pickText, type Locale } from '../../../shared/domain/text';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { Infrastructure } from '../feature';
import { enqueueAction } from '../hub-link/outbox';
import type { InboxApplier } from '../hub-link/inbox';
import { dayIn } from './figures';
import type { VehicleRecords } from './records';
import type { Visitors } from './visitors';

interface ReadRow {
  id: number;
  read_id: string;
  gate_id: string;
  direction: 'in' | 'out';
  plate: string;
  valid: number;
  confidence: number;
  at: number;
  picture: string | null;
  match: GateMatch;
  vehicle_id: string | null;
  visitor_id: string | null;
  barrier: GateReadView['barrier'];
  decision: GateDecision | null;
  decided_by: string | null;
  decided_at: number | null;
}

/** What a resident record says about a car at the gate today. */
export function residentMatch(v: VehicleView, day: string): GateMatch {
  if (v.blacklisted) return 'blacklisted';
  const p = v.permit;
  return p && p.validFrom <= day && day <= p.validTo ? 'resident' : 'expired';
}

const MATCH_WORDS: Record<GateMatch, [string, string]> = {
  resident: ['住户车辆', 'resident'],
  visitor: ['访客车辆', 'visitor'],
  expired: ['凭证过期', 'permit expired'],
  blacklisted: ['黑名单车辆', 'blacklisted'],
  unknown: ['未登记车辆', 'unknown'],
};
const DECISION_WORDS: Record<GateDecision, [string, string]> = {
  allow_once: ['放行一次', 'allowed once'],
  visitor: ['登记访客并放行', 'registered as visitor and let in'],
  refuse: ['拒绝通行', 'refused'],
};

/**
 * The gate desk: every plate read from the hub matched against the records and visitors, opened when it may be,
 * else waiting for the operator's decision (told to the gate through the hub, logged and audited); entries and
 * exits paired into the vehicles inside.
 */
export class GateDeskService {
  private readonly pending = new Set<number>();

  constructor(
    private readonly o: Pick<Infrastructure, 'db' | 'clock' | 'ids' | 'site' | 'locale'> & {
      records: VehicleRecords;
      visitors: Visitors;
      kickOutbox(): void;
      /** A hub transaction stored reads and committed: show them now rather than at the next flush tick. */
      onCommitted?(): void;
      /** Violations on record per plate: a repeat offender is flagged when it arrives. */
      offences?(plates: readonly string[], db?: Knex | Knex.Transaction): Promise<Map<string, number>>;
    },
  ) {}

  private gateName(id: string, locale: Locale): string {
    const gate = this.o.site.gates.find((g) => g.id === id);
    return gate ? pickText(gate.name, locale) : id;
  }

  /** Each `vehicle` event in the hub event's own transaction: stored, matched and paired, or nothing. */
  readonly hubApplier: InboxApplier = async (trx, event: StoredHubEvent) => {
    if (event.kind !== 'vehicle') return;
    const id = await this.receive(trx, event.data);
    if (id === undefined) return;
    this.pending.add(id);
    const { onCommitted } = this.o;
    if (onCommitted)
      trx.executionPromise.then(
        () => onCommitted(),
        () => undefined,
      );
  };

  async receive(trx: Knex.Transaction, read: HubVehicleRead): Promise<number | undefined> {
    if (await trx('gate_reads').where({ read_id: read.readId }).first()) return undefined;
    const check = checkPlate(read.plate);
    const plate = check.ok ? check.plate : normalizePlate(read.plate);
    const vehicle = check.ok ? await this.o.records.byPlate(plate, trx) : undefined;
    const visitor =
      check.ok && !vehicle ? await this.o.visitors.forRead(trx, plate, read.direction) : undefined;
    // The permit's dates are the site's calendar days.
    const day = dayIn(read.at, this.o.site.timeZone);
    const match: GateMatch = vehicle ? residentMatch(vehicle, day) : visitor ? 'visitor' : 'unknown';
    // Out of the gate freely except a blacklisted car; in only with a valid permit or a visit on record.
    const free =
      read.direction === 'out' ? match !== 'blacklisted' : match === 'resident' || match === 'visitor';
    const barrier = read.opened || free ? 'opened' : 'waiting';
    const [rowId] = (await trx('gate_reads').insert({
      read_id: read.readId,
      gate_id: read.gateId,
      direction: read.direction,
      plate,
      valid: check.ok ? 1 : 0,
      confidence: read.confidence,
      at: read.at,
      picture: read.picture ?? null,
      match,
      vehicle_id: vehicle?.id ?? null,
      visitor_id: visitor?.id ?? null,
      barrier,
    })) as number[];
    if (barrier === 'opened') await this.passed(trx, rowId!, read.direction, plate, read.at);
    if (visitor && read.direction === 'in') await this.o.visitors.entered(trx, visitor.id, read.at);
    if (visitor && read.direction === 'out') await this.o.visitors.left(trx, visitor, read.at);
    // The console lets in what the gate's own list did not: it tells the gate, as the operator's decisions do.
    if (barrier === 'opened' && !read.opened)
      await this.tellGate(trx, read.gateId, read.readId, plate, true, 'allow_once', 'system');
    const offences =
      check.ok && read.direction === 'in' ? (await this.o.offences?.([plate], trx))?.get(plate) : 0;
    if (offences && offences > 1)
      await writeDutyLog(trx, {
        at: this.o.clock.now(),
        kind: 'gate',
        text: `多次违停车辆 ${plate}（${offences} 次）到达${this.gateName(read.gateId, 'zh-CN')} · repeat parking offender ${plate} (${offences} violations) at ${this.gateName(read.gateId, 'en')}`,
      });
    if (match === 'blacklisted')
      await writeDutyLog(trx, {
        at: this.o.clock.now(),
        kind: 'gate',
        text: `黑名单车辆 ${plate} 到达${this.gateName(read.gateId, 'zh-CN')} · blacklisted ${plate} at ${this.gateName(read.gateId, 'en')}`,
      });
    return rowId;
  }

  private async passed(
    trx: Knex.Transaction,
    rowId: number,
    direction: 'in' | 'out',
    plate: string,
    at: number,
  ) {
    if (direction === 'in')
      await trx('vehicles_inside')
        .insert({ plate, read_id: rowId, entered_at: at })
        .onConflict('plate')
        .merge();
    else await trx('vehicles_inside').where({ plate }).delete();
  }

  private async tellGate(
    trx: Knex.Transaction,
    gateId: string,
    readId: string,
    plate: string,
    open: boolean,
    decision: GateDecision,
    operator: string,
  ): Promise<void> {
    const at = this.o.clock.now();
    await enqueueAction(trx, {
      key: this.o.ids(),
      type: 'gate.barrier',
      createdAt: at,
      payload: { gateId, readId, plate: plate.slice(0, 16), open, decision, operator, at },
    });
  }

  async decide(
    id: number,
    decision: GateDecision,
    visitor: Omit<VisitorInput, 'plate' | 'expected'> | undefined,
    note: string | undefined,
    actor: Actor,
  ): Promise<GateReadView> {
    const now = this.o.clock.now();
    await this.o.db.transaction(async (trx) => {
      const row = (await trx('gate_reads').where({ id }).first()) as ReadRow | undefined;
      if (!row) throw new ServiceError('not_found', `no gate read ${id}`);
      if (row.barrier !== 'waiting') throw new ServiceError('conflict', `read ${id} was decided already`);
      let visitorId: string | null = null;
      if (decision === 'visitor') {
        const v = await this.o.visitors.register(trx, { ...visitor!, plate: row.plate }, actor, row.at);
        visitorId = v.id;
      }
      const open = decision !== 'refuse';
      await trx('gate_reads')
        .where({ id })
        .update({
          barrier: open ? 'opened' : 'refused',
          decision,
          decided_by: actor.name,
          decided_at: now,
          ...(visitorId ? { visitor_id: visitorId } : {}),
        });
      if (open) await this.passed(trx, id, row.direction, row.plate, row.at);
      await this.tellGate(trx, row.gate_id, row.read_id, row.plate, open, decision, actor.name);
      const [zh, en] = DECISION_WORDS[decision];
      const [mzh, men] = MATCH_WORDS[row.match];
      await writeDutyLog(trx, {
        at: now,
        kind: 'gate',
        operatorId: actor.id,
        text:
          `${this.gateName(row.gate_id, 'zh-CN')} ${row.plate}（${mzh}）${zh}${note ? `：${note}` : ''}` +
          ` · ${this.gateName(row.gate_id, 'en')} ${row.plate} (${men}) ${en}${note ? `: ${note}` : ''}`,
      });
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'gates.decide',
        target: String(id),
        details: {
          gate: row.gate_id,
          plate: row.plate,
          match: row.match,
          decision,
          ...(note ? { note } : {}),
        },
      });
    });
    this.o.kickOutbox();
    this.pending.add(id);
    return (await this.views([id]))[0]!;
  }

  async views(ids: number[]): Promise<GateReadView[]> {
    if (ids.length === 0) return [];
    const rows = (await this.o.db('gate_reads').whereIn('id', ids).orderBy('id')) as ReadRow[];
    return this.viewsOf(rows);
  }

  private async viewsOf(rows: ReadRow[]): Promise<GateReadView[]> {
    const vehicleIds = [...new Set(rows.flatMap((r) => (r.vehicle_id ? [r.vehicle_id] : [])))];
    const vehicles = new Map((await this.o.records.byIds(vehicleIds)).map((v) => [v.id, v]));
    const entries = rows.filter((r) => r.valid && r.direction === 'in').map((r) => r.plate);
    const offences = (await this.o.offences?.(entries)) ?? new Map<string, number>();
    const out: GateReadView[] = [];
    for (const r of rows) {
      const nearIds = !r.vehicle_id && r.valid ? this.o.records.index.near(r.plate) : [];
      const near = await this.o.records.byIds(nearIds);
      const vehicle = r.vehicle_id ? vehicles.get(r.vehicle_id) : undefined;
      out.push({
        id: r.id,
        readId: r.read_id,
        gateId: r.gate_id,
        direction: r.direction,
        plate: r.plate,
        valid: r.valid === 1,
        confidence: r.confidence,
        at: r.at,
        ...(r.picture ? { picture: r.picture } : {}),
        match: r.match,
        ...(vehicle ? { vehicle } : {}),
        ...(r.visitor_id ? { visitorId: r.visitor_id } : {}),
        near,
        barrier: r.barrier,
        ...(r.decision ? { decision: r.decision } : {}),
        ...(r.decided_by ? { decidedBy: r.decided_by } : {}),
        ...(r.decided_at !== null ? { decidedAt: r.decided_at } : {}),
        ...(offences.get(r.plate) ? { offences: offences.get(r.plate) } : {}),
      });
    }
    return out;
  }

  async inside(): Promise<number> {
    const row = (await this.o.db('vehicles_inside').count({ n: '*' }).first()) as { n: number } | undefined;
    return Number(row?.n ?? 0);
  }

  async desk(perGate = 8): Promise<GateDesk> {
    const gates = [];
    for (const g of this.o.site.gates) {
      const rows = (await this.o
        .db('gate_reads')
        .where({ gate_id: g.id })
        .orderBy('id', 'desc')
        .limit(perGate)) as ReadRow[];
      gates.push({
        id: g.id,
        name: g.name,
        ...(g.zone ? { zone: g.zone } : {}),
        ...(g.camera ? { camera: g.camera } : {}),
        reads: await this.viewsOf(rows),
      });
    }
    const waiting = (await this.o
      .db('gate_reads')
      .where({ barrier: 'waiting' })
      .orderBy('id')
      .limit(50)) as ReadRow[];
    const { limitMin, area } = this.o.site.visitors;
    return {
      gates,
      waiting: await this.viewsOf(waiting),
      inside: await this.inside(),
      visitorDefaults: { limitMin, ...(area ? { area } : {}) },
    };
  }

  /** Reads stored since the last call (the flush emits them after their transaction committed). */
  async takePending(): Promise<GateReadView[]> {
    const ids = [...this.pending];
    this.pending.clear();
    return this.views(ids);
  }
}
