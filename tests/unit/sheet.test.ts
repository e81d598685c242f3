import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { MAX_SHEET_COLUMNS, readTable } from '../../electron/core/util/sheet';
import { previewImport } from '../../electron/core/facilities';

async function workbook(fill: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  fill(book.addWorksheet('表'));
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('the one spreadsheet reader both imports share', () => {
  it('reads a CSV Excel in Chinese saved in GBK, blank lines kept as rows', async () => {
    // 「编号,名称,类型」, a blank line and 「XF-1,1号楼灭火器,灭火器」 in GBK.
    const gbk = Buffer.from(
      'b1e0bac52cc3fbb3c62cc0e0d0cd0d0a0d0a58462d312c31bac5c2a5c3f0bbf0c6f72cc3f0bbf0c6f70d0a',
      'hex',
    );
    expect(await readTable('csv', gbk, 10)).toEqual([
      ['编号', '名称', '类型'],
      [''],
      ['XF-1', '1号楼灭火器', '灭火器'],
    ]);
    // The ledger takes it too, numbering the row as the spreadsheet shows it.
    const preview = await previewImport('csv', gbk, new Set());
    expect(preview.refusal).toBeUndefined();
    expect(preview.rows.map((r) => [r.row, r.errors, r.entry?.name])).toEqual([[3, [], '1号楼灭火器']]);
  });

  it('reads formulas by their result, rich text and styled hyperlinks joined, errors as empty', async () => {
    const data = await workbook((sheet) => {
      sheet.addRow([
        { formula: '1+1', result: 2 },
        { richText: [{ text: '浙A' }, { text: '12345' }] },
        { text: { richText: [{ text: '链' }, { text: '接' }] }, hyperlink: 'https://example.test' },
        { error: '#N/A' },
        { formula: 'A1', result: { error: '#DIV/0!' } },
      ] as unknown as ExcelJS.CellValue[]);
    });
    expect(await readTable('xlsx', data, 10)).toEqual([['2', '浙A12345', '链接', '', '']]);
  });

  it('bounds a workbook: rows past the limit refused before reading, columns past the 64th never read', async () => {
    const tall = await workbook((sheet) => {
      sheet.getCell('A1').value = 'plate';
      sheet.getCell('A11').value = 'x';
    });
    expect(await readTable('xlsx', tall, 10)).toBe('too_many_rows');
    expect(await readTable('xlsx', tall, 11)).toHaveLength(11);
    const wide = await workbook((sheet) => {
      sheet.getCell(1, 1).value = 'a';
      sheet.getCell(1, MAX_SHEET_COLUMNS).value = 'last';
      sheet.getCell(1, 16384).value = 'far';
    });
    const [row] = (await readTable('xlsx', wide, 10)) as string[][];
    expect(row).toHaveLength(MAX_SHEET_COLUMNS);
    expect(row!.at(-1)).toBe('last');
    expect(await readTable('xlsx', Buffer.from('PK\x03\x04 not a zip'), 10)).toBe('unreadable');
  });
});
