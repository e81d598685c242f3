import type { Knex } from 'knex';
import type { z } from 'zod';
import type { QuarterReviewInput, QuarterReviewView, ReviewDimensionId } from '../../../shared/contract';
import type { HazardCategory } from '../../../shared/domain/facilities';
import { dayNumber, dayOfNumber, localDay } from '../../../shared/domain/report-period';
import { quarterDays, REVIEW_LATE_DAYS, reviewAverage } from '../../../shared/domain/quarter-review';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { ServiceError } from '../errors';
import type { IdGenerator } from '../util/ids';
import { message } from './labels';
import { closedRefs, openFinding, type SelfCheckWork } from './self-check';

/** The hazard category an opinion about a dimension is registered under. */
const CATEGORY: Record<ReviewDimensionId, HazardCategory> = {
  security: 'security',
  vehicles: 'traffic',
  fire: 'fire',
  emergency: 'security',
  attitude: 'other',
  response: 'other',
};

type Raw = Record<string, unknown>;

/** A review with what its opinions became and whether that is closed now (report sections). */
export interface QuarterReviewFigures {
  review: QuarterReviewView;
  /** Mean of the dimension scores (0–100). */
  average: number | null;
  opinions: number;
  hazards: number;
  orders: number;
  /** Opinions whose hazard is rectified or closed, or whose order is verified, now. */
  closed: number;
  /** Each opinion's state now, in the review's order: null for one only noted. */
  states: Array<'open' | 'closed' | null>;
}

const parse = <T>(text: unknown, fallback: T): T => {
  try {
    return JSON.parse(String(text)) as T;
  } catch {
    return fallback;
  }
};

/**
 * The quarterly review (季度互评): one per quarter, recorded by a supervisor. A second record of the same quarter is
 * refused rather than taken as an amendment: its opinions have already been opened as hazards and work orders, each
 * numbered and followed on its own, and the record is the minutes of a meeting that happened — what changes later
 * changes in those hazards and orders (and shows in the report), not in the minutes. Each opinion to act on is opened
 * in the facilities feature through its service as that supervisor, before the review is kept with what they became.
 */
export class QuarterReviews {
  constructor(
    private readonly o: {
      db: Knex;
      now: () => number;
      timeZone: string;
      ids: IdGenerator;
      work: () => SelfCheckWork | undefined;
    },
  ) {}

  /** Saves one after another: two supervisors saving the same quarter at once must not both open its opinions. */
  private queue: Promise<unknown> = Promise.resolve();

