import type { Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** The rounds tab of the facilities view (巡查巡检) and the round being done over it. */
export class RoundsView extends PageObject {
  readonly tab = this.testId('rounds-tab');
  readonly rows = this.tab.getByTestId('round-row');
  readonly dialog = this.testId('round-dialog');
  readonly subjects = this.dialog.getByTestId('round-subject');
  readonly step = this.dialog.getByTestId('round-step');
  readonly stepResult = this.dialog.getByTestId('round-step-result');
  readonly stepOrder = this.dialog.getByTestId('round-step-order');
  readonly stepHazard = this.dialog.getByTestId('round-step-hazard');
  readonly still = this.dialog.getByTestId('round-step-still');
  readonly progress = this.dialog.getByTestId('round-progress');
  readonly problemForm = this.dialog.getByTestId('round-problem-form');
  readonly note = this.dialog.getByTestId('round-note');
  readonly items = this.dialog.getByTestId('round-item');

  row(roundId: string): Locator {
    return this.tab.locator(`[data-testid=round-row][data-round-id="${roundId}"]`);
  }

  subject(id: string): Locator {
    return this.dialog.locator(`[data-testid=round-subject][data-subject-id="${id}"]`);
  }

  async start(roundId: string): Promise<void> {
    await this.row(roundId).getByTestId('round-start').click();
  }

  /** A key as the operator presses it at the desk (1 normal, 2–5 a problem, arrows, F finish, Alt+O / Alt+H). */
  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** A problem by its key, with a note, recorded with Enter or (Alt+O / Alt+H) with an order or a hazard. */
  async problem(key: '2' | '3' | '4' | '5', note: string, open?: 'order' | 'hazard'): Promise<void> {
    await this.press(key);
    await this.note.fill(note);
    await this.press(open === 'order' ? 'Alt+o' : open === 'hazard' ? 'Alt+h' : 'Enter');
  }

  item(id: string): Locator {
    return this.dialog.locator(`[data-testid=round-item][data-item-id="${id}"]`);
  }
}
