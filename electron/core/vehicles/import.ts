import {
  IMPORT_COLUMNS,
  MAX_VEHICLE_IMPORT_ROWS,
  PERMIT_KINDS,
  VEHICLE_KINDS,
  type ImportColumn,
  type ImportFile,
  type VehicleImportPreview,
  type ImportProblem,
  type ImportRowProblem,
  type VehicleView,
} from '../../../shared/contract';
import { checkPlate } from '../../../shared/domain/plate';
import { hasText, readTable, squash } from '../util/sheet';

/** A row as it would be stored. */
export type VehicleRecord = Omit<VehicleView, 'id' | 'updatedAt'>;

/** Each column's header in the files the console writes, Chinese first (what an office's clerk reads). */
export const COLUMN_HEADERS: Record<ImportColumn, { 'zh-CN': string; en: string; also: string[] }> = {
  plate: {
    'zh-CN': '车牌号',
    en: 'Plate',
    also: ['车牌', '车牌号码', 'plate number', 'licence plate', 'license plate'],
  },
  owner: { 'zh-CN': '车主', en: 'Owner', also: ['车主姓名', '姓名', 'name'] },
  building: { 'zh-CN': '楼栋', en: 'Building', also: ['楼号', '栋'] },
  unit: { 'zh-CN': '单元', en: 'Unit', also: [] },
  room: { 'zh-CN': '房号', en: 'Room', also: ['房间', '门牌号'] },
  phones: { 'zh-CN': '电话', en: 'Phones', also: ['联系电话', '手机', '手机号', 'phone', 'mobile'] },
  kind: { 'zh-CN': '车型', en: 'Kind', also: ['车辆类型', 'type', 'vehicle kind'] },
  colour: { 'zh-CN': '颜色', en: 'Colour', also: ['车身颜色', 'color'] },
  permitKind: { 'zh-CN': '凭证类型', en: 'Permit kind', also: ['凭证', 'permit'] },
  permitNumber: { 'zh-CN': '凭证编号', en: 'Permit number', also: ['凭证号', '卡号'] },
  space: { 'zh-CN': '车位', en: 'Space', also: ['车位号', '停放区域', 'area'] },
  validFrom: { 'zh-CN': '有效期起', en: 'Valid from', also: ['起始日期', 'from'] },
  validTo: { 'zh-CN': '有效期止', en: 'Valid to', also: ['截止日期', '到期日', 'to'] },
  notes: { 'zh-CN': '备注', en: 'Notes', also: ['note'] },
  blacklisted: { 'zh-CN': '黑名单', en: 'Blacklisted', also: ['blacklist'] },
};

/** The words a file may use for a vehicle kind and a permit kind, in either language. */
export const KIND_WORDS: Record<string, (typeof VEHICLE_KINDS)[number]> = {
  轿车: 'car',
  小型车: 'car',
  小汽车: 'car',
  suv: 'suv',
  越野车: 'suv',
  mpv: 'mpv',
  商务车: 'mpv',
  面包车: 'van',
  货车: 'truck',
  摩托车: 'motorcycle',
  其他: 'other',
  ...Object.fromEntries(VEHICLE_KINDS.map((k) => [k, k])),
};
export const PERMIT_WORDS: Record<string, (typeof PERMIT_KINDS)[number]> = {
  产权车位: 'owned_space',
  租赁车位: 'rented_space',
  月租: 'monthly',
  月卡: 'monthly',
  临时: 'temporary',
  ...Object.fromEntries(PERMIT_KINDS.map((k) => [k, k])),
};
export const KIND_NAMES: Record<(typeof VEHICLE_KINDS)[number], string> = {
  car: '轿车',
  suv: 'SUV',
  mpv: 'MPV',
  van: '面包车',
  truck: '货车',
  motorcycle: '摩托车',
  other: '其他',
};
export const PERMIT_NAMES: Record<(typeof PERMIT_KINDS)[number], string> = {
  owned_space: '产权车位',
  rented_space: '租赁车位',
  monthly: '月租',
  temporary: '临时',
};

const LIMITS: Partial<Record<ImportColumn, number>> = {
  owner: 60,
  building: 20,
  unit: 20,
  room: 20,
  colour: 20,
  permitNumber: 40,
  space: 40,
  notes: 500,
};

const squashed = <V>(words: Record<string, V>): Record<string, V> =>
  Object.fromEntries(Object.entries(words).map(([k, v]) => [squash(k), v]));
const KINDS_READ = squashed(KIND_WORDS);
const PERMITS_READ = squashed(PERMIT_WORDS);

function columnOf(header: string): ImportColumn | undefined {
  const h = squash(header);
  return IMPORT_COLUMNS.find((c) => {
    const names = COLUMN_HEADERS[c];
    return [names['zh-CN'], names.en, c, ...names.also].some((n) => squash(n) === h);
  });
}

/** `2026-03-01`, `2026/3/1`, `2026.03.01` as `YYYY-MM-DD`; undefined if it is not a real date. */
export function dateOf(text: string): string | undefined {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return date.toISOString().slice(0, 10);
}

const YES = new Set(['是', 'y', 'yes', 'true', '1', '黑名单']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '']);
const PHONE = /^[0-9+\-() ]{3,32}$/;

