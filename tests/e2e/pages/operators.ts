import type { Locator, Page } from '@playwright/test';

/** The sign-in form; on a console with no account yet, the first-start form that creates the administrator. */
export class SignInForm {
  readonly root: Locator;
  readonly firstStart: Locator;
  readonly name: Locator;
  readonly username: Locator;
  readonly password: Locator;
  readonly passwordAgain: Locator;
  readonly submitButton: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('sign-in');
    this.firstStart = page.getByTestId('first-start');
    this.name = page.getByTestId('signin-name');
    this.username = page.getByTestId('signin-username');
    this.password = page.getByTestId('signin-password');
    this.passwordAgain = page.getByTestId('signin-password-again');
    this.submitButton = page.getByTestId('signin-submit');
    this.error = page.getByTestId('signin-error');
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.username.fill(username);
    await this.password.fill(password);
    await this.submitButton.click();
  }

  /** Another try after a refusal: the user name stays, the password is typed again. */
  async retryPassword(password: string): Promise<void> {
    await this.password.fill(password);
    await this.submitButton.click();
  }

  /** Fills the first-start form; `submit()` creates the administrator. */
  async fillFirstStart(admin: { name: string; username: string; password: string }): Promise<void> {
    await this.name.fill(admin.name);
    await this.username.fill(admin.username);
    await this.password.fill(admin.password);
    await this.passwordAgain.fill(admin.password);
  }

  async submit(): Promise<void> {
    await this.submitButton.click();
  }
}

/** The administrator's accounts dialog (operator menu → operators). */
export class OperatorsDialog {
  readonly root: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('operators');
    this.rows = page.getByTestId('operator-row');
  }

  row(name: string): Locator {
    return this.rows.filter({ hasText: name });
  }

  async createAccount(account: { username: string; name: string; password: string }): Promise<void> {
    await this.page.getByTestId('account-username').fill(account.username);
    await this.page.getByTestId('account-name').fill(account.name);
    await this.page.getByTestId('account-password').fill(account.password);
    await this.page.getByTestId('account-save').click();
  }

  async close(): Promise<void> {
    await this.root.getByRole('button', { name: '关闭' }).click();
  }
}

/** Who is on duty (top bar): the count, the under-staffed warning, and a second operator joining the shift. */
export class OnDuty {
  readonly root: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('on-duty');
  }

  async join(username: string, password: string): Promise<void> {
    await this.root.click();
    await this.page.getByTestId('join-username').fill(username);
    await this.page.getByTestId('join-password').fill(password);
    await this.page.getByTestId('join-submit').click();
  }
}

/** The lock screen (Ctrl+Shift+L): the waiting alarms stay in view; the operator's password unlocks. */
export class LockScreen {
  readonly root: Locator;
  readonly alarms: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('lock-screen');
    this.alarms = page.getByTestId('lock-alarms');
    this.error = page.getByTestId('lock-error');
  }

  async lock(): Promise<void> {
    await this.page.keyboard.press('Control+Shift+L');
  }

  async unlock(password: string): Promise<void> {
    await this.page.getByTestId('lock-password').fill(password);
    await this.page.getByTestId('lock-submit').click();
  }
}
