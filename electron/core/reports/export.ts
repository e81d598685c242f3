import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { ReportTable, ReportView } from '../../../shared/contract';
import { chartOption, formatValue, type ChartOption } from '../../../shared/domain/report-charts';
import { formatDateTime, type Locale } from '../../../shared/domain/text';
import { ServiceError } from '../errors';
import { findPdfFont, usePdfFont } from '../pdf/font';
import { csvDocument } from '../util/csv';
import { message } from './labels';

/** A table as people read it: the label column, then each column worded, values formatted as on screen. */
export function tableCells(
  table: ReportTable,
  locale: Locale,
): { header: string[]; rows: (string | number)[][] } {
  const header = [
    message(locale, `reports.table.${table.id}`),
    ...table.columns.map((c) => message(locale, `reports.col.${c.id}`)),
  ];
  const rows = table.rows.map((r) => [
    r.label[locale],
    ...r.values.map((v, i) => {
      const unit = table.columns[i]?.unit ?? 'count';
      return unit === 'count' && v !== null ? v : formatValue(v, unit, locale);
    }),
  ]);
  return { header, rows };
}

export function allTables(view: ReportView): ReportTable[] {
  return view.sections.flatMap((s) => s.tables);
}

function fileStem(view: ReportView): string {
  const p = view.period;
  return p.first === p.last ? `report-${p.first}` : `report-${p.kind}-${p.first}_${p.last}`;
}

/** One table as CSV (UTF-8 with a BOM, formula-safe: util/csv.ts). */
export function reportCsv(
  view: ReportView,
  tableId: string,
  locale: Locale,
): { name: string; bytes: Buffer } {
  const table = allTables(view).find((t) => t.id === tableId);
  if (!table) throw new ServiceError('not_found', `This report has no table "${tableId}".`);
  const { header, rows } = tableCells(table, locale);
  return { name: `${fileStem(view)}-${tableId}.csv`, bytes: Buffer.from(csvDocument(header, rows), 'utf8') };
}

/** Every table of the report as an .xlsx, a sheet each (named by the table, within Excel's 31 characters). */
export async function reportXlsx(view: ReportView, locale: Locale): Promise<{ name: string; bytes: Buffer }> {
  const book = new ExcelJS.Workbook();
  const used = new Set<string>();
  for (const table of allTables(view)) {
    const { header, rows } = tableCells(table, locale);
    let name = header[0]!.replace(/[\\/?*[\]:]/g, ' ').slice(0, 28);
    while (used.has(name)) name = `${name.slice(0, 26)}-${used.size}`;
    used.add(name);
    const sheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow(header).font = { bold: true };
    for (const r of rows) sheet.addRow(r);
    sheet.columns.forEach((c, i) => (c.width = i === 0 ? 28 : 14));
  }
  return { name: `${fileStem(view)}.xlsx`, bytes: Buffer.from(await book.xlsx.writeBuffer()) };
}

/** The title the period's template carries: 日巡查、周复盘、月度总结、季度服务工作简报、年度总评. */
export function reportTitle(view: ReportView, locale: Locale): string {
  return message(locale, `reports.template.${view.period.kind}`);
}

export function chartWords(locale: Locale) {
  return {
    series: (id: string) => message(locale, `reports.series.${id}`),
    previous: message(locale, 'reports.previous'),
    weekdays: (message(locale, 'reports.weekdays') || '').split(','),
  };
}

type SvgRender = (option: ChartOption, width: number, height: number) => Promise<string>;

/** A turn of the event loop between charts: drawing a PDF never holds intake for more than one chart. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** ECharts' server-side renderer to an SVG string (no DOM: `ssr: true`). Loaded on first use. */
export const renderSvg: SvgRender = async (option, width, height) => {
  const echarts = await import('echarts');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option as Parameters<typeof chart.setOption>[0]);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
};

/**
 * The report as an A4 PDF in the monthly-summary shape (月度总结): the site's name and the period, each section's
 * figures with the period before, its charts (the same ECharts options as the screen, print theme, as vectors) and
 * tables, and a signature line. Chinese needs a CJK font (pdf/font.ts), as the other reports.
 */
