import type { Locator, Page } from '@playwright/test';

/** A part of the console window. Its locators are fields, declared where they are found. */
export abstract class PageObject {
  constructor(readonly page: Page) {}

  protected testId(id: string): Locator {
    return this.page.getByTestId(id);
  }
}
