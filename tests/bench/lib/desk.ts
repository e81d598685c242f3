import { join } from 'node:path';
import { silentLogger } from '../../../electron/common/log';
import { createDesk, type Desk } from '../../../electron/desk';
import { onCleanup } from './harness';

/**
 * A console core of the benchmark's own, its database in `tmp`: no demo scenario, no backups, nothing logged,
 * stopped by the benchmark's cleanup, with an administrator set up. `call` runs a method in that administrator's
 * window and throws a refusal with the method's name.
 */
export async function benchDesk(
  tmp: string,
): Promise<{ core: Desk; call: (method: string, input: unknown) => Promise<unknown> }> {
  const core = await createDesk({
    dataDir: tmp,
    dbFile: join(tmp, 'console.sqlite'),
    demo: { scenario: false },
    backups: { enabled: false },
    log: silentLogger,
  });
  onCleanup('console core', () => core.stop());
  const session = core.openSession('memory', null);
  const call = async (method: string, input: unknown) => {
    const env = await core.router.call(method, input, session);
    if (!env.ok) throw new Error(`${method}: ${env.error.message}`);
    return env.value;
  };
  await call('auth.setup', { username: 'admin', name: 'Admin', password: 'admin-pass-1' });
  return { core, call };
}
