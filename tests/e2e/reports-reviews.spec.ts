import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { quarterDays, quarterOf } from '../../shared/domain/quarter-review';
import { dayNumber, dayOfNumber, localDay } from '../../shared/domain/report-period';
import { pdfText } from '../support/pdf';
import { expect, signIn, test } from './fixtures';
import { DATA, leaks, type Language } from './language';
import { Layout, ReportsView } from './pages';

test.use({ tools: ['pdftotext'] });

const RESIDENTS = '陈玉兰、赵国强';
const COMMITTEE = '周建华';
const STAFF = '郑涛，冯军';
const SCORES = { security: 92, vehicles: 85, fire: 88, emergency: 90, attitude: 95, response: 86 };
const HAZARD_TEXT = '5号楼东侧消防通道夜间有车辆停放';
const ORDER_TEXT = '北门道闸抬杆慢，高峰排队';
const CONCLUSION = '本季度服务良好，消防通道和道闸问题限期整改。';
/** What the supervisor typed: data, shown as typed in either language (taken out before the site's shorter names in it). */
const TYPED = ['陈玉兰', '赵国强', '周建华', '郑涛', '冯军', HAZARD_TEXT, ORDER_TEXT, CONCLUSION];

/** The site's today, and the quarters before it the demo history recorded reviews for. */
function calendar() {
  const today = localDay(Date.now(), 'Asia/Shanghai');
  const before = (q: string) => quarterOf(dayOfNumber(dayNumber(quarterDays(q).first) - 1));
  const last = before(quarterOf(today));
  return { today, quarter: quarterOf(today), last, demo: [last, before(last)] };
}

test('the quarterly review (季度互评) recorded: its opinions become a hazard and a work order, shown in the quarter’s report; both languages', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  test.setTimeout(300_000);
  const { today, last } = calendar();
  const found: string[] = [];
  const reports = new ReportsView(page);
  const scan = async (language: Language, where: string) => {
    for (const leak of leaks(await reports.root.innerText(), language, [...TYPED, ...DATA]))
      found.push(`[${where}] ${leak}`);
  };
  const layout = new Layout(page);
  await layout.resize(1366, 768);
  await signIn(page, consoleApp, { role: 'supervisor' });
  await reports.openButton.click();

  // The last quarter's briefing shows the demo's review of it.
  await reports.kind('quarter');
  await reports.pickDay(quarterDays(last).first);
  await reports.section('quarterReview');
  await expect(reports.kpiValue('quarterReviews')).toHaveText('1');
  await expect(reports.tableRows('reviewScores')).toHaveCount(6);
  await expect(reports.chart('reviewScores')).toBeVisible();

  // This quarter's review, held today.
  await reports.pickDay(today);
  await expect(reports.kpiValue('quarterReviews')).toHaveText('0');
  await reports.openQuarterReview();
  await reports.fillQuarterReview({
    residents: RESIDENTS,
    committee: COMMITTEE,
    staff: STAFF,
    scores: SCORES,
    conclusion: CONCLUSION,
  });
  await reports.addReviewOpinion(HAZARD_TEXT, 'fire', 'hazard');
  await reports.addReviewOpinion(ORDER_TEXT, 'vehicles', 'order');
  await saveScreenshot('reports-quarter-review.zh-CN.1366.png');
  await reports.saveQuarterReview();
  await expect(reports.reviewDialog).toBeHidden();
  await expect(reports.kpiValue('quarterReviews')).toHaveText('1');
  // (92 + 85 + 88 + 90 + 95 + 86) / 6 = 89.33…
  await expect(reports.kpiValue('reviewScore')).toHaveText('89.3');
  await expect(reports.kpiValue('reviewOpinions')).toHaveText('2');
  await expect(reports.kpiValue('reviewOpinionsClosed')).toHaveText('0.0%');
  const opinions = await reports.tableCells('reviewOpinions');
  expect(opinions.map((r) => r[0])).toEqual([
    expect.stringMatching(new RegExp(`^HZ-\\d{6} · 消防安全：${HAZARD_TEXT}$`)),
    expect.stringMatching(new RegExp(`^WO-\\d{6} · 车辆管理：${ORDER_TEXT}$`)),
  ]);
  expect(opinions.map((r) => r.slice(1))).toEqual([
    ['是', '否', '否'],
    ['否', '是', '否'],
  ]);
  // Two representatives, one committee member, two staff; the mean; two opinions, a hazard and an order, none closed.
  expect((await reports.tableCells('reviews')).map((r) => r.slice(1))).toEqual([
    ['2', '1', '2', '89.3', '2', '1', '1', '0'],
  ]);
  await saveScreenshot('reports-quarter-review-section.zh-CN.1366.png');
  await scan('zh-CN', 'quarterly review');

  await reports.close();

  await ui.shell.switchLanguage();
  await reports.openButton.click();
  await reports.kind('quarter');
  await reports.section('quarterReview');
  await expect(reports.kpiValue('reviewOpinions')).toHaveText('2');
  await saveScreenshot('reports-quarter-review-section.en.1366.png');
  await scan('en', 'quarterly review');
  await reports.openQuarterReview();
  await expect(reports.reviewDialog).toContainText("Residents' representatives");
  await saveScreenshot('reports-quarter-review.en.1366.png');
  await page.keyboard.press('Escape');
  await expect(reports.reviewDialog).toBeHidden();
  expect(found).toEqual([]);
});

