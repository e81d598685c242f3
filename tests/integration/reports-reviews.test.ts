import ExcelJS from 'exceljs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/common/clock';
import type { ConsoleCore } from '../../electron/core';
import {
  REVIEW_DIMENSIONS,
  SELF_CHECK_ITEMS,
  type OperatorView,
  type QuarterReviewInput,
  type QuarterReviewView,
  type ReportView,
} from '../../shared/contract';
import { startCore } from '../support/core';
import { base64PdfText } from '../support/pdf';
import { callAs, refusalOf } from '../support/router';
import { tempDir } from '../support/temp';
import { requirePdftotext } from '../support/tools';

const supervisor: OperatorView = { id: 'r-sup', name: '刘主管', role: 'supervisor' };
const operator: OperatorView = { id: 'r-op', name: '值班员', role: 'operator' };

/** Scores in REVIEW_DIMENSIONS' order: security, vehicles, fire, emergency, attitude, response. */
const SCORES = [88, 80, 84, 90, 92, 86];

const reviewOf = (change: Partial<QuarterReviewInput> = {}): QuarterReviewInput => ({
  quarter: '2026-Q3',
  heldOn: '2026-10-12',
  participants: {
    residents: ['陈玉兰', '赵国强'],
    committee: ['周建华'],
    staff: ['郑涛', '冯军', '孙丽'],
  },
  scores: REVIEW_DIMENSIONS.map((id, i) => ({ id, score: SCORES[i]! })),
  opinions: [
    { text: '3号楼地下车库消防通道停车', dimension: 'fire', becomes: 'hazard', severity: 'high' },
    { text: '报修电话常占线', dimension: 'response', becomes: 'order', severity: 'normal' },
    { text: '夜间巡逻到位', dimension: 'security', becomes: 'note', severity: 'low' },
  ],
  conclusion: '服务总体良好，消防通道和报修响应需整改。',
  ...change,
});

const count = async (core: ConsoleCore, table: string) =>
  Number(((await core.db(table).count({ n: '*' }).first()) as { n: number }).n);

