/**
 * A simulated alarm panel that reports to a SIA DC-09 receiver, written from SIA DC-09 and the ingest brief
 * (`../shared/guide/ingest.md` §1–§2) only — never from the receiver under test, so its own CRC, framing and
 * encryption below are deliberately separate and short.
 *
 * It dials TCP or UDP, sends ADM-CID / SIA-DCS / NULL messages (encrypted with AES-CBC and a zero IV when it has a
 * key), waits for the ACK with the same sequence number and sends the message again every `retryMs` until it
 * comes; after a NAK it sets its clock from the NAK's timestamp and resends. Faults on demand: a bad CRC, a
 * 2-byte binary CRC, a stale clock, trailing NULs, a message split over many writes or several in one write,
 * raw bytes, a cut connection, and silence (it only sends when told).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';

export interface PanelOptions {
  host?: string;
  port: number;
  transport: 'tcp' | 'udp';
  /** Account digits (hex), sent as `#<account>`. */
  account: string;
  /** Receiver number for `R…`; null sends no R. */
  receiver?: string | null;
  /** Line prefix for `L…`; '' sends an empty L. */
  line?: string;
  /** AES-128/192/256 key bytes: the panel then encrypts everything it sends. */
  key?: Buffer;
  crc?: 'hex' | 'binary';
  /** Wait this long for the ACK before sending again. */
  retryMs?: number;
  /** After a NAK, send again after this long (with the clock corrected from the NAK). */
  nakRetryMs?: number;
  maxAttempts?: number;
  /** The clock the panel's own clock is based on (tests share a fake one with the receiver). */
  now?: () => number;
  /** How far the panel's clock is off; a NAK with a timestamp sets it right. */
  clockOffsetMs?: number;
  /** Called as each reply arrives (a test checks what was true at that moment). */
  onReply?: (reply: Reply) => void;
}

export interface Message {
  token: string;
  /** The data block's content, e.g. `#1234|1130 01 015`; empty for NULL. */
  data?: string;
  xdata?: string[];
  /** Default: the next number (NULL: 0000). */
  seq?: number;
  /** Send no timestamp. */
  noTimestamp?: boolean;
}

export interface SendFaults {
  badCrc?: boolean;
  /** Chunk sizes for consecutive writes ('bytewise': one byte per write); TCP only. */
  split?: number[] | 'bytewise';
  /** NUL bytes written after the CR. */
  nulPadding?: number;
  maxAttempts?: number;
}

export interface Reply {
  token: string;
  seq: string;
  crcForm: 'hex' | 'binary';
  crcOk: boolean;
  /** Text from the opening quote to before CR. */
  message: string;
  raw: Buffer;
  /** `_HH:MM:SS,MM-DD-YYYY` of a NAK or a decrypted encrypted ACK. */
  timestamp?: string;
  /** The decrypted content of a `*ACK` (after the pad and `|`). */
  plain?: string;
}

export interface Outcome {
  /** The ACK or DUH that ended it; undefined when every attempt went unanswered or was NAKed. */
  final?: Reply;
  replies: Reply[];
  attempts: number;
  seq: string;
}

/** CRC-16/ARC, bit by bit as the guide gives it. */
export function panelCrc(bytes: Buffer): number {
  let crc = 0;
  for (let b of bytes) {
    for (let i = 0; i < 8; i++) {
      const t = (b ^ crc) & 1;
      crc >>= 1;
      if (t) crc ^= 0xa001;
      b >>= 1;
    }
  }
  return crc;
}

export function frameOf(message: string, crc: 'hex' | 'binary' = 'hex', badCrc = false): Buffer {
  const body = Buffer.from(message, 'latin1');
  const c = panelCrc(body) ^ (badCrc ? 0x5a5a : 0);
  const head =
    crc === 'hex'
      ? Buffer.from(c.toString(16).toUpperCase().padStart(4, '0'), 'latin1')
      : Buffer.from([c >> 8, c & 0xff]);
  const len = Buffer.from(body.length.toString(16).toUpperCase().padStart(4, '0'), 'latin1');
  return Buffer.concat([Buffer.from('\n'), head, len, body, Buffer.from('\r')]);
}

export function stamp(at: number): string {
  const iso = new Date(at).toISOString(); // 2024-01-15T12:00:00.000Z
  return `${iso.slice(11, 19)},${iso.slice(5, 7)}-${iso.slice(8, 10)}-${iso.slice(0, 4)}`;
}

function unstamp(ts: string): number {
  const [time, date] = ts.split(',') as [string, string];
  const [mm, dd, yyyy] = date.split('-');
  return Date.parse(`${yyyy}-${mm}-${dd}T${time}Z`);
}

