/**
 * SIA DC-09 framing: `<LF><CRC><0LLL>"<id>"<seq>[R<rcvr>]L<pref>#<acct>[<data>][<xdata>]*[_HH:MM:SS,MM-DD-YYYY]<CR>`.
 *
 * The parser is tolerant of what real panels send (a 2-byte binary CRC, trailing NULs, an empty `L`, lower-case
 * hex, a decimal length) and records each such trait as a quirk so the receiver can log the raw frame; anything
 * it cannot accept comes back as a refusal with a reason. It never throws on any input.
 */
import { crc16, crcHex } from './crc';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const ZERO = 0x30;

export const SUPPORTED_TOKENS: readonly string[] = ['SIA-DCS', 'ADM-CID', 'NULL'];

/** How the frame carried its CRC; a response goes back in the same form. */
export type CrcForm = 'hex' | 'binary';

export interface FrameHeader {
  crcForm: CrcForm;
  /** The id token, upper-cased, without the encryption `*`. */
  token: string;
  encrypted: boolean;
  seq: string;
  /** Receiver number without the `R` (absent when the panel sent none). */
  receiver?: string;
  /** Line prefix without the `L`; may be empty. */
  line: string;
  /** Account, upper-cased, without the `#`. */
  account?: string;
}

export interface Dc09Frame extends FrameHeader {
  /** Everything after the opening `[`: clear `data]xdata…_ts`, or the hex ciphertext of an encrypted frame. */
  body: string;
  /** Non-canonical traits the parser accepted. */
  quirks: string[];
}

export type ParseResult =
  | { ok: true; frame: Dc09Frame }
  | { ok: false; kind: 'crc' | 'format'; reason: string; header?: Partial<FrameHeader> };

/** The clear content of a message: the data block, extended data blocks and the timestamp. */
export interface Dc09Content {
  data: string;
  xdata: string[];
  /** `HH:MM:SS,MM-DD-YYYY` as sent. */
  timestamp?: string;
}

