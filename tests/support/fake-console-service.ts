/**
 * Speaks the console service's IPC protocol (electron/web-host/service-protocol.ts) without a console, so the
 * supervisor's own behaviour can be tested in milliseconds. What it does is chosen by the start order's argv:
 * `--crash-after MS` (SIGKILLs itself after serving), `--exit-config` (exits 2 at start), `--exit-clean-after MS`,
 * `--ignore-ping` (a frozen event loop, as far as the watchdog can tell).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FromService, ToService } from '../../electron/web-host/service-protocol';

const tell = (m: FromService) => {
  if (process.connected) process.send!(m, undefined, {}, () => undefined);
};
const option = (argv: string[], name: string) => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : Number(argv[i + 1]);
};
let ignorePing = false;

process.on('message', (m: ToService) => {
  if (m.type === 'ping') {
    if (!ignorePing) tell({ type: 'pong', n: m.n });
    return;
  }
  if (m.argv.includes('--exit-config')) process.exit(2);
  ignorePing = m.argv.includes('--ignore-ping');
  const server = createServer((_req, res) => res.end(`token=${m.token ?? ''}`));
  server.listen(m.port ?? 0, '127.0.0.1', () => {
    const port = (server.address() as AddressInfo).port;
    tell({
      type: 'serving',
      url: `http://127.0.0.1:${port}/?token=${m.token}`,
      port,
      dataDir: '/nowhere',
      demo: false,
    });
    const crash = option(m.argv, '--crash-after');
    if (crash !== undefined) setTimeout(() => process.kill(process.pid, 'SIGKILL'), crash);
    const clean = option(m.argv, '--exit-clean-after');
    if (clean !== undefined) setTimeout(() => process.exit(0), clean);
  });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
process.on('disconnect', () => process.exit(0));
tell({ type: 'loaded' });
