import { spawn as nodeSpawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StreamStatus } from '../../../shared/contract';
import type { CameraDef, StreamProfile } from '../../../shared/domain/site';
import { pickText } from '../../../shared/domain/text';
import { tracked } from '../../common/children';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { hardenServer, refuseUpgrade, requestUrl } from '../util/net';
import type { PassthroughRefusal } from '../../../shared/domain/video-frame';
import { DEFAULT_PROFILES, ffmpegArgs, type ProfileSettings, resolveFfmpeg } from './ffmpeg';
import { PassthroughFramer, passthroughArgs } from './passthrough';
import {
  DEFAULT_SUPERVISION,
  StreamWorker,
  type Spawner,
  type SupervisionSettings,
  type Viewer,
} from './worker';

export interface GatewayOptions {
  cameras: CameraDef[];
  clock: Clock;
  log: Logger;
  /** Captions and other scratch files for ffmpeg. */
  workDir: string;
  ffmpegPath?: string;
  spawn?: Spawner;
  supervision?: Partial<SupervisionSettings>;
  profiles?: Partial<Record<StreamProfile, Partial<ProfileSettings>>>;
  /** Keep ffmpeg running this long after the last viewer left (grid ↔ focus switches reuse it). */
  idleStopMs?: number;
  /** Request headers must arrive within this (default 10 s); tests and the fuzz suite shorten it. */
  headersTimeoutMs?: number;
  /** Bytes of the current GOP kept per passthrough stream for the next viewer (default 4 MiB). */
  gopCacheBytes?: number;
  onStatus(streams: StreamStatus[]): void;
}

/** How a stream reaches the page: re-encoded to MPEG-1 for JSMpeg, or the camera's H.264 copied for WebCodecs. */
export type StreamPath = 'jsmpeg' | 'passthrough';

/** A 4 MP camera at 8 Mb/s with a 2 s GOP sends 2 MB per GOP; twice that is room enough. */
export const DEFAULT_GOP_CACHE_BYTES = 4 * 1024 * 1024;

/** Viewers at once: a wall of 64 tiles plus focus views, with room to spare. */
const MAX_VIEWERS = 256;

function tokenEquals(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const workerKey = (cameraId: string, profile: StreamProfile, path: StreamPath) =>
  path === 'passthrough' ? `${cameraId}/${profile}/h264` : `${cameraId}/${profile}`;

const defaultSpawn: Spawner = (command, args) =>
  tracked(nodeSpawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true }));

/**
 * The video gateway: one loopback WebSocket endpoint for every stream, one ffmpeg per (camera, profile, path)
 * shared by every viewer. `/<cameraId>/<main|sub>?token=` is MPEG-1 in MPEG-TS for JSMpeg;
 * `/<cameraId>/<main|sub>/h264?token=` is the camera's own H.264, copied, one framed access unit per message
 * (shared/domain/video-frame.ts) for the page's WebCodecs decoder.
 */
export class StreamGateway {
  private readonly workers = new Map<string, StreamWorker>();
  /** What a stream's container said its codec is, once a passthrough ffmpeg has seen it (`cam/profile`). */
  private readonly codecs = new Map<string, string>();
  private readonly idleTimers = new Map<string, unknown>();
  private cameras = new Map<string, CameraDef>();
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private statusTimer: unknown;
  private port = 0;
  private stopping = false;
  readonly token = randomBytes(18).toString('base64url');
  readonly ffmpeg;
  private readonly major: number | undefined;

  get ffmpegMajor(): number | undefined {
    return this.major;
  }
  private readonly settings: SupervisionSettings;

