import type { Knex } from 'knex';
import type {
  DueRoundView,
  RoundResultView,
  RoundRunView,
  RoundSubject,
  RoundSummaryView,
  WorkOrderView,
} from '../../../shared/contract';
import { FIRE_FACILITY_KINDS, type Severity } from '../../../shared/domain/facilities';
import {
  dueList,
  localParts,
  nextDue,
  prevDue,
  roundsOf,
  shiftAt,
  valuePasses,
  type ChecklistItem,
  type InspectionRoundDef,
  type RoundSchedule,
  type ScheduleZone,
  type VideoProblem,
  type VideoRoundDef,
} from '../../../shared/domain/rounds';
import type { SiteFile } from '../../../shared/domain/site';
import { pickText, type LocalizedText } from '../../../shared/domain/text';
import { MESSAGES } from '../../../shared/i18n';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { Clock } from '../../common/clock';
import type { IdGenerator } from '../util/ids';
import type { Work } from './work';
import { hazardNumber, orderNumber, type OrderRow } from './work-shared';

interface RunRow {
  id: string;
  round_id: string;
  kind: 'video' | 'inspection';
  due_at: number;
  started_at: number;
  finished_at: number | null;
  by_id: string;
  by_name: string;
  subjects: string;
}

interface ResultRow {
  run_id: string;
  subject_id: string;
  item_id: string;
  result: RoundResultView['result'];
  problem: VideoProblem | null;
  value: number | null;
  note: string | null;
  snapshot: string | null;
  order_id: string | null;
  hazard_id: string | null;
  at: number;
  by: string;
}

type RoundDef = (VideoRoundDef & { kind: 'video' }) | (InspectionRoundDef & { kind: 'inspection' });

export interface MarkInput {
  runId: string;
  subjectId: string;
  itemId: string;
  result?: RoundResultView['result'] | undefined;
  problem?: VideoProblem | undefined;
  value?: number | undefined;
  note?: string | undefined;
  png?: string | undefined;
  open?: 'order' | 'hazard' | undefined;
}

export interface RoundsOptions {
  db: Knex;
  clock: Clock;
  ids: IdGenerator;
  site: SiteFile;
  work: Work;
  cameras(): ReadonlyArray<{ id: string; name: LocalizedText; zone?: string | undefined }>;
  /** Keeps a still of a camera's picture; its file name, or undefined when it cannot (the disk is full). */
  saveStill(cameraId: string, png: string, at: number): string | undefined;
  changed(what: 'rounds'): void;
}

/** How far back the due list looks for rounds finished: a monthly round's period and a day's slack. */
const LOOKBACK_MS = 33 * 86_400_000;
/** The duty log's lines are 「中文 · English」: neither side may hold the separator. */
const clean = (s: string) => s.replace(/ · /g, ' - ').slice(0, 300);

/**
 * Rounds at the desk (issue 18, second slice): the video inspection round (视频巡查) steps through cameras, the
 * facility inspections (巡检) through the ledger's entries with their kind's checklist. Each round's due times
 * come from the site file's schedule in its local time; a due time passed without its round is told once in the
 * duty log (and so in the handover); a round done is a duty-log line with its figures.
 */
