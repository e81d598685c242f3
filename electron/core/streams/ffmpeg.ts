import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../util/private-files';
import { redactText } from '../util/redact';

export interface FfmpegLocation {
  path: string;
  source: 'setting' | 'FFMPEG_PATH' | 'bundled' | 'PATH';
}

/** setting → FFMPEG_PATH → the ffmpeg bundled in @ffmpeg-installer → `ffmpeg` on PATH. */
export function resolveFfmpeg(
  setting?: string,
  env: Record<string, string | undefined> = process.env,
): FfmpegLocation {
  if (setting) return { path: setting, source: 'setting' };
  if (env.FFMPEG_PATH) return { path: env.FFMPEG_PATH, source: 'FFMPEG_PATH' };
  try {
    const require = createRequire(import.meta.url);
    const bundled = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    // Inside a packaged app the binary is unpacked next to the asar archive (electron-builder asarUnpack).
    const unpacked = bundled.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
    if (existsSync(unpacked)) return { path: unpacked, source: 'bundled' };
  } catch {
    // not installed for this platform
  }
  return { path: 'ffmpeg', source: 'PATH' };
}

/**
 * The ffmpeg release series, for options renamed across releases (RTSP `-stimeout` became `-timeout` in 5.0,
 * and in 4.x `-timeout` means "listen"). Read from libavformat's major version, which git builds
 * ("N-47683-g…") print too: 58 is ffmpeg 4, 59 is ffmpeg 5.
 */
export function ffmpegMajorVersion(path: string): number | undefined {
  const out = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 5000 });
  const match = /libavformat\s+(\d+)\./.exec(out.stdout ?? '');
  return match ? Number(match[1]) - 54 : undefined;
}

export interface ProfileSettings {
  width: number;
  height: number;
  fps: number;
  kbps: number;
  /** Frames between keyframes: a viewer joining or skipping waits at most this long. */
  gop: number;
}

export const DEFAULT_PROFILES: Record<'main' | 'sub', ProfileSettings> = {
  main: { width: 960, height: 540, fps: 25, kbps: 1500, gop: 25 },
  sub: { width: 320, height: 180, fps: 15, kbps: 300, gop: 15 },
};

const FONT_CANDIDATES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc',
  'C:/Windows/Fonts/msyh.ttc',
  '/System/Library/Fonts/PingFang.ttc',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
];

export function overlayFont(): string | undefined {
  return FONT_CANDIDATES.find((f) => existsSync(f));
}

export interface InputSpec {
  /** rtsp://, http(s)://, or synthetic:<lavfi source>. */
  url: string;
  transport: 'tcp' | 'udp';
  /** For synthetic sources: the caption drawn with the clock. */
  caption?: string;
  /** Where caption files may be written (drawtext reads its text from a file: no escaping). */
  workDir?: string;
}

/**
 * The ffmpeg command line. Input options go before `-i` (node-rtsp-stream put them after, where ffmpeg
 * silently ignores them); output is MPEG-1 video in MPEG-TS on stdout for JSMpeg, muxed without delay.
 */
