import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { redactText } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export interface LoggerOptions {
  /** JSON lines are appended here; absent = no file. */
  file?: string;
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

export function createLogger(options: LoggerOptions = {}, scope = 'core'): Logger {
  const min = ORDER[options.level ?? 'info'];
  if (options.file) mkdirSync(dirname(options.file), { recursive: true });
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    // Every line passes the redactor: ffmpeg and socket errors quote URLs that may hold passwords.
    const line: LogLine = JSON.parse(
      redactText(JSON.stringify({ at: new Date().toISOString(), level, scope, msg, ...fields })),
    ) as LogLine;
    options.sink?.(line);
    const text = JSON.stringify(line);
    if (options.file) {
      try {
        appendFileSync(options.file, text + '\n');
      } catch {
        // A full disk must not take the console down; stderr still gets the line.
      }
    }
    if (options.console) process.stderr.write(`${line.at} ${level.toUpperCase()} [${scope}] ${line.msg}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (s) => createLogger(options, `${scope}.${s}`),
  };
}

export const silentLogger: Logger = createLogger({ level: 'error', console: false });
