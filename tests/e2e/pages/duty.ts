import type { Download, Locator } from '@playwright/test';
import { PageObject } from './page-object';

const CLOSE = { 'zh-CN': '关闭', en: 'Close' } as const;

/** The duty log (Alt+L): automatic and manual entries, follow-ups, links to alarms, search, CSV. */
export class DutyLog extends PageObject {
  readonly root = this.testId('duty-log');
  readonly rows = this.root.getByTestId('duty-row');
  readonly searchField = this.testId('duty-search');

  rowsWithText(text: string): Locator {
    return this.rows.filter({ hasText: text });
  }

  /** The console's own entries of one kind (`alarm`, `shift`, …), manual ones are `manual`. */
  rowsOfKind(kind: string): Locator {
    return this.root.locator(`[data-testid=duty-row][data-kind="${kind}"]`);
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

/**
 * Handover (Alt+H): what is carried over, both operators' passwords, then the sealed record (also opened later from
 * the past shifts).
 */
export class Handover extends PageObject {
  readonly root = this.testId('handover');
  readonly items = this.root.getByTestId('handover-item');
  readonly alarmItems = this.root.locator('[data-testid=handover-item][data-kind=alarm]');
  readonly signButton = this.testId('handover-sign');
  readonly pastShifts = this.root.getByTestId('shift-open');
  readonly sealed = this.testId('sealed-shift');
  readonly sealCheck = this.testId('seal-check');
  // The sealed record in the order it is printed: who, the note, the items, the duty log, the signatures.
  readonly recordHead = this.sealed.getByTestId('record-head');
  readonly recordNote = this.sealed.getByTestId('record-note');
  readonly recordItems = this.sealed.getByTestId('record-item');
  readonly manualEntries = this.sealed.getByTestId('record-manual-entry');
  readonly signers = this.sealed.getByTestId('record-signer');
  readonly signatures = this.sealed.getByTestId('record-signatures');

  itemsWithText(text: string): Locator {
    return this.items.filter({ hasText: text });
  }

  recordItemsWithText(text: string): Locator {
    return this.recordItems.filter({ hasText: text });
  }

  /** The alarm a manual entry of the sealed record is linked to. */
  entryAlarm(entry: Locator): Locator {
    return entry.getByTestId('record-entry-alarm');
  }

  /** The console's own entries of one kind in the sealed record: a count, the list folded away. */
  autoGroup(kind: string): Locator {
    return this.sealed.locator(`[data-testid=record-auto-group][data-kind="${kind}"]`);
  }

  autoEntries(kind: string): Locator {
    return this.autoGroup(kind).getByTestId('record-auto-entry');
  }

  async toggleAutoGroup(kind: string): Promise<void> {
    await this.autoGroup(kind).getByTestId('record-auto-toggle').click();
  }

  /** Opens a past shift's sealed record (0 is the latest). */
  async openPastShift(index = 0): Promise<void> {
    await this.pastShifts.nth(index).click();
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

  /** The dialog's close button, labelled in the interface's language. */
  async close(language: 'zh-CN' | 'en' = 'zh-CN'): Promise<void> {
    await this.root.getByRole('button', { name: CLOSE[language] }).click();
  }
}