export class Rounds {
  /** When the console began watching the due times (its start): earlier ones are not reported missed. */
  watchingSince = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: RoundsOptions) {}

  private zone(): ScheduleZone {
    const p = this.o.site.patrol;
    return { timeZone: this.o.site.timeZone, bands: { dayStartMin: p.dayStart, dayEndMin: p.dayEnd } };
  }

  defs(): RoundDef[] {
    const r = roundsOf(this.o.site.facilities.rounds);
    return [
      ...r.video.map((v) => ({ ...v, kind: 'video' as const })),
      ...r.inspections.map((i) => ({ ...i, kind: 'inspection' as const })),
    ];
  }

  private def(roundId: string): RoundDef {
    const def = this.defs().find((d) => d.id === roundId);
    if (!def) throw new ServiceError('not_found', `There is no round "${roundId}".`);
    return def;
  }

  /** What a round covers now: the cameras (of its zone), or the ledger's entries of its kinds with checklists. */
  async subjects(def: RoundDef, db: Knex | Knex.Transaction = this.o.db): Promise<RoundSubject[]> {
    if (def.kind === 'video')
      return this.o
        .cameras()
        .filter((c) => !def.zone || c.zone === def.zone)
        .map((c) => ({ id: c.id, name: c.name, ...(c.zone ? { zone: c.zone } : {}), items: [] }));
    const checklists = roundsOf(this.o.site.facilities.rounds).checklists;
    let q = db('facilities').whereIn('kind', def.kinds);
    if (def.zone) q = q.where({ zone: def.zone });
    const rows = (await q.orderBy('code').select('id', 'code', 'name', 'kind', 'zone')) as Array<{
      id: string;
      code: string;
      name: string;
      kind: keyof typeof checklists;
      zone: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      code: r.code,
      kind: r.kind,
      ...(r.zone ? { zone: r.zone } : {}),
      items: checklists[r.kind],
    }));
  }

  /** How many cameras or entries a round covers, without reading them (a ledger may hold 50,000). */
  private async count(def: RoundDef): Promise<number> {
    if (def.kind === 'video') return (await this.subjects(def)).length;
    let q = this.o.db('facilities').whereIn('kind', def.kinds);
    if (def.zone) q = q.where({ zone: def.zone });
    const row = (await q.count({ n: '*' }).first()) as { n: number } | undefined;
    return Number(row?.n ?? 0);
  }

  /** The finish times of each round since `from` (the due list's periods), one indexed read per round. */
  private async finishedSince(defs: readonly RoundDef[], from: number): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    for (const d of defs) {
      const rows = (await this.o
        .db('facility_rounds')
        .where({ round_id: d.id })
        .where('finished_at', '>', from)
        .select('finished_at')) as Array<{ finished_at: number }>;
      out.set(
        d.id,
        rows.map((r) => r.finished_at),
      );
    }
    return out;
  }

  /** The current shift's due list: each round's due times in it, done, pending or missed. */
  async due(): Promise<{ shift: { from: number; to: number }; rounds: DueRoundView[] }> {
    const now = this.o.clock.now();
    const z = this.zone();
    const shift = shiftAt(now, z.timeZone, z.bands);
    const defs = this.defs();
    const finished = await this.finishedSince(defs, shift.from - LOOKBACK_MS);
    const open: Array<{ id: string; round_id: string }> = [];
    const counts = new Map<string, number>();
    for (const d of defs) {
      counts.set(d.id, await this.count(d));
      const run = (await this.o
        .db('facility_rounds')
        .where({ round_id: d.id })
        .whereNull('finished_at')
        .first('id', 'round_id')) as { id: string; round_id: string } | undefined;
      if (run) open.push(run);
    }
    return {
      shift,
      rounds: dueList(defs, finished, shift, now, z).map((item) => {
        const d = defs.find((x) => x.id === item.roundId)!;
        const run = open.find((r) => r.round_id === d.id);
        return {
          ...item,
          kind: d.kind,
          name: d.name,
          ...(d.zone ? { zone: d.zone } : {}),
          subjects: counts.get(d.id) ?? 0,
          ...(run ? { runId: run.id } : {}),
        };
      }),
    };
  }

  /** The last rounds finished, newest first, with their figures. */
  async recent(limit = 20): Promise<RoundSummaryView[]> {
    const runs = (await this.o
      .db('facility_rounds')
      .whereNotNull('finished_at')
      .orderBy('finished_at', 'desc')
      .limit(limit)) as RunRow[];
    if (!runs.length) return [];
    const figures = (await this.o
      .db('facility_round_results')
      .whereIn(
        'run_id',
        runs.map((r) => r.id),
      )
      .groupBy('run_id')
      .select('run_id')
      .countDistinct({ checked: 'subject_id' })
      .select(
        this.o.db.raw(
          "count(DISTINCT CASE WHEN result IN ('problem', 'fail') THEN subject_id END) AS problems",
        ),
      )) as Array<{ run_id: string; checked: number; problems: number }>;
    const defs = this.defs();
    return runs.map((r) => {
      const f = figures.find((x) => x.run_id === r.id);
      return {
        id: r.id,
        roundId: r.round_id,
        kind: r.kind,
        name: defs.find((d) => d.id === r.round_id)?.name ?? r.round_id,
        by: r.by_name,
        startedAt: r.started_at,
        finishedAt: r.finished_at!,
        subjects: (JSON.parse(r.subjects) as unknown[]).length,
        checked: Number(f?.checked ?? 0),
        problems: Number(f?.problems ?? 0),
      };
    });
  }

  /** Begins a round, or resumes the one of it begun and not finished. */
  async start(roundId: string, actor: Actor): Promise<RoundRunView> {
    const def = this.def(roundId);
    const id = await this.o.db.transaction(async (trx) => {
      const open = (await trx('facility_rounds')
        .where({ round_id: roundId })
        .whereNull('finished_at')
        .first('id')) as { id: string } | undefined;
      if (open) return open.id;
      const now = this.o.clock.now();
      const subjects = await this.subjects(def, trx);
      const run: RunRow = {
        id: this.o.ids(),
        round_id: roundId,
        kind: def.kind,
        due_at: nextDue(def.schedule, now, this.zone()),
        started_at: now,
        finished_at: null,
        by_id: actor.id,
        by_name: actor.name,
        // Without their checklists (the kind's, read again with the round): a fire round of 20,000 entries stays small.
        subjects: JSON.stringify(subjects.map(({ items: _items, ...rest }) => rest)),
      };
      await trx('facility_rounds').insert(run);
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'round.start',
        target: run.id,
        details: { roundId },
      });
      return run.id;
    });
    this.o.changed('rounds');
    return this.get(id);
  }

  async get(runId: string, db: Knex | Knex.Transaction = this.o.db): Promise<RoundRunView> {
    const run = (await db('facility_rounds').where({ id: runId }).first()) as RunRow | undefined;
    if (!run) throw new ServiceError('not_found', `There is no round run "${runId}".`);
    const results = (await db('facility_round_results')
      .where({ run_id: runId })
      .orderBy('id')) as ResultRow[];
    const numbers = await this.numbers(db, results);
    const def = this.defs().find((d) => d.id === run.round_id);
    const checklists = roundsOf(this.o.site.facilities.rounds).checklists;
    return {
      id: run.id,
      roundId: run.round_id,
      kind: run.kind,
      name: def?.name ?? run.round_id,
      dueAt: run.due_at,
      startedAt: run.started_at,
      ...(run.finished_at !== null ? { finishedAt: run.finished_at } : {}),
      by: run.by_name,
      subjects: (JSON.parse(run.subjects) as Array<Omit<RoundSubject, 'items'>>).map((x) => ({
        ...x,
        items: x.kind && run.kind === 'inspection' ? checklists[x.kind] : [],
      })),
      results: results.map((r) => resultView(r, numbers)),
    };
  }

  private async numbers(db: Knex | Knex.Transaction, rows: readonly ResultRow[]) {
    const orders = rows.map((r) => r.order_id).filter((x): x is string => !!x);
    const hazards = rows.map((r) => r.hazard_id).filter((x): x is string => !!x);
    const o = orders.length
      ? ((await db('work_orders').whereIn('id', orders).select('id', 'number')) as Array<{
          id: string;
          number: number;
        }>)
      : [];
    const h = hazards.length
      ? ((await db('hazards').whereIn('id', hazards).select('id', 'number')) as Array<{
          id: string;
          number: number;
        }>)
      : [];
    return {
      orders: new Map(o.map((x) => [x.id, orderNumber(x.number)])),
      hazards: new Map(h.map((x) => [x.id, hazardNumber(x.number)])),
    };
  }

  /**
   * One camera's picture or one checklist item found normal or wrong. A problem can open a work order or a hazard
   * at once; a failed checklist item always opens its entry's work order (its open one is reused: one per entry).
   */
  async mark(input: MarkInput, actor: Actor): Promise<RoundResultView> {
    const now = this.o.clock.now();
    const run = await this.get(input.runId);
    if (run.finishedAt !== undefined)
      throw new ServiceError('conflict', 'This round is finished: its results are kept as they were.');
    const subject = run.subjects.find((s) => s.id === input.subjectId);
    if (!subject) throw new ServiceError('not_found', `"${input.subjectId}" is not in this round.`);
    let item: ChecklistItem | undefined;
    let result = input.result;
    if (run.kind === 'video') {
      if (input.itemId !== '') throw new ServiceError('invalid_input', 'A camera has no checklist items.');
      if (result !== 'normal' && result !== 'problem')
        throw new ServiceError('invalid_input', 'A camera’s picture is normal or a problem.');
    } else {
      item = subject.items.find((i) => i.id === input.itemId);
      if (!item) throw new ServiceError('not_found', `"${input.itemId}" is not on this checklist.`);
      if (input.value !== undefined) {
        if (!item.value)
          throw new ServiceError('invalid_input', 'This item takes pass or fail, not a reading.');
        result = valuePasses(item, input.value) ? 'pass' : 'fail';
      }
      if (result !== 'pass' && result !== 'fail')
        throw new ServiceError('invalid_input', 'A checklist item is passed or failed.');
    }
    const wrong = result === 'problem' || result === 'fail';
    const snapshot =
      run.kind === 'video' && wrong && input.png ? this.o.saveStill(subject.id, input.png, now) : undefined;
    let order: WorkOrderView | undefined;
    let hazard: { id: string } | undefined;
    const what = describe(run.kind, subject, item, input, result!);
    if (wrong && (input.open === 'order' || (run.kind === 'inspection' && input.open !== 'hazard')))
      order = await this.orderFor(run, subject, what, actor);
    if (wrong && input.open === 'hazard')
      hazard = await this.o.work.report(
        {
          category:
            input.problem === 'something_seen' ? 'security' : isFire(subject.kind) ? 'fire' : 'facility',
          severity: 'normal',
          source: 'inspection',
          description: what.zh,
          zone: subject.zone,
        },
        actor,
      );
    const row: ResultRow = {
      run_id: run.id,
      subject_id: subject.id,
      item_id: input.itemId,
      result: result!,
      problem: wrong ? (input.problem ?? null) : null,
      value: input.value ?? null,
      note: input.note || null,
      snapshot: snapshot ?? null,
      order_id: order?.id ?? null,
      hazard_id: hazard?.id ?? null,
      at: now,
      by: actor.name,
    };
    await this.o.db.transaction(async (trx) => {
      // A second mark replaces the first, keeping what it opened unless this one opened something.
      const before = (await trx('facility_round_results')
        .where({ run_id: run.id, subject_id: subject.id, item_id: input.itemId })
        .first()) as ResultRow | undefined;
      if (before) {
        row.order_id ??= wrong ? before.order_id : null;
        row.hazard_id ??= wrong ? before.hazard_id : null;
        row.snapshot ??= wrong ? before.snapshot : null;
        await trx('facility_round_results')
          .where({ run_id: run.id, subject_id: subject.id, item_id: input.itemId })
          .update(row);
      } else await trx('facility_round_results').insert(row);
    });
    this.o.changed('rounds');
    return resultView(row, await this.numbers(this.o.db, [row]));
  }

  /** The entry's (a camera's ledger entry's) open work order, or a new one. */
  private async orderFor(
    run: RoundRunView,
    subject: RoundSubject,
    what: { zh: string },
    actor: Actor,
  ): Promise<WorkOrderView> {
    const entry = (await this.o
      .db('facilities')
      .where(run.kind === 'video' ? { device_id: `camera:${subject.id}` } : { id: subject.id })
      .first('id', 'device_id', 'zone')) as
      { id: string; device_id: string | null; zone: string | null } | undefined;
    if (entry) {
      const open = (await this.o
        .db('work_orders')
        .where({ entry_id: entry.id })
        .whereNotIn('state', ['verified', 'refused'])
        .first()) as OrderRow | undefined;
      if (open) return this.o.work.orderView(open);
    }
    const severity: Severity = isFire(subject.kind) ? 'high' : 'normal';
    return this.o.work.openManual(
      { title: what.zh.slice(0, 200), severity, entryId: entry?.id, zone: subject.zone },
      actor,
      entry && { deviceId: entry.device_id, zone: entry.zone },
    );
  }

  /** Finishes a round: its figures and each problem go to the duty log. */
  async finish(runId: string, actor: Actor): Promise<RoundRunView> {
    const run = await this.get(runId);
    if (run.finishedAt !== undefined) return run;
    const now = this.o.clock.now();
    const checked = new Set(run.results.map((r) => r.subjectId));
    const wrong = run.results.filter((r) => r.result === 'problem' || r.result === 'fail');
    const wrongSubjects = new Set(wrong.map((r) => r.subjectId));
    // A camera by its id: the duty log names site ids in the reader's language when it is read.
    const name = (s: RoundSubject) => (run.kind === 'video' ? s.id : pickText(s.name, 'zh-CN'));
    const nameEn = (s: RoundSubject) => (run.kind === 'video' ? s.id : (s.code ?? pickText(s.name, 'en')));
    const zh = MESSAGES['zh-CN'].rounds;
    const problems = run.subjects.filter((s) => wrongSubjects.has(s.id));
    const video = run.kind === 'video';
    const figures = {
      zh: `${video ? '视频巡查' : '巡检'}「${pickText(run.name, 'zh-CN')}」完成：${run.subjects.length} ${video ? '路' : '项设施'}，已查 ${checked.size}，异常 ${wrongSubjects.size}${problems.length ? `（${problems.map(name).join('、')}）` : ''}`,
      en: `${video ? 'video round' : 'inspection'} "${pickText(run.name, 'en')}" done: ${run.subjects.length} ${video ? 'cameras' : 'facilities'}, ${checked.size} checked, ${wrongSubjects.size} with problems${problems.length ? ` (${problems.map(nameEn).join(', ')})` : ''}`,
    };
    await this.o.db.transaction(async (trx) => {
      const claimed = await trx('facility_rounds')
        .where({ id: runId })
        .whereNull('finished_at')
        .update({ finished_at: now });
      if (!claimed) return;
      await writeDutyLog(trx, {
        at: now,
        kind: 'inspection',
        text: `${clean(figures.zh)} · ${clean(figures.en)}`,
        operatorId: actor.id,
      });
      for (const r of wrong) {
        const s = run.subjects.find((x) => x.id === r.subjectId);
        if (!s) continue;
        const problemZh = r.problem ? zh.problem[r.problem] : r.itemId;
        await writeDutyLog(trx, {
          at: now,
          kind: 'inspection',
          text: `${clean(`${name(s)}：${problemZh}${r.note ? `（${r.note}）` : ''}${r.orderNumber ? ` ${r.orderNumber}` : ''}${r.hazardNumber ? ` ${r.hazardNumber}` : ''}`)} · ${clean(`${nameEn(s)}: ${r.problem ? MESSAGES.en.rounds.problem[r.problem] : r.itemId}${r.orderNumber ? ` ${r.orderNumber}` : ''}${r.hazardNumber ? ` ${r.hazardNumber}` : ''}`)}`,
          operatorId: actor.id,
          ...(video ? { cameraId: s.id } : {}),
        });
      }
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'round.finish',
        target: runId,
        details: { checked: checked.size, problems: wrongSubjects.size },
      });
    });
    this.o.changed('rounds');
    return this.get(runId);
  }

  /**
   * Each round's last due time: passed without the round finished in its period, told once in the duty log
   * (the handover carries it). Returns how many were told.
   */
  async checkMissed(): Promise<number> {
    const now = this.o.clock.now();
    const z = this.zone();
    let told = 0;
    for (const def of this.defs()) {
      const due = prevDue(def.schedule, now, z);
      // Only due times that passed after the console started (one due at that very moment was not its to keep): a
      // console started (a new one, or after a week off) does not report every round of before it as missed; a due
      // time over a day old is not news either.
      if (due <= this.watchingSince || now - due > 86_400_000) continue;
      const from = prevDue(def.schedule, due - 1, z);
      const done = await this.o
        .db('facility_rounds')
        .where({ round_id: def.id })
        .where('finished_at', '>', from)
        .where('finished_at', '<=', due)
        .first('id');
      if (done) continue;
      const wrote = await this.o.db.transaction(async (trx) => {
        if (await trx('facility_rounds_missed').where({ round_id: def.id, due_at: due }).first('due_at'))
          return false;
        await trx('facility_rounds_missed').insert({ round_id: def.id, due_at: due, told_at: now });
        const at = hhmm(due, z.timeZone);
        await writeDutyLog(trx, {
          at: now,
          kind: 'round_missed',
          text: `${clean(`${def.kind === 'video' ? '视频巡查' : '巡检'}「${pickText(def.name, 'zh-CN')}」未在 ${at} 前完成`)} · ${clean(`${def.kind === 'video' ? 'video round' : 'inspection'} "${pickText(def.name, 'en')}" not done by ${at}`)}`,
        });
        return true;
      });
      if (wrote) told++;
    }
    if (told) this.o.changed('rounds');
    return told;
  }

  /** The schedule of a round (for tests and the bench). */
  scheduleOf(roundId: string): RoundSchedule {
    return this.def(roundId).schedule;
  }
}

