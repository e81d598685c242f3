import { encodeVideoFrame, MAX_ACCESS_UNIT, type VideoFrameInfo } from '../../../shared/domain/video-frame';
import { cameraInput, LIVE_TS_OUTPUT, type InputSpec } from './ffmpeg';
import { NAL_IDR, NAL_PPS, NAL_SPS, nalType, parseSps, splitNals, type SpsInfo } from './h264';
import { TS_PACKET, TsPacketizer } from './mpegts';

/**
 * The passthrough command line: the camera's H.264 copied (`-c:v copy`, no decode, no encode, no audio) into
 * MPEG-TS on stdout. Why TS and not raw Annex B (`-f h264`) or fragmented MP4: neither of those says where an
 * access unit ends until the next one begins (raw H.264 has no end marker; the MP4 muxer writes a
 * `frag_every_frame` fragment only when the next packet arrives, as it needs the sample's duration), which
 * costs a whole frame (40 ms at 25 fps) of latency. ffmpeg's TS muxer writes each picture at once as one PES
 * whose length is in its header (`-omit_video_pes_length 0`), so the gateway knows the picture is complete
 * with its last byte; the PES carries the PTS, and the PMT names the codec, which tells an H.265 camera
 * (kept on MPEG-1/JSMpeg) from an H.264 one without a separate probe. Pictures over 64 KiB (big keyframes)
 * have no length in PES and end when the next PES starts.
 */
export function passthroughArgs(input: InputSpec, major: number | undefined): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    ...cameraInput(input, major),
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-c:v',
    'copy',
    '-f',
    'mpegts',
    ...LIVE_TS_OUTPUT,
  ];
}

/** One unit of a stream for its viewers: bytes, and whether they start a picture and a keyframe. */
export interface StreamUnit {
  data: Buffer;
  picture: boolean;
  keyframe: boolean;
}

/** The codec a TS stream's PMT names (ISO/IEC 13818-1 Table 2-34 and its amendments). */
const STREAM_TYPES: Record<number, string> = {
  0x01: 'mpeg1video',
  0x02: 'mpeg2video',
  0x10: 'mpeg4',
  0x1b: 'h264',
  0x24: 'hevc',
  0x33: 'vvc',
};

const PTS_WRAP = 2 ** 33;

/**
 * ffmpeg's MPEG-TS (H.264 copied) → one framed message per access unit (shared/domain/video-frame.ts). Reads
 * the PAT and the PMT for the video PID and its codec, reassembles each PES, and checks every length it is
 * given: a PES longer than MAX_ACCESS_UNIT, a header that does not fit its packet or a malformed SPS is
 * dropped, never trusted. A keyframe without SPS/PPS (a camera that sends them only in the SDP) gets the last
 * ones seen put in front, as WebCodecs needs them in every key chunk.
 */
export class PassthroughFramer {
  private readonly packets = new TsPacketizer();
  private pmtPid: number | undefined;
  private videoPid: number | undefined;
  private codec: string | undefined;
  private pes:
    { parts: Buffer[]; size: number; expected: number | undefined; pts: number | undefined } | undefined;
  private sps: Buffer | undefined;
  private pps: Buffer | undefined;
  private info: SpsInfo | undefined;
  private lastPts = 0;
  private ptsBase = 0;
  /** Access units dropped as malformed or too large (for the log and the tests). */
  dropped = 0;

  constructor(
    private readonly o: {
      /** The PMT named the video codec: `h264` is served, anything else is for MPEG-1. */
      onCodec(codec: string): void;
      now(): number;
    },
  ) {}

  push(chunk: Buffer): StreamUnit[] {
    const units: StreamUnit[] = [];
    for (const packet of this.packets.push(chunk)) this.packet(packet, units);
    return units;
  }

