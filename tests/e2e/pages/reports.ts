import { expect, type Download, type Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** The reports view (Alt+B): period, compare, sections with figures, charts and tables; the rows behind a bar. */
export class ReportsView extends PageObject {
  readonly root = this.testId('reports-dialog');
  readonly openButton = this.testId('reports-open');
  readonly period = this.root.getByTestId('reports-period');
  readonly busy = this.root.getByTestId('reports-busy');
  readonly compare = this.root.getByTestId('reports-compare');
  readonly day = this.root.getByTestId('reports-day');
  readonly rows = this.testId('reports-rows');
  readonly rowItems = this.rows.getByTestId('reports-row');
  /** The live shift board on the console (not in the view). */
  readonly board = this.testId('shift-board');

  /** By its shortcut, as a supervisor at the desk opens it. */
  async open(): Promise<void> {
    await this.page.keyboard.press('Alt+b');
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  async kind(kind: 'day' | 'week' | 'month' | 'quarter' | 'year' | 'range'): Promise<void> {
    await this.root.getByTestId(`reports-kind-${kind}`).click();
  }

  async pickDay(day: string): Promise<void> {
    await this.day.fill(day);
  }

  async section(id: string): Promise<void> {
    await this.root.getByTestId(`reports-section-${id}`).click();
  }

  kpi(id: string): Locator {
    return this.root.getByTestId(`reports-kpi-${id}`);
  }

  kpiValue(id: string): Locator {
    return this.kpi(id).getByTestId('reports-kpi-value');
  }

  kpiPrevious(id: string): Locator {
    return this.kpi(id).getByTestId('reports-kpi-previous');
  }

  chart(id: string): Locator {
    return this.root.getByTestId(`reports-chart-${id}`);
  }

  /** The chart's bars (ECharts draws them as SVG paths; the first series' first bar is the tallest of a sorted chart). */
  bars(id: string): Locator {
    return this.chart(id).locator('svg path[d]');
  }

  table(id: string): Locator {
    return this.root.getByTestId(`reports-table-${id}`);
  }

  tableRows(id: string): Locator {
    return this.table(id).getByTestId('reports-table-row');
  }

  /** A table's rows as the texts of their cells, as a person reads them. */
  tableCells(id: string): Promise<string[][]> {
    return this.tableRows(id).evaluateAll((rows) =>
      rows.map((r) => {
        const cells = r.querySelectorAll('td');
        const out: string[] = [];
        for (let i = 0; i < cells.length; i++) out.push(cells[i]?.textContent ?? '');
        return out;
      }),
    );
  }

  async closeRows(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  downloadPdf(): Promise<Download> {
    return this.download(this.root.page().getByTestId('reports-export-pdf'));
  }

  downloadXlsx(): Promise<Download> {
    return this.download(this.root.page().getByTestId('reports-export-xlsx'));
  }

  /** The residents' satisfaction import (a supervisor's, in the satisfaction section). */
  readonly satisfactionImport = this.testId('satisfaction-import');
  readonly satisfactionSummary = this.satisfactionImport.getByTestId('satisfaction-import-summary');
  readonly satisfactionProblems = this.satisfactionImport.getByTestId('satisfaction-import-problems');
  readonly satisfactionImportAll = this.satisfactionImport.getByTestId('satisfaction-import-all');
  readonly satisfactionResult = this.satisfactionImport.getByTestId('satisfaction-import-result');

  async openSatisfactionImport(): Promise<void> {
    await this.root.getByTestId('reports-satisfaction-import').click();
  }

  /** Picks a survey file (as the file chooser would hand it over) and waits for nothing: the preview follows. */
  async pickSatisfactionFile(name: string, content: string): Promise<void> {
    await this.satisfactionImport.getByTestId('satisfaction-import-file').setInputFiles({
      name,
      mimeType: 'text/csv',
      buffer: Buffer.from(content, 'utf8'),
    });
  }

  async closeSatisfactionImport(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await expect(this.satisfactionImport).toBeHidden();
  }

  /** The monthly self-check form (a supervisor's, in the self-check section). */
  readonly selfCheckDialog = this.testId('self-check');

  async openSelfCheck(): Promise<void> {
    await this.root.getByTestId('reports-self-check').click();
  }

  /** Marks one checklist item as a problem with what was found (it becomes a hazard, the form's default). */
  async selfCheckFinding(item: string, text: string): Promise<void> {
    await this.selfCheckDialog.getByTestId(`self-check-finding-${item}`).click();
    await this.selfCheckDialog.getByTestId(`self-check-text-${item}`).fill(text);
  }

  async saveSelfCheck(): Promise<void> {
    await this.selfCheckDialog.getByTestId('self-check-save').click();
  }

  /** The quarterly review form (a supervisor's, in the quarterly review section). */
  readonly reviewDialog = this.testId('quarter-review');

  async openQuarterReview(): Promise<void> {
    await this.root.getByTestId('reports-quarter-review').click();
  }

  /** Fills the review: the three groups' names, a score per dimension (in REVIEW_DIMENSIONS' order), the conclusion. */
  async fillQuarterReview(r: {
    residents: string;
    committee: string;
    staff: string;
    scores: Record<string, number>;
    conclusion: string;
  }): Promise<void> {
    const d = this.reviewDialog;
    await d.getByTestId('quarter-review-residents').fill(r.residents);
    await d.getByTestId('quarter-review-committee').fill(r.committee);
    await d.getByTestId('quarter-review-staff').fill(r.staff);
    for (const [id, score] of Object.entries(r.scores))
      await d.getByTestId(`quarter-review-score-${id}`).fill(String(score));
    await d.getByTestId('quarter-review-conclusion').fill(r.conclusion);
  }

  /** Adds an opinion: its text, the service it is about, and what it becomes (a hazard is the form's default). */
  async addReviewOpinion(
    text: string,
    dimension: string,
    becomes: 'hazard' | 'order' | 'note',
  ): Promise<void> {
    const d = this.reviewDialog;
    const i = await d.locator('[data-testid^="quarter-review-opinion-text-"]').count();
    await d.getByTestId('quarter-review-add-opinion').click();
    await d.getByTestId(`quarter-review-opinion-text-${i}`).fill(text);
    await this.choose(
      d.getByTestId(`quarter-review-dimension-${i}`),
      `quarter-review-dimension-${i}-${dimension}`,
    );
    if (becomes !== 'hazard')
      await this.choose(
        d.getByTestId(`quarter-review-becomes-${i}`),
        `quarter-review-becomes-${i}-${becomes}`,
      );
  }

  /** Picks a drop-down's option and waits for its menu to be gone (the next click must not land on it). */
  private async choose(field: Locator, option: string): Promise<void> {
    await field.click();
    await this.page.getByTestId(option).click();
    await expect(this.page.getByRole('listbox')).toBeHidden();
    await expect(field).toContainText(/./);
  }

  async saveQuarterReview(): Promise<void> {
    await this.reviewDialog.getByTestId('quarter-review-save').click();
  }

  downloadCsv(table: string): Promise<Download> {
    return this.download(this.table(table).getByTestId(`reports-csv-${table}`));
  }
}