export function ffmpegArgs(input: InputSpec, profile: ProfileSettings, major: number | undefined): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning'];
  const size = `${profile.width}x${profile.height}`;
  let filter: string | undefined;
  if (input.url.startsWith('synthetic:')) {
    const pattern = input.url.slice('synthetic:'.length).replace(/[^a-z0-9]/gi, '') || 'testsrc2';
    args.push('-re', '-f', 'lavfi', '-i', `${pattern}=size=${size}:rate=${profile.fps}`);
    const font = overlayFont();
    if (font && input.caption && input.workDir) {
      makePrivateDir(input.workDir);
      const textFile = join(
        input.workDir,
        `caption-${input.caption.replace(/[^a-z0-9]/gi, '_').slice(0, 40)}-${profile.width}.txt`,
      );
      writeFileSync(textFile, `${input.caption}  %{localtime}`, { mode: PRIVATE_FILE_MODE });
      const fontSize = Math.max(12, Math.round(profile.height / 18));
      filter =
        `drawtext=fontfile='${font}':textfile='${textFile}':expansion=normal:fontsize=${fontSize}` +
        `:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=6:x=8:y=h-th-12`;
    }
  } else {
    if (/^rtsps?:/i.test(input.url)) {
      args.push('-rtsp_transport', input.transport);
      // Socket I/O timeout in microseconds: a camera that stops sending makes ffmpeg exit, and we restart it.
      // Unknown version: leave it out rather than guess (in 4.x `-timeout` means listen); the stall watchdog
      // still catches a silent camera.
      if (major !== undefined) args.push(major >= 5 ? '-timeout' : '-stimeout', '5000000');
    } else {
      args.push('-rw_timeout', '5000000');
    }
    args.push(
      '-fflags',
      'nobuffer',
      '-flags',
      'low_delay',
      '-probesize',
      '65536',
      '-analyzeduration',
      '500000',
    );
    args.push('-i', input.url);
  }
  args.push('-an', '-sn', '-dn');
  if (filter) args.push('-vf', filter);
  args.push(
    '-f',
    'mpegts',
    '-codec:v',
    'mpeg1video',
    '-s',
    size,
    '-r',
    String(profile.fps),
    // The encoder holds each picture back one frame unless told low_delay, which MPEG-1 allows only as
    // "unofficial"; the same permission lets it write 15 fps, which MPEG-1's rate table lacks.
    '-flags',
    '+low_delay',
    '-strict',
    'unofficial',
    '-b:v',
    `${profile.kbps}k`,
    '-maxrate',
    `${profile.kbps}k`,
    '-bufsize',
    `${Math.round(profile.kbps / 2)}k`,
    '-bf',
    '0',
    '-g',
    String(profile.gop),
    '-muxdelay',
    '0',
    '-muxpreload',
    '0',
    // With the PES length written, JSMpeg knows a picture is complete when its last packet arrives, not when
    // the next picture starts: a frame less latency, and no small picture decoded together with the next one.
    '-omit_video_pes_length',
    '0',
    '-flush_packets',
    '1',
    'pipe:1',
  );
  return args;
}

/** What ffmpeg's stderr means, in words an operator or installer can act on. */
export function explainFfmpegError(stderr: string): string | undefined {
  const text = redactText(stderr);
  const rules: [RegExp, string][] = [
    [
      /401 Unauthorized|authorization failed|Unauthorized/i,
      'authentication failed: check the user name and password for this camera',
    ],
    [/403 Forbidden/i, 'the camera refused access to this stream (403): check the account’s permissions'],
    [
      /404 Not Found|Stream not found|method DESCRIBE failed: 404/i,
      'the stream path was not found on the camera: check the URL path',
    ],
    [/Connection refused/i, 'the camera refused the connection: wrong port, or the RTSP service is off'],
    [
      /No route to host|Network is unreachable|Host is unreachable/i,
      'the camera’s host is unreachable on the network',
    ],
    [
      /Name or service not known|Temporary failure in name resolution|nodename nor servname/i,
      'the camera’s host name could not be found',
    ],
    [
      /Connection timed out|timed out|Operation timed out/i,
      'no answer from the camera (timed out): host unreachable or blocked',
    ],
    [
      /does not contain any stream|matches no streams|no video stream|Output file #0 does not contain/i,
      'the stream has no video track',
    ],
    [
      /461 Unsupported transport|Unsupported transport/i,
      'the camera does not support this RTSP transport: try switching TCP/UDP',
    ],
    [
      /Invalid data found when processing input/i,
      'the camera sent data that is not a video stream ffmpeg can read',
    ],
    [/No such file or directory/i, 'the source does not exist'],
  ];
  return rules.find(([pattern]) => pattern.test(text))?.[1];
}
