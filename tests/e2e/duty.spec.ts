import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileHeader, pdfText } from '../support/pdf';
import { siteIdsIn } from '../support/site-ids';
import { expect, withSiteHub as test } from './fixtures';

// A hub with two alarms and nothing else, so the carried-over items are known.
test.use({ tools: ['pdftotext'], siteHubAlarms: 2 });

const LI = { username: 'li', name: '李明', password: 'li-pass-123' };
const WANG = { username: 'wang', name: '王芳', password: 'wang-pass-1' };

test('first start, accounts, two operators on duty, duty log, an alarm, handover, the sealed record and its PDF', async ({
  page,
  freshConsole,
  ui,
  saveScreenshot,
}, testInfo) => {
  // A long walk through a whole shift, read back in both languages (two PDFs).
  test.setTimeout(240_000);
  const { shell, signInForm, operators, onDuty, wall, queue, incident, dutyLog, handover, lockScreen } = ui;
  await page.goto(freshConsole.url);

  // First start: no account, no default password; the administrator is created here.
  await expect(signInForm.firstStart).toBeVisible();
  await expect(queue.root).toHaveCount(0);
  await signInForm.fillFirstStart({ name: '管理员', username: 'admin', password: 'admin-pass-1' });
  await saveScreenshot('first-start.png');
  await signInForm.submit();
  await expect(shell.operatorName).toHaveText('管理员');

  // The administrator creates the two operators' accounts.
  await shell.openMenu('operators');
  for (const account of [LI, WANG]) {
    await operators.createAccount(account);
    await expect(operators.row(account.name)).toHaveCount(1);
  }
  await operators.close();

  // The administrator signs out; 李明 signs in for the shift and is alone on duty: warned.
  await shell.openMenu('logout');
  await expect(signInForm.root).toBeVisible();
  await signInForm.signIn(LI.username, 'wrong-password');
  // One answer whatever was wrong, in the operator's language.
  await expect(signInForm.error).toContainText('用户名或密码错误');
  await signInForm.retryPassword(LI.password);
  await expect(shell.operatorName).toHaveText('李明');
  await expect(onDuty.root).toHaveAttribute('data-count', '1');
  await expect(onDuty.root).toContainText('不足 2 人');
  // 王芳 signs on to the shift at the same console with her password.
  await onDuty.join(WANG.username, WANG.password);
  await expect(onDuty.root).toHaveAttribute('data-count', '2');
  await expect(onDuty.root).toContainText('在岗 2 人');

  // The pop-out wall opened from this window is signed in as the same operator (no second sign-in).
  const popout = await wall.popOut();
  await expect(popout.getByTestId('camera-wall')).toBeVisible();
  await expect(popout.getByTestId('sign-in')).toHaveCount(0);
  await popout.close();

  // An alarm from the hub is handled: acknowledged with the keyboard.
  await expect(queue.rows).toHaveCount(2);
  await shell.focusConsole();
  await queue.press('first');
  await queue.press('acknowledge');
  await expect(queue.rowsInState('acknowledged')).toHaveCount(1);
  // The alarm views name the zone; no id of the site file reaches the operator.
  await queue.press('open');
  await expect(incident.detail).toContainText('号楼');
  expect(siteIdsIn(await queue.root.innerText())).toEqual([]);
  expect(siteIdsIn(await incident.detail.innerText())).toEqual([]);

  // Manual entries in the duty log (Alt+L): one flagged for follow-up, one linked to the alarm.
  await dutyLog.open();
  await expect(dutyLog.root).toBeVisible();
  await expect(dutyLog.rowsWithText('李明 上岗')).toHaveCount(1);
  await expect(dutyLog.rowsOfKind('alarm')).toHaveCount(2);
  expect(siteIdsIn(await dutyLog.root.innerText())).toEqual([]);
  await dutyLog.addEntry('消防泵房门锁损坏，已报工程部', { followUp: true });
  await expect(dutyLog.rows.first()).toContainText('消防泵房门锁损坏');
  await dutyLog.addEntry('保安赵师傅到场检查报警点位', { linkAlarm: 1 });
  await expect(dutyLog.rows.first()).toContainText('保安赵师傅到场检查');
  await dutyLog.search('泵房');
  await expect(dutyLog.rows).toHaveCount(1);
  const csv = readFileSync((await (await dutyLog.exportCsv()).path())!, 'utf8');
  expect(csv).toContain('消防泵房门锁损坏，已报工程部');
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2);
  await dutyLog.search('');
  await saveScreenshot('duty-log.png');
  await dutyLog.close();

  // Handover (Alt+H): the open alarms and the follow-up are carried over; each must be acknowledged.
  await handover.open();
  await expect(handover.root).toBeVisible();
  await expect(handover.itemsWithText('消防泵房门锁损坏')).toHaveCount(1);
  await expect(handover.alarmItems).toHaveCount(2);
  await handover.fill({ outgoing: LI, incoming: WANG, note: '5号楼烟感报警仍在核查' });
  await expect(handover.signButton).toBeDisabled();
  await handover.acknowledgeEachItem();
  // The hub's alarms are in 2号楼 and 3号楼 (bldg-02, bldg-03 in the site file).
  await expect(handover.itemsWithText('2号楼')).toHaveCount(1);
  expect(siteIdsIn(await handover.root.innerText())).toEqual([]);
  await saveScreenshot('handover.png');
  await handover.sign();

  // Sealed: the check passes, the console now belongs to the incoming operator.
  await expect(handover.sealed).toBeVisible();
  await expect(handover.sealCheck).toHaveAttribute('data-ok', 'true');
  await expect(handover.sealCheck).toContainText('校验通过');
  await expect(shell.operatorName).toHaveText('王芳');
  // The record in the order it is printed: who, the note, the items by name, the duty log, signatures.
  await expect(handover.root.getByText('班次记录已封存')).toHaveCount(1);
  await expect(handover.recordHead).toContainText('单位：翠湖花园');
  await expect(handover.recordHead).toContainText('交班人：李明');
  await expect(handover.recordHead).toContainText('接班人：王芳');
  await expect(handover.recordNote).toContainText('5号楼烟感报警仍在核查');
  await expect(handover.recordNote).toContainText('李明');
  await expect(handover.recordItems).toHaveCount(3);
  await expect(handover.recordItemsWithText('2号楼')).toHaveCount(1);
  await expect(handover.recordItemsWithText('3号楼')).toHaveCount(1);
  const manual = handover.manualEntries;
  await expect(manual).toHaveCount(2);
  await expect(manual.nth(0)).toContainText('消防泵房门锁损坏，已报工程部');
  await expect(manual.nth(0)).toContainText('需跟进');
  await expect(manual.nth(1)).toContainText('保安赵师傅到场检查报警点位');
  await expect(handover.entryAlarm(manual.nth(1))).toContainText('号楼');
  // The console's own entries: counts by kind, the list one click away.
  await expect(handover.autoGroup('alarm')).toHaveAttribute('data-count', '2');
  await expect(handover.autoEntries('alarm')).toHaveCount(0);
  await handover.toggleAutoGroup('alarm');
  await expect(handover.autoEntries('alarm')).toHaveCount(2);
  await expect(handover.autoEntries('alarm').first()).toContainText('号楼');
  await expect(handover.signers).toHaveCount(2);
  await expect(handover.signers.nth(0)).toContainText('交班人：李明');
  await expect(handover.signers.nth(1)).toContainText('接班人：王芳');
  await expect(handover.signatures).toContainText('封存校验值');
  expect(siteIdsIn(await handover.sealed.innerText())).toEqual([]);
  await saveScreenshot('sealed.png', { fullPage: true });

  // The PDF, in the operator's language, read back as text.
  const pdfFile = (await (await handover.downloadPdf()).path())!;
  expect(fileHeader(pdfFile)).toBe('%PDF-');
  const text = pdfText(pdfFile);
  expect(text).toContain('交接班报告');
  expect(text).toContain('消防泵房门锁损坏，已报工程部');
  expect(text).toContain('保安赵师傅到场检查报警点位');
  expect(text).toContain('5号楼烟感报警仍在核查');
  expect(text).toMatch(/交班人：李明/);
  expect(text).toMatch(/接班人：王芳/);
  expect(text).toContain('2号楼');
  expect(text).toContain('校验通过');
  expect(text).toContain('交班人签名：');
  expect(siteIdsIn(text)).toEqual([]);
  // The lock screen (Ctrl+Shift+L) still shows the waiting alarm; the operator's own password unlocks.
  await handover.close();
  await lockScreen.lock();
  await expect(lockScreen.root).toBeVisible();
  await expect(lockScreen.alarms).toHaveAttribute('data-count', '1');
  await expect(lockScreen.alarms).toContainText('水浸报警');
  await saveScreenshot('locked.png');
  await lockScreen.unlock(LI.password);
  await expect(lockScreen.error).toBeVisible();
  // A reload does not lift the lock.
  await shell.reload();
  await expect(lockScreen.root).toBeVisible();
  await lockScreen.unlock(WANG.password);
  await expect(lockScreen.root).toHaveCount(0);
  await expect(shell.operatorName).toHaveText('王芳');

  // The same record in English, opened from the past shifts: English names and separators, no Chinese comma.
  await shell.switchLanguage();
  await handover.open();
  await handover.openPastShift();
  await expect(handover.recordHead).toContainText('Site: Cuihu Garden');
  await expect(handover.recordHead).toContainText('Outgoing operator: 李明');
  await expect(handover.recordNote).toContainText('5号楼烟感报警仍在核查');
  await expect(handover.recordItemsWithText('Building 2')).toHaveCount(1);
  await expect(handover.manualEntries).toHaveCount(2);
  await expect(handover.manualEntries.first()).toContainText('follow up');
  await expect(handover.sealCheck).toContainText('Verified');
  const english = await handover.sealed.innerText();
  expect(english).not.toContain('、');
  expect(siteIdsIn(english)).toEqual([]);
  const enText = pdfText((await (await handover.downloadPdf()).path())!);
  expect(enText).toContain('Shift handover report');
  expect(enText).toContain('Outgoing operator: 李明');
  expect(enText).toContain('5号楼烟感报警仍在核查');
  expect(enText).toContain('消防泵房门锁损坏，已报工程部');
  expect(enText).toContain('Building 2');
  expect(enText).not.toContain('、');
  expect(siteIdsIn(enText)).toEqual([]);
  await handover.close('en');
  const firstPage = ['-png', '-r', '60', '-f', '1', '-l', '1'];
  execFileSync('pdftoppm', [...firstPage, pdfFile, testInfo.outputPath('handover-pdf')]);
});
