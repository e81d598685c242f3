import ExcelJS from 'exceljs';
import type { Download, TestInfo } from '@playwright/test';
import { localDay } from '../../shared/domain/report-period';
import { fileHeader, pdfText } from '../support/pdf';
import { expect, signIn, test } from './fixtures';
import { Layout, ReportsView } from './pages';

test.use({ tools: ['pdftotext'] });

async function saved(download: Download, testInfo: TestInfo, name: string): Promise<string> {
  const file = testInfo.outputPath(name);
  await download.saveAs(file);
  return file;
}

/** The first day of last month in the demo site's calendar: a month the demo's history covers whole. */
function lastMonth(): string {
  const [y, m] = localDay(Date.now(), 'Asia/Shanghai').split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 2, 1));
  return d.toISOString().slice(0, 10);
}

test("a supervisor's monthly summary: opened, compared, a bar drilled into, PDF and Excel read back", async ({
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

  // The live shift board sits in the idle incident panel.
  await expect(reports.board).toBeVisible();
  await expect(reports.board.getByTestId('board-open').getByTestId('board-value')).toHaveText(/^\d+$/);

  await ui.shell.focusConsole();
  await reports.open();
  await expect(reports.root).toBeVisible();
  await reports.kind('month');
  const month = lastMonth();
  await reports.pickDay(month);
  await expect(reports.period).toContainText(month);
  // The demo's three months of history: last month has alarms, rounds and a real response time.
  const alarms = reports.kpiValue('alarms');
  await expect(alarms).toHaveText(/^[1-9]\d*$/);
  // The response times are the response section's.
  await reports.section('response');
  await expect(reports.kpiValue('ackP50')).toHaveText(/秒|分钟/);
  await reports.section('alarms');
  await expect(reports.tableRows('byType').first()).toBeVisible();
  await saveScreenshot('reports-month.zh-CN.1366.png');

  // The tallest bar of "by type" is the first row of its table: clicked, it lists exactly that many alarms.
  const top = reports.tableRows('byType').first();
  const topCount = Number((await top.locator('td').nth(1).textContent()) ?? NaN);
  expect(topCount).toBeGreaterThan(0);
  await reports.bars('byType').and(page.locator('[fill="#4fc3f7"]')).first().click();
  await expect(reports.rows).toBeVisible();
  await expect(reports.rowItems).toHaveCount(topCount);
  await saveScreenshot('reports-rows.zh-CN.1366.png');
  await reports.closeRows();
  await expect(reports.rows).toBeHidden();

  // Compared with the month before: every figure gets its previous value.
  await reports.compare.check();
  await expect(reports.period).toContainText('上期');
  await expect(reports.kpiPrevious('alarms')).toContainText('上期');
  const onScreen = {
    alarms: (await alarms.textContent())!,
    falseRate: (await reports.kpiValue('falseRate').textContent())!,
  };
  await reports.section('patrols');
  const onTime = (await reports.kpiValue('roundsOnTime').textContent())!;
  await expect(reports.chart('byRoute')).toBeVisible();
  await saveScreenshot('reports-patrols.zh-CN.1366.png');
  await reports.section('response');
  const timeliness = (await reports.kpiValue('incidentTimeliness').textContent())!;
  const ackP50 = (await reports.kpiValue('ackP50').textContent())!;
  await reports.section('alarms');

  // The PDF: the monthly summary with the site, the period, the same figures and a signature line.
  const pdf = await saved(await reports.downloadPdf(), testInfo, 'monthly-summary.pdf');
  expect(fileHeader(pdf)).toBe('%PDF-');
  const text = pdfText(pdf);
  expect(text).toContain('翠湖花园');
  expect(text).toContain('月度总结');
  expect(text).toContain(month);
  expect(text).toContain(`报警总数: ${onScreen.alarms}`);
  expect(text).toContain(`误报率: ${onScreen.falseRate}`);
  expect(text).toContain(`确认用时中位数: ${ackP50}`);
  expect(text).toContain(`按时完成率: ${onTime}`);
  expect(text).toContain(`突发事件处置及时率: ${timeliness}`);
  expect(text).toContain('审核人');

  // Excel: every table a sheet; the alarm types as on screen.
  const xlsx = await saved(await reports.downloadXlsx(), testInfo, 'report.xlsx');
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(xlsx);
  const sheet = book.getWorksheet('报警类型')!;
  expect(sheet).toBeDefined();
  const screenRows = await reports.tableCells('byType');
  const sheetRows: string[][] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) sheetRows.push((row.values as unknown[]).slice(1).map((v) => String(v)));
  });
  expect(sheetRows).toEqual(screenRows);

  // The same in English, and on a 1920×1080 screen in both languages.
  await reports.close();
  await ui.shell.switchLanguage();
  await reports.open();
  await reports.kind('month');
  await reports.pickDay(month);
  await expect(reports.kpi('alarms')).toContainText('Alarms');
  await expect(reports.kpiValue('alarms')).toHaveText(onScreen.alarms);
  await saveScreenshot('reports-month.en.1366.png');
  await layout.resize(1920, 1080);
  await expect(reports.chart('byType')).toBeVisible();
  await saveScreenshot('reports-month.en.1920.png');
  await reports.close();
  await ui.shell.switchLanguage();
  await reports.open();
  await reports.kind('month');
  await reports.pickDay(month);
  await expect(reports.kpiValue('alarms')).toHaveText(onScreen.alarms);
  await reports.section('response');
  await expect(reports.chart('stages')).toBeVisible();
  await saveScreenshot('reports-response.zh-CN.1920.png');
});

test('an operator sees only today: the other periods are closed to him', async ({ page, consoleApp }) => {
  // The reports view loads its charts on first open and computes today's figures: past a minute once on the
  // 2-core CI machine (sign-in included).
  test.setTimeout(120_000);
  const reports = new ReportsView(page);
  await signIn(page, consoleApp);
  await reports.openButton.click();
  await expect(reports.root).toBeVisible();
  await expect(reports.root.getByTestId('reports-kind-month')).toBeDisabled();
  await expect(reports.root.getByTestId('reports-kind-day')).toHaveAttribute('aria-pressed', 'true');
  await expect(reports.day).toBeDisabled();
  await expect(reports.period).toContainText(localDay(Date.now(), 'Asia/Shanghai'));
});
