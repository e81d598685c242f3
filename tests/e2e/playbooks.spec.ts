import { existsSync } from 'node:fs';
import type { Download, TestInfo } from '@playwright/test';
import { fileHeader, pdfText } from '../support/pdf';
import { ACCOUNTS, expect, signIn, test } from './fixtures';

test.use({ tools: ['pdftotext'] });
test.describe.configure({ timeout: 180_000 });

/** Saves the PDF the page offered as a download and reads its text back with pdftotext. */
async function pdfOf(download: Download, testInfo: TestInfo, name: string): Promise<string> {
  const file = testInfo.outputPath(name);
  await download.saveAs(file);
  expect(fileHeader(file)).toBe('%PDF-');
  return pdfText(file);
}

test('fire playbook: suggested by the alarm, walked end to end, 119 call card, incident report PDF', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}, testInfo) => {
  const { shell, queue, manualAlarm, incident } = ui;
  const { run } = incident;
  const { callCard: card } = run;
  await signIn(page, consoleApp);
  await expect(shell.hubStatus).toHaveAttribute('data-state', 'connected');
  await manualAlarm.raise({ type: '火警', place: /南门/, text: '南门岗亭冒烟' });
  await queue.open(queue.rowsWithText('南门岗亭冒烟'));

  // The alarm suggests its playbook; the operator starts it and it becomes the incident's checklist.
  await expect(incident.suggestedPlaybook).toHaveAttribute('data-playbook-id', 'fire');
  await expect(incident.suggestedPlaybook).toHaveText('火灾报警处置');
  await incident.startSuggestedPlaybook();
  await expect(run.step('look')).toHaveAttribute('data-status', 'current');

  // Camera: the alarm's cameras are live in the detail; a snapshot goes to the incident.
  const camera = incident.cameraTiles.first();
  await expect(camera).toHaveAttribute('data-status', 'live', { timeout: 20_000 });
  await expect.poll(() => camera.getAttribute('data-frames')).not.toBe('0');
  await run.takeSnapshot();
  await expect(shell.notice).toContainText('已抓图 ');
  await run.done();
  await expect(run.step('look')).toHaveAttribute('data-status', 'done');
  await expect(run.step('look')).toContainText(ACCOUNTS.operator.name);

  // Dispatch the nearest free guard (listed first, with distance and walking time): the alarm follows.
  await run.pickGuard();
  const nearest = run.guardOptions.first();
  await expect(nearest).toContainText('米');
  const guard = await run.guardName(nearest);
  await run.dispatch(nearest);
  await expect(run.step('send-guard')).toContainText(guard);
  await expect(incident.state).toHaveText('已派警');

  // A timed step shows its countdown; skipping it needs a reason.
  await expect(run.step('confirm').getByTestId('step-timer')).toContainText('剩余');
  await run.skip();
  await expect(run.skipButton).toBeDisabled();
  await run.confirmSkip('保安已在现场确认');
  await expect(run.step('confirm')).toHaveAttribute('data-status', 'skipped');
  await expect(run.step('confirm')).toContainText('保安已在现场确认');

  // Real fire: the no-branch (fault log) is passed over.
  await run.yes();
  await expect(run.step('fault-log')).toHaveAttribute('data-status', 'pending');
  await run.done(); // fire linkage to automatic

  // The 119 call card: the number in large type and the script filled in with the community's details.
  await run.call();
  await expect(card.number).toHaveText('119');
  for (const detail of ['翠湖花园', '南门', '燃烧物', '是否有人员被困', ACCOUNTS.operator.name])
    await expect(card.script).toContainText(detail);
  await expect(card.dial).toHaveAttribute('href', 'tel:119');
  await saveScreenshot('call-card-119.png');
  await card.record('119 已受理，消防车出发');
  await expect(run.step('call-119')).toHaveAttribute('data-status', 'done');
  await expect(run.calls).toContainText('119');

  // Keyboard: Enter on the focused checklist records the current step.
  await run.doneByKeyboard();
  await expect(run.step('internal-plan')).toHaveAttribute('data-status', 'done');
  await run.done();
  await expect(run.step('report')).toHaveAttribute('data-status', 'done');
  await run.pickGuard();
  await expect(run.guardOptions.first()).toContainText('米');
  await run.dispatch(run.guardOptions.first());
  await expect(run.step('guide')).toHaveAttribute('data-status', 'done');
  await run.note('明火已扑灭，无人员受伤');
  await run.done();
  await expect(run.finished).toBeVisible();
  await expect(run.step('fault-log')).toHaveAttribute('data-status', 'bypassed');
  await saveScreenshot('fire-playbook-done.png');

  // The incident report, in the operator's language, with the timeline; parsed back here.
  const text = await pdfOf(await incident.downloadReport(), testInfo, 'incident.pdf');
  expect(text).toContain('事件处置报告');
  expect(text).toContain('处置时间线');
  expect(text).toMatch(/启动预案: 火灾报警处置/);
  expect(text).toMatch(/拨打 119 报警: 完成/);
  expect(text).toContain('保安已在现场确认');
  expect(text).toMatch(/电话 火警电话 119 119: 已接通/);
  expect(text).toContain(ACCOUNTS.operator.name);
  expect(text).toContain('现场抓图');
  expect(existsSync(`${consoleApp.dataDir}/reports`)).toBe(true);
});

