/**
 * The GB/T 26875.3-2011 frame (用户信息传输装置 ↔ 监控中心), little-endian, 30 + L bytes:
 *
 *   0–1 `@@` · 2–3 业务流水号 · 4–5 版本 (major, minor) · 6–11 时间标签 (sec min hour day month year−2000)
 *   12–17 源地址 · 18–23 目的地址 · 24–25 应用数据单元长度 L · 26 命令字节 · 27… 应用数据单元
 *   27+L 校验和 (sum of bytes 2…26+L mod 256) · `##`
 *
 * Two vendor variants are read too (per-transmitter profile): the time tag in BCD, and a checksum that starts at
 * the command byte. A stream reader cuts frames out of TCP reads however they were split or coalesced, and
 * every byte it throws away is handed back with the reason.
 */

export const FRAME_OVERHEAD = 30;
/** Bytes before the application data: start, serial, version, time, two addresses, length, command. */
export const HEADER_BYTES = 27;
/** The standard's bound on L as the open codecs read it [U]; the receiver's own bound is configurable. */
export const STANDARD_MAX_APP_DATA = 1024;

const AT = 0x40;
const HASH = 0x23;

export const COMMAND = {
  control: 1,
  data: 2,
  confirm: 3,
  request: 4,
  response: 5,
  deny: 6,
} as const;

export type TimeFormat = 'binary' | 'bcd';
/** Where the checksum's sum starts: the standard's serial (byte 2), or one vendor's command byte (byte 26). */
export type ChecksumStart = 'serial' | 'command';

export interface Frame {
  serial: number;
  version: { major: number; minor: number };
  /** The 6 time bytes as sent; read them with {@link decodeTime} and the transmitter's profile. */
  time: Uint8Array;
  /** 6 bytes each, in wire order. */
  source: Uint8Array;
  destination: Uint8Array;
  command: number;
  appData: Uint8Array;
  checksum: number;
  /** Which checksum starts the checksum byte agrees with (both false: corrupt, or a variant not known here). */
  sums: Record<ChecksumStart, boolean>;
}

export interface FrameFields {
  serial: number;
  version?: { major: number; minor: number };
  time: Uint8Array;
  source: Uint8Array;
  destination: Uint8Array;
  command: number;
  appData?: Uint8Array;
}

/** Sum of `bytes[from..to)` mod 256. */
export function byteSum(bytes: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s = (s + (bytes[i] ?? 0)) & 0xff;
  return s;
}

export function encodeFrame(fields: FrameFields, checksum: ChecksumStart = 'serial'): Buffer {
  const data = fields.appData ?? new Uint8Array(0);
  if (fields.time.length !== 6 || fields.source.length !== 6 || fields.destination.length !== 6) {
    throw new RangeError('time, source and destination are 6 bytes each');
  }
  if (data.length > 0xffff) throw new RangeError('application data over 65535 bytes');
  const out = Buffer.alloc(FRAME_OVERHEAD + data.length);
  out[0] = AT;
  out[1] = AT;
  out.writeUInt16LE(fields.serial & 0xffff, 2);
  out[4] = (fields.version?.major ?? 1) & 0xff;
  out[5] = (fields.version?.minor ?? 1) & 0xff;
  out.set(fields.time, 6);
  out.set(fields.source, 12);
  out.set(fields.destination, 18);
  out.writeUInt16LE(data.length, 24);
  out[26] = fields.command & 0xff;
  out.set(data, 27);
  const end = HEADER_BYTES + data.length;
  out[end] = byteSum(out, checksum === 'serial' ? 2 : 26, end);
  out[end + 1] = HASH;
  out[end + 2] = HASH;
  return out;
}

/**
 * Reads exactly one whole frame (no bytes before or after). The checksum is not judged here: `sums` says which
 * variant it agrees with, and {@link checksumVerdict} judges it against a profile.
 */
export function decodeFrame(bytes: Uint8Array): { ok: true; frame: Frame } | { ok: false; reason: string } {
  if (bytes.length < FRAME_OVERHEAD)
    return { ok: false, reason: `${bytes.length} bytes, a frame has at least 30` };
  if (bytes[0] !== AT || bytes[1] !== AT) return { ok: false, reason: 'does not start with @@' };
  const length = (bytes[24] ?? 0) | ((bytes[25] ?? 0) << 8);
  if (bytes.length !== FRAME_OVERHEAD + length) {
    return { ok: false, reason: `length field says ${FRAME_OVERHEAD + length} bytes, got ${bytes.length}` };
  }
  if (bytes[bytes.length - 2] !== HASH || bytes[bytes.length - 1] !== HASH) {
    return { ok: false, reason: 'does not end with ##' };
  }
  return { ok: true, frame: readFrame(bytes, 0, length) };
}