  /** `input` as the contract checked it (every dimension once, lists bounded). */
  save(input: z.output<typeof QuarterReviewInput>, actor: Actor): Promise<QuarterReviewView> {
    const next = this.queue.then(() => this.saveNow(input, actor));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async saveNow(
    input: z.output<typeof QuarterReviewInput>,
    actor: Actor,
  ): Promise<QuarterReviewView> {
    const { first, last } = quarterDays(input.quarter);
    const latest = dayOfNumber(dayNumber(last) + REVIEW_LATE_DAYS);
    if (input.heldOn < first || input.heldOn > latest)
      throw new ServiceError(
        'invalid_input',
        `The review of ${input.quarter} is held between ${first} and ${latest}; ${input.heldOn} is outside that.`,
        'review_day_outside',
        { quarter: input.quarter, first, latest },
      );
    if (input.heldOn > localDay(this.o.now(), this.o.timeZone))
      throw new ServiceError(
        'invalid_input',
        `${input.heldOn} is still to come: record a review once it is held.`,
        'review_day_future',
        { day: input.heldOn },
      );
    const work = this.o.work();
    if (input.opinions.some((op) => op.becomes !== 'note') && !work)
      throw new ServiceError(
        'unavailable',
        'Opinions to act on need the facilities feature, which this console does not run.',
      );
    if (await this.o.db('quarter_reviews').where({ quarter: input.quarter }).first())
      throw new ServiceError(
        'conflict',
        `The review of ${input.quarter} is already recorded; what follows from it is followed in its hazards and work orders.`,
        'quarter_reviewed',
        { quarter: input.quarter },
      );
    const opinions: QuarterReviewView['opinions'] = [];
    for (const op of input.opinions) {
      if (op.becomes === 'note' || !work) {
        opinions.push({ text: op.text, dimension: op.dimension });
        continue;
      }
      const what = `${message('zh-CN', 'reports.quarterReview.title')} ${input.quarter} · ${message('zh-CN', `reports.quarterReview.dimension.${op.dimension}`)}：${op.text}`;
      const ref = await openFinding(
        work,
        { becomes: op.becomes, severity: op.severity, category: CATEGORY[op.dimension], what, text: op.text },
        actor,
      );
      opinions.push({ text: op.text, dimension: op.dimension, ref });
    }
    const view: QuarterReviewView = {
      id: this.o.ids(),
      quarter: input.quarter,
      heldOn: input.heldOn,
      recordedAt: this.o.now(),
      recordedBy: actor.name,
      participants: input.participants,
      scores: input.scores,
      opinions,
      conclusion: input.conclusion,
    };
    await this.o.db.transaction(async (trx) => {
      await trx('quarter_reviews').insert({
        id: view.id,
        quarter: view.quarter,
        held_on: view.heldOn,
        recorded_at: view.recordedAt,
        recorded_by: view.recordedBy,
        participants: JSON.stringify(view.participants),
        scores: JSON.stringify(view.scores),
        opinions: JSON.stringify(view.opinions),
        conclusion: view.conclusion,
      });
      await appendAudit(trx, {
        at: view.recordedAt,
        ...auditActor(actor),
        action: 'reports.quarterReview',
        target: view.id,
        details: {
          quarter: view.quarter,
          heldOn: view.heldOn,
          average: reviewAverage(view.scores),
          opinions: opinions.length,
          opened: opinions.flatMap((op) => (op.ref ? [op.ref.number] : [])),
        },
      });
    });
    return view;
  }

  private view(r: Raw): QuarterReviewView {
    return {
      id: String(r.id),
      quarter: String(r.quarter),
      heldOn: String(r.held_on),
      recordedAt: Number(r.recorded_at),
      recordedBy: String(r.recorded_by),
      participants: parse(r.participants, { residents: [], committee: [], staff: [] }),
      scores: parse(r.scores, []),
      opinions: parse(r.opinions, []),
      conclusion: String(r.conclusion ?? ''),
    };
  }

  /** The last five years' reviews, newest first. */
  async list(): Promise<QuarterReviewView[]> {
    const rows = (await this.o.db('quarter_reviews').orderBy('quarter', 'desc').limit(20)) as Raw[];
    return rows.map((r) => this.view(r));
  }

  /** The reviews of the quarters that end within first..last (local days), with their opinions' state now. */
  async within(first: string, last: string): Promise<QuarterReviewFigures[]> {
    const rows = (await this.o
      .db('quarter_reviews')
      .where('quarter', '>=', `${first.slice(0, 4)}-Q1`)
      .andWhere('quarter', '<=', `${last.slice(0, 4)}-Q4`)
      .orderBy('quarter')) as Raw[];
    // A quarter counts in the period that holds its last day: a quarter's report its own, a year's its four.
    const reviews = rows
      .map((r) => this.view(r))
      .filter((review) => {
        const end = quarterDays(review.quarter).last;
        return end >= first && end <= last;
      });
    const closed = await closedRefs(
      this.o.db,
      reviews.flatMap((review) => review.opinions.flatMap((op) => (op.ref ? [op.ref] : []))),
    );
    return reviews.map((review) => {
      const refs = review.opinions.flatMap((op) => (op.ref ? [op.ref] : []));
      return {
        review,
        average: reviewAverage(review.scores),
        opinions: review.opinions.length,
        hazards: refs.filter((r) => r.kind === 'hazard').length,
        orders: refs.filter((r) => r.kind === 'order').length,
        closed: refs.filter((r) => closed.has(`${r.kind}:${r.id}`)).length,
        states: review.opinions.map((op) =>
          op.ref ? (closed.has(`${op.ref.kind}:${op.ref.id}`) ? 'closed' : 'open') : null,
        ),
      };
    });
  }
}
