import { useEffect, useRef, type RefObject } from 'react';
import { PassthroughPlayer } from './passthrough';

/**
 * Plays a passthrough stream (`url` null = not this path) into the canvas with WebCodecs; the same figures as
 * useStreamPlayer (when the last picture was drawn, how many, how long the first took) and whether the first came
 * from the gateway's cached GOP. `onRefused` moves the tile to JSMpeg.
 */
export function usePassthroughPlayer(
  canvas: RefObject<HTMLCanvasElement | null>,
  url: string | null,
  large: boolean,
  onRefused: () => void,
): {
  lastDecodeAt: RefObject<number>;
  frames: RefObject<number>;
  firstPictureMs: RefObject<number>;
  firstFromCache: RefObject<boolean>;
} {
  const lastDecodeAt = useRef(0);
  const frames = useRef(0);
  const firstPictureMs = useRef(0);
  const firstFromCache = useRef(false);
  const refused = useRef(onRefused);
  useEffect(() => {
    refused.current = onRefused;
  }, [onRefused]);
  useEffect(() => {
    if (!url || !canvas.current) return undefined;
    lastDecodeAt.current = 0;
    firstPictureMs.current = 0;
    const openedAt = Date.now();
    const player = new PassthroughPlayer(canvas.current, url, large, {
      onPicture: (fromCache) => {
        lastDecodeAt.current = Date.now();
        frames.current += 1;
        firstFromCache.current = fromCache;
        if (!firstPictureMs.current) firstPictureMs.current = Math.max(1, lastDecodeAt.current - openedAt);
      },
      onRefused: () => refused.current(),
    });
    return () => player.destroy();
  }, [canvas, url, large]);
  return { lastDecodeAt, frames, firstPictureMs, firstFromCache };
}
