import type { Knex } from 'knex';
import type {
  HandoverReport,
  HandoverReportView,
  OperatorView,
  ShiftRecord,
  ShiftView,
} from '../../../shared/contract';
import type { ResponseTargets } from '../../../shared/domain/alarm-lifecycle';
import {
  carryOverItems,
  openFollowUps,
  unacknowledged,
  understaffed,
  type CarrySources,
  type VehicleFacts,
} from '../../../shared/domain/handover';
import { responseStatistics } from '../alarms';
import { appendAudit, auditActor } from '../audit/audit';
import { announceAnchor, enqueueAnchor } from '../audit/anchors';
import { auditKeyring, chainHash, GENESIS, isKeyed, readKeyingRecord } from '../audit/chain';
import { dutyRowFields, writeDutyLog, type DutyRow } from '../duty';
import { ServiceError } from '../errors';
import type { SiteNames } from '../site/names';
import type { Clock } from '../../common/clock';
import type { IdGenerator } from '../util/ids';
import { describeReport, itemLabel, shiftRecord } from './record';

interface ShiftRow {
  id: string;
  started_at: number;
  ended_at: number | null;
  after_log_id: number;
  to_log_id: number | null;
  outgoing: string | null;
  incoming: string | null;
  report: string | null;
  sealed_at: number | null;
  seal_hash: string | null;
}

/** What the report needs from the rest of the console at the moment it is made. */
export interface LiveFacts {
  openAlarms(): Promise<CarrySources['openAlarms']>;
  offlineCameras(): CarrySources['offlineCameras'];
  drillsDue(): Promise<CarrySources['drillsDue']>;
  targets(): ResponseTargets;
  /** Unfinished work orders and open hazards (the facilities feature). */
  facilities?(): Promise<{ orders: CarrySources['workOrders']; hazards: CarrySources['hazards'] }>;
  /** Standing parking violations and the shift's vehicle counts since it started (the vehicles feature). */
  vehicles?(since: number): Promise<VehicleFacts>;
}

export interface SealCheckResult {
  ok: boolean;
  entries: number;
  brokenAt?: number;
  reason?: string;
}

/** The shift record's own fields that the seal covers (seq 0 of the chain). */
function headerFields(s: ShiftRow): unknown[] {
  return [
    s.id,
    s.started_at,
    s.ended_at,
    s.after_log_id,
    s.to_log_id,
    s.outgoing,
    s.incoming,
    s.report,
    s.sealed_at,
  ];
}

/**
 * Shifts (班次): who is on duty, the handover report, and sealing. A shift owns the contiguous range of
 * duty-log ids written while it was open; at sign-off that range and the report are chained with the audit
 * log's mechanism (`chainHash`, keyed with the audit key) and the final link is written into the keyed audit
 * entry `shift.sealed`, so the shift row, the chain and the entries can no longer change unnoticed, not even by
 * someone who recomputes the seal.
 */
export class ShiftService {
  constructor(
    private readonly o: {
      db: Knex;
      clock: Clock;
      ids: IdGenerator;
      facts: LiveFacts;
      /** The site's names for the ids in reports and entries, as they are now. */
      names(): SiteNames;
      onChanged(shift: ShiftView): void;
    },
  ) {}

  private async openRow(trx: Knex | Knex.Transaction): Promise<ShiftRow | undefined> {
    return (await trx('shifts').whereNull('ended_at').orderBy('started_at', 'desc').first()) as
      ShiftRow | undefined;
  }

  /** The open shift, started now if there is none (the first sign-in after installation or a sealed one). */
  async ensureOpen(trx: Knex.Transaction, at: number): Promise<ShiftRow> {
    const open = await this.openRow(trx);
    if (open) return open;
    const last = (await trx('shifts').whereNotNull('to_log_id').orderBy('started_at', 'desc').first()) as
      ShiftRow | undefined;
    const row: ShiftRow = {
      id: `shift-${this.o.ids()}`,
      started_at: at,
      ended_at: null,
      after_log_id: last?.to_log_id ?? 0,
      to_log_id: null,
      outgoing: null,
      incoming: null,
      report: null,
      sealed_at: null,
      seal_hash: null,
    };
    await trx('shifts').insert(row);
    return row;
  }

