import type { Locator } from '@playwright/test';
import { PageObject } from './page-object';

export type MapLayer = 'guards' | 'cameras' | 'alarms';

/** The site map: guard markers (position and status as attributes), cameras, alarms and the layer switches. */
export class SiteMap extends PageObject {
  readonly root = this.testId('site-map');
  readonly guardMarkers = this.root.getByTestId('guard-marker');
  readonly patrollingGuards = this.root.locator('[data-testid="guard-marker"][data-status="on_patrol"]');
  readonly cameras = this.root.getByTestId('map-camera');
  readonly alarms = this.root.getByTestId('map-alarm');
  readonly replayMarker = this.root.getByTestId('replay-marker');

  guard(guardId: string): Locator {
    return this.root.locator(`[data-testid="guard-marker"][data-guard-id="${guardId}"]`);
  }

  alarm(alarmId: string): Locator {
    return this.page.locator(`[data-testid=map-alarm][data-alarm-id="${alarmId}"]`);
  }

  layerSwitch(layer: MapLayer): Locator {
    return this.testId(`map-layer-${layer}`);
  }

  async toggleLayer(layer: MapLayer): Promise<void> {
    await this.layerSwitch(layer).click();
  }

  async guardIdOf(marker: Locator): Promise<string> {
    return (await marker.getAttribute('data-guard-id')) ?? '';
  }

  async alarmIdOf(marker: Locator): Promise<string> {
    return (await marker.getAttribute('data-alarm-id')) ?? '';
  }

  /** `lat,lon` as the marker carries it. */
  async positionOf(marker: Locator): Promise<string | null> {
    return marker.getAttribute('data-position');
  }

  /**
   * Opens an alarm from its marker. The marker pulses without end, and Playwright's click waits for an element to
   * stand still: the click is dispatched to it instead.
   */
  async openAlarm(marker: Locator): Promise<void> {
    await marker.dispatchEvent('click');
  }

  /** A camera on the map, clicked: it shows full size on the wall. */
  async openCamera(marker: Locator): Promise<void> {
    await marker.click();
  }
}

/** The guard list beside the map. */
export class GuardList extends PageObject {
  readonly rows = this.testId('guard-row');

  row(guardId: string): Locator {
    return this.page.locator(`[data-testid="guard-row"][data-guard-id="${guardId}"]`);
  }

  /** "Guard is safe": ends his SOS, with what the operator confirmed. */
  async clearSos(guardId: string, note: string): Promise<void> {
    await this.row(guardId).getByTestId('guard-clear-sos').click();
    const dialog = this.testId('clear-sos-dialog');
    await dialog.getByTestId('clear-sos-dialog-text').fill(note);
    await dialog.getByTestId('dialog-submit').click();
  }
}

/** Replaying a guard's stored track under the map. */
export class ReplayBar extends PageObject {
  readonly root = this.testId('replay-bar');
  readonly slider = this.root.getByTestId('replay-slider').getByRole('slider');
  readonly time = this.root.getByTestId('replay-time');

  async open(): Promise<void> {
    await this.testId('replay-open').click();
  }

  async load(guardId: string): Promise<void> {
    await this.root.getByRole('combobox').first().click();
    await this.page.locator(`[data-testid="replay-guard-option"][data-value="${guardId}"]`).click();
    await this.root.getByTestId('replay-load').click();
  }

  /** Moves the slider with its keys (Home = start of the track, End = its end). */
  async moveTo(key: 'Home' | 'End'): Promise<void> {
    await this.slider.focus();
    await this.page.keyboard.press(key);
  }

  async leave(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }
}

/** The guards' phones dialog (operator menu → phones, supervisors): issue a phone its secret id, revoke one. */
export class PhonesDialog extends PageObject {
  readonly root = this.testId('phones');
  readonly rows = this.testId('phone-row');
  /** The id just issued, shown once. */
  readonly secret = this.testId('phone-secret');
  readonly links = this.testId('phone-link');

  row(label: string): Locator {
    return this.rows.filter({ hasText: label });
  }

  async issue(guardId: string, label: string): Promise<void> {
    await this.testId('phone-guard').click();
    await this.page.getByTestId(`phone-guard-${guardId}`).click();
    await this.testId('phone-label').fill(label);
    await this.testId('phone-issue').click();
  }

  /** Revoke asks once more before it acts. */
  async revoke(label: string): Promise<void> {
    const button = this.row(label).getByTestId('phone-revoke');
    await button.click();
    await button.click();
  }

  async close(): Promise<void> {
    await this.root.getByRole('button', { name: '关闭' }).click();
  }
}
