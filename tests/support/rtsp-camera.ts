import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { requireTool } from './tools';

/**
 * A real RTSP camera for tests and benchmarks: tests/support/rtsp-server.py (GStreamer's RTSP server), run by
 * Debian's /usr/bin/python3 (the `python3` on PATH may lack `gi`). Mounts /cam1../camN (WxH@fps), /camN/sub
 * (320x180@15) and, with clockMount, /clock (every frame carries its wall-clock ms; see decodeClockBlocks).
 */

export const RTSP_PYTHON = process.env.RTSP_PYTHON ?? '/usr/bin/python3';
export const RTSP_SERVER_SCRIPT = fileURLToPath(new URL('./rtsp-server.py', import.meta.url));
export const RTSP_SERVER_INSTALL =
  'apt-get install python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base ' +
  'gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav gstreamer1.0-x';

let available: boolean | undefined;

/** True when /usr/bin/python3 can import GstRtspServer through gi (checked once). */
export function rtspServerAvailable(): boolean {
  if (available === undefined) {
    const probe = spawnSync(
      RTSP_PYTHON,
      [
        '-c',
        "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); " +
          'from gi.repository import Gst, GstRtspServer',
      ],
      { stdio: 'ignore', timeout: 15_000 },
    );
    available = probe.status === 0;
  }
  return available;
}

/** A test that needs a real RTSP camera: skips on a developer machine without GStreamer, fails in CI. */
export const requireRtspServer = () =>
  requireTool('GStreamer RTSP server', rtspServerAvailable(), 'see .ci/run for the Debian packages');

export interface RtspServer {
  /** `rtsp://127.0.0.1:PORT/<mount>` (no credentials in it; add them yourself when the server has some). */
  url(mount: string): string;
  readonly port: number;
  /** "The camera dies": SIGTERM, SIGKILL after 3 s; resolves once the process has exited. */
  stop(): Promise<void>;
  /** "The camera returns": starts it again on the same port (stops it first if it is running). */
  restart(): Promise<void>;
  /** The running server's pid; undefined while stopped. */
  readonly pid: number | undefined;
  /** (`nvr`) The path and query of every DESCRIBE the NVR mounts got, oldest first. */
  requests(): string[];
}

export interface RtspServerOptions {
  port?: number;
  cameras?: number;
  width?: number;
  height?: number;
  fps?: number;
  clockMount?: boolean;
  /** Also serve NVR playback paths (Hikvision /Streaming/tracks/10x, Dahua /cam/playback), logging each request. */
  nvr?: boolean;
  /** Also serve /hevc: 640x360 H.265 (x265enc), a camera the browser cannot decode. */
  hevcMount?: boolean;
  /** Frames between keyframes (default: the frame rate, one a second). */
  gop?: number;
  user?: string;
  password?: string;
}

const READY_TIMEOUT_MS = 20_000;
const KILL_AFTER_MS = 3_000;
const OUTPUT_KEPT = 8_000;

/** Servers still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Starts the server; resolves with it and the port its READY line names (the one it bound). */
async function launch(
  args: string[],
  onLine: (line: string) => void = () => undefined,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(RTSP_PYTHON, [RTSP_SERVER_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep); // always drained, so GStreamer's warnings never block the server

  const port = await new Promise<number>((resolve, reject) => {
    let stdoutText = '';
    const fail = (why: string) => {
      cleanup();
      if (!exited(child)) child.kill('SIGKILL');
      reject(
        new Error(`RTSP server ${why}; ${RTSP_PYTHON} ${RTSP_SERVER_SCRIPT} ${args.join(' ')}\n${output}`),
      );
    };
    const onData = (chunk: Buffer) => {
      stdoutText += chunk.toString();
      const ready = /^READY rtsp:\/\/\S+:(\d+)$/m.exec(stdoutText);
      if (ready) {
        cleanup();
        resolve(Number(ready[1]));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited before READY (code ${code}, signal ${signal})`);
    const onError = (err: Error) => fail(`could not start: ${err.message}`);
    const timer = setTimeout(
      () => fail(`printed no READY line within ${READY_TIMEOUT_MS} ms`),
      READY_TIMEOUT_MS,
    );
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
  return { child, port };
}

async function terminate(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts tests/support/rtsp-server.py and resolves once it is listening. */
export async function startRtspServer(opts: RtspServerOptions = {}): Promise<RtspServer> {
  // Port 0: the server binds a free port itself and names it, so no other listener can take it in between.
  const args = ['--port', String(opts.port ?? 0), '--cameras', String(opts.cameras ?? 4)];
  if (opts.width !== undefined) args.push('--width', String(opts.width));
  if (opts.height !== undefined) args.push('--height', String(opts.height));
  if (opts.fps !== undefined) args.push('--fps', String(opts.fps));
  if (opts.clockMount) args.push('--clock-mount');
  if (opts.nvr) args.push('--nvr');
  if (opts.hevcMount) args.push('--hevc-mount');
  if (opts.gop !== undefined) args.push('--gop', String(opts.gop));
  if (opts.user !== undefined || opts.password !== undefined)
    args.push('--user', opts.user ?? '', '--password', opts.password ?? '');

  const requests: string[] = [];
  const onLine = (line: string) => {
    if (line.startsWith('REQUEST ')) requests.push(line.slice(8).trim());
  };
  const first = await launch(args, onLine);
  let child: ChildProcess | undefined = first.child;
  const port = first.port;
  // "The camera returns" on the same port: whoever connects knows the camera by its URL.
  args[1] = String(port);

  const stop = async () => {
    const c = child;
    child = undefined;
    if (c) await terminate(c);
  };

  return {
    port,
    url: (mount) => `rtsp://127.0.0.1:${port}/${mount.replace(/^\/+/, '')}`,
    get pid() {
      return child && !exited(child) ? child.pid : undefined;
    },
    stop,
    requests: () => [...requests],
    async restart() {
      await stop();
      // The port was ours a moment ago; retry briefly in case the kernel has not released it yet.
      for (let attempt = 1; ; attempt++) {
        try {
          child = (await launch(args, onLine)).child;
          return;
        } catch (err) {
          if (attempt >= 5 || !/could not listen/.test(String(err))) throw err;
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
    },
  };
}

/**
 * The /clock picture: 48 bits (most significant first) of the frame's wall-clock time in ms, as blocks
 * 12 px wide and 16 px tall from the top-left corner (48 x 16 px would not fit 640 px), white = 1, black = 0;
 * row 0 is y 0..15 and row 1 (a copy) is y 16..31; the rest is mid-grey. Matches rtsp-server.py.
 */
export const CLOCK_PICTURE = { width: 640, height: 360, bits: 48, blockWidth: 12, blockHeight: 16 } as const;

/**
 * Reads the /clock timestamp from a decoded picture. `gray(x, y)` gives luma 0..255 at (x, y) in the
 * original 640x360 coordinates (scale yourself if the picture was resized). Samples the centre of every
 * block in both rows, threshold 128; returns undefined when the rows disagree.
 */
export function decodeClockBlocks(gray: (x: number, y: number) => number): number | undefined {
  const { bits, blockWidth, blockHeight } = CLOCK_PICTURE;
  let value = 0;
  for (let i = 0; i < bits; i++) {
    const x = i * blockWidth + blockWidth / 2;
    const bit0 = gray(x, blockHeight / 2) >= 128;
    const bit1 = gray(x, blockHeight + blockHeight / 2) >= 128;
    if (bit0 !== bit1) return undefined;
    value = value * 2 + (bit0 ? 1 : 0); // not <<: the value is wider than 32 bits
  }
  return value;
}
