/**
 * The console core in its own process, for the Electron shell: Electron starts it as a utility process
 * (`utilityProcess.fork`), so a native crash, the OOM killer or an uncaught error takes down the core alone; the
 * shell (core-client.ts) restarts it within seconds and the windows come back by themselves. No `electron` import
 * here: Electron gives a utility process `process.parentPort`; under plain Node (the tests fork this file) the
 * same messages travel over the child-process IPC channel.
 *
 * Arguments are the console's command line (`--data-dir` is always given by the shell: Electron's user-data
 * folder). `CONSOLE_RESTARTED` (JSON `{stoppedAt, reason}`) says this start follows an unexpected stop.
 */
import { z } from 'zod';
import { ArgsError, parseConsoleArgs } from '../core/args';
import { servePort, type FromCore, type PortLike } from '../core/carriers/port';
import { defaultDataDir } from '../core/config';
import { onChildren } from '../common/children';
import { exitOnUncaught, openServiceLog } from '../common/crash-only';
import { restrictUmask } from '../common/private-files';
import { createDesk, deskConfigFrom, isConfigError, type Desk } from '../desk';
// The web host's exit codes: a configuration the user must fix is not restarted; a crash is.
import { EXIT_CONFIG, EXIT_CRASH } from '../web-host/service-protocol';

const Restarted = z.object({ stoppedAt: z.number().int().nonnegative(), reason: z.string().max(300) });

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** Electron's parent port when there is one, else Node's IPC channel; undefined when started by hand. */
function parentPort(): PortLike | undefined {
  const electronPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (electronPort) {
    return {
      post: (message: FromCore) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
    };
  }
  const send = process.send?.bind(process);
  if (!send) return undefined;
  return {
    // With a callback a failed send (the shell just died) is not an 'error' event that would crash the core.
    post: (message: FromCore) => {
      if (process.connected) send(message, undefined, {}, () => undefined);
    },
    onMessage: (listener) => process.on('message', listener),
  };
}

async function main(): Promise<void> {
  const port = parentPort();
  if (!port) {
    console.error('core-process: start it from the Electron shell (or fork it with an IPC channel)');
    process.exit(EXIT_CONFIG);
  }
  let args;
  try {
    args = parseConsoleArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ArgsError) {
      console.error(`console core: ${err.message}`);
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
  restrictUmask();
  const dataDir = args.dataDir ?? defaultDataDir();
  const log = openServiceLog(dataDir);
  exitOnUncaught(log, 'console core', 'the shell', EXIT_CRASH);

  const restartedRaw = process.env.CONSOLE_RESTARTED;
  let restarted: z.infer<typeof Restarted> | undefined;
  if (restartedRaw) {
    try {
      restarted = Restarted.parse(JSON.parse(restartedRaw));
    } catch {
      log.warn('ignored a malformed CONSOLE_RESTARTED');
    }
  }

  // From the first ffmpeg on: the shell ends them if this process dies without stopping them.
  onChildren((pids) => port.post({ children: [...pids] }));

  let core: Desk;
  try {
    // The embedded site hub (and its equipment ports) runs in this process with the core, as under start:web.
    core = await createDesk(deskConfigFrom(args, { dataDir, carrierHint: 'ipc', log, restarted }));
  } catch (err) {
    if (isConfigError(err)) {
      console.error(err.message);
      log.error('the console core cannot start', { error: err.message });
      await log.close();
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    log.info('stopping', { why });
    served.close();
    await core.stop();
    await log.close();
    process.exit(0);
  };
  const served = servePort(core, port, log.child('shell'), () => void stop('asked by the shell'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));
  // Forked by Node: the parent gone means nobody would restart or stop this core.
  if (process.send) process.on('disconnect', () => void stop('the shell is gone'));
  port.post({ ready: true });
}

void main().catch((err: Error) => {
  console.error(`console core failed to start: ${err.stack ?? err.message}`);
  process.exit(1);
});
