/**
 * What the supervisor (cli.ts) and the console service (console-process.ts) say to each other over the IPC channel.
 * Its own module, so the supervisor stays a small process that never loads the core.
 */

/** Exit codes the supervisor reads: a configuration the user must fix is not restarted. */
export const EXIT_CONFIG = 2;
/** An uncaught error: the service stopped itself, and is restarted like any crash. */
export const EXIT_CRASH = 70;

export interface StartOrder {
  type: 'start';
  argv: string[];
  /** The page token, the same for every start so open pages reconnect (absent: a new one). */
  token?: string | undefined;
  /** The port of the service this one replaces; absent at the first start (then `--port` or a free one). */
  port?: number | undefined;
  /** Likewise the guards' phones' port, when `--osmand-port 0` let the first start pick one. */
  osmandPort?: number | undefined;
  /** Likewise the embedded hub's equipment listeners' ports (`--dc09-port 0`...). */
  equipmentPorts?: { dc09?: number; gb26875?: number; mqtt?: number } | undefined;
  /** This start follows an unexpected stop. */
  restarted?: { stoppedAt: number; reason: string } | undefined;
}
export type ToService = StartOrder | { type: 'ping'; n: number };

export interface Serving {
  type: 'serving';
  url: string;
  port: number;
  dataDir: string;
  demo: boolean;
  osmand?: { port: number; host: string } | undefined;
  /** The embedded hub's equipment listeners. */
  equipment?: { kind: 'dc09' | 'gb26875' | 'mqtt'; port: number; endpoint: string }[] | undefined;
}
export type FromService =
  | { type: 'loaded' }
  | Serving
  | { type: 'pong'; n: number }
  /** Its ffmpeg processes (common/children.ts), for the supervisor to end if the service dies without doing so. */
  | { type: 'children'; pids: number[] };
