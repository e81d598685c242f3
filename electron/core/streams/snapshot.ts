import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from '../errors';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../common/private-files';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function stamp(at: number): string {
  const d = new Date(at);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}-${p(d.getMilliseconds(), 3)}`;
}

/**
 * Writes a tile's frame as `<dir>/<camera>-<profile>-<yyyymmdd-hhmmss-mmm>.png`; only real PNG data is accepted.
 * While the disk is full, new snapshots give way to the database: refused, saying why.
 */
export function saveSnapshot(
  dir: string,
  cameraId: string,
  profile: string,
  base64: string,
  at: number,
  disk?: { readonly full: boolean },
): { file: string; at: number } {
  if (disk?.full)
    throw new ServiceError(
      'unavailable',
      'The disk is full: snapshots are not saved until space is freed, so that alarms can still be recorded.',
    );
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < 64 || !bytes.subarray(0, 8).equals(PNG_MAGIC)) {
    throw new ServiceError('invalid_input', 'The snapshot is not a PNG image.');
  }
  makePrivateDir(dir);
  const file = `${cameraId}-${profile}-${stamp(at)}.png`;
  writeFileSync(join(dir, file), bytes, { flag: 'wx', mode: PRIVATE_FILE_MODE });
  return { file, at };
}
