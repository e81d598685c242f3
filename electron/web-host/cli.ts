/**
 * `npm run start:web -- [--port N] [--data-dir DIR] [--site FILE] [--hub URL]`: the console in a browser.
 * Prints exactly one `Console: http://127.0.0.1:PORT/?token=...` line for a person (or a test) to open.
 *
 * This process is only the supervisor (supervisor.ts): the console itself runs in a child process that is
 * restarted within seconds if it dies, on the same port and with the same token, so the printed URL stays good.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArgsError, parseConsoleArgs } from '../core/args';
import { restrictUmask } from '../common/private-files';
import { buildIfNeeded } from './build-if-needed';
import { ConsoleSupervisor, watchdogFromEnv } from './supervisor';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

export async function runWebHost(argv: string[]): Promise<void> {
  try {
    parseConsoleArgs(argv);
  } catch (err) {
    if (err instanceof ArgsError) {
      console.error(`start:web: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  restrictUmask();
  if (process.env.CONSOLE_SKIP_BUILD !== '1') buildIfNeeded(root, (line) => console.error(line));

  const supervisor = new ConsoleSupervisor({
    script: join(here, 'console-process.ts'),
    execArgv: process.execArgv,
    argv,
    env: { ...process.env, CONSOLE_SKIP_BUILD: '1' },
    token: randomBytes(18).toString('base64url'),
    watchdog: watchdogFromEnv(),
    // CONSOLE_SPARE=0: no idle second service (saves its memory; a restart then loads the code first).
    spare: process.env.CONSOLE_SPARE !== '0',
    print: (line) => console.error(line),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void supervisor.stop(signal));
  }
  void supervisor.done.then((code) => process.exit(code));
  supervisor.start();

  const serving = await supervisor.serving;
  if (!serving) return;
  console.log(`Console: ${serving.url}`);
  console.error(
    `Data: ${serving.dataDir}${serving.demo ? ' · demo site hub on loopback' : ''} · Ctrl+C stops`,
  );
  const names = {
    dc09: 'SIA DC-09 receiver',
    gb26875: 'GB/T 26875.3 receiver',
    mqtt: 'MQTT broker',
  } as const;
  for (const e of serving.equipment ?? []) console.error(`${names[e.kind]}: port ${e.port} (${e.endpoint})`);
  if (serving.osmand) {
    console.error(
      `Guards' phones (Traccar Client / OsmAnd): port ${serving.osmand.port} on ${serving.osmand.host}`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runWebHost(process.argv.slice(2)).catch((err: Error) => {
    console.error(`start:web failed: ${err.message}`);
    process.exit(1);
  });
}
