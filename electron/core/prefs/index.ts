import type { prefMethods } from '../../../shared/contract';
import type { Feature, Infrastructure } from '../feature';

/**
 * Each operator's preferences (language, wall, map layers), validated per key by the contract before they get
 * here. The table is in the base schema (migration 1).
 */
export function createPrefs(infra: Infrastructure): Feature<typeof prefMethods, Record<string, never>> {
  const { db, clock } = infra;
  return {
    service: {},
    handlers: {
      'prefs.get': async ({ key }, { session }) => {
        const row = (await db('operator_prefs').where({ operator_id: session.operator!.id, key }).first()) as
          { value: string } | undefined;
        return { value: row ? (JSON.parse(row.value) as unknown) : null };
      },
      'prefs.set': async ({ key, value }, { session }) => {
        await db('operator_prefs')
          .insert({
            operator_id: session.operator!.id,
            key,
            value: JSON.stringify(value),
            updated_at: clock.now(),
          })
          .onConflict(['operator_id', 'key'])
          .merge();
        return { done: true as const };
      },
    },
    appliers: [],
    migrations: [],
    async start() {},
    async stop() {},
  };
}