export interface ReadRows {
  /** Stored form of each good row, with its spreadsheet row number. */
  good: { row: number; record: VehicleRecord }[];
  problems: ImportRowProblem[];
  badRows: number;
  rows: number;
  columns: ImportColumn[];
}

/** Reads the file into rows and checks each cell; a refusal when the file as a whole cannot be used. */
export async function readImport(
  file: ImportFile,
): Promise<ReadRows | { refusal: Extract<VehicleImportPreview, { ok: false }>['refusal'] }> {
  const bytes = Buffer.from(file.base64, 'base64');
  if (bytes.length > 8 * 1024 * 1024) return { refusal: 'too_large' };
  const read = await readTable(file.format, bytes, MAX_VEHICLE_IMPORT_ROWS + 1);
  if (typeof read === 'string') return { refusal: read };
  // Rows are numbered as the file's non-blank rows, header first.
  const table = read.filter(hasText);
  const header = table[0];
  if (!header) return { refusal: 'no_header' };
  const columns = header.map((h) => columnOf(h.replace(/^\uFEFF/, '')));
  if (!columns.includes('plate')) return { refusal: columns.some(Boolean) ? 'no_plate_column' : 'no_header' };
  if (table.length < 2) return { refusal: 'no_rows' };
  if (table.length - 1 > MAX_VEHICLE_IMPORT_ROWS) return { refusal: 'too_many_rows' };
  return checkRows(table.slice(1), columns);
}

function checkRows(body: string[][], columns: (ImportColumn | undefined)[]): ReadRows {
  const out: ReadRows = {
    good: [],
    problems: [],
    badRows: 0,
    rows: body.length,
    columns: columns.filter((c): c is ImportColumn => c !== undefined),
  };
  const seen = new Set<string>();
  body.forEach((cells, index) => {
    const row = index + 2;
    const get = (c: ImportColumn): string => {
      const at = columns.indexOf(c);
      // A leading apostrophe is how a spreadsheet (and the console's own export) keeps a cell text.
      return at < 0 ? '' : (cells[at] ?? '').trim().replace(/^'/, '');
    };
    const problems: ImportRowProblem[] = [];
    const problem = (column: ImportColumn, p: ImportProblem) =>
      problems.push({ row, column, problem: p, value: get(column).slice(0, 60) });
    for (const [c, max] of Object.entries(LIMITS) as [ImportColumn, number][])
      if (get(c).length > max) problem(c, 'too_long');
    const plate = checkPlate(get('plate'));
    if (!plate.ok) problem('plate', `plate_${plate.error}`);
    else if (seen.has(plate.plate)) problem('plate', 'plate_repeated');
    if (!get('owner')) problem('owner', 'owner_missing');
    const phones = get('phones')
      .split(/[,;，；/、\s]+/)
      .filter(Boolean);
    if (phones.some((p) => !PHONE.test(p)) || phones.length > 4) problem('phones', 'phone');
    const kindText = squash(get('kind'));
    const kind = kindText ? KINDS_READ[kindText] : 'car';
    if (!kind) problem('kind', 'kind');
    const blackText = squash(get('blacklisted'));
    if (!YES.has(blackText) && !NO.has(blackText)) problem('blacklisted', 'blacklist');
    const permitText = squash(get('permitKind'));
    const hasPermit = Boolean(permitText || get('validFrom') || get('validTo') || get('permitNumber'));
    const permitKind = permitText ? PERMITS_READ[permitText] : undefined;
    const from = dateOf(get('validFrom'));
    const to = dateOf(get('validTo'));
    if (hasPermit) {
      if (!permitKind) problem('permitKind', 'permit_kind');
      if (!from) problem('validFrom', 'date');
      if (!to) problem('validTo', 'date');
      if (from && to && to < from) problem('validTo', 'date_order');
    }
    if (problems.length > 0 || !plate.ok) {
      out.badRows += 1;
      for (const p of problems) if (out.problems.length < 500) out.problems.push(p);
      return;
    }
    seen.add(plate.plate);
    out.good.push({
      row,
      record: {
        plate: plate.plate,
        series: plate.series,
        owner: get('owner'),
        building: get('building'),
        unit: get('unit'),
        room: get('room'),
        phones,
        kind: kind ?? 'car',
        colour: get('colour'),
        ...(hasPermit && permitKind && from && to
          ? {
              permit: {
                kind: permitKind,
                number: get('permitNumber'),
                space: get('space'),
                validFrom: from,
                validTo: to,
              },
            }
          : {}),
        notes: get('notes'),
        blacklisted: YES.has(blackText),
      },
    });
  });
  return out;
}

/** The import format's header and one row of it, for the export (CSV and .xlsx alike). */
export const EXPORT_HEADER = IMPORT_COLUMNS.map((c) => COLUMN_HEADERS[c]['zh-CN']);
export function exportRow(v: VehicleRecord): string[] {
  return [
    v.plate,
    v.owner,
    v.building,
    v.unit,
    v.room,
    v.phones.join(' '),
    KIND_NAMES[v.kind],
    v.colour,
    v.permit ? PERMIT_NAMES[v.permit.kind] : '',
    v.permit?.number ?? '',
    v.permit?.space ?? '',
    v.permit?.validFrom ?? '',
    v.permit?.validTo ?? '',
    v.notes,
    v.blacklisted ? '是' : '',
  ];
}
