/**
 * One message of a passthrough stream (issue 16): the gateway sends one per H.264 access unit, binary, over the
 * same WebSocket endpoint as the MPEG-1 streams (`/<camera>/<profile>/h264`). The header carries what the page
 * needs to configure and feed a WebCodecs VideoDecoder without parsing H.264 itself:
 *
 *   0   u8      MAGIC (0xA7: never a text frame's first byte, never MPEG-TS's 0x47)
 *   1   u8      flags: 1 = key (an IDR with its SPS/PPS: a decoder can start here), 2 = from the GOP cache
 *   2   u16 BE  picture width (0 = not known yet)
 *   4   u16 BE  picture height
 *   6   u8      length L of the codec string (≤ MAX_CODEC_LENGTH)
 *   7   f64 BE  presentation time, µs (from the stream's PTS)
 *   15  f64 BE  when the gateway received it, ms since the epoch (picture age, glass-to-glass)
 *   23  L bytes codec string, ASCII, e.g. `avc1.64001f`
 *   23+L        the access unit, H.264 Annex B
 *
 * A text message on the same socket is the gateway saying it will not serve this stream this way
 * (`PassthroughRefusal`); the page then plays the MPEG-1 stream instead.
 */
export const VIDEO_FRAME_MAGIC = 0xa7;
export const VIDEO_FRAME_HEADER = 23;
export const MAX_CODEC_LENGTH = 40;
/** An access unit larger than this is refused on both sides (a 4K keyframe is well under 4 MiB). */
export const MAX_ACCESS_UNIT = 8 * 1024 * 1024;

export const FRAME_KEY = 1;
export const FRAME_CACHED = 2;

export interface VideoFrameInfo {
  key: boolean;
  cached: boolean;
  width: number;
  height: number;
  codec: string;
  /** µs */
  pts: number;
  /** ms since the epoch */
  receivedAt: number;
}

export interface DecodedVideoFrame extends VideoFrameInfo {
  data: Uint8Array;
}

/** Why the gateway will not pass this stream through; sent as JSON text before it closes the socket. */
export interface PassthroughRefusal {
  refused: 'codec' | 'synthetic' | 'setting';
  /** The stream's codec as ffmpeg's container named it (`hevc`, `mpeg2video`…), when that is the reason. */
  codec?: string;
}

export function encodeVideoFrame(info: VideoFrameInfo, au: Uint8Array): Uint8Array {
  const codec = info.codec.length <= MAX_CODEC_LENGTH && /^[\x20-\x7e]*$/.test(info.codec) ? info.codec : '';
  const out = new Uint8Array(VIDEO_FRAME_HEADER + codec.length + au.length);
  const view = new DataView(out.buffer);
  out[0] = VIDEO_FRAME_MAGIC;
  out[1] = (info.key ? FRAME_KEY : 0) | (info.cached ? FRAME_CACHED : 0);
  view.setUint16(2, Math.max(0, Math.min(0xffff, info.width)));
  view.setUint16(4, Math.max(0, Math.min(0xffff, info.height)));
  out[6] = codec.length;
  view.setFloat64(7, info.pts);
  view.setFloat64(15, info.receivedAt);
  for (let i = 0; i < codec.length; i++) out[VIDEO_FRAME_HEADER + i] = codec.charCodeAt(i);
  out.set(au, VIDEO_FRAME_HEADER + codec.length);
  return out;
}

/** Reads one message; undefined for anything that is not a well-formed frame (the page then ignores it). */
export function decodeVideoFrame(bytes: Uint8Array): DecodedVideoFrame | undefined {
  if (bytes.length < VIDEO_FRAME_HEADER || bytes[0] !== VIDEO_FRAME_MAGIC) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = bytes[1]!;
  const codecLength = bytes[6]!;
  if (flags > 3 || codecLength > MAX_CODEC_LENGTH) return undefined;
  const start = VIDEO_FRAME_HEADER + codecLength;
  if (bytes.length <= start || bytes.length - start > MAX_ACCESS_UNIT) return undefined;
  let codec = '';
  for (let i = VIDEO_FRAME_HEADER; i < start; i++) {
    const c = bytes[i]!;
    if (c < 0x20 || c > 0x7e) return undefined;
    codec += String.fromCharCode(c);
  }
  const pts = view.getFloat64(7);
  const receivedAt = view.getFloat64(15);
  if (!Number.isFinite(pts) || !Number.isFinite(receivedAt)) return undefined;
  return {
    key: (flags & FRAME_KEY) !== 0,
    cached: (flags & FRAME_CACHED) !== 0,
    width: view.getUint16(2),
    height: view.getUint16(4),
    codec,
    pts,
    receivedAt,
    data: bytes.subarray(start),
  };
}

/** A refusal from the gateway, or undefined for any other text. */
export function parseRefusal(text: string): PassthroughRefusal | undefined {
  if (text.length > 200) return undefined;
  try {
    const v = JSON.parse(text) as Partial<PassthroughRefusal> | null;
    if (!v || (v.refused !== 'codec' && v.refused !== 'synthetic' && v.refused !== 'setting'))
      return undefined;
    return {
      refused: v.refused,
      ...(typeof v.codec === 'string' ? { codec: v.codec.slice(0, MAX_CODEC_LENGTH) } : {}),
    };
  } catch {
    return undefined;
  }
}
