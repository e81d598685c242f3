/**
 * Builds MPEG-TS as ffmpeg's muxer writes it for a copied video stream (PAT, PMT, one PES per access unit),
 * for the passthrough tests and the fuzz suite: what the gateway's framer reads from a passthrough ffmpeg.
 */
const PMT_PID = 0x1000;
export const VIDEO_PID = 0x100;

/** Real SPS/PPS from libx264 (ffmpeg 5.1, testsrc), with the sizes and codec strings they must give. */
export const SPS_SAMPLES = [
  {
    hex: '6742c01ed900a02ff97011000003000100000300320f162e48',
    width: 640,
    height: 360,
    codec: 'avc1.42c01e',
  },
  {
    hex: '67640028acd940780227e5c044000003000400000300c83c60c658',
    width: 1920,
    height: 1080,
    codec: 'avc1.640028',
  },
  {
    hex: '674d401feca02802dd80880000030008000003019078c18cb0',
    width: 1280,
    height: 720,
    codec: 'avc1.4d401f',
  },
  {
    hex: '67640032acd9402800b5b011000003000100000300320f183196',
    width: 2560,
    height: 1440,
    codec: 'avc1.640032',
  },
] as const;
export const PPS = Buffer.from('68ce3c80', 'hex');

const START = Buffer.from([0, 0, 0, 1]);

/** An access unit in Annex B: AUD, then for a keyframe SPS + PPS + IDR slice, else a P slice of `size` bytes. */
export function accessUnit(
  key: boolean,
  size = 200,
  sps: Buffer = Buffer.from(SPS_SAMPLES[0].hex, 'hex'),
): Buffer {
  const slice = Buffer.alloc(size, 0x5a);
  slice[0] = key ? 0x65 : 0x41;
  slice[1] = 0x88; // first_mb_in_slice = 0
  const aud = Buffer.from([0x09, 0xf0]);
  return Buffer.concat(key ? [START, aud, START, sps, START, PPS, START, slice] : [START, aud, START, slice]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? ((crc << 1) ^ 0x04c11db7) >>> 0 : (crc << 1) >>> 0;
  }
  return crc >>> 0;
}

function packets(pid: number, payload: Buffer, counter: { n: number }): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, first = true; at < payload.length || first; first = false) {
    const room = 184;
    const chunk = payload.subarray(at, at + room);
    at += chunk.length;
    const p = Buffer.alloc(188, 0xff);
    p[0] = 0x47;
    p[1] = (first ? 0x40 : 0) | ((pid >> 8) & 0x1f);
    p[2] = pid & 0xff;
    const stuffing = room - chunk.length;
    if (stuffing > 0) {
      // Adaptation field of stuffing so the payload ends the packet, as ffmpeg writes it.
      p[3] = 0x30 | (counter.n++ & 0x0f);
      p[4] = stuffing - 1;
      if (stuffing > 1) p[5] = 0x00;
      chunk.copy(p, 4 + stuffing);
    } else {
      p[3] = 0x10 | (counter.n++ & 0x0f);
      chunk.copy(p, 4);
    }
    out.push(p);
  }
  return out;
}

function section(tableId: number, body: Buffer): Buffer {
  const length = body.length + 5 + 4;
  const head = Buffer.from([tableId, 0xb0 | ((length >> 8) & 0x0f), length & 0xff, 0, 1, 0xc1, 0, 0]);
  const s = Buffer.concat([head, body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(s));
  return Buffer.concat([Buffer.from([0]), s, crc]);
}

/** PAT + PMT naming one video stream of this stream_type (0x1b H.264, 0x24 H.265). */
export function tables(streamType = 0x1b): Buffer {
  const pat = section(0x00, Buffer.from([0, 1, 0xe0 | (PMT_PID >> 8), PMT_PID & 0xff]));
  const pmt = section(
    0x02,
    Buffer.from([
      0xe0 | (VIDEO_PID >> 8),
      VIDEO_PID & 0xff,
      0xf0,
      0,
      streamType,
      0xe0 | (VIDEO_PID >> 8),
      VIDEO_PID & 0xff,
      0xf0,
      0,
    ]),
  );
  return Buffer.concat([...packets(0, pat, { n: 0 }), ...packets(PMT_PID, pmt, { n: 0 })]);
}

/** One PES of one access unit, with its length written (0 when over 65535, as ffmpeg does) and a PTS (90 kHz). */
export function pes(au: Buffer, pts: number, counter: { n: number } = { n: 0 }): Buffer {
  const header = Buffer.alloc(14);
  header.set([0, 0, 1, 0xe0], 0);
  const length = 3 + 5 + au.length;
  header.writeUInt16BE(length > 0xffff ? 0 : length, 4);
  header[6] = 0x80;
  header[7] = 0x80;
  header[8] = 5;
  header[9] = 0x21 | (Math.floor(pts / 2 ** 29) & 0x0e);
  header[10] = Math.floor(pts / 2 ** 22) & 0xff;
  header[11] = (Math.floor(pts / 2 ** 14) & 0xfe) | 1;
  header[12] = Math.floor(pts / 2 ** 7) & 0xff;
  header[13] = ((pts % 128) << 1) | 1;
  return Buffer.concat(packets(VIDEO_PID, Buffer.concat([header, au]), counter));
}

/** A whole stream: tables, then `count` pictures with a keyframe every `gop`, 40 ms apart. */
export function tsStream(count: number, gop: number, size = 200, streamType = 0x1b): Buffer {
  const counter = { n: 0 };
  const parts = [tables(streamType)];
  for (let i = 0; i < count; i++)
    parts.push(pes(accessUnit(i % gop === 0, size), 90_000 + i * 3600, counter));
  return Buffer.concat(parts);
}
