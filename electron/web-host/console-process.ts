/**
 * The console service: the core and the web host in one process, run by the supervisor (`cli.ts`). It is
 * crash-only: whatever stops it unexpectedly, the supervisor starts another on the same port with the same page
 * token, and everything committed is in SQLite (WAL, synchronous=FULL). Under the supervisor it loads its code,
 * says `loaded`, and starts only when told (so a spare one is ready to take over at once); run on its own
 * (`node --import tsx electron/web-host/console-process.ts [options]`) it starts at once and prints its URL, with
 * `CONSOLE_PAGE_TOKEN` as the page token if set.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDesk, deskConfigFrom, isConfigError, type Desk } from '../desk';
import { ArgsError, parseConsoleArgs } from '../core/args';
import { defaultDataDir } from '../core/config';
import { onChildren } from '../common/children';
import { exitOnUncaught, openServiceLog } from '../common/crash-only';
import type { RootLogger } from '../common/log';
import { restrictUmask } from '../common/private-files';
import { startWebHost, type WebHost } from './server';
import {
  EXIT_CONFIG,
  EXIT_CRASH,
  type FromService,
  type StartOrder,
  type ToService,
} from './service-protocol';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let core: Desk | undefined;
let host: WebHost | undefined;
let log: RootLogger | undefined;
let starting: Promise<void> | undefined;
let stopping = false;

async function start(order: StartOrder, tell: (message: FromService) => void): Promise<void> {
  let args;
  try {
    args = parseConsoleArgs(order.argv);
  } catch (err) {
    if (err instanceof ArgsError) {
      console.error(`start:web: ${err.message}`);
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
  restrictUmask();
  const dataDir = args.dataDir ?? defaultDataDir();
  const logger = openServiceLog(dataDir);
  log = logger;
  exitOnUncaught(logger, 'console service', 'its supervisor', EXIT_CRASH);

  try {
    core = await createDesk(
      deskConfigFrom(args, {
        dataDir,
        carrierHint: 'ws',
        log: logger,
        // A restart keeps the ports the first start picked for `0`.
        equipmentPorts: equipmentPortsOf(args.equipmentPorts, order.equipmentPorts),
        osmand:
          args.osmand && order.osmandPort !== undefined
            ? { ...args.osmand, port: order.osmandPort }
            : args.osmand,
        restarted: order.restarted,
      }),
    );
  } catch (err) {
    if (isConfigError(err)) {
      console.error(err.message);
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
  host = await startWebHost({
    core,
    staticDir: join(root, 'out/renderer'),
    port: order.port ?? args.port,
    token: order.token,
    log: logger.child('web'),
  });
  tell({
    type: 'serving',
    url: host.url,
    port: host.port,
    dataDir,
    demo: core.info.demo,
    ...(core.equipmentPorts.length > 0 ? { equipment: core.equipmentPorts } : {}),
    ...(core.osmandPort !== undefined
      ? { osmand: { port: core.osmandPort, host: args.osmand?.host ?? '0.0.0.0' } }
      : {}),
  });
}

async function stop(why: string, limitMs: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // A stop that hangs must not keep a dead console around.
  setTimeout(() => {
    console.error(`console service: could not stop cleanly within ${limitMs / 1000} s; exiting anyway`);
    process.exit(1);
  }, limitMs).unref();
  log?.info('stopping', { why });
  await starting?.catch(() => undefined);
  await host?.stop();
  await core?.stop();
  await log?.close();
  process.exit(0);
}

function main(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal, 10_000));
  const send = process.send?.bind(process);
  if (!send) {
    // On its own: start now, print what cli.ts would.
    starting = start(
      {
        type: 'start',
        argv: process.argv.slice(2),
        token: process.env.CONSOLE_PAGE_TOKEN || undefined,
      },
      (m) => {
        if (m.type === 'serving') console.log(`Console: ${m.url}`);
      },
    ).catch(failed);
    return;
  }
  const tell = (message: FromService) => {
    // With a callback a failed send (the supervisor just died) is not an 'error' event that would crash us.
    if (process.connected) send(message, undefined, {}, () => undefined);
  };
  onChildren((pids) => tell({ type: 'children', pids: [...pids] }));
  process.on('message', (message: ToService) => {
    if (message.type === 'ping') tell({ type: 'pong', n: message.n });
    else if (message.type === 'start' && !starting && !stopping)
      starting = start(message, tell).catch(failed);
  });
  // The supervisor is gone (killed, crashed): nobody would restart or stop this one, so it stops by itself.
  process.on('disconnect', () => void stop('the supervisor is gone', 3000));
  tell({ type: 'loaded' });
}

function failed(err: Error): void {
  log?.error('the console service could not start', { error: err.message, stack: err.stack });
  console.error(`start:web failed: ${err.message}`);
  process.exit(1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

/** The equipment ports asked for, with those a previous start got in place of `0`. */
function equipmentPortsOf(
  asked: { dc09?: number; gb26875?: number; mqtt?: number } | undefined,
  got: { dc09?: number; gb26875?: number; mqtt?: number } | undefined,
): { dc09Port?: number; gb26875Port?: number; mqttPort?: number } {
  const pick = (kind: 'dc09' | 'gb26875' | 'mqtt') =>
    asked?.[kind] === undefined ? undefined : asked[kind] === 0 ? (got?.[kind] ?? 0) : asked[kind];
  const out: { dc09Port?: number; gb26875Port?: number; mqttPort?: number } = {};
  const dc09 = pick('dc09');
  const gb26875 = pick('gb26875');
  const mqtt = pick('mqtt');
  if (dc09 !== undefined) out.dc09Port = dc09;
  if (gb26875 !== undefined) out.gb26875Port = gb26875;
  if (mqtt !== undefined) out.mqttPort = mqtt;
  return out;
}
