import fc from 'fast-check';
import { methods } from '../../../shared/contract';
import {
  MAX_RANGE_DAYS,
  periodBounds,
  previousPeriod,
  type ReportPeriod,
} from '../../../shared/domain/report-period';
import { draw, nastyText, type Boundary } from '../lib';

/**
 * The reports' free input (reports.get / rows / export): a period a person picks or a client makes up. Near-valid
 * periods (real and impossible days, ranges of any length and order) and garbage go through the method's input
 * schema; what passes must give bounds that are in order, at most a year and a day long, and a previous period that
 * ends exactly where this one begins — in China time and in a DST zone alike. Nothing may throw.
 */
const ZONES = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York'];
const day = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        y: fc.integer({ min: 1990, max: 2110 }),
        m: fc.integer({ min: 0, max: 13 }),
        d: fc.integer({ min: 0, max: 32 }),
      })
      .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  },
  { weight: 1, arbitrary: nastyText },
);
const caseArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        kind: fc.constantFrom('day', 'week', 'month', 'quarter', 'year', 'range', 'shift', ''),
        day,
        until: day,
      },
      { requiredKeys: ['kind', 'day'] },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

function check(period: ReportPeriod, zone: string): string | undefined {
  const b = periodBounds(period, zone);
  if (!(b.from < b.to)) return `${JSON.stringify(period)} ${zone}: from ${b.from} not before to ${b.to}`;
  if (b.first > b.last) return `${JSON.stringify(period)}: first day after last`;
  if (b.to - b.from > (MAX_RANGE_DAYS + 1) * 86_400_000)
    return `${JSON.stringify(period)}: longer than allowed`;
  const prev = periodBounds(previousPeriod(period), zone);
  if (prev.to !== b.from)
    return `${JSON.stringify(period)} ${zone}: the previous period ends at ${prev.to}, not ${b.from}`;
  return undefined;
}

const boundary: Boundary = {
  name: 'report-period',
  weight: 1,
  async run(ctx, tally) {
    const input = methods['reports.get'].input;
    for (const c of draw(caseArb, ctx.cases, ctx.seed, 50)) {
      try {
        const parsed = input.safeParse({ period: c, compare: true });
        if (parsed.success) {
          for (const zone of ZONES) {
            const wrong = check(parsed.data.period, zone);
            if (wrong) tally.invalid(wrong);
          }
        }
      } catch (err) {
        tally.crashes++;
        tally.note(`a period threw: ${(err as Error).message.slice(0, 120)}`);
      }
      tally.cases++;
      if (tally.cases % 2000 === 0) ctx.progress(`${tally.cases} cases`);
      // The runner's other boundaries share the event loop: yield now and then.
      if (tally.cases % 500 === 0) await new Promise((r) => setImmediate(r));
    }
  },
};

export default boundary;