  private packet(p: Buffer, units: StreamUnit[]): void {
    const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
    const unitStart = (p[1]! & 0x40) !== 0;
    const adaptation = (p[3]! >> 4) & 0x3;
    if (adaptation === 0 || adaptation === 2) return; // no payload
    let at = 4;
    if (adaptation === 3) {
      at += 1 + p[4]!;
      if (at >= TS_PACKET) return;
    }
    const payload = p.subarray(at);
    if (pid === 0) {
      if (unitStart) this.pat(payload);
    } else if (pid === this.pmtPid) {
      if (unitStart) this.pmt(payload);
    } else if (pid === this.videoPid && this.codec === 'h264') {
      this.video(payload, unitStart, units);
    }
  }

  /** A PSI section's bytes after its pointer field, bounded by its own section_length. */
  private section(payload: Buffer, tableId: number): Buffer | undefined {
    const pointer = payload[0];
    if (pointer === undefined || 1 + pointer + 3 > payload.length) return undefined;
    const s = payload.subarray(1 + pointer);
    if (s[0] !== tableId) return undefined;
    const length = ((s[1]! & 0x0f) << 8) | s[2]!;
    // Header (3) + length, without the CRC (4); a section split over packets is not needed for one program.
    if (length < 9 || 3 + length > s.length) return undefined;
    return s.subarray(0, 3 + length - 4);
  }

  private pat(payload: Buffer): void {
    const s = this.section(payload, 0x00);
    if (!s) return;
    for (let i = 8; i + 4 <= s.length; i += 4) {
      const program = s.readUInt16BE(i);
      if (program !== 0) {
        this.pmtPid = s.readUInt16BE(i + 2) & 0x1fff;
        return;
      }
    }
  }

  private pmt(payload: Buffer): void {
    const s = this.section(payload, 0x02);
    if (!s || s.length < 12) return;
    const infoLength = s.readUInt16BE(10) & 0x0fff;
    for (let i = 12 + infoLength; i + 5 <= s.length;) {
      const type = s[i]!;
      const pid = s.readUInt16BE(i + 1) & 0x1fff;
      const esInfo = s.readUInt16BE(i + 3) & 0x0fff;
      const codec = STREAM_TYPES[type];
      if (codec) {
        if (this.videoPid !== pid || this.codec !== codec) {
          this.videoPid = pid;
          this.codec = codec;
          this.pes = undefined;
          this.o.onCodec(codec);
        }
        return;
      }
      i += 5 + esInfo;
    }
  }

  private video(payload: Buffer, unitStart: boolean, units: StreamUnit[]): void {
    if (unitStart) {
      // A PES without a length ends where the next one starts.
      if (this.pes && this.pes.expected === undefined) this.finish(units);
      this.pes = undefined;
      if (payload.length < 9 || payload[0] !== 0 || payload[1] !== 0 || payload[2] !== 1) return;
      const streamId = payload[3]!;
      if (streamId < 0xe0 || streamId > 0xef) return;
      const pesLength = payload.readUInt16BE(4);
      const headerLength = payload[8]!;
      const start = 9 + headerLength;
      if (start > payload.length) return;
      let pts: number | undefined;
      if ((payload[7]! & 0x80) !== 0 && headerLength >= 5) {
        const b = payload;
        pts =
          (b[9]! & 0x0e) * 2 ** 29 +
          b[10]! * 2 ** 22 +
          (b[11]! & 0xfe) * 2 ** 14 +
          b[12]! * 2 ** 7 +
          (b[13]! >> 1);
      }
      // PES_packet_length counts from after itself: 3 bytes of flags and header length, then the header.
      const expected = pesLength === 0 ? undefined : pesLength - 3 - headerLength;
      if (expected !== undefined && expected <= 0) return;
      this.pes = { parts: [], size: 0, expected, pts };
      this.append(payload.subarray(start), units);
      return;
    }
    if (this.pes) this.append(payload, units);
  }

