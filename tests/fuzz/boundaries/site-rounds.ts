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
/** Mostly what a person would write, sometimes not: a wrong value only makes that file a list of issues. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 12, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: bad });
const hhmm = mostly(
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
  fc.oneof(fc.constantFrom('24:00', '7:00', '', '17:60'), nastyText),
);
const schedule = fc.record(
  {
    every: mostly(fc.constantFrom('shift', 'day', 'week', 'month'), nastyText),
    at: hhmm,
    weekday: mostly(fc.integer({ min: 1, max: 7 }), fc.oneof(fc.integer({ min: -3, max: 12 }), fc.double())),
    monthDay: mostly(fc.integer({ min: 1, max: 31 }), fc.integer({ min: -1, max: 40 })),
  },
  { requiredKeys: ['every'] },
);
const id = mostly(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,11}$/), nastyText);
const name = mostly(
  fc.oneof(fc.constant('巡查'), fc.record({ 'zh-CN': fc.constant('巡检'), en: fc.constant('Round') })),
  nastyText,
);
const zone = mostly(fc.constantFrom('facility', 'bldg-01'), fc.oneof(fc.constant('nowhere'), nastyText));
const video = fc.record({ id, name, zone, schedule }, { requiredKeys: ['id', 'name', 'schedule'] });
const inspection = fc.record(
  {
    id,
    name,
    kinds: fc.array(mostly(fc.constantFrom('hydrant', 'extinguisher', 'camera', 'lighting'), nastyText), {
      minLength: 1,
      maxLength: 4,
    }),
    zone,
    schedule,
  },
  { requiredKeys: ['id', 'name', 'kinds', 'schedule'] },
);
const item = fc.record(
  {
    id,
    text: mostly(fc.constant('压力'), nastyText),
    value: fc.record(
      { unit: fc.constant('MPa'), min: fc.double({ noNaN: true }), max: fc.double({ noNaN: true }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['id', 'text'] },
);
const rounds = fc.record(
  {
    video: fc.array(video, { maxLength: 3 }),
    inspections: fc.array(inspection, { maxLength: 3 }),
    checklists: fc.dictionary(
      mostly(fc.constantFrom('hydrant', 'fire_pump'), fc.constant('spaceship')) as fc.Arbitrary<string>,
      fc.array(item, { minLength: 1, maxLength: 3 }),
      { maxKeys: 2 },
    ),
  },
  { requiredKeys: [] },
);
const caseArb = fc.record({
  rounds: mostly(rounds, fc.anything()),
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
    // The accepted files are the ones whose due times are checked: a run that accepts none checks nothing.
    let accepted = 0;
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
      accepted++;
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
    ctx.progress(`${accepted} site files accepted, their due times checked`);
    if (accepted < tally.cases / 10)
      tally.invalid(`only ${accepted} of ${tally.cases} site files were valid`);
  },
};

export default boundary;