/** A due time as the site's clocks read it: 2026-12-01 20:00. */
function hhmm(at: number, timeZone: string): string {
  const p = localParts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.y}-${two(p.m)}-${two(p.d)} ${two(Math.floor(p.minute / 60))}:${two(p.minute % 60)}`;
}

const isFire = (kind: string | undefined) => kind !== undefined && FIRE_FACILITY_KINDS.has(kind);

/** What was found, in words for the order's title or the hazard's description (Chinese: the register's language). */
function describe(
  kind: 'video' | 'inspection',
  subject: RoundSubject,
  item: ChecklistItem | undefined,
  input: MarkInput,
  result: RoundResultView['result'],
): { zh: string } {
  const name = pickText(subject.name, 'zh-CN');
  const note = input.note ? `：${input.note}` : '';
  if (kind === 'video') {
    const problem = input.problem ? MESSAGES['zh-CN'].rounds.problem[input.problem] : '';
    return { zh: `视频巡查发现 ${name} ${problem}${note}` };
  }
  const reading = input.value !== undefined ? ` ${input.value}${item?.value?.unit ?? ''}` : '';
  const check = item ? pickText(item.text, 'zh-CN') : '';
  return { zh: `巡检${result === 'fail' ? '不合格' : ''}：${name} ${check}${reading}${note}` };
}

function resultView(
  r: ResultRow,
  numbers: { orders: Map<string, string>; hazards: Map<string, string> },
): RoundResultView {
  return {
    subjectId: r.subject_id,
    itemId: r.item_id,
    result: r.result,
    ...(r.problem ? { problem: r.problem } : {}),
    ...(r.value !== null ? { value: r.value } : {}),
    ...(r.note ? { note: r.note } : {}),
    ...(r.snapshot ? { snapshot: r.snapshot } : {}),
    ...(r.order_id ? { orderId: r.order_id, orderNumber: numbers.orders.get(r.order_id) ?? '' } : {}),
    ...(r.hazard_id ? { hazardId: r.hazard_id, hazardNumber: numbers.hazards.get(r.hazard_id) ?? '' } : {}),
    at: r.at,
    by: r.by,
  };
}
