import JSMpeg, { type Player } from '@cycjimmy/jsmpeg-player';
import { useEffect, useRef, type RefObject } from 'react';

/**
 * Plays one gateway stream into a canvas with JSMpeg. Canvas 2D (not WebGL): 16 tiles, a focus view and a
 * pop-out wall would exceed Chromium's ~16 WebGL contexts per page, and 2D canvases can be snapshotted.
 * Returns when the last picture was decoded (so the tile can refuse to show a frozen one) and how many
 * pictures it has decoded (displayed fps, for the benchmark and tests) and how long the first one took.
 */
export function useStreamPlayer(
  canvas: RefObject<HTMLCanvasElement | null>,
  url: string | null,
): { lastDecodeAt: RefObject<number>; frames: RefObject<number>; firstPictureMs: RefObject<number> } {
  const lastDecodeAt = useRef(0);
  const frames = useRef(0);
  const firstPictureMs = useRef(0);
  useEffect(() => {
    if (!url || !canvas.current) return undefined;
    lastDecodeAt.current = 0;
    firstPictureMs.current = 0;
    const openedAt = Date.now();
    const player: Player = new JSMpeg.Player(url, {
      canvas: canvas.current,
      audio: false,
      disableGl: true,
      // The wall is watched when the window is behind another one, or on a second display.
      pauseWhenHidden: false,
      reconnectInterval: 1,
      videoBufferSize: 1024 * 1024,
      onVideoDecode: () => {
        lastDecodeAt.current = Date.now();
        frames.current += 1;
        if (!firstPictureMs.current) firstPictureMs.current = Math.max(1, lastDecodeAt.current - openedAt);
      },
    });
    // JSMpeg decodes one picture per animation frame. When the page is busy that falls behind and latency
    // grows; decode everything buffered instead, so the tile always shows the newest picture.
    player.updateForStreaming = () => {
      let n = 0;
      while (player.video?.decode() && ++n < 60) {
        // keep decoding until caught up
      }
    };
    return () => {
      // Destroyed before JSMpeg's WebAssembly decoder finished compiling (tiles come and go as the page starts),
      // the player has not started its source: JSMpeg's destroy() would throw half-way, leaving its decoders
      // behind, and the compile finishing later would start the socket (reconnecting every second) and the
      // animation loop anyway, for good. Make that late start do nothing first.
      if (!player.source.socket) {
        player.source.start = () => undefined;
        player.source.destroy = () => undefined;
        player.play = () => undefined;
      }
      player.destroy();
    };
  }, [canvas, url]);
  return { lastDecodeAt, frames, firstPictureMs };
}
