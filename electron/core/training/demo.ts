import type { Knex } from 'knex';
import { localParts } from '../../../shared/domain/rounds';
import type { SiteFile } from '../../../shared/domain/site';

/** What the demo's records say, in the words a supervisor would write them (Chinese): data, in either language. */
export const DEMO_TRAINING_TEXTS = {
  course: '消防控制室值班操作与火警处置（季度）',
  drill: '灭火器与室内消火栓实操',
  trainer: '区消防救援大队 宣传科',
  skills: '市职业技能鉴定中心',
  police: '市公安局',
  guardCard: '沪保 2019046612',
  by: '演示',
} as const;

/** The local day `days` from `now` in the site's calendar, as a record writes it. */
function dayFrom(now: number, days: number, timeZone: string): string {
  const p = localParts(now, timeZone);
  return new Date(Date.UTC(p.y, p.m - 1, p.d + days)).toISOString().slice(0, 10);
}

/**
 * The demo's training records and certificates, once per demo database: the guards' quarterly fire training and
 * their certificates, one of them (the second guard's 消防设施操作员) expiring in twelve days, so the supervisor's
 * notice and the marked row show how an expiry is kept. Only the site file's guards: the accounts do not exist yet
 * when the demo first starts.
 */
export async function seedDemoTraining(db: Knex, site: SiteFile, now: number): Promise<void> {
  if (await db('training_records').first('id')) return;
  const [first, second, third] = site.guards;
  if (!first || !second || !third) return;
  const day = (n: number) => dayFrom(now, n, site.timeZone);
  const T = DEMO_TRAINING_TEXTS;
  const by = { updated_by: T.by, updated_at: now };
  const record = (id: string, guard: string, course: string, on: number, hours: number, result: string) => ({
    id,
    person_kind: 'guard',
    person_id: guard,
    course,
    on_day: day(on),
    hours,
    trainer: T.trainer,
    result,
    note: null,
    ...by,
  });
  await db.transaction(async (trx) => {
    await trx('training_records').insert([
      record('demo-tr-1', first.id, T.course, -40, 4, 'passed'),
      record('demo-tr-2', second.id, T.course, -40, 4, 'passed'),
      record('demo-tr-3', third.id, T.course, -40, 4, 'attended'),
      record('demo-tr-4', first.id, T.drill, -12, 2, 'passed'),
    ]);
    const cert = (
      id: string,
      guard: string,
      kind: string,
      number: string,
      issued: number,
      expires: number,
    ) => ({
      id,
      person_kind: 'guard',
      person_id: guard,
      kind,
      level: kind === 'fire_facility_operator' ? 4 : null,
      number,
      issued_on: day(issued),
      expires_on: day(expires),
      issued_by: kind === 'fire_facility_operator' ? T.skills : T.police,
      ...by,
    });
    await trx('certificates').insert([
      cert('demo-cert-1', first.id, 'fire_facility_operator', '2331000400300412', -700, 400),
      cert('demo-cert-2', second.id, 'fire_facility_operator', '2331000400300587', -1083, 12),
      cert('demo-cert-3', first.id, 'security_guard', T.guardCard, -2000, 1500),
    ]);
  });
}
