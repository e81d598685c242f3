import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseCsv, previewImport } from '../../electron/core/facilities';
import { availability, escalationDue, rectificationRate, sameHands } from '../../shared/domain/facilities';

const ZONES = new Set(['bldg-01', 'facility']);
const DAY = 86_400_000;

describe('隐患排查整改率 (rectified on time / found, per period)', () => {
  const from = Date.UTC(2026, 10, 1);
  const to = Date.UTC(2026, 11, 1);
  it('counts hazards found in the period; on time is by the deadline; open ones lower it', () => {
    expect(
      rectificationRate(
        [
          { foundAt: from, deadline: from + DAY, rectifiedAt: from + DAY },
          { foundAt: from + DAY, deadline: from + 2 * DAY, rectifiedAt: from + 3 * DAY },
          { foundAt: from + 2 * DAY, deadline: from + 9 * DAY },
          { foundAt: from + 3 * DAY, rectifiedAt: from + 4 * DAY },
          // Found before the period, rectified in it: another period's.
          { foundAt: from - 1, deadline: from + DAY, rectifiedAt: from + 1 },
          // The period's end is not in it.
          { foundAt: to, deadline: to + DAY, rectifiedAt: to + 1 },
        ],
        { from, to },
      ),
    ).toEqual({ found: 4, rectifiedOnTime: 2, rate: 0.5 });
  });
  it('has no rate when nothing was found', () => {
    expect(rectificationRate([], { from, to })).toEqual({ found: 0, rectifiedOnTime: 0, rate: null });
  });
});

describe('availability, deadlines, second person', () => {
  it('is the share of the known window not faulted or offline', () => {
    const w = { from: 0, to: 100 };
    expect(availability([], 'ok', w)).toBe(1);
    expect(availability([], undefined, w)).toBeNull();
    expect(
      availability(
        [
          { at: 25, state: 'fault' },
          { at: 50, state: 'ok' },
        ],
        'ok',
        w,
      ),
    ).toBe(0.75);
    // First heard of at 60: only the 40 known count.
    expect(
      availability(
        [
          { at: 60, state: 'ok' },
          { at: 80, state: 'offline' },
        ],
        undefined,
        w,
      ),
    ).toBe(0.5);
  });
  it('escalates a pending item past its deadline once', () => {
    expect(escalationDue({ dueAt: 10, pending: true, escalatedAt: null }, 11)).toBe(true);
    expect(escalationDue({ dueAt: 10, pending: true, escalatedAt: null }, 10)).toBe(false);
    expect(escalationDue({ dueAt: 10, pending: true, escalatedAt: 11 }, 20)).toBe(false);
    expect(escalationDue({ dueAt: 10, pending: false, escalatedAt: null }, 20)).toBe(false);
  });
  it('refuses the same hands only', () => {
    expect(sameHands('op-1', 'op-1')).toBe(true);
    expect(sameHands('op-1', 'op-2')).toBe(false);
    expect(sameHands(null, 'op-2')).toBe(false);
  });
});

