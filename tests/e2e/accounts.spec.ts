import { connectApi } from '../support/accounts';
import { ACCOUNTS, expect, signIn, withSiteHub as test } from './fixtures';

// A quiet site (a hub with one alarm, no demo scenario): this is about accounts, not a busy night.
test.use({ siteHubAlarms: 1 });

test('a deactivated operator’s open page drops to the sign-in screen and says why; a common password is refused in Chinese', async ({
  page,
  consoleApp,
  ui,
}) => {
  // Two sign-ins, a dialog and a reload: more than the default minute on a busy machine.
  test.setTimeout(180_000);
  const { shell, operators, signInForm, queue } = ui;
  const li = ACCOUNTS.operator;

  // The administrator sets a password from the top of every guessing list: refused, in the operator's language.
  await signIn(page, consoleApp, { role: 'admin' });
  await shell.openMenu('operators');
  await operators.edit(li.name);
  await expect(operators.formUsername).toHaveValue(li.username);
  await operators.saveChanges({ password: 'Password123' });
  await expect(operators.error).toContainText('此密码过于常见');
  await operators.close();
  await shell.openMenu('logout');

  // The operator works at this page; the administrator, at another, deactivates the account.
  await signIn(page, consoleApp);
  const admin = await connectApi(consoleApp.url);
  try {
    await admin.client.call('auth.login', {
      username: ACCOUNTS.admin.username,
      password: ACCOUNTS.admin.password,
    });
    const account = (await admin.client.call('operators.list')).operators.find(
      (o) => o.username === li.username,
    )!;
    const { id, username, name, role } = account;
    await admin.client.call('operators.save', { id, username, name, role, active: false });
  } finally {
    admin.close();
  }

  // At once, without a reload: the sign-in screen, with the reason.
  await expect(signInForm.root).toBeVisible();
  await expect(signInForm.ended).toHaveAttribute('data-reason', 'deactivated');
  await expect(signInForm.ended).toHaveText('您的账号已被管理员停用，本控制台已退出登录。');
  await expect(queue.root).toHaveCount(0);
  // Nothing signs the page back in: not a reload, not the account's password.
  await shell.reload();
  await expect(signInForm.root).toBeVisible();
  await signInForm.signIn(li.username, li.password);
  await expect(signInForm.error).toContainText('用户名或密码错误');
});
