import type { Page } from '@playwright/test';

/**
 * What the console page reports as broken: uncaught exceptions (`pageerror`) and console errors, from every page
 * it watches. The e2e fixture fails a test on any of them; the benchmarks print the first few with their figures.
 */
export class PageErrors {
  private readonly seen: string[] = [];
  private collecting = true;

  watch(page: Page): void {
    page.on('pageerror', (e) => this.add(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.add(`console.error: ${m.text()}`);
    });
  }

  /** Stops collecting: what a page says while the console behind it is being shut down is no test's business. */
  stop(): void {
    this.collecting = false;
  }

  get all(): readonly string[] {
    return this.seen;
  }

  /** Everything not matched by one of `allowed`. */
  except(allowed: readonly RegExp[]): string[] {
    return this.seen.filter((line) => !allowed.some((re) => re.test(line)));
  }

  private add(line: string): void {
    if (this.collecting) this.seen.push(line);
  }
}
