import type { Readable } from 'node:stream';
import type { StreamReason, StreamState, StreamStatus } from '../../../shared/contract';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { redactText } from '../../common/redact';
import { ffmpegProblem } from './ffmpeg';
import { inspectPacket, TsPacketizer } from './mpegts';
import { GopCache, type StreamUnit } from './passthrough';

export interface SpawnedProcess {
  pid?: number;
  stdout: Readable | null;
  stderr: Readable | null;
  exitCode: number | null;
  signalCode: NodeJS.Signals | null;
  kill(signal?: NodeJS.Signals): boolean;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'error', listener: (err: Error) => void): unknown;
}

export type Spawner = (command: string, args: string[]) => SpawnedProcess;

export interface Viewer {
  /** Sends bytes; returns how many bytes are still queued for this viewer (WebSocket bufferedAmount). */
  send(data: Buffer): number;
  /** Waiting for a keyframe: set when joining, and when it fell behind and data was dropped for it. */
  waitingForKey: boolean;
  dropped: number;
  /** Ends the viewer's connection (its camera was removed). */
  close?(): void;
  /** Ends it saying why in a text message first (a passthrough stream that turned out not to be H.264). */
  refuse?(why: string): void;
}

/** Turns one launch's stdout into units for the viewers (a fresh one per launch: no state across restarts). */
export type Framer = () => { push(chunk: Buffer): StreamUnit[] };

/** MPEG-TS packets for JSMpeg, each marked where a picture and a keyframe begin. */
export const tsFramer: Framer = () => {
  const packetizer = new TsPacketizer();
  return {
    push: (chunk) =>
      packetizer.push(chunk).map((packet) => {
        const info = inspectPacket(packet);
        return { data: packet, picture: info.pictureStart, keyframe: info.keyframe };
      }),
  };
};

export interface SupervisionSettings {
  /** No bytes from ffmpeg for this long while live = stalled (then restarted). */
  stallMs: number;
  /** No first picture this long after start = give up this attempt. */
  connectTimeoutMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Live this long = the next failure starts the back-off from the beginning again. */
  healthyAfterMs: number;
  /** SIGTERM first; SIGKILL if ffmpeg is still there after this. */
  killGraceMs: number;
  /** A viewer with more than this queued is behind: it skips to the next keyframe. */
  viewerMaxQueuedBytes: number;
}

export const DEFAULT_SUPERVISION: SupervisionSettings = {
  stallMs: 3000,
  connectTimeoutMs: 15_000,
  backoffInitialMs: 500,
  backoffMaxMs: 3000,
  healthyAfterMs: 10_000,
  killGraceMs: 2000,
  viewerMaxQueuedBytes: 512 * 1024,
};

export interface WorkerOptions {
  cameraId: string;
  profile: 'main' | 'sub';
  /** A passthrough stream (the camera's H.264 copied) beside the MPEG-1 one of the same camera and profile. */
  path?: 'jsmpeg' | 'passthrough';
  command: string;
  args: string[];
  spawn: Spawner;
  clock: Clock;
  log: Logger;
  settings: SupervisionSettings;
  onStatus(status: StreamStatus): void;
  /**
   * For an ffmpeg whose stdout is not MPEG-TS for viewers (the recorder's `-progress` report and segment list):
   * a reader made fresh for each launch, returning how many new pictures a chunk reports. The same supervision
   * (liveness, stall, back-off, SIGTERM→SIGKILL) then applies to a process that writes files.
   */
  output?: () => (chunk: Buffer) => number;
  /** How stdout becomes units for viewers; MPEG-TS packets (tsFramer) unless given. */
  framer?: Framer;
  /**
   * Keep the current GOP up to this many bytes and send it first to a new viewer (passthrough streams: the
   * page's decoder shows a picture at once instead of after the next keyframe). 0 = no cache.
   */
  gopCacheBytes?: number;
}

