import { localDay, previousPeriod } from '../../shared/domain/report-period';
import { pdfText } from '../support/pdf';
import { expect, signIn, test } from './fixtures';
import { Layout, ReportsView } from './pages';

test.use({ tools: ['pdftotext'] });

/** The first day of last month in the demo site's calendar: the demo's history and surveys cover it whole. */
function lastMonth(): string {
  return previousPeriod({ kind: 'month', day: localDay(Date.now(), 'Asia/Shanghai') }).day;
}

test("people (绩效), residents' satisfaction and the self-check: seen, imported, recorded, in the PDF, both languages and sizes", async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}, testInfo) => {
  test.setTimeout(300_000);
  const reports = new ReportsView(page);
  const layout = new Layout(page);
  await layout.resize(1366, 768);
  await signIn(page, consoleApp, { role: 'supervisor' });
  await reports.openButton.click();
  await reports.kind('month');
  const month = lastMonth();
  await reports.pickDay(month);
  await expect(reports.period).toContainText(month);
  await reports.compare.check();
  await expect(reports.period).toContainText('上期');

  // People: every guard of the demo site, and the two operators of its history.
  await reports.section('people');
  await expect(reports.tableRows('guardRounds')).toHaveCount(5);
  await expect(reports.tableRows('operatorAck')).toHaveCount(2);
  await expect(reports.kpiValue('operatorAckWithin')).toHaveText(/%$/);
  await expect(reports.kpiValue('guardOnSceneP50')).toHaveText(/秒|分钟/);
  await expect(reports.chart('guardRounds')).toBeVisible();
  await expect(reports.chart('operatorAck')).toBeVisible();
  const ackWithin = (await reports.kpiValue('operatorAckWithin').textContent())!;
  // A guard's row lists the rounds he walked: the guard who walked the most (the demo's history need not give
  // every guard rounds in a given month).
  const walkedBy = await reports
    .tableRows('guardRounds')
    .evaluateAll((rows) => rows.map((r) => Number(r.querySelectorAll('td')[1]?.textContent ?? NaN)));
  const walked = Math.max(...walkedBy.filter((n) => Number.isFinite(n)));
  expect(walked).toBeGreaterThan(0);
  const guard = reports.tableRows('guardRounds').nth(walkedBy.indexOf(walked));
  await guard.click();
  await expect(reports.rowItems).toHaveCount(Math.min(walked, 500));
  await reports.closeRows();
  await expect(reports.rows).toBeHidden();
  await saveScreenshot('reports-people.zh-CN.1366.png');

  // Satisfaction: last month's demo survey, beside the figures that drive it.
  await reports.section('satisfaction');
  await expect(reports.kpiValue('satisfactionSafety')).toHaveText(/^\d+\.\d%$/);
  await expect(reports.kpiPrevious('satisfactionSafety')).toContainText('上期');
  await expect(reports.kpi('incidentTimeliness')).toBeVisible();
  await expect(reports.tableRows('satisfaction')).toHaveCount(2);
  await saveScreenshot('reports-satisfaction.zh-CN.1366.png');

  // An office's file with a wrong row: shown row by row, nothing can be imported.
  await reports.openSatisfactionImport();
  const period = month.slice(0, 7);
  await reports.pickSatisfactionFile(
    'survey-bad.csv',
    `期间,调查项目,满意度,样本量\n${period},居民安全满意度,97.5%,200\n${period},居民综合满意度,120%,200\n`,
  );
  await expect(reports.satisfactionProblems).toContainText('第 3 行');
  await expect(reports.satisfactionImportAll).toBeDisabled();
  await saveScreenshot('reports-satisfaction-import.zh-CN.1366.png');
  // Corrected, it replaces last month's results.
  await reports.pickSatisfactionFile(
    'survey.csv',
    `期间,调查项目,满意度,样本量\n${period},居民安全满意度,97.5%,200\n${period},居民综合满意度,95%,200\n`,
  );
  await expect(reports.satisfactionSummary).toContainText('正确 2 行');
  await reports.satisfactionImportAll.click();
  await expect(reports.satisfactionResult).toContainText('已导入 2 条');
  await reports.closeSatisfactionImport();
  await expect(reports.kpiValue('satisfactionSafety')).toHaveText('97.5%');

  // The month's self-check (月度自查): one finding, opened as a hazard in the facilities feature.
  await reports.section('selfCheck');
  await reports.openSelfCheck();
  await reports.selfCheckFinding('fire', '3号楼消防通道堆放杂物');
  await saveScreenshot('reports-self-check.zh-CN.1366.png');
  await reports.saveSelfCheck();
  await expect(reports.selfCheckDialog).toBeHidden();
  await expect(reports.kpiValue('selfChecks')).toHaveText('1');
  await expect(reports.kpiValue('selfCheckFindings')).toHaveText('1');
  await expect(reports.tableRows('selfChecks')).toHaveCount(1);

  // The PDF carries the new sections with the figures on screen.
  const file = testInfo.outputPath('people.pdf');
  await (await reports.downloadPdf()).saveAs(file);
  const text = pdfText(file);
  expect(text).toContain('人员绩效');
  expect(text).toContain(`值班员按时确认率: ${ackWithin}`);
  expect(text).toContain('居民安全满意度: 97.5%');
  expect(text).toContain('自查发现问题: 1');

  await layout.resize(1920, 1080);
  await reports.section('people');
  await expect(reports.chart('guardRounds')).toBeVisible();
  await saveScreenshot('reports-people.zh-CN.1920.png');
  await reports.close();

  await ui.shell.switchLanguage();
  await reports.openButton.click();
  await reports.kind('month');
  await reports.pickDay(month);
  await reports.section('people');
  await expect(reports.kpi('operatorAckWithin')).toContainText('Operators acknowledging in time');
  await expect(reports.kpiValue('operatorAckWithin')).toHaveText(ackWithin);
  await saveScreenshot('reports-people.en.1920.png');
  await reports.section('satisfaction');
  await expect(reports.kpiValue('satisfactionSafety')).toHaveText('97.5%');
  await saveScreenshot('reports-satisfaction.en.1920.png');
  await layout.resize(1366, 768);
  await reports.section('people');
  await expect(reports.tableRows('guardRounds')).toHaveCount(5);
  await saveScreenshot('reports-people.en.1366.png');
  await reports.section('satisfaction');
  await saveScreenshot('reports-satisfaction.en.1366.png');
});