  /** Signs an operator on to the open shift (once; signing in again on another console changes nothing). */
  async join(operator: OperatorView, how: string): Promise<ShiftView> {
    const now = this.o.clock.now();
    const id = await this.o.db.transaction(async (trx) => {
      const shift = await this.ensureOpen(trx, now);
      const on = await trx('shift_operators')
        .where({ shift_id: shift.id, operator_id: operator.id })
        .whereNull('left_at')
        .first();
      if (!on) {
        await trx('shift_operators').insert({ shift_id: shift.id, operator_id: operator.id, joined_at: now });
        await writeDutyLog(trx, {
          at: now,
          kind: 'shift',
          text: `${operator.name} on duty (${how})`,
          operatorId: operator.id,
        });
      }
      return shift.id;
    });
    return this.changed(id);
  }

  async leave(operatorId: string, by: OperatorView): Promise<ShiftView> {
    const now = this.o.clock.now();
    const id = await this.o.db.transaction(async (trx) => {
      const shift = await this.openRow(trx);
      if (!shift) throw new ServiceError('not_found', 'No shift is open.');
      const name = (
        (await trx('operators').where({ id: operatorId }).first('name')) as { name: string } | undefined
      )?.name;
      const n = await trx('shift_operators')
        .where({ shift_id: shift.id, operator_id: operatorId })
        .whereNull('left_at')
        .update({ left_at: now });
      if (n > 0) {
        await writeDutyLog(trx, {
          at: now,
          kind: 'shift',
          text: `${name ?? operatorId} off duty${by.id !== operatorId ? ` (by ${by.name})` : ''}`,
          operatorId,
        });
      }
      return shift.id;
    });
    return this.changed(id);
  }

  async current(): Promise<ShiftView> {
    const open = await this.openRow(this.o.db);
    if (open) return this.view(open);
    const now = this.o.clock.now();
    // No one has signed in since the last seal: show an empty, understaffed shift without creating one.
    return { id: 'none', startedAt: now, onDuty: [], understaffed: true };
  }

  private async changed(id: string): Promise<ShiftView> {
    const row = (await this.o.db('shifts').where({ id }).first()) as ShiftRow;
    const view = await this.view(row);
    this.o.onChanged(view);
    return view;
  }

  async view(s: ShiftRow, db: Knex | Knex.Transaction = this.o.db): Promise<ShiftView> {
    const on = (await db('shift_operators as so')
      .join('operators as o', 'o.id', 'so.operator_id')
      .where('so.shift_id', s.id)
      .whereNull('so.left_at')
      .orderBy('so.joined_at')
      .select('o.id', 'o.name', 'o.role', 'so.joined_at')) as Array<{
      id: string;
      name: string;
      role: OperatorView['role'];
      joined_at: number;
    }>;
    return {
      id: s.id,
      startedAt: s.started_at,
      ...(s.ended_at !== null ? { endedAt: s.ended_at } : {}),
      onDuty: on.map((r) => ({ operator: { id: r.id, name: r.name, role: r.role }, since: r.joined_at })),
      understaffed: s.ended_at === null && understaffed(on.length),
      ...(s.sealed_at !== null ? { sealedAt: s.sealed_at } : {}),
      ...(s.outgoing ? { outgoing: JSON.parse(s.outgoing) as string[] } : {}),
      ...(s.incoming ? { incoming: JSON.parse(s.incoming) as string[] } : {}),
    };
  }

