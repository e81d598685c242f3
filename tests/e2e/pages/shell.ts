import type { Locator, Page } from '@playwright/test';

/** The four areas of the console window, by their test ids. */
export type Area = 'camera-wall' | 'site-map' | 'alarm-queue' | 'incident-panel';

/** The window around the areas: the top bar (hub status, language, the operator's menu) and the notices. */
export class Shell {
  readonly hubStatus: Locator;
  /** The banner that says the page has lost the console service behind it. */
  readonly coreLink: Locator;
  readonly languageSwitch: Locator;
  readonly operatorName: Locator;
  readonly notice: Locator;
  readonly html: Locator;

  constructor(readonly page: Page) {
    this.hubStatus = page.getByTestId('hub-status');
    this.coreLink = page.getByTestId('core-link');
    this.languageSwitch = page.getByTestId('language-switch');
    this.operatorName = page.getByTestId('operator-name');
    this.notice = page.getByTestId('notice');
    this.html = page.locator('html');
  }

  area(name: Area): Locator {
    return this.page.getByTestId(name);
  }

  /** An area's own heading (its title in the current language). */
  heading(name: Area): Locator {
    return this.area(name).getByRole('heading');
  }

  async switchLanguage(): Promise<void> {
    await this.languageSwitch.click();
  }

  /** An entry of the operator's menu in the top bar. */
  async openMenu(item: 'operators' | 'logout' | 'lock' | 'join' | 'switch'): Promise<void> {
    await this.page.getByTestId('operator').click();
    await this.page.getByTestId(`menu-${item}`).click();
  }

  /**
   * Clicks an empty spot of the window: takes the focus out of any field, so the console's one-key shortcuts
   * reach it (they are ignored while the operator types).
   */
  async focusConsole(): Promise<void> {
    await this.page.locator('body').click({ position: { x: 5, y: 300 } });
  }

  /** One key or chord as the operator presses it (e.g. 'Alt+l', 'Escape'). */
  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  async reload(): Promise<void> {
    await this.page.reload();
  }
}
