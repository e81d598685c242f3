import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { IMPORT_ERRORS, IMPORT_REFUSALS, type ImportPreview } from '../../../shared/contract';
import { previewImport } from '../../../electron/core/facilities';
import { draw, nastyText, within, type Boundary } from '../lib';

/**
 * The facility ledger's import (facilities.importPreview / facilities.import): a CSV or .xlsx file from whoever
 * keeps the property office's spreadsheet. Random bytes as either format, valid files with bytes flipped, cut or
 * grown, and CSV full of hostile text: the import never throws, answers within the deadline, and says either a
 * refusal code or row-by-row error codes the page has words for (facilities.importRefusal / importError).
 */
const ZONES = new Set(['bldg-01', 'facility']);
const HEADER = '编号,名称,类型,区域,纬度,经度,安装日期,维保人,维保电话,巡检周期（天）,设备号';
const REFUSALS = new Set<string>(IMPORT_REFUSALS);
const ERRORS = new Set<string>(IMPORT_ERRORS);

async function validXlsx(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('台账');
  sheet.addRow(HEADER.split(','));
  for (let i = 0; i < 20; i++)
    sheet.addRow([
      `XF-${i}`,
      `${i}号灭火器`,
      '灭火器',
      'bldg-01',
      30.27,
      120.15,
      new Date(Date.UTC(2024, 0, i + 1)),
      '张师傅',
      '13800000011',
      30,
      '',
    ]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const cell = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('XF-1', '灭火器', 'hydrant', 'bldg-01', '30.27', '2024-02-30', '138', ''),
  },
  { weight: 2, arbitrary: nastyText },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
);
const csvCase = fc
  .record({
    header: fc.oneof(fc.constant(HEADER), nastyText),
    rows: fc.array(fc.array(cell, { maxLength: 14 }), { maxLength: 30 }),
    sep: fc.constantFrom('\r\n', '\n', '\r'),
    quote: fc.boolean(),
  })
  .map(({ header, rows, sep, quote }) =>
    Buffer.from(
      [header, ...rows.map((r) => r.map((c) => (quote ? `"${c.replace(/"/g, '""')}"` : c)).join(','))].join(
        sep,
      ),
    ),
  );

type Case =
  | { kind: 'bytes'; format: 'csv' | 'xlsx'; data: Uint8Array }
  | { kind: 'csv'; data: Buffer }
  | { kind: 'mutated'; flips: Array<[number, number]>; cut: number | null; extra: Uint8Array };

const caseArb: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('bytes' as const),
      format: fc.constantFrom('csv' as const, 'xlsx' as const),
      data: fc.uint8Array({ maxLength: 4096 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('csv' as const), data: csvCase }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
      cut: fc.option(fc.nat(), { nil: null }),
      extra: fc.uint8Array({ maxLength: 64 }),
    }),
  },
);

function wellFormed(p: ImportPreview): string | undefined {
  if (p.refusal !== undefined) return REFUSALS.has(p.refusal) ? undefined : `refusal ${p.refusal}`;
  if (p.valid + p.invalid !== p.rows.length) return 'counts do not add up';
  for (const r of p.rows) {
    if (r.errors.some((e) => !ERRORS.has(e.code))) return `row ${r.row}: an error without words`;
    if (r.errors.length === 0 && !r.entry) return `row ${r.row}: no error and no entry`;
  }
  return undefined;
}

const boundary: Boundary = {
  name: 'ledger-import',
  weight: 1,
  async run(ctx, tally) {
    const xlsx = await validXlsx();
    for (const c of draw(caseArb, ctx.cases, ctx.seed, 20)) {
      let format: 'csv' | 'xlsx';
      let data: Buffer;
      if (c.kind === 'bytes') {
        format = c.format;
        data = Buffer.from(c.data);
      } else if (c.kind === 'csv') {
        format = 'csv';
        data = c.data;
      } else {
        format = 'xlsx';
        const copy = Buffer.from(xlsx);
        for (const [at, byte] of c.flips) copy[at % copy.length] = byte;
        data = Buffer.concat([c.cut === null ? copy : copy.subarray(0, c.cut % copy.length), c.extra]);
      }
      try {
        const preview = await within(previewImport(format, data, ZONES), ctx.stallMs);
        if (!preview) tally.stall(`a ${format} import of ${data.length} bytes took over ${ctx.stallMs} ms`);
        else {
          const wrong = wellFormed(preview);
          if (wrong) tally.invalid(`${format}: ${wrong}`);
        }
      } catch (err) {
        tally.crashes++;
        tally.note(`${format} import threw: ${(err as Error).message.slice(0, 120)}`);
      }
      tally.cases++;
      if (tally.cases % 2000 === 0) ctx.progress(`${tally.cases} cases`);
    }
  },
};

export default boundary;
