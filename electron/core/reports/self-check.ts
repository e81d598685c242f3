import type { Knex } from 'knex';
import type {
  HazardView,
  SelfCheckInput,
  SelfCheckItemId,
  SelfCheckView,
  WorkOrderView,
} from '../../../shared/contract';
import type { HazardCategory } from '../../../shared/domain/facilities';
import type { z } from 'zod';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { ServiceError } from '../errors';
import type { IdGenerator } from '../util/ids';
import { monthDay } from '../../../shared/domain/report-period';
import { message } from './labels';

/** What a finding becomes: the facilities feature's hazard register and work orders (its service, injected). */
export interface SelfCheckWork {
  report(
    input: {
      category: HazardCategory;
      severity: HazardView['severity'];
      source: 'inspection';
      description: string;
    },
    actor: Actor,
  ): Promise<Pick<HazardView, 'id' | 'number'>>;
  openManual(
    input: { title: string; severity: WorkOrderView['severity']; note?: string | undefined },
    actor: Actor,
  ): Promise<Pick<WorkOrderView, 'id' | 'number'>>;
}

/**
 * Opens one finding (a self-check's) or opinion (a quarterly review's) in the facilities feature as the supervisor
 * who recorded it: a hazard worded `what` in `category`, or a work order titled with it; returns what it became.
 */
export async function openFinding(
  work: SelfCheckWork,
  f: {
    becomes: 'hazard' | 'order';
    severity: HazardView['severity'];
    category: HazardCategory;
    what: string;
    text: string;
  },
  actor: Actor,
): Promise<{ kind: 'hazard' | 'order'; id: string; number: string }> {
  const made =
    f.becomes === 'hazard'
      ? await work.report(
          { category: f.category, severity: f.severity, source: 'inspection', description: f.what },
          actor,
        )
      : await work.openManual({ title: f.what.slice(0, 200), severity: f.severity, note: f.text }, actor);
  return { kind: f.becomes, id: made.id, number: made.number };
}

/** The hazard category an item's finding is registered under. */
const CATEGORY: Record<SelfCheckItemId, HazardCategory> = {
  patrol: 'security',
  monitoring: 'security',
  fire: 'fire',
  vehicles: 'traffic',
  gate: 'security',
  handover: 'other',
  drills: 'fire',
  training: 'other',
  hazards: 'other',
  feedback: 'other',
};

type Raw = Record<string, unknown>;

/** A self-check's findings with what they became, and whether that is closed now (report listing). */
export interface SelfCheckFigures {
  check: SelfCheckView;
  findings: number;
  hazards: number;
  orders: number;
  /** Findings whose hazard is rectified or closed, or whose order is verified, now. */
  closed: number;
}

/**
 * The monthly self-check (月度自查): one per month, recorded by a supervisor. Each finding is opened in the
 * facilities feature through its service as that supervisor (so it is numbered, audited, escalated and carried over
 * like any other) before the check itself is kept with what they became; a month already checked is refused before
 * anything is opened.
 */
export class SelfChecks {
  constructor(
    private readonly o: {
      db: Knex;
      now: () => number;
      ids: IdGenerator;
      work: () => SelfCheckWork | undefined;
    },
  ) {}

