import {
  ContractCallError,
  SessionEndReason,
  type ConsoleClient,
  type OperatorView,
} from '../../shared/contract';

/** What this tab remembers across a reload; a new browser (or window) starts without it. */
export interface TabStorage {
  get(key: string): string | null;
  set(key: string, value: string | null): void;
}

/** sessionStorage, which can be unavailable (private mode): then the window asks for a sign-in after a reload. */
export const tabStorage: TabStorage = {
  get: (key) => {
    try {
      return window.sessionStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set: (key, value) => {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch {
      // Nothing to keep it in: the next reload asks for a sign-in.
    }
  },
};

const RESUME_KEY = 'console.resume';
/**
 * The pop-out wall keeps its own token under its own key: a window opened from this one starts with a copy of
 * this tab's storage, and using the console window's (single-use) token would sign the console window out.
 */
const WALL_RESUME_KEY = 'console.resume.wall';

export type Resumed =
  { operator: OperatorView; locked: boolean } | { ended: SessionEndReason } | { operator: null };

/**
 * The tab's sign-in: the resume token a sign-in returns, kept per tab, so a reload or a new link to the core
 * signs the same operator back in. Each token is used once: resuming stores the next one. A new connection is
 * signed out until `resume` has run.
 */
export interface Session {
  remember(resumeToken: string): void;
  forget(): void;
  /** Signs this connection back in with the tab's token (the pop-out wall's first: one from its opener). */
  resume(client: ConsoleClient): Promise<Resumed>;
}

/** Asks the window that opened this one (the console window) for a token of its operator's; the wall's only way in. */
export type AskOpener = () => Promise<string | undefined>;

export function createSession(
  storage: TabStorage = tabStorage,
  options: { popout?: boolean; askOpener?: AskOpener } = {},
): Session {
  const key = options.popout ? WALL_RESUME_KEY : RESUME_KEY;
  return {
    remember: (token) => storage.set(key, token),
    forget: () => storage.set(key, null),
    async resume(client) {
      const token = storage.get(key) ?? (await options.askOpener?.());
      if (!token) return { operator: null };
      storage.set(key, null);
      try {
        const resumed = await client.call('auth.resume', { token });
        storage.set(key, resumed.resumeToken);
        return { operator: resumed.operator, locked: resumed.locked };
      } catch (err) {
        // The link dropped before the answer: the token may still be good (or used up: then a sign-in).
        if (err instanceof ContractCallError && err.code === 'unavailable') {
          storage.set(key, token);
          throw err;
        }
        // Revoked by a change to the account or a sign-out elsewhere: the core says why, once.
        const why = SessionEndReason.safeParse(
          err instanceof ContractCallError ? err.params?.why : undefined,
        );
        return why.success ? { ended: why.data } : { operator: null };
      }
    },
  };
}
