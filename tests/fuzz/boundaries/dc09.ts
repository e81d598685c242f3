import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import fc from 'fast-check';
import { ALARM_TYPES } from '../../../shared/domain/alarm';
import { Dc09Config } from '../../../electron/hub/sources/dc09/config';
import { createDc09Receiver } from '../../../electron/hub/sources/dc09/receiver';
import { frameOf, panelEncrypt, readReply, stamp } from '../../simulators/dc09-panel';
import { nastyText, within, type Boundary, probeWhile, weighted, fuzzLog, eachCase } from '../lib';

/** How long a case waits for a reply before it hangs up (garbage gets none). */
const REPLY_MS = 150;
const KEY = Buffer.from('0123456789ABCDEF', 'latin1');
const PROBE_ACCOUNT = 'ABCD';

const now = () => Date.now();
const hexDigits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFabcdef'), maxLength: n });

/** One message as a panel would build it, with every field free to be odd. */
const message = fc.record({
  token: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('ADM-CID', 'SIA-DCS', 'NULL') },
    { weight: 1, arbitrary: fc.constantFrom('SIA-CID', 'ACK', 'NAK', 'adm-cid', '') },
    { weight: 1, arbitrary: nastyText },
  ),
  account: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('1234', 'BEEF') },
    { weight: 1, arbitrary: hexDigits(18) },
  ),
  /** Encrypt under BEEF's key even for the clear account 1234 (BEEF is always encrypted). */
  encrypt: fc.oneof(
    { weight: 5, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
  seq: fc.oneof(
    fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
    hexDigits(6),
  ),
  data: fc.oneof(
    fc
      .tuple(
        fc.constantFrom('1', '3', '6', '2'),
        fc.oneof(fc.constantFrom('110', '130', '151', '380', '401', '602', '999'), hexDigits(3)),
        fc.constantFrom('00', '01'),
        fc.constantFrom('000', '015', '999'),
      )
      .map(([q, c, p, z]) => `#1234|${q}${c} ${p} ${z}`),
    fc
      .tuple(fc.constantFrom('1', '3'), hexDigits(3), hexDigits(2), hexDigits(3))
      .map(([q, c, p, z]) => `${q}${c} ${p} ${z}`),
    fc.constantFrom('#1234|Nri1/BA15', '#1234|NRP', '#BEEF|1602 00 000', ''),
    nastyText,
  ),
  xdata: fc.array(nastyText, { maxLength: 2 }),
  skewSec: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: -100_000, max: 100_000 }) },
  ),
  stamp: fc.oneof(
    { weight: 4, arbitrary: fc.constant('real') },
    { weight: 1, arbitrary: fc.constant('none') },
    { weight: 1, arbitrary: nastyText },
  ),
});

const kase = fc.record({
  transport: fc.constantFrom('tcp', 'udp'),
  messages: fc.array(message, { minLength: 1, maxLength: 3 }),
  crc: fc.constantFrom('hex', 'hex', 'hex', 'binary', 'bad'),
  mode: weighted({ whole: 10, split: 3, mutate: 3, bytes: 2, cut: 1, huge: 1 }),
  edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 400 }),
  cuts: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
  nul: fc.nat(8),
});

type Case = typeof kase extends fc.Arbitrary<infer T> ? T : never;
type Msg = Case['messages'][number];

function build(m: Msg, seq: string, crc: Case['crc']): Buffer {
  const encrypted = m.encrypt || m.account === 'BEEF';
  const ts =
    m.stamp === 'real' ? `_${stamp(now() + m.skewSec * 1000)}` : m.stamp === 'none' ? '' : `_${m.stamp}`;
  const content = `${m.data}]${m.xdata.map((x) => `[${x}]`).join('')}${ts}`;
  const head = `"${encrypted ? '*' : ''}${m.token}"${seq}R1L1#${m.account}[`;
  const text = head + (encrypted ? panelEncrypt(KEY, content) : content);
  return frameOf(text, crc === 'binary' ? 'binary' : 'hex', crc === 'bad');
}

function encode(c: Case): Buffer[] {
  const frames = c.messages.map((m) => build(m, m.seq, c.crc));
  const all = Buffer.concat([...frames, Buffer.alloc(c.nul)]);
  switch (c.mode) {
    case 'split': {
      const parts: Buffer[] = [];
      let at = 0;
      for (const n of [...c.cuts, all.length]) {
        if (at >= all.length) break;
        parts.push(all.subarray(at, at + n));
        at += n;
      }
      return parts;
    }
    case 'mutate': {
      const b = Buffer.from(all);
      for (const [i, v] of c.edits) b[i % b.length] = v;
      return [b];
    }
    case 'bytes':
      return [Buffer.from(c.bytes)];
    case 'cut':
      return [all.subarray(0, Math.max(1, all.length - (c.cuts[0] ?? 1)))];
    case 'huge':
      return [Buffer.concat([Buffer.from('\n0000'), Buffer.alloc(3000 + c.bytes.length * 10, 0x41), all])];
    default:
      return [all];
  }
}

/**
 * Sends the parts over a fresh TCP connection; resolves with what came back once `replies` CRs arrived (or after
 * `waitMs`), or 'refused'.
 */
