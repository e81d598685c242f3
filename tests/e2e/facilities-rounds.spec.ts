import { expect, signIn, test } from './fixtures';
import { scan } from './language';

// The demo console's rounds: the video round over its ten cameras and the fire-facility check, both due every
// shift (the demo site file's `facilities.rounds`), done at the desk by keyboard.
test.use({ viewport: { width: 1366, height: 768 }, consoleEnv: { CONSOLE_DEMO_SEED: '1' } });

test('the video round by keyboard: normal, a problem with a work order, one with a hazard, finished into the duty log; both languages at 1366×768 and 1920×1080', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  // A long walk through two languages and two sizes on a shared 2-core machine: minutes, not seconds.
  test.setTimeout(1_500_000);
  const { facilities, rounds, shell, dutyLog, handover } = ui;
  const leaks: string[] = [];
  await signIn(page, consoleApp);

  await facilities.open();
  await facilities.tab('rounds');
  await expect(rounds.row('video-all')).toHaveAttribute('data-state', 'pending');
  await expect(rounds.row('video-all')).toContainText('10 路摄像机');
  await expect(rounds.row('fire-shift')).toHaveAttribute('data-kind', 'inspection');
  await scan(page, 'zh-CN', 'rounds tab', leaks);
  await saveScreenshot('rounds-due.zh-CN.1366.png');

  await rounds.start('video-all');
  await expect(rounds.dialog).toBeVisible();
  await expect(rounds.subjects).toHaveCount(10);
  await expect(rounds.step).toHaveAttribute('data-subject-id', 'cam-01');
  // 1: normal, and on to the next camera.
  await rounds.press('1');
  await expect(rounds.subject('cam-01')).toHaveAttribute('data-result', 'normal');
  await expect(rounds.step).toHaveAttribute('data-subject-id', 'cam-02');
  // 2: a dirty lens, with a note, recorded with a work order (Alt+O).
  await rounds.press('2');
  await expect(rounds.problemForm).toBeVisible();
  await rounds.note.fill('镜头有水渍，画面模糊');
  await scan(page, 'zh-CN', 'video round, problem form', leaks);
  await saveScreenshot('rounds-video-problem.zh-CN.1366.png');
  await rounds.press('Alt+o');
  await expect(rounds.subject('cam-02')).toHaveAttribute('data-result', 'problem');
  await expect(rounds.step).toHaveAttribute('data-subject-id', 'cam-03');
  // Back to it: the order it opened, and where its picture is kept.
  await rounds.press('ArrowLeft');
  await expect(rounds.stepOrder).toContainText(/WO-\d{6}/);
  await expect(rounds.stepResult).toHaveText('镜头脏污');
  await expect(rounds.still).toBeVisible();
  await rounds.press('ArrowRight');
  // 5: something seen, as a hazard (Alt+H: the form's, not the handover's).
  await rounds.problem('5', '东侧围墙有人翻越痕迹', 'hazard');
  await expect(rounds.subject('cam-03')).toHaveAttribute('data-result', 'problem');
  await expect(handover.root).toBeHidden();
  await expect(rounds.progress).toContainText('已查 3 / 10，异常 2');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await saveScreenshot('rounds-video.zh-CN.1920.png');

  // Left half done: closed, the language switched, resumed where it was.
  await shell.press('Escape');
  await expect(rounds.dialog).toBeHidden();
  await facilities.close();
  await shell.switchLanguage();
  await facilities.open();
  await facilities.tab('rounds');
  await expect(rounds.row('video-all').getByTestId('round-start')).toHaveText('Resume');
  await rounds.start('video-all');
  await expect(rounds.step).toHaveAttribute('data-subject-id', 'cam-04');
  await expect(rounds.progress).toContainText('3 of 10 checked, 2 with problems');
  await scan(page, 'en', 'video round', leaks);
  await saveScreenshot('rounds-video.en.1920.png');
  await page.setViewportSize({ width: 1366, height: 768 });
  await rounds.press('3');
  await expect(rounds.problemForm).toContainText('Wrong angle');
  await saveScreenshot('rounds-video-problem.en.1366.png');
  await rounds.press('Escape');
  await expect(rounds.problemForm).toBeHidden();
  await expect(rounds.dialog).toBeVisible();
  for (const n of [4, 5, 6, 7, 8, 9, 10]) {
    const id = `cam-${String(n).padStart(2, '0')}`;
    await expect(rounds.step).toHaveAttribute('data-subject-id', id);
    await rounds.press('1');
    await expect(rounds.subject(id)).toHaveAttribute('data-result', 'normal');
  }
  await expect(rounds.progress).toContainText('10 of 10 checked, 2 with problems');
  await rounds.press('f');
  await expect(rounds.dialog).toBeHidden();
  await expect(rounds.row('video-all')).toHaveAttribute('data-state', 'done');
  await saveScreenshot('rounds-due.en.1366.png');
  // The round's record: who, when, each camera's result, looked at and not marked.
  await expect(rounds.tab.getByTestId('round-recent')).toHaveAttribute('data-problems', '2');
  await rounds.tab.getByTestId('round-view').click();
  await expect(rounds.dialog.getByTestId('round-finish')).toHaveCount(0);
  await rounds.press('ArrowRight');
  await expect(rounds.stepResult).toHaveText('Dirty lens');
  await expect(rounds.dialog.getByTestId('round-step-note')).toHaveText('镜头有水渍，画面模糊');
  await rounds.press('1');
  await expect(rounds.subject('cam-02')).toHaveAttribute('data-result', 'problem');
  await shell.press('Escape');
  await expect(rounds.dialog).toBeHidden();

  // The fire-facility check: the pump's checklist, a reading out of range opens its work order.
  await rounds.start('fire-shift');
  await expect(rounds.dialog).toBeVisible();
  await rounds.subjects.filter({ hasText: 'XFB-01' }).click();
  await rounds.press('p');
  await expect(rounds.item('test_run')).toHaveAttribute('data-result', 'pass');
  await rounds.item('pressure').getByTestId('round-item-value').fill('0.1');
  await rounds.item('pressure').getByTestId('round-item-record').click();
  // The pump's last item marked, the round moves on to the next facility; back to it by the arrow key.
  await expect(rounds.subjects.filter({ hasText: 'XFB-01' })).toHaveAttribute('data-result', 'fail');
  await rounds.press('ArrowLeft');
  await expect(rounds.item('pressure')).toHaveAttribute('data-result', 'fail');
  await expect(rounds.dialog.getByTestId('round-item-order')).toContainText(/WO-\d{6}/);
  await scan(page, 'en', 'inspection', leaks);
  await saveScreenshot('rounds-inspection.en.1366.png');
  await shell.press('Escape');
  await facilities.close();

  // The round in the duty log, in each language.
  await dutyLog.open();
  await expect(
    dutyLog.rowsOfKind('inspection').filter({
      hasText: 'video round "Video round, all cameras" done: 10 cameras, 10 checked, 2 with problems',
    }),
  ).toHaveCount(1);
  await dutyLog.close();
  await shell.switchLanguage();
  await dutyLog.open();
  await expect(
    dutyLog
      .rowsOfKind('inspection')
      .filter({ hasText: '视频巡查「全部摄像机视频巡查」完成：10 路，已查 10，异常 2' }),
  ).toHaveCount(1);
  await scan(page, 'zh-CN', 'duty log with the round', leaks);
  await dutyLog.close();
  await facilities.open();
  await facilities.tab('rounds');
  await rounds.start('fire-shift');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await expect(rounds.items.first()).toBeVisible();
  await saveScreenshot('rounds-inspection.zh-CN.1920.png');
  expect(leaks, leaks.join('\n')).toEqual([]);
});