describe('ledger import: every row judged, codes not sentences', () => {
  it('reads RFC 4180 CSV: quotes, doubled quotes, line breaks in a cell, CRLF, a BOM', () => {
    expect(parseCsv('\uFEFFa,"b,1","c ""q"""\r\n"x\ny",2,\n')).toEqual([
      ['a', 'b,1', 'c "q"'],
      ['x\ny', '2', ''],
    ]);
  });

  it('previews a CSV with bad rows: each wrong cell named, the good rows ready', async () => {
    const csv = [
      '编号,名称,类型,区域,纬度,经度,安装日期,维保人,维保电话,巡检周期（天）,备注',
      'XF-001,1号楼灭火器,灭火器,bldg-01,30.2712,120.1513,2024-05-01,张师傅,13800000011,30,走廊',
      'XF-002,水泵房消防泵,fire_pump,facility,,,2023-02-30,,,7,',
      ',无编号,灭火器,nowhere,95,,,,13800000011,abc,',
      'XF-001,重复,Fire extinguisher,,,,,,,,',
      'XF-003,未知类型,飞船,,,,,李工,12ab,,',
      '',
      'XF-004,2号楼消火栓,hydrant,bldg-01,,,,,,,',
    ].join('\r\n');
    const preview = await previewImport('csv', Buffer.from(csv), ZONES);
    expect(preview.refusal).toBeUndefined();
    expect(preview.ignoredColumns).toEqual(['备注']);
    expect(preview).toMatchObject({ valid: 2, invalid: 4 });
    expect(preview.rows.map((r) => [r.row, r.errors])).toEqual([
      [2, []],
      [3, [{ column: 'installedOn', code: 'bad_date' }]],
      [
        4,
        [
          { column: 'zone', code: 'unknown_zone' },
          { column: 'inspectEveryDays', code: 'bad_number' },
          { column: 'maintainer', code: 'maintainer_incomplete' },
          { column: 'code', code: 'required' },
          { column: 'lat', code: 'bad_number' },
          { column: 'lon', code: 'bad_number' },
        ],
      ],
      [5, [{ column: 'code', code: 'duplicate_code' }]],
      [
        6,
        [
          { column: 'kind', code: 'unknown_kind' },
          { column: 'phone', code: 'bad_phone' },
        ],
      ],
      // The blank line counts as a spreadsheet row.
      [8, []],
    ]);
    expect(preview.rows[0]!.entry).toEqual({
      code: 'XF-001',
      name: '1号楼灭火器',
      kind: 'extinguisher',
      zone: 'bldg-01',
      position: { lat: 30.2712, lon: 120.1513 },
      installedOn: '2024-05-01',
      maintainer: { name: '张师傅', phone: '13800000011' },
      inspectEveryDays: 30,
    });
  });

  it('previews a real .xlsx the way Excel saves it: dates, numbers, English headers', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('台账');
    sheet.addRow([
      'code',
      'name',
      'kind',
      'zone',
      'installed_on',
      'maintainer',
      'phone',
      'maintain_every_days',
    ]);
    sheet.addRow([
      'SD-01',
      '5号楼应急照明',
      'emergency_lighting',
      'facility',
      new Date(Date.UTC(2025, 2, 3)),
      '王工',
      '0571-87010000',
      180,
    ]);
    sheet.addRow(['SD-02', '疏散指示', '疏散指示标志', 'bldg-9', 'yesterday', '', '', -5]);
    const data = Buffer.from(await book.xlsx.writeBuffer());
    const preview = await previewImport('xlsx', data, ZONES);
    expect(preview).toMatchObject({ valid: 1, invalid: 1 });
    expect(preview.rows[0]!.entry).toMatchObject({
      code: 'SD-01',
      kind: 'emergency_lighting',
      installedOn: '2025-03-03',
      maintainer: { name: '王工', phone: '0571-87010000' },
      maintainEveryDays: 180,
    });
    expect(preview.rows[1]!.errors).toEqual([
      { column: 'zone', code: 'unknown_zone' },
      { column: 'installedOn', code: 'bad_date' },
      { column: 'maintainEveryDays', code: 'invalid' },
    ]);
  });

  it('refuses what is no ledger file, in words the page has, without throwing', async () => {
    const refusal = async (format: 'csv' | 'xlsx', data: Buffer) =>
      (await previewImport(format, data, ZONES)).refusal;
    expect(await refusal('xlsx', Buffer.from('not a zip at all'))).toBe('unreadable');
    expect(await refusal('csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).toBe('not_text');
    expect(await refusal('csv', Buffer.alloc(0))).toBe('empty');
    expect(await refusal('csv', Buffer.from('\r\n,,\r\n'))).toBe('empty');
    expect(await refusal('csv', Buffer.from('a,b,c\r\n1,2,3'))).toBe('no_header');
    const many = ['code,name,kind', ...Array.from({ length: 5001 }, (_, i) => `C${i},n,other`)].join('\n');
    expect(await refusal('csv', Buffer.from(many))).toBe('too_many_rows');
  });
});
