import type { Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';
import { scan, useLanguage } from './language';
import type { ConsoleUi } from './pages';

// The language-leak scan (language.ts) over every area of the console on the demo site, in each language.
// A refused hub event and an offline camera: language-trouble.spec.ts.

async function tour(page: Page, ui: ConsoleUi, language: 'zh-CN' | 'en'): Promise<string[]> {
  const found: string[] = [];
  await expect(ui.queue.rows.first()).toBeVisible({ timeout: 30_000 });
  await scan(page, language, 'main screen', found);
  await ui.queue.open(ui.queue.rows.first());
  await expect(ui.incident.detail).toBeVisible();
  await scan(page, language, 'alarm detail', found);
  await ui.incident.close();
  await ui.shell.focusConsole();
  await ui.queue.press('help');
  await expect(ui.queue.helpOverlay).toBeVisible();
  await scan(page, language, '? overlay', found);
  await ui.shell.press('Escape');
  await ui.dutyLog.open();
  await expect(ui.dutyLog.root).toBeVisible();
  await scan(page, language, 'duty log', found);
  await ui.dutyLog.close();
  await ui.handover.open();
  await expect(ui.handover.root).toBeVisible();
  await scan(page, language, 'handover', found);
  await ui.handover.close(language);
  await ui.equipment.open();
  await expect(ui.equipment.root).toBeVisible();
  await scan(page, language, 'sources', found);
  await ui.shell.press('Escape');
  await expect(ui.equipment.root).toBeHidden();
  await ui.drills.open();
  await expect(ui.drills.root).toBeVisible();
  await scan(page, language, 'playbooks', found);
  await ui.shell.press('Escape');
  await expect(ui.drills.root).toBeHidden();
  await ui.shell.openMenu('operators');
  await expect(ui.operators.root).toBeVisible();
  await scan(page, language, 'settings', found);
  return found;
}

for (const language of ['zh-CN', 'en'] as const) {
  test(`one language at a time: every area in ${language}`, async ({ page, consoleApp, ui }) => {
    // Ten areas, each opened and read, on a shared machine: minutes, not seconds.
    test.setTimeout(300_000);
    await signIn(page, consoleApp, { role: 'supervisor' });
    await useLanguage(ui, language);
    const found = await tour(page, ui, language);
    expect(found, found.join('\n')).toEqual([]);
  });
}
