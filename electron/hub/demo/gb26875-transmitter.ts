/**
 * A 用户信息传输装置 (GB/T 26875.3-2011 user information transmission device) that dials the monitoring centre
 * over TCP, written from the standard's frame as `guide/ingest.md` §6 gives it — not from the hub's receiver,
 * whose codec it never imports. It sends 发送数据 frames (the published 78-byte vector byte for byte, component and
 * system states, its own state, 查岗应答), in the binary or BCD time variant and with the standard's or the
 * command-byte checksum, whole, split into pieces or several in one write; it waits for 确认 with the frame's
 * 业务流水号 and sends the same bytes again when none comes. It answers the centre's 控制命令 (校时, 查岗) with 确认.
 */
import { connect, type Socket } from 'node:net';
import { TextDecoder } from 'node:util';

/** shootingfans/codec_gb26875_3_2011's decode vector: 部件运行状态, 火警, system 1/3, component 0x000600D9. */
export const PUBLISHED_VECTOR = Buffer.from(
  [
    '40400000010118 0d11160a14 000000000000 060504030201 3000 02',
    '0201 01 03 00 d9000600 0200 a3c1c7f8a3b1b2e3dfc8b2b8d7dfc0c8000000000000000000000000000000 301213010814',
    '68 2323',
  ]
    .join('')
    .replace(/ /g, ''),
  'hex',
);

/** The guide's 确认 of that vector, sent by a centre whose clock read 2020-10-22 17:13:25 (local time). */
export const PUBLISHED_CONFIRM = Buffer.from(
  '40400000010119 0d11160a14 060504030201 000000000000 0000 03 85 2323'.replace(/ /g, ''),
  'hex',
);

export type SimTimeFormat = 'binary' | 'bcd';
export type SimChecksum = 'serial' | 'command';

export interface SimFrame {
  serial: number;
  command: number;
  time: Buffer;
  source: Buffer;
  destination: Buffer;
  data: Buffer;
  raw: Buffer;
  /** The checksum agrees with the standard's sum (from the serial) or with the vendor's (from the command). */
  sumFromSerial: boolean;
  sumFromCommand: boolean;
}

export interface TransmitterOptions {
  port: number;
  host?: string;
  /** This device's 6-byte address as its little-endian value. */
  address?: number;
  /** The centre's address, this device's destination. */
  centre?: number;
  time?: SimTimeFormat;
  checksum?: SimChecksum;
  /** Minutes east of UTC of the device's wall clock. */
  utcOffsetMin?: number;
  /** The device's clock (epoch ms); the time tags are this in its zone. */
  now?: () => number;
  /** Wait this long for 确认 before sending again (the standard's retry timing is not known). */
  retryMs?: number;
  maxAttempts?: number;
  /** Press 查岗应答 at once when the centre sends 查岗. */
  answerInspection?: boolean;
}

export interface ComponentStateInput {
  systemType?: number;
  systemAddress?: number;
  componentType: number;
  componentAddress: number;
  state: number;
  description?: string;
  at?: number;
}

export interface SendOutcome {
  confirmed: boolean;
  denied: boolean;
  attempts: number;
  reply?: SimFrame;
}

function sixBytes(value: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntLE(value, 0, 6);
  return b;
}

function checksumOf(bytes: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += bytes[i] ?? 0;
  return s % 256;
}

const bcd = (n: number) => Math.floor(n / 10) * 16 + (n % 10);

/** A GB18030 encoder for the text a test needs: the two-byte table read back through Node's decoder. */
let gbTable: Map<string, number[]> | undefined;
export function gb18030(text: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const pairs: number[][] = [];
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) pairs.push([lead, trail]);
    }
    const decoded = new TextDecoder('gb18030').decode(Buffer.from(pairs.flat()));
    [...decoded].forEach((ch, i) => {
      const pair = pairs[i];
      if (pair && ch !== '\uFFFD' && !gbTable!.has(ch)) gbTable!.set(ch, pair);
    });
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    if (code < 0x80) out.push(code);
    else out.push(...(gbTable.get(ch) ?? [0x3f]));
  }
  return Buffer.from(out);
}

