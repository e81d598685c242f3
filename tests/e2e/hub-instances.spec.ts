import { expect, signIn, withSiteHub } from './fixtures';
import { Layout } from './pages';

/**
 * A console given two hub addresses (`--hub A,B`): the top bar names the instance it is on, in both languages, at
 * both window sizes. B is a port nobody listens on: the console stays on A while A works.
 */
const test = withSiteHub.extend({
  consoleArgs: async ({ siteHub }, use) => {
    await use(['--hub', `${siteHub.url},http://127.0.0.1:9`, '--hub-token', siteHub.token]);
  },
});

const WORD = { 'zh-CN': '节点', en: 'instance' } as const;

test('the hub status names the instance of the list the console is on', async ({
  page,
  consoleApp,
  siteHub,
  ui,
  saveScreenshot,
}) => {
  const { shell } = ui;
  const layout = new Layout(page);
  await signIn(page, consoleApp);
  await expect(shell.hubStatus).toHaveAttribute('data-state', 'connected');
  // The hub names itself host:port unless told otherwise (`--instance`).
  const instance = `:${new URL(siteHub.url).port}`;
  await expect(shell.hubStatus).toHaveAttribute('data-instance', new RegExp(`${instance}$`));
  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
  ] as const) {
    await layout.resize(width, height);
    for (const locale of ['zh-CN', 'en'] as const) {
      await layout.useLanguage(locale);
      await expect(shell.html).toHaveAttribute('lang', locale);
      await expect(shell.hubStatus).toContainText(WORD[locale]);
      await expect(shell.hubStatus).toContainText(instance);
      await saveScreenshot(`hub-instance-${locale}-${width}.png`);
    }
  }
});
