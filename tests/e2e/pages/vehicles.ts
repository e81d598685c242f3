import type { Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** The gate desk (issue 17): its top-bar button, the waiting cars, each gate's reads, visitors and records. */
export class GateDeskPanel extends PageObject {
  readonly openButton = this.testId('gate-desk-open');
  readonly waitingCount = this.testId('gate-waiting-count');
  readonly root = this.testId('gate-desk');
  readonly inside = this.testId('vehicles-inside');
  readonly waiting = this.testId('gate-waiting');
  readonly reads = this.testId('gate-read');
  readonly recordsTab = this.testId('gate-tab-records');
  readonly search = this.testId('vehicle-search');
  readonly vehicleRows = this.testId('vehicle-row');

  /** Opens (or closes) the desk as the operator does with the keyboard. */
  async toggleByKey(): Promise<void> {
    await this.page.keyboard.press('Alt+g');
  }

  waitingCar(plate: string): Locator {
    return this.page.locator(`[data-testid="gate-waiting"][data-plate="${plate}"]`);
  }

  read(plate: string): Locator {
    return this.page.locator(`[data-testid="gate-read"][data-plate="${plate}"]`).first();
  }

  /** The decision keys: 1 let in once, 2 register a visitor, 3 refuse; ↑ ↓ pick the car. */
  async press(key: '1' | '2' | '3' | 'ArrowUp' | 'ArrowDown'): Promise<void> {
    await this.page.keyboard.press(key);
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }
}

/** No-parking violations (issue 17): the gate desk's 违停 tab, its call card, the repeat offenders. */
export class ViolationsDesk extends PageObject {
  readonly tab = this.testId('gate-tab-violations');
  readonly root = this.testId('violations-tab');
  readonly cards = this.testId('violation-card');
  readonly callCard = this.testId('violation-call-card');
  readonly phone = this.testId('violation-phone');
  readonly script = this.testId('violation-script');
  readonly steps = this.callCard.getByTestId('violation-step');
  readonly offenders = this.testId('violation-offender');
  readonly dialog = this.testId('violation-dialog');
  /** The no-parking areas drawn on the site map. */
  readonly mapAreas = this.page.locator('path.no-parking');

  /** Opens (or shuts) the desk straight on the violations, as the operator does: Alt+W. */
  async toggleByKey(): Promise<void> {
    await this.page.keyboard.press('Alt+w');
  }

  card(plate: string): Locator {
    return this.page.locator(`[data-testid="violation-card"][data-plate="${plate}"]`).first();
  }

  /** The tab's keys: 1 2 3 the call's result, t towing, m x f close, n record, p plate, ↑ ↓ pick. */
  async press(
    key: '1' | '2' | '3' | 't' | 'm' | 'x' | 'f' | 'n' | 'p' | 'ArrowUp' | 'ArrowDown',
  ): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** Records a violation through the N dialog: the plate, the area by its id. */
  async record(plate: string, areaId: string): Promise<void> {
    await this.press('n');
    await this.testId('violation-plate').fill(plate);
    await this.testId('violation-area-select').click();
    await this.testId(`violation-area-${areaId}`).click();
    await this.testId('violation-submit').click();
  }
}
