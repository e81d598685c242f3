/**
 * A streaming reader of the endless multipart bodies cameras send (Hikvision's `multipart/mixed` alert stream,
 * Dahua's `multipart/x-mixed-replace` attach stream). Bytes go in as they arrive; whole parts come out. A part
 * ends at its Content-Length when it has one, else at the next boundary line. Tolerant of what devices do: the
 * boundary with or without its leading `--`, Dahua's `-- myboundary` with a space, LF-only line ends, blank lines
 * and stray text between parts. Bounded: headers over 8 KiB, or a part over `maxPartBytes`, are skipped up to the
 * next boundary and reported, so the reader never holds more than about `maxPartBytes` + 8 KiB.
 */

export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

export interface MultipartEvents {
  part(part: Part): void;
  /** Something that was skipped: a part too big, headers too long (`too_large`), text outside a part. */
  refused(reason: string, raw: Buffer, code: 'too_large' | 'malformed'): void;
}

const MAX_HEADER_BYTES = 8 * 1024;

/** The boundary of a `Content-Type: multipart/...; boundary=...` header, unquoted, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^;\s]{1,200}))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  // Some firmware writes the boundary parameter already prefixed with `--`.
  return b?.replace(/^--/, '');
}

type State =
  | { at: 'boundary' }
  | { at: 'headers' }
  | { at: 'length'; headers: Record<string, string>; left: number }
  | { at: 'scan'; headers: Record<string, string> }
  | { at: 'skip' };

export class MultipartReader {
  private buf: Buffer = Buffer.alloc(0);
  private state: State = { at: 'boundary' };
  private readonly boundary: string;

  constructor(
    boundary: string,
    private readonly maxPartBytes: number,
    private readonly on: MultipartEvents,
  ) {
    this.boundary = boundary.replace(/^--/, '');
  }

  /** True when `line` (without its line end) is a boundary line (opening or closing). */
  private isBoundary(line: string): boolean {
    const t = line.trim();
    if (t === this.boundary || t === `${this.boundary}--`) return true;
    if (!t.startsWith('--')) return false;
    const rest = t.slice(2).trim();
    return rest === this.boundary || rest === `${this.boundary}--`;
  }

  /** Where the next boundary line starts at or after `from` (a line start), or -1. */
  private findBoundary(from: number): { start: number; end: number } | undefined {
    let i = from;
    for (;;) {
      const at = this.buf.indexOf(this.boundary, i, 'latin1');
      if (at < 0) return undefined;
      // Walk back to the line start; the boundary must be the whole line (apart from `--` and spaces).
      let s = at;
      while (s > from && this.buf[s - 1] !== 0x0a) s--;
      const nl = this.buf.indexOf(0x0a, at);
      if (nl < 0) return s === from || this.buf[s - 1] === 0x0a ? { start: s, end: -1 } : undefined;
      if (this.isBoundary(this.buf.toString('latin1', s, nl))) return { start: s, end: nl + 1 };
      i = at + this.boundary.length;
    }
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (!this.step()) break;
    }
  }

  /** One transition; false when more bytes are needed. */
  private step(): boolean {
    const s = this.state;
    if (s.at === 'boundary') {
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) {
        if (this.buf.length > MAX_HEADER_BYTES) {
          this.on.refused('a line over 8 KiB between parts', this.buf.subarray(0, 160), 'too_large');
          this.buf = Buffer.alloc(0);
        }
        return false;
      }
      const line = this.buf.toString('latin1', 0, nl);
      this.buf = this.buf.subarray(nl + 1);
      if (this.isBoundary(line)) this.state = { at: 'headers' };
      else if (line.trim() !== '')
        this.on.refused('text outside a part', Buffer.from(line, 'latin1').subarray(0, 160), 'malformed');
      return true;
    }
    if (s.at === 'headers') {
      const crlf = this.buf.indexOf('\r\n\r\n');
      const lf = this.buf.indexOf('\n\n');
      // The earlier of the two blank-line forms ends the headers.
      let end = -1;
      let skip = 0;
      // A part without headers: the blank line comes at once.
      if (this.buf[0] === 0x0a) [end, skip] = [0, 1];
      else if (this.buf[0] === 0x0d && this.buf[1] === 0x0a) [end, skip] = [0, 2];
      else if (this.buf.length < 2 && this.buf[0] === 0x0d) return false;
      else if (crlf >= 0 && (lf < 0 || crlf <= lf)) [end, skip] = [crlf, 4];
      else if (lf >= 0) [end, skip] = [lf, 2];
      if (end < 0) {
        if (this.buf.length > MAX_HEADER_BYTES) {
          this.on.refused('part headers over 8 KiB', this.buf.subarray(0, 160), 'too_large');
          this.state = { at: 'skip' };
          return true;
        }
        return false;
      }
      if (end > MAX_HEADER_BYTES) {
        this.on.refused('part headers over 8 KiB', this.buf.subarray(0, 160), 'too_large');
        this.state = { at: 'skip' };
        return true;
      }
      const headers: Record<string, string> = {};
      for (const line of this.buf.toString('latin1', 0, end).split(/\r?\n/)) {
        const c = line.indexOf(':');
        if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
      }
      this.buf = this.buf.subarray(end + skip);
      const len = headers['content-length'];
      if (len !== undefined && /^\d{1,10}$/.test(len)) {
        const n = Number(len);
        if (n > this.maxPartBytes) {
          this.on.refused(
            `a part of ${n} bytes (the limit is ${this.maxPartBytes})`,
            this.buf.subarray(0, 160),
            'too_large',
          );
          this.state = { at: 'skip' };
        } else this.state = { at: 'length', headers, left: n };
      } else this.state = { at: 'scan', headers };
      return true;
    }
    if (s.at === 'length') {
      if (this.buf.length < s.left) return false;
      const body = Buffer.from(this.buf.subarray(0, s.left));
      this.buf = this.buf.subarray(s.left);
      this.state = { at: 'boundary' };
      this.on.part({ headers: s.headers, body });
      return true;
    }
    // scan and skip: up to the next boundary line.
    const b = this.findBoundary(0);
    if (!b || b.end < 0) {
      if (s.at === 'scan' && this.buf.length > this.maxPartBytes) {
        this.on.refused(`a part over ${this.maxPartBytes} bytes`, this.buf.subarray(0, 160), 'too_large');
        this.state = { at: 'skip' };
      }
      // While skipping, keep only a tail that could hold the start of a boundary line.
      if (this.state.at === 'skip' && this.buf.length > this.boundary.length + 8) {
        // A boundary line starting before this tail would already be complete (and found).
        this.buf = this.buf.subarray(this.buf.length - this.boundary.length - 8);
      }
      return false;
    }
    if (s.at === 'scan') {
      let bodyEnd = b.start;
      // The line end before the boundary belongs to the delimiter, not the body.
      if (bodyEnd > 0 && this.buf[bodyEnd - 1] === 0x0a) bodyEnd--;
      if (bodyEnd > 0 && this.buf[bodyEnd - 1] === 0x0d) bodyEnd--;
      const body = Buffer.from(this.buf.subarray(0, bodyEnd));
      this.buf = this.buf.subarray(b.end);
      this.state = { at: 'headers' };
      this.on.part({ headers: s.headers, body });
      return true;
    }
    this.buf = this.buf.subarray(b.end);
    this.state = { at: 'headers' };
    return true;
  }

  /** Bytes held now (for tests of the bound). */
  get held(): number {
    return this.buf.length;
  }
}
