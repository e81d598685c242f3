import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { IMPORT_PROBLEMS, VEHICLE_IMPORT_REFUSALS, type ImportFile } from '../../shared/contract';
import { MESSAGES } from '../../shared/i18n';
import { readImport } from '../../electron/core/vehicles/import';
import { parseCsv } from '../../electron/core/util/sheet';

const csvFile = (text: string, encoding: BufferEncoding = 'utf8'): ImportFile => ({
  name: 'vehicles.csv',
  format: 'csv',
  base64: Buffer.from(text, encoding).toString('base64'),
});

const HEADER =
  '车牌号,车主,楼栋,单元,房号,电话,车型,颜色,凭证类型,凭证编号,车位,有效期起,有效期止,备注,黑名单';

describe('vehicle import: reading a property office file', () => {
  it('reads quoted cells, doubled quotes, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,"b,c","d ""e"""\r\n1,2,3\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', '2', '3'],
    ]);
  });

  it('checks every row and column, and says which row, which column and what is wrong', async () => {
    const csv = [
      HEADER,
      '浙A12345,王伟,1栋,1单元,101,13800000001,轿车,白色,月租,P1,B1-001,2026-01-01,2026-12-31,,',
      '浙A1234,李芳,1栋,1单元,102,13800000002,轿车,黑色,,,,,,,',
      '浙B77777,,2栋,,201,not-a-phone,飞机,,年卡,,,2026-02-30,2026-01-01,,也许',
      '浙A12345,张敏,3栋,,301,,SUV,,,,,,,,是',
      'ｚｈ浙C1·2345,赵强,3栋,,302,138 0000 0003,suv,,产权车位,,,2026/1/1,2027.1.1,,否',
    ].join('\r\n');
    const read = await readImport(csvFile(csv));
    if ('refusal' in read) throw new Error(read.refusal);
    expect(read.rows).toBe(5);
    expect(read.good.map((g) => [g.row, g.record.plate])).toEqual([[2, '浙A12345']]);
    expect(read.badRows).toBe(4);
    const at = (row: number) => read.problems.filter((p) => p.row === row).map((p) => [p.column, p.problem]);
    expect(at(3)).toEqual([['plate', 'plate_length']]);
    expect(at(4)).toEqual([
      ['owner', 'owner_missing'],
      ['phones', 'phone'],
      ['kind', 'kind'],
      ['blacklisted', 'blacklist'],
      ['permitKind', 'permit_kind'],
      ['validFrom', 'date'],
    ]);
    expect(at(5)).toEqual([['plate', 'plate_repeated']]);
    expect(at(6)).toEqual([['plate', 'plate_province']]);
    // Every problem a file can have is worded in both languages.
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const p of IMPORT_PROBLEMS) expect(MESSAGES[locale].vehicles.import.problem[p]).toBeTruthy();
      for (const r of VEHICLE_IMPORT_REFUSALS)
        expect(MESSAGES[locale].vehicles.import.refusal[r]).toBeTruthy();
    }
  });

  it('reads a CSV Excel saved in GBK, English headers, and several phones in one cell', async () => {
    const text =
      'Plate,Owner,Phones,Permit kind,Valid from,Valid to\n浙A88888,陈杰,13800000001;13900000002,monthly,2026-01-01,2026-06-30\n';
    const read = await readImport(csvFile(text));
    if ('refusal' in read) throw new Error(read.refusal);
    expect(read.good[0]!.record).toMatchObject({
      plate: '浙A88888',
      phones: ['13800000001', '13900000002'],
      permit: { kind: 'monthly', validFrom: '2026-01-01', validTo: '2026-06-30' },
    });
    // 「车牌号,车主」 and a row in GBK, as Excel in Chinese saves a CSV.
    const gbkBytes = Buffer.from('b3b5c5c6bac52cb3b5d6f70ad5e34131323334352cd5c5c8fd0a', 'hex');
    const read2 = await readImport({ name: 'gbk.csv', format: 'csv', base64: gbkBytes.toString('base64') });
    if ('refusal' in read2) throw new Error(read2.refusal);
    expect(read2.good[0]!.record).toMatchObject({ plate: '浙A12345', owner: '张三' });
  });

  it('reads a real .xlsx written by exceljs: text, numbers, dates and rich text cells', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('车辆');
    sheet.addRow(['车牌号', '车主', '房号', '电话', '凭证类型', '有效期起', '有效期止', '黑名单']);
    sheet.addRow([
      '粤BD12345',
      '刘洋',
      1201,
      13800000005,
      '产权车位',
      new Date(Date.UTC(2026, 0, 1)),
      '2026-12-31',
      '',
    ]);
    sheet.addRow([{ richText: [{ text: '粤B' }, { text: '1234' }] }, '吴军', 1202, '', '', '', '', '是']);
    const base64 = Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
    const read = await readImport({ name: 'v.xlsx', format: 'xlsx', base64 });
    if ('refusal' in read) throw new Error(read.refusal);
    expect(read.good).toHaveLength(1);
    expect(read.good[0]!.record).toMatchObject({
      plate: '粤BD12345',
      series: 'new_energy',
      room: '1201',
      phones: ['13800000005'],
      permit: { kind: 'owned_space', validFrom: '2026-01-01', validTo: '2026-12-31' },
    });
    expect(read.problems).toEqual([{ row: 3, column: 'plate', problem: 'plate_length', value: '粤B1234' }]);
  });

  it('refuses a file it cannot use as a whole, with a worded reason', async () => {
    expect(await readImport(csvFile(''))).toEqual({ refusal: 'no_header' });
    expect(await readImport(csvFile('name,colour\nx,y'))).toEqual({ refusal: 'no_plate_column' });
    expect(await readImport(csvFile('车牌号\n'))).toEqual({ refusal: 'no_rows' });
    expect(
      await readImport({
        name: 'x.xlsx',
        format: 'xlsx',
        base64: Buffer.from('not a zip').toString('base64'),
      }),
    ).toEqual({ refusal: 'unreadable' });
  });
});
