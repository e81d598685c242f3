/**
 * Chinese motor-vehicle plates (GA 36-2018, 中华人民共和国机动车号牌): what a valid plate looks like, and the key that
 * makes a licence-plate camera's usual misreadings (0/D/Q, 8/B, 1/I, 2/Z, 5/S) find the right record.
 */

/** The 31 provincial-level abbreviations a plate starts with (GA 36-2018 appendix: 省、自治区、直辖市简称). */
export const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

/**
 * A plate's series, from its shape: `standard` (7 characters), `new_energy` (8: D pure electric / F other, at the
 * front of the serial for small vehicles, at its end for large ones), and the special series whose last character
 * names them: 警 police, 学 driving-school, 挂 trailer, 港/澳 Hong Kong / Macao vehicles entering through Guangdong
 * (粤Z), 领 consulate; and 使 embassy plates, which start with 使 and have no province.
 */
export const PLATE_SERIES = [
  'standard',
  'new_energy',
  'police',
  'coach',
  'trailer',
  'hong_kong',
  'macao',
  'consulate',
  'embassy',
] as const;
export type PlateSeries = (typeof PLATE_SERIES)[number];

/** Why a text is not a plate, worded by the console (`vehicles.plateError.<code>`). */
export const PLATE_ERRORS = ['empty', 'province', 'authority', 'length', 'characters', 'series'] as const;
export type PlateError = (typeof PLATE_ERRORS)[number];

export type PlateCheck = { ok: true; plate: string; series: PlateSeries } | { ok: false; error: PlateError };

/**
 * What people and cameras add around the characters: spaces, the middle dot of the plate (·, •, ・), dashes,
 * full-width letters and digits (a Chinese input method's), lower case.
 */
export function normalizePlate(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s·•・.\-_]/g, '')
    .toUpperCase();
}

/** Letters of the serial: GA 36 leaves out I and O, which read as 1 and 0. */
const SERIAL = 'A-HJ-NP-Z0-9';
const AUTHORITY = /^[A-Z]$/;

const SHAPES: [PlateSeries, RegExp][] = [
  ['standard', new RegExp(`^[${SERIAL}]{5}$`)],
  // Small new-energy vehicles: D/F, then a letter or digit, then four digits; large ones: five digits, then D/F.
  ['new_energy', /^(?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF])$/],
  ['police', new RegExp(`^[${SERIAL}]{4}警$`)],
  ['coach', new RegExp(`^[${SERIAL}]{4}学$`)],
  ['trailer', new RegExp(`^[${SERIAL}]{4}挂$`)],
  ['hong_kong', new RegExp(`^[${SERIAL}]{4}港$`)],
  ['macao', new RegExp(`^[${SERIAL}]{4}澳$`)],
  ['consulate', new RegExp(`^[${SERIAL}]{4}领$`)],
];

/** Checks a typed or imported plate and gives it in its one stored form (`京A12345`, `粤BD12345`). */
export function checkPlate(raw: string): PlateCheck {
  const plate = normalizePlate(raw);
  if (!plate) return { ok: false, error: 'empty' };
  const chars = [...plate];
  if (chars[0] === '使') {
    // Embassy plates: 使 and six digits (three for the mission, three for the vehicle).
    return /^使[0-9]{6}$/.test(plate)
      ? { ok: true, plate, series: 'embassy' }
      : { ok: false, error: chars.length === 7 ? 'characters' : 'length' };
  }
  if (!PROVINCES.includes(chars[0]!)) return { ok: false, error: 'province' };
  if (chars.length < 2 || !AUTHORITY.test(chars[1]!)) return { ok: false, error: 'authority' };
  if (chars.length !== 7 && chars.length !== 8) return { ok: false, error: 'length' };
  const serial = chars.slice(2).join('');
  for (const [series, shape] of SHAPES) {
    if (!shape.test(serial)) continue;
    if ((series === 'hong_kong' || series === 'macao') && !plate.startsWith('粤Z'))
      return { ok: false, error: 'series' };
    return { ok: true, plate, series };
  }
  if (chars.length === 8) return { ok: false, error: 'series' };
  return { ok: false, error: /^[A-Z0-9]*$/.test(serial) ? 'characters' : 'series' };
}

/**
 * Characters a plate camera (or a tired eye) mixes up, each group folded to one: a search or a read compared on
 * this key finds `京AD8S12` under `京A08512`. Kept to the confusions seen in practice so the key stays selective.
 */
const CONFUSABLE: Record<string, string> = {
  O: '0',
  D: '0',
  Q: '0',
  B: '8',
  I: '1',
  Z: '2',
  S: '5',
};

/** The confusion-folded form of a plate or of part of one (already normalized or not). */
export function plateKey(raw: string): string {
  let out = '';
  for (const ch of normalizePlate(raw)) out += CONFUSABLE[ch] ?? ch;
  return out;
}

/** Two plates that differ only by confusable characters: a camera's read of the same car, most likely. */
export function platesConfusable(a: string, b: string): boolean {
  return plateKey(a) === plateKey(b);
}
