import ExcelJS from 'exceljs';

/**
 * The one spreadsheet reader and writer the imports and exports share (vehicle records, the facility ledger). The
 * files come from a property office: a CSV (UTF-8 with or without BOM, or GBK as Excel in Chinese saves it) or the
 * first sheet of an .xlsx. Anything may be in them, so reading never throws; what a file's rows mean, how many a
 * feature takes and how it words a refusal stay with the feature.
 */

export type SheetFormat = 'csv' | 'xlsx';

/** Why a file gives no table at all; each feature words these among its own refusals. */
export type SheetRefusal = 'unreadable' | 'too_many_rows';

/**
 * An .xlsx is unpacked from a zip, so a small file can name a cell in column XFD: columns past this are never read.
 * No import has a tenth as many.
 */
export const MAX_SHEET_COLUMNS = 64;

/**
 * Every row of the file as text, blank rows kept so a row's index is its number in the spreadsheet (minus one).
 * Dates are `YYYY-MM-DD`, formulas their result, rich text joined. `maxRows` (the header included) refuses a
 * workbook whose sheet claims more rows before they are read; a CSV's rows are bounded by its size, and the feature
 * counts them as it counts them.
 */
export async function readTable(
  format: SheetFormat,
  bytes: Buffer,
  maxRows: number,
): Promise<string[][] | SheetRefusal> {
  return format === 'csv' ? parseCsv(decodeText(bytes)) : readXlsx(bytes, maxRows);
}

/**
 * A header or a word as the imports compare them: case, spaces, underscores, dashes and brackets (half- or
 * full-width) do not count, so `Sample size`, `sample_size` and `SAMPLE（SIZE）` are one. (`trim` drops a BOM too.)
 */
export const squash = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_\-()（）]/g, '');

/** A row with something in it (a spreadsheet's blank line is commas or spaces at most). */
export function hasText(row: readonly string[]): boolean {
  return row.some((c) => c.trim() !== '');
}

export function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Excel in Chinese saves "CSV" in the system code page, GBK; a file that is neither is read as GBK too and
    // its cells then fail their checks row by row.
    return new TextDecoder('gbk').decode(bytes);
  }
}

/**
 * RFC 4180, with the liberties spreadsheets take: CR, LF or CRLF, line breaks inside a quoted cell, a quote inside
 * an unquoted cell kept as is, a leading BOM dropped. Blank lines stay rows.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endRow = () => {
    row.push(cell);
    rows.push(row);
    row = [];
    cell = '';
  };
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}

async function readXlsx(bytes: Buffer, maxRows: number): Promise<string[][] | SheetRefusal> {
  try {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    if (!sheet) return [];
    if (sheet.rowCount > maxRows) return 'too_many_rows';
    const rows: string[][] = [];
    for (let r = 1; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= Math.min(row.cellCount, MAX_SHEET_COLUMNS); c++)
        cells.push(cellText(row.getCell(c).value));
      rows.push(cells);
    }
    return rows;
  } catch {
    return 'unreadable';
  }
}

/** A cell as the text a person sees in it; an error (#N/A) or a date no calendar has reads as empty. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText))
      return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    // A hyperlink's text is plain or, when styled, rich text.
    if ('text' in value) return cellText(value.text as ExcelJS.CellValue);
    return '';
  }
  return String(value);
}

/** An .xlsx of one sheet, the header bold and frozen; every cell text, so a plate or phone is never a number. */
export async function writeXlsx(sheetName: string, header: string[], rows: string[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(header).font = { bold: true };
  for (const r of rows) sheet.addRow(r);
  sheet.columns.forEach((c) => {
    c.width = 14;
    c.numFmt = '@';
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
