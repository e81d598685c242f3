// Types for the parts of @cycjimmy/jsmpeg-player the wall uses (the package ships none).
declare module '@cycjimmy/jsmpeg-player' {
  export interface VideoDecoder {
    decode(): boolean;
    destination: unknown;
  }
  export interface PlayerOptions {
    canvas?: HTMLCanvasElement;
    autoplay?: boolean;
    audio?: boolean;
    video?: boolean;
    disableGl?: boolean;
    disableWebAssembly?: boolean;
    pauseWhenHidden?: boolean;
    reconnectInterval?: number;
    videoBufferSize?: number;
    preserveDrawingBuffer?: boolean;
    onVideoDecode?: (decoder: VideoDecoder, time: number) => void;
    onSourceEstablished?: () => void;
  }
  /** Where the stream comes from; its socket is null until the player starts loading. */
  export interface Source {
    socket: WebSocket | null;
    start(): void;
    destroy(): void;
  }
  export class Player {
    constructor(url: string, options?: PlayerOptions);
    source: Source;
    video: VideoDecoder | undefined;
    source: Source;
    updateForStreaming(): void;
    play(): void;
    pause(): void;
    destroy(): void;
  }
  const JSMpeg: { Player: typeof Player };
  export default JSMpeg;
}
