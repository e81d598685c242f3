import {
  decodeVideoFrame,
  parseRefusal,
  type DecodedVideoFrame,
  type PassthroughRefusal,
} from '../../../shared/domain/video-frame';

/** Chunks waiting in the decoder beyond this: the page cannot keep up; skip to the next keyframe. */
const MAX_DECODE_QUEUE = 30;
/** Frames held while the browser says whether it can decode the stream (a cached GOP is at most this long). */
const MAX_PENDING = 300;
const RECONNECT_MS = 1000;

/** isConfigSupported once per codec string and preference, for every tile of the page. */
const support = new Map<string, Promise<boolean>>();

export function decoderConfig(codec: string, large: boolean): VideoDecoderConfig {
  return {
    codec,
    optimizeForLatency: true,
    // Grid tiles: software decoding promises one picture out per chunk in (guide/video.md B5); a hardware decoder
    // may hold frames. The enlarged main stream may use the GPU where there is one.
    hardwareAcceleration: large ? 'no-preference' : 'prefer-software',
  };
}

function supported(config: VideoDecoderConfig): Promise<boolean> {
  const key = `${config.codec}|${config.hardwareAcceleration ?? ''}`;
  let answer = support.get(key);
  if (!answer) {
    answer = VideoDecoder.isConfigSupported(config).then(
      (r) => r.supported === true,
      () => false,
    );
    support.set(key, answer);
  }
  return answer;
}

export interface PassthroughEvents {
  /** A picture was drawn on the canvas; `fromCache`: the first one decoded came from the gateway's cached GOP. */
  onPicture(fromCache: boolean): void;
  /** The gateway or the browser will not play this stream this way: the tile plays MPEG-1 instead. */
  onRefused(why: PassthroughRefusal | { refused: 'unsupported'; codec: string }): void;
}

/**
 * Plays a passthrough stream (the camera's H.264, one access unit per message) with WebCodecs into a canvas:
 * each decoded frame is drawn and closed at once (a held VideoFrame stalls the decoder), the decoder is rebuilt
 * and waits for a keyframe after an error, a keyframe with a new codec string or size reconfigures it
 * (resolution changes mid-stream), and the socket reconnects by itself as JSMpeg's does. Frames come out in
 * presentation order, so B-frames work, at the cost of their reorder delay.
 */
export class PassthroughPlayer {
  private ws: WebSocket | undefined;
  private decoder: VideoDecoder | undefined;
  private configured: { codec: string; width: number; height: number } | undefined;
  private waitingForKey = true;
  private pending: DecodedVideoFrame[] | undefined;
  private ctx: CanvasRenderingContext2D | null = null;
  private reconnect: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** Pictures decoded, and chunks dropped to catch up (tests, the benchmark). */
  decoded = 0;
  skipped = 0;
  /** Whether the first picture came from the gateway's cached GOP (a join mid-GOP) or from a live keyframe. */
  firstFromCache: boolean | undefined;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly url: string,
    private readonly large: boolean,
    private readonly events: PassthroughEvents,
  ) {
    this.connect();
  }

  destroy(): void {
    this.stopped = true;
    clearTimeout(this.reconnect);
    this.ws?.close();
    this.ws = undefined;
    this.closeDecoder();
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      if (typeof e.data === 'string') {
        const refusal = parseRefusal(e.data);
        if (refusal) this.refuse(refusal);
        return;
      }
      const frame = decodeVideoFrame(new Uint8Array(e.data));
      if (frame) this.frame(frame);
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.stopped) return;
      // A new connection starts at a keyframe (the gateway's cached GOP); nothing of the old one is decodable.
      this.closeDecoder();
      this.reconnect = setTimeout(() => this.connect(), RECONNECT_MS);
    };
  }

  private refuse(why: Parameters<PassthroughEvents['onRefused']>[0]): void {
    if (this.stopped) return;
    this.destroy();
    this.events.onRefused(why);
  }

  private frame(f: DecodedVideoFrame): void {
    if (this.pending) {
      if (this.pending.length < MAX_PENDING) this.pending.push(f);
      return;
    }
    const decoder = this.decoder;
    const c = this.configured;
    if (f.key && (!decoder || !c || c.codec !== f.codec || c.width !== f.width || c.height !== f.height)) {
      this.pending = [f];
      const config = decoderConfig(f.codec, this.large);
      void supported(config).then((ok) => {
        const held = this.pending ?? [];
        this.pending = undefined;
        if (this.stopped) return;
        if (!ok) {
          this.refuse({ refused: 'unsupported', codec: f.codec });
          return;
        }
        this.configure(config, f);
        for (const p of held) this.frame(p);
      });
      return;
    }
    this.decode(f);
  }

  private configure(config: VideoDecoderConfig, f: DecodedVideoFrame): void {
    if (!this.decoder || this.decoder.state === 'closed') {
      this.decoder = new VideoDecoder({
        output: (frame) => this.draw(frame),
        error: () => {
          // The decoder is closed now: the next keyframe builds a new one.
          this.decoder = undefined;
          this.configured = undefined;
          this.waitingForKey = true;
        },
      });
    }
    // Configuring again (a new size or profile) is allowed on a live decoder; the next chunk is the keyframe.
    this.decoder.configure(config);
    this.configured = { codec: f.codec, width: f.width, height: f.height };
    this.waitingForKey = true;
  }

  private decode(f: DecodedVideoFrame): void {
    const decoder = this.decoder;
    if (!decoder || decoder.state !== 'configured') return;
    if (this.waitingForKey && !f.key) return;
    // The cached GOP comes all at once on purpose; only live pictures piling up mean the page is behind.
    if (!f.key && !f.cached && decoder.decodeQueueSize > MAX_DECODE_QUEUE) {
      this.skipped++;
      this.waitingForKey = true;
      return;
    }
    try {
      decoder.decode(
        new EncodedVideoChunk({ type: f.key ? 'key' : 'delta', timestamp: f.pts, data: f.data }),
      );
      this.waitingForKey = false;
      this.firstFromCache ??= f.cached;
    } catch {
      // DataError (a delta first) or a closed decoder: start again from the next keyframe.
      this.closeDecoder();
    }
  }

  private draw(frame: VideoFrame): void {
    try {
      if (this.stopped) return;
      const w = frame.displayWidth;
      const h = frame.displayHeight;
      // The canvas takes the picture's own size: a focused 1080p or 4 MP stream is shown in its full detail.
      if (this.canvas.width !== w || this.canvas.height !== h) {
        this.canvas.width = w;
        this.canvas.height = h;
      }
      this.ctx ??= this.canvas.getContext('2d');
      this.ctx?.drawImage(frame, 0, 0, w, h);
      this.decoded++;
      this.events.onPicture(this.firstFromCache === true);
    } finally {
      frame.close();
    }
  }

  private closeDecoder(): void {
    const d = this.decoder;
    this.decoder = undefined;
    this.configured = undefined;
    this.waitingForKey = true;
    this.pending = undefined;
    if (d && d.state !== 'closed') d.close();
  }
}