export async function reportPdf(view: ReportView, locale: Locale): Promise<{ name: string; bytes: Buffer }> {
  const font = findPdfFont();
  const svgToPdf = (await import('svg-to-pdfkit')).default;
  const title = reportTitle(view, locale);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: { Title: title, Creator: 'Control Room Console' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  usePdfFont(doc, font);
  const t = (key: string, vars?: Record<string, string | number>) => message(locale, key, vars);
  const width = doc.page.width - 96;
  const room = (h: number) => {
    if (doc.y + h > doc.page.height - 64) doc.addPage();
  };
  doc.fontSize(18).text(`${view.site[locale]} · ${title}`, { align: 'center' });
  doc.moveDown(0.4).fontSize(10.5);
  const period =
    view.period.first === view.period.last ? view.period.first : `${view.period.first} – ${view.period.last}`;
  doc.text(`${t('reports.period')}: ${period}`, { align: 'center' });
  if (view.previous)
    doc.text(`${t('reports.comparedWith')}: ${view.previous.first} – ${view.previous.last}`, {
      align: 'center',
    });
  doc
    .fillColor('#555')
    .text(`${t('reports.generatedAt')}: ${formatDateTime(view.generatedAt, locale, view.timeZone)}`, {
      align: 'center',
    });
  doc.fillColor('#000');
  const words = chartWords(locale);
  for (const section of view.sections) {
    room(80);
    doc
      .moveDown(0.8)
      .fontSize(14)
      .text(t(`reports.section.${section.id}`))
      .moveDown(0.3)
      .fontSize(10.5);
    for (const k of section.kpis) {
      const prev =
        k.previous !== undefined
          ? `  (${t('reports.previous')}: ${formatValue(k.previous, k.unit, locale)})`
          : '';
      doc.text(`${t(`reports.kpi.${k.id}`)}: ${formatValue(k.value, k.unit, locale)}${prev}`);
    }
    for (const chart of section.charts) {
      if (
        chart.categories.length === 0 ||
        (chart.kind !== 'heatmap' && chart.series.every((s) => s.values.every((v) => v === 0)))
      )
        continue;
      const h = chart.kind === 'heatmap' ? 230 : 200;
      room(h + 24);
      doc
        .moveDown(0.5)
        .fontSize(11)
        .text(t(`reports.chart.${chart.id}`))
        .fontSize(10.5);
      const svg = await renderSvg(
        chartOption(chart, { theme: 'print', locale, words }),
        Math.round(width),
        h,
      );
      const y = doc.y + 4;
      // The types declare the class where the library takes the document.
      svgToPdf(doc as unknown as typeof PDFDocument, svg, 48, y, {
        width,
        height: h,
        fontCallback: () => 'body',
        warningCallback: () => undefined,
      });
      doc.x = 48;
      doc.y = y + h + 6;
      await turn();
    }
    for (const table of section.tables) {
      if (table.rows.length === 0) continue;
      const { header, rows } = tableCells(table, locale);
      room(40);
      doc.moveDown(0.4);
      const col = width / header.length;
      const line = (cells: (string | number)[], bold: boolean) => {
        room(16);
        const y = doc.y;
        cells.forEach((cell, i) =>
          doc
            .fillColor(bold ? '#000' : '#222')
            .text(String(cell), 48 + i * col, y, { width: col - 4, lineBreak: false, ellipsis: true }),
        );
        doc.x = 48;
        doc.y = y + 14;
      };
      doc.fontSize(9);
      line(header, true);
      for (const r of rows.slice(0, 30)) line(r, false);
      doc.fontSize(10.5);
      await turn();
    }
  }
  room(90);
  doc.moveDown(2).fontSize(11).fillColor('#000');
  const y = doc.y;
  doc.text(`${t('reports.signPreparedBy')}: ____________`, 48, y);
  doc.text(`${t('reports.signReviewedBy')}: ____________`, 48 + width / 3, y);
  doc.text(`${t('reports.signDate')}: ____________`, 48 + (2 * width) / 3, y);
  doc.end();
  return { name: `${fileStem(view)}-${locale}.pdf`, bytes: await done };
}
