import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('chaos (short form; the full run is npm run test:chaos)', () => {
  it('loses nothing and applies nothing twice while the link drops, the hub restarts and the console is killed', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'tests/chaos/chaos.ts', '--json', '--short', '--seed', String(Date.now() % 1000)],
      {
        encoding: 'utf8',
        timeout: 280_000,
      },
    );
    const lines = run.stdout.trim().split('\n');
    const result = JSON.parse(lines.at(-1) ?? '{}') as Record<string, number | boolean>;
    console.log(lines.at(-1));
    expect(result.hub_events_sent).toBe(400);
    expect(result.actions_sent).toBe(200);
    expect(
      Number(result.console_kills) + Number(result.hub_restarts) + Number(result.link_drops),
    ).toBeGreaterThan(5);
    expect(result).toMatchObject({
      hub_events_missing: 0,
      actions_lost: 0,
      actions_applied_twice: 0,
      integrity_ok: true,
    });
    expect(result.console_log_entries).toBe(result.hub_log_entries);
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
  }, 300_000);
});

describe('chaos with equipment (short form of npm run test:chaos -- --sources)', () => {
  it('acknowledges only what the hub committed and the console gets each acknowledged alarm once', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'tests/chaos/chaos.ts',
        '--sources',
        '--json',
        '--short',
        '--seed',
        String(Date.now() % 1000),
      ],
      { encoding: 'utf8', timeout: 170_000 },
    );
    const last = run.stdout.trim().split('\n').at(-1) ?? '{}';
    console.log(last);
    const result = JSON.parse(last) as {
      alarms_acked: Record<'dc09' | 'gb26875' | 'mqtt', number>;
      hub_sigkills: number;
      pass: Record<string, boolean>;
    };
    expect(result.hub_sigkills).toBeGreaterThan(0);
    for (const kind of ['dc09', 'gb26875', 'mqtt'] as const)
      expect(result.alarms_acked[kind]).toBeGreaterThan(0);
    expect(result.pass).toEqual({
      nothing_lost: true,
      nothing_duplicated: true,
      no_ack_before_commit: true,
      console_has_whole_log: true,
      integrity: true,
    });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
  }, 180_000);
});
