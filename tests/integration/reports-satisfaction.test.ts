import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../electron/core';
import {
  SELF_CHECK_ITEMS,
  type OperatorView,
  type ReportView,
  type SatisfactionPreview,
  type SelfCheckView,
} from '../../shared/contract';
import { surveyDimension, surveyPeriod, surveyScore } from '../../shared/domain/satisfaction';
import { join } from 'node:path';
import { base64PdfText } from '../support/pdf';
import { callAs, refusalOf } from '../support/router';
import { requirePdftotext } from '../support/tools';
import { startCore } from '../support/core';
import { tempDir } from '../support/temp';

const supervisor: OperatorView = { id: 's-sup', name: '刘主管', role: 'supervisor' };
const operator: OperatorView = { id: 's-op', name: '值班员', role: 'operator' };

const csv = (lines: string[]) => ({
  name: 'survey.csv',
  format: 'csv' as const,
  base64: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8').toString('base64'),
});

type Imported = { imported: number; preview: SatisfactionPreview };

describe("residents' satisfaction: a survey file's cells", () => {
  it('periods as offices write them', () => {
    expect(surveyPeriod('2026-10')).toEqual({ first: '2026-10-01', last: '2026-10-31' });
    expect(surveyPeriod('2026年2月')).toEqual({ first: '2026-02-01', last: '2026-02-28' });
    expect(surveyPeriod('2028/2')).toEqual({ first: '2028-02-01', last: '2028-02-29' });
    expect(surveyPeriod('2026-Q4')).toEqual({ first: '2026-10-01', last: '2026-12-31' });
    expect(surveyPeriod('2026年第三季度')).toEqual({ first: '2026-07-01', last: '2026-09-30' });
    expect(surveyPeriod('2026年')).toEqual({ first: '2026-01-01', last: '2026-12-31' });
    expect(surveyPeriod('2026-10-08 至 2026-10-20')).toEqual({ first: '2026-10-08', last: '2026-10-20' });
    for (const bad of [
      '',
      '2026-13',
      '2026-Q5',
      '1999-01',
      '2026-10-20~2026-10-08',
      'October',
      '2026-02-30~2026-03-01',
    ])
      expect(surveyPeriod(bad)).toBeUndefined();
  });

  it('scores as a share, questions by their id', () => {
    expect(surveyScore('92.5%')).toBeCloseTo(0.925);
    expect(surveyScore('92.5')).toBeCloseTo(0.925);
    expect(surveyScore('0.925')).toBeCloseTo(0.925);
    expect(surveyScore('100')).toBe(1);
    for (const bad of ['101', '-3', 'abc', '9 2', '']) expect(surveyScore(bad)).toBeUndefined();
    expect(surveyDimension(' 居民安全满意度 ')).toBe('safety');
    expect(surveyDimension('Overall satisfaction')).toBe('overall');
    expect(surveyDimension('保洁满意度')).toBe('保洁满意度');
  });
});

