import type { Knex } from 'knex';
import type {
  AlarmView,
  CallResult,
  NoParkingAreaView,
  RepeatOffender,
  ViolationOutcome,
  ViolationStep,
  ViolationView,
} from '../../../shared/contract';
import { checkPlate } from '../../../shared/domain/plate';
import { pickText } from '../../../shared/domain/text';
import type { NoParkingAreaDef, NoParkingKind } from '../../../shared/domain/site';
import { areaForAlarm, cameraForArea, deadlineMinOf } from '../../../shared/domain/violations';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { Infrastructure } from '../feature';
import type { ViolationFact } from './figures';
import type { VehicleRecords } from './records';

export interface ViolationRow {
  id: string;
  seq: number;
  plate: string;
  area: string;
  kind: NoParkingKind;
  source: ViolationView['source'];
  found_at: number;
  found_by: string;
  alarm_id: string | null;
  camera: string | null;
  deadline_at: number;
  state: ViolationView['state'];
  notified_at: number | null;
  escalated_at: number | null;
  overdue_at: number | null;
  outcome: ViolationOutcome | null;
  closed_at: number | null;
  closed_by: string | null;
}

interface StepRow {
  violation_id: string;
  at: number;
  kind: ViolationStep['kind'];
  result: string | null;
  by: string;
  note: string;
}

/** Repeat offenders are counted over this window; a false report is nobody's offence. */
export const OFFENCE_WINDOW_MS = 90 * 86_400_000;
/** The fire-lane alarm that opens a violation by itself. */
export const FIRE_LANE_ALARM = 'fire_lane_parking';

const number = (seq: number) => `WT-${String(seq).padStart(6, '0')}`;
const KIND_WORDS: Record<NoParkingKind, [string, string]> = {
  fire_lane: ['消防通道', 'fire lane'],
  emergency_lane: ['应急车道', 'emergency lane'],
  crosswalk: ['人行横道', 'crosswalk'],
  other: ['禁停区域', 'no-parking area'],
};
const CALL_WORDS: Record<CallResult, [string, string]> = {
  promised: ['车主答应挪车', 'the owner will move it'],
  no_answer: ['无人接听', 'no answer'],
  refused: ['车主拒绝挪车', 'the owner refused'],
};
const OUTCOME_WORDS: Record<ViolationOutcome, [string, string]> = {
  moved: ['已挪走', 'moved'],
  towed: ['已拖移', 'towed'],
  false: ['误报', 'false report'],
};
const plateOr = (plate: string, zh: boolean) => plate || (zh ? '（车牌未知）' : '(plate unknown)');

/**
 * No-parking violations (违规停放): each one runs against its area's deadline from the moment it is found; the
 * owner is phoned from the resident record, a refusal or the deadline passing sends it to towing with the police,
 * and it closes with an outcome. Every step is kept with its time, logged in the duty log and audited.
 */
export class Violations {
  private readonly seenAlarms = new Set<string>();

  constructor(
    private readonly o: Pick<Infrastructure, 'db' | 'clock' | 'ids' | 'site'> & {
      records: Pick<VehicleRecords, 'byPlate'>;
      onChanged(id: string): void;
    },
  ) {}

  private area(id: string): NoParkingAreaDef {
    const area = this.o.site.noParking.areas.find((a) => a.id === id);
    if (!area) throw new ServiceError('not_found', `no no-parking area ${id}`);
    return area;
  }

  private areaName(id: string): [string, string] {
    const area = this.o.site.noParking.areas.find((a) => a.id === id);
    return area ? [pickText(area.name, 'zh-CN'), pickText(area.name, 'en')] : [id, id];
  }

  areas(): NoParkingAreaView[] {
    const np = this.o.site.noParking;
    return np.areas.map((a) => ({ id: a.id, name: a.name, kind: a.kind, deadlineMin: deadlineMinOf(np, a) }));
  }

  private checkedPlate(plate: string): string {
    if (!plate) return '';
    const check = checkPlate(plate);
    if (!check.ok)
      throw new ServiceError('invalid_input', `not a plate (${check.error})`, 'plate_invalid', {
        error: check.error,
      });
    return check.plate;
  }

