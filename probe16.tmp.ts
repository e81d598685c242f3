import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { execSync } from 'node:child_process';
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
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
page.on('console', (m) => m.type() === 'error' && console.log('console.error', m.text().slice(0, 200)));
await page.goto(app.url);
await page.getByTestId('layout-16').click();
for (let i = 0; i < 12; i++) {
  await new Promise((r) => setTimeout(r, 5000));
  const info = await page.evaluate(() => ({
    link: document.querySelector('[data-testid=core-link]') ? 'LOST' : 'ok',
    tiles: [...document.querySelectorAll('[data-testid=wall-grid] [data-testid=camera-tile]')]
      .map(
        (t) =>
          `${t.getAttribute('data-status')?.[0]}:${(t.querySelector('[data-testid=tile-age]') as HTMLElement)?.innerText.split('·')[0].replace(/[^0-9]/g, '') || '-'}`,
      )
      .join(' '),
  }));
  const cpu = execSync("top -b -n1 | head -15 | tail -8 | awk '{print $9, $12}'")
    .toString()
    .replace(/\n/g, ' | ');
  console.log(`${(i + 1) * 5}s link=${info.link} ${info.tiles}\n   ${cpu}`);
}
await browser.close();
await app.stop();
await rtsp.stop();