/**
 * One ffmpeg for one (camera, profile), supervised: restarted on ANY exit (ffmpeg exits 0 when a camera
 * closes the stream) and on stall, with capped exponential back-off, for as long as anyone watches.
 */
export class StreamWorker {
  readonly viewers = new Set<Viewer>();
  private proc: SpawnedProcess | undefined;
  private state: StreamState = 'idle';
  private since: number;
  private offlineSince: number | undefined;
  private retryAt: number | undefined;
  private error: string | undefined;
  private reason: StreamReason | undefined;
  private attempt = 0;
  private startedAt = 0;
  private liveSince = 0;
  private lastDataAt = 0;
  private lastFrameAt: number | undefined;
  private stderrTail = '';
  private retryTimer: unknown;
  private watchdog: unknown;
  private killTimer: unknown;
  private running = false;
  private frames: number[] = [];
  private bytes: { at: number; n: number }[] = [];
  private exited: Promise<void> = Promise.resolve();
  private readonly gop: GopCache | undefined;

  constructor(private readonly o: WorkerOptions) {
    this.since = o.clock.now();
    this.gop = o.gopCacheBytes ? new GopCache(o.gopCacheBytes) : undefined;
  }

  /**
   * A new viewer: with a GOP cache it gets the current GOP at once and continues live from there; otherwise it
   * waits for the next keyframe.
   */
  addViewer(viewer: Viewer): void {
    viewer.waitingForKey = true;
    this.viewers.add(viewer);
    if (!this.gop || this.gop.length === 0) return;
    let queued = 0;
    for (const frame of this.gop.replay()) queued = viewer.send(frame);
    viewer.waitingForKey = queued > this.maxQueued();
  }

  /**
   * Bytes a viewer may have queued before it skips to the next keyframe. A new viewer is handed the whole cached
   * GOP at once, so that much more is allowed; the cache's own bound keeps it finite.
   */
  private maxQueued(): number {
    return this.o.settings.viewerMaxQueuedBytes + (this.gop?.bytes ?? 0);
  }

  /** The cached GOP's size (tests and the benchmark check its bound). */
  get cachedGop(): { frames: number; bytes: number } {
    return { frames: this.gop?.length ?? 0, bytes: this.gop?.bytes ?? 0 };
  }