  private async row(trx: Knex | Knex.Transaction, id: string): Promise<ViolationRow> {
    const row = (await trx('violations').where({ id }).first()) as ViolationRow | undefined;
    if (!row) throw new ServiceError('not_found', `no violation ${id}`);
    return row;
  }

  private async step(
    trx: Knex.Transaction,
    row: Pick<ViolationRow, 'id'>,
    s: {
      at: number;
      kind: ViolationStep['kind'];
      by: string;
      result?: string | undefined;
      note?: string | undefined;
    },
  ) {
    await trx('violation_steps').insert({
      violation_id: row.id,
      at: s.at,
      kind: s.kind,
      result: s.result ?? null,
      by: s.by,
      note: s.note ?? '',
    });
  }

  /** The line each step writes in the duty log, in both languages. */
  private async log(
    trx: Knex.Transaction,
    row: ViolationRow,
    at: number,
    words: [string, string],
    actor: Actor | undefined,
    kind = 'violation',
  ) {
    const [azh, aen] = this.areaName(row.area);
    const [kzh, ken] = KIND_WORDS[row.kind];
    await writeDutyLog(trx, {
      at,
      kind,
      ...(actor && actor.id !== 'system' ? { operatorId: actor.id } : {}),
      text:
        `${number(row.seq)} ${plateOr(row.plate, true)} ${kzh}（${azh}）${words[0]}` +
        ` · ${number(row.seq)} ${plateOr(row.plate, false)} ${ken} (${aen}) ${words[1]}`,
    });
  }

  private async audit(trx: Knex.Transaction, actor: Actor, action: string, row: ViolationRow, details = {}) {
    await appendAudit(trx, {
      at: this.o.clock.now(),
      ...auditActor(actor),
      action,
      target: row.id,
      details: { number: number(row.seq), plate: row.plate, area: row.area, ...details },
    });
  }

  /** Opens a violation in the caller's transaction; undefined when its alarm already opened one. */
  async openIn(
    trx: Knex.Transaction,
    input: {
      plate: string;
      area: string;
      source: ViolationView['source'];
      foundBy: string;
      at: number;
      alarmId?: string | undefined;
      note?: string | undefined;
    },
    actor: Actor,
  ): Promise<ViolationRow | undefined> {
    const area = this.area(input.area);
    if (input.alarmId && (await trx('violations').where({ alarm_id: input.alarmId }).first()))
      return undefined;
    const last = (await trx('violations').max({ seq: 'seq' }).first()) as { seq: number | null } | undefined;
    const row: ViolationRow = {
      id: this.o.ids(),
      seq: (last?.seq ?? 0) + 1,
      plate: this.checkedPlate(input.plate),
      area: area.id,
      kind: area.kind,
      source: input.source,
      found_at: input.at,
      found_by: input.foundBy,
      alarm_id: input.alarmId ?? null,
      camera: cameraForArea(area, this.o.site.cameras) ?? null,
      deadline_at: input.at + deadlineMinOf(this.o.site.noParking, area) * 60_000,
      state: 'open',
      notified_at: null,
      escalated_at: null,
      overdue_at: null,
      outcome: null,
      closed_at: null,
      closed_by: null,
    };
    await trx('violations').insert(row);
    await this.step(trx, row, {
      at: input.at,
      kind: 'found',
      result: input.source,
      by: input.foundBy,
      ...(input.note ? { note: input.note } : {}),
    });
    const min = Math.round((row.deadline_at - row.found_at) / 60_000);
    const [zhBy, enBy] =
      input.source === 'alarm'
        ? ['消防通道违停报警', 'the fire-lane parking alarm']
        : [input.foundBy, input.foundBy];
    await this.log(
      trx,
      row,
      input.at,
      [
        `违停，${zhBy}发现，限 ${min} 分钟内处置`,
        `parked, found by ${enBy}, to be cleared within ${min} min`,
      ],
      actor,
    );
    await this.audit(trx, actor, 'violations.open', row, { source: input.source });
    return row;
  }

  async open(
    input: { plate: string; area: string; foundBy?: string | undefined; note?: string | undefined },
    actor: Actor,
  ): Promise<ViolationView> {
    const row = await this.o.db.transaction(async (trx) =>
      this.openIn(
        trx,
        {
          plate: input.plate,
          area: input.area,
          source: input.foundBy ? 'guard' : 'operator',
          foundBy: input.foundBy || actor.name,
          at: this.o.clock.now(),
          note: input.note,
        },
        actor,
      ),
    );
    return this.changed(row!.id);
  }

