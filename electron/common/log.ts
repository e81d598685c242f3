import { dirname } from 'node:path';
import { pino, type DestinationStream } from 'pino';
import pinoRoll, { type RollingFile } from 'pino-roll';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files';
import { redactText } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

/** The logger a process creates once: it owns the log file and closes it at stop. */
export interface RootLogger extends Logger {
  /** Writes out what waits for the file to open, then closes it; later lines reach only stderr and the sink. */
  close(): Promise<void>;
}

export interface RotationOptions {
  /** A new file once the current one passes this size (default 10 MB). */
  maxBytes?: number;
  /** Files kept, the one in use included; older ones are deleted at each roll (default 30). */
  keepFiles?: number;
  /** Also a new file every day at local midnight (default true). */
  daily?: boolean;
  /** After a write failed (disk full), try the file again this long later (default 10 s). */
  retryMs?: number;
}

export interface LoggerOptions {
  /**
   * JSON lines go to files named after this one and rolled by size and day: `logs/console.log` is written as
   * `logs/console.<yyyy-MM-dd>.<n>.log`, with `logs/current.log` pointing at the one in use. Absent = no file.
   */
  file?: string;
  rotate?: RotationOptions;
  level?: LogLevel;
  /** Also print to stderr (the web host's terminal). */
  console?: boolean;
  /** Collects lines in memory (tests). */
  sink?: (line: LogLine) => void;
}

export interface LogLine {
  at: string;
  level: LogLevel;
  scope: string;
  msg: string;
  [key: string]: unknown;
}

/** Lines logged before the file is open (a few milliseconds at start) wait here; beyond this they are dropped. */
const MAX_QUEUED = 10_000;

/**
 * The log file: pino-roll's synchronous sonic-boom stream (a line is on disk when the call returns, so a crash
 * loses nothing already logged, and no worker thread is needed inside Electron). A write that fails (disk full,
 * the directory gone) never reaches the caller: the file is closed, lines are counted as lost, and it is opened
 * again `retryMs` later with one line saying what was lost.
 */
class LogFile {
  private stream: RollingFile | undefined;
  private opening: Promise<void> | undefined;
  private queue: string[] = [];
  private outage: { since: number; lost: number; error: string } | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly rotate: RotationOptions,
    private readonly trouble: (message: string) => void,
  ) {
    this.open();
  }

  write(line: string): void {
    if (this.stream) {
      try {
        this.stream.write(line);
      } catch (err) {
        this.broken(err as Error, 1);
      }
    } else if (this.outage) this.outage.lost++;
    else if (this.queue.length < MAX_QUEUED) this.queue.push(line);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.opening;
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      stream.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        stream.end();
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private open(): void {
    const r = this.rotate;
    let opening: Promise<RollingFile>;
    try {
      makePrivateDir(dirname(this.file));
      opening = pinoRoll({
        file: this.file,
        size: `${r.maxBytes ?? 10 * 1024 * 1024}b`,
        ...(r.daily === false ? {} : { frequency: 'daily' as const, dateFormat: 'yyyy-MM-dd' }),
        // Files of earlier runs count too (a console restarted by its supervisor must not pile them up); in that
        // mode pino-roll's count includes the file in use.
        limit: { count: Math.max(2, r.keepFiles ?? 30), removeOtherLogFiles: true },
        // Windows needs a privilege to create symbolic links.
        symlink: process.platform !== 'win32',
        sync: true,
        mode: PRIVATE_FILE_MODE,
      });
    } catch (err) {
      opening = Promise.reject(err as Error);
    }
    this.opening = opening.then(
      (stream) => {
        this.opening = undefined;
        stream.on('error', (err: Error) => this.broken(err, 1));
        this.stream = stream;
        if (this.outage) {
          const { since, lost, error } = this.outage;
          this.outage = undefined;
          this.write(
            `${JSON.stringify({
              level: 'warn',
              at: new Date().toISOString(),
              scope: 'log',
              msg: 'the log file could not be written for a while; lines in between are lost',
              since: new Date(since).toISOString(),
              lost,
              error,
            })}\n`,
          );
        }
        const queued = this.queue;
        this.queue = [];
        for (const line of queued) this.write(line);
      },
      (err: Error) => {
        this.opening = undefined;
        this.broken(err, 0);
      },
    );
  }

  private broken(err: Error, lost: number): void {
    const stream = this.stream;
    this.stream = undefined;
    if (stream) {
      // Closing from inside the stream's own error event would re-enter it; a listener stays for late errors.
      stream.on('error', () => undefined);
      setImmediate(() => {
        try {
          stream.destroy();
        } catch {
          // already closed
        }
      });
    }
    if (this.outage) this.outage.lost += lost;
    else {
      this.outage = { since: Date.now(), lost: lost + this.queue.length, error: err.message };
      this.queue = [];
      this.trouble(`cannot write the log file ${this.file} (${err.message}); trying again`);
    }
    if (!this.closed && !this.retry) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        if (!this.closed) this.open();
      }, this.rotate.retryMs ?? 10_000);
      this.retry.unref();
    }
  }
}

/**
 * pino with one destination that redacts every line (ffmpeg and socket errors quote URLs that may hold
 * passwords), then hands it to the file, stderr and the test sink. Lines are JSON: `level`, `at`, `scope`, the
 * fields, `msg`.
 */
export function createLogger(options: LoggerOptions = {}, scope = 'core'): RootLogger {
  const file = options.file
    ? new LogFile(options.file, options.rotate ?? {}, (message) => {
        try {
          process.stderr.write(`${new Date().toISOString()} WARN [log] ${message}\n`);
        } catch {
          // no terminal either
        }
      })
    : undefined;
  const parse = Boolean(options.sink || options.console);
  const destination: DestinationStream = {
    write(raw: string) {
      const text = redactText(raw);
      file?.write(text.endsWith('\n') ? text : `${text}\n`);
      if (!parse) return;
      const line = JSON.parse(text) as LogLine;
      options.sink?.(line);
      if (options.console) {
        process.stderr.write(`${line.at} ${String(line.level).toUpperCase()} [${line.scope}] ${line.msg}\n`);
      }
    },
  };
  const root = pino(
    {
      level: options.level ?? 'info',
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"at":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const wrap = (p: pino.Logger, name: string): Logger => {
    // Logging is never the reason an operation fails: a throwing sink or terminal is swallowed here.
    const at =
      (level: LogLevel) =>
      (msg: string, fields?: Record<string, unknown>): void => {
        try {
          p[level](fields ?? {}, msg);
        } catch {
          // see above
        }
      };
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (s) => wrap(root.child({ scope: `${name}.${s}` }), `${name}.${s}`),
    };
  };
  return {
    ...wrap(root.child({ scope }), scope),
    close: async () => {
      await file?.close();
    },
  };
}

export const silentLogger: Logger = createLogger({ level: 'error', console: false });
