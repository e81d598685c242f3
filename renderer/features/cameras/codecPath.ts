import type { CameraView } from '../../../shared/contract';

/** How a tile plays its camera: the camera's H.264 decoded by the browser, or MPEG-1 re-encoded by ffmpeg. */
export type CodecPath = 'webcodecs' | 'jsmpeg';

/**
 * Why a tile is on its path (its `data-codec-reason`): `supported` = passthrough; the rest say why not —
 * a supervisor forced JSMpeg for the camera, the camera sends H.265, it is the demo's synthetic picture, the page
 * has no WebCodecs (an old browser, or not a secure context), or the gateway or the browser refused the stream
 * when the tile tried (`refused`).
 */
export type PathReason = 'supported' | 'forced' | 'h265' | 'synthetic' | 'noWebCodecs' | 'refused';

/** True where a page can decode with WebCodecs: VideoDecoder exists only in a secure context (127.0.0.1 is one). */
export function webCodecsAvailable(
  scope: {
    VideoDecoder?: unknown;
    isSecureContext?: boolean;
  } = globalThis as { VideoDecoder?: unknown; isSecureContext?: boolean },
): boolean {
  return typeof scope.VideoDecoder === 'function' && scope.isSecureContext === true;
}

/** The path a tile starts on, before the stream itself says anything. */
export function choosePath(
  camera: Pick<CameraView, 'video' | 'source'>,
  webCodecs: boolean,
  refused: boolean,
): { path: CodecPath; reason: PathReason } {
  const jsmpeg = (reason: PathReason) => ({ path: 'jsmpeg' as const, reason });
  if (camera.video?.player === 'jsmpeg') return jsmpeg('forced');
  if (camera.video?.codec === 'h265') return jsmpeg('h265');
  if (camera.source.startsWith('synthetic:')) return jsmpeg('synthetic');
  if (!webCodecs) return jsmpeg('noWebCodecs');
  if (refused) return jsmpeg('refused');
  return { path: 'webcodecs', reason: 'supported' };
}

/**
 * Streams the gateway or the browser refused to pass through on this page (an H.265 camera found out from its
 * stream, a codec string the browser cannot decode): later tiles of the same stream start on JSMpeg. Keyed with
 * the camera's video setting, so a supervisor changing it gives the passthrough another try.
 */
const refusals = new Set<string>();

export function refusalKey(cameraId: string, profile: string, video: CameraView['video']): string {
  return `${cameraId}/${profile}/${video?.codec ?? 'auto'}/${video?.player ?? 'auto'}`;
}

export const passthroughRefusals = {
  has: (key: string) => refusals.has(key),
  add: (key: string) => void refusals.add(key),
};
