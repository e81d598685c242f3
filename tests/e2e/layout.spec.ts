import { expect, signIn, test } from './fixtures';
import { Layout } from './pages';

/** The control-room screens the console must fit, smallest first (the map must grow along this list). */
const SCREENS = [
  { width: 1366, height: 768 },
  { width: 1600, height: 900 },
  { width: 1920, height: 1080 },
  { width: 2560, height: 1440 },
  { width: 3840, height: 2160 },
] as const;

const PICTURE_ASPECT = 16 / 9;
const within10 = (aspects: number[]) =>
  aspects.length > 0 && aspects.every((a) => Math.abs(a / PICTURE_ASPECT - 1) <= 0.1);

test.describe('layout', () => {
  // One page load per language; the window is resized between the screens. Soft checks: one run reports every
  // screen's faults, and the screenshots of all five are kept (test-results/e2e/…, CI's artefacts).
  for (const locale of ['zh-CN', 'en'] as const) {
    test(`fits every control-room screen in ${locale}`, async ({ page, consoleApp, ui, saveScreenshot }) => {
      test.setTimeout(600_000);
      const layout = new Layout(page);
      await layout.resize(SCREENS[0].width, SCREENS[0].height);
      await signIn(page, consoleApp);
      await layout.useLanguage(locale);
      await expect(ui.shell.html).toHaveAttribute('lang', locale);
      let lastPlan = 0;
      for (const screen of SCREENS) {
        const size = `${screen.width}x${screen.height}`;
        await layout.resize(screen.width, screen.height);
        await expect(ui.wall.tiles.first()).toBeVisible();
        // The panes, the wall and the map settle after a resize: wait for their shape, then look.
        await expect
          .soft(async () => expect(within10(await layout.tileAspects())).toBe(true), {
            message: `${size}: every wall tile within 10 % of 16:9`,
          })
          .toPass({ timeout: 60_000 });
        await expect
          .soft(async () => expect(await layout.planArea()).toBeGreaterThan(lastPlan), {
            message: `${size}: the site plan grows with the window`,
          })
          .toPass({ timeout: 60_000 });
        lastPlan = await layout.planArea();
        await saveScreenshot(`layout-${locale}-${size}.png`);
        expect.soft(await layout.crampedTexts(), `${size}: text narrower than two characters`).toEqual([]);
        expect.soft(await layout.clippedTexts(), `${size}: clipped titles, chips or counters`).toEqual([]);
      }
    });
  }

  test('arrangements switch by key, splitters move by keyboard, and both follow the operator with the density', async ({
    page,
    consoleApp,
    ui,
  }) => {
    test.setTimeout(300_000);
    const layout = new Layout(page);
    await layout.resize(1920, 1080);
    await signIn(page, consoleApp);
    await expect(layout.arrangement).toHaveAttribute('data-arrangement', 'video');
    const videoWall = await layout.wallHeight();
    const videoPlan = await layout.planArea();

    await ui.shell.focusConsole();
    await layout.arrange('m');
    await expect(layout.arrangement).toHaveAttribute('data-arrangement', 'map');
    await expect.poll(() => layout.planArea()).toBeGreaterThan(videoPlan * 1.2);
    expect(await layout.wallHeight()).toBeLessThan(videoWall);

    const before = await layout.wallHeight();
    await layout.nudgeSplitter(0, 'ArrowDown', 5);
    await expect.poll(() => layout.wallHeight()).toBeGreaterThan(before + 20);
    const dragged = await layout.wallShare();

    const normalFont = await layout.rootFontPx();
    await layout.chooseDensity('large');
    await expect.poll(() => layout.rootFontPx()).toBeGreaterThan(normalFont);
    const largeFont = await layout.rootFontPx();

    // Stored with the operator: once the page has sent them, a reload signs the operator back in with the same
    // arrangement, pane sizes and density.
    await expect.poll(() => layout.lastStored('density')).toBe('large');
    await expect
      .poll(
        () =>
          (layout.lastStored('panes') as { sizes?: { map?: { left?: unknown } } } | undefined)?.sizes?.map
            ?.left,
      )
      .toBeDefined();
    await ui.shell.reload();
    await expect(ui.queue.root).toBeVisible();
    await expect(layout.arrangement).toHaveAttribute('data-arrangement', 'map');
    await expect.poll(() => layout.rootFontPx()).toBe(largeFont);
    await expect.poll(async () => Math.abs((await layout.wallShare()) - dragged)).toBeLessThan(0.01);
  });
});
