import { join } from 'node:path';
import { silentLogger } from '../../../electron/common/log';
import { createDesk, type Desk } from '../../../electron/desk';
import { onCleanup } from './harness';

/** The administrator `benchDesk` sets up (for a page that signs in with the form). */
export const BENCH_ADMIN = { username: 'admin', password: 'admin-pass-1' } as const;

/**
 * A console core of the benchmark's own, its database in `tmp`: no demo scenario, no backups, nothing logged,
 * stopped by the benchmark's cleanup (or by `stop`, once), with an administrator set up — or, `existing`, signed in
 * on a database a desk of the same run set up before. `call` runs a method in that administrator's window and
 * throws a refusal with the method's name.
 */
export async function benchDesk(
  tmp: string,
  o: { existing?: boolean } = {},
): Promise<{
  core: Desk;
  call: (method: string, input: unknown) => Promise<unknown>;
  stop: () => Promise<void>;
}> {
  const core = await createDesk({
    dataDir: tmp,
    dbFile: join(tmp, 'console.sqlite'),
    demo: { scenario: false },
    backups: { enabled: false },
    log: silentLogger,
  });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= core.stop());
  onCleanup('console core', stop);
  const session = core.openSession('memory', null);
  const call = async (method: string, input: unknown) => {
    const env = await core.router.call(method, input, session);
    if (!env.ok) throw new Error(`${method}: ${env.error.message}`);
    return env.value;
  };
  if (o.existing) await call('auth.login', BENCH_ADMIN);
  else await call('auth.setup', { ...BENCH_ADMIN, name: 'Admin' });
  return { core, call, stop };
}
