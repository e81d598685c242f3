import type { ConsoleClient } from '../../shared/contract';

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
 * The tab's sign-in: the resume token a sign-in returns, kept per tab, so a reload or a new link to the core
 * signs the same operator back in. A new connection is signed out until `resume` has run.
 */
export interface Session {
  remember(resumeToken: string): void;
  forget(): void;
  /** Signs this connection back in with the tab's token; a token the core refuses is forgotten. */
  resume(client: ConsoleClient): Promise<void>;
}

export function createSession(storage: TabStorage = tabStorage): Session {
  return {
    remember: (token) => storage.set(RESUME_KEY, token),
    forget: () => storage.set(RESUME_KEY, null),
    async resume(client) {
      const token = storage.get(RESUME_KEY);
      if (!token) return;
      const resumed = await client.invoke('auth.resume', { token });
      if (!resumed.ok) storage.set(RESUME_KEY, null);
    },
  };
}
