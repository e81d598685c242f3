import type { Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** The queue's one-key shortcuts (listed in the help overlay, `?`). */
const SHORTCUTS = {
  acknowledge: 'a',
  resolve: 'r',
  dispatch: 'd',
  open: 'Enter',
  manualAlarm: 'm',
  help: '?',
  history: 'h',
  first: 'Home',
  close: 'Escape',
} as const;
export type Shortcut = keyof typeof SHORTCUTS;

/** The alarm queue: rows in priority-then-age order, search, the banners and the queue's own dialogs. */
export class AlarmQueue extends PageObject {
  readonly root = this.testId('alarm-queue');
  readonly rows = this.testId('alarm-row');
  readonly openCount = this.testId('alarm-open-count');
  readonly searchField = this.testId('alarm-search');
  readonly escalationBanner = this.testId('escalation-banner');
  readonly helpOverlay = this.testId('help-overlay');
  readonly historyRows = this.testId('history-row');

  row(alarmId: string): Locator {
    return this.page.locator(`[data-testid=alarm-row][data-alarm-id="${alarmId}"]`);
  }

  rowsWithText(text: string): Locator {
    return this.rows.filter({ hasText: text });
  }

  rowsInState(state: string): Locator {
    return this.page.locator(`[data-testid=alarm-row][data-state="${state}"]`);
  }

  rowsOfPriority(priority: number): Locator {
    return this.page.locator(`[data-testid=alarm-row][data-priority="${priority}"]`);
  }

  /** The priorities of the rows, top to bottom. */
  async priorities(): Promise<number[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-priority'))));
  }

  async alarmIdOf(row: Locator): Promise<string> {
    return (await row.getAttribute('data-alarm-id')) ?? '';
  }

  async select(row: Locator): Promise<void> {
    await row.click();
  }

  /** Double-click: the alarm opens in the incident panel. */
  async open(row: Locator): Promise<void> {
    await row.dblclick();
  }

  /** A shortcut as the operator presses it on the selected alarm (the focus must be out of any field). */
  async press(shortcut: Shortcut): Promise<void> {
    await this.page.keyboard.press(SHORTCUTS[shortcut]);
  }

  /** Selects the row and acknowledges it with its key. */
  async acknowledge(row: Locator): Promise<void> {
    await this.select(row);
    await this.press('acknowledge');
  }

  async search(text: string): Promise<void> {
    await this.searchField.fill(text);
  }

  /** Leaves the search field (the shortcuts work again), the filter kept. */
  async leaveSearch(): Promise<void> {
    await this.searchField.blur();
  }

  async requestDisasterMode(reason: string): Promise<void> {
    await this.testId('alarm-disaster').click();
    await this.testId('disaster-reason').fill(reason);
    await this.testId('dialog-submit').click();
  }
}

/** The dialog for an alarm phoned in or seen by the operator: type, place, text. */
export class ManualAlarmDialog extends PageObject {
  readonly root = this.testId('manual-dialog');
  readonly text = this.testId('manual-text');

  /** With the mouse: the queue's button, the type and place pickers, the text, submit. */
  async raise(alarm: { type: string; place: RegExp; text: string }): Promise<void> {
    await this.testId('alarm-manual').click();
    await this.root.getByRole('combobox').first().click();
    await this.page.getByRole('option', { name: alarm.type }).click();
    await this.root.getByRole('combobox').nth(1).click();
    await this.page.getByRole('option', { name: alarm.place }).click();
    await this.text.fill(alarm.text);
    await this.testId('dialog-submit').click();
  }

  /** With the keyboard only: M opens the dialog, the text, Enter raises it (default type and place). */
  async raiseByKeyboard(text: string): Promise<void> {
    await this.page.keyboard.press(SHORTCUTS.manualAlarm);
    await this.text.fill(text);
    await this.page.keyboard.press('Enter');
  }
}

/** The resolve dialog (R): a disposition by its number key, a note, Enter. */
export class ResolveDialog extends PageObject {
  readonly root = this.testId('resolve-dialog');

  async resolveByKeyboard(dispositionKey: string, note: string): Promise<void> {
    await this.page.keyboard.press(dispositionKey);
    await this.testId('resolve-note').focus();
    await this.page.keyboard.type(note);
    await this.page.keyboard.press('Enter');
  }
}
