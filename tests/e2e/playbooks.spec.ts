import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Download, Page, TestInfo } from '@playwright/test';
import { CHROMIUM, commandExists, requireTool } from '../support/tools';
import { ACCOUNTS, collectPageErrors, expect, signIn, startConsole, test } from './fixtures';

/** Saves the PDF the page offered as a download and reads its text back with pdftotext. */
async function pdfText(download: Download, path: string): Promise<string> {
  await download.saveAs(path);
  expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
}

async function raiseFire(page: Page, text: string) {
  await page.getByTestId('alarm-manual').click();
  const dialog = page.getByTestId('manual-dialog');
  await dialog.getByRole('combobox').first().click();
  await page.getByRole('option', { name: '火警' }).click();
  await dialog.getByRole('combobox').nth(1).click();
  await page.getByRole('option', { name: /南门/ }).click();
  await page.getByTestId('manual-text').fill(text);
  await page.getByTestId('dialog-submit').click();
}

function tools(testInfo: TestInfo) {
  const chromium = requireTool('Chromium', existsSync(CHROMIUM), 'apt-get install chromium');
  testInfo.skip(!chromium.available, chromium.reason);
  const poppler = requireTool('pdftotext', commandExists('pdftotext'), 'apt-get install poppler-utils');
  testInfo.skip(!poppler.available, poppler.reason);
}