const HEADER =
  /^"(\*?)([A-Za-z0-9-]{1,16})"([0-9]{4})(?:R([0-9A-Fa-f]{1,6}))?(?:L([0-9A-Fa-f]{0,6}))?(?:#([0-9A-Fa-f]{3,16}))?\[/i;

/** Parses one frame as the framer delivers it, LF to CR inclusive. */
export function parseFrame(raw: Uint8Array): ParseResult {
  const quirks: string[] = [];
  if (raw.length < 2 || raw[0] !== LF || raw[raw.length - 1] !== CR) {
    return { ok: false, kind: 'format', reason: 'not framed by LF … CR' };
  }
  let end = raw.length - 1;
  while (end > 1 && raw[end - 1] === 0) end--;
  if (end < raw.length - 1) quirks.push('NUL padding');
  const inner = raw.subarray(1, end);

  let crcForm: CrcForm;
  let declaredCrc: number;
  let lengthAt: number;
  if (inner[4] === ZERO && inner[8] === QUOTE) {
    crcForm = 'hex';
    const text = ascii(inner.subarray(0, 4));
    if (!/^[0-9A-Fa-f]{4}$/.test(text))
      return { ok: false, kind: 'format', reason: 'CRC is not 4 hex digits' };
    if (text !== text.toUpperCase()) quirks.push('lower-case CRC');
    declaredCrc = parseInt(text, 16);
    lengthAt = 4;
  } else if (inner[2] === ZERO && inner[6] === QUOTE) {
    crcForm = 'binary';
    declaredCrc = (inner[0]! << 8) | inner[1]!;
    lengthAt = 2;
    quirks.push('binary CRC');
  } else {
    return { ok: false, kind: 'format', reason: 'no CRC and length header before the opening quote' };
  }

  const lengthText = ascii(inner.subarray(lengthAt, lengthAt + 4));
  if (!/^0[0-9A-Fa-f]{3}$/.test(lengthText)) {
    return { ok: false, kind: 'format', reason: 'length is not 0LLL in hex' };
  }
  const message = inner.subarray(lengthAt + 4);
  const computed = crc16(message);
  const header = peekHeader(message, crcForm);
  if (computed !== declaredCrc) {
    const said = crcForm === 'hex' ? crcHex(declaredCrc) : `0x${crcHex(declaredCrc)} (binary)`;
    return {
      ok: false,
      kind: 'crc',
      reason: `CRC mismatch: frame says ${said}, computed ${crcHex(computed)}`,
      header,
    };
  }
  const declaredLength = parseInt(lengthText, 16);
  if (declaredLength !== message.length) {
    if (parseInt(lengthText, 10) === message.length) quirks.push('decimal length');
    else quirks.push(`length says ${declaredLength}, frame has ${message.length}`);
  }
  for (let i = 0; i < message.length; i++) {
    const b = message[i]!;
    if (b < 0x20 || b > 0x7e) {
      return {
        ok: false,
        kind: 'format',
        reason: `byte 0x${b.toString(16)} at ${i} is not printable ASCII`,
        header,
      };
    }
  }
  const text = ascii(message);
  const m = HEADER.exec(text);
  if (!m) return { ok: false, kind: 'format', reason: 'header is not "id"seq[R…]L…#acct[', header };
  const [head, star, token, seq, receiver, line, account] = m;
  if (/[a-z]/.test(head.replace(/^"[^"]*"/, '')) || token !== token!.toUpperCase()) quirks.push('lower case');
  if (line === undefined) quirks.push('no L');
  else if (line === '') quirks.push('empty L');
  return {
    ok: true,
    frame: {
      crcForm,
      token: token!.toUpperCase(),
      encrypted: star === '*',
      seq: seq!,
      ...(receiver !== undefined ? { receiver: receiver.toUpperCase() } : {}),
      line: (line ?? '').toUpperCase(),
      ...(account !== undefined ? { account: account.toUpperCase() } : {}),
      body: text.slice(head.length),
      quirks,
    },
  };
}

/** What can be read of a header that failed a later check: for the status view and the log. */
function peekHeader(message: Uint8Array, crcForm: CrcForm): Partial<FrameHeader> {
  const m = HEADER.exec(ascii(message.subarray(0, 64)));
  if (!m) return { crcForm };
  return {
    crcForm,
    token: m[2]!.toUpperCase(),
    encrypted: m[1] === '*',
    seq: m[3]!,
    ...(m[4] !== undefined ? { receiver: m[4].toUpperCase() } : {}),
    line: (m[5] ?? '').toUpperCase(),
    ...(m[6] !== undefined ? { account: m[6].toUpperCase() } : {}),
  };
}

/** Splits clear content `data]` `[xdata]`… `_ts` (the part after the opening `[`). */
export function parseContent(
  body: string,
): { ok: true; content: Dc09Content } | { ok: false; reason: string } {
  const close = body.indexOf(']');
  if (close < 0) return { ok: false, reason: 'no ] closing the data block' };
  const data = body.slice(0, close);
  if (data.includes('[')) return { ok: false, reason: '[ inside the data block' };
  let rest = body.slice(close + 1);
  const xdata: string[] = [];
  while (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) return { ok: false, reason: 'extended data block not closed' };
    xdata.push(rest.slice(1, end));
    rest = rest.slice(end + 1);
  }
  let timestamp: string | undefined;
  if (rest.startsWith('_')) {
    timestamp = rest.slice(1);
    rest = '';
    if (parseTimestamp(timestamp) === undefined) return { ok: false, reason: `bad timestamp "${timestamp}"` };
  }
  if (rest !== '') return { ok: false, reason: 'text after the data blocks' };
  return { ok: true, content: { data, xdata, ...(timestamp !== undefined ? { timestamp } : {}) } };
}

/** `HH:MM:SS,MM-DD-YYYY` (UTC) → epoch ms, or undefined when it is not a real time. */
export function parseTimestamp(text: string): number | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2}),(\d{2})-(\d{2})-(\d{4})$/.exec(text);
  if (!m) return undefined;
  const [h, mi, s, mo, d, y] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(at);
  // Date.UTC rolls 13/45 over into the next year: a round trip catches fields out of range.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h) return undefined;
  if (back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return undefined;
  return at;
}

export function formatTimestamp(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())},` +
    `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${d.getUTCFullYear()}`
  );
}

/** Frames a message (from the opening quote to before CR): LF, CRC, 0LLL, message, CR. */
export function formatFrame(message: string, form: CrcForm = 'hex'): Buffer {
  const body = Buffer.from(message, 'latin1');
  const crc = crc16(body);
  const length = Buffer.from(body.length.toString(16).toUpperCase().padStart(4, '0'), 'latin1');
  const crcBytes = form === 'hex' ? Buffer.from(crcHex(crc), 'latin1') : Buffer.from([crc >> 8, crc & 0xff]);
  return Buffer.concat([Buffer.from([LF]), crcBytes, length, body, Buffer.from([CR])]);
}

/** `"<token>"<seq>R<rcvr>L<pref>#<acct>[` — the part of an ACK or DUH that echoes the panel's header. */
export function responseHead(
  token: string,
  h: Pick<FrameHeader, 'seq' | 'receiver' | 'line' | 'account'>,
): string {
  const r = h.receiver !== undefined ? `R${h.receiver}` : '';
  const a = h.account !== undefined ? `#${h.account}` : '';
  return `"${token}"${h.seq}${r}L${h.line}${a}[`;
}

export function formatAck(h: FrameHeader): Buffer {
  return formatFrame(`${responseHead('ACK', h)}]`, h.crcForm);
}

