import { expect, signIn, withRecordedCamera } from './fixtures';

/** The demo site with one real RTSP camera, recorded in 2-s segments (fixtures.ts). */
const test = withRecordedCamera;

/** What this spec reads of the page (the tests' TypeScript has no DOM library). */
interface VideoLike {
  currentTime: number;
  playbackRate: number;
  videoWidth: number;
  videoHeight: number;
  requestVideoFrameCallback(callback: () => void): void;
}
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(source: VideoLike, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
}

test.describe('instant replay', () => {
  test.setTimeout(120_000);
  test.use({
    tools: ['rtsp-server'],
    consoleEnv: { CONSOLE_RECORDINGS: 'on', CONSOLE_RECORDING_SEGMENT_SEC: '2' },
  });

  test('"back 30 s" on a wall tile plays the recording in a <video>: time advances, pictures decode, Esc returns to live', async ({
    page,
    consoleApp,
    ui,
  }) => {
    const { origin, searchParams } = new URL(consoleApp.url);
    const token = searchParams.get('token') ?? '';
    const started = Date.now();
    const play = (from: number) =>
      `${origin}/recordings/cam-01/play?from=${new Date(from).toISOString()}&seconds=5&token=${token}`;
    // Record about 15 s first: a segment covers the start, and one 12 s later.
    await expect.poll(async () => (await fetch(play(started))).status, { timeout: 40_000 }).toBe(200);
    await expect
      .poll(async () => (await fetch(play(started + 12_000))).status, { timeout: 40_000 })
      .toBe(200);

    await signIn(page, consoleApp);
    const tile = ui.wall.tile('cam-01');
    await tile.getByTestId('tile-menu').click();
    await page.getByTestId('tile-replay').click();
    const dialog = page.getByTestId('replay-dialog');
    await expect(dialog).toBeVisible();
    const video = dialog.getByTestId('replay-video');
    await expect(video).toBeVisible();
    await expect(dialog.getByTestId('replay-coverage').first()).toBeVisible();

    // It plays: the time moves, and a picture is decoded with something drawn in it (not one flat colour).
    await expect
      .poll(() => video.evaluate((v) => (v as unknown as VideoLike).currentTime), { timeout: 20_000 })
      .toBeGreaterThan(1);
    const decoded = await video.evaluate(
      (element) =>
        new Promise<number>((resolve) => {
          const v = element as unknown as VideoLike;
          const doc = (globalThis as unknown as { document: { createElement(tag: 'canvas'): CanvasLike } })
            .document;
          v.requestVideoFrameCallback(() => {
            const canvas = doc.createElement('canvas');
            canvas.width = v.videoWidth;
            canvas.height = v.videoHeight;
            const ctx = canvas.getContext('2d')!;
            ctx.drawImage(v, 0, 0);
            const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            const colours = new Set<number>();
            for (let i = 0; i < data.length; i += 4 * 37)
              colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
            resolve(colours.size);
          });
        }),
    );
    expect(decoded).toBeGreaterThan(10);

    // 2×: the element plays at the chosen rate.
    await dialog.getByTestId('replay-rate-2').click();
    await expect.poll(() => video.evaluate((v) => (v as unknown as VideoLike).playbackRate)).toBe(2);

    // By keyboard, the focus on the picture: Space pauses, "." shows the next frame and stays paused.
    await video.click();
    await page.keyboard.press(' ');
    await expect(dialog.getByTestId('replay-toggle')).toHaveText(/播放/);
    const before = await video.evaluate((v) => (v as unknown as VideoLike).currentTime);
    await page.keyboard.press('.');
    await expect
      .poll(() => video.evaluate((v) => (v as unknown as VideoLike).currentTime))
      .toBeGreaterThan(before);
    await expect(dialog.getByTestId('replay-toggle')).toHaveText(/播放/);
    // ← starts the replay again 10 s earlier.
    const shownAt = await dialog.getByTestId('replay-time').textContent();
    await page.keyboard.press('ArrowLeft');
    await expect(dialog.getByTestId('replay-time')).not.toHaveText(shownAt ?? '');

    // Go to a time: the player starts again there.
    const target = new Date(started + 4_000);
    const hhmmss = [target.getHours(), target.getMinutes(), target.getSeconds()]
      .map((n) => String(n).padStart(2, '0'))
      .join(':');
    await dialog.getByTestId('replay-jump').fill(hhmmss);
    await dialog.getByTestId('replay-jump').press('Enter');
    await expect(dialog.getByTestId('replay-time')).toContainText(hhmmss);

    // Esc is "live": the player closes, the wall's tile is still there.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(tile).toBeVisible();
  });
});
