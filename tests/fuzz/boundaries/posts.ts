import fc from 'fast-check';
import { methods } from '../../../shared/contract';
import { guardShiftAt, PeakDef, peaksAt, type Holiday } from '../../../shared/domain/posts';
import { draw, nastyText, type Boundary } from '../lib';

/**
 * The posts' free input (issue 17), in process: a supervisor's assignment (`posts.assign`: a shift key), a holiday
 * (`holidays.save`: a date and a name), a patrol count (`parking.record`), and a site file's peak windows. Near-valid
 * values and garbage go through the methods' and the site file's schemas; what passes must mean something: a shift key
 * names a real date, a holiday is a calendar date, a count has no more violations than vehicles, and a peak found
 * running at an instant holds it in a window of at most a day — in China time and in a DST zone alike. Nothing may
 * throw.
 */
const ZONES = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York'];
const two = (n: number) => String(n).padStart(2, '0');
const date = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        y: fc.integer({ min: 1990, max: 2110 }),
        m: fc.integer({ min: 0, max: 13 }),
        d: fc.integer({ min: 0, max: 32 }),
      })
      .map(({ y, m, d }) => `${y}-${two(m)}-${two(d)}`),
  },
  { weight: 1, arbitrary: nastyText },
);
const hhmm = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({ h: fc.integer({ min: 0, max: 25 }), m: fc.integer({ min: 0, max: 61 }) })
      .map(({ h, m }) => `${two(h)}:${two(m)}`),
  },
  { weight: 1, arbitrary: nastyText },
);
const count = fc.oneof(fc.integer({ min: -5, max: 6000 }), fc.double(), fc.constant(Number.NaN), nastyText);

const caseArb = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('assign' as const),
        postId: fc.oneof(fc.constantFrom('post-south', 'post-x'), nastyText),
        shift: fc.oneof(
          fc.tuple(date, fc.constantFrom('day', 'night', 'noon')).map(([d, b]) => `${d}/${b}`),
          nastyText,
        ),
        guardId: fc.oneof(fc.constantFrom('guard-01', ''), nastyText),
      },
      { requiredKeys: ['kind', 'postId', 'shift'] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('holiday' as const),
        date,
        name: fc.oneof(fc.constantFrom('元旦', '春节', ' ', ''), nastyText),
        holidayKind: fc.constantFrom('holiday', 'workday', 'weekend'),
      },
      { requiredKeys: ['kind', 'date'] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('count' as const),
        area: fc.oneof(fc.constantFrom('carpark-entrance'), nastyText),
        counted: count,
        violations: count,
        at: fc.oneof(fc.integer({ min: -10, max: 2 ** 53 }), nastyText),
      },
      { requiredKeys: ['kind', 'area', 'counted', 'violations'] },
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('peak' as const),
      from: hhmm,
      to: hhmm,
      days: fc.array(fc.constantFrom('workday', 'weekend', 'holiday', 'monday'), { maxLength: 4 }),
      at: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
      holiday: date,
    }),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

const realDate = (d: string) => {
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
};

function check(c: unknown): string | undefined {
  if (typeof c !== 'object' || c === null || !('kind' in c)) {
    for (const m of ['posts.assign', 'holidays.save', 'parking.record'] as const)
      methods[m].input.safeParse(c);
    return undefined;
  }
  const x = c as Record<string, unknown>;
  if (x.kind === 'assign') {
    const p = methods['posts.assign'].input.safeParse({
      postId: x.postId,
      shift: x.shift,
      guardId: x.guardId,
    });
    if (p.success) {
      const [day, band] = p.data.shift.split('/');
      if (!realDate(day ?? '') || (band !== 'day' && band !== 'night'))
        return `shift ${JSON.stringify(p.data.shift)} passed`;
    }
  } else if (x.kind === 'holiday') {
    const p = methods['holidays.save'].input.safeParse({ date: x.date, name: x.name, kind: x.holidayKind });
    if (p.success && !realDate(p.data.date)) return `holiday date ${p.data.date} passed`;
    if (p.success && p.data.name.trim() === '') return 'an empty holiday name passed';
  } else if (x.kind === 'count') {
    const p = methods['parking.record'].input.safeParse({
      area: x.area,
      counted: x.counted,
      violations: x.violations,
      ...(x.at !== undefined ? { at: x.at } : {}),
    });
    if (p.success && !(p.data.violations <= p.data.counted && p.data.counted >= 1))
      return `count ${JSON.stringify(p.data)} passed`;
  } else if (x.kind === 'peak') {
    const peak = PeakDef.safeParse({
      id: 'p',
      name: 'p',
      days: x.days,
      from: x.from,
      to: x.to,
      posts: ['a'],
    });
    const holiday = { kind: 'holiday' } as Pick<Holiday, 'kind'>;
    const calendar = new Map([[String(x.holiday), holiday]]);
    if (!peak.success) return undefined;
    for (const zone of ZONES) {
      const at = x.at as number;
      for (const a of peaksAt(at, [peak.data], calendar, zone)) {
        if (!(a.from <= at && at < a.to))
          return `${JSON.stringify(x)} ${zone}: ${at} outside [${a.from}, ${a.to})`;
        if (a.to - a.from > 25 * 3600_000) return `${JSON.stringify(x)} ${zone}: a window longer than a day`;
      }
      const s = guardShiftAt(at, zone, { dayStartMin: 8 * 60, dayEndMin: 20 * 60 });
      if (!(s.from <= at && at < s.to)) return `${zone}: ${at} outside its shift ${s.key}`;
    }
  }
  return undefined;
}

const boundary: Boundary = {
  name: 'posts',
  weight: 1,
  async run(ctx, tally) {
    for (const c of draw(caseArb, ctx.cases, ctx.seed, 50)) {
      try {
        const wrong = check(c);
        if (wrong) tally.invalid(wrong);
      } catch (err) {
        tally.crashes++;
        tally.note(`a posts input threw: ${(err as Error).message.slice(0, 120)}`);
      }
      tally.cases++;
      if (tally.cases % 2000 === 0) ctx.progress(`${tally.cases} cases`);
      if (tally.cases % 500 === 0) await new Promise((r) => setImmediate(r));
    }
  },
};

export default boundary;
