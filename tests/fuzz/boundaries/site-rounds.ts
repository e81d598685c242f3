import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { demoSitePath } from '../../../electron/common/site-file';
import {
  dueList,
  nextDue,
  periodOf,
  prevDue,
  shiftAt,
  type ScheduleZone,
} from '../../../shared/domain/rounds';
import { SiteFile } from '../../../shared/domain/site';
import { draw, nastyText, type Boundary } from '../lib';

/**
 * The site file's rounds (facilities.rounds: video rounds, inspections, checklists), written by hand by whoever
 * sets up a site: random and half-right values in the demo site file. The validation never throws (a wrong file is
 * a list of issues), and for every file it accepts the due times hold: the next due time is after the moment, the
 * last one at or before it, a period ends at its due time, and a shift's due list is computed — in time zones with
 * clock changes and half-hour offsets, at month ends, and over a decade of moments.
 */
const base = JSON.parse(readFileSync(demoSitePath(), 'utf8')) as Record<string, unknown> & {
  facilities: Record<string, unknown>;
};
const ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Chatham',
];
const hhmm = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
  fc.constantFrom('24:00', '7:00', '', '17:60'),
  nastyText,
);
const schedule = fc.record(
  {
    every: fc.oneof(fc.constantFrom('shift', 'day', 'week', 'month'), nastyText),
    at: hhmm,
    weekday: fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: -3, max: 12 }), fc.double()),
    monthDay: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.integer({ min: -1, max: 40 })),
  },
  { requiredKeys: ['every'] },
);
const id = fc.oneof(
  fc.constantFrom('video-all', 'fire', 'a', 'fire'),
  fc.stringMatching(/^[a-z0-9_-]{1,12}$/),
  nastyText,
);
const round = fc.record(
  {
    id,
    name: fc.oneof(
      fc.constant('巡查'),
      fc.record({ 'zh-CN': fc.constant('巡检'), en: fc.constant('Round') }),
      nastyText,
    ),
    kinds: fc.array(fc.oneof(fc.constantFrom('hydrant', 'extinguisher', 'camera', 'lighting'), nastyText), {
      maxLength: 4,
    }),
    zone: fc.oneof(fc.constantFrom('facility', 'bldg-01', 'nowhere'), nastyText),
    schedule,
  },
  { requiredKeys: ['id', 'name', 'schedule'] },
);
const rounds = fc.record(
  {
    video: fc.array(round, { maxLength: 3 }),
    inspections: fc.array(round, { maxLength: 3 }),
    checklists: fc.dictionary(
      fc.constantFrom('hydrant', 'fire_pump', 'spaceship'),
      fc.array(
        fc.record({
          id,
          text: fc.oneof(fc.constant('压力'), nastyText),
          value: fc.option(fc.record({ unit: fc.constant('MPa'), min: fc.double(), max: fc.double() }), {
            nil: undefined,
          }),
        }),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: [] },
);
const caseArb = fc.record({
  rounds: fc.oneof(rounds, fc.anything()),
  timeZone: fc.constantFrom(...ZONES),
  moments: fc.array(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2032, 0, 1) }), {
    minLength: 1,
    maxLength: 4,
  }),
});

const boundary: Boundary = {
  name: 'site-rounds',
  weight: 1,
  async run(ctx, tally) {
    for (const c of draw(caseArb, ctx.cases, ctx.seed, 20)) {
      tally.cases++;
      let parsed: ReturnType<typeof SiteFile.safeParse>;
      try {
        parsed = SiteFile.safeParse({
          ...base,
          timeZone: c.timeZone,
          facilities: { ...base.facilities, rounds: c.rounds },
        });
      } catch (err) {
        tally.crashes++;
        tally.note(`validation threw: ${(err as Error).message.slice(0, 120)}`);
        continue;
      }
      if (!parsed.success) continue;
      const site = parsed.data;
      const z: ScheduleZone = {
        timeZone: site.timeZone,
        bands: { dayStartMin: site.patrol.dayStart, dayEndMin: site.patrol.dayEnd },
      };
      const defs = [...(site.facilities.rounds?.video ?? []), ...(site.facilities.rounds?.inspections ?? [])];
      const started = performance.now();
      try {
        for (const at of c.moments) {
          for (const d of defs) {
            const next = nextDue(d.schedule, at, z);
            const prev = prevDue(d.schedule, at, z);
            const period = periodOf(d.schedule, next, z);
            if (
              !(next > at) ||
              !(prev <= at) ||
              period.to !== next ||
              !(period.from < period.to) ||
              period.from !== prevDue(d.schedule, next - 1, z)
            )
              tally.invalid(
                `${JSON.stringify(d.schedule)} in ${z.timeZone} at ${at}: next ${next}, prev ${prev}`,
              );
          }
          const shift = shiftAt(at, z.timeZone, z.bands);
          if (!(shift.from <= at && at < shift.to))
            tally.invalid(`shift ${JSON.stringify(shift)} misses ${at} in ${z.timeZone}`);
          dueList(defs, new Map(), shift, at, z);
        }
      } catch (err) {
        tally.crashes++;
        tally.note(`due times threw: ${(err as Error).message.slice(0, 160)}`);
      }
      if (performance.now() - started > ctx.stallMs)
        tally.stall(`due times of ${defs.length} rounds took over ${ctx.stallMs} ms`);
      if (tally.cases % 2000 === 0) ctx.progress(`${tally.cases} cases`);
    }
  },
};

export default boundary;
