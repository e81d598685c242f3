import {
  FacilityInput,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  type ImportPreview,
  type ImportRefusal,
  type ImportRow,
} from '../../../shared/contract';
import { FACILITY_KINDS, type FacilityKind } from '../../../shared/domain/facilities';
import { MESSAGES } from '../../../shared/i18n';
import { hasText, readTable } from '../util/sheet';

/**
 * A ledger file (CSV or .xlsx) read into rows the ledger can take, each with what is wrong with it. The file comes
 * from whoever keeps the property office's spreadsheet: anything may be in it, so nothing here throws; a file it
 * cannot read is a refusal with a code the page words.
 */

type Field =
  | 'code'
  | 'name'
  | 'kind'
  | 'zone'
  | 'lat'
  | 'lon'
  | 'installedOn'
  | 'maintainer'
  | 'phone'
  | 'inspectEveryDays'
  | 'maintainEveryDays'
  | 'deviceId';

/** Header names each column is known by: the English id and the Chinese a property office writes. */
export const IMPORT_COLUMNS: Record<Field, readonly string[]> = {
  code: ['code', '编号'],
  name: ['name', '名称'],
  kind: ['kind', '类型'],
  zone: ['zone', '区域'],
  lat: ['lat', '纬度'],
  lon: ['lon', '经度'],
  installedOn: ['installed_on', '安装日期'],
  maintainer: ['maintainer', '维保人'],
  phone: ['phone', '维保电话'],
  inspectEveryDays: ['inspect_every_days', '巡检周期（天）', '巡检周期(天)'],
  maintainEveryDays: ['maintain_every_days', '保养周期（天）', '保养周期(天)'],
  deviceId: ['device_id', '设备号'],
};

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, '');
const FIELD_OF = new Map<string, Field>(
  (Object.entries(IMPORT_COLUMNS) as [Field, readonly string[]][]).flatMap(([f, names]) =>
    names.map((n) => [norm(n), f] as const),
  ),
);

/** A kind by its id or its name in either language (「灭火器」, "Fire extinguisher"). */
const KIND_OF = new Map<string, FacilityKind>(
  FACILITY_KINDS.flatMap((k) => [
    [norm(k), k] as const,
    [norm(MESSAGES['zh-CN'].facilities.kind[k]), k] as const,
    [norm(MESSAGES.en.facilities.kind[k]), k] as const,
  ]),
);

function refused(code: ImportRefusal): ImportPreview {
  return { rows: [], valid: 0, invalid: 0, refusal: code, ignoredColumns: [] };
}

const ISSUE_CODE: Record<string, ImportRow['errors'][number]['code']> = {
  too_big: 'too_long',
  invalid_format: 'invalid',
  invalid_value: 'invalid',
};

/**
 * Reads a ledger file into the preview: every row with its errors (and, when it has none, the entry it makes).
 * `zones` are the site's zone ids; codes must be unique within the file.
 */
export async function previewImport(
  format: 'csv' | 'xlsx',
  data: Buffer,
  zones: ReadonlySet<string>,
): Promise<ImportPreview> {
  if (data.length > MAX_IMPORT_BYTES) return refused('too_large');
  if (data.length === 0) return refused('empty');
  // A spreadsheet saved as CSV is text; a NUL is a binary file sent as CSV.
  if (format === 'csv' && data.includes(0)) return refused('not_text');
  const table = await readTable(format, data, MAX_IMPORT_ROWS + 1);
  if (typeof table === 'string') return refused(table);
  const rows = table.filter(hasText);
  if (rows.length === 0) return refused('empty');
  if (rows.length > MAX_IMPORT_ROWS + 1) return refused('too_many_rows');
  const header = rows[0]!.map((h) => FIELD_OF.get(norm(h)));
  if (!header.includes('code') || !header.includes('name') || !header.includes('kind'))
    return refused('no_header');
  const ignoredColumns = rows[0]!.filter((h, i) => h.trim() && !header[i]).map((h) => h.slice(0, 40));
  const seen = new Set<string>();
  const out: ImportRow[] = [];
  // Row numbers as the spreadsheet shows them: blank lines count there too.
  const numbers = table.map((r, i) => (hasText(r) ? i + 1 : 0)).filter((n) => n > 0);
  for (const [index, cells] of rows.slice(1).entries()) {
    const row = numbers[index + 1] ?? index + 2;
    const value: Partial<Record<Field, string>> = {};
    header.forEach((f, i) => {
      const v = (cells[i] ?? '').trim();
      if (f && v) value[f] = v;
    });
    const errors: ImportRow['errors'] = [];
    const kind = value.kind ? KIND_OF.get(norm(value.kind)) : undefined;
    if (value.kind && !kind) errors.push({ column: 'kind', code: 'unknown_kind' });
    if (value.zone && !zones.has(value.zone)) errors.push({ column: 'zone', code: 'unknown_zone' });
    const number = (f: Field) => {
      const v = value[f];
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n)) errors.push({ column: f, code: 'bad_number' });
      return Number.isFinite(n) ? n : undefined;
    };
    const lat = number('lat');
    const lon = number('lon');
    const inspect = number('inspectEveryDays');
    const maintain = number('maintainEveryDays');
    if (value.installedOn && !validDay(value.installedOn))
      errors.push({ column: 'installedOn', code: 'bad_date' });
    if (Boolean(value.maintainer) !== Boolean(value.phone))
      errors.push({ column: value.maintainer ? 'phone' : 'maintainer', code: 'maintainer_incomplete' });
    if (value.code) {
      if (seen.has(value.code)) errors.push({ column: 'code', code: 'duplicate_code' });
      seen.add(value.code);
    }
    const candidate = {
      code: value.code ?? '',
      name: value.name ?? '',
      kind: kind ?? (value.kind ? 'other' : ''),
      ...(value.zone ? { zone: value.zone } : {}),
      ...(lat !== undefined || lon !== undefined ? { position: { lat, lon } } : {}),
      ...(value.installedOn && validDay(value.installedOn) ? { installedOn: value.installedOn } : {}),
      ...(value.maintainer && value.phone
        ? { maintainer: { name: value.maintainer, phone: value.phone } }
        : {}),
      ...(inspect !== undefined ? { inspectEveryDays: inspect } : {}),
      ...(maintain !== undefined ? { maintainEveryDays: maintain } : {}),
      ...(value.deviceId ? { deviceId: value.deviceId } : {}),
    };
    const parsed = FacilityInput.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const top = String(issue.path[0] ?? '');
        const column =
          top === 'position'
            ? String(issue.path[1] ?? 'lat')
            : top === 'maintainer'
              ? issueColumn(issue.path)
              : top;
        if (errors.some((e) => e.column === column)) continue;
        const empty =
          (value as Record<string, string | undefined>)[column] === undefined && column !== 'kind';
        errors.push({
          column,
          code:
            column === 'phone'
              ? 'bad_phone'
              : column === 'lat' || column === 'lon'
                ? 'bad_number'
                : (empty && ['code', 'name'].includes(column)) || (column === 'kind' && !value.kind)
                  ? 'required'
                  : (ISSUE_CODE[issue.code] ??
                    (issue.code === 'too_small' && empty ? 'required' : 'invalid')),
        });
      }
    }
    out.push({ row, errors, ...(errors.length === 0 && parsed.success ? { entry: parsed.data } : {}) });
  }
  const invalid = out.filter((r) => r.errors.length > 0).length;
  return { rows: out, valid: out.length - invalid, invalid, ignoredColumns };
}

function issueColumn(path: readonly PropertyKey[]): string {
  return path[1] === 'phone' ? 'phone' : 'maintainer';
}

function validDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}
