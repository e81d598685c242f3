import type { Download, Locator, Page } from '@playwright/test';

/** A part of the console window. Its locators are fields, declared where they are found. */
export abstract class PageObject {
  constructor(readonly page: Page) {}

  protected testId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  /** Clicks `button` and returns the file the page offers for download. */
  protected async download(button: Locator): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), button.click()]);
    return download;
  }
}