  /**
   * The fire-lane alarm opens one violation (its plate unknown until someone reads it). Called for every change
   * the alarm service sees; only the first sight of an alarm reaches the database, and the unique alarm id there
   * keeps a second console start (or a replay) from opening another.
   */
  async fromAlarm(alarm: Pick<AlarmView, 'id' | 'type' | 'zone' | 'location' | 'drill'>) {
    if (alarm.type !== FIRE_LANE_ALARM || alarm.drill || this.seenAlarms.has(alarm.id)) return undefined;
    this.seenAlarms.add(alarm.id);
    const area = areaForAlarm(this.o.site.noParking.areas, alarm);
    if (!area) return undefined;
    const SYSTEM_ALARM: Actor = { id: 'system', name: 'system' };
    const row = await this.o.db.transaction((trx) =>
      this.openIn(
        trx,
        {
          plate: '',
          area: area.id,
          source: 'alarm',
          foundBy: 'alarm',
          // Now, on the console's clock that also judges the deadline (the alarm came in moments ago).
          at: this.o.clock.now(),
          alarmId: alarm.id,
        },
        SYSTEM_ALARM,
      ),
    );
    return row ? this.changed(row.id) : undefined;
  }

  private async moveOn(
    id: string,
    change: (trx: Knex.Transaction, row: ViolationRow, now: number) => Promise<void>,
  ): Promise<ViolationView> {
    await this.o.db.transaction(async (trx) => {
      const row = await this.row(trx, id);
      if (row.state === 'closed') throw new ServiceError('conflict', `${number(row.seq)} is closed already`);
      await change(trx, row, this.o.clock.now());
    });
    return this.changed(id);
  }

  setPlate(id: string, plate: string, actor: Actor): Promise<ViolationView> {
    return this.moveOn(id, async (trx, row, now) => {
      const checked = this.checkedPlate(plate);
      await trx('violations').where({ id }).update({ plate: checked });
      await this.step(trx, row, { at: now, kind: 'plate', result: checked, by: actor.name });
      await this.log(trx, { ...row, plate: checked }, now, ['车牌已确认', 'plate read'], actor);
      await this.audit(trx, actor, 'violations.setPlate', { ...row, plate: checked });
    });
  }

  call(id: string, result: CallResult, note: string | undefined, actor: Actor): Promise<ViolationView> {
    return this.moveOn(id, async (trx, row, now) => {
      const vehicle = row.plate ? await this.o.records.byPlate(row.plate, trx) : undefined;
      const state = row.state === 'open' && result !== 'no_answer' ? 'notified' : row.state;
      await trx('violations')
        .where({ id })
        .update({ state, notified_at: row.notified_at ?? (result === 'no_answer' ? null : now) });
      await this.step(trx, row, { at: now, kind: 'call', result, by: actor.name, note });
      const who = vehicle ? `${vehicle.owner} ${vehicle.phones[0] ?? ''}`.trim() : '';
      const [zh, en] = CALL_WORDS[result];
      await this.log(
        trx,
        row,
        now,
        [
          `致电车主${who ? ` ${who}` : ''}：${zh}${note ? `，${note}` : ''}`,
          `called the owner${who ? ` ${who}` : ''}: ${en}${note ? `, ${note}` : ''}`,
        ],
        actor,
        'call',
      );
      await this.audit(trx, actor, 'violations.call', row, { result });
    });
  }