test('drill: scheduled, reminded, run as DRILL with simulated calls and roll-call, after-action report', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}, testInfo) => {
  const { shell, queue, map, incident, drills } = ui;
  const { run } = incident;
  const { callCard: card } = run;
  // Drills are scheduled by a supervisor: sign in as one.
  await signIn(page, consoleApp, { role: 'supervisor' });
  await expect(shell.hubStatus).toHaveAttribute('data-state', 'connected');
  await drills.open();
  await drills.schedule({
    title: '南门消防演练',
    when: new Date(Date.now() + 3600_000),
    place: /南门/,
    participants: '李强, 王伟',
    objectives: '5 分钟内完成报警和疏散',
  });
  const row = drills.row('南门消防演练');
  await expect(row).toHaveAttribute('data-state', 'scheduled');
  await drills.close();
  // The duty view reminds of the drill.
  await expect(drills.reminder).toContainText('南门消防演练');

  await drills.open();
  await drills.start(row);
  // The drill's alarm is DRILL everywhere: the queue row, the incident panel, the checklist.
  await expect(incident.drillBadge).toHaveText('演练');
  const alarmId = await incident.alarmId();
  await expect(queue.row(alarmId)).toContainText('演练');
  await expect(map.alarm(alarmId)).toHaveAttribute('data-drill', 'true');
  await expect(run.root).toContainText('演练');
  await run.done();
  await run.pickGuard();
  await expect(run.guardOptions.first()).toContainText('米');
  await run.dispatch(run.guardOptions.first());
  await expect(run.step('send-guard')).toHaveAttribute('data-status', 'done');
  await run.done();
  await run.yes();
  await run.skip();
  await run.confirmSkip('演练不切换联动控制器');
  await expect(run.step('linkage')).toHaveAttribute('data-status', 'skipped');

  // The call is simulated: no number is handed to a phone.
  await run.call();
  await expect(card.simulated).toHaveText('模拟');
  await expect(card.dial).toHaveCount(0);
  await card.record();
  await expect(run.calls).toContainText('模拟');

  // Roll-call and the end of the drill with findings.
  await incident.close();
  await drills.open();
  await drills.rollCall('李强').check();
  await expect(drills.rollCall('李强')).toBeChecked();
  await drills.finish({
    observations: '疏散广播延迟约 2 分钟',
    action: { text: '广播系统增加一键疏散', owner: '工程部 张工', due: '2026-12-15' },
  });
  await expect(row).toHaveAttribute('data-state', 'finished');
  await saveScreenshot('drill-finished.png');

  const text = await pdfOf(await drills.downloadReport(row), testInfo, 'after-action.pdf');
  expect(text).toContain('演练总结报告');
  expect(text).toContain('各步骤用时与目标');
  expect(text).toMatch(/调取报警部位视频查看 — 完成 · 实际 \d+:\d\d · 目标 0:30/);
  expect(text).toContain('演练不切换联动控制器');
  expect(text).toContain('李强: 到');
  expect(text).toContain('王伟: 未到');
  expect(text).toContain('广播系统增加一键疏散 · 负责人: 工程部 张工 · 完成日期: 2026-12-15');
});
