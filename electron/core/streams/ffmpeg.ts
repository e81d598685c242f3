import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import type { StreamReason, SystemInfo } from '../../../shared/contract';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../common/private-files';
import { redactText } from '../../common/redact';

/**
 * The oldest release series taken from the system. ffmpeg parses whatever a camera (or something posing as one)
 * sends, so it must be one a distribution still patches (Debian 12 ships 5.1 with security updates), not the
 * bundled 2018 snapshot of 4.x.
 */
export const MIN_FFMPEG_MAJOR = 5;

export type FfmpegSource = 'setting' | 'FFMPEG_PATH' | 'system' | 'bundled' | 'PATH';

export interface FfmpegLocation {
  path: string;
  source: FfmpegSource;
  /** As `ffmpeg -version` prints it: "5.1.9-0+deb12u1", or a git build's "N-47683-g0e8eb07980-static". */
  version?: string | undefined;
  /** The release series (see `ffmpegMajorVersion`). */
  major?: number | undefined;
  /** Why this is not a maintained ffmpeg, in a sentence for the log. */
  warning?: string | undefined;
}

export interface FfmpegVersion {
  version: string | undefined;
  major: number | undefined;
}

export interface FfmpegFinder {
  /** Runs `ffmpeg -version`; undefined when it does not run at all. */
  probe(path: string): FfmpegVersion | undefined;
  /** The @ffmpeg-installer binary, when installed for this platform. */
  bundled(): string | undefined;
  /** An executable named ffmpeg in one of PATH's directories. */
  onPath(env: Record<string, string | undefined>): string | undefined;
}

/** Reads the version banner. libavformat's major version names the series even in git builds: 58 is 4, 59 is 5. */
export function parseFfmpegVersion(banner: string): FfmpegVersion {
  const version = /ffmpeg version (\S+)/.exec(banner)?.[1];
  const lavf = /libavformat\s+(\d+)\./.exec(banner);
  return { version, major: lavf ? Number(lavf[1]) - 54 : undefined };
}

export function probeFfmpeg(path: string): FfmpegVersion | undefined {
  const out = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 5000 });
  if (out.error || out.status !== 0) return undefined;
  return parseFfmpegVersion(out.stdout ?? '');
}

function bundledFfmpeg(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const bundled = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    // Inside a packaged app the binary is unpacked next to the asar archive (electron-builder asarUnpack).
    const unpacked = bundled.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
    return existsSync(unpacked) ? unpacked : undefined;
  } catch {
    return undefined; // not installed for this platform
  }
}