function tcpExchange(
  port: number,
  parts: Buffer[],
  waitMs: number,
  replies = 1,
): Promise<Buffer | 'refused'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: '127.0.0.1', port });
    let done = false;
    const finish = (v: Buffer | 'refused') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(Buffer.concat(chunks)), waitMs + 1000);
    s.on('error', (err: NodeJS.ErrnoException) =>
      finish(err.code === 'ECONNREFUSED' ? 'refused' : Buffer.concat(chunks)),
    );
    s.on('close', () => finish(Buffer.concat(chunks)));
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      if (Buffer.concat(chunks).filter((b) => b === 0x0d).length >= replies) finish(Buffer.concat(chunks));
    });
    s.once('connect', () => {
      void (async () => {
        for (const p of parts) {
          if (s.destroyed) return;
          s.write(p);
          await new Promise((r) => setImmediate(r));
        }
        setTimeout(() => finish(Buffer.concat(chunks)), waitMs);
      })();
    });
  });
}

function udpExchange(port: number, parts: Buffer[], waitMs: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = createSocket('udp4');
    s.on('error', () => undefined);
    s.on('message', (d) => chunks.push(d));
    s.bind(0, '127.0.0.1', () => {
      for (const p of parts) s.send(p, port, '127.0.0.1');
      setTimeout(() => {
        s.close();
        resolve(Buffer.concat(chunks));
      }, waitMs);
    });
  });
}

const boundary: Boundary = {
  name: 'dc09',
  weight: 15,
  async run(ctx, tally) {
    // The log fails for every sequence number ending in 7, as a full disk would: those are never ACKed.
    const { sink, reports: committed } = fuzzLog((r) => String(r.origin.seq).endsWith('7'));
    const config = Dc09Config.parse({
      id: 'fuzz',
      kind: 'dc09',
      host: '127.0.0.1',
      port: 0,
      limits: { commitTimeoutMs: 1000, maxConnections: 64, idleTimeoutSec: 5 },
      accounts: [
        { account: '1234', zones: { '15': { zone: 'z1', cameras: ['cam-1'] } } },
        { account: 'BEEF', key: '0123456789ABCDEF' },
        { account: PROBE_ACCOUNT },
      ],
    });
    const rx = createDc09Receiver(config, {
      now,
      sink,
      log: { info: () => undefined, warn: () => undefined, error: (m) => tally.note(`error log: ${m}`) },
    });
    await rx.start();
    const port = rx.port!;
    let probes = 0;
    let probeSeq = 0;

    const probe = async () => {
      probes++;
      if (probeSeq % 10 === 6) probeSeq++;
      const seq = String((probeSeq++ % 9999) + 1).padStart(4, '0');
      const frame = frameOf(
        `"ADM-CID"${seq}R1L1#${PROBE_ACCOUNT}[#${PROBE_ACCOUNT}|1130 01 ${String(probes % 999).padStart(3, '0')}]_${stamp(now())}`,
      );
      const answer = await within(tcpExchange(port, [frame], ctx.stallMs), ctx.stallMs + 500);
      if (answer === 'refused') {
        tally.crashes++;
        tally.note('the receiver stopped accepting connections');
        return;
      }
      const reply = answer && answer.length ? readReply(answer) : undefined;
      if (!reply || reply.token !== 'ACK' || reply.seq !== seq) {
        tally.stall(`a valid message got ${reply ? reply.message : 'no answer'}`);
        return;
      }
      const mine = [...committed.values()].some(
        (r) => r.origin.account === PROBE_ACCOUNT && r.origin.seq === seq,
      );
      if (!mine) tally.invalid('an ACK for a message not in the log');
    };
    const prober = probeWhile(probe);

    const acks: Array<{ account: string; seq: string }> = [];
    await eachCase(ctx, tally, kase, 8, async (c) => {
      const parts = encode(c);
      const answer =
        c.transport === 'tcp'
          ? await tcpExchange(port, parts, REPLY_MS, c.mode === 'bytes' ? Infinity : c.messages.length)
          : await udpExchange(port, parts, REPLY_MS);
      if (answer === 'refused') {
        tally.crashes++;
        tally.note('the receiver refused a connection');
      } else {
        for (const m of answer.toString('latin1').matchAll(/"\*?ACK"(\d{4})R1L1#([0-9A-F]+)\[/g)) {
          acks.push({ seq: m[1]!, account: m[2]! });
        }
      }
    });
    await prober.finish();

    const status = rx.status();
    if (status.state !== 'listening' && status.state !== 'degraded') {
      tally.crashes++;
      tally.note(`the receiver ended ${status.state}: ${status.error ?? ''}`);
    }
    const types: ReadonlySet<string> = new Set(ALARM_TYPES);
    const reports = [...committed.values()];
    tally.invalid(
      'reports without a key, a dc09 device, a sane time, or with an alarm type the console does not know',
      reports.filter(
        (r) =>
          !r.key.startsWith('dc09:fuzz:') ||
          !r.device.id.startsWith('dc09:fuzz:') ||
          !Number.isFinite(r.at) ||
          ((r.kind === 'alarm' || r.kind === 'restore') && !types.has(r.type ?? '')) ||
          (r.kind === 'state' && r.state === undefined) ||
          Object.values(r.origin).some((v) => !['string', 'number', 'boolean'].includes(typeof v)),
      ).length,
    );
    tally.invalid(
      'refused frames kept raw but unescaped or unbounded',
      status.lastRefused.filter((r) => !/^[\x20-\x7e]*$/.test(r.raw) || r.raw.length > 230 || !r.reason)
        .length,
    );
    // Commit before acknowledge: every ACK a panel got names a message that is in the log.
    tally.invalid(
      'ACKs for messages not in the log',
      acks.filter(
        (a) => ![...committed.values()].some((r) => r.origin.account === a.account && r.origin.seq === a.seq),
      ).length,
    );
    ctx.progress(
      `${reports.length} reports committed, ${acks.length} ACKs, ${status.counts.refused} frames refused, ` +
        `${probes} probes`,
    );
    await rx.stop();
  },
};

export default boundary;
