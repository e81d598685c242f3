import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** The first five bytes of a file: `%PDF-` for a PDF. */
export function fileHeader(file: string): string {
  return readFileSync(file).subarray(0, 5).toString();
}

/** A PDF's text as laid out on the page, read back with poppler's pdftotext (see requirePdftotext). */
export function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

/** The same for a PDF the router returned as base64: written to `file` first. */
export function base64PdfText(pdf: string, file: string): string {
  writeFileSync(file, Buffer.from(pdf, 'base64'));
  return pdfText(file);
}