  escalate(id: string, note: string | undefined, actor: Actor): Promise<ViolationView> {
    return this.moveOn(id, async (trx, row, now) => {
      if (row.state === 'escalated')
        throw new ServiceError('conflict', `${number(row.seq)} went to towing already`);
      const refused = await trx('violation_steps')
        .where({ violation_id: id, kind: 'call', result: 'refused' })
        .first();
      const unknown = !row.plate || !(await this.o.records.byPlate(row.plate, trx));
      // The plan: phone first, tow only when the owner will not (or cannot be reached in time).
      if (!refused && now < row.deadline_at && !unknown)
        throw new ServiceError(
          'conflict',
          `${number(row.seq)}: phone the owner first; towing is for a refusal or once the deadline has passed`,
        );
      await trx('violations').where({ id }).update({ state: 'escalated', escalated_at: now });
      await this.step(trx, row, { at: now, kind: 'escalated', by: actor.name, note });
      const why: [string, string] = refused
        ? ['车主拒绝', 'the owner refused']
        : now >= row.deadline_at
          ? ['已超时', 'past its deadline']
          : ['无车主档案', 'no owner on record'];
      await this.log(
        trx,
        row,
        now,
        [
          `${why[0]}，报警并联系拖车${note ? `：${note}` : ''}`,
          `${why[1]}: police called and towing requested${note ? `: ${note}` : ''}`,
        ],
        actor,
      );
      await this.audit(trx, actor, 'violations.escalate', row);
    });
  }

  close(
    id: string,
    outcome: ViolationOutcome,
    note: string | undefined,
    actor: Actor,
  ): Promise<ViolationView> {
    return this.moveOn(id, async (trx, row, now) => {
      if (outcome === 'towed' && row.state !== 'escalated')
        throw new ServiceError('conflict', `${number(row.seq)} was not sent to towing`);
      await trx('violations')
        .where({ id })
        .update({ state: 'closed', outcome, closed_at: now, closed_by: actor.name });
      await this.step(trx, row, { at: now, kind: 'closed', result: outcome, by: actor.name, note });
      const min = Math.max(0, Math.round((now - row.found_at) / 60_000));
      const [zh, en] = OUTCOME_WORDS[outcome];
      await this.log(
        trx,
        row,
        now,
        [
          `${zh}，用时 ${min} 分钟${note ? `：${note}` : ''}`,
          `${en} after ${min} min${note ? `: ${note}` : ''}`,
        ],
        actor,
      );
      await this.audit(trx, actor, 'violations.close', row, { outcome });
    });
  }

  /** Violations past their deadline and still standing: marked once, with a step and a duty-log line. */
  async checkOverdue(): Promise<number> {
    const now = this.o.clock.now();
    const rows = (await this.o
      .db('violations')
      .whereNot({ state: 'closed' })
      .whereNull('overdue_at')
      .where('deadline_at', '<=', now)) as ViolationRow[];
    for (const row of rows) {
      await this.o.db.transaction(async (trx) => {
        const claimed = await trx('violations')
          .where({ id: row.id })
          .whereNull('overdue_at')
          .update({ overdue_at: now });
        if (claimed === 0) return;
        await this.step(trx, row, { at: now, kind: 'overdue', by: 'system' });
        await this.log(
          trx,
          row,
          now,
          ['已超过处置时限，应报警拖移', 'past its deadline: call the police and towing'],
          undefined,
        );
      });
      await this.changed(row.id);
    }
    return rows.length;
  }

  private changed = async (id: string): Promise<ViolationView> => {
    this.o.onChanged(id);
    return (await this.views([id]))[0]!;
  };

  /** How many violations each plate has on record in the window (false reports left out). */
  async offences(
    plates: readonly string[],
    db: Knex | Knex.Transaction = this.o.db,
  ): Promise<Map<string, number>> {
    const wanted = [...new Set(plates.filter(Boolean))];
    if (wanted.length === 0) return new Map();
    const rows = (await db('violations')
      .whereIn('plate', wanted)
      .where('found_at', '>=', this.o.clock.now() - OFFENCE_WINDOW_MS)
      .where((q) => q.whereNull('outcome').orWhereNot({ outcome: 'false' }))
      .groupBy('plate')
      .select('plate', db.raw('count(*) as n'))) as { plate: string; n: number }[];
    return new Map(rows.map((r) => [r.plate, Number(r.n)]));
  }

  async views(ids: readonly string[]): Promise<ViolationView[]> {
    if (ids.length === 0) return [];
    const rows = (await this.o.db('violations').whereIn('id', ids)) as ViolationRow[];
    return this.viewsOf(rows);
  }

