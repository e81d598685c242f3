import type { operatorMethods } from '../../../shared/contract';
import { appendAudit } from '../audit/audit';
import type { Feature, Infrastructure } from '../feature';
import { OperatorAccounts } from './accounts';
import { operatorHandlers, type SessionHooks } from './handlers';
import { RESUME_LOCK_MIGRATION, RESUME_TOKENS_MIGRATION } from './migration';
import { personalWords } from './password-policy';
import type { HashParams } from './passwords';
import { LiveSessions } from './sessions';
import type { ThrottlePolicy } from './throttle';
import { DEFAULT_RESUME_IDLE_MS, ResumeTokens } from './tokens';

export { OperatorAccounts } from './accounts';
export { LiveSessions, type OpenOptions } from './sessions';
export { ResumeTokens, DEFAULT_RESUME_IDLE_MS } from './tokens';
export type { HashParams } from './passwords';
export type { ThrottlePolicy } from './throttle';
export type { SessionHooks } from './handlers';

/** Resume tokens kept (hashed) across restarts of the console service, then with the lock screen in them. */
export const operatorMigrations = [RESUME_TOKENS_MIGRATION, RESUME_LOCK_MIGRATION] as const;

export interface OperatorsService {
  accounts: OperatorAccounts;
  /** Every open session; the composition root opens and closes them for the carriers. */
  sessions: LiveSessions;
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
  /** A window's sign-in ends after this long without it connected (default 12 h). */
  resumeIdleMs?: number | undefined;
  /** scrypt cost; tests lower it, production keeps the default. */
  hashParams?: HashParams | undefined;
  /** How wrong passwords slow down further tries from their source. */
  throttle?: ThrottlePolicy | undefined;
}

/** How often connected windows' tokens are renewed; well inside the shortest idle time (1 h) one can set. */
const RENEW_MS = 10 * 60_000;

/**
 * Accounts, sign-in (and back in after a reload), the lock screen, the open sessions. Its tables arrived with
 * migration 6 (duty); resume tokens with 7 and 8.
 */
export function createOperators(
  infra: Infrastructure,
  o: OperatorsOptions = {},
): Feature<typeof operatorMethods, OperatorsService> {
  const { db, clock, log } = infra;
  const tokens = new ResumeTokens({ db, clock, idleMs: o.resumeIdleMs ?? DEFAULT_RESUME_IDLE_MS });
  const sessions = new LiveSessions({ ids: infra.ids, tokens });
  const siteWords = personalWords({ username: '', name: '', site: [infra.site.name] });
  const accounts = new OperatorAccounts({
    db,
    clock,
    ids: infra.ids,
    tokens,
    hashParams: o.hashParams,
    throttle: o.throttle,
    siteWords: () => siteWords,
    onChanged: ({ operator, ended }) => {
      if (!ended) return sessions.renamed(operator);
      const count = sessions.end(operator.id, ended);
      log.info('account changed: its open sessions ended', { operator: operator.id, ended, count });
      if (count > 0)
        void db
          .transaction((trx) =>
            appendAudit(trx, {
              at: clock.now(),
              actorId: 'system',
              actorName: 'system',
              action: 'auth.ended',
              target: operator.id,
              details: { reason: ended, sessions: count },
            }),
          )
          .catch((err: Error) => log.error('auditing ended sessions failed', { error: err.message }));
    },
  });
  const hooks: SessionHooks[] = [];
  let renewing: unknown;
  const renew = () =>
    tokens
      .renew(sessions.heldTokens())
      .catch((err: Error) => log.warn('renewing resume tokens failed', { error: err.message }));
  return {
    service: { accounts, sessions, hook: (h) => void hooks.push(h) },
    handlers: operatorHandlers({
      db,
      clock,
      accounts,
      sessions,
      tokens,
      lockAfterMin: o.lockAfterMin ?? 10,
      hooks,
    }),
    appliers: [],
    migrations: operatorMigrations,
    async start() {
      // On the console's clock, so a test's clock moves the renewals with it.
      renewing = clock.setInterval(() => void renew(), RENEW_MS);
    },
    async stop() {
      clock.clearInterval(renewing);
    },
  };
}