  private append(data: Buffer, units: StreamUnit[]): void {
    const pes = this.pes!;
    const take = pes.expected === undefined ? data : data.subarray(0, pes.expected - pes.size);
    pes.parts.push(take);
    pes.size += take.length;
    if (pes.size > MAX_ACCESS_UNIT) {
      this.dropped++;
      this.pes = undefined;
      return;
    }
    if (pes.expected !== undefined && pes.size >= pes.expected) this.finish(units);
  }

  private finish(units: StreamUnit[]): void {
    const pes = this.pes;
    this.pes = undefined;
    if (!pes || pes.size === 0) return;
    const au = pes.parts.length === 1 ? pes.parts[0]! : Buffer.concat(pes.parts, pes.size);
    const unit = this.frame(au, pes.pts);
    if (unit) units.push(unit);
    else this.dropped++;
  }

  /** 90 kHz PTS → µs, carried on across the 33-bit wrap (every 26.5 h). */
  private micros(pts: number | undefined): number {
    if (pts === undefined) return this.lastPts;
    if (pts + this.ptsBase < this.lastPts - PTS_WRAP / 2) this.ptsBase += PTS_WRAP;
    this.lastPts = pts + this.ptsBase;
    return Math.round((this.lastPts * 1000) / 90);
  }

  private frame(au: Buffer, pts: number | undefined): StreamUnit | undefined {
    const nals = splitNals(au);
    if (!nals) return undefined;
    let key = false;
    let hasSps = false;
    let hasPps = false;
    for (const nal of nals) {
      const type = nalType(nal);
      if (type === NAL_IDR) key = true;
      else if (type === NAL_SPS) {
        const info = parseSps(nal);
        if (!info) return undefined;
        this.info = info;
        this.sps = Buffer.from(nal);
        hasSps = true;
      } else if (type === NAL_PPS) {
        this.pps = Buffer.from(nal);
        hasPps = true;
      }
    }
    // Nothing can be decoded before the first SPS; those pictures are of no use to anyone.
    if (!this.info) return undefined;
    let data = au;
    if (key && (!hasSps || !hasPps) && this.sps && this.pps) {
      const start = Buffer.from([0, 0, 0, 1]);
      data = Buffer.concat([...(hasSps ? [] : [start, this.sps]), ...(hasPps ? [] : [start, this.pps]), au]);
    }
    const info: VideoFrameInfo = {
      key,
      cached: false,
      width: this.info.width,
      height: this.info.height,
      codec: this.info.codec,
      pts: this.micros(pts),
      receivedAt: this.o.now(),
    };
    const bytes = encodeVideoFrame(info, data);
    return {
      data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      picture: true,
      keyframe: key,
    };
  }
}

/**
 * The current group of pictures of one passthrough stream, from its last keyframe, for the next viewer: it
 * decodes them at once and shows the newest picture instead of waiting up to a GOP for the next keyframe.
 * Bounded in bytes: a GOP that grows past `maxBytes` (a camera with a 10 s GOP at a high bitrate) is let go
 * and the next viewer waits for the next keyframe, as without a cache.
 */
export class GopCache {
  private units: Buffer[] = [];
  private size = 0;
  private open = false;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.size;
  }

  get length(): number {
    return this.units.length;
  }

  add(unit: StreamUnit): void {
    if (!unit.picture) return;
    if (unit.keyframe) {
      this.units = [];
      this.size = 0;
      this.open = true;
    }
    if (!this.open) return;
    if (this.size + unit.data.length > this.maxBytes) {
      this.clear();
      return;
    }
    this.units.push(unit.data);
    this.size += unit.data.length;
  }

  clear(): void {
    this.units = [];
    this.size = 0;
    this.open = false;
  }

  /** The cached pictures, each marked as coming from the cache (byte 1 of the frame, FRAME_CACHED). */
  replay(): Buffer[] {
    return this.units.map((u) => {
      const copy = Buffer.from(u);
      copy[1] = copy[1]! | 2;
      return copy;
    });
  }
}
