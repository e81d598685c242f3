import type { ConsoleConfig } from '../../electron/core';
import { createDesk, type Desk } from '../../electron/desk';
import { silentLogger } from '../../electron/common/log';

/**
 * A console core for a test, its data in `dataDir`: the demo hub plays nothing (the test publishes its own
 * events) and nothing is logged. `config` adds the rest (a clock, the database file, ids, backups) or overrides.
 */
export function startCore(dataDir: string, config: Partial<ConsoleConfig> = {}): Promise<Desk> {
  return createDesk({ dataDir, demo: { scenario: false }, log: silentLogger, ...config });
}