function ffmpegOnPath(env: Record<string, string | undefined>): string | undefined {
  const names = process.platform === 'win32' ? ['ffmpeg.exe'] : ['ffmpeg'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const file = join(dir, name);
      try {
        if (statSync(file).isFile()) {
          if (process.platform !== 'win32') accessSync(file, constants.X_OK);
          return file;
        }
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

const SYSTEM_FINDER: FfmpegFinder = { probe: probeFfmpeg, bundled: bundledFfmpeg, onPath: ffmpegOnPath };

/**
 * Which ffmpeg parses the cameras' streams: the setting, else FFMPEG_PATH, else the system's when it is a
 * maintained release (series ≥ MIN_FFMPEG_MAJOR), else the bundled @ffmpeg-installer build — a 2018 ffmpeg 4
 * without security fixes, used with a warning — else whatever `ffmpeg` PATH has.
 */
export function resolveFfmpeg(
  setting?: string,
  env: Record<string, string | undefined> = process.env,
  finder: Partial<FfmpegFinder> = {},
): FfmpegLocation {
  const find = { ...SYSTEM_FINDER, ...finder };
  const chosen = (path: string, source: FfmpegSource, warning?: string): FfmpegLocation => {
    const v = find.probe(path);
    return { path, source, version: v?.version, major: v?.major, ...(warning ? { warning } : {}) };
  };
  if (setting) return chosen(setting, 'setting');
  if (env.FFMPEG_PATH) return chosen(env.FFMPEG_PATH, 'FFMPEG_PATH');
  const system = find.onPath(env);
  const systemVersion = system ? find.probe(system) : undefined;
  if (system && systemVersion?.major !== undefined && systemVersion.major >= MIN_FFMPEG_MAJOR) {
    return { path: system, source: 'system', ...systemVersion };
  }
  const why = system
    ? `the system's ffmpeg (${system}, ${systemVersion?.version ?? 'version unknown'}) is older than ${MIN_FFMPEG_MAJOR}.0`
    : 'there is no ffmpeg on PATH';
  const bundled = find.bundled();
  if (bundled) {
    return chosen(
      bundled,
      'bundled',
      `Using the bundled ffmpeg, a 2018 build without security fixes, to parse camera streams because ${why}. ` +
        `Install ffmpeg ${MIN_FFMPEG_MAJOR} or newer (Debian 12: apt install ffmpeg) or set FFMPEG_PATH.`,
    );
  }
  if (system) return { path: system, source: 'PATH', ...systemVersion, warning: `${why}; using it anyway.` };
  return { path: 'ffmpeg', source: 'PATH', warning: 'No ffmpeg was found: cameras cannot be shown.' };
}

/** What `system.info` tells about the ffmpeg in use. */
export function ffmpegInfo(f: FfmpegLocation): SystemInfo['ffmpeg'] {
  return {
    path: f.path,
    source: f.source,
    ...(f.version ? { version: f.version } : {}),
    ...(f.major !== undefined ? { major: f.major } : {}),
  };
}

/**
 * The ffmpeg release series, for options renamed across releases (RTSP `-stimeout` became `-timeout` in 5.0,
 * and in 4.x `-timeout` means "listen").
 */
export function ffmpegMajorVersion(path: string): number | undefined {
  return probeFfmpeg(path)?.major;
}

export interface ProfileSettings {
  width: number;
  height: number;
  fps: number;
  kbps: number;
  /** Frames between keyframes: a viewer joining or skipping waits at most this long. */
  gop: number;
}

/** Start showing at once: no input buffer, a small probe (a camera's stream is known), decode without delay. */
export const LOW_DELAY_INPUT: readonly string[] = [
  '-fflags',
  'nobuffer',
  '-flags',
  'low_delay',
  '-probesize',
  '65536',
  '-analyzeduration',
  '500000',
];

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
    args.push(...cameraInput(input, major));
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
    ...LIVE_TS_OUTPUT,
  );
  return args;
}

/** A real camera's input: options before `-i`, with the socket timeout each ffmpeg series names its own way. */
export function cameraInput(input: InputSpec, major: number | undefined): string[] {
  const args: string[] = [];
  if (/^rtsps?:/i.test(input.url)) {
    args.push('-rtsp_transport', input.transport);
    // Socket I/O timeout in microseconds: a camera that stops sending makes ffmpeg exit, and we restart it.
    // Unknown version: leave it out rather than guess (in 4.x `-timeout` means listen); the stall watchdog
    // still catches a silent camera.
    if (major !== undefined) args.push(major >= 5 ? '-timeout' : '-stimeout', '5000000');
  } else {
    args.push('-rw_timeout', '5000000');
  }
  args.push(...LOW_DELAY_INPUT, '-i', input.url);
  return args;
}

/**
 * MPEG-TS to stdout as each picture comes. With the PES length written, a reader knows a picture is complete when
 * its last packet arrives, not when the next picture starts: a frame less latency (JSMpeg, and the passthrough
 * framer), and no small picture decoded together with the next one.
 */
export const LIVE_TS_OUTPUT: readonly string[] = [
  '-muxdelay',
  '0',
  '-muxpreload',
  '0',
  '-omit_video_pes_length',
  '0',
  '-flush_packets',
  '1',
  'pipe:1',
];

/** What ffmpeg's stderr means, in words an operator or installer can act on. */
export function ffmpegProblem(stderr: string): { code: StreamReason['code']; text: string } | undefined {
  const text = redactText(stderr);
  const rules: [RegExp, StreamReason['code'], string][] = [
    [
      /401 Unauthorized|authorization failed|Unauthorized/i,
      'auth',
      'authentication failed: check the user name and password for this camera',
    ],
    [
      /403 Forbidden/i,
      'forbidden',
      'the camera refused access to this stream (403): check the account’s permissions',
    ],
    [
      /404 Not Found|Stream not found|method DESCRIBE failed: 404/i,
      'notFound',
      'the stream path was not found on the camera: check the URL path',
    ],
    [
      /Connection refused/i,
      'refused',
      'the camera refused the connection: wrong port, or the RTSP service is off',
    ],
    [
      /No route to host|Network is unreachable|Host is unreachable/i,
      'unreachable',
      'the camera’s host is unreachable on the network',
    ],
    [
      /Name or service not known|Temporary failure in name resolution|nodename nor servname/i,
      'unknownHost',
      'the camera’s host name could not be found',
    ],
    [
      /Connection timed out|timed out|Operation timed out/i,
      'timeout',
      'no answer from the camera (timed out): host unreachable or blocked',
    ],
    [
      /does not contain any stream|matches no streams|no video stream|Output file #0 does not contain/i,
      'noVideoTrack',
      'the stream has no video track',
    ],
    [
      /461 Unsupported transport|Unsupported transport/i,
      'transport',
      'the camera does not support this RTSP transport: try switching TCP/UDP',
    ],
    [
      /Invalid data found when processing input/i,
      'badData',
      'the camera sent data that is not a video stream ffmpeg can read',
    ],
    [/No such file or directory/i, 'noSource', 'the source does not exist'],
  ];
  const rule = rules.find(([pattern]) => pattern.test(text));
  return rule ? { code: rule[1], text: rule[2] } : undefined;
}

/** ffmpeg's stderr in the operator's terms, in English (logs, registry checks), or undefined when unknown. */
export function explainFfmpegError(stderr: string): string | undefined {
  return ffmpegProblem(stderr)?.text;
}