describe('the quarterly review (季度互评) through the real router, on a real SQLite file', () => {
  let core: ConsoleCore;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    tmp = tempDir();
    // 2026-10-20, noon in Shanghai: the third quarter is over, the fourth under way.
    core = await startCore(tmp.dir, {
      clock: new ManualClock(Date.parse('2026-10-20T04:00:00Z')),
      backups: { enabled: false },
      duty: { hashParams: { N: 1024, r: 8, p: 1 } },
    });
  });
  afterAll(async () => {
    await core.stop();
    tmp.cleanup();
  });

  let saved: QuarterReviewView;

  it('records the review: opinions to act on are opened as a hazard and a work order as the supervisor; audited', async () => {
    expect(existsSync(join(tmp.dir, 'console.sqlite'))).toBe(true);
    saved = await callAs<QuarterReviewView>(core, supervisor, 'reports.quarterReview', reviewOf());
    expect(saved).toMatchObject({ quarter: '2026-Q3', heldOn: '2026-10-12', recordedBy: '刘主管' });
    expect(saved.opinions.map((o) => [o.dimension, o.ref?.kind, o.ref?.number])).toEqual([
      ['fire', 'hazard', expect.stringMatching(/^HZ-\d{6}$/)],
      ['response', 'order', expect.stringMatching(/^WO-\d{6}$/)],
      ['security', undefined, undefined],
    ]);
    const hazard = (await core.db('hazards').where({ id: saved.opinions[0]!.ref!.id }).first()) as {
      category: string;
      severity: string;
      source: string;
      description: string;
    };
    expect(hazard).toMatchObject({ category: 'fire', severity: 'high', source: 'inspection' });
    expect(hazard.description).toContain('季度互评 2026-Q3 · 消防安全：3号楼地下车库消防通道停车');
    const order = (await core.db('work_orders').where({ id: saved.opinions[1]!.ref!.id }).first()) as {
      title: string;
      severity: string;
    };
    expect(order).toMatchObject({ severity: 'normal' });
    expect(order.title).toContain('报修电话常占线');
    // Opened as the supervisor, in the facilities feature's own audit trail too.
    const audit = (await core
      .db('audit_log')
      .where({ action: 'reports.quarterReview' })
      .first('actor_name', 'target', 'details')) as { actor_name: string; target: string; details: string };
    expect(audit).toMatchObject({ actor_name: '刘主管', target: saved.id });
    expect(JSON.parse(audit.details)).toMatchObject({
      quarter: '2026-Q3',
      average: 86.7,
      opinions: 3,
      opened: [saved.opinions[0]!.ref!.number, saved.opinions[1]!.ref!.number],
    });
    const listed = await callAs<{ reviews: QuarterReviewView[] }>(core, supervisor, 'reports.quarterReviews');
    expect(listed.reviews).toEqual([saved]);
  });

  it('refuses a second review of the quarter, a day outside its window or still to come, and a bad record — opening nothing', async () => {
    const hazards = await count(core, 'hazards');
    const orders = await count(core, 'work_orders');
    const again = await refusalOf(
      core,
      supervisor,
      'reports.quarterReview',
      reviewOf({ heldOn: '2026-10-15' }),
    );
    expect(again).toMatchObject({ code: 'conflict', reason: 'quarter_reviewed' });
    expect(again!.message).toMatch(/2026-Q3 is already recorded/);
    const early = await refusalOf(
      core,
      supervisor,
      'reports.quarterReview',
      reviewOf({ quarter: '2026-Q4', heldOn: '2026-09-30' }),
    );
    expect(early).toMatchObject({ code: 'invalid_input', reason: 'review_day_outside' });
    expect(early!.message).toMatch(/between 2026-10-01 and 2027-02-14/);
    const late = await refusalOf(
      core,
      supervisor,
      'reports.quarterReview',
      reviewOf({ quarter: '2026-Q2', heldOn: '2026-08-15' }),
    );
    expect(late!.message).toMatch(/between 2026-04-01 and 2026-08-14/);
    const future = await refusalOf(
      core,
      supervisor,
      'reports.quarterReview',
      reviewOf({ quarter: '2026-Q4', heldOn: '2026-10-21' }),
    );
    expect(future).toMatchObject({ code: 'invalid_input', reason: 'review_day_future' });
    expect(future!.message).toMatch(/still to come/);
    // The contract's bounds: someone from the residents' side, every dimension once, scores 0–100, a conclusion.
    const bad: Array<Partial<QuarterReviewInput>> = [
      { quarter: '2026-Q5' },
      { participants: { residents: [], committee: [], staff: ['郑涛'] } },
      { participants: { residents: ['陈', '陈'], committee: [], staff: [] } },
      {
        participants: {
          residents: Array.from({ length: 21 }, (_, i) => `代表${i}`),
          committee: [],
          staff: [],
        },
      },
      { scores: REVIEW_DIMENSIONS.slice(1).map((id) => ({ id, score: 80 })) },
      { scores: REVIEW_DIMENSIONS.map((id) => ({ id, score: id === 'fire' ? 101 : 80 })) },
      { scores: REVIEW_DIMENSIONS.map((id) => ({ id, score: 80.5 })) },
      { conclusion: '   ' },
      {
        opinions: Array.from({ length: 31 }, () => ({
          text: 'x',
          dimension: 'fire' as const,
          becomes: 'note' as const,
          severity: 'low' as const,
        })),
      },
    ];
    for (const change of bad)
      expect(
        await refusalOf(
          core,
          supervisor,
          'reports.quarterReview',
          reviewOf({ quarter: '2026-Q1', ...change }),
        ),
        JSON.stringify(change).slice(0, 80),
      ).toMatchObject({ code: 'invalid_input' });
    expect(await count(core, 'hazards')).toBe(hazards);
    expect(await count(core, 'work_orders')).toBe(orders);
    expect(await count(core, 'quarter_reviews')).toBe(1);
  });

  it('two supervisors saving the same quarter at once: one is kept, the other refused, its opinions opened once', async () => {
    const hazards = await count(core, 'hazards');
    const both = await Promise.all(
      [supervisor, { ...supervisor, id: 'r-sup2', name: '王主管' }].map((who) =>
        core.router.call(
          'reports.quarterReview',
          reviewOf({ quarter: '2026-Q2', heldOn: '2026-07-08' }),
          core.openSession('memory', who),
        ),
      ),
    );
    expect(both.map((r) => (r.ok ? 'kept' : r.error.code)).sort()).toEqual(['conflict', 'kept']);
    expect(await count(core, 'hazards')).toBe(hazards + 1);
    await core.db('quarter_reviews').where({ quarter: '2026-Q2' }).delete();
  });

  it('is a supervisor’s: an operator may neither record nor list reviews', async () => {
    expect(
      await refusalOf(core, operator, 'reports.quarterReview', reviewOf({ quarter: '2026-Q1' })),
    ).toMatchObject({
      code: 'forbidden',
    });
    expect(await refusalOf(core, operator, 'reports.quarterReviews')).toMatchObject({ code: 'forbidden' });
  });

  it("the quarter's briefing shows the review; what became of the opinions is read from the facilities feature now", async () => {
    const get = () =>
      callAs<ReportView>(core, supervisor, 'reports.get', { period: { kind: 'quarter', day: '2026-08-01' } });
    const section = (v: ReportView) => v.sections.find((s) => s.id === 'quarterReview')!;
    const before = section(await get());
    expect(Object.fromEntries(before.kpis.map((k) => [k.id, k.value]))).toEqual({
      quarterReviews: 1,
      reviewScore: 86.7,
      reviewOpinions: 3,
      reviewOpinionsClosed: 0,
    });
    expect(before.tables.find((t) => t.id === 'reviewOpinions')!.rows.map((r) => r.values)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, null],
    ]);
    await core.db('hazards').where({ id: saved.opinions[0]!.ref!.id }).update({ state: 'rectified' });
    const after = section(await get());
    expect(after.kpis.find((k) => k.id === 'reviewOpinionsClosed')!.value).toBe(0.5);
    expect(after.tables.find((t) => t.id === 'reviewOpinions')!.rows[0]!.values).toEqual([1, 0, 1]);
    // The fourth quarter's report has none yet; no report but a year's has the evaluation.
    const q4 = await callAs<ReportView>(core, supervisor, 'reports.get', {
      period: { kind: 'quarter', day: '2026-10-01' },
    });
    expect(section(q4).kpis[0]!.value).toBe(0);
    expect(q4.sections.some((s) => s.id === 'evaluation')).toBe(false);
  });

  it("the year's overall evaluation (年度总评) gathers the self-checks, the reviews and the satisfaction: on screen, PDF and Excel", async () => {
    await callAs(core, supervisor, 'reports.selfCheck', {
      month: '2026-09',
      items: SELF_CHECK_ITEMS.map((id) =>
        id === 'gate'
          ? { id, finding: { text: '南门访客登记不全', becomes: 'order', severity: 'low' } }
          : { id },
      ),
    });
    const csv = [
      '期间,调查项目,满意度,样本量',
      '2026年第3季度,居民安全满意度,91.5%,200',
      '2026年第3季度,居民综合满意度,88%,200',
    ];
    await callAs(core, supervisor, 'reports.satisfactionImport', {
      file: {
        name: 'survey.csv',
        format: 'csv',
        base64: Buffer.from(`\uFEFF${csv.join('\r\n')}\r\n`, 'utf8').toString('base64'),
      },
    });
    const period = { kind: 'year' as const, day: '2026-10-20' };
    const view = await callAs<ReportView>(core, supervisor, 'reports.get', { period });
    expect(view.sections.at(-1)!.id).toBe('evaluation');
    const evaluation = view.sections.find((s) => s.id === 'evaluation')!;
    expect(Object.fromEntries(evaluation.kpis.map((k) => [k.id, k.value]))).toEqual({
      evalMonthsChecked: 1,
      evalMonthsMissing: 8, // January–September are over; September was checked
      evalFindingsClosed: 0,
      evalReviewsHeld: 1,
      evalReviewScore: 86.7,
      evalOpinionsClosed: 0.5,
      satisfactionSafety: 0.915,
      satisfactionOverall: 0.88,
    });
    const rows = (id: string) =>
      Object.fromEntries(evaluation.tables.find((t) => t.id === id)!.rows.map((r) => [r.key, r.values]));
    expect(rows('evalMonths')['2026-09']).toEqual([1, 1, 0]);
    expect(rows('evalMonths')['2026-08']).toEqual([0, null, null]);
    expect(rows('evalMonths')['2026-11']).toEqual([null, null, null]);
    expect(rows('evalQuarters')).toEqual({
      '2026-Q1': [0, null, null, null, null],
      '2026-Q2': [0, null, null, null, null],
      '2026-Q3': [1, 86.7, 3, 2, 1],
      '2026-Q4': [null, null, null, null, null],
    });

    const xlsx = await callAs<{ base64: string }>(core, supervisor, 'reports.export', {
      period,
      format: 'xlsx',
      locale: 'zh-CN',
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(xlsx.base64, 'base64') as unknown as ArrayBuffer);
    const quarters = book.getWorksheet('季度互评（按季度）')!;
    expect(quarters.getRow(1).values).toEqual([
      undefined,
      '季度互评（按季度）',
      '已互评',
      '平均得分',
      '意见',
      '转隐患/工单',
      '已整改',
    ]);
    expect(quarters.getRow(4).values).toEqual([undefined, '2026年第3季度', '是', 86.7, 3, 2, 1]);
    expect(book.getWorksheet('月度自查（按月）')!.rowCount).toBe(13);

    if (requirePdftotext().available) {
      const pdf = await callAs<{ base64: string }>(core, supervisor, 'reports.export', {
        period,
        format: 'pdf',
        locale: 'zh-CN',
      });
      const text = base64PdfText(pdf.base64, join(tmp.dir, 'year.pdf'));
      for (const words of [
        '年度总评报告',
        '季度互评',
        '年度总评',
        '已完成月度自查: 1',
        '缺少自查的月份: 8',
        '已开展季度互评: 1',
        '季度互评平均得分: 86.7',
        '互评意见整改率: 50.0%',
        '居民安全满意度: 91.5%',
        '2026年第3季度',
      ])
        expect(text, words).toContain(words);
    }
  });
});
