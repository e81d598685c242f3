import type { Download, Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** The duty log (Alt+L): automatic and manual entries, follow-ups, links to alarms, search, CSV. */
export class DutyLog extends PageObject {
  readonly root = this.testId('duty-log');
  readonly rows = this.root.getByTestId('duty-row');
  readonly searchField = this.testId('duty-search');

  rowsWithText(text: string): Locator {
    return this.rows.filter({ hasText: text });
  }

  async open(): Promise<void> {
    await this.page.keyboard.press('Alt+l');
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  /**
   * A manual entry: flagged for follow-up, or linked to the alarm at `linkAlarm` in the picker's list of options
   * (0 is "none").
   */
  async addEntry(text: string, options: { followUp?: boolean; linkAlarm?: number } = {}): Promise<void> {
    await this.testId('duty-text').fill(text);
    if (options.followUp) await this.testId('duty-followup').click();
    if (options.linkAlarm !== undefined) {
      await this.root.getByLabel('关联报警编号').click();
      await this.page.getByRole('option').nth(options.linkAlarm).click();
    }
    await this.testId('duty-submit').click();
  }

  async search(text: string): Promise<void> {
    await this.searchField.fill(text);
  }

  /** The CSV of what the log shows now. */
  async exportCsv(): Promise<Download> {
    return this.download(this.testId('duty-export'));
  }
}

/** Handover (Alt+H): what is carried over, both operators' passwords, then the sealed record. */
export class Handover extends PageObject {
  readonly root = this.testId('handover');
  readonly items = this.root.getByTestId('handover-item');
  readonly alarmItems = this.root.locator('[data-testid=handover-item][data-kind=alarm]');
  readonly signButton = this.testId('handover-sign');
  readonly sealed = this.testId('sealed-shift');
  readonly sealCheck = this.testId('seal-check');

  itemsWithText(text: string): Locator {
    return this.items.filter({ hasText: text });
  }

  async open(): Promise<void> {
    await this.page.keyboard.press('Alt+h');
  }

  /** Both operators' credentials and the outgoing one's note. */
  async fill(handover: {
    outgoing: { username: string; password: string };
    incoming: { username: string; password: string };
    note: string;
  }): Promise<void> {
    await this.testId('handover-out-username').fill(handover.outgoing.username);
    await this.testId('handover-out-password').fill(handover.outgoing.password);
    await this.testId('handover-in-username').fill(handover.incoming.username);
    await this.testId('handover-in-password').fill(handover.incoming.password);
    await this.testId('handover-note').fill(handover.note);
  }

  /** Acknowledges every carried-over item, one click each, as the incoming operator must. */
  async acknowledgeEachItem(): Promise<void> {
    const count = await this.items.count();
    for (let i = 0; i < count; i++) await this.items.nth(i).click();
  }

  async sign(): Promise<void> {
    await this.signButton.click();
  }

  async downloadPdf(): Promise<Download> {
    return this.download(this.testId('handover-pdf'));
  }

  async close(): Promise<void> {
    await this.root.getByRole('button', { name: '关闭' }).click();
  }
}