describe("residents' satisfaction through the real router: preview, all or nothing, in the report", () => {
  let core: ConsoleCore;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    tmp = tempDir();
    core = await startCore(tmp.dir, { dbFile: ':memory:' });
  });
  afterAll(async () => {
    await core.stop();
    tmp.cleanup();
  });
  const stored = async () => (await core.db('satisfaction_results').count({ n: '*' }))[0]!.n;
  const audits = async () =>
    (await core.db('audit_log').where({ action: 'reports.satisfactionImport' }).count({ n: '*' }))[0]!.n;

  it('a file with wrong rows: each problem by row and column, and nothing written', async () => {
    const file = csv([
      '期间,调查项目,满意度,样本量',
      '2026-10,居民安全满意度,92.5%,150',
      '2026-13,居民综合满意度,88%,150',
      '2026-10,,90%,150',
      '2026-11,居民安全满意度,120%,150',
      '2026-11,居民综合满意度,,abc',
      '2026-10,安全满意度,91%,150',
    ]);
    const preview = await callAs<SatisfactionPreview>(core, supervisor, 'reports.satisfactionPreview', file);
    expect(preview).toMatchObject({ ok: true, rows: 6, good: 1, badRows: 5 });
    const problems = preview.ok ? preview.problems.map((p) => [p.row, p.column, p.problem]) : [];
    expect(problems).toEqual([
      [3, 'period', 'period'],
      [4, 'dimension', 'dimension'],
      [5, 'score', 'score'],
      [6, 'sample', 'sample'],
      [6, 'score', 'no_score'],
      // 安全满意度 is 居民安全满意度 again, for the same month.
      [7, 'dimension', 'repeated'],
    ]);
    const result = await callAs<Imported>(core, supervisor, 'reports.satisfactionImport', { file });
    expect(result.imported).toBe(0);
    expect(await stored()).toBe(0);
    expect(await audits()).toBe(0);
  });

  it('a whole file with scores and with answer counts is imported once, audited, and shown in the report', async () => {
    const file = csv([
      'Period,Question,Satisfaction,Sample,Very satisfied,Satisfied,Neutral,Dissatisfied,Very dissatisfied',
      '2026-10,居民安全满意度,92%,150,,,,,',
      '2026-10,居民综合满意度,,,60,70,15,5,0',
      '2026-11,居民安全满意度,,150,80,61,9,0,0',
    ]);
    const preview = await callAs<SatisfactionPreview>(core, supervisor, 'reports.satisfactionPreview', file);
    expect(preview).toMatchObject({ ok: true, rows: 3, good: 3, badRows: 0, replacing: 0 });
    expect(preview.ok && preview.sample[1]).toEqual({
      first: '2026-10-01',
      last: '2026-10-31',
      dimension: 'overall',
      score: 130 / 150,
      sample: 150,
    });
    expect((await callAs<Imported>(core, supervisor, 'reports.satisfactionImport', { file })).imported).toBe(
      3,
    );
    expect(await stored()).toBe(3);
    expect(await audits()).toBe(1);

    const view = await callAs<ReportView>(core, supervisor, 'reports.get', {
      period: { kind: 'month', day: '2026-11-01' },
      compare: true,
    });
    const section = view.sections.find((s) => s.id === 'satisfaction')!;
    const kpis = Object.fromEntries(section.kpis.map((k) => [k.id, [k.value, k.previous]]));
    expect(kpis.satisfactionSafety).toEqual([141 / 150, 0.92]);
    expect(kpis.satisfactionOverall).toEqual([null, 130 / 150]);
    // Beside the figures that drive it.
    expect(Object.keys(kpis)).toEqual(
      expect.arrayContaining(['incidentTimeliness', 'hazardRate', 'roundsOnTime']),
    );
    // The monthly summary PDF carries the people, satisfaction and self-check sections with the same figures.
    if (requirePdftotext().available) {
      const pdf = await callAs<{ base64: string }>(core, supervisor, 'reports.export', {
        period: { kind: 'month', day: '2026-11-01' },
        compare: true,
        format: 'pdf',
        locale: 'zh-CN',
      });
      const text = base64PdfText(pdf.base64, join(tmp.dir, 'month.pdf'));
      for (const words of [
        '人员绩效',
        '值班员按时确认率',
        '居民安全满意度: 94.0%',
        '上期: 92.0%',
        '月度自查',
      ])
        expect(text).toContain(words);
    }
    // The quarter: October and November, weighted by sample.
    const quarter = await callAs<ReportView>(core, supervisor, 'reports.get', {
      period: { kind: 'quarter', day: '2026-11-01' },
    });
    const q = quarter.sections.find((s) => s.id === 'satisfaction')!;
    expect(q.kpis.find((k) => k.id === 'satisfactionSafety')!.value).toBeCloseTo((138 + 141) / 300);
    expect(q.tables[0]!.rows).toHaveLength(3);

    // The same period and question again replaces it.
    const again = csv(['期间,调查项目,满意度,样本量', '2026-10,居民安全满意度,95,200']);
    const second = await callAs<Imported>(core, supervisor, 'reports.satisfactionImport', { file: again });
    expect(second).toMatchObject({ imported: 1, preview: { ok: true, replacing: 1 } });
    expect(await stored()).toBe(3);
  });

  it('an .xlsx as Excel saves it; a file without the columns is refused as a whole', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('满意度');
    sheet.addRow(['调查期间', '项目', '得分', '样本数']);
    sheet.addRow(['2026年第3季度', '居民综合满意度', 0.87, 300]);
    const xlsx = {
      name: 'q3.xlsx',
      format: 'xlsx' as const,
      base64: Buffer.from(await book.xlsx.writeBuffer()).toString('base64'),
    };
    expect(
      (await callAs<Imported>(core, supervisor, 'reports.satisfactionImport', { file: xlsx })).imported,
    ).toBe(1);
    const refused = await callAs<SatisfactionPreview>(
      core,
      supervisor,
      'reports.satisfactionPreview',
      csv(['期间,调查项目', '2026-10,居民安全满意度']),
    );
    expect(refused).toEqual({ ok: false, refusal: 'no_columns' });
    const junk = {
      name: 'x.xlsx',
      format: 'xlsx' as const,
      base64: Buffer.from('not a zip').toString('base64'),
    };
    expect(await callAs(core, supervisor, 'reports.satisfactionPreview', junk)).toEqual({
      ok: false,
      refusal: 'unreadable',
    });
  });

  it('an operator may not import or preview survey results', async () => {
    const file = csv(['期间,调查项目,满意度', '2026-10,居民安全满意度,90%']);
    expect(await refusalOf(core, operator, 'reports.satisfactionImport', { file })).toMatchObject({
      code: 'forbidden',
    });
    expect(await refusalOf(core, operator, 'reports.satisfactionPreview', file)).toMatchObject({
      code: 'forbidden',
    });
  });
});

