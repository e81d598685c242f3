import { readFileSync } from 'node:fs';
import { ACCOUNTS, connectApi } from '../support/accounts';
import { expect, signIn, withRecordedCamera } from './fixtures';
import { DATA, leaks, useLanguage, visibleText, type Language } from './language';

/** The demo site with one real RTSP camera, recorded in 2-s segments (fixtures.ts). */
const test = withRecordedCamera;

const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

test.describe('evidence clips and the retention view', () => {
  // Long: this machine is shared and loaded (a run took 8 min); the steps themselves wait on conditions only.
  test.setTimeout(900_000);
  test.use({
    tools: ['rtsp-server'],
    consoleEnv: { CONSOLE_RECORDINGS: 'on', CONSOLE_RECORDING_SEGMENT_SEC: '2' },
  });

  test('the related recordings of an alarm are saved and listed with their hash and gaps; the retention view opens', async ({
    page,
    consoleApp,
    ui,
  }, testInfo) => {
    // A guard radios in once 10 s are recorded (so the clip around the alarm holds pictures): an alarm on cam-01.
    const api = await connectApi(consoleApp.url);
    const alarm = await (async () => {
      try {
        await api.client.call('auth.login', {
          username: ACCOUNTS.operator.username,
          password: ACCOUNTS.operator.password,
        });
        const recorded = async () => {
          const to = Date.now();
          const list = await api.client.call('recordings.list', {
            cameraId: 'cam-01',
            from: to - 600_000,
            to,
          });
          return list.coverage.reduce((n, c) => n + c.end - c.start, 0);
        };
        await expect.poll(recorded, { timeout: 60_000 }).toBeGreaterThan(10_000);
        return await api.client.call('alarms.raise', {
          type: 'intrusion',
          cameras: ['cam-01'],
          // Digits only: the alarm's text is data, shown in both languages' screens the scan reads.
          text: '2026 118',
        });
      } finally {
        api.close();
      }
    })();

    // A supervisor: exports like an operator (the role matrix is the integration test's), and sees the retention
    // view. One window: this spec runs on a loaded machine.
    await signIn(page, consoleApp, { role: 'supervisor' });
    await ui.queue.open(ui.queue.row(alarm.id));
    const clips = page.getByTestId('evidence-clips');
    await expect(clips).toBeVisible();
    await clips.getByTestId('clip-export-open').click();
    const dialog = page.getByTestId('clip-export-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('clip-reason').fill('2026-118');
    await dialog.getByTestId('clip-export-submit').click();
    await expect(dialog).toBeHidden({ timeout: 30_000 });

    const clip = clips.getByTestId('clip-export');
    await expect(clip).toHaveCount(1);
    await expect(clip.getByTestId('clip-reason-text')).toHaveText('2026-118');
    await expect(clip.getByTestId('clip-sha256')).toHaveText(/^[0-9a-f]{64}$/);
    // The pre-roll reaches back before the recorder started and the post-roll is still to come: gaps, said so.
    await expect(clip.getByTestId('clip-gaps')).toBeVisible();
    await expect(clip).toHaveAttribute('data-gaps', 'true');

    // The ZIP for the police: the clip and its manifest, whose hash is the one shown.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      clip.getByTestId('clip-download').click(),
    ]);
    const zip = readFileSync(await download.path());
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(zip.toString('latin1')).toContain('manifest.json');
    const sha = await clip.getByTestId('clip-sha256').textContent();
    expect(zip.toString('latin1')).toContain(`${sha}  cam-01_`);

    const found: string[] = [];
    for (const language of ['zh-CN', 'en'] as Language[]) {
      await useLanguage(ui, language);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        // Not scrollIntoViewIfNeeded: it waits for the element to be still, and the live tile above keeps it moving.
        await clips
          .getByTestId('clip-export')
          .evaluate((e) => (e as unknown as { scrollIntoView(): void }).scrollIntoView());
        await expect(clips.getByTestId('clip-sha256')).toBeVisible();
        for (const leak of leaks(await visibleText(page, 'evidence-clips'), language, DATA))
          found.push(`[evidence clips] ${leak}`);
        await page.screenshot({ path: testInfo.outputPath(`clip-${language}-${size.width}.png`) });

        await page.keyboard.press('Alt+r');
        const retention = page.getByTestId('retention-dialog');
        await expect(retention).toBeVisible();
        const row = retention.locator('[data-testid=retention-row][data-camera=cam-01]');
        await expect(row).toBeVisible();
        // This machine's free disk may really hold fewer days than required at the test camera's rate: the state
        // shown is the one the core computed, whichever it is.
        const fault = await row.getAttribute('data-fault');
        expect(['', 'projected', 'actual']).toContain(fault);
        await expect(row.getByTestId('retention-state')).toHaveAttribute('data-state', fault || 'ok');
        await expect(retention.getByTestId('clip-export')).toHaveCount(1);
        for (const leak of leaks(await visibleText(page, 'retention-dialog'), language, DATA))
          found.push(`[retention] ${leak}`);
        await page.screenshot({ path: testInfo.outputPath(`retention-${language}-${size.width}.png`) });
        await page.keyboard.press('Escape');
        await expect(retention).toBeHidden();
      }
    }
    expect(found).toEqual([]);
    // The top bar's button opens it too (for the mouse).
    await page.getByTestId('retention-open').click();
    await expect(page.getByTestId('retention-dialog')).toBeVisible();
  });
});
