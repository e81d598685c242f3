import type { Locator, Page } from '@playwright/test';
import { PageObject } from './page-object';

export type WallLayout = 1 | 4 | 9 | 16;

/** The camera wall: camera chips, the grid of tiles, the focus view and camera management. */
export class CameraWall extends PageObject {
  readonly root = this.testId('camera-wall');
  readonly chips = this.testId('camera-chip');
  readonly grid = this.testId('wall-grid');
  /** The grid's own tiles (an alarm-linked strip adds tiles of its own elsewhere on the wall). */
  readonly tiles = this.grid.getByTestId('camera-tile');
  readonly focus = this.testId('wall-focus');
  readonly focusTile = this.focus.getByTestId('camera-tile');
  readonly managerError = this.testId('camera-manager-error');

  /** The grid tile of one camera (e.g. `cam-01`). */
  tile(cameraId: string): Locator {
    return this.grid.locator(`[data-testid=camera-tile][data-camera-id="${cameraId}"]`);
  }

  async chooseLayout(layout: WallLayout): Promise<void> {
    await this.testId(`layout-${layout}`).click();
  }

  /** Double-click: the camera fills the wall with its main stream. */
  async openFocus(tile: Locator): Promise<void> {
    await tile.dblclick();
  }

  async leaveFocus(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  async backFromFocus(): Promise<void> {
    await this.testId('wall-focus-back').click();
  }

  async openCameraManager(): Promise<void> {
    await this.testId('camera-manage').click();
  }

  /** Opens the wall in a window of its own and returns that window's page. */
  async popOut(): Promise<Page> {
    const [popup] = await Promise.all([this.page.waitForEvent('popup'), this.testId('wall-popout').click()]);
    return popup;
  }

  /**
   * A cheap fingerprint of each grid tile's canvas, by camera id ('empty' before its first picture): two different
   * fingerprints of one tile mean its picture moves.
   */
  async fingerprints(): Promise<Record<string, string>> {
    const pairs = await this.tiles.evaluateAll((tiles) =>
      tiles.map((tile) => {
        const id = tile.getAttribute('data-camera-id') ?? '';
        const canvas = tile.querySelector('canvas');
        const ctx = canvas?.getContext('2d');
        if (!canvas || !ctx || canvas.width === 0) return [id, 'empty'] as const;
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let hash = 0;
        for (let i = 0; i < data.length; i += 97) hash = (hash * 31 + data[i]!) | 0;
        return [id, String(hash)] as const;
      }),
    );
    return Object.fromEntries(pairs);
  }
}

/** The wall's strip for an alarm with cameras: shown until the alarm is acknowledged. */
export class AlarmMonitor extends PageObject {
  readonly root = this.testId('alarm-monitor');
  readonly tiles = this.root.getByTestId('camera-tile');
  readonly canvases = this.root.getByTestId('tile-canvas');

  /** The strip of one alarm. */
  of(alarmId: string): Locator {
    return this.page.locator(`[data-testid=alarm-monitor][data-alarm-id="${alarmId}"]`);
  }

  async alarmId(): Promise<string> {
    return (await this.root.getAttribute('data-alarm-id')) ?? '';
  }

  async acknowledge(): Promise<void> {
    await this.root.getByTestId('monitor-ack').click();
  }
}
