import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * Where segments live: `<root>/<camera>/<YYYYMMDD>/<YYYYMMDD>T<HHMMSS>Z.mp4` (UTC). The camera id is a site-file
 * id (letters, digits, dot, dash, underscore, never a slash), the rest is made here: no request chooses a path.
 */
export const SEGMENT_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.mp4$/;
const DAY_NAME = /^\d{8}$/;

/** The wall-clock start a segment's file name says (ffmpeg names it with strftime in UTC), or undefined. */
export function segmentStart(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isFinite(t) ? t : undefined;
}

/** `20261201` for a time, UTC: the day folder ffmpeg's strftime pattern writes into. */
export function dayFolder(t: number): string {
  return new Date(t).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The strftime pattern handed to ffmpeg for one camera. */
export function segmentPattern(root: string, camera: string): string {
  return join(root, camera, '%Y%m%d', '%Y%m%dT%H%M%SZ.mp4');
}

/** Every segment file of a camera, as paths relative to the root, oldest first. */
export function segmentFiles(root: string, camera: string): string[] {
  const dir = join(root, camera);
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const day of readdirSync(dir)
    .filter((d) => DAY_NAME.test(d))
    .sort()) {
    for (const name of readdirSync(join(dir, day))
      .filter((n) => SEGMENT_NAME.test(n))
      .sort())
      out.push(join(camera, day, name));
  }
  return out;
}

export function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/**
 * Where a fragmented MP4 stops being whole: the end of its last complete top-level box, before a trailing `moof`
 * whose `mdat` never came. ffmpeg writes through a 32 KiB buffer, not box by box, so a file being written (or
 * left by a killed ffmpeg) usually ends inside a box. Reads only; `fragments` counts the whole `moof`+`mdat` pairs.
 */
export function wholeFragments(path: string): {
  bytes: number;
  size: number;
  header: boolean;
  fragments: number;
} {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(16);
  let offset = 0;
  let complete = 0;
  let header = false;
  let fragments = 0;
  let lastMoofAt: number | undefined;
  try {
    const size = fstatSync(fd).size;
    while (offset + 8 <= size) {
      readSync(fd, head, 0, 16, offset);
      let boxSize = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (boxSize === 1) boxSize = Number(head.readBigUInt64BE(8));
      if (boxSize < 8 || offset + boxSize > size) break;
      if (type === 'moov') header = true;
      if (type === 'moof') lastMoofAt = offset;
      if (type === 'mdat') {
        if (lastMoofAt !== undefined) fragments += 1;
        lastMoofAt = undefined;
      }
      offset += boxSize;
      complete = offset;
    }
    if (lastMoofAt !== undefined) complete = lastMoofAt;
    return { bytes: header ? complete : 0, size, header, fragments };
  } finally {
    closeSync(fd);
  }
}

/**
 * Cuts a fragmented MP4 back to where it is whole (see `wholeFragments`): what a killed ffmpeg leaves is then a
 * file that ends after its last complete group of pictures. Returns the bytes kept, or 0 when not even the header
 * (`ftyp` + `moov`) is whole.
 */
export function trimToLastFragment(path: string): number {
  const { bytes, size } = wholeFragments(path);
  if (bytes > 0 && bytes < size) truncateSync(path, bytes);
  return bytes;
}
