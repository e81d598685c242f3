/**
 * The one CSV writer every export uses (alarm history, duty log): RFC 4180 quoting, and no cell a spreadsheet
 * would run as a formula (OWASP "CSV injection"). Exports hold text people typed or a hub sent, and they are
 * opened in Excel or WPS by someone else.
 */

/** A leading = + - @ makes a spreadsheet read the cell as a formula; a leading tab or CR is stripped first by some. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: formula starts get a leading apostrophe (shown as text), then quotes are doubled where needed. */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(values: readonly unknown[]): string {
  return values.map(csvCell).join(',');
}

/** A whole file: a BOM so Excel reads UTF-8 (Chinese text), CRLF line ends, a final line end. */
export function csvDocument(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${[csvRow(header), ...rows.map(csvRow)].join('\r\n')}\r\n`;
}
