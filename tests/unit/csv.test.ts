import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument, csvRow } from '../../electron/core/util/csv';
import { toCsv } from '../../electron/core/alarms/rows';
import type { AlarmView } from '../../shared/contract';

/** An RFC 4180 reader written for this test alone, so the writer is checked against something independent. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') {
      if (cell !== '') throw new Error(`a quote inside an unquoted cell at ${i}`);
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`a bare line break outside quotes at ${i}`);
    } else cell += c;
  }
  if (quoted) throw new Error('an unterminated quoted cell');
  if (cell !== '' || row.length > 0) throw new Error('the last line has no line end');
  return rows;
}

const FORMULA = ['=', '+', '-', '@', '\t', '\r'];
const expected = (s: string) => (FORMULA.some((f) => s.startsWith(f)) ? `'${s}` : s);

// Text biased towards what breaks CSV: formula starts, quotes, separators, line breaks, and any other Unicode.
const nasty = fc.oneof(
  fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'", 'a', '值', ' ') }),
  fc.string({ unit: 'binary' }),
  fc.tuple(fc.constantFrom(...FORMULA), fc.string({ unit: 'binary' })).map(([f, s]) => f + s),
);

describe('CSV export cells', () => {
  it('any string round-trips through a CSV reader and never starts with a formula character', () => {
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 6 }), (cells) => {
        const [parsed] = parseCsv(`${csvRow(cells)}\r\n`);
        expect(parsed).toEqual(cells.map(expected));
        for (const cell of parsed!) expect(FORMULA.some((f) => cell.startsWith(f))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('a whole document keeps its rows and columns, whatever the cells hold', () => {
    fc.assert(
      fc.property(fc.array(fc.array(nasty, { minLength: 3, maxLength: 3 }), { maxLength: 8 }), (rows) => {
        const text = csvDocument(['a', 'b', 'c'], rows);
        expect(text.startsWith('\uFEFFa,b,c\r\n')).toBe(true);
        expect(parseCsv(text)).toEqual([['a', 'b', 'c'], ...rows.map((r) => r.map(expected))]);
      }),
      { numRuns: 500 },
    );
  });

  it('neutralises the classic payloads, and leaves ordinary text and numbers alone', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('\t=1+1')).toBe("'\t=1+1");
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`);
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('5号楼 1 单元')).toBe('5号楼 1 单元');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('the alarm history export goes through the same cells', () => {
    const alarm = {
      id: 'a1',
      type: 'door_held',
      priority: 2,
      state: 'resolved',
      source: 'hub',
      raisedAt: 0,
      receivedAt: 0,
      count: 1,
      text: '\t=cmd|"/c calc"!A1',
      resolutionNote: '+1 call back',
    } as unknown as AlarmView;
    const rows = parseCsv(toCsv([alarm]));
    const header = rows[0]!;
    const row = rows[1]!;
    expect(row[header.indexOf('text')]).toBe('\'\t=cmd|"/c calc"!A1');
    expect(row[header.indexOf('note')]).toBe("'+1 call back");
    expect(row[header.indexOf('origin')]).toBe('');
  });

  it('the history export says where the equipment raised an alarm and when it restored', () => {
    const alarm = {
      id: 'a2',
      type: 'fire',
      priority: 1,
      state: 'resolved',
      source: 'hub',
      raisedAt: 0,
      receivedAt: 0,
      restoredAt: Date.UTC(2026, 11, 1, 3, 0, 0),
      count: 1,
      origin: { source: 'dc09', sourceId: 'dc09-main', fields: { account: '1234', zone: 5, code: 'E110' } },
    } as unknown as AlarmView;
    const rows = parseCsv(toCsv([alarm]));
    const header = rows[0]!;
    const row = rows[1]!;
    expect(row[header.indexOf('origin')]).toBe('dc09 dc09-main account=1234 zone=5 code=E110');
    expect(row[header.indexOf('restored_at')]).toBe('2026-12-01T03:00:00.000Z');
  });
});