describe('the monthly self-check (月度自查) through the real router: findings become hazards and work orders', () => {
  let core: ConsoleCore;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    tmp = tempDir();
    core = await startCore(tmp.dir, { dbFile: ':memory:' });
  });
  afterAll(async () => {
    await core.stop();
    tmp.cleanup();
  });
  const ITEMS = SELF_CHECK_ITEMS.map((id) => ({ id }));

  it('a finding is opened in the facilities feature as the supervisor; one check a month; listed in the report', async () => {
    const check = await callAs<SelfCheckView>(core, supervisor, 'reports.selfCheck', {
      month: '2026-10',
      note: '',
      items: ITEMS.map((i) =>
        i.id === 'fire'
          ? { id: 'fire', finding: { text: '3号楼消防通道堆放杂物', becomes: 'hazard', severity: 'high' } }
          : i.id === 'monitoring'
            ? {
                id: 'monitoring',
                finding: { text: '东门摄像机画面模糊', becomes: 'order', severity: 'normal' },
              }
            : i,
      ),
    });
    const refs = check.items.filter((i) => i.ref).map((i) => [i.id, i.ref!.kind, i.ref!.number]);
    expect(refs).toEqual([
      ['monitoring', 'order', expect.stringMatching(/^WO-\d{6}$/)],
      ['fire', 'hazard', expect.stringMatching(/^HZ-\d{6}$/)],
    ]);
    const hazard = (await core
      .db('hazards')
      .where({ id: check.items.find((i) => i.id === 'fire')!.ref!.id })
      .first()) as {
      source: string;
      description: string;
      category: string;
    };
    expect(hazard).toMatchObject({ source: 'inspection', category: 'fire' });
    expect(hazard.description).toContain('3号楼消防通道堆放杂物');
    const audit = await core.db('audit_log').where({ action: 'reports.selfCheck' }).first('actor_name');
    expect(audit).toEqual({ actor_name: supervisor.name });

    // The same month again is refused before anything is opened.
    const hazards = (await core.db('hazards').count({ n: '*' }))[0]!.n;
    const again = await refusalOf(core, supervisor, 'reports.selfCheck', {
      month: '2026-10',
      items: ITEMS.map((i) =>
        i.id === 'fire' ? { id: 'fire', finding: { text: 'x', becomes: 'hazard', severity: 'low' } } : i,
      ),
    });
    expect(again).toMatchObject({ code: 'conflict' });
    expect((await core.db('hazards').count({ n: '*' }))[0]!.n).toBe(hazards);
    // A checklist with an item left out is refused by the contract.
    expect(
      await refusalOf(core, supervisor, 'reports.selfCheck', { month: '2026-11', items: ITEMS.slice(1) }),
    ).toMatchObject({ code: 'invalid_input' });

    const view = await callAs<ReportView>(core, supervisor, 'reports.get', {
      period: { kind: 'quarter', day: '2026-10-01' },
    });
    const section = view.sections.find((s) => s.id === 'selfCheck')!;
    expect(Object.fromEntries(section.kpis.map((k) => [k.id, k.value]))).toEqual({
      selfChecks: 1,
      selfCheckFindings: 2,
      selfCheckClosed: 0,
    });
    expect(section.tables[0]!.rows[0]!.values).toEqual([10, 2, 1, 1, 0]);
    // A finding rectified since counts as closed: its state is read now, from the table it went to.
    await core
      .db('hazards')
      .where({ id: check.items.find((i) => i.id === 'fire')!.ref!.id })
      .update({ state: 'rectified' });
    const later = await callAs<ReportView>(core, supervisor, 'reports.get', {
      period: { kind: 'quarter', day: '2026-10-01' },
    });
    expect(later.sections.find((s) => s.id === 'selfCheck')!.tables[0]!.rows[0]!.values).toEqual([
      10, 2, 1, 1, 1,
    ]);
    expect(
      (await callAs<{ checks: SelfCheckView[] }>(core, supervisor, 'reports.selfChecks', {})).checks,
    ).toHaveLength(1);
    expect(await refusalOf(core, operator, 'reports.selfChecks', {})).toMatchObject({ code: 'forbidden' });
  });
});
