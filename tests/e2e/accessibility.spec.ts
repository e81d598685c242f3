import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';
import { useLanguage } from './language';
import type { ConsoleUi } from './pages';

// Accessibility in a dim room: axe-core over the main screen, an alarm's detail, the sources view and a dialog, in
// both languages, with no serious or critical violation (contrast in the dark theme, names, focus).

async function violations(page: Page, where: string, found: string[]): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
    found.push(
      `[${where}] ${v.id} (${v.impact}): ${v.nodes
        .slice(0, 4)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
    );
}

async function tour(page: Page, ui: ConsoleUi): Promise<string[]> {
  const found: string[] = [];
  await expect(ui.queue.rows.first()).toBeVisible({ timeout: 30_000 });
  await violations(page, 'main screen', found);
  await ui.equipment.open();
  await expect(ui.equipment.root).toBeVisible();
  await violations(page, 'sources', found);
  await ui.shell.press('Escape');
  await expect(ui.equipment.root).toBeHidden();
  await ui.shell.focusConsole();
  await ui.queue.press('help');
  await expect(ui.queue.helpOverlay).toBeVisible();
  await violations(page, 'dialog (? overlay)', found);
  await ui.shell.press('Escape');
  await expect(ui.queue.helpOverlay).toBeHidden();
  await ui.queue.open(ui.queue.rows.first());
  await expect(ui.incident.detail).toBeVisible();
  await violations(page, 'alarm detail', found);
  return found;
}

for (const language of ['zh-CN', 'en'] as const) {
  test(`no serious or critical accessibility violation in ${language}`, async ({ page, consoleApp, ui }) => {
    test.setTimeout(300_000);
    await signIn(page, consoleApp, { role: 'supervisor' });
    await useLanguage(ui, language);
    const found = await tour(page, ui);
    expect(found, found.join('\n')).toEqual([]);
  });
}
