import type { Holiday } from '../../../shared/domain/posts';
import { seededRandom } from '../../../shared/domain/random';
import { localDay, startOfLocalDay } from '../../../shared/domain/report-period';
import type { SiteFile } from '../../../shared/domain/site';

/**
 * The demo's guards at its posts: the gate guard who stands at the south gate, the perimeter walker at the north gate,
 * the car park's patrol at its entrance. Only those the site has.
 */
export function demoPostGuards(site: SiteFile): Map<string, string> {
  const plan: Array<[string, string]> = [
    ['post-south', 'guard-01'],
    ['post-north', 'guard-02'],
    ['post-carpark', 'guard-05'],
  ];
  return new Map(
    plan.filter(([p, g]) => site.posts.some((x) => x.id === p) && site.guards.some((x) => x.id === g)),
  );
}

/** The demo's holiday calendar: the next New Year's Day and Labour Day, and a make-up working Saturday. */
export function demoHolidays(now: number, timeZone: string): Holiday[] {
  const today = localDay(now, timeZone);
  const year = Number(today.slice(0, 4));
  const next = (md: string) => (`${year}-${md}` >= today ? `${year}-${md}` : `${year + 1}-${md}`);
  return [
    { date: next('01-01'), name: '元旦', kind: 'holiday' },
    { date: next('05-01'), name: '劳动节', kind: 'holiday' },
    { date: next('05-02'), name: '劳动节', kind: 'holiday' },
  ];
}

/**
 * The demo's patrol parking counts: the past fortnight and today so far, two rounds a day in each parking and gate
 * zone, mostly compliant, so the reports' 车辆规范停放率 shows a number. Deterministic (a seeded generator).
 */
export function demoParkingCounts(site: SiteFile, now: number) {
  const areas = site.zones.filter((z) => z.kind === 'parking' || z.kind === 'gate' || z.kind === 'fire_lane');
  const guards = site.guards.map((g) => g.id);
  const random = seededRandom(17);
  const tz = site.timeZone;
  const out = [];
  const today = startOfLocalDay(localDay(now, tz), tz);
  for (let d = 14; d >= 0; d--) {
    const midnight = today - d * 86_400_000;
    for (const hour of [10, 15]) {
      const at = midnight + hour * 3600_000 + Math.floor(random() * 40) * 60_000;
      if (at > now) continue;
      for (const area of areas) {
        const counted = 10 + Math.floor(random() * 30);
        const violations =
          random() < 0.6 ? 0 : 1 + Math.floor(random() * (area.kind === 'fire_lane' ? 2 : 3));
        out.push({
          at,
          area: area.id,
          counted,
          violations,
          guard_id: guards.length ? guards[Math.floor(random() * guards.length)]! : null,
          note: '',
          recorded_at: at,
          recorded_by: 'system',
        });
      }
    }
  }
  return out;
}
