import type { Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** The four areas of the console window, by their test ids. */
export type Area = 'camera-wall' | 'site-map' | 'alarm-queue' | 'incident-panel';

/** The window around the areas: the top bar (hub status, language, the operator's menu) and the notices. */
export class Shell extends PageObject {
  readonly hubStatus = this.testId('hub-status');
  /** The warning that the hub is reached without TLS. */
  readonly hubInsecure = this.testId('hub-insecure');
  /** How many hub messages were set aside: shown to supervisors, and it opens them. */
  readonly hubDeadLetters = this.testId('hub-dead-letters');
  /** "Catching up: N events" beside the hub status while the console is behind the hub's log (hub protocol 4). */
  readonly hubBacklog = this.testId('hub-backlog');
  /** The banner that says the page has lost the console service behind it. */
  readonly coreLink = this.testId('core-link');
  readonly languageSwitch = this.testId('language-switch');
  readonly operatorName = this.testId('operator-name');
  readonly notice = this.testId('notice');
  readonly html = this.page.locator('html');

  area(name: Area): Locator {
    return this.testId(name);
  }

  /** An area's own heading (its title in the current language). */
  heading(name: Area): Locator {
    return this.area(name).getByRole('heading');
  }

  async switchLanguage(): Promise<void> {
    await this.languageSwitch.click();
  }

  /** An entry of the operator's menu in the top bar. */
  async openMenu(
    item: 'operators' | 'phones' | 'logout' | 'lock' | 'join' | 'switch' | 'training',
  ): Promise<void> {
    await this.testId('operator').click();
    await this.testId(`menu-${item}`).click();
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

/** The hub's sources and devices, as a supervisor opens them from the top bar. */
export class EquipmentDialog extends PageObject {
  readonly root = this.testId('equipment-dialog');
  readonly sources = this.testId('equipment-source');
  readonly refused = this.testId('equipment-refused');
  readonly sourcesSilent = this.testId('equipment-sources-silent');
  readonly sourcesAsking = this.testId('equipment-sources-asking');
  readonly devices = this.testId('equipment-device');
  readonly devicesEmpty = this.testId('equipment-devices-empty');

  async open(): Promise<void> {
    await this.testId('equipment-open').click();
  }

  /** Shows only the devices in `state` (`all` for every one), by keyboard as a person without a mouse would. */
  async filter(state: 'all' | 'ok' | 'fault' | 'offline'): Promise<void> {
    const button = this.testId(`equipment-filter-${state}`);
    await button.focus();
    await this.page.keyboard.press('Enter');
  }
}

/** The hub messages the console set aside, as a supervisor reads them from the top bar. */
export class HubDeadLettersDialog extends PageObject {
  readonly root = this.testId('hub-dead-letters-dialog');
  /** Newest first. */
  readonly rows = this.testId('hub-dead-letter');

  async open(): Promise<void> {
    await this.testId('hub-dead-letters').click();
  }
}