test('fire playbook: suggested by the alarm, walked end to end, 119 call card, incident report PDF', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  tools(testInfo);
  const app = await startConsole();
  try {
    const errors = collectPageErrors(page);
    await signIn(page, app);
    await expect(page.getByTestId('hub-status')).toHaveAttribute('data-state', 'connected');
    await raiseFire(page, '南门岗亭冒烟');
    await page.getByTestId('alarm-row').filter({ hasText: '南门岗亭冒烟' }).dblclick();

    // The alarm suggests its playbook; the operator starts it and it becomes the incident's checklist.
    const panel = page.getByTestId('incident-panel');
    await expect(panel.getByTestId('playbook-suggested')).toHaveAttribute('data-playbook-id', 'fire');
    await expect(panel.getByTestId('playbook-suggested')).toHaveText('火灾报警处置');
    await panel.getByTestId('playbook-start').click();
    const run = panel.getByTestId('playbook-run');
    const step = (id: string) => run.locator(`[data-testid=playbook-step][data-step-id="${id}"]`);
    await expect(step('look')).toHaveAttribute('data-status', 'current');

    // Camera: the alarm's cameras are live in the detail; a snapshot goes to the incident.
    await expect(panel.getByTestId('alarm-cameras').getByTestId('camera-tile').first()).toHaveAttribute(
      'data-status',
      'live',
      { timeout: 20_000 },
    );
    await expect
      .poll(() =>
        panel.getByTestId('alarm-cameras').getByTestId('camera-tile').first().getAttribute('data-frames'),
      )
      .not.toBe('0');
    await run.getByTestId('step-snapshot').click();
    await expect(page.getByTestId('notice')).toContainText('已抓图 ');
    await run.getByTestId('step-done').click();
    await expect(step('look')).toHaveAttribute('data-status', 'done');
    await expect(step('look')).toContainText(ACCOUNTS.operator.name);

    // Dispatch the nearest free guard (listed first, with distance and walking time): the alarm follows.
    await run.getByTestId('step-guard').click();
    const first = page.getByTestId('guard-option').first();
    await expect(first).toContainText('米');
    const guard = ((await first.textContent()) ?? '').split(' · ')[0]!;
    await first.click();
    await run.getByTestId('step-dispatch').click();
    await expect(step('send-guard')).toContainText(guard);
    await expect(page.getByTestId('alarm-detail-state')).toHaveText('已派警');

    // A timed step shows its countdown; skipping it needs a reason.
    await expect(step('confirm').getByTestId('step-timer')).toContainText('剩余');
    await run.getByTestId('step-skip').click();
    await expect(page.getByTestId('skip-submit')).toBeDisabled();
    await page.getByTestId('skip-reason').fill('保安已在现场确认');
    await page.getByTestId('skip-submit').click();
    await expect(step('confirm')).toHaveAttribute('data-status', 'skipped');
    await expect(step('confirm')).toContainText('保安已在现场确认');

    // Real fire: the no-branch (fault log) is passed over.
    await run.getByTestId('step-yes').click();
    await expect(step('fault-log')).toHaveAttribute('data-status', 'pending');
    await run.getByTestId('step-done').click(); // fire linkage to automatic

    // The 119 call card: the number in large type and the script filled in with the community's details.
    await run.getByTestId('step-call').click();
    const card = page.getByTestId('call-card');
    await expect(card.getByTestId('call-number')).toHaveText('119');
    const script = card.getByTestId('call-script');
    await expect(script).toContainText('翠湖花园');
    await expect(script).toContainText('南门');
    await expect(script).toContainText('燃烧物');
    await expect(script).toContainText('是否有人员被困');
    await expect(script).toContainText(ACCOUNTS.operator.name);
    await expect(card.getByTestId('call-dial')).toHaveAttribute('href', 'tel:119');
    await page.screenshot({ path: testInfo.outputPath('call-card-119.png') });
    await card.getByTestId('call-note').fill('119 已受理，消防车出发');
    await card.getByTestId('call-record').click();
    await expect(step('call-119')).toHaveAttribute('data-status', 'done');
    await expect(run.getByTestId('run-calls')).toContainText('119');

    for (const id of ['internal-plan', 'report', 'guide']) {
      if (id === 'guide') {
        await run.getByTestId('step-guard').click();
        await expect(page.getByTestId('guard-option').first()).toContainText('米');
        await page.getByTestId('guard-option').first().click();
        await run.getByTestId('step-dispatch').click();
      } else if (id === 'report') {
        await run.getByTestId('step-done').click();
      } else {
        // Keyboard: Enter on the focused checklist records the current step.
        await run.focus();
        await page.keyboard.press('Enter');
      }
      await expect(step(id)).toHaveAttribute('data-status', 'done');
    }
    await run.getByTestId('step-note').fill('明火已扑灭，无人员受伤');
    await run.getByTestId('step-done').click();
    await expect(run.getByTestId('playbook-finished')).toBeVisible();
    await expect(step('fault-log')).toHaveAttribute('data-status', 'bypassed');
    await page.screenshot({ path: testInfo.outputPath('fire-playbook-done.png') });

    // The incident report, in the operator's language, with the timeline; parsed back here.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByTestId('incident-report').click(),
    ]);
    const text = await pdfText(download, testInfo.outputPath('incident.pdf'));
    expect(text).toContain('事件处置报告');
    expect(text).toContain('处置时间线');
    expect(text).toMatch(/启动预案: 火灾报警处置/);
    expect(text).toMatch(/拨打 119 报警: 完成/);
    expect(text).toContain('保安已在现场确认');
    expect(text).toMatch(/电话 火警电话 119 119: 已接通/);
    expect(text).toContain(ACCOUNTS.operator.name);
    expect(text).toContain('现场抓图');
    expect(existsSync(`${app.dataDir}/reports`)).toBe(true);
    expect(errors).toEqual([]);
  } finally {
    await app.stop();
  }
});

