import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRtspServer } from './tests/support/rtsp-camera';
import { startConsole } from './tests/e2e/fixtures';
const dir = mkdtempSync('/tmp/p16-');
const rtsp = await startRtspServer({ cameras: 4 });
const site = JSON.parse(readFileSync('resources/demo-site/site.json', 'utf8'));
const base = site.cameras;
site.cameras = Array.from({ length: 16 }, (_, i) => ({
  ...base[i % base.length],
  id: `cam-${String(i + 1).padStart(2, '0')}`,
  streams:
    i < 4
      ? { main: rtsp.url(`/cam${i + 1}`), sub: rtsp.url(`/cam${i + 1}/sub`) }
      : { main: 'synthetic:testsrc2', sub: 'synthetic:testsrc2' },
}));
copyFileSync('resources/demo-site/plan.svg', join(dir, 'plan.svg'));
writeFileSync(join(dir, 'site.json'), JSON.stringify(site));
const app = await startConsole(['--site', join(dir, 'site.json')]);
app.process.on('exit', (c, s) => console.log('HOST EXITED', c, s));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
await page.goto(app.url);
await page.getByTestId('layout-16').click();
const st = () =>
  page.evaluate(
    () =>
      [...document.querySelectorAll('[data-testid=wall-grid] [data-testid=camera-tile]')]
        .slice(0, 6)
        .map((t) => t.getAttribute('data-status'))
        .join(',') + (document.querySelector('[data-testid=core-link]') ? ' LINK LOST' : ''),
  );
await new Promise((r) => setTimeout(r, 8000));
console.log('16 up', await st());
await rtsp.stop();
await new Promise((r) => setTimeout(r, 8000));
console.log('after stop', await st());
await rtsp.restart();
await new Promise((r) => setTimeout(r, 8000));
console.log('after restart', await st());
await page.locator('[data-testid=wall-grid] [data-camera-id=cam-01]').dblclick();
await new Promise((r) => setTimeout(r, 6000));
console.log(
  'focus',
  await page.evaluate(() =>
    document.querySelector('[data-testid=wall-focus] [data-testid=camera-tile]')?.getAttribute('data-status'),
  ),
);
await page.keyboard.press('Escape');
await page.reload();
await new Promise((r) => setTimeout(r, 8000));
console.log('after reload', await st());
console.log(
  app
    .output()
    .split('\n')
    .filter((l) => !/^Console|^Data/.test(l))
    .slice(-30)
    .join('\n'),
);
await browser.close();
await app.stop();
await rtsp.stop();
