import ExcelJS from 'exceljs';

/**
 * A table of text from a file a property office keeps: a CSV (UTF-8 with or without BOM, or GBK as Excel in
 * Chinese saves it) or the first sheet of an .xlsx. Cells are text; dates are `YYYY-MM-DD`. Throws on a file it
 * cannot read at all (the caller words that as a refusal).
 */
export async function readTable(format: 'csv' | 'xlsx', bytes: Buffer): Promise<string[][]> {
  return format === 'csv' ? parseCsv(decodeText(bytes)) : readXlsx(bytes);
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

/** RFC 4180, with the liberties spreadsheets take: CR, LF or CRLF, a quote inside an unquoted cell kept as is. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\r' || ch === '\n') {
      endRow();
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else cell += ch;
    i += 1;
  }
  if (cell !== '' || row.length > 0) endRow();
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

async function readXlsx(bytes: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (r) => {
    const out: string[] = [];
    const values = r.values as unknown[];
    for (let c = 1; c < values.length; c++) out.push(cellText(values[c]));
    if (out.some((c) => c.trim() !== '')) rows.push(out);
  });
  return rows;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; hyperlink?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((p) => p.text).join('');
    if ('result' in o) return cellText(o.result);
    if (typeof o.text === 'string') return o.text;
    return '';
  }
  return String(v as string | number | boolean);
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