test('drill: scheduled, reminded, run as DRILL with simulated calls and roll-call, after-action report', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  tools(testInfo);
  // Drills are scheduled by a supervisor: sign in as one.
  const app = await startConsole();
  try {
    const errors = collectPageErrors(page);
    await signIn(page, app, { role: 'supervisor' });
    await expect(page.getByTestId('hub-status')).toHaveAttribute('data-state', 'connected');
    await page.getByTestId('open-drills').click();
    const dialog = page.getByTestId('drills-dialog');
    await page.getByTestId('drill-title').fill('南门消防演练');
    const soon = new Date(Date.now() + 3600_000);
    const local = new Date(soon.getTime() - soon.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByTestId('drill-when').fill(local);
    await dialog.getByRole('combobox').nth(1).click();
    await page.getByRole('option', { name: /南门/ }).click();
    await page.getByTestId('drill-participants').fill('李强, 王伟');
    await page.getByTestId('drill-objectives').fill('5 分钟内完成报警和疏散');
    await page.getByTestId('drill-schedule-submit').click();
    const row = dialog.getByTestId('drill-row').filter({ hasText: '南门消防演练' });
    await expect(row).toHaveAttribute('data-state', 'scheduled');
    await dialog.getByRole('button', { name: '关闭' }).click();
    // The duty view reminds of the drill.
    await expect(page.getByTestId('drill-reminder')).toContainText('南门消防演练');

    await page.getByTestId('open-drills').click();
    await row.getByTestId('drill-start').click();
    // The drill's alarm is DRILL everywhere: the queue row, the incident panel, the checklist.
    const panel = page.getByTestId('incident-panel');
    await expect(panel.getByTestId('incident-drill')).toHaveText('演练');
    const alarmId = await panel.getByTestId('alarm-detail').getAttribute('data-alarm-id');
    await expect(page.locator(`[data-testid=alarm-row][data-alarm-id="${alarmId}"]`)).toContainText('演练');
    await expect(page.locator(`[data-testid=map-alarm][data-alarm-id="${alarmId}"]`)).toHaveAttribute(
      'data-drill',
      'true',
    );
    const run = panel.getByTestId('playbook-run');
    await expect(run).toContainText('演练');
    const step = (id: string) => run.locator(`[data-testid=playbook-step][data-step-id="${id}"]`);
    await run.getByTestId('step-done').click();
    await run.getByTestId('step-guard').click();
    await expect(page.getByTestId('guard-option').first()).toContainText('米');
    await page.getByTestId('guard-option').first().click();
    await run.getByTestId('step-dispatch').click();
    await expect(step('send-guard')).toHaveAttribute('data-status', 'done');
    await run.getByTestId('step-done').click();
    await run.getByTestId('step-yes').click();
    await run.getByTestId('step-skip').click();
    await page.getByTestId('skip-reason').fill('演练不切换联动控制器');
    await page.getByTestId('skip-submit').click();
    await expect(step('linkage')).toHaveAttribute('data-status', 'skipped');

    // The call is simulated: no number is handed to a phone.
    await run.getByTestId('step-call').click();
    const card = page.getByTestId('call-card');
    await expect(card.getByTestId('call-simulated')).toHaveText('模拟');
    await expect(card.getByTestId('call-dial')).toHaveCount(0);
    await card.getByTestId('call-record').click();
    await expect(run.getByTestId('run-calls')).toContainText('模拟');

    // Roll-call and the end of the drill with findings.
    await panel.getByRole('button', { name: 'close' }).click();
    await page.getByTestId('open-drills').click();
    await page.getByTestId('rollcall-李强').check();
    await expect(page.getByTestId('rollcall-李强')).toBeChecked();
    await page.getByTestId('drill-observations').fill('疏散广播延迟约 2 分钟');
    await page.getByTestId('action-add').click();
    await page.getByTestId('action-text').fill('广播系统增加一键疏散');
    await page.getByTestId('action-owner').fill('工程部 张工');
    await page.getByTestId('action-due').fill('2026-12-15');
    await page.getByTestId('drill-finish').click();
    await expect(row).toHaveAttribute('data-state', 'finished');
    await page.screenshot({ path: testInfo.outputPath('drill-finished.png') });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByTestId('drill-report').click(),
    ]);
    const text = await pdfText(download, testInfo.outputPath('after-action.pdf'));
    expect(text).toContain('演练总结报告');
    expect(text).toContain('各步骤用时与目标');
    expect(text).toMatch(/调取报警部位视频查看 — 完成 · 实际 \d+:\d\d · 目标 0:30/);
    expect(text).toContain('演练不切换联动控制器');
    expect(text).toContain('李强: 到');
    expect(text).toContain('王伟: 未到');
    expect(text).toContain('广播系统增加一键疏散 · 负责人: 工程部 张工 · 完成日期: 2026-12-15');
    expect(errors).toEqual([]);
  } finally {
    await app.stop();
  }
});
