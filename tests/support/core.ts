import type { ConsoleConfig } from '../../electron/core';
import { createDesk, type Desk } from '../../electron/desk';
import type { Clock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';

/**
 * A console core for a test, its data in `dataDir`: the demo hub plays nothing (the test publishes its own
 * events) and nothing is logged. `config` adds the rest (a clock, the database file, ids, backups) or overrides.
 */
export function startCore(dataDir: string, config: Partial<ConsoleConfig> = {}): Promise<Desk> {
  return createDesk({ dataDir, demo: { scenario: false }, log: silentLogger, ...config });
}

/**
 * A core for a service test on `clock`: its database in memory, no backups, and the duty log's password hashing
 * cheap (the real cost is the sign-in benchmarks' business, not every test's).
 */
export function startMemoryCore(dataDir: string, clock: Clock): Promise<Desk> {
  return startCore(dataDir, {
    dbFile: ':memory:',
    clock,
    backups: { enabled: false },
    duty: { hashParams: { N: 1024, r: 8, p: 1 } },
  });
}
