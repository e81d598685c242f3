import type { Knex } from 'knex';
import type { SiteFile } from '../../../shared/domain/site';
import { pickText } from '../../../shared/domain/text';
import { DEMO_FIRE_LANE_PLATE } from '../../../shared/domain/demo-vehicles';
import type { Violations } from './violations';

export {
  demoVehicles,
  DEMO_FIRE_LANE_PLATE,
  DEMO_VISITOR,
  DEMO_VISITOR_PLATE,
} from '../../../shared/domain/demo-vehicles';

/**
 * The demo's fire-lane violation: a resident's car a guard found in the fire lane a few minutes ago, so the desk
 * has one to phone about. Once per demo database; a site without a fire lane has none.
 */
export async function seedDemoViolation(violations: Violations, db: Knex, site: SiteFile, now: number) {
  const lane = site.noParking.areas.find((a) => a.kind === 'fire_lane');
  if (!lane || (await db('violations').first())) return;
  const guard = site.guards[0]?.name;
  await db.transaction((trx) =>
    violations.openIn(
      trx,
      {
        plate: DEMO_FIRE_LANE_PLATE,
        area: lane.id,
        source: 'guard',
        foundBy: guard ? pickText(guard, 'zh-CN') : 'guard',
        at: now - 2 * 60_000,
      },
      { id: 'system', name: 'system' },
    ),
  );
}
