import type { ConsoleClient, MethodInput, MethodOutput, OperatorView } from '../../../shared/contract';
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
  /** The screen lock: the session stays signed in (alarms keep coming), the console is covered. */
  locked: Store<boolean>;
  loadAuth(): Promise<void>;
  /** Who this connection is signed in as. */
  load(): Promise<OperatorView | null>;
  login(credentials: MethodInput<'auth.login'>): Promise<void>;
  setup(input: MethodInput<'auth.setup'>): Promise<void>;
  /** After sign-in, first start, switch or handover: remember the tab, load everything. */
  signedIn(result: SignedIn): Promise<void>;
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
    /** Loads every feature's state for the operator now signed in. */
    onSignedIn(): Promise<void>;
    /** Forgets what the signed-out operator saw. */
    onSignedOut(): void;
  },
): OperatorsStore {
  const operator = createStore<OperatorView | null>(null);
  const auth = createStore<AuthStatus | null>(null);
  // A reload does not lift the lock.
  const locked = createStore(deps.storage.get(LOCKED_KEY) === '1');
  const off = locked.subscribe(() => deps.storage.set(LOCKED_KEY, locked.get() ? '1' : null));

  const signedIn = async ({ operator: who, resumeToken }: SignedIn) => {
    deps.session.remember(resumeToken);
    locked.set(false);
    operator.set(who);
    auth.set((prev) => (prev ? { ...prev, needsSetup: false } : prev));
    await deps.onSignedIn();
  };
  const signedOut = () => {
    deps.session.forget();
    locked.set(false);
    operator.set(null);
    deps.onSignedOut();
  };

  return {
    operator,
    auth,
    locked,
    async loadAuth() {
      auth.set(await client.call('auth.status'));
    },
    async load() {
      const { operator: who } = await client.call('session.current');
      operator.set(who);
      return who;
    },
    login: async (credentials) => signedIn(await client.call('auth.login', credentials)),
    setup: async (input) => signedIn(await client.call('auth.setup', input)),
    signedIn,
    async logout() {
      try {
        await client.call('auth.logout', { leaveShift: true });
      } finally {
        signedOut();
      }
    },
    lock: () => locked.set(true),
    async unlock(password) {
      await client.call('auth.unlock', { password });
      locked.set(false);
    },
    dispose: off,
  };
}

export const [OperatorsContext, useOperators] = featureContext<OperatorsStore>('operators');
