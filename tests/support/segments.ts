import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dayFolder } from '../../electron/core/recordings/files';

/**
 * A real recorded segment as the console's recorder leaves it: `seconds` of a test picture in fragmented MP4 at
 * `<root>/<camera>/<day>/<start>Z.mp4`, starting at `at` (whole seconds: the name carries seconds only), a keyframe
 * every `gop` pictures. Returns the file name, for `recordings.closed()`.
 */
export function writeSegment(
  root: string,
  at: number,
  o: { camera?: string; seconds: number; fps?: number; gop?: number },
): string {
  const fps = o.fps ?? 10;
  const name = `${new Date(at).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z.mp4`;
  const dir = join(root, o.camera ?? 'cam-01', dayFolder(at));
  mkdirSync(dir, { recursive: true });
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=160x90:rate=${fps}`,
    '-t',
    String(o.seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(o.gop ?? fps),
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+frag_keyframe+empty_moov+default_base_moof',
    join(dir, name),
  ]);
  return name;
}
