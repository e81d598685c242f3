import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../support/rtsp-camera';
import { siteIdsIn } from '../support/site-ids';
import { tempDir } from '../support/temp';
import { CHROMIUM, commandExists, requireTool } from '../support/tools';
import { collectPageErrors, expect, startConsole, startHubProcess, test } from './fixtures';

test('first start, accounts, two operators on duty, duty log, an alarm, handover, the sealed record and its PDF', async ({
  page,
}, testInfo) => {
  // A long walk through a whole shift, read back in both languages (two PDFs).
  test.setTimeout(240_000);
  const chromium = requireTool('Chromium', existsSync(CHROMIUM), 'apt-get install chromium');
  testInfo.skip(!chromium.available, chromium.reason);
  const pdftotext = requireTool('pdftotext', commandExists('pdftotext'), 'apt-get install poppler-utils');
  testInfo.skip(!pdftotext.available, pdftotext.reason);

  const tmp = tempDir('duty-e2e-');
  const port = await freePort();
  // A hub with two alarms and nothing else, so the carried-over items are known.
  const hub = await startHubProcess(port, join(tmp.dir, 'hub.sqlite'), 2);
  const app = await startConsole(
    ['--hub', `http://127.0.0.1:${port}`, '--hub-token', 'e2e'],
    {},
    { provision: false },
  );
  try {
    const errors = collectPageErrors(page);
    await page.goto(app.url);

    // First start: no account, no default password; the administrator is created here.
    await expect(page.getByTestId('first-start')).toBeVisible();
    await expect(page.getByTestId('alarm-queue')).toHaveCount(0);
    await page.getByTestId('signin-name').fill('管理员');
    await page.getByTestId('signin-username').fill('admin');
    await page.getByTestId('signin-password').fill('admin-pass-1');
    await page.getByTestId('signin-password-again').fill('admin-pass-1');
    await page.screenshot({ path: testInfo.outputPath('first-start.png') });
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('operator-name')).toHaveText('管理员');

    // The administrator creates the two operators' accounts.
    await page.getByTestId('operator').click();
    await page.getByTestId('menu-operators').click();
    for (const [username, name, password] of [
      ['li', '李明', 'li-pass-123'],
      ['wang', '王芳', 'wang-pass-1'],
    ] as const) {
      await page.getByTestId('account-username').fill(username);
      await page.getByTestId('account-name').fill(name);
      await page.getByTestId('account-password').fill(password);
      await page.getByTestId('account-save').click();
      await expect(page.getByTestId('operator-row').filter({ hasText: name })).toHaveCount(1);
    }
    await page.getByTestId('operators').getByRole('button', { name: '关闭' }).click();

    // The administrator signs out; 李明 signs in for the shift and is alone on duty: warned.
    await page.getByTestId('operator').click();
    await page.getByTestId('menu-logout').click();
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await page.getByTestId('signin-username').fill('li');
    await page.getByTestId('signin-password').fill('wrong-password');
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('signin-error')).toContainText('Wrong user name or password');
    await page.getByTestId('signin-password').fill('li-pass-123');
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('operator-name')).toHaveText('李明');
    const onDuty = page.getByTestId('on-duty');
    await expect(onDuty).toHaveAttribute('data-count', '1');
    await expect(onDuty).toContainText('不足 2 人');
    // 王芳 signs on to the shift at the same console with her password.
    await onDuty.click();
    await page.getByTestId('join-username').fill('wang');
    await page.getByTestId('join-password').fill('wang-pass-1');
    await page.getByTestId('join-submit').click();
    await expect(onDuty).toHaveAttribute('data-count', '2');
    await expect(onDuty).toContainText('在岗 2 人');

    // The pop-out wall opened from this window is signed in as the same operator (no second sign-in).
    const [popout] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('wall-popout').click()]);
    await expect(popout.getByTestId('camera-wall')).toBeVisible();
    await expect(popout.getByTestId('sign-in')).toHaveCount(0);
    await popout.close();

    // An alarm from the hub is handled: acknowledged with the keyboard.
    const rows = page.getByTestId('alarm-row');
    await expect(rows).toHaveCount(2);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('Home');
    await page.keyboard.press('a');
    await expect(page.locator('[data-testid=alarm-row][data-state=acknowledged]')).toHaveCount(1);
    // The alarm views name the zone; no id of the site file reaches the operator.
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('alarm-detail')).toContainText('号楼');
    expect(siteIdsIn(await page.getByTestId('alarm-queue').innerText())).toEqual([]);
    expect(siteIdsIn(await page.getByTestId('alarm-detail').innerText())).toEqual([]);

    // Manual entries in the duty log (Alt+L): one flagged for follow-up, one linked to the alarm.
    await page.keyboard.press('Alt+l');
    const log = page.getByTestId('duty-log');
    await expect(log).toBeVisible();
    await expect(log.getByTestId('duty-row').filter({ hasText: '李明 on duty' })).toHaveCount(1);
    await expect(log.locator('[data-testid=duty-row][data-kind=alarm]')).toHaveCount(2);
    expect(siteIdsIn(await log.innerText())).toEqual([]);
    await page.getByTestId('duty-text').fill('消防泵房门锁损坏，已报工程部');
    await page.getByTestId('duty-followup').click();
    await page.getByTestId('duty-submit').click();
    await expect(log.getByTestId('duty-row').first()).toContainText('消防泵房门锁损坏');
    await page.getByTestId('duty-text').fill('保安赵师傅到场检查报警点位');
    await log.getByLabel('关联报警编号').click();
    await page.getByRole('option').nth(1).click();
    await page.getByTestId('duty-submit').click();
    await expect(log.getByTestId('duty-row').first()).toContainText('保安赵师傅到场检查');
    await page.getByTestId('duty-search').fill('泵房');
    await expect(log.getByTestId('duty-row')).toHaveCount(1);
    const csvDownload = page.waitForEvent('download');
    await page.getByTestId('duty-export').click();
    const csv = readFileSync((await (await csvDownload).path())!, 'utf8');
    expect(csv).toContain('消防泵房门锁损坏，已报工程部');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2);
    await page.getByTestId('duty-search').fill('');
    await page.screenshot({ path: testInfo.outputPath('duty-log.png') });
    await page.keyboard.press('Escape');

    // Handover (Alt+H): the open alarms and the follow-up are carried over; each must be acknowledged.
    await page.keyboard.press('Alt+h');
    const handover = page.getByTestId('handover');
    await expect(handover).toBeVisible();
    const items = handover.getByTestId('handover-item');
    await expect(items.filter({ hasText: '消防泵房门锁损坏' })).toHaveCount(1);
    await expect(handover.locator('[data-testid=handover-item][data-kind=alarm]')).toHaveCount(2);
    await page.getByTestId('handover-out-username').fill('li');
    await page.getByTestId('handover-out-password').fill('li-pass-123');
    await page.getByTestId('handover-in-username').fill('wang');
    await page.getByTestId('handover-in-password').fill('wang-pass-1');
    await page.getByTestId('handover-note').fill('5号楼烟感报警仍在核查');
    await expect(page.getByTestId('handover-sign')).toBeDisabled();
    const count = await items.count();
    for (let i = 0; i < count; i++) await items.nth(i).click();
    // The hub's alarms are in 2号楼 and 3号楼 (bldg-02, bldg-03 in the site file).
    await expect(items.filter({ hasText: '2号楼' })).toHaveCount(1);
    expect(siteIdsIn(await handover.innerText())).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('handover.png') });
    await page.getByTestId('handover-sign').click();

    // Sealed: the check passes, the console now belongs to the incoming operator.
    const sealed = page.getByTestId('sealed-shift');
    await expect(sealed).toBeVisible();
    await expect(page.getByTestId('seal-check')).toHaveAttribute('data-ok', 'true');
    await expect(page.getByTestId('seal-check')).toContainText('校验通过');
    await expect(page.getByTestId('operator-name')).toHaveText('王芳');
    // The record in the order it is printed: who, the note, the items by name, the duty log, signatures.
    await expect(handover.getByText('班次记录已封存')).toHaveCount(1);
    await expect(sealed.getByTestId('record-head')).toContainText('单位：翠湖花园');
    await expect(sealed.getByTestId('record-head')).toContainText('交班人：李明');
    await expect(sealed.getByTestId('record-head')).toContainText('接班人：王芳');
    await expect(sealed.getByTestId('record-note')).toContainText('5号楼烟感报警仍在核查');
    await expect(sealed.getByTestId('record-note')).toContainText('李明');
    const recordItems = sealed.getByTestId('record-item');
    await expect(recordItems).toHaveCount(3);
    await expect(recordItems.filter({ hasText: '2号楼' })).toHaveCount(1);
    await expect(recordItems.filter({ hasText: '3号楼' })).toHaveCount(1);
    const manual = sealed.getByTestId('record-manual-entry');
    await expect(manual).toHaveCount(2);
    await expect(manual.nth(0)).toContainText('消防泵房门锁损坏，已报工程部');
    await expect(manual.nth(0)).toContainText('需跟进');
    await expect(manual.nth(1)).toContainText('保安赵师傅到场检查报警点位');
    await expect(manual.nth(1).getByTestId('record-entry-alarm')).toContainText('号楼');
    // The console's own entries: counts by kind, the list one click away.
    const alarmGroup = sealed.locator('[data-testid=record-auto-group][data-kind=alarm]');
    await expect(alarmGroup).toHaveAttribute('data-count', '2');
    await expect(alarmGroup.getByTestId('record-auto-entry')).toHaveCount(0);
    await alarmGroup.getByTestId('record-auto-toggle').click();
    await expect(alarmGroup.getByTestId('record-auto-entry')).toHaveCount(2);
    await expect(alarmGroup.getByTestId('record-auto-entry').first()).toContainText('号楼');
    const signers = sealed.getByTestId('record-signer');
    await expect(signers).toHaveCount(2);
    await expect(signers.nth(0)).toContainText('交班人：李明');
    await expect(signers.nth(1)).toContainText('接班人：王芳');
    await expect(sealed.getByTestId('record-signatures')).toContainText('封存校验值');
    expect(siteIdsIn(await sealed.innerText())).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('sealed.png'), fullPage: true });

    // The PDF, in the operator's language, read back as text.
    const pdfDownload = page.waitForEvent('download');
    await page.getByTestId('handover-pdf').click();
    const pdfFile = (await (await pdfDownload).path())!;
    expect(readFileSync(pdfFile).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
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
    await page.getByTestId('handover').getByRole('button', { name: '关闭' }).click();
    await page.keyboard.press('Control+Shift+L');
    const lock = page.getByTestId('lock-screen');
    await expect(lock).toBeVisible();
    await expect(page.getByTestId('lock-alarms')).toHaveAttribute('data-count', '1');
    await expect(page.getByTestId('lock-alarms')).toContainText('水浸报警');
    await page.screenshot({ path: testInfo.outputPath('locked.png') });
    await page.getByTestId('lock-password').fill('li-pass-123');
    await page.getByTestId('lock-submit').click();
    await expect(page.getByTestId('lock-error')).toBeVisible();
    // A reload does not lift the lock.
    await page.reload();
    await expect(lock).toBeVisible();
    await page.getByTestId('lock-password').fill('wang-pass-1');
    await page.getByTestId('lock-submit').click();
    await expect(lock).toHaveCount(0);
    await expect(page.getByTestId('operator-name')).toHaveText('王芳');

    // The same record in English, opened from the past shifts: English names and separators, no Chinese comma.
    await page.getByTestId('language-switch').click();
    await page.keyboard.press('Alt+h');
    await handover.getByTestId('shift-open').first().click();
    await expect(sealed.getByTestId('record-head')).toContainText('Site: Cuihu Garden');
    await expect(sealed.getByTestId('record-head')).toContainText('Outgoing operator: 李明');
    await expect(sealed.getByTestId('record-note')).toContainText('5号楼烟感报警仍在核查');
    await expect(recordItems.filter({ hasText: 'Building 2' })).toHaveCount(1);
    await expect(sealed.getByTestId('record-manual-entry')).toHaveCount(2);
    await expect(sealed.getByTestId('record-manual-entry').first()).toContainText('follow up');
    await expect(sealed.getByTestId('seal-check')).toContainText('Verified');
    const english = await sealed.innerText();
    expect(english).not.toContain('、');
    expect(siteIdsIn(english)).toEqual([]);
    const enDownload = page.waitForEvent('download');
    await page.getByTestId('handover-pdf').click();
    const enText = execFileSync('pdftotext', ['-layout', (await (await enDownload).path())!, '-'], {
      encoding: 'utf8',
    });
    expect(enText).toContain('Shift handover report');
    expect(enText).toContain('Outgoing operator: 李明');
    expect(enText).toContain('5号楼烟感报警仍在核查');
    expect(enText).toContain('消防泵房门锁损坏，已报工程部');
    expect(enText).toContain('Building 2');
    expect(enText).not.toContain('、');
    expect(siteIdsIn(enText)).toEqual([]);
    await page.getByTestId('handover').getByRole('button', { name: 'Close' }).click();
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      '1',
      '-l',
      '1',
      pdfFile,
      testInfo.outputPath('handover-pdf'),
    ]);
    expect(errors).toEqual([]);
  } finally {
    await app.stop();
    hub.kill('SIGTERM');
    tmp.cleanup();
  }
});