  get key(): string {
    return `${this.o.cameraId}/${this.o.profile}${this.o.path === 'passthrough' ? '/h264' : ''}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Starts supervising (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.watchdog = this.o.clock.setInterval(() => this.check(), 500);
    this.launch();
  }

  /** Stops for good: SIGTERM, then SIGKILL; resolves when ffmpeg is gone. */
  async stop(): Promise<void> {
    this.running = false;
    this.o.clock.clearTimeout(this.retryTimer);
    this.o.clock.clearInterval(this.watchdog);
    this.terminate();
    await this.exited;
    this.setState('idle');
  }

  status(): StreamStatus {
    const now = this.o.clock.now();
    const windowStart = now - 2000;
    this.frames = this.frames.filter((t) => t >= windowStart);
    this.bytes = this.bytes.filter((b) => b.at >= windowStart);
    // The rate is over the last 2 s, or since the stream went live, but never over less than 1 s: the first
    // frames arrive as a burst (the cached GOP, ffmpeg's start), and a few of them over a few milliseconds read as
    // "1000 fps" on the tile. Under-reading during the first second is the smaller lie.
    const span = Math.min(2000, Math.max(1000, now - (this.liveSince || now)));
    return {
      cameraId: this.o.cameraId,
      profile: this.o.profile,
      ...(this.o.path ? { path: this.o.path } : {}),
      state: this.state,
      since: this.since,
      ...(this.offlineSince !== undefined ? { offlineSince: this.offlineSince } : {}),
      ...(this.retryAt !== undefined ? { retryAt: this.retryAt } : {}),
      ...(this.lastFrameAt !== undefined ? { lastFrameAt: this.lastFrameAt } : {}),
      ...(this.error ? { error: this.error } : {}),
      ...(this.reason ? { reason: this.reason } : {}),
      fps: this.state === 'live' ? Math.round((this.frames.length * 1000 * 10) / span) / 10 : 0,
      kbps: this.state === 'live' ? Math.round((this.bytes.reduce((s, b) => s + b.n, 0) * 8) / span) : 0,
      viewers: this.viewers.size,
      restarts: Math.max(0, this.attempt - 1),
    };
  }

  private setState(state: StreamState): void {
    if (state === this.state) return;
    const now = this.o.clock.now();
    this.state = state;
    this.since = now;
    if (state === 'live') {
      this.offlineSince = undefined;
      this.retryAt = undefined;
      this.error = undefined;
      this.reason = undefined;
    }
    if (state === 'offline' && this.offlineSince === undefined) this.offlineSince = now;
    if (state === 'idle') {
      this.offlineSince = undefined;
      this.retryAt = undefined;
    }
    this.o.log.info('stream state', { stream: this.key, state, error: this.error });
    this.o.onStatus(this.status());
  }

  private launch(): void {
    if (!this.running) return;
    this.attempt += 1;
    this.retryAt = undefined;
    this.startedAt = this.o.clock.now();
    this.lastDataAt = this.startedAt;
    this.stderrTail = '';
    if (this.state === 'idle') this.setState('connecting');
    else this.o.onStatus(this.status());
    let proc: SpawnedProcess;
    try {
      proc = this.o.spawn(this.o.command, this.o.args);
    } catch (err) {
      this.fail({ code: 'ffmpegMissing' }, `ffmpeg could not be started (${(err as Error).message})`);
      this.scheduleRetry();
      return;
    }
    this.proc = proc;
    const framer = (this.o.framer ?? tsFramer)();
    // A new ffmpeg starts a new stream: nobody continues from the old one's pictures.
    this.gop?.clear();
    for (const viewer of this.viewers) viewer.waitingForKey = true;
    const report = this.o.output?.();
    this.exited = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        this.o.clock.clearTimeout(this.killTimer);
        resolve();
        if (this.proc === proc) this.proc = undefined;
        this.onExit(code, signal);
      });
    });
    proc.once('error', (err) => {
      // ENOENT and the like: no 'exit' follows, so retry from here.
      this.o.log.error('ffmpeg failed to start', { stream: this.key, error: err.message });
      this.fail(
        { code: 'ffmpegMissing' },
        `ffmpeg could not be started (${err.message}); check the ffmpeg path`,
      );
      if (this.proc === proc) this.proc = undefined;
      this.scheduleRetry();
    });
    proc.stdout?.on('data', (chunk: Buffer) =>
      report ? this.onPictures(report(chunk), chunk.length) : this.onData(framer.push(chunk), chunk.length),
    );
    proc.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
  }

  private onData(units: StreamUnit[], chunkBytes: number): void {
    // Bytes from ffmpeg mean it is alive even when they do not complete a unit yet (a big keyframe).
    if (chunkBytes > 0) this.lastDataAt = this.o.clock.now();
    if (units.length === 0) return;
    const now = this.o.clock.now();
    let size = 0;
    for (const unit of units) {
      if (unit.picture) {
        this.frames.push(now);
        this.lastFrameAt = now;
        if (this.state !== 'live') {
          this.liveSince = now;
          this.setState('live');
        }
      }
      size += unit.data.length;
      this.gop?.add(unit);
    }
    this.bytes.push({ at: now, n: size });
    if (this.state === 'live' && now - this.liveSince > this.o.settings.healthyAfterMs) this.attempt = 1;
    for (const viewer of this.viewers) this.deliver(viewer, units);
  }

  /** Liveness from a process that reports its pictures instead of sending them (see `output`). */
  private onPictures(pictures: number, size: number): void {
    if (pictures <= 0) return;
    const now = this.o.clock.now();
    this.lastDataAt = now;
    this.lastFrameAt = now;
    for (let i = 0; i < pictures; i++) this.frames.push(now);
    this.bytes.push({ at: now, n: size });
    if (this.state !== 'live') {
      this.liveSince = now;
      this.setState('live');
    }
    if (now - this.liveSince > this.o.settings.healthyAfterMs) this.attempt = 1;
  }

  /** Per-viewer backpressure: a viewer that is behind loses data up to the next keyframe, never memory. */
  private deliver(viewer: Viewer, batch: StreamUnit[]): void {
    let start = 0;
    if (viewer.waitingForKey) {
      start = batch.findIndex((b) => b.keyframe);
      if (start === -1) {
        viewer.dropped += batch.length;
        return;
      }
      viewer.waitingForKey = false;
    }
    // TS packets go as one message per chunk (JSMpeg reads a byte stream); passthrough frames one message each.
    let queued = 0;
    if (this.o.framer && this.o.framer !== tsFramer) {
      for (const unit of batch.slice(start)) queued = viewer.send(unit.data);
    } else {
      queued = viewer.send(Buffer.concat(batch.slice(start).map((b) => b.data)));
    }
    if (queued > this.maxQueued()) viewer.waitingForKey = true;
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const explained = ffmpegProblem(this.stderrTail);
    const lastLine = redactText(this.stderrTail.trim().split('\n').at(-1) ?? '').slice(0, 200);
    if (this.running) {
      if (explained) this.fail({ code: explained.code }, explained.text);
      else if (code === 0) this.fail({ code: 'ended' }, 'the camera ended the stream');
      else
        this.fail(
          { code: 'ffmpegStopped' },
          lastLine ? `ffmpeg stopped: ${lastLine}` : `ffmpeg exited (${signal ?? code})`,
        );
      this.o.log.warn('ffmpeg exited', { stream: this.key, code, signal, reason: this.error });
      this.scheduleRetry();
    }
  }

  /** What went wrong: a code the page words, and the technical text kept beside it (logs, a hover). */
  private fail(reason: StreamReason, technical: string): void {
    this.reason = reason;
    this.error = technical;
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    const delay = Math.min(
      this.o.settings.backoffMaxMs,
      this.o.settings.backoffInitialMs * 2 ** Math.max(0, this.attempt - 1),
    );
    this.retryAt = this.o.clock.now() + delay;
    if (this.state === 'offline') this.o.onStatus(this.status());
    else this.setState('offline');
    this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.o.clock.setTimeout(() => this.launch(), delay);
  }

  /** Watchdog: a live stream with no bytes is stalled; an attempt that never produced a picture is given up. */
  private check(): void {
    if (!this.proc) return;
    const now = this.o.clock.now();
    if (this.state === 'live' && now - this.lastDataAt > this.o.settings.stallMs) {
      const seconds = Math.round((now - this.lastDataAt) / 1000);
      this.fail({ code: 'stalled', seconds }, `no video for ${seconds} s`);
      this.setState('stalled');
      this.terminate();
    } else if (
      this.state !== 'live' &&
      this.state !== 'stalled' &&
      now - this.startedAt > this.o.settings.connectTimeoutMs
    ) {
      const explained = ffmpegProblem(this.stderrTail);
      this.fail(
        explained ? { code: explained.code } : { code: 'noPicture' },
        explained?.text ?? 'no picture from the camera',
      );
      this.terminate();
    }
  }

  private terminate(): void {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    this.o.clock.clearTimeout(this.killTimer);
    this.killTimer = this.o.clock.setTimeout(() => {
      if (proc.exitCode === null && proc.signalCode === null) {
        this.o.log.warn('ffmpeg ignored SIGTERM; killing', { stream: this.key, pid: proc.pid });
        proc.kill('SIGKILL');
      }
    }, this.o.settings.killGraceMs);
  }
}
