import type { Locator, Page } from '@playwright/test';
import { PageObject } from './page-object';

/** A text that the layout squeezed or cut: what it says, where, and how it measured. */
export interface LayoutFault {
  text: string;
  where: string;
  width: number;
  needed: number;
}

/** The console window's geometry as the operator sees it: how its text fits and how big its areas are. */
export class Layout extends PageObject {
  readonly wallTiles = this.testId('wall-grid').getByTestId('camera-tile');
  /** The site plan as drawn on the map (Leaflet's image layer). */
  readonly plan = this.testId('site-map').locator('img.leaflet-image-layer');
  readonly arrangement = this.testId('console-main');
  private readonly body = this.page.locator('body');
  /**
   * Each preference the core has stored for the page (key and value), in order: read off its WebSocket, a
   * `prefs.set` call counted once its result came back, so that a reload after it finds the value stored (one only
   * sent could still be on its way when the reload signs in again — seen once under load).
   */
  readonly storedPrefs: { key: string; value: unknown }[] = [];
  private readonly pendingPrefs = new Map<number, { key: string; value: unknown }>();

  constructor(page: Page) {
    super(page);
    page.on('websocket', (ws) => {
      ws.on('framesent', ({ payload }) => {
        if (typeof payload !== 'string' || !payload.includes('"prefs.set"')) return;
        const frame = JSON.parse(payload) as {
          id?: number;
          method?: string;
          input?: { key: string; value: unknown };
        };
        if (frame.method === 'prefs.set' && frame.input && typeof frame.id === 'number')
          this.pendingPrefs.set(frame.id, frame.input);
      });
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload !== 'string' || !payload.startsWith('{"t":"result"')) return;
        const frame = JSON.parse(payload) as { id?: number; envelope?: { ok?: boolean } };
        if (typeof frame.id !== 'number') return;
        const sent = this.pendingPrefs.get(frame.id);
        if (!sent) return;
        this.pendingPrefs.delete(frame.id);
        if (frame.envelope?.ok) this.storedPrefs.push(sent);
      });
    });
  }

  /** The last value of `key` the core stored for the page, if any. */
  lastStored(key: string): unknown {
    return this.storedPrefs.filter((p) => p.key === key).at(-1)?.value;
  }

  /** The splitters between the panes, in document order: wall / lower row, map | incident, columns. */
  readonly splitters = this.page.getByRole('separator');
  readonly wallPane = this.testId('camera-wall');

  /** Picks a density from the top bar's layout menu. */
  async chooseDensity(density: 'compact' | 'normal' | 'large'): Promise<void> {
    await this.testId('layout-menu').click();
    await this.testId(`density-${density}`).click();
  }

  /** Pops an area out from the layout menu into a window of its own and returns that window's page. */
  async popOut(area: 'wall' | 'map' | 'queue'): Promise<Page> {
    await this.testId('layout-menu').click();
    const [popup] = await Promise.all([
      this.page.waitForEvent('popup'),
      this.testId(`popout-${area}`).click(),
    ]);
    return popup;
  }

  /** Where a popped-out area was in the console window (its name and a "bring back" button). */
  poppedOut(area: 'wall' | 'map' | 'queue'): Locator {
    return this.testId(`popped-out-${area}`);
  }

  async bringBack(area: 'wall' | 'map' | 'queue'): Promise<void> {
    await this.testId(`bring-back-${area}`).click();
  }

  /** Moves a splitter by keyboard, as an operator without a mouse does. */
  async nudgeSplitter(
    index: number,
    key: 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight',
    times: number,
  ) {
    await this.splitters.nth(index).focus();
    for (let i = 0; i < times; i++) await this.page.keyboard.press(key);
  }

  /** The wall pane's share of the left column's height (a banner above the panes changes pixels, not shares). */
  async wallShare(): Promise<number> {
    const wall = await this.page.locator('#pane-wall').boundingBox();
    const column = await this.page.locator('#panes-left').boundingBox();
    return wall && column ? wall.height / column.height : 0;
  }

  async wallHeight(): Promise<number> {
    return (await this.wallPane.boundingBox())?.height ?? 0;
  }

  /** Switches the interface to `locale` with the top bar's language switch, unless it already speaks it. */
  async useLanguage(locale: 'zh-CN' | 'en'): Promise<void> {
    if ((await this.page.locator('html').getAttribute('lang')) !== locale)
      await this.testId('language-switch').click();
  }

  async resize(width: number, height: number): Promise<void> {
    await this.page.setViewportSize({ width, height });
  }

  /** The arrangement key as the operator presses it (Alt+V video-first, Alt+A alarms-first, Alt+M map-first). */
  async arrange(key: 'v' | 'a' | 'm'): Promise<void> {
    await this.page.keyboard.press(`Alt+${key}`);
  }

  /**
   * Visible text narrower than its own first two characters: a title or label that wraps one character per
   * line. Measured with the element's own font, so it holds at any density.
   */
  async crampedTexts(): Promise<LayoutFault[]> {
    return this.body.evaluate((body) => {
      const doc = body.ownerDocument;
      const win = doc.defaultView!;
      const canvas = doc.createElement('canvas').getContext('2d')!;
      const out: { text: string; where: string; width: number; needed: number }[] = [];
      const walker = doc.createTreeWalker(body, win.NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = (node.textContent ?? '').trim();
        const el = node.parentElement;
        if (!el || [...text].length < 2 || !el.checkVisibility({ visibilityProperty: true })) continue;
        const range = doc.createRange();
        range.selectNodeContents(node);
        const rect = range.getBoundingClientRect();
        if (rect.width === 0 || rect.bottom < 0 || rect.top > win.innerHeight) continue;
        const style = win.getComputedStyle(el);
        canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const needed = canvas.measureText([...text].slice(0, 2).join('')).width;
        if (rect.width + 1 < needed) {
          const testId = el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.tagName;
          out.push({ text, where: testId, width: Math.round(rect.width), needed: Math.round(needed) });
        }
      }
      return out;
    });
  }

  /**
   * Titles, chips, counters, buttons and chosen filter values whose text does not fit their box (cut or ended
   * with an ellipsis).
   */
  async clippedTexts(): Promise<LayoutFault[]> {
    return this.body.evaluate((body) => {
      const selector = [
        'h1',
        'h2',
        'h3',
        'h6',
        '.MuiChip-label',
        '.MuiButton-root',
        '.MuiToggleButton-root',
        '.MuiSelect-select',
        '[data-testid="clock"]',
        '[data-testid="app-title"]',
        '[data-testid$="-count"]',
      ].join(',');
      const out: { text: string; where: string; width: number; needed: number }[] = [];
      for (const el of body.querySelectorAll(selector)) {
        if (!el.checkVisibility({ visibilityProperty: true }) || el.closest('[role=dialog]')) continue;
        // A badge's wrapper: what overflows it is the count's bubble over the corner, drawn there on purpose.
        if (el.classList.contains('MuiBadge-root')) continue;
        if (el.scrollWidth > el.clientWidth + 1) {
          const testId = el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.tagName;
          out.push({
            text: (el.textContent ?? '').trim(),
            where: testId,
            width: el.clientWidth,
            needed: el.scrollWidth,
          });
        }
      }
      // A chip shown cut by the row of chips it is in (FitRow hides those that do not fit wholly; its label being
      // whole, the check above would miss one cut at the row's edge).
      for (const row of body.querySelectorAll('[data-testid="fit-row"]')) {
        const edge = row.getBoundingClientRect().right;
        for (let i = 0; i < row.children.length; i++) {
          const chip = row.children.item(i);
          if (!chip?.checkVisibility({ visibilityProperty: true })) continue;
          const box = chip.getBoundingClientRect();
          if (box.right > edge + 1)
            out.push({
              text: (chip.textContent ?? '').trim(),
              where: 'fit-row',
              width: Math.round(edge - box.left),
              needed: Math.round(box.width),
            });
        }
      }
      return out;
    });
  }

  /** Width ÷ height of each tile of the wall. */
  async tileAspects(): Promise<number[]> {
    const boxes = await this.wallTiles.evaluateAll((els) =>
      els.map((el) => ({ w: el.getBoundingClientRect().width, h: el.getBoundingClientRect().height })),
    );
    return boxes.map((b) => b.w / b.h);
  }

  /** The site plan's drawn area in CSS pixels. */
  async planArea(): Promise<number> {
    const box = await this.plan.boundingBox();
    return box ? box.width * box.height : 0;
  }

  /** The root font size the console chose (its density and the window's size decide it). */
  async rootFontPx(): Promise<number> {
    return this.body.evaluate((body) =>
      parseFloat(body.ownerDocument.defaultView!.getComputedStyle(body).fontSize),
    );
  }
}
