import type { operatorMethods } from '../../../shared/contract';
import type { Feature, Infrastructure } from '../feature';
import { OperatorAccounts, type LockoutPolicy } from './accounts';
import { operatorHandlers, type SessionHooks } from './handlers';
import { RESUME_TOKENS_MIGRATION } from './migration';
import type { HashParams } from './passwords';

export { OperatorAccounts, type LockoutPolicy } from './accounts';
export type { HashParams } from './passwords';
export type { SessionHooks } from './handlers';

/** Resume tokens kept (hashed) across restarts of the console service. */
export const operatorMigrations = [RESUME_TOKENS_MIGRATION] as const;

export interface OperatorsService {
  accounts: OperatorAccounts;
  /**
   * Registers a feature's part in signing in and out. The shift registers here (sign-in joins the shift, sign-out
   * leaves it) rather than being called by name: the shift authenticates through this feature, so it depends on
   * operators and operators must not depend on it.
   */
  hook(hooks: SessionHooks): void;
}

export interface OperatorsOptions {
  /** Minutes without input before the console's screen locks (default 10). */
  lockAfterMin?: number | undefined;
  /** scrypt cost; tests lower it, production keeps the default. */
  hashParams?: HashParams | undefined;
  lockout?: LockoutPolicy | undefined;
}

/** Accounts, sign-in (and back in after a reload), the lock screen. Its tables arrived with migration 6 (duty). */
export function createOperators(
  infra: Infrastructure,
  o: OperatorsOptions = {},
): Feature<typeof operatorMethods, OperatorsService> {
  const { db, clock } = infra;
  const accounts = new OperatorAccounts({
    db,
    clock,
    ids: infra.ids,
    hashParams: o.hashParams,
    lockout: o.lockout,
  });
  const hooks: SessionHooks[] = [];
  return {
    service: { accounts, hook: (h) => void hooks.push(h) },
    handlers: operatorHandlers({ db, clock, accounts, lockAfterMin: o.lockAfterMin ?? 10, hooks }),
    appliers: [],
    migrations: operatorMigrations,
    async start() {},
    async stop() {},
  };
}
