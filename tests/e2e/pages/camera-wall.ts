import type { Locator, Page } from '@playwright/test';

export type WallLayout = 1 | 4 | 9 | 16;

/** The camera wall: camera chips, the grid of tiles, the focus view and camera management. */
export class CameraWall {
  readonly root: Locator;
  readonly chips: Locator;
  readonly grid: Locator;
  /** The grid's own tiles (an alarm-linked strip adds tiles of its own elsewhere on the wall). */
  readonly tiles: Locator;
  readonly focus: Locator;
  readonly focusTile: Locator;
  readonly managerError: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('camera-wall');
    this.chips = page.getByTestId('camera-chip');
    this.grid = page.getByTestId('wall-grid');
    this.tiles = this.grid.getByTestId('camera-tile');
    this.focus = page.getByTestId('wall-focus');
    this.focusTile = this.focus.getByTestId('camera-tile');
    this.managerError = page.getByTestId('camera-manager-error');
  }

  /** The grid tile of one camera (e.g. `cam-01`). */
  tile(cameraId: string): Locator {
    return this.grid.locator(`[data-testid=camera-tile][data-camera-id="${cameraId}"]`);
  }

  async chooseLayout(layout: WallLayout): Promise<void> {
    await this.page.getByTestId(`layout-${layout}`).click();
  }

  /** Double-click: the camera fills the wall with its main stream. */
  async openFocus(tile: Locator): Promise<void> {
    await tile.dblclick();
  }

  async leaveFocus(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  async backFromFocus(): Promise<void> {
    await this.page.getByTestId('wall-focus-back').click();
  }

  async openCameraManager(): Promise<void> {
    await this.page.getByTestId('camera-manage').click();
  }

  /** Opens the wall in a window of its own and returns that window's page. */
  async popOut(): Promise<Page> {
    const [popup] = await Promise.all([
      this.page.waitForEvent('popup'),
      this.page.getByTestId('wall-popout').click(),
    ]);
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
export class AlarmMonitor {
  readonly root: Locator;
  readonly tiles: Locator;
  readonly canvases: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('alarm-monitor');
    this.tiles = this.root.getByTestId('camera-tile');
    this.canvases = this.root.getByTestId('tile-canvas');
  }

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
