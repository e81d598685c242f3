/**
 * The quarterly review's input (季度互评, `reports.quarterReview`), in process through the real router as a
 * supervisor: near-valid records (quarters real and impossible, days inside, outside and after the quarter's window,
 * participant lists empty, repeated, too long or nasty, scores out of range, fractional or not numbers, opinions of
 * every kind up to past the bound) and garbage. Each is answered with a record or a worded refusal (invalid input, or
 * the quarter already recorded), never an internal error; a refused one opens no hazard and no work order; and what
 * is stored is one record per quarter, within the contract's bounds, with exactly the hazards and orders its opinions
 * name.
 */
import fc from 'fast-check';
import { ManualClock } from '../../../electron/common/clock';
import { QuarterReviewView, REVIEW_DIMENSIONS, type OperatorView } from '../../../shared/contract';
import { startCore } from '../../support/core';
import { tempDir } from '../../support/temp';
import { eachCase, nastyText, type Boundary } from '../lib';

const SUPERVISOR: OperatorView = { id: 'fuzz-sup', name: '主管', role: 'supervisor' };

const quarter = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ y: fc.integer({ min: 1999, max: 2101 }), q: fc.integer({ min: 0, max: 5 }) })
      .map(({ y, q }) => `${y}-Q${q}`),
  },
  { weight: 6, arbitrary: fc.constantFrom('2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4', '2025-Q4') },
  { weight: 1, arbitrary: nastyText },
);
const day = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        m: fc.integer({ min: 0, max: 13 }),
        d: fc.integer({ min: 0, max: 32 }),
        y: fc.constantFrom(2025, 2026, 2027),
      })
      .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  },
  { weight: 1, arbitrary: nastyText },
);
const name = fc.oneof(
  fc.constantFrom('陈玉兰', '周建华', '郑涛', ''),
  nastyText,
  fc.string({ maxLength: 45 }),
);
const people = fc.oneof(
  { weight: 6, arbitrary: fc.array(name, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.constant('代表'), { minLength: 2, maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.integer().map((i) => `代表${i}`),
      { minLength: 19, maxLength: 22 },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
);
const score = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 100 }) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double(), fc.constant(Number.NaN), nastyText),
  },
);
const scores = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(...REVIEW_DIMENSIONS.map(() => score))
      .map((s) => REVIEW_DIMENSIONS.map((id, i) => ({ id, score: s[i] }))),
  },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.record({ id: fc.oneof(fc.constantFrom(...REVIEW_DIMENSIONS), nastyText), score }),
      { maxLength: 8 },
    ),
  },
);
const opinion = fc.record(
  {
    text: fc.oneof(
      fc.constantFrom('消防通道堆物', '  ', ''),
      nastyText,
      fc.string({ minLength: 490, maxLength: 510 }),
    ),
    dimension: fc.oneof(fc.constantFrom(...REVIEW_DIMENSIONS), nastyText),
    becomes: fc.constantFrom('hazard', 'order', 'note', 'both'),
    severity: fc.constantFrom('urgent', 'high', 'normal', 'low', 'none'),
  },
  { requiredKeys: ['text', 'dimension', 'becomes'] },
);
/** Records a supervisor would send, at the window's edges: most are kept (one per quarter), the rest refused. */
const nearValid = fc.record({
  quarter: fc.constantFrom('2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4', '2025-Q4'),
  heldOn: fc.constantFrom(
    '2026-03-31',
    '2026-05-15',
    '2026-08-14',
    '2026-09-30',
    '2026-10-12',
    '2026-10-20',
    '2026-10-21',
  ),
  participants: fc.record({
    residents: fc.uniqueArray(fc.constantFrom('陈玉兰', '赵国强', '孙丽'), { minLength: 1, maxLength: 3 }),
    committee: fc.uniqueArray(fc.constantFrom('周建华', '吴敏'), { maxLength: 2 }),
    staff: fc.uniqueArray(fc.constantFrom('郑涛', '冯军'), { maxLength: 2 }),
  }),
  scores: fc
    .tuple(...REVIEW_DIMENSIONS.map(() => fc.integer({ min: 0, max: 100 })))
    .map((s) => REVIEW_DIMENSIONS.map((id, i) => ({ id, score: s[i] }))),
  opinions: fc.array(
    fc.record({
      text: fc.constantFrom('消防通道堆物', '报修慢', '巡逻到位'),
      dimension: fc.constantFrom(...REVIEW_DIMENSIONS),
      becomes: fc.constantFrom('hazard', 'order', 'note'),
      severity: fc.constantFrom('urgent', 'high', 'normal', 'low'),
    }),
    { maxLength: 3 },
  ),
  conclusion: fc.constant('良好'),
});
const caseArb = fc.oneof(
  { weight: 3, arbitrary: nearValid },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        quarter,
        heldOn: day,
        participants: fc.record(
          { residents: people, committee: people, staff: people },
          { requiredKeys: [] },
        ),
        scores,
        opinions: fc.oneof(
          { weight: 6, arbitrary: fc.array(opinion, { maxLength: 3 }) },
          { weight: 1, arbitrary: fc.array(opinion, { minLength: 29, maxLength: 32 }) },
        ),
        conclusion: fc.oneof(fc.constantFrom('良好', ' '), nastyText, fc.string({ maxLength: 2010 })),
      },
      { requiredKeys: ['quarter', 'heldOn', 'participants', 'scores'] },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