export function formatDuh(h: Pick<FrameHeader, 'seq' | 'receiver' | 'line' | 'account' | 'crcForm'>): Buffer {
  return formatFrame(`${responseHead('DUH', h)}]`, h.crcForm);
}

/** NAK carries the receiver's UTC time so the panel can correct its clock. */
export function formatNak(now: number, form: CrcForm = 'hex'): Buffer {
  return formatFrame(`"NAK"0000R0L0A0[]_${formatTimestamp(now)}`, form);
}

/** Why bytes were not a frame: over the size limit, cut short (by a new LF or the connection's end), or neither. */
export type JunkCode = 'too_large' | 'cut_off' | 'malformed';
export type FramerItem = { frame: Buffer } | { junk: Buffer; reason: string; code: JunkCode };

/**
 * Cuts a byte stream into LF … CR frames: several per TCP read, or one split over many. The header decides
 * where the message starts (a binary CRC may itself hold CR or LF bytes); a new LF before the CR means the
 * previous frame was cut. NULs, CR/LF and spaces between frames are dropped silently; other stray bytes and
 * overlong frames come back as junk with a reason.
 */
export class Dc09Framer {
  private buf: Buffer = Buffer.alloc(0);
  private skipping = false;

  constructor(private readonly maxFrameBytes = 1024) {}

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  push(chunk: Uint8Array): FramerItem[] {
    const out: FramerItem[] = [];
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    for (;;) {
      if (this.skipping) {
        const next = this.buf.indexOf(LF);
        if (next < 0) {
          this.buf = Buffer.alloc(0);
          break;
        }
        this.buf = this.buf.subarray(next);
        this.skipping = false;
      }
      const lf = this.buf.indexOf(LF);
      if (lf < 0) {
        junk(out, this.buf, 'bytes outside a frame', 'malformed');
        this.buf = Buffer.alloc(0);
        break;
      }
      if (lf > 0) {
        junk(out, this.buf.subarray(0, lf), 'bytes outside a frame', 'malformed');
        this.buf = this.buf.subarray(lf);
      }
      if (this.buf.length < 10) break;
      const b = this.buf;
      const start = b[5] === ZERO && b[9] === QUOTE ? 9 : b[3] === ZERO && b[7] === QUOTE ? 7 : 1;
      const cr = b.indexOf(CR, start);
      const nextLf = b.indexOf(LF, start);
      if (nextLf >= 0 && (cr < 0 || nextLf < cr)) {
        junk(out, b.subarray(0, nextLf), 'frame cut by a new LF', 'cut_off');
        this.buf = b.subarray(nextLf);
        continue;
      }
      if (cr < 0) {
        if (b.length > this.maxFrameBytes) {
          out.push({
            junk: b.subarray(0, 256),
            reason: `frame longer than ${this.maxFrameBytes} bytes`,
            code: 'too_large',
          });
          this.buf = b.subarray(1);
          this.skipping = true;
          continue;
        }
        break;
      }
      const frame = b.subarray(0, cr + 1);
      this.buf = b.subarray(cr + 1);
      if (frame.length > this.maxFrameBytes) {
        out.push({
          junk: frame.subarray(0, 256),
          reason: `frame longer than ${this.maxFrameBytes} bytes`,
          code: 'too_large',
        });
      } else if (start === 1) {
        out.push({
          junk: frame,
          reason: 'no CRC and length header before the opening quote',
          code: 'malformed',
        });
      } else {
        out.push({ frame: Buffer.from(frame) });
      }
    }
    // Keep what is held compact: a slice would pin the whole old buffer.
    if (this.buf.length && this.buf.byteOffset > 0) this.buf = Buffer.from(this.buf);
    return out;
  }

  /** The connection ended: whatever is held was a frame cut short. */
  end(): FramerItem[] {
    const out: FramerItem[] = [];
    if (!this.skipping) junk(out, this.buf, 'connection ended mid-frame', 'cut_off');
    this.buf = Buffer.alloc(0);
    this.skipping = false;
    return out;
  }
}

function junk(out: FramerItem[], bytes: Buffer, reason: string, code: JunkCode): void {
  for (const b of bytes) {
    if (b !== 0 && b !== CR && b !== LF && b !== 0x20) {
      out.push({ junk: Buffer.from(bytes.subarray(0, 256)), reason, code });
      return;
    }
  }
}

function ascii(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** A frame as text for the status view and the log: printable ASCII as is, the rest as \xNN, bounded. */
export function escapeRaw(bytes: Uint8Array, max = 200): string {
  let out = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else if (b === LF) out += '\\n';
    else if (b === CR) out += '\\r';
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return bytes.length > max ? `${out}...(${bytes.length} bytes)` : out;
}
