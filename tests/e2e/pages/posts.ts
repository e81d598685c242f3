import type { Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** Fixed posts and peaks (issue 17): the gate desk's posts tab, its assign dialog, the holiday calendar, the map. */
export class PostsDesk extends PageObject {
  readonly tab = this.testId('gate-tab-posts');
  readonly root = this.testId('posts-tab');
  readonly rows = this.testId('post-row');
  readonly peaks = this.testId('posts-peak');
  readonly activePeaks = this.page.locator('[data-testid="posts-peak"][data-active="true"]');
  readonly today = this.testId('posts-today');
  readonly assignDialog = this.testId('post-assign-dialog');
  readonly assignError = this.testId('post-assign-error');
  readonly holidays = this.testId('holiday-row');
  readonly holidayError = this.testId('holiday-error');
  /** The posts on the site map, and their holders' labels. */
  readonly mapMarkers = this.page.locator('path.post-marker');

  /** Opens (or shuts) the gate desk on the posts, as the operator does: Alt+K. */
  async toggleByKey(): Promise<void> {
    await this.page.keyboard.press('Alt+k');
  }

  row(postId: string): Locator {
    return this.page.locator(`[data-testid="post-row"][data-post="${postId}"]`);
  }

  mapLabel(postId: string): Locator {
    return this.page.locator(`.leaflet-tooltip.post-label-${postId}`);
  }

  /**
   * Assigns by keyboard: focus the post's row, A; the guard list has the focus: Enter opens it, Home and ↓ walk to
   * the guard (the first choice is nobody), Enter picks; then Enter on the assign button. `guardId` null: nobody.
   */
  async assignByKeyboard(postId: string, guardId: string | null): Promise<void> {
    await this.row(postId).focus();
    await this.page.keyboard.press('a');
    await this.testId('post-assign-guard-select').focus();
    await this.page.keyboard.press('Enter');
    const options = this.page.getByRole('option');
    await options.first().waitFor();
    const ids = await options.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
    const steps = guardId ? ids.indexOf(`post-assign-guard-${guardId}`) : 0;
    await this.page.keyboard.press('Home');
    for (let i = 0; i < steps; i++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Enter');
    await options.first().waitFor({ state: 'detached' });
    await this.testId('post-assign-submit').focus();
    await this.page.keyboard.press('Enter');
  }

  /** Puts a date into the holiday calendar (a supervisor's form). */
  async saveHoliday(date: string, name: string): Promise<void> {
    await this.testId('holiday-date').fill(date);
    await this.testId('holiday-name').fill(name);
    await this.testId('holiday-save').click();
  }

  async removeHoliday(date: string): Promise<void> {
    await this.page
      .locator(`[data-testid="holiday-row"][data-date="${date}"]`)
      .getByTestId('holiday-remove')
      .click();
  }

  holiday(date: string): Locator {
    return this.page.locator(`[data-testid="holiday-row"][data-date="${date}"]`);
  }
}
