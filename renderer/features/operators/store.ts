import type {
  ConsoleClient,
  MethodInput,
  MethodOutput,
  OperatorView,
  SessionEndReason,
} from '../../../shared/contract';
import type { Session, TabStorage } from '../../api/session';
import { createStore, featureContext, type Store } from '../../api/store';

type AuthStatus = MethodOutput<'auth.status'>;
type SignedIn = MethodOutput<'auth.login'>;

const LOCKED_KEY = 'console.locked';

/** Who works this console: the operator, sign-in and first start, the screen lock. */
export interface OperatorsStore {
  operator: Store<OperatorView | null>;
  /** First start and lock-screen settings; known before anyone signs in. */
  auth: Store<AuthStatus | null>;
  /**
   * The screen lock: the session stays signed in (alarms keep coming), the console is covered, and the core
   * answers nothing but the lock screen until the operator unlocks.
   */
  locked: Store<boolean>;
  /** Why the core ended this window's sign-in (an account change, a sign-out elsewhere); the sign-in screen says it. */
  ended: Store<SessionEndReason | null>;
  /**
   * Goes up each time the core confirms this connection's operator (a sign-in, or `load` after a new link has
   * resumed the tab's token). A feature that loads on its own waits for it: right after a reconnect `operator`
   * still holds the last link's operator while the new connection is signed out.
   */
  confirmed: Store<number>;
  loadAuth(): Promise<void>;
  /** Who this connection is signed in as, and whether the core has it locked. */
  load(): Promise<OperatorView | null>;
  login(credentials: MethodInput<'auth.login'>): Promise<void>;
  setup(input: MethodInput<'auth.setup'>): Promise<void>;
  /** After sign-in, first start, switch or handover: remember the tab, load everything. */
  signedIn(result: SignedIn): Promise<void>;
  /** The core ended this window's sign-in: forget it and say why. */
  signInEnded(reason: SessionEndReason): void;
  logout(): Promise<void>;
  lock(): void;
  unlock(password: string): Promise<void>;
  dispose(): void;
}

export function createOperatorsStore(
  client: ConsoleClient,
  deps: {
    session: Session;
    storage: TabStorage;
    /** Loads every feature's state for the operator now signed in (or back from the lock screen). */
    onSignedIn(): Promise<void>;
    /** Forgets what the signed-out operator saw. */
    onSignedOut(): void;
  },
): OperatorsStore {
  const operator = createStore<OperatorView | null>(null);
  const auth = createStore<AuthStatus | null>(null);
  const ended = createStore<SessionEndReason | null>(null);
  const confirmed = createStore(0);
  // Shown at once after a reload, before the core has answered; the core's word decides (see `load`).
  const locked = createStore(deps.storage.get(LOCKED_KEY) === '1');
  const offs = [
    locked.subscribe(() => deps.storage.set(LOCKED_KEY, locked.get() ? '1' : null)),
    client.on('session.ended', ({ reason }) => endedBy(reason)),
  ];

  const signedIn = async ({ operator: who, resumeToken }: SignedIn) => {
    deps.session.remember(resumeToken);
    ended.set(null);
    locked.set(false);
    operator.set(who);
    confirmed.set((n) => n + 1);
    auth.set((prev) => (prev ? { ...prev, needsSetup: false } : prev));
    await deps.onSignedIn();
  };
  const signedOut = () => {
    deps.session.forget();
    locked.set(false);
    operator.set(null);
    deps.onSignedOut();
  };
  function endedBy(reason: SessionEndReason): void {
    ended.set(reason);
    signedOut();
  }
  // The lock is the core's: if the link was down when this window locked, tell the core now.
  const tellLocked = () => client.invoke('auth.lock', {}).catch(() => undefined);

  return {
    operator,
    auth,
    locked,
    ended,
    confirmed,
    async loadAuth() {
      auth.set(await client.call('auth.status'));
    },
    async load() {
      const now = await client.call('session.current');
      operator.set(now.operator);
      if (!now.operator) locked.set(false);
      else if (now.locked) locked.set(true);
      else if (locked.get()) await tellLocked();
      if (now.operator) confirmed.set((n) => n + 1);
      return now.operator;
    },
    login: async (credentials) => signedIn(await client.call('auth.login', credentials)),
    setup: async (input) => signedIn(await client.call('auth.setup', input)),
    signedIn,
    signInEnded: endedBy,
    async logout() {
      try {
        await client.call('auth.logout', { leaveShift: true });
      } finally {
        signedOut();
      }
    },
    lock: () => {
      if (locked.get()) return;
      locked.set(true);
      void tellLocked();
    },
    async unlock(password) {
      await client.call('auth.unlock', { password });
      locked.set(false);
      // What waited behind the lock (positions, cameras, runs) comes in now.
      await deps.onSignedIn();
    },
    dispose: () => offs.forEach((off) => off()),
  };
}

export const [OperatorsContext, useOperators] = featureContext<OperatorsStore>('operators');
