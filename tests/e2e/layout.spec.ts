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

test.describe('layout', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    test(`fits every control-room screen in ${locale}`, async ({ page, consoleApp, ui, saveScreenshot }) => {
      test.setTimeout(120_000);
      const layout = new Layout(page);
      await layout.resize(SCREENS[0].width, SCREENS[0].height);
      await signIn(page, consoleApp);
      if (locale === 'en') await ui.shell.switchLanguage();
      await expect(ui.shell.html).toHaveAttribute('lang', locale);
      let lastMap = 0;
      for (const screen of SCREENS) {
        const size = `${screen.width}x${screen.height}`;
        await layout.resize(screen.width, screen.height);
        await expect(ui.wall.tiles.first()).toBeVisible();
        // The panes settle after the resize: wait until the wall's tiles have taken their shape.
        await expect.soft
          .poll(
            async () => (await layout.tileAspects()).every((a) => Math.abs(a / PICTURE_ASPECT - 1) <= 0.1),
            {
              timeout: 5_000,
              message: `${size}: every wall tile within 10 % of 16:9 (${(await layout.tileAspects()).join(', ')})`,
            },
          )
          .toBe(true);
        await saveScreenshot(`layout-${locale}-${size}.png`);
        expect.soft(await layout.crampedTexts(), `${size}: text narrower than two characters`).toEqual([]);
        expect.soft(await layout.clippedTexts(), `${size}: clipped titles, chips or counters`).toEqual([]);
        const map = await layout.mapArea();
        expect.soft(map, `${size}: the map grows with the window`).toBeGreaterThan(lastMap);
        lastMap = map;
      }
    });
  }
});
