import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { rtspServerAvailable, startRtspServer, type RtspServer } from '../support/rtsp-camera';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { collectPageErrors, expect, startConsole, test, signIn } from './fixtures';

const demo = resolve(import.meta.dirname, '../../resources/demo-site');

/** The demo community with its first four cameras on a real RTSP server and 16 cameras in all. */
function writeSite(dir: string, rtsp: RtspServer): string {
  const site = JSON.parse(readFileSync(join(demo, 'site.json'), 'utf8')) as {
    cameras: Record<string, unknown>[];
  };
  const base = site.cameras;
  site.cameras = Array.from({ length: 16 }, (_, i) => {
    const from = base[i % base.length]!;
    const id = `cam-${String(i + 1).padStart(2, '0')}`;
    const streams =
      i < 4
        ? { main: rtsp.url(`/cam${i + 1}`), sub: rtsp.url(`/cam${i + 1}/sub`) }
        : { main: 'synthetic:testsrc2', sub: 'synthetic:testsrc2' };
    return { ...from, id, streams };
  });
  copyFileSync(join(demo, 'plan.svg'), join(dir, 'plan.svg'));
  const file = join(dir, 'site.json');
  writeFileSync(file, JSON.stringify(site));
  return file;
}

/** A cheap fingerprint of each visible tile's canvas; two different fingerprints = the picture moves. */
async function fingerprints(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-testid=wall-grid] [data-testid=camera-tile]', (tiles) =>
    Object.fromEntries(
      tiles.map((tile) => {
        const canvas = tile.querySelector('canvas')!;
        const ctx = canvas.getContext('2d');
        if (!ctx || canvas.width === 0) return [tile.getAttribute('data-camera-id'), 'empty'];
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let hash = 0;
        for (let i = 0; i < data.length; i += 97) hash = (hash * 31 + data[i]!) | 0;
        return [tile.getAttribute('data-camera-id'), String(hash)];
      }),
    ),
  );
}

async function expectAllDecoding(page: Page, count: number) {
  const tiles = page.locator('[data-testid=wall-grid] [data-testid=camera-tile]');
  await expect(tiles).toHaveCount(count);
  for (let i = 0; i < count; i++)
    await expect(tiles.nth(i)).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
  const first = await fingerprints(page);
  await expect
    .poll(
      async () => {
        const now = await fingerprints(page);
        return Object.keys(now).filter((id) => now[id] !== first[id] && now[id] !== 'empty').length;
      },
      { timeout: 20_000, message: 'every tile’s picture changes' },
    )
    .toBe(count);
}

test.describe('camera wall', () => {
  test.setTimeout(180_000);

  test('4 and 16 tiles decode live video; a dead camera shows OFFLINE, then recovers; focus plays main', async ({
    page,
  }, testInfo) => {
    const tool = requireTool(
      'GStreamer RTSP server',
      rtspServerAvailable(),
      'see .ci/run for the Debian packages',
    );
    testInfo.skip(!tool.available, tool.reason);
    const tmp = tempDir('wall-e2e-');
    const rtsp = await startRtspServer({ cameras: 4 });
    const app = await startConsole(['--site', writeSite(tmp.dir, rtsp)]);
    try {
      const errors = collectPageErrors(page);
      await signIn(page, app);
      await page.getByTestId('layout-4').click();
      await expectAllDecoding(page, 4);
      await page.screenshot({ path: testInfo.outputPath('wall-4.png') });

      await page.getByTestId('layout-16').click();
      await expectAllDecoding(page, 16);
      await page.screenshot({ path: testInfo.outputPath('wall-16.png') });

      // The RTSP cameras die: their tiles say so, with the time, a retry countdown and no frozen picture.
      await rtsp.stop();
      const dead = page.locator('[data-testid=wall-grid] [data-testid=camera-tile][data-camera-id=cam-01]');
      await expect(dead).toHaveAttribute('data-status', 'offline', { timeout: 20_000 });
      await expect(dead.getByTestId('tile-offline')).toContainText('离线 自');
      await expect(dead.getByTestId('tile-retry')).toBeVisible();
      await expect(dead.getByTestId('tile-canvas')).toBeHidden();
      await expect(page.locator('[data-testid=wall-grid] [data-camera-id=cam-05]')).toHaveAttribute(
        'data-status',
        'live',
      );
      await page.screenshot({ path: testInfo.outputPath('wall-offline.png') });

      await rtsp.restart();
      await expect(dead).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
      await expect(dead.getByTestId('tile-canvas')).toBeVisible();

      // Focus: double-click plays the main stream; Esc returns to the grid.
      await dead.dblclick();
      const focus = page.getByTestId('wall-focus').getByTestId('camera-tile');
      await expect(focus).toHaveAttribute('data-profile', 'main');
      await expect(focus).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('wall-focus')).toHaveCount(0);

      // The layout is the operator's: it comes back after a reload.
      await page.reload();
      await expect(page.getByTestId('wall-grid')).toHaveAttribute('data-layout', '16');
      expect(errors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
    } finally {
      await app.stop();
      await rtsp.stop();
      tmp.cleanup();
    }
  });
});
