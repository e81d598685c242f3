import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../electron/core/schema';
import { playbooksMigration } from '../../electron/core/playbooks/migration';
import { missingTables, openMigratedTo, queryPlan } from '../support/schema';

describe('migration 5 (playbooks)', () => {
  it('creates the playbook, call, snapshot, contact and drill tables; incident lookups use their indexes', async () => {
    expect(playbooksMigration.version).toBe(5);
    expect(MIGRATIONS).toContain(playbooksMigration);
    const db = await openMigratedTo(playbooksMigration);
    const tables = ['playbook_versions', 'playbook_runs', 'playbook_steps', 'calls', 'incident_snapshots'];
    expect(await missingTables(db, [...tables, 'contact_overrides', 'drills'])).toEqual([]);
    const plan = (sql: string) => queryPlan(db, sql);
    expect(await plan("SELECT id FROM playbook_runs WHERE incident_id = 'i' ORDER BY started_at")).toMatch(
      /USING INDEX playbook_runs_incident/,
    );
    expect(await plan("SELECT * FROM calls WHERE incident_id = 'i' ORDER BY started_at")).toMatch(
      /USING INDEX calls_incident/,
    );
    expect(
      await plan("SELECT * FROM playbook_versions WHERE playbook_id = 'fire' ORDER BY version DESC"),
    ).toMatch(/USING INDEX playbook_versions_unique/);
    expect(await plan("SELECT * FROM drills WHERE state = 'scheduled' ORDER BY scheduled_at")).toMatch(
      /USING INDEX drills_state_time/,
    );

    // A version number is used once per playbook; a step is recorded once per run; a run needs its incident.
    const version = {
      playbook_id: 'fire',
      version: 1,
      revision: 1,
      definition: '{}',
      source: 'file',
      created_at: 1,
      created_by: 's',
    };
    await db('playbook_versions').insert({ id: 'v1', ...version });
    await expect(db('playbook_versions').insert({ id: 'v2', ...version })).rejects.toThrow(/UNIQUE/);
    await expect(
      db('playbook_runs').insert({
        id: 'r',
        incident_id: 'nope',
        alarm_id: 'nope',
        version_id: 'v1',
        started_at: 1,
        started_by: 'x',
      }),
    ).rejects.toThrow(/FOREIGN KEY/);
    await db.destroy();
  });
});