  private async viewsOf(rows: ViolationRow[]): Promise<ViolationView[]> {
    const steps = (await this.o
      .db('violation_steps')
      .whereIn(
        'violation_id',
        rows.map((r) => r.id),
      )
      .orderBy('id')) as StepRow[];
    const offences = await this.offences(rows.map((r) => r.plate));
    const out: ViolationView[] = [];
    for (const r of rows) {
      const vehicle = r.plate ? await this.o.records.byPlate(r.plate) : undefined;
      out.push({
        id: r.id,
        number: number(r.seq),
        plate: r.plate,
        area: r.area,
        kind: r.kind,
        source: r.source,
        foundAt: r.found_at,
        foundBy: r.found_by,
        ...(r.alarm_id ? { alarmId: r.alarm_id } : {}),
        ...(r.camera ? { snapshot: { camera: r.camera, at: r.found_at } } : {}),
        ...(vehicle ? { vehicle } : {}),
        deadlineAt: r.deadline_at,
        state: r.state,
        overdue: r.overdue_at !== null || (r.state !== 'closed' && this.o.clock.now() >= r.deadline_at),
        ...(r.outcome ? { outcome: r.outcome } : {}),
        ...(r.closed_at !== null ? { closedAt: r.closed_at } : {}),
        steps: steps
          .filter((s) => s.violation_id === r.id)
          .map((s) => ({
            at: s.at,
            kind: s.kind,
            ...(s.result ? { result: s.result } : {}),
            by: s.by,
            note: s.note,
          })),
        offences: offences.get(r.plate) ?? 0,
      });
    }
    return out;
  }

  /** Standing violations and those closed in the last day, newest first. */
  async list(): Promise<ViolationView[]> {
    const since = this.o.clock.now() - 86_400_000;
    const rows = (await this.o
      .db('violations')
      .whereNot({ state: 'closed' })
      .orWhere('closed_at', '>=', since)
      .orderBy('found_at', 'desc')
      .limit(200)) as ViolationRow[];
    return this.viewsOf(rows);
  }

  /** Plates with more than one violation in the window, most first. */
  async offenders(limit = 50): Promise<RepeatOffender[]> {
    const db = this.o.db;
    const rows = (await db('violations')
      .whereNot({ plate: '' })
      .where('found_at', '>=', this.o.clock.now() - OFFENCE_WINDOW_MS)
      .where((q) => q.whereNull('outcome').orWhereNot({ outcome: 'false' }))
      .groupBy('plate')
      .having(db.raw('count(*) > 1'))
      .select('plate', db.raw('count(*) as n'), db.raw('max(found_at) as last_at'))
      .orderBy([
        { column: 'n', order: 'desc' },
        { column: 'last_at', order: 'desc' },
      ])
      .limit(limit)) as { plate: string; n: number; last_at: number }[];
    const out: RepeatOffender[] = [];
    for (const r of rows) {
      const last = (await db('violations')
        .where({ plate: r.plate })
        .orderBy('found_at', 'desc')
        .first('area')) as { area: string };
      const vehicle = await this.o.records.byPlate(r.plate);
      out.push({
        plate: r.plate,
        count: Number(r.n),
        lastAt: Number(r.last_at),
        lastArea: last.area,
        ...(vehicle ? { owner: vehicle.owner } : {}),
      });
    }
    return out;
  }

  /** Standing violations, for the handover (carried over to the next shift). */
  async standing(): Promise<ViolationRow[]> {
    return (await this.o
      .db('violations')
      .whereNot({ state: 'closed' })
      .orderBy('found_at')) as ViolationRow[];
  }

  /** What the figures need of the violations found in [from, to). */
  async facts(from: number, to: number): Promise<ViolationFact[]> {
    const rows = (await this.o
      .db('violations')
      .where('found_at', '>=', from)
      .where('found_at', '<', to)) as ViolationRow[];
    return rows.map((r) => ({
      foundAt: r.found_at,
      deadlineAt: r.deadline_at,
      area: r.area,
      kind: r.kind,
      ...(r.escalated_at !== null ? { escalatedAt: r.escalated_at } : {}),
      ...(r.closed_at !== null ? { closedAt: r.closed_at } : {}),
      ...(r.outcome ? { outcome: r.outcome } : {}),
    }));
  }
}

export { number as violationNumber, KIND_WORDS as VIOLATION_KIND_WORDS };
