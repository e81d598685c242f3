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
