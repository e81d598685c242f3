import type { Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** The facilities view (Alt+F): 设施台账 / 报修工单 / 隐患台账 in tabs. */
export class FacilitiesView extends PageObject {
  readonly root = this.testId('facilities-dialog');
  readonly openButton = this.testId('facilities-open');
  readonly ledgerRows = this.root.getByTestId('ledger-row');
  readonly orderRows = this.root.getByTestId('order-row');
  readonly orderDetail = this.root.getByTestId('order-detail');
  readonly orderDetailState = this.orderDetail.getByTestId('order-detail-state');
  readonly orderCallCard = this.orderDetail.getByTestId('order-call-card');
  readonly hazardRows = this.root.getByTestId('hazard-row');
  readonly hazardRate = this.root.getByTestId('hazard-rate');
  readonly assignDialog = this.testId('order-assign-dialog');

  /** By its shortcut, as an operator at the desk opens it. */
  async open(): Promise<void> {
    await this.page.keyboard.press('Alt+f');
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  async tab(which: 'ledger' | 'orders' | 'hazards' | 'rounds'): Promise<void> {
    await this.root.getByTestId(`facilities-tab-${which}`).click();
  }

  ledgerRow(code: string): Locator {
    return this.root.locator(`[data-testid=ledger-row][data-code="${code}"]`);
  }

  orderRow(id: string): Locator {
    return this.root.locator(`[data-testid=order-row][data-order-id="${id}"]`);
  }

  async openOrder(row: Locator): Promise<void> {
    await row.click();
  }

  /** A move of the order shown (start, done, verify…); `assign` goes through its dialog with the first maintainer. */
  async act(action: 'assign' | 'start' | 'done' | 'verify' | 'reject'): Promise<void> {
    await this.orderDetail.getByTestId(`order-act-${action}`).click();
    if (action === 'assign') await this.testId('order-assign-submit').click();
  }
}
