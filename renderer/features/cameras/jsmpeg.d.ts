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
  export interface Source {
    /** Opens the WebSocket; JSMpeg calls it once the decoder has loaded. */
    start(): void;
    /** Null until `start`. */
    socket: WebSocket | null;
  }
  export class Player {
    constructor(url: string, options?: PlayerOptions);
    source: Source;
    video: VideoDecoder | undefined;
    updateForStreaming(): void;
    play(): void;
    pause(): void;
    destroy(): void;
  }
  const JSMpeg: { Player: typeof Player };
  export default JSMpeg;
}
