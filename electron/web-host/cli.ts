/**
 * `npm run start:web -- [--port N] [--data-dir DIR] [--site FILE] [--hub URL]`: the console in a browser.
 * Prints exactly one `Console: http://127.0.0.1:PORT/?token=...` line for a person (or a test) to open.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConsoleCore } from '../core';
import { ArgsError, parseConsoleArgs } from '../core/args';
import { defaultDataDir, targetsFromEnv, dutyFromEnv } from '../core/config';
import { DatabaseTooNewError } from '../core/db/database';
import { SiteFileError } from '../core/site/load-site';
import { createLogger } from '../core/util/log';
import { buildIfNeeded } from './build-if-needed';
import { startWebHost } from './server';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function runWebHost(argv: string[]): Promise<void> {
  let args;
  try {
    args = parseConsoleArgs(argv);
  } catch (err) {
    if (err instanceof ArgsError) {
      console.error(`start:web: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const dataDir = args.dataDir ?? defaultDataDir();
  const log = createLogger({
    file: join(dataDir, 'logs', 'console.log'),
    console: process.env.CONSOLE_LOG_STDERR === '1',
  });
  if (process.env.CONSOLE_SKIP_BUILD !== '1') buildIfNeeded(root, (line) => console.error(line));

  let core;
  try {
    core = await createConsoleCore({
      dataDir,
      sitePath: args.site,
      hub: args.hub,
      // CONSOLE_DEMO_SCENARIO=off: the demo hub runs but plays nothing (benchmarks bring their own guards).
      demo: { port: args.demoPort, scenario: process.env.CONSOLE_DEMO_SCENARIO !== 'off' },
      osmand: args.osmand,
      carrierHint: 'ws',
      alarmTargets: targetsFromEnv(),
      duty: dutyFromEnv(),
      log,
    });
  } catch (err) {
    if (err instanceof SiteFileError || err instanceof DatabaseTooNewError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const host = await startWebHost({
    core,
    staticDir: join(root, 'out/renderer'),
    port: args.port,
    log: log.child('web'),
  });
  console.log(`Console: ${host.url}`);
  console.error(`Data: ${dataDir}${core.info.demo ? ' · demo site hub on loopback' : ''} · Ctrl+C stops`);
  if (core.osmandPort !== undefined) {
    console.error(
      `Guards' phones (Traccar Client / OsmAnd): port ${core.osmandPort} on ${args.osmand?.host ?? '0.0.0.0'}`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    // A stop that hangs must not keep a dead console around: give it 10 s, then leave.
    setTimeout(() => {
      console.error('start:web: could not stop cleanly within 10 s; exiting anyway');
      process.exit(1);
    }, 10_000).unref();
    await host.stop();
    await core.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runWebHost(process.argv.slice(2)).catch((err: Error) => {
    console.error(`start:web failed: ${err.message}`);
    process.exit(1);
  });
}