  /** `input` as the contract checked it (every item once, findings bounded). */
  async save(input: z.output<typeof SelfCheckInput>, actor: Actor): Promise<SelfCheckView> {
    const work = this.o.work();
    const hasFindings = input.items.some((i) => i.finding);
    if (hasFindings && !work)
      throw new ServiceError(
        'unavailable',
        'Findings need the facilities feature, which this console does not run.',
      );
    if (await this.o.db('self_checks').where({ month: input.month }).first())
      throw new ServiceError('conflict', `The self-check of ${input.month} is already recorded.`);
    const items: SelfCheckView['items'] = [];
    for (const item of input.items) {
      const f = item.finding;
      if (!f || !work) {
        items.push({ id: item.id });
        continue;
      }
      const what = `${message('zh-CN', 'reports.selfCheck.title')} ${input.month} · ${message('zh-CN', `reports.selfCheck.item.${item.id}`)}：${f.text}`;
      const ref = await openFinding(work, { ...f, category: CATEGORY[item.id], what }, actor);
      items.push({ id: item.id, finding: f.text, ref });
    }
    const view: SelfCheckView = {
      id: this.o.ids(),
      month: input.month,
      doneAt: this.o.now(),
      doneBy: actor.name,
      note: input.note,
      items,
    };
    await this.o.db.transaction(async (trx) => {
      await trx('self_checks').insert({
        id: view.id,
        month: view.month,
        done_at: view.doneAt,
        done_by: view.doneBy,
        note: view.note,
        items: JSON.stringify(view.items),
      });
      await appendAudit(trx, {
        at: view.doneAt,
        ...auditActor(actor),
        action: 'reports.selfCheck',
        target: view.id,
        details: {
          month: view.month,
          findings: items.filter((i) => i.ref).map((i) => i.ref!.number),
        },
      });
    });
    return view;
  }

  private view(r: Raw): SelfCheckView {
    let items: SelfCheckView['items'] = [];
    try {
      items = JSON.parse(String(r.items)) as SelfCheckView['items'];
    } catch {
      items = [];
    }
    return {
      id: String(r.id),
      month: String(r.month),
      doneAt: Number(r.done_at),
      doneBy: String(r.done_by),
      note: String(r.note ?? ''),
      items,
    };
  }

  /** The last 24 months' checks, newest first. */
  async list(): Promise<SelfCheckView[]> {
    const rows = (await this.o.db('self_checks').orderBy('month', 'desc').limit(24)) as Raw[];
    return rows.map((r) => this.view(r));
  }

  /** The checks of the months that end within first..last (local days), with their findings' state now. */
  async within(first: string, last: string): Promise<SelfCheckFigures[]> {
    const rows = (await this.o
      .db('self_checks')
      .where('month', '>=', first.slice(0, 7))
      .andWhere('month', '<=', last.slice(0, 7))
      .orderBy('month')) as Raw[];
    // A month counts in the period that holds its last day: a quarter holds its three months, a day report none.
    const checks = rows
      .map((r) => this.view(r))
      .filter((check) => {
        const [y, m] = check.month.split('-').map(Number) as [number, number];
        const end = monthDay(y, m + 1, 0);
        return end >= first && end <= last;
      });
    const closed = await closedRefs(
      this.o.db,
      checks.flatMap((check) => check.items.flatMap((i) => (i.ref ? [i.ref] : []))),
    );
    return checks.map((check) => {
      const found = check.items.flatMap((i) => (i.ref ? [i.ref] : []));
      return {
        check,
        findings: found.length,
        hazards: found.filter((r) => r.kind === 'hazard').length,
        orders: found.filter((r) => r.kind === 'order').length,
        closed: found.filter((r) => closed.has(`${r.kind}:${r.id}`)).length,
      };
    });
  }
}

/**
 * Which of the hazards and work orders a self-check or a quarterly review opened are closed now (a hazard rectified
 * or closed, an order verified), as `kind:id` — one query per table, not one per finding.
 */
export async function closedRefs(
  db: Knex,
  refs: ReadonlyArray<{ kind: 'hazard' | 'order'; id: string }>,
): Promise<Set<string>> {
  const closedIds = async (table: string, kind: 'hazard' | 'order') => {
    const ids = refs.filter((r) => r.kind === kind).map((r) => r.id);
    if (ids.length === 0) return [];
    const done = (await db(table)
      .whereIn('id', ids)
      .whereIn('state', ['rectified', 'closed', 'verified'])
      .pluck('id')) as string[];
    return done.map((id) => `${kind}:${id}`);
  };
  return new Set([...(await closedIds('hazards', 'hazard')), ...(await closedIds('work_orders', 'order'))]);
}
