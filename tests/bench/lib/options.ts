/**
 * A benchmark's command line, read with node:util parseArgs inside `readOptions`: an unknown option or a bad value
 * ends the run at once with exit code 2 and the reason, before anything is started.
 */

export function readOptions<T>(name: string, read: (args: string[]) => T, args = process.argv.slice(2)): T {
  try {
    return read(args);
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}`);
    process.exit(2);
  }
}

/** A number option that must be at least `min` (and finite). */
export function numberAtLeast(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${flag} must be a number >= ${min}`);
  return n;
}

/** A number option that must be above zero. */
export function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} needs a positive number`);
  return n;
}

/** A comma-separated option (`--skip latency,burst`). */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
