import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../electron/core/schema';
import { DUTY_MIGRATION } from '../../electron/core/duty/migration';
import { missingTables, openMigratedTo, queryPlan } from '../support/schema';

describe('the duty migration (operators, duty-log columns, shifts, seals)', () => {
  it('creates its tables and append-only triggers; the duty-log queries use indexes', async () => {
    expect(MIGRATIONS).toContain(DUTY_MIGRATION);
    const db = await openMigratedTo(DUTY_MIGRATION);
    const tables = ['operators', 'shifts', 'shift_operators', 'shift_seal', 'duty_log_pruned'];
    expect(await missingTables(db, tables)).toEqual([]);
    for (const column of ['camera_id', 'manual', 'follow_up', 'ref_id'])
      expect(await db.schema.hasColumn('duty_log', column), column).toBe(true);
    const triggers = (
      (await db.raw("SELECT name FROM sqlite_master WHERE type = 'trigger'")) as Array<{ name: string }>
    ).map((t) => t.name);
    expect(triggers).toEqual(
      expect.arrayContaining([
        'duty_log_no_update',
        'shifts_sealed_no_update',
        'shifts_no_delete',
        'shift_seal_no_update',
        'shift_seal_no_delete',
      ]),
    );
    const plan = (sql: string) => queryPlan(db, sql);
    expect(await plan("SELECT * FROM duty_log WHERE kind = 'alarm' ORDER BY at")).toMatch(
      /USING INDEX duty_log_kind_at/,
    );
    expect(await plan('SELECT * FROM duty_log WHERE follow_up = 1')).toMatch(
      /USING INDEX duty_log_follow_up/,
    );
    expect(await plan("SELECT * FROM operators WHERE username = 'li'")).toMatch(/USING INDEX/);
    expect(
      await plan(
        "SELECT body FROM hub_events WHERE kind = 'device' AND seq < 9 AND json_extract(body, '$.deviceId') = 'd1' ORDER BY seq DESC LIMIT 1",
      ),
    ).toMatch(/USING INDEX hub_events_device/);
    // An unsealed shift may be closed; a sealed one refuses changes.
    await db('shifts').insert({ id: 's1', started_at: 1, after_log_id: 0 });
    await db('shifts').where({ id: 's1' }).update({ ended_at: 2, sealed_at: 2 });
    await expect(db('shifts').where({ id: 's1' }).update({ ended_at: 3 })).rejects.toThrow(/sealed shift/);
    await db.destroy();
  });
});