function aes(key: Buffer, decrypt: boolean, data: Buffer): Buffer {
  const alg = `aes-${key.length * 8}-cbc`;
  const c = decrypt
    ? createDecipheriv(alg, key, Buffer.alloc(16))
    : createCipheriv(alg, key, Buffer.alloc(16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** `<pad>|<content>` in whole blocks, encrypted, as upper-case hex. */
export function panelEncrypt(key: Buffer, content: string): string {
  const padLength = (16 - ((content.length + 1) % 16)) % 16;
  const pad = 'XYZWVUTSRQPONMLK'.slice(0, padLength);
  return aes(key, false, Buffer.from(`${pad}|${content}`, 'latin1'))
    .toString('hex')
    .toUpperCase();
}

/** Reads one response frame (LF … CR): a binary CRC when byte 3 is '0' and byte 7 a quote. */
export function readReply(raw: Buffer, key?: Buffer): Reply | undefined {
  const binary = !(raw[5] === 0x30 && raw[9] === 0x22) && raw[3] === 0x30 && raw[7] === 0x22;
  const start = binary ? 7 : 9;
  const body = raw.subarray(start, raw.length - 1);
  const said = binary ? (raw[1]! << 8) | raw[2]! : parseInt(raw.subarray(1, 5).toString('latin1'), 16);
  const message = body.toString('latin1');
  const m = /^"(\*?[A-Z]+)"(\d{4})/.exec(message);
  if (!m) return undefined;
  const reply: Reply = {
    token: m[1]!,
    seq: m[2]!,
    crcForm: binary ? 'binary' : 'hex',
    crcOk: said === panelCrc(body),
    message,
    raw,
  };
  const ts = /_(\d{2}:\d{2}:\d{2},\d{2}-\d{2}-\d{4})$/.exec(message);
  if (ts) reply.timestamp = ts[1];
  if (reply.token.startsWith('*') && key) {
    const hex = message.slice(message.indexOf('[') + 1);
    const plain = aes(key, true, Buffer.from(hex, 'hex')).toString('latin1');
    reply.plain = plain.slice(plain.indexOf('|') + 1);
    const t = /_(\d{2}:\d{2}:\d{2},\d{2}-\d{2}-\d{4})$/.exec(reply.plain);
    if (t) reply.timestamp = t[1];
  }
  return reply;
}

export class Dc09Panel {
  clockOffsetMs: number;
  /** Every reply received, in order. */
  readonly replies: Reply[] = [];
  private nextSeq = 1;
  private tcp?: Socket;
  private udp?: UdpSocket;
  private inbox = Buffer.alloc(0);
  private waiters: Array<() => void> = [];

  constructor(readonly o: PanelOptions) {
    this.clockOffsetMs = o.clockOffsetMs ?? 0;
  }

  clock(): number {
    return (this.o.now ?? Date.now)() + this.clockOffsetMs;
  }

  /** The frame bytes of a message as the panel would send it now. */
  build(msg: Message, seq: number, badCrc = false): Buffer {
    const o = this.o;
    const r = o.receiver === null ? '' : `R${o.receiver ?? '1'}`;
    const head = `"${o.key ? '*' : ''}${msg.token}"${String(seq).padStart(4, '0')}${r}L${o.line ?? '1'}#${o.account}[`;
    const tail = `${(msg.xdata ?? []).map((x) => `[${x}]`).join('')}${msg.noTimestamp ? '' : `_${stamp(this.clock())}`}`;
    const content = `${msg.data ?? ''}]${tail}`;
    const message = o.key ? head + panelEncrypt(o.key, content) : head + content;
    return frameOf(message, o.crc ?? 'hex', badCrc);
  }

  async connect(): Promise<void> {
    const host = this.o.host ?? '127.0.0.1';
    if (this.o.transport === 'udp') {
      if (this.udp) return;
      const s = createSocket('udp4');
      s.on('message', (m) => this.receive(m, true));
      s.on('error', () => undefined);
      await new Promise<void>((resolve) => s.connect(this.o.port, host, resolve));
      this.udp = s;
      return;
    }
    if (this.tcp && !this.tcp.destroyed) return;
    const s = connect({ host, port: this.o.port });
    s.setNoDelay(true);
    s.on('data', (d: Buffer) => this.receive(d, false));
    s.on('error', () => undefined);
    s.on('close', () => {
      if (this.tcp === s) this.tcp = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    this.inbox = Buffer.alloc(0);
    this.tcp = s;
  }

  private receive(data: Buffer, datagram: boolean): void {
    this.inbox = datagram ? Buffer.from(data) : Buffer.concat([this.inbox, data]);
    for (;;) {
      const lf = this.inbox.indexOf(0x0a);
      if (lf < 0 || this.inbox.length < lf + 10) break;
      const b = this.inbox.subarray(lf);
      const start = b[5] === 0x30 && b[9] === 0x22 ? 9 : 7;
      const cr = b.indexOf(0x0d, start);
      if (cr < 0) break;
      const reply = readReply(Buffer.from(b.subarray(0, cr + 1)), this.o.key);
      if (reply) {
        this.replies.push(reply);
        this.o.onReply?.(reply);
      }
      this.inbox = b.subarray(cr + 1);
    }
    if (datagram) this.inbox = Buffer.alloc(0);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Writes bytes as they are (TCP: in the given chunks, each its own write). */
  async write(bytes: Buffer, split?: number[] | 'bytewise'): Promise<void> {
    await this.connect();
    if (this.o.transport === 'udp') {
      await new Promise<void>((resolve) => this.udp!.send(bytes, () => resolve()));
      return;
    }
    const sizes = split === 'bytewise' ? Array<number>(bytes.length).fill(1) : (split ?? [bytes.length]);
    let at = 0;
    for (const n of [...sizes, bytes.length]) {
      if (at >= bytes.length) break;
      const chunk = bytes.subarray(at, at + n);
      at += chunk.length;
      await new Promise<void>((resolve) => this.tcp!.write(chunk, () => resolve()));
      // Let the receiver see each chunk as its own read.
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** Resolves with the first reply after index `from` that `match` accepts, or undefined after `ms`. */
  private waitReply(from: number, match: (r: Reply) => boolean, ms: number): Promise<Reply | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const check = () => {
        if (done) return;
        const found = this.replies.slice(from).find(match);
        if (found) {
          done = true;
          clearTimeout(timer);
          resolve(found);
        } else this.waiters.push(check);
      };
      const timer = setTimeout(() => {
        done = true;
        resolve(undefined);
      }, ms);
      check();
    });
  }

  takeSeq(msg: Message): number {
    if (msg.seq !== undefined) return msg.seq;
    if (msg.token === 'NULL') return 0;
    const s = this.nextSeq;
    this.nextSeq = (this.nextSeq % 9999) + 1;
    return s;
  }

  /** Sends until the ACK with the same seq (or a DUH) comes, re-stamping each attempt with the panel's clock. */
  async send(msg: Message, faults: SendFaults = {}): Promise<Outcome> {
    const seq = this.takeSeq(msg);
    const seqText = String(seq).padStart(4, '0');
    const max = faults.maxAttempts ?? this.o.maxAttempts ?? 5;
    const first = this.replies.length;
    let attempts = 0;
    while (attempts < max) {
      attempts++;
      const from = this.replies.length;
      let bytes = this.build(msg, seq, faults.badCrc);
      if (faults.nulPadding) bytes = Buffer.concat([bytes, Buffer.alloc(faults.nulPadding)]);
      await this.write(bytes, faults.split);
      const reply = await this.waitReply(
        from,
        (r) => r.token === 'NAK' || (/^\*?(ACK|DUH)$/.test(r.token) && r.seq === seqText),
        this.o.retryMs ?? 5000,
      );
      if (!reply) continue;
      if (reply.token !== 'NAK')
        return { final: reply, replies: this.replies.slice(first), attempts, seq: seqText };
      if (reply.timestamp) this.clockOffsetMs += unstamp(reply.timestamp) - this.clock();
      await new Promise((r) => setTimeout(r, this.o.nakRetryMs ?? 50));
    }
    return { replies: this.replies.slice(first), attempts, seq: seqText };
  }

  /** Several messages in one write (one datagram on UDP); resolves with the reply to each, by seq. */
  async sendCoalesced(msgs: Message[]): Promise<Array<Reply | undefined>> {
    const from = this.replies.length;
    const seqs = msgs.map((m) => this.takeSeq(m));
    await this.write(Buffer.concat(msgs.map((m, i) => this.build(m, seqs[i]!))));
    return Promise.all(
      seqs.map((s) =>
        this.waitReply(from, (r) => r.seq === String(s).padStart(4, '0'), this.o.retryMs ?? 5000),
      ),
    );
  }

  /** Resolves with the next reply after what has been received so far, or undefined after `ms`. */
  nextReply(ms = 2000): Promise<Reply | undefined> {
    return this.waitReply(this.replies.length, () => true, ms);
  }

  /** Cuts the TCP connection as a failing line would (no FIN). */
  cut(): void {
    this.tcp?.resetAndDestroy();
    this.tcp = undefined;
  }

  close(): void {
    this.tcp?.destroy();
    this.tcp = undefined;
    this.udp?.close();
    this.udp = undefined;
  }
}

export const contactId = (account: string, q: 1 | 3 | 6, code: string, partition: string, zone: string) =>
  `#${account}|${q}${code} ${partition} ${zone}`;