const boundary: Boundary = {
  name: 'quarter-review',
  weight: 0.3,
  async run(ctx, tally) {
    const tmp = tempDir('fuzz-quarter-review-');
    // 2026-10-20 in Shanghai: Q3's window is open, Q4's has begun, later days are still to come.
    const core = await startCore(tmp.dir, {
      clock: new ManualClock(Date.parse('2026-10-20T04:00:00Z')),
      backups: { enabled: false },
    });
    const session = core.openSession('memory', SUPERVISOR);
    const count = async (table: string) => Number((await core.db(table).count({ n: '*' }))[0]!.n);
    let opened = 0;
    try {
      // One review kept before the cases: the quarter's second record is refused whatever the draw.
      const first = await core.router.call(
        'reports.quarterReview',
        {
          quarter: '2025-Q4',
          heldOn: '2026-01-10',
          participants: { residents: ['陈玉兰'], committee: ['周建华'], staff: [] },
          scores: REVIEW_DIMENSIONS.map((id) => ({ id, score: 90 })),
          opinions: [{ text: '消防通道堆物', dimension: 'fire', becomes: 'hazard', severity: 'high' }],
          conclusion: '良好',
        },
        session,
      );
      if (!first.ok) tally.invalid(`a valid review refused: ${first.error.message.slice(0, 120)}`);
      else opened += 1;
      // One lane: a case's hazards and orders are counted before and after it, which another lane's would blur.
      await eachCase(ctx, tally, caseArb, 1, async (c) => {
        const before = (await count('hazards')) + (await count('work_orders'));
        let r;
        try {
          r = await core.router.call('reports.quarterReview', c, session);
        } catch (err) {
          tally.crashes++;
          tally.note(`a review threw: ${(err as Error).message.slice(0, 120)}`);
          return;
        }
        const grew = (await count('hazards')) + (await count('work_orders')) - before;
        if (!r.ok) {
          if (r.error.code !== 'invalid_input' && r.error.code !== 'conflict') {
            tally.crashes++;
            tally.note(`${r.error.code}: ${r.error.message.slice(0, 120)}`);
          }
          if (grew !== 0) tally.invalid(`a refused review opened ${grew} hazards or orders`, grew);
          return;
        }
        const refs = (r.value as QuarterReviewView).opinions.filter((o) => o.ref).length;
        opened += refs;
        if (grew !== refs) tally.invalid(`a review named ${refs} hazards or orders and opened ${grew}`);
      });
      const rows = (await core.db('quarter_reviews').select()) as Array<Record<string, unknown>>;
      const quarters = new Set(rows.map((r) => r.quarter));
      if (quarters.size !== rows.length)
        tally.invalid('two reviews of one quarter', rows.length - quarters.size);
      const bad = rows.filter(
        (r) =>
          !QuarterReviewView.safeParse({
            id: r.id,
            quarter: r.quarter,
            heldOn: r.held_on,
            recordedAt: r.recorded_at,
            recordedBy: r.recorded_by,
            participants: JSON.parse(String(r.participants)),
            scores: JSON.parse(String(r.scores)),
            opinions: JSON.parse(String(r.opinions)),
            conclusion: r.conclusion,
          }).success,
      );
      tally.invalid(`reviews out of bounds: ${JSON.stringify(bad.slice(0, 1)).slice(0, 200)}`, bad.length);
      const all = (await count('hazards')) + (await count('work_orders'));
      if (all !== opened)
        tally.invalid(`${all} hazards and orders for ${opened} opinions`, Math.abs(all - opened));
    } finally {
      await core.stop();
      tmp.cleanup();
    }
  },
};

export default boundary;