export class SimTransmitter {
  readonly received: SimFrame[] = [];
  /** 校时 the centre sent: the 6 time bytes as they came. */
  readonly timeSyncs: Buffer[] = [];
  /** 查岗 the centre sent: the minutes given to answer. */
  readonly inspections: number[] = [];
  private socket?: Socket;
  private inbox = Buffer.alloc(0);
  private serial = 1;
  private readonly waiters = new Set<() => void>();
  private readonly o: Required<Omit<TransmitterOptions, 'answerInspection'>> & { answerInspection: boolean };

  constructor(options: TransmitterOptions) {
    this.o = {
      host: '127.0.0.1',
      address: 0,
      centre: 0x010203040506,
      time: 'binary',
      checksum: 'serial',
      utcOffsetMin: 480,
      now: Date.now,
      retryMs: 1000,
      maxAttempts: 5,
      answerInspection: false,
      ...options,
    };
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.o.host, port: this.o.port }, () => {
        socket.off('error', reject);
        resolve();
      });
      socket.once('error', reject);
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => this.onData(chunk));
      socket.on('close', () => this.wake());
      this.socket = socket;
    });
  }

  get connected(): boolean {
    return Boolean(this.socket && !this.socket.destroyed);
  }

  /** Ends the connection without a goodbye, as a cut line does. */
  cut(): void {
    this.socket?.destroy();
  }

  close(): Promise<void> {
    const s = this.socket;
    if (!s || s.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => s.destroy(), 500).unref();
    });
  }

  nextSerial(): number {
    const s = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    return s;
  }

  timeTag(at = this.o.now()): Buffer {
    const d = new Date(at + this.o.utcOffsetMin * 60_000);
    const fields = [
      d.getUTCSeconds(),
      d.getUTCMinutes(),
      d.getUTCHours(),
      d.getUTCDate(),
      d.getUTCMonth() + 1,
      d.getUTCFullYear() - 2000,
    ];
    return Buffer.from(this.o.time === 'bcd' ? fields.map(bcd) : fields);
  }

  /** A whole frame from this device to the centre. */
  frame(
    command: number,
    data: Buffer,
    serial = this.nextSerial(),
    extra: { checksum?: SimChecksum } = {},
  ): Buffer {
    const head = Buffer.alloc(27);
    head.write('@@', 0, 'latin1');
    head.writeUInt16LE(serial, 2);
    head[4] = 1;
    head[5] = 1;
    this.timeTag().copy(head, 6);
    sixBytes(this.o.address).copy(head, 12);
    sixBytes(this.o.centre).copy(head, 18);
    head.writeUInt16LE(data.length, 24);
    head[26] = command;
    const body = Buffer.concat([head, data]);
    const from = (extra.checksum ?? this.o.checksum) === 'serial' ? 2 : 26;
    return Buffer.concat([body, Buffer.from([checksumOf(body, from, body.length), 0x23, 0x23])]);
  }

  componentStates(items: ComponentStateInput[]): Buffer {
    const parts = items.map((c) => {
      const o = Buffer.alloc(46);
      o[0] = c.systemType ?? 1;
      o[1] = c.systemAddress ?? 1;
      o[2] = c.componentType;
      o.writeUInt32LE(c.componentAddress, 3);
      o.writeUInt16LE(c.state, 7);
      gb18030(c.description ?? '')
        .subarray(0, 31)
        .copy(o, 9);
      this.timeTag(c.at).copy(o, 40);
      return o;
    });
    return Buffer.concat([Buffer.from([2, items.length]), ...parts]);
  }

  systemState(systemType: number, systemAddress: number, state: number): Buffer {
    const o = Buffer.alloc(10);
    o[0] = systemType;
    o[1] = systemAddress;
    o.writeUInt16LE(state, 2);
    this.timeTag().copy(o, 4);
    return Buffer.concat([Buffer.from([1, 1]), o]);
  }

  ownState(state: number): Buffer {
    return Buffer.concat([Buffer.from([21, 1, state]), this.timeTag()]);
  }

  ownOperation(operation: number, operator = 0): Buffer {
    return Buffer.concat([Buffer.from([24, 1, operation, operator]), this.timeTag()]);
  }

  write(bytes: Buffer): void {
    this.socket?.write(bytes);
  }

  /** The bytes in pieces of these sizes (the rest as a last piece), each its own write after a short pause. */
  async writeSplit(bytes: Buffer, sizes: number[], gapMs = 15): Promise<void> {
    let at = 0;
    for (const size of [...sizes, bytes.length]) {
      if (at >= bytes.length) break;
      this.socket?.write(bytes.subarray(at, Math.min(bytes.length, at + size)));
      at += size;
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  /**
   * Sends a 发送数据 frame and waits for 确认 with its serial; without one within `retryMs` (or after 否认) the
   * same bytes go again, up to `maxAttempts`. `split` sends each attempt in pieces.
   */
  async send(frame: Buffer, options: { split?: number[] } = {}): Promise<SendOutcome> {
    const serial = frame.readUInt16LE(2);
    let denied = false;
    for (let attempt = 1; attempt <= this.o.maxAttempts; attempt++) {
      const seen = this.received.length;
      if (!this.connected) return { confirmed: false, denied, attempts: attempt - 1 };
      if (options.split) await this.writeSplit(frame, options.split);
      else this.write(frame);
      const reply = await this.waitFor(
        (f) => f.serial === serial && (f.command === 3 || f.command === 6),
        this.o.retryMs,
        seen,
      );
      if (reply?.command === 3) return { confirmed: true, denied, attempts: attempt, reply };
      if (reply?.command === 6) denied = true;
    }
    return { confirmed: false, denied, attempts: this.o.maxAttempts };
  }

  /** The first frame from the centre (from index `from` on) that matches, or undefined after `timeoutMs`. */
  async waitFor(match: (f: SimFrame) => boolean, timeoutMs: number, from = 0): Promise<SimFrame | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || !this.connected) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private onData(chunk: Buffer): void {
    this.inbox = Buffer.concat([this.inbox, chunk]);
    for (;;) {
      const start = this.inbox.indexOf('@@', 0, 'latin1');
      if (start < 0) {
        this.inbox = this.inbox.subarray(Math.max(0, this.inbox.length - 1));
        break;
      }
      if (this.inbox.length - start < 30) break;
      const length = this.inbox.readUInt16LE(start + 24);
      const total = 30 + length;
      if (this.inbox.length - start < total) break;
      const raw = Buffer.from(this.inbox.subarray(start, start + total));
      this.inbox = this.inbox.subarray(start + total);
      if (raw[total - 2] !== 0x23 || raw[total - 1] !== 0x23) continue;
      const sum = raw[total - 3];
      const f: SimFrame = {
        serial: raw.readUInt16LE(2),
        time: raw.subarray(6, 12),
        source: raw.subarray(12, 18),
        destination: raw.subarray(18, 24),
        command: raw[26] ?? 0,
        data: raw.subarray(27, 27 + length),
        raw,
        sumFromSerial: checksumOf(raw, 2, total - 3) === sum,
        sumFromCommand: checksumOf(raw, 26, total - 3) === sum,
      };
      this.received.push(f);
      if (f.command === 1) this.onControl(f);
    }
    this.wake();
  }

  /** 控制命令 from the centre: 确认 with its serial, then whatever the command asks. */
  private onControl(f: SimFrame): void {
    const head = Buffer.alloc(27);
    head.write('@@', 0, 'latin1');
    head.writeUInt16LE(f.serial, 2);
    head[4] = 1;
    head[5] = 1;
    this.timeTag().copy(head, 6);
    sixBytes(this.o.address).copy(head, 12);
    f.source.copy(head, 18);
    head[26] = 3;
    const from = this.o.checksum === 'serial' ? 2 : 26;
    this.write(Buffer.concat([head, Buffer.from([checksumOf(head, from, 27), 0x23, 0x23])]));
    const type = f.data[0];
    if (type === 90) this.timeSyncs.push(Buffer.from(f.data.subarray(2, 8)));
    if (type === 91) {
      this.inspections.push(f.data[2] ?? 0);
      if (this.o.answerInspection) void this.send(this.frame(2, this.ownOperation(1 << 5)));
    }
  }
}
