import { join } from 'node:path';
import { createLogger, type RootLogger } from './log';

/** The log of a console service process (the web host's or the Electron shell's core): `logs/console.log`. */
export function openServiceLog(dataDir: string): RootLogger {
  return createLogger({
    file: join(dataDir, 'logs', 'console.log'),
    console: process.env.CONSOLE_LOG_STDERR === '1',
  });
}

/**
 * Crash-only: an error nobody caught leaves the process in an unknown state. Log it, say it on stderr and exit
 * with `code`; the process's supervisor (`who restarts`) starts a clean one within seconds.
 */
export function exitOnUncaught(log: RootLogger, what: string, whoRestarts: string, code: number): void {
  const fatal = (kind: string) => (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    log.error(`${kind}: the ${what} stops and ${whoRestarts} restarts it`, {
      error: e.message,
      stack: e.stack,
    });
    console.error(`${what}: ${kind}: ${e.stack ?? e.message}`);
    process.exit(code);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled promise rejection'));
}
