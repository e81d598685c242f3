import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPlate, normalizePlate, plateKey, PROVINCES } from '../../shared/domain/plate';
import { PlateIndex } from '../../electron/core/vehicles/plate-index';

const SERIAL = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const province = fc.constantFrom(...PROVINCES);
const letter = fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ');
const serialChar = fc.constantFrom(...SERIAL);
const digit = fc.constantFrom(...'0123456789');
const standardPlate = fc
  .tuple(province, letter, fc.array(serialChar, { minLength: 5, maxLength: 5 }))
  .map(([p, l, s]) => `${p}${l}${s.join('')}`);

describe('plates (GA 36-2018)', () => {
  it.each([
    ['浙A12345', 'standard'],
    ['京 A·1B2C3', 'standard'],
    ['ｚｈ', null],
    ['粤BD12345', 'new_energy'],
    ['沪ADA1234', 'new_energy'],
    ['川A12345D', 'new_energy'],
    ['京A1234警', 'police'],
    ['粤A1234学', 'coach'],
    ['鲁B1234挂', 'trailer'],
    ['粤Z1234港', 'hong_kong'],
    ['粤Z1234澳', 'macao'],
    ['沪A1234领', 'consulate'],
    ['使123456', 'embassy'],
  ] as const)('%s is %s', (raw, series) => {
    const check = checkPlate(raw);
    if (series === null) expect(check.ok).toBe(false);
    else expect(check).toMatchObject({ ok: true, series });
  });

  it.each([
    ['', 'empty'],
    ['A12345', 'province'],
    ['浙112345', 'authority'],
    ['浙A1234', 'length'],
    ['浙A123456789', 'length'],
    ['浙A12O45', 'characters'],
    ['浙AI2345', 'characters'],
    ['浙A123456', 'series'],
    ['浙AX12345', 'series'],
    ['浙A1234港', 'series'],
    ['使12345', 'length'],
  ] as const)('%s is refused: %s', (raw, error) => {
    expect(checkPlate(raw)).toEqual({ ok: false, error });
  });

  it('folds spaces, dots, full-width characters and case into one stored form', () => {
    expect(normalizePlate(' 浙ａ·１２３４５ ')).toBe('浙A12345');
    expect(checkPlate('浙a-12345')).toMatchObject({ ok: true, plate: '浙A12345' });
  });

  it('every standard and new-energy plate made by the rules passes, and its stored form is a fixed point', () => {
    const newEnergy = fc.oneof(
      fc
        .tuple(
          province,
          letter,
          fc.constantFrom('D', 'F'),
          serialChar,
          fc.array(digit, { minLength: 4, maxLength: 4 }),
        )
        .map(([p, l, e, c, d]) => `${p}${l}${e}${c}${d.join('')}`),
      fc
        .tuple(province, letter, fc.array(digit, { minLength: 5, maxLength: 5 }), fc.constantFrom('D', 'F'))
        .map(([p, l, d, e]) => `${p}${l}${d.join('')}${e}`),
    );
    fc.assert(
      fc.property(fc.oneof(standardPlate, newEnergy), (plate) => {
        const check = checkPlate(plate);
        expect(check.ok).toBe(true);
        if (check.ok) expect(checkPlate(check.plate)).toEqual(check);
      }),
    );
  });

  it('a camera confusion (0/D/Q, 8/B, 1/I, 2/Z, 5/S) keeps the key; any other change of a character does not', () => {
    const groups = ['0DQ', '8B', '1I', '2Z', '5S'];
    fc.assert(
      fc.property(standardPlate, fc.nat(), fc.nat(), (plate, at, pick) => {
        const chars = [...plate];
        const i = 2 + (at % 5);
        const group = groups.find((g) => g.includes(chars[i]!));
        if (group) {
          chars[i] = group[pick % group.length]!;
          expect(plateKey(chars.join(''))).toBe(plateKey(plate));
        } else {
          chars[i] = chars[i] === '7' ? '9' : '7';
          expect(plateKey(chars.join(''))).not.toBe(plateKey(plate));
        }
      }),
    );
  });
});

describe('plate index', () => {
  it('finds every plate holding the typed part, as typed first, then through a confusion', () => {
    const index = new PlateIndex();
    index.add('a', '浙A08512');
    index.add('b', '浙AD8S12');
    index.add('c', '沪B77777');
    const found = index.search('085', 10);
    expect(found.total).toBe(2);
    expect(found.hits).toEqual([
      { id: 'a', exact: true },
      { id: 'b', exact: false },
    ]);
    expect(index.search('d8s', 10).hits[0]).toEqual({ id: 'b', exact: true });
    expect(index.search('9', 10).total).toBe(0);
    index.remove('a');
    expect(index.search('085', 10).hits).toEqual([{ id: 'b', exact: false }]);
  });

  it('offers records a read is close to: the same confusion key, or one character apart', () => {
    const index = new PlateIndex();
    index.add('a', '浙A08512');
    index.add('b', '浙A77777');
    expect(index.near('浙AD8512')).toEqual(['a']);
    expect(index.near('浙A77771')).toEqual(['b']);
    expect(index.near('浙A08512')).toEqual([]);
    expect(index.near('浙A12121')).toEqual([]);
  });

  it('agrees with a plain scan for any set of plates and any typed part (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(standardPlate, { maxLength: 40 }),
        fc.string({ maxLength: 4 }),
        (plates, q) => {
          const index = new PlateIndex();
          plates.forEach((p, i) => index.add(String(i), p));
          const key = plateKey(q);
          const expected = key ? plates.filter((p) => plateKey(p).includes(key)).length : 0;
          expect(index.search(q, 100).total).toBe(expected);
        },
      ),
    );
  });

  it('searches 100,000 plates in at most 20 ms as the operator types', () => {
    const index = new PlateIndex();
    const plates = fc.sample(standardPlate, { numRuns: 100_000, seed: 17 });
    plates.forEach((p, i) => index.add(`v${i}`, p));
    const target = plates[4242]!;
    const slowest: number[] = [];
    // Each keystroke of a plate, and a look-alike part; the best of three runs, so a busy machine's pause is not
    // counted as the index's.
    for (const q of [...[3, 4, 5, 6, 7].map((n) => target.slice(1, n)), plateKey(target.slice(3, 7))]) {
      const runs = [0, 1, 2].map(() => {
        const t0 = performance.now();
        const r = index.search(q, 50);
        expect(r.total).toBeGreaterThan(0);
        return performance.now() - t0;
      });
      slowest.push(Math.min(...runs));
    }
    expect(Math.max(...slowest)).toBeLessThanOrEqual(20);
  });
});