  constructor(private readonly o: GatewayOptions) {
    this.setCameras(o.cameras);
    // A test's fake ffmpeg (o.spawn) needs no real one probed.
    this.ffmpeg = resolveFfmpeg(o.ffmpegPath, process.env, o.spawn ? { probe: () => undefined } : {});
    this.major = o.spawn ? 5 : this.ffmpeg.major;
    this.settings = { ...DEFAULT_SUPERVISION, ...o.supervision };
    o.log.info('video gateway uses ffmpeg', {
      path: this.ffmpeg.path,
      source: this.ffmpeg.source,
      version: this.ffmpeg.version,
      major: this.major,
    });
    if (this.ffmpeg.warning && !o.spawn) o.log.warn(this.ffmpeg.warning);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  setCameras(cameras: CameraDef[]): void {
    this.cameras = new Map(cameras.map((c) => [c.id, c]));
  }

  async start(): Promise<void> {
    const server = createServer(
      { maxHeaderSize: 16 * 1024, connectionsCheckingInterval: 1000 },
      (req, res) => {
        req.on('error', () => undefined);
        res.on('error', () => undefined);
        res.writeHead(426, { 'content-type': 'text/plain', connection: 'close' }).end('WebSocket only');
      },
    );
    this.server = server;
    hardenServer(
      server,
      {
        headersTimeoutMs: this.o.headersTimeoutMs ?? 10_000,
        requestTimeoutMs: (this.o.headersTimeoutMs ?? 10_000) + 5_000,
        keepAliveTimeoutMs: 5_000,
        idleTimeoutMs: 30_000,
        maxConnections: MAX_VIEWERS + 32,
      },
      this.o.log,
    );
    // Players send nothing; a frame from one is dropped and a big one closes it (ws answers 1009).
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4096 });
    this.wss.on('error', (err) => this.o.log.error('video websocket server error', { error: err.message }));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      try {
        this.upgrade(req, socket, head);
      } catch (err) {
        this.o.log.error('video upgrade failed', { error: (err as Error).message });
        refuseUpgrade(socket, '500 Internal Server Error');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.o.log.error('video gateway server error', { error: err.message }));
    this.port = (this.server.address() as AddressInfo).port;
    this.statusTimer = this.o.clock.setInterval(() => {
      const active = this.statuses().filter((s) => s.state !== 'idle');
      if (active.length) this.o.onStatus(active);
    }, 1000);
    this.o.log.info('video gateway listening', { url: this.url });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = requestUrl(req);
    const refuse = (status: string) => refuseUpgrade(socket, status);
    // Players reconnect by themselves; during shutdown they must not start ffmpeg again.
    if (this.stopping) return refuse('503 Service Unavailable');
    if (!url) return refuse('400 Bad Request');
    if (req.headers.host !== `127.0.0.1:${this.port}` && req.headers.host !== `localhost:${this.port}`) {
      return refuse('421 Misdirected Request');
    }
    if (!tokenEquals(this.token, url.searchParams.get('token'))) return refuse('401 Unauthorized');
    const [, cameraId, profile, codec, ...rest] = url.pathname.split('/');
    if (
      !cameraId ||
      rest.length ||
      (codec !== undefined && codec !== 'h264') ||
      !this.cameras.has(cameraId) ||
      (profile !== 'main' && profile !== 'sub')
    )
      return refuse('404 Not Found');
    if ((this.wss?.clients.size ?? 0) >= MAX_VIEWERS) return refuse('503 Service Unavailable');
    const path: StreamPath = codec === 'h264' ? 'passthrough' : 'jsmpeg';
    this.wss!.handleUpgrade(req, socket, head, (ws) => {
      try {
        const refusal = path === 'passthrough' ? this.passthroughRefusal(cameraId, profile) : undefined;
        if (refusal) {
          ws.send(JSON.stringify(refusal));
          ws.close(1000, 'not passed through');
          return;
        }
        this.attach(ws, cameraId, profile, path);
      } catch (err) {
        this.o.log.warn('video viewer refused', { error: (err as Error).message });
        ws.close(1011, 'the video gateway could not start this stream');
      }
    });
  }

  statuses(): StreamStatus[] {
    return [...this.workers.values()].map((w) => w.status());
  }

  /**
   * Why this stream is not passed through, known before any ffmpeg starts: the site file or a supervisor says
   * the camera sends H.265 or must play in JSMpeg, the source is the demo's synthetic picture (no H.264 to copy),
   * or an earlier passthrough ffmpeg found another codec in the stream.
   */
  passthroughRefusal(cameraId: string, profile: StreamProfile): PassthroughRefusal | undefined {
    const camera = this.cameras.get(cameraId);
    if (!camera) return undefined;
    if (camera.video?.player === 'jsmpeg') return { refused: 'setting' };
    if (camera.video?.codec === 'h265') return { refused: 'codec', codec: 'hevc' };
    if (this.sourceOf(camera, profile).startsWith('synthetic:')) return { refused: 'synthetic' };
    const seen = this.codecs.get(`${cameraId}/${profile}`);
    if (seen && seen !== 'h264') return { refused: 'codec', codec: seen };
    return undefined;
  }

  /** A viewer watches (camera, profile); starts ffmpeg if it is the first. Returns the detach function. */
  subscribe(
    cameraId: string,
    profile: StreamProfile,
    viewer: Viewer,
    path: StreamPath = 'jsmpeg',
  ): () => void {
    if (this.stopping) throw new Error('the video gateway is stopping');
    const worker = this.worker(cameraId, profile, path);
    const key = worker.key;
    this.o.clock.clearTimeout(this.idleTimers.get(key));
    this.idleTimers.delete(key);
    worker.addViewer(viewer);
    worker.start();
    this.o.onStatus([worker.status()]);
    return () => {
      worker.viewers.delete(viewer);
      this.o.onStatus([worker.status()]);
      if (worker.viewers.size > 0) return;
      this.idleTimers.set(
        key,
        this.o.clock.setTimeout(() => {
          this.idleTimers.delete(key);
          if (worker.viewers.size === 0) void worker.stop().then(() => this.o.onStatus([worker.status()]));
        }, this.o.idleStopMs ?? 5000),
      );
    };
  }

  /**
   * A camera's definition changed (or it was removed): its ffmpeg processes restart with the new source and
   * keep their viewers; a removed camera's viewers are disconnected.
   */
  async reconfigure(cameraId: string): Promise<void> {
    for (const profile of ['main', 'sub'] as const) {
      this.codecs.delete(`${cameraId}/${profile}`);
      for (const path of ['jsmpeg', 'passthrough'] as const) {
        const key = workerKey(cameraId, profile, path);
        const old = this.workers.get(key);
        if (!old) continue;
        const viewers = [...old.viewers];
        this.workers.delete(key);
        await old.stop();
        // A passthrough viewer of a camera now set to JSMpeg is told so and moves over by itself.
        const refusal = path === 'passthrough' ? this.passthroughRefusal(cameraId, profile) : undefined;
        if (!this.cameras.has(cameraId) || refusal) {
          for (const v of viewers) {
            if (refusal && v.refuse) v.refuse(JSON.stringify(refusal));
            else v.close?.();
          }
          continue;
        }
        const fresh = this.worker(cameraId, profile, path);
        for (const v of viewers) fresh.addViewer(v);
        if (viewers.length > 0) fresh.start();
      }
    }
  }

  /** The ffmpeg processes running now (tests check none is left behind). */
  pids(): number[] {
    return [...this.workers.values()].flatMap((w) => (w.pid ? [w.pid] : []));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.o.clock.clearInterval(this.statusTimer);
    for (const t of this.idleTimers.values()) this.o.clock.clearTimeout(t);
    this.idleTimers.clear();
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.wss?.close();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((r) => this.server!.close(() => r()));
    }
  }

  /** Without a sub stream, the grid still gets a small picture: the main stream (scaled down for MPEG-1). */
  private sourceOf(camera: CameraDef, profile: StreamProfile): string {
    return profile === 'sub' ? (camera.streams.sub ?? camera.streams.main) : camera.streams.main;
  }

  private worker(cameraId: string, profile: StreamProfile, path: StreamPath = 'jsmpeg'): StreamWorker {
    const key = workerKey(cameraId, profile, path);
    let worker = this.workers.get(key);
    if (worker) return worker;
    const camera = this.cameras.get(cameraId);
    if (!camera) throw new Error(`no camera "${cameraId}"`);
    const settings = { ...DEFAULT_PROFILES[profile], ...this.o.profiles?.[profile] };
    const url = this.sourceOf(camera, profile);
    const caption = `${camera.id} ${pickText(camera.name, 'zh-CN')}`;
    const input = { url, transport: camera.transport, caption, workDir: join(this.o.workDir, 'captions') };
    const passthrough = path === 'passthrough';
    const created: StreamWorker = new StreamWorker({
      cameraId,
      profile,
      path,
      command: this.ffmpeg.path,
      args: passthrough ? passthroughArgs(input, this.major) : ffmpegArgs(input, settings, this.major),
      spawn: this.o.spawn ?? defaultSpawn,
      clock: this.o.clock,
      log: this.o.log,
      settings: this.settings,
      onStatus: (status) => this.o.onStatus([status]),
      ...(passthrough
        ? {
            framer: () =>
              new PassthroughFramer({
                now: () => this.o.clock.now(),
                onCodec: (codec) => this.onCodec(created, cameraId, profile, codec),
              }),
            gopCacheBytes: this.o.gopCacheBytes ?? DEFAULT_GOP_CACHE_BYTES,
          }
        : {}),
    });
    worker = created;
    this.workers.set(key, worker);
    return worker;
  }

  /**
   * A passthrough ffmpeg's container named the camera's codec. Anything but H.264 (an H.265 camera) is not for
   * the page's decoder: its viewers are told so (they switch to MPEG-1), the ffmpeg stops, and later viewers are
   * refused at once.
   */
  private onCodec(worker: StreamWorker, cameraId: string, profile: StreamProfile, codec: string): void {
    this.codecs.set(`${cameraId}/${profile}`, codec);
    if (codec === 'h264') return;
    this.o.log.info('stream is not H.264: served as MPEG-1 only', { stream: worker.key, codec });
    const refusal = JSON.stringify({ refused: 'codec', codec } satisfies PassthroughRefusal);
    for (const v of [...worker.viewers]) {
      worker.viewers.delete(v);
      if (v.refuse) v.refuse(refusal);
      else v.close?.();
    }
    if (this.workers.get(worker.key) === worker) this.workers.delete(worker.key);
    void worker.stop().then(() => this.o.onStatus([worker.status()]));
  }

  private attach(ws: WebSocket, cameraId: string, profile: StreamProfile, path: StreamPath): void {
    const viewer: Viewer = {
      waitingForKey: true,
      dropped: 0,
      close: () => ws.close(1000, 'camera removed'),
      refuse: (why) => {
        if (ws.readyState === ws.OPEN) ws.send(why);
        ws.close(1000, 'not passed through');
      },
      send: (data) => {
        if (ws.readyState === ws.OPEN) ws.send(data, { binary: true });
        return ws.bufferedAmount;
      },
    };
    const detach = this.subscribe(cameraId, profile, viewer, path);
    ws.on('close', detach);
    ws.on('error', () => ws.terminate());
  }
}