test("the year's overall evaluation (年度总评): the twelve months' self-checks, the four quarters' reviews, the satisfaction; on screen, in the PDF and Excel; both languages and sizes", async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}, testInfo) => {
  test.setTimeout(300_000);
  const { demo, last } = calendar();
  const found: string[] = [];
  const reports = new ReportsView(page);
  const scan = async (language: Language, where: string) => {
    for (const leak of leaks(await reports.root.innerText(), language, DATA))
      found.push(`[${where}] ${leak}`);
  };
  const layout = new Layout(page);
  await layout.resize(1366, 768);
  await signIn(page, consoleApp, { role: 'supervisor' });
  await reports.openButton.click();

  // The year of the last quarter (this one, but in the first quarter of a year) and the demo's reviews in it.
  const held = demo.filter((q) => q.slice(0, 4) === last.slice(0, 4)).length;
  await reports.kind('year');
  await reports.pickDay(quarterDays(last).first);
  await reports.section('evaluation');
  await expect(reports.kpiValue('evalReviewsHeld')).toHaveText(String(held));
  await expect(reports.kpiValue('evalMonthsChecked')).toHaveText('0');
  await expect(reports.tableRows('evalMonths')).toHaveCount(12);
  await expect(reports.tableRows('evalQuarters')).toHaveCount(4);
  await expect(reports.chart('evalQuarterScores')).toBeVisible();
  const score = (await reports.kpiValue('evalReviewScore').textContent())!;
  const missing = (await reports.kpiValue('evalMonthsMissing').textContent())!;
  const safety = (await reports.kpiValue('satisfactionSafety').textContent())!;
  const quarters = await reports.tableCells('evalQuarters');
  const lastQuarter = quarters[Number(last.slice(6)) - 1]!;
  // The demo's review of the last quarter: (90 + 86 + 89 + 88 + 90 + 91) / 6 = 89, two opinions only noted.
  expect(lastQuarter).toEqual([expect.stringContaining(`第${last.slice(6)}季度`), '是', '89', '2', '0', '0']);
  await saveScreenshot('reports-evaluation.zh-CN.1366.png');
  await scan('zh-CN', 'evaluation');

  const pdf = testInfo.outputPath('year.pdf');
  await (await reports.downloadPdf()).saveAs(pdf);
  const text = pdfText(pdf);
  for (const words of [
    '年度总评报告',
    `已开展季度互评: ${held}`,
    `季度互评平均得分: ${score}`,
    `缺少自查的月份: ${missing}`,
    `居民安全满意度: ${safety}`,
  ])
    expect(text, words).toContain(words);

  const xlsx = testInfo.outputPath('year.xlsx');
  await (await reports.downloadXlsx()).saveAs(xlsx);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(readFileSync(xlsx) as unknown as ArrayBuffer);
  const sheet = book.getWorksheet('季度互评（按季度）')!;
  expect(sheet.getRow(1).values).toEqual([
    undefined,
    '季度互评（按季度）',
    '已互评',
    '平均得分',
    '意见',
    '转隐患/工单',
    '已整改',
  ]);
  expect(sheet.getRow(1 + Number(last.slice(6))).getCell(1).value).toBe(lastQuarter[0]);
  expect(book.getWorksheet('月度自查（按月）')!.rowCount).toBe(13);

  await layout.resize(1920, 1080);
  await expect(reports.chart('evalQuarterScores')).toBeVisible();
  await saveScreenshot('reports-evaluation.zh-CN.1920.png');
  await reports.close();

  await ui.shell.switchLanguage();
  await reports.openButton.click();
  await reports.kind('year');
  await reports.pickDay(quarterDays(last).first);
  await reports.section('evaluation');
  await expect(reports.kpi('evalReviewsHeld')).toContainText('Quarters reviewed');
  await expect(reports.kpiValue('evalReviewScore')).toHaveText(score);
  await saveScreenshot('reports-evaluation.en.1920.png');
  await scan('en', 'evaluation');
  await layout.resize(1366, 768);
  await saveScreenshot('reports-evaluation.en.1366.png');
  expect(found).toEqual([]);
});
