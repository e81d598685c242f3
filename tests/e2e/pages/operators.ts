import type { Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** The sign-in form; on a console with no account yet, the first-start form that creates the administrator. */
export class SignInForm extends PageObject {
  readonly root = this.testId('sign-in');
  readonly firstStart = this.testId('first-start');
  readonly error = this.testId('signin-error');
  /** Why the console signed this window out (an administrator changed the account, ...). */
  readonly ended = this.testId('signin-ended');

  async signIn(username: string, password: string): Promise<void> {
    await this.testId('signin-username').fill(username);
    await this.retryPassword(password);
  }

  /** Another try after a refusal: the user name stays, the password is typed again. */
  async retryPassword(password: string): Promise<void> {
    await this.testId('signin-password').fill(password);
    await this.submit();
  }

  /** Fills the first-start form; `submit()` creates the administrator. */
  async fillFirstStart(admin: { name: string; username: string; password: string }): Promise<void> {
    await this.testId('signin-name').fill(admin.name);
    await this.testId('signin-username').fill(admin.username);
    await this.testId('signin-password').fill(admin.password);
    await this.testId('signin-password-again').fill(admin.password);
  }

  async submit(): Promise<void> {
    await this.testId('signin-submit').click();
  }
}

/** The administrator's accounts dialog (operator menu → operators). */
export class OperatorsDialog extends PageObject {
  readonly root = this.testId('operators');
  readonly rows = this.testId('operator-row');
  readonly error = this.testId('account-error');

  row(name: string): Locator {
    return this.rows.filter({ hasText: name });
  }

  async createAccount(account: { username: string; name: string; password: string }): Promise<void> {
    await this.testId('account-username').fill(account.username);
    await this.testId('account-name').fill(account.name);
    await this.testId('account-password').fill(account.password);
    await this.testId('account-save').click();
  }

  /** The form's user name field: it shows the account `edit` opened once the form has it. */
  readonly formUsername = this.testId('account-username');

  /** Opens an account in the form below the list. */
  async edit(name: string): Promise<void> {
    await this.row(name).getByTestId('account-edit').click();
  }

  /** Changes what is given in the open form, and saves. */
  async saveChanges(change: { active?: boolean; password?: string }): Promise<void> {
    if (change.active !== undefined) await this.testId('account-active').setChecked(change.active);
    if (change.password !== undefined) await this.testId('account-password').fill(change.password);
    await this.testId('account-save').click();
  }

  async close(): Promise<void> {
    await this.root.getByRole('button', { name: '关闭' }).click();
  }
}

/** Who is on duty (top bar): the count, the under-staffed warning, and a second operator joining the shift. */
export class OnDuty extends PageObject {
  readonly root = this.testId('on-duty');

  async join(username: string, password: string): Promise<void> {
    await this.root.click();
    await this.testId('join-username').fill(username);
    await this.testId('join-password').fill(password);
    await this.testId('join-submit').click();
  }
}

/** The lock screen (Ctrl+Shift+L): the waiting alarms stay in view; the operator's password unlocks. */
export class LockScreen extends PageObject {
  readonly root = this.testId('lock-screen');
  readonly alarms = this.testId('lock-alarms');
  readonly error = this.testId('lock-error');

  async lock(): Promise<void> {
    await this.page.keyboard.press('Control+Shift+L');
  }

  async unlock(password: string): Promise<void> {
    await this.testId('lock-password').fill(password);
    await this.testId('lock-submit').click();
  }
}
