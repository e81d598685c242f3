import { writeDemoSite } from '../support/site';
import { tempDir } from '../support/temp';
import { expect, signIn, withScriptedHub } from './fixtures';
import { scan, useLanguage } from './language';

// The language-leak scan (language.ts) where other systems' words reach the console: a hub event it refused (the
// notice, the dead letters) and a camera it cannot reach (the tile's reason).

/** A hub that refuses nothing and sends what the test gives it, and a site whose first camera cannot be reached. */
const test = withScriptedHub.extend({
  consoleArgs: async ({ hub }, use) => {
    const tmp = tempDir('language-e2e-');
    const site = writeDemoSite(tmp.dir, (s) => {
      const first = s.cameras?.[0];
      // A closed port on loopback: ffmpeg is refused at once, the tile goes offline with its reason.
      if (first) first.streams = { main: 'rtsp://127.0.0.1:9/none', sub: 'rtsp://127.0.0.1:9/none' };
    });
    await use(['--hub', hub.url, '--hub-token', 'e2e', '--site', site]);
    tmp.cleanup();
  },
});

for (const language of ['zh-CN', 'en'] as const) {
  test(`one language at a time: a refused hub event and an offline camera in ${language}`, async ({
    page,
    consoleApp,
    hub,
    ui,
  }) => {
    test.setTimeout(120_000);
    hub.publish({
      kind: 'alarm',
      data: { sourceId: 'door-7', type: 'door_held', cameras: [], raisedAt: Date.now() },
    });
    await signIn(page, consoleApp, { role: 'supervisor' });
    await useLanguage(ui, language);
    hub.publish({ kind: 'meteor', data: {} });
    hub.publish({ kind: 'alarm', data: { sourceId: 'door-8', type: 'door_held', raisedAt: 'yesterday' } });
    await expect(ui.shell.notice).toBeVisible();
    const offline = ui.wall.tiles.first();
    await expect(offline).toHaveAttribute('data-status', 'offline', { timeout: 30_000 });
    const found: string[] = [];
    await scan(page, language, 'refused event, offline camera', found);
    await ui.deadLetters.open();
    await expect(ui.deadLetters.rows).toHaveCount(2);
    await scan(page, language, 'dead letters', found);
    // The hub's own words are one click away, and are not the console's text (marked so, not scanned).
    await ui.deadLetters.rows.first().getByTestId('hub-dead-letter-technical').click();
    await expect(ui.deadLetters.rows.first().getByTestId('hub-dead-letter-raw')).toContainText('raisedAt');
    await scan(page, language, 'dead letters, technical', found);
    // The tile's technical reason is one hover away.
    await expect(offline.getByTestId('tile-reason')).toHaveAttribute('title', /refused the connection/);
    expect(found, found.join('\n')).toEqual([]);
  });
}
