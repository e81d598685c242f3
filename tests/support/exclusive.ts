import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from './processes';

/**
 * A lock between test processes of one machine (Playwright's workers): the holder's pid in a directory that only one
 * of them can create. For tests that would starve each other on two cores — live video through RTSP cameras,
 * ffmpeg and a page decoding every tile — while the lighter ones still run beside them. A holder that died without
 * letting go (a killed worker) is noticed by its pid and its lock taken over.
 *
 * Resolves with the time spent waiting (so the caller can add it to its timeout) and the release.
 */
export async function exclusive(
  name: string,
  everyMs = 250,
): Promise<{ waitedMs: number; release: () => void }> {
  const dir = join(tmpdir(), `control-room-exclusive-${name}.lock`);
  const owner = join(dir, 'pid');
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(owner, String(process.pid));
      return {
        waitedMs: Date.now() - started,
        release: () => rmSync(dir, { recursive: true, force: true }),
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (abandoned(dir, owner)) rmSync(dir, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Its holder is gone, or it never wrote its pid (died between creating the directory and writing the file). */
function abandoned(dir: string, owner: string): boolean {
  try {
    const holder = Number(readFileSync(owner, 'utf8'));
    return Number.isInteger(holder) && holder > 0 && !alive(holder);
  } catch {
    try {
      // Created a moment ago and the pid not written yet: the holder is between its two calls.
      return Date.now() - statSync(dir).mtimeMs > 5000;
    } catch {
      return false; // released meanwhile: the next mkdir tells
    }
  }
}