  async list(limit: number): Promise<ShiftView[]> {
    const rows = (await this.o.db('shifts').orderBy('started_at', 'desc').limit(limit)) as ShiftRow[];
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async get(id: string): Promise<{
    shift: ShiftView;
    report: HandoverReport | null;
    check: SealCheckResult | null;
    record: ShiftRecord | null;
  }> {
    const row = (await this.o.db('shifts').where({ id }).first()) as ShiftRow | undefined;
    if (!row) throw new ServiceError('not_found', `There is no shift "${id}".`);
    const report = row.report ? (JSON.parse(row.report) as HandoverReport) : null;
    const check = row.sealed_at !== null ? await this.verify(id) : null;
    let record: ShiftRecord | null = null;
    if (report && check && row.sealed_at !== null && row.to_log_id !== null && row.seal_hash !== null) {
      const names = (list: string | null) => (list ? (JSON.parse(list) as string[]) : []);
      record = await shiftRecord(
        this.o.db,
        {
          id: row.id,
          after_log_id: row.after_log_id,
          to_log_id: row.to_log_id,
          outgoing: names(row.outgoing),
          incoming: names(row.incoming),
          sealed_at: row.sealed_at,
          seal_hash: row.seal_hash,
        },
        report,
        check,
        this.o.names(),
      );
    }
    return { shift: await this.view(row), report, check, record };
  }

  /** The vehicles' facts since the open shift started, read on the database's connection before a transaction. */
  private async vehicleFacts(): Promise<VehicleFacts | undefined> {
    const open = this.o.facts.vehicles && (await this.openRow(this.o.db));
    return open ? this.o.facts.vehicles!(open.started_at) : undefined;
  }

  /** The open shift's report with every item named for people (the labels are not part of what is sealed). */
  async reportView(): Promise<HandoverReportView> {
    return describeReport(await this.report(), this.o.names());
  }

  /** The report as it stands; inside the handover transaction it is made again so nothing slips through. */
  async report(
    db: Knex | Knex.Transaction = this.o.db,
    shift?: ShiftRow,
    live?: {
      openAlarms: CarrySources['openAlarms'];
      drillsDue: CarrySources['drillsDue'];
      work?: { orders: CarrySources['workOrders']; hazards: CarrySources['hazards'] } | undefined;
      vehicles?: VehicleFacts | undefined;
    },
  ): Promise<HandoverReport> {
    const s = shift ?? (await this.openRow(db));
    if (!s) throw new ServiceError('not_found', 'No shift is open: sign in first.');
    const vehicles = live ? live.vehicles : await this.o.facts.vehicles?.(s.started_at);
    const to = this.o.clock.now();
    const inShift = (q: Knex.QueryBuilder) => q.where('id', '>', s.after_log_id);
    // A video round or an inspection not done by its due time is carried over as a missed patrol is.
    const missed = (await inShift(db('duty_log').whereIn('kind', ['patrol_missed', 'round_missed'])).orderBy(
      'id',
    )) as DutyRow[];
    const notes = (await db('duty_log')
      .where((q) => q.where('follow_up', 1).orWhere('kind', 'follow_up_done'))
      .orderBy('id')) as DutyRow[];
    const followUps = openFollowUps(
      notes.map((n) => ({ ...n, followUp: n.follow_up === 1, refId: n.ref_id ?? undefined })),
    );
    const devices = (await db('hub_events')
      .whereIn(
        'seq',
        db('hub_events')
          .whereRaw("kind = 'device'")
          .max('seq')
          .groupByRaw("json_extract(body, '$.deviceId')"),
      )
      .select('body')) as Array<{ body: string }>;
    const faulty = devices
      .map(
        (d) =>
          JSON.parse(d.body) as {
            deviceId: string;
            kind: string;
            state: string;
            at: number;
            zone?: string;
            text?: string;
          },
      )
      .filter((d) => d.state !== 'ok')
      .map((d) => ({
        deviceId: d.deviceId,
        kind: d.kind,
        state: d.state,
        since: d.at,
        ...(d.zone ? { zone: d.zone } : {}),
        ...(d.text ? { text: d.text } : {}),
      }));
    // Read before the sealing transaction (in `live`): the facts read the database on a connection of their own.
    const work = live ? live.work : await this.o.facts.facilities?.();
    const items = carryOverItems({
      violations: vehicles?.violations,
      workOrders: work?.orders,
      hazards: work?.hazards,
      openAlarms: live?.openAlarms ?? (await this.o.facts.openAlarms()),
      offlineCameras: this.o.facts.offlineCameras(),
      faultyDevices: faulty,
      missedPatrols: missed.map((m) => ({ entryId: m.id, at: m.at, text: m.text })),
      drillsDue: live?.drillsDue ?? (await this.o.facts.drillsDue()),
      followUps: followUps.map((n) => ({ entryId: n.id, at: n.at, text: n.text })),
    });
    // The shift's alarms include those that came in before its first sign-in (after the previous seal).
    const first = (await inShift(db('duty_log')).orderBy('id').first('at')) as { at: number } | undefined;
    const from = Math.min(s.started_at, first?.at ?? s.started_at);
    const stats = await responseStatistics(db, { from, to: to + 1 }, this.o.facts.targets());
    const counts = (await inShift(db('duty_log'))
      .select(db.raw('count(*) as n'), db.raw('sum(manual) as m'))
      .first()) as { n: number; m: number | null };
    const operators = (await db('shift_operators as so')
      .join('operators as o', 'o.id', 'so.operator_id')
      .where('so.shift_id', s.id)
      .distinct('o.name')
      .orderBy('o.name')) as Array<{ name: string }>;
    return {
      version: 2,
      shiftId: s.id,
      from,
      to,
      operators: operators.map((o) => o.name),
      items,
      stats: {
        byType: stats.byType,
        total: stats.total,
        acknowledged: stats.acknowledged,
        acknowledgedWithinTarget: stats.acknowledgedWithinTarget,
        ackP50Ms: stats.ackP50Ms,
        ackP90Ms: stats.ackP90Ms,
        resolved: stats.resolved,
        resolvedWithinTarget: stats.resolvedWithinTarget,
        open: stats.open,
        dutyEntries: Number(counts.n),
        manualEntries: Number(counts.m ?? 0),
        ...(vehicles ? { vehicles: vehicles.counts } : {}),
      },
    };
  }

  /**
   * Sign-off. Both operators have already proved their passwords. Every carried-over item must be
   * acknowledged (the report is made again here: an alarm that arrived meanwhile must be seen too). The shift
   * is closed, its duty-log range and report are sealed, and the next shift starts with the incoming operator.
   */
  async handover(input: {
    outgoing: OperatorView;
    incoming: OperatorView;
    acknowledged: string[];
    note?: string | undefined;
  }): Promise<{ sealed: ShiftView; next: ShiftView }> {
    const now = this.o.clock.now();
    if (input.outgoing.id === input.incoming.id)
      throw new ServiceError(
        'invalid_input',
        'The incoming operator must be someone else than the outgoing one.',
      );
    // Read just before the transaction: the services read through the database's one connection.
    const live = {
      openAlarms: await this.o.facts.openAlarms(),
      drillsDue: await this.o.facts.drillsDue(),
      work: await this.o.facts.facilities?.(),
      vehicles: await this.vehicleFacts(),
    };
    const [sealedId, nextId, anchor] = await this.o.db.transaction(async (trx) => {
      const shift = await this.openRow(trx);
      if (!shift) throw new ServiceError('not_found', 'No shift is open.');
      const report = await this.report(trx, shift, live);
      const missing = unacknowledged(report.items, input.acknowledged);
      if (missing.length > 0) {
        throw new ServiceError(
          'conflict',
          `The incoming operator has not acknowledged ${missing.length} carried-over item(s): ${missing
            .slice(0, 5)
            // Core messages are English; the items are named as the English interface names them.
            .map((m) => itemLabel(m, report.version, this.o.names()).en)
            .join('; ')}${missing.length > 5 ? '; …' : ''}`,
        );
      }
      if (input.note) {
        await writeDutyLog(trx, {
          at: now,
          kind: 'handover',
          text: input.note,
          operatorId: input.outgoing.id,
          manual: true,
        });
      }
      const last = await writeDutyLog(trx, {
        at: now,
        kind: 'handover',
        text: `${input.outgoing.name} → ${input.incoming.name}: ${report.items.length} item(s) carried over and acknowledged`,
        operatorId: input.outgoing.id,
      });
      await trx('shift_operators')
        .where({ shift_id: shift.id })
        .whereNull('left_at')
        .update({ left_at: now });
      const finalReport: HandoverReport = { ...report, to: now };
      const sealedRow: ShiftRow = {
        ...shift,
        ended_at: now,
        to_log_id: last,
        outgoing: JSON.stringify([input.outgoing.name]),
        incoming: JSON.stringify([input.incoming.name]),
        report: JSON.stringify(finalReport),
        sealed_at: now,
        seal_hash: null,
      };
      // Keyed like the audit entries written now; undefined for a database without a key (tests, key missing).
      const key = auditKeyring(trx)?.key;
      let prev = chainHash(key, GENESIS, headerFields(sealedRow));
      await trx('shift_seal').insert({
        shift_id: shift.id,
        seq: 0,
        duty_log_id: null,
        prev_hash: GENESIS,
        hash: prev,
      });
      const entries = (await trx('duty_log')
        .where('id', '>', shift.after_log_id)
        .andWhere('id', '<=', last)
        .orderBy('id')) as DutyRow[];
      let seq = 1;
      const batch: Array<Record<string, unknown>> = [];
      for (const e of entries) {
        const hash = chainHash(key, prev, dutyRowFields(e));
        batch.push({ shift_id: shift.id, seq: seq++, duty_log_id: e.id, prev_hash: prev, hash });
        prev = hash;
      }
      for (let i = 0; i < batch.length; i += 200) await trx('shift_seal').insert(batch.slice(i, i + 200));
      // One update: once sealed_at is set, a trigger refuses any further change to the row.
      await trx('shifts')
        .where({ id: shift.id })
        .update({ ...sealedRow, seal_hash: prev });
      await appendAudit(trx, {
        at: now,
        ...auditActor(input.outgoing),
        action: 'shift.sealed',
        target: shift.id,
        details: {
          incoming: input.incoming.id,
          entries: entries.length,
          items: report.items.length,
          hash: prev,
        },
      });
      // The hub learns the chain's head with the entry that records this seal in it.
      const anchor = await enqueueAnchor(trx, { at: now, reason: 'seal' });
      const next = await this.ensureOpen(trx, now);
      await trx('shift_operators').insert({
        shift_id: next.id,
        operator_id: input.incoming.id,
        joined_at: now,
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'shift',
        text: `${input.incoming.name} on duty (took over from ${input.outgoing.name})`,
        operatorId: input.incoming.id,
      });
      return [shift.id, next.id, anchor] as const;
    });
    if (anchor) announceAnchor(this.o.db, anchor);
    const sealed = await this.view((await this.o.db('shifts').where({ id: sealedId }).first()) as ShiftRow);
    return { sealed, next: await this.changed(nextId) };
  }

  /**
   * Recomputes the seal from what is in the database now and names the first entry that no longer matches:
   * an edited or removed entry, one slipped into the sealed range, or a changed shift record.
   */
  async verify(id: string): Promise<SealCheckResult> {
    const db = this.o.db;
    const shift = (await db('shifts').where({ id }).first()) as ShiftRow | undefined;
    if (!shift || shift.sealed_at === null || shift.to_log_id === null)
      return { ok: false, entries: 0, reason: 'this shift is not sealed' };
    const seal = (await db('shift_seal').where({ shift_id: id }).orderBy('seq')) as Array<{
      seq: number;
      duty_log_id: number | null;
      prev_hash: string;
      hash: string;
    }>;
    // The audit entry written with the seal says whether it was keyed and holds its final link.
    const entry = (await db('audit_log')
      .where({ action: 'shift.sealed', target: id })
      .orderBy('seq')
      .first('seq', 'details')) as { seq: number; details: string } | undefined;
    if (!entry) return { ok: false, entries: 0, reason: 'the audit entry of this seal is missing' };
    const record = await readKeyingRecord(db);
    const keyed = record === 'damaged' || isKeyed(record, entry.seq);
    const key = keyed ? auditKeyring(db)?.key : undefined;
    if (keyed && !key)
      return { ok: false, entries: 0, reason: 'the audit key is missing, so this seal cannot be checked' };
    const head = seal[0];
    let prev = GENESIS;
    if (!head || head.prev_hash !== GENESIS || chainHash(key, GENESIS, headerFields(shift)) !== head.hash)
      return { ok: false, entries: 0, brokenAt: 0, reason: 'the shift record or its report was changed' };
    prev = head.hash;
    const live = (await db('duty_log')
      .where('id', '>', shift.after_log_id)
      .andWhere('id', '<=', shift.to_log_id)
      .orderBy('id')) as DutyRow[];
    const byId = new Map(live.map((r) => [r.id, r]));
    const sealedIds = new Set<number>();
    let entries = 0;
    for (const link of seal.slice(1)) {
      const entryId = link.duty_log_id ?? -1;
      sealedIds.add(entryId);
      if (link.prev_hash !== prev)
        return { ok: false, entries, brokenAt: entryId, reason: 'the seal chain is broken here' };
      const row = byId.get(entryId);
      if (!row) {
        const pruned = (await db('duty_log_pruned')
          .where('up_to_id', '>=', entryId)
          .orderBy('id')
          .first()) as { backup_file: string } | undefined;
        return {
          ok: false,
          entries,
          brokenAt: entryId,
          reason: pruned
            ? `this entry was removed by retention; the backup ${pruned.backup_file} holds it`
            : 'this entry was removed',
        };
      }
      if (chainHash(key, prev, dutyRowFields(row)) !== link.hash)
        return {
          ok: false,
          entries,
          brokenAt: entryId,
          reason: 'this entry was changed since the shift was sealed',
        };
      prev = link.hash;
      entries++;
    }
    const added = live.find((r) => !sealedIds.has(r.id));
    if (added)
      return {
        ok: false,
        entries,
        brokenAt: added.id,
        reason: 'this entry was added after the shift was sealed',
      };
    if (shift.seal_hash !== prev)
      return { ok: false, entries, brokenAt: 0, reason: 'the final seal hash does not match' };
    if ((JSON.parse(entry.details) as { hash?: unknown }).hash !== prev)
      return { ok: false, entries, brokenAt: 0, reason: 'the seal no longer matches its audit entry' };
    return { ok: true, entries };
  }
}