function readFrame(buf: Uint8Array, at: number, length: number): Frame {
  const end = at + HEADER_BYTES + length;
  const checksum = buf[end] ?? 0;
  return {
    serial: (buf[at + 2] ?? 0) | ((buf[at + 3] ?? 0) << 8),
    version: { major: buf[at + 4] ?? 0, minor: buf[at + 5] ?? 0 },
    time: buf.slice(at + 6, at + 12),
    source: buf.slice(at + 12, at + 18),
    destination: buf.slice(at + 18, at + 24),
    command: buf[at + 26] ?? 0,
    appData: buf.slice(at + HEADER_BYTES, end),
    checksum,
    sums: {
      serial: byteSum(buf, at + 2, end) === checksum,
      command: byteSum(buf, at + 26, end) === checksum,
    },
  };
}

/** Which checksum start a profile accepts: one of the two, or `auto` (either; the reply uses the one that matched). */
export type ChecksumPolicy = ChecksumStart | 'auto';

export function checksumVerdict(
  frame: Frame,
  policy: ChecksumPolicy,
): { ok: true; start: ChecksumStart } | { ok: false; reason: string } {
  if ((policy === 'serial' || policy === 'auto') && frame.sums.serial) return { ok: true, start: 'serial' };
  if ((policy === 'command' || policy === 'auto') && frame.sums.command)
    return { ok: true, start: 'command' };
  const bytes = encodeFrame(frame, 'serial');
  const fromSerial = bytes[bytes.length - 3] ?? 0;
  const fromCommand = byteSum(bytes, 26, bytes.length - 3);
  const expected =
    policy === 'serial'
      ? `0x${hex2(fromSerial)} (from the serial)`
      : policy === 'command'
        ? `0x${hex2(fromCommand)} (from the command byte)`
        : `0x${hex2(fromSerial)} from the serial or 0x${hex2(fromCommand)} from the command byte`;
  return { ok: false, reason: `checksum 0x${hex2(frame.checksum)}, expected ${expected}` };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

// --- time tag --------------------------------------------------------------------------------------------------

function fromBcd(b: number): number | undefined {
  const hi = b >> 4;
  const lo = b & 0x0f;
  return hi > 9 || lo > 9 ? undefined : hi * 10 + lo;
}

function toBcd(n: number): number {
  return ((Math.floor(n / 10) % 10) << 4) | (n % 10);
}

/**
 * The time tag as epoch ms, or undefined when it is not a real date in that format. The tag is the device's
 * local wall-clock time (the standard carries no zone), so the profile's UTC offset places it.
 */
export function decodeTime(bytes: Uint8Array, format: TimeFormat, utcOffsetMin: number): number | undefined {
  if (bytes.length !== 6) return undefined;
  const parts: number[] = [];
  for (const b of bytes) {
    const v = format === 'bcd' ? fromBcd(b) : b;
    if (v === undefined) return undefined;
    parts.push(v);
  }
  const [sec, min, hour, day, month, year] = parts as [number, number, number, number, number, number];
  if (sec > 59 || min > 59 || hour > 23 || day < 1 || month < 1 || month > 12 || year > 99) return undefined;
  const local = Date.UTC(2000 + year, month - 1, day, hour, min, sec);
  // 31 February rolls into March: not a date the device meant.
  if (new Date(local).getUTCDate() !== day) return undefined;
  return local - utcOffsetMin * 60_000;
}

export function encodeTime(epochMs: number, format: TimeFormat, utcOffsetMin: number): Uint8Array {
  const d = new Date(epochMs + utcOffsetMin * 60_000);
  const parts = [
    d.getUTCSeconds(),
    d.getUTCMinutes(),
    d.getUTCHours(),
    d.getUTCDate(),
    d.getUTCMonth() + 1,
    Math.min(99, Math.max(0, d.getUTCFullYear() - 2000)),
  ];
  return Uint8Array.from(parts.map((p) => (format === 'bcd' ? toBcd(p) : p)));
}

// --- addresses -------------------------------------------------------------------------------------------------

/** A 6-byte address as the decimal of its little-endian value: how a site file names a transmitter. */
export function addressToString(bytes: Uint8Array): string {
  let v = 0;
  for (let i = 5; i >= 0; i--) v = v * 256 + (bytes[i] ?? 0);
  return String(v);
}

export function addressFromString(text: string): Uint8Array {
  let v = Number(text);
  if (!Number.isSafeInteger(v) || v < 0 || v >= 2 ** 48)
    throw new RangeError(`not a 6-byte address: ${text}`);
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

export function toHex(bytes: Uint8Array, max = Infinity): string {
  const n = Math.min(bytes.length, max);
  let s = Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('hex');
  if (bytes.length > n) s += `…(+${bytes.length - n} bytes)`;
  return s;
}

// --- the stream reader -----------------------------------------------------------------------------------------

export type ReadRefusal = 'garbage' | 'too-long' | 'no-end' | 'false-start' | 'incomplete';

export type ReadItem =
  | { kind: 'frame'; frame: Frame; raw: Uint8Array }
  | { kind: 'refused'; code: ReadRefusal; reason: string; raw: Uint8Array };

export interface FrameReaderOptions {
  /** Frames announcing more application data than this are refused (bounded memory per connection). */
  maxAppData: number;
}

/** Later `@@` candidates checked for a whole frame while an earlier start waits for more bytes. */
const LOOKAHEAD_CANDIDATES = 64;

/**
 * Cuts frames out of a byte stream. `push` what the socket read, then call `next` until it returns undefined
 * (more bytes needed). It never holds more than one frame's worth of bytes it cannot yet judge, plus what was
 * pushed since the last `next`.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly maxAppData: number;

  constructor(options: FrameReaderOptions) {
    this.maxAppData = options.maxAppData;
  }

  get buffered(): number {
    return this.buf.length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
  }

  next(): ReadItem | undefined {
    return this.scan(false);
  }

  /**
   * Gives up on a frame that started but did not complete (the connection went quiet or closed): its first
   * bytes are refused, and what follows is read again.
   */
  abandon(): ReadItem | undefined {
    return this.scan(true);
  }

  /**
   * One frame, or one refusal covering every byte dropped before the next frame start worth waiting for (a run
   * of '@' or of false starts is one refusal, not one per byte); the frame after it comes on the next call.
   */
  private scan(giveUpHead: boolean): ReadItem | undefined {
    let refusal: { code: ReadRefusal; reason: string; raw: Buffer; first: number } | undefined;
    let dropped = 0;
    const drop = (n: number, code: ReadRefusal, reason: string, show = n) => {
      refusal ??= {
        code,
        reason,
        raw: Buffer.from(this.buf.subarray(0, Math.min(this.buf.length, show, 4096))),
        first: n,
      };
      dropped += n;
      this.buf = this.buf.subarray(n);
    };
    const done = (): ReadItem | undefined => {
      if (!refusal) return undefined;
      const more = dropped > refusal.first ? ` (${dropped} bytes dropped in all)` : '';
      return { kind: 'refused', code: refusal.code, reason: refusal.reason + more, raw: refusal.raw };
    };
    if (giveUpHead && findStart(this.buf, 0) === 0) {
      drop(1, 'incomplete', `a frame started but only ${this.buf.length} bytes came`, this.buf.length);
    }
    for (;;) {
      const buf = this.buf;
      if (buf.length === 0) return done();
      const start = findStart(buf, 0);
      if (start < 0) {
        // A lone trailing '@' may be the first half of the next start.
        const n = buf.length - (buf[buf.length - 1] === AT ? 1 : 0);
        if (n === 0) return done();
        drop(n, 'garbage', `${n} bytes without a frame start (@@)`);
        continue;
      }
      if (start > 0) {
        drop(start, 'garbage', `${start} bytes before the frame start (@@)`);
        continue;
      }
      if (buf.length < HEADER_BYTES) return done();
      const length = buf.readUInt16LE(24);
      if (length > this.maxAppData) {
        drop(
          1,
          'too-long',
          `application data length ${length} is over the bound of ${this.maxAppData}`,
          HEADER_BYTES,
        );
        continue;
      }
      const total = FRAME_OVERHEAD + length;
      if (buf.length < total) {
        const later = this.wholeFrameAfter(1);
        if (later < 0) return done();
        drop(later, 'false-start', `a start whose frame of ${total} bytes never came: a whole frame follows`);
        continue;
      }
      if (buf[total - 2] !== HASH || buf[total - 1] !== HASH) {
        // The '@@' may have been inside other bytes (or be '@@@'): look again from the next byte, not past the length.
        drop(1, 'no-end', `no ## where the length field puts the end (byte ${total - 2})`, total);
        continue;
      }
      if (refusal) return done();
      const raw = Buffer.from(buf.subarray(0, total));
      this.buf = buf.subarray(total);
      return { kind: 'frame', frame: readFrame(raw, 0, length), raw };
    }
  }

  /** The offset of a later start that holds a whole, well-ended frame with a checksum of either variant. */
  private wholeFrameAfter(from: number): number {
    const buf = this.buf;
    let checked = 0;
    for (let p = findStart(buf, from); p >= 0 && checked < LOOKAHEAD_CANDIDATES; p = findStart(buf, p + 1)) {
      checked++;
      if (p + HEADER_BYTES > buf.length) return -1;
      const length = buf.readUInt16LE(p + 24);
      if (length > this.maxAppData) continue;
      const end = p + HEADER_BYTES + length;
      if (end + 3 > buf.length || buf[end + 1] !== HASH || buf[end + 2] !== HASH) continue;
      const sum = buf[end];
      if (byteSum(buf, p + 2, end) === sum || byteSum(buf, p + 26, end) === sum) return p;
    }
    return -1;
  }
}

function findStart(buf: Uint8Array, from: number): number {
  for (let i = from; i + 1 < buf.length; i++) if (buf[i] === AT && buf[i + 1] === AT) return i;
  return -1;
}
