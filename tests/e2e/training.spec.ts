import { ACCOUNTS } from '../support/accounts';
import { expect, signIn, test } from './fixtures';
import { scan } from './language';

// The demo's training records and certificates: the second guard's 消防设施操作员 certificate twelve days from
// expiry. A supervisor records an operator's expired certificate; the operator signing on is warned (the site's
// default rule), the supervisor told by a notice.
test.use({ viewport: { width: 1366, height: 768 } });

/** What the supervisor types in Chinese: data, shown as typed in the English interface too. */
const TYPED = { course: '消防控制室值班操作复训', trainer: '区消防救援大队' };

test('training and certificates: the expiring one marked, a certificate and a record added by the supervisor, the operator warned at sign-on; both languages at 1366×768 and 1920×1080', async ({
  page,
  consoleApp,
  ui,
  saveScreenshot,
}) => {
  test.setTimeout(600_000);
  const { training, shell } = ui;
  const leaks: string[] = [];
  await signIn(page, consoleApp, { role: 'supervisor' });

  await training.open();
  await expect(training.root).toBeVisible();
  await expect(training.rule).toContainText('消防设施操作员');
  await expect(training.rule).toContainText('允许签到但提醒主管');
  await expect(training.attention).toContainText('1 本证书需要处理');
  // The soonest to act on comes first: the demo guard's certificate, 12 days (11 or 12 by the local midnight) left.
  const first = training.certificates.first();
  await expect(first).toHaveAttribute('data-status', 'expiring');
  await expect(first).toContainText('李强');
  await expect(first.getByTestId('certificate-status')).toHaveText(/^1[12] 天后到期$/);
  await expect(training.certificates).toHaveCount(3);
  await scan(page, 'zh-CN', 'certificates', leaks);
  await saveScreenshot('training-certificates.zh-CN.1366.png');

  // The operator's certificate, expired at the start of this year.
  await training.addCertificate({
    person: new RegExp(`^${ACCOUNTS.operator.name}`),
    number: '2331000400309999',
    issuedOn: '2020-01-02',
    expiresOn: '2024-01-01',
    issuedBy: '市职业技能鉴定中心',
  });
  await scan(page, 'zh-CN', 'certificate form', leaks);
  await saveScreenshot('training-certificate-form.zh-CN.1366.png');
  await training.submit('certificate');
  await expect(training.certificateForm).toBeHidden();
  const expired = training.certificatesOf(ACCOUNTS.operator.name);
  await expect(expired).toHaveAttribute('data-status', 'expired');
  await expect(training.certificates.first()).toContainText(ACCOUNTS.operator.name);
  await expect(training.attention).toContainText('2 本证书需要处理');

  await training.tab('records');
  await expect(training.records).toHaveCount(4);
  await training.addRecord({
    person: new RegExp(`^${ACCOUNTS.operator.name}`),
    course: TYPED.course,
    on: '2026-11-20',
    hours: '4',
    trainer: TYPED.trainer,
  });
  await training.submit('record');
  await expect(training.recordForm).toBeHidden();
  await expect(training.records).toHaveCount(5);
  // Records go newest first by date; the demo has one of the same day, so the new one is found by its course.
  await expect(training.records.filter({ hasText: TYPED.course })).toHaveCount(1);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await scan(page, 'zh-CN', 'records', leaks, Object.values(TYPED));
  await saveScreenshot('training-records.zh-CN.1920.png');

  // The language is switched in the top bar, which the open view (a modal dialog) covers: close, switch, reopen.
  await training.close();
  await shell.switchLanguage();
  await training.open();
  await training.tab('records');
  await expect(training.rule).toContainText('Fire facility operator');
  await expect(training.records.first()).toContainText('Passed');
  await scan(page, 'en', 'records', leaks, Object.values(TYPED));
  await saveScreenshot('training-records.en.1920.png');
  await training.tab('certificates');
  await expect(training.certificatesOf(ACCOUNTS.operator.name).getByTestId('certificate-status')).toHaveText(
    /^Expired \d+ days ago$/,
  );
  await page.setViewportSize({ width: 1366, height: 768 });
  await scan(page, 'en', 'certificates', leaks);
  await saveScreenshot('training-certificates.en.1366.png');
  await training.close();
  await shell.switchLanguage();

  // The operator signs on with the expired certificate: let through, with a warning for the supervisor.
  await shell.openMenu('logout');
  await signIn(page, consoleApp);
  await expect(shell.notice).toHaveAttribute('data-code', 'training-sign-on-expired');
  await expect(shell.notice).toContainText(
    `${ACCOUNTS.operator.name} 签到上岗，但其上岗证书已于 2024-01-01 过期`,
  );
  await saveScreenshot('training-sign-on-warning.zh-CN.1366.png');
  // Reading is for everyone on duty; keeping the records is the supervisor's.
  await training.open();
  await expect(training.root.getByTestId('training-add-certificate')).toHaveCount(0);
  await expect(training.root).toContainText('培训记录和证书由值班主管登记和修改');
  await training.close();

  expect(leaks).toEqual([]);
});
