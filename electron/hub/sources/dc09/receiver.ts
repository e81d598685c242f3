/**
 * The SIA DC-09 receiver: a `Source` listening on TCP and UDP on one port for ADM-CID, SIA-DCS and NULL frames
 * from alarm panels. Each accepted message becomes reports that are committed to the hub's log **before** the
 * panel gets its ACK; anything else gets a NAK (with the receiver's time, so the panel can fix its clock) or a
 * DUH, and is kept in the status with its reason. Retries of a message share one report key. Panels with a
 * supervision interval that fall silent get a communication fault, cleared by their next frame.
 */
import { createHash } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { RefusalCode, SourceProblem } from '../../../../shared/contract';
import { problemOf, RefusedLog } from '../source';
import {
  worded,
  type Source,
  type SourceContext,
  type SourceOrigin,
  type SourceReport,
  type SourceStatus,
} from '../source';
import type { AccountConfig, Dc09Config, TimestampWindow } from './config';
import { inferKeyForm } from './config';
import {
  CONTACT_ID_TABLE,
  effectOf,
  lookupCode,
  parseContactId,
  qualifierMeaning,
  type CodeAction,
  type CodeEntry,
  type Meaning,
} from './contact-id';
import { decryptContent, encryptContent, keyBytes } from './crypto';
import {
  Dc09Framer,
  type JunkCode,
  escapeRaw,
  formatAck,
  formatDuh,
  formatFrame,
  formatNak,
  formatTimestamp,
  parseContent,
  parseFrame,
  parseTimestamp,
  responseHead,
  SUPPORTED_TOKENS,
  type CrcForm,
  type Dc09Content,
  type Dc09Frame,
  type FramerItem,
} from './frame';
import { parseSiaData, SIA_CLOSING, SIA_TABLE } from './sia-dcs';

export interface Dc09ReceiverOptions {
  /** How often supervision looks for silent panels; tests make it short. */
  supervisionCheckMs?: number;
  /** The pad of encrypted ACKs; random unless a test fixes it. */
  pad?: (length: number) => string;
}

export interface Dc09Receiver extends Source {
  /** The bound port once started (the one chosen when the config said 0). */
  readonly port: number | undefined;
}

const MAX_REFUSED = 20;
const MAX_DEDUP = 20_000;
/** Frames waiting on one connection before it stops reading (a panel sends one and waits for its ACK). */
const MAX_QUEUED = 16;
const MAX_UDP_IN_FLIGHT = 256;

interface AccountState {
  cfg: AccountConfig;
  key?: Buffer;
  window: TimestampWindow;
  lastSeen: number;
  /** A communication fault is committed and not yet cleared. */
  faulted: boolean;
  faultCommit?: Promise<void>;
}

interface DedupEntry {
  key: string;
  /** The key without the panel's timestamp, and that timestamp: how the log knows a retry after a restart. */
  scope: string;
  stamp: number;
  firstAt: number;
  committed: boolean;
}

/** One message's meaning before it becomes reports. */
interface Decoded {
  protocol: string;
  code: string;
  entry: CodeEntry | undefined;
  meaning: Meaning;
  armed?: boolean;
  qualifier?: number;
  partition?: string;
  /** ZZZ of Contact ID, or the digits after a SIA code. */
  address?: string;
  user?: string;
}

type Reply = { bytes: Buffer } | { none: true };

class Refusal {
  constructor(
    readonly code: RefusalCode,
    readonly reason: string,
    readonly reply: Buffer | undefined,
  ) {}
}

export function createDc09Receiver(
  config: Dc09Config,
  ctx: SourceContext,
  options: Dc09ReceiverOptions = {},
): Dc09Receiver {
  const { sink, log } = ctx;
  const now = () => ctx.now();
  const limits = config.limits;
  const accounts = new Map<string, AccountState>();
  for (const cfg of config.accounts) {
    const form = cfg.key !== undefined ? (cfg.keyForm ?? inferKeyForm(cfg.key)) : undefined;
    accounts.set(cfg.account, {
      cfg,
      ...(cfg.key !== undefined && form ? { key: keyBytes(cfg.key, form) } : {}),
      window: { ...config.timestamp, ...cfg.timestamp },
      lastSeen: 0,
      faulted: false,
    });
  }

  let state: SourceStatus['state'] = 'stopped';
  let error: string | undefined;
  let problem: SourceProblem | undefined;
  let port: number | undefined;
  let server: Server | undefined;
  let udp: UdpSocket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let udpInFlight = 0;
  let seq = 0;
  const sockets = new Set<Socket>();
  const udpPeers = new Map<string, number>();
  const dedup = new Map<string, DedupEntry>();
  const counts = { received: 0, committed: 0, refused: 0, errors: 0 };
  const refused = new RefusedLog(MAX_REFUSED);
  let lastMessageAt: number | undefined;

  // A flood of bad frames must not flood the log: at most 20 lines per 10 s, then one line saying how many.
  let logWindowStart = 0;
  let logged = 0;
  let suppressed = 0;
  const limitedWarn = (msg: string, fields: Record<string, unknown>) => {
    const t = now();
    if (t - logWindowStart > 10_000) {
      if (suppressed > 0) log.warn('dc09: log lines suppressed', { source: config.id, suppressed });
      logWindowStart = t;
      logged = 0;
      suppressed = 0;
    }
    if (logged++ < 20) log.warn(msg, { source: config.id, ...fields });
    else suppressed++;
  };

  const refuse = (raw: Uint8Array, code: RefusalCode, reason: string, peer?: string) => {
    counts.refused++;
    refused.add({ at: now(), code, reason, raw: escapeRaw(raw), ...(peer !== undefined ? { peer } : {}) });
    limitedWarn('dc09: frame refused', { code, reason, peer, raw: escapeRaw(raw) });
  };

  const panelId = (account: string) => `dc09:${config.id}:${account}`;

  const panelDevice = (a: AccountState): SourceReport['device'] => ({
    id: panelId(a.cfg.account),
    kind: 'alarm_panel',
    ...(a.cfg.label !== undefined ? { label: a.cfg.label } : {}),
    ...(a.cfg.supervisionSec !== undefined ? { supervisionSec: a.cfg.supervisionSec } : {}),
  });

  async function commit(report: SourceReport): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        sink.commit(report),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(
            () => reject(new Error(`not committed within ${limits.commitTimeoutMs} ms`)),
            limits.commitTimeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timeout);
    }
    counts.committed++;
  }

  // ---- supervision ----------------------------------------------------------------------------------------

  function superviseTick(): void {
    const t = now();
    for (const a of accounts.values()) {
      const sec = a.cfg.supervisionSec;
      if (sec === undefined || a.faulted || a.faultCommit) continue;
      const silentMs = t - a.lastSeen;
      if (silentMs <= (sec + config.supervisionMarginSec) * 1000) continue;
      const since = a.lastSeen;
      const report: SourceReport = {
        key: `dc09:${config.id}:${a.cfg.account}:commfail:${since}`,
        device: panelDevice(a),
        kind: 'state',
        state: 'fault',
        ...(a.cfg.zone !== undefined ? { zone: a.cfg.zone } : {}),
        ...(a.cfg.position !== undefined ? { location: a.cfg.position } : {}),
        at: t,
        ...worded(
          `报警主机 ${a.cfg.account} 通信中断：${Math.round(silentMs / 1000)} 秒无消息`,
          `DC-09 account ${a.cfg.account} silent for ${Math.round(silentMs / 1000)} s`,
        ),
        origin: {
          protocol: 'DC-09',
          account: a.cfg.account,
          reason: 'supervision',
          silentSec: Math.round(silentMs / 1000),
          supervisionSec: sec,
          codeName_zh: '通信中断',
          codeName_en: 'Communication fail',
        },
      };
      a.faultCommit = commit(report)
        .then(() => {
          a.faulted = true;
          log.warn('dc09: panel silent, communication fault', {
            source: config.id,
            account: a.cfg.account,
            silentSec: Math.round(silentMs / 1000),
          });
        })
        .catch((err: unknown) => {
          counts.errors++;
          log.error('dc09: communication fault not committed (will retry)', {
            source: config.id,
            account: a.cfg.account,
            err: String(err),
          });
        })
        .finally(() => {
          a.faultCommit = undefined;
        });
    }
    for (const [k, e] of dedup) {
      if (t - e.firstAt <= config.duplicateWindowSec * 1000) break;
      dedup.delete(k);
    }
    for (const [peer, at] of udpPeers) if (t - at > limits.idleTimeoutSec * 1000) udpPeers.delete(peer);
  }

  /** The panel spoke: if it was in communication fault, say it is back (before its message is answered). */
  async function panelBack(a: AccountState, transport: string): Promise<void> {
    a.lastSeen = now();
    if (a.faultCommit) await a.faultCommit;
    if (!a.faulted) return;
    await commit({
      key: `dc09:${config.id}:${a.cfg.account}:commok:${a.lastSeen}`,
      device: panelDevice(a),
      kind: 'state',
      state: 'ok',
      ...(a.cfg.zone !== undefined ? { zone: a.cfg.zone } : {}),
      ...(a.cfg.position !== undefined ? { location: a.cfg.position } : {}),
      at: a.lastSeen,
      ...worded(`报警主机 ${a.cfg.account} 通信恢复`, `DC-09 account ${a.cfg.account} is back`),
      origin: {
        protocol: 'DC-09',
        account: a.cfg.account,
        reason: 'supervision',
        transport,
        codeName_zh: '通信恢复',
        codeName_en: 'Communication restored',
      },
    });
    a.faulted = false;
    log.info('dc09: panel back', { source: config.id, account: a.cfg.account });
  }

  // ---- one frame ------------------------------------------------------------------------------------------

  /** Answers one frame; never throws (an unexpected error is a NAK, so the panel sends it again). */
  async function handleFrame(raw: Buffer, transport: 'tcp' | 'udp', peer: string): Promise<Reply> {
    counts.received++;
    lastMessageAt = now();
    try {
      return await answer(raw, transport, peer);
    } catch (err) {
      if (err instanceof Refusal) {
        refuse(raw, err.code, err.reason, peer);
        return err.reply ? { bytes: err.reply } : { none: true };
      }
      counts.errors++;
      log.error('dc09: frame handling failed', { source: config.id, err: String(err), raw: escapeRaw(raw) });
      return { bytes: formatNak(now()) };
    }
  }

  async function answer(raw: Buffer, transport: 'tcp' | 'udp', peer: string): Promise<Reply> {
    const parsed = parseFrame(raw);
    if (!parsed.ok) {
      const code = parsed.kind === 'crc' ? 'checksum' : 'malformed';
      throw new Refusal(code, parsed.reason, formatNak(now(), parsed.header?.crcForm));
    }
    const frame = parsed.frame;
    const nak = (code: RefusalCode, reason: string) =>
      new Refusal(code, reason, formatNak(now(), frame.crcForm));
    if (!SUPPORTED_TOKENS.includes(frame.token)) {
      throw new Refusal('malformed', `unsupported id token "${frame.token}"`, formatDuh(frame));
    }
    if (frame.account === undefined) {
      if (frame.token === 'NULL' && !frame.encrypted) return { bytes: formatAck(frame) };
      throw nak('malformed', 'no account in the header');
    }
    const a = accounts.get(frame.account);
    if (!a) throw nak('unknown_sender', `unknown account ${frame.account}`);

    const quirks = [...frame.quirks];
    let plain = frame.body;
    if (a.key) {
      if (!frame.encrypted)
        throw nak('decrypt', `account ${frame.account} is encrypted but the frame is not`);
      const d = decryptContent(a.key, frame.body);
      if (!d.ok) throw nak('decrypt', d.reason);
      plain = d.plain;
      quirks.push(...d.quirks);
    } else if (frame.encrypted) {
      throw nak('decrypt', `encrypted frame but no key for account ${frame.account}`);
    }
    const c = parseContent(plain);
    if (!c.ok) throw nak('malformed', c.reason);
    const content = c.content;
    if (quirks.length) {
      limitedWarn('dc09: non-canonical frame accepted', { quirks, transport, peer, raw: escapeRaw(raw) });
    }

    try {
      await panelBack(a, transport);
    } catch (err) {
      counts.errors++;
      throw nak('not_stored', `not committed: ${err instanceof Error ? err.message : String(err)}`);
    }

    const received = now();
    let at = received;
    if (content.timestamp !== undefined && !a.window.ignore) {
      const ts = parseTimestamp(content.timestamp)! - a.window.utcOffsetMin * 60_000;
      const diff = ts - received;
      if (diff < -a.window.pastSec * 1000 || diff > a.window.futureSec * 1000) {
        throw nak(
          'stale_time',
          `timestamp ${content.timestamp} is ${Math.round(diff / 1000)} s off the receiver's clock`,
        );
      }
      at = ts;
    }

    const decoded = decode(frame, content, a);
    if ('duh' in decoded) throw new Refusal('malformed', decoded.duh, formatDuh(frame));

    const base: Record<string, string | number | boolean> = {
      protocol: frame.token,
      account: frame.account,
      receiver: frame.receiver ?? '',
      line: frame.line,
      seq: frame.seq,
      transport,
      peer,
      encrypted: frame.encrypted,
    };
    if (content.xdata.length) base.xdata = content.xdata.join('][').slice(0, 120);
    if (quirks.length) base.quirks = quirks.join('; ');
    if (content.timestamp !== undefined) base.panelTime = content.timestamp;

    const reports: SourceReport[] = [];
    if (frame.token === 'NULL') {
      reports.push({
        key: `dc09:${config.id}:${frame.account}:null:${received}:${seq++}`,
        device: panelDevice(a),
        kind: 'alive',
        at,
        origin: { ...base, codeName_zh: '链路检测', codeName_en: 'Link test (NULL)' },
      });
    } else {
      for (const d of decoded.events) reports.push(toReport(d, a, at, base));
    }

    const commitAll = async () => {
      try {
        for (const r of reports) await commit(r);
      } catch (err) {
        counts.errors++;
        throw nak('not_stored', `not committed: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    if (frame.token === 'NULL') {
      await commitAll();
      return { bytes: ack(frame, a) };
    }
    const entry = retryEntry(frame, content, received);
    reports.forEach((r, i) => {
      const part = reports.length > 1 ? `/${i}` : '';
      r.key = `${entry.key}${part}`;
      r.retryOf = {
        scope: `${entry.scope}${part}`,
        at: entry.stamp,
        windowMs: config.duplicateWindowSec * 1000,
      };
    });
    if (entry.committed) {
      log.info('dc09: retry of a committed message acknowledged again', {
        source: config.id,
        account: frame.account,
        seq: frame.seq,
      });
      return { bytes: ack(frame, a) };
    }
    await commitAll();
    entry.committed = true;
    return { bytes: ack(frame, a) };
  }

  /**
   * The report key of a message: a panel resending the same account+seq+payload within the window (its clock
   * maybe corrected in between) gets the key of the first copy. The panel's own timestamp is part of the key:
   * the same bytes resent after a receiver restart still make the same key, a seq reused days later does not.
   */
  function retryEntry(frame: Dc09Frame, content: Dc09Content, received: number): DedupEntry {
    const lookup = [frame.account, frame.seq, frame.token, content.data, ...content.xdata].join('|');
    const known = dedup.get(lookup);
    if (known && received - known.firstAt <= config.duplicateWindowSec * 1000) return known;
    if (known) dedup.delete(lookup);
    const hash = createHash('sha1').update(lookup).digest('hex').slice(0, 12);
    const stamp = content.timestamp !== undefined ? parseTimestamp(content.timestamp) : received;
    const scope = `dc09:${config.id}:${frame.account}:${frame.seq}:${hash}`;
    const entry = {
      key: `${scope}:${stamp}`,
      scope,
      stamp: stamp ?? received,
      firstAt: received,
      committed: false,
    };
    dedup.set(lookup, entry);
    if (dedup.size > MAX_DEDUP) dedup.delete(dedup.keys().next().value!);
    return entry;
  }

  function ack(frame: Dc09Frame, a: AccountState): Buffer {
    if (!frame.encrypted || !a.key) return formatAck(frame);
    const hex = encryptContent(a.key, `]_${formatTimestamp(now())}`, options.pad);
    return formatFrame(`${responseHead('*ACK', frame)}${hex}`, frame.crcForm);
  }

  function decode(
    frame: Dc09Frame,
    content: Dc09Content,
    a: AccountState,
  ): { events: Decoded[] } | { duh: string } {
    if (frame.token === 'NULL') return { events: [] };
    const overrides = [a.cfg.codeOverrides, config.codeOverrides];
    if (frame.token === 'ADM-CID') {
      const p = parseContactId(content.data);
      if (!p.ok) return { duh: p.reason };
      const { qualifier, code, partition, zone } = p.cid;
      const meaning = qualifierMeaning(qualifier);
      if (!meaning) return { duh: `Contact ID qualifier ${qualifier} is not 1, 3 or 6` };
      const entry = lookupCode(CONTACT_ID_TABLE, code, ...overrides);
      return {
        events: [
          {
            protocol: 'ADM-CID',
            code,
            entry,
            meaning,
            ...(entry?.arming && qualifier !== 6 ? { armed: qualifier === 3 } : {}),
            qualifier,
            partition,
            address: zone,
          },
        ],
      };
    }
    const s = parseSiaData(content.data);
    if (!s.ok) return { duh: s.reason };
    return {
      events: s.events.map((e) => {
        const shipped = SIA_TABLE.get(e.code);
        const entry = lookupCode(SIA_TABLE, e.code, ...overrides);
        return {
          protocol: 'SIA-DCS',
          code: e.code,
          entry,
          meaning: shipped?.restore && entry?.action === shipped.action ? 'restore' : 'new',
          ...(entry?.arming ? { armed: SIA_CLOSING.has(e.code) } : {}),
          ...(e.partition !== undefined ? { partition: e.partition } : {}),
          address: e.address,
          ...(e.user !== undefined ? { user: e.user } : {}),
        };
      }),
    };
  }

  function toReport(
    d: Decoded,
    a: AccountState,
    at: number,
    base: Record<string, string | number | boolean>,
  ) {
    const entry: CodeEntry = d.entry ?? {
      action: config.unknownCode as CodeAction,
      scope: 'zone',
      zh: `未知代码 ${d.code}`,
      en: `Unknown code ${d.code}`,
    };
    const number =
      d.address !== undefined && /^[0-9]+$/.test(d.address) ? parseInt(d.address, 10) : undefined;
    const origin: Record<string, string | number | boolean> = {
      ...base,
      code: d.code,
      codeName_zh: entry.zh,
      codeName_en: entry.en,
    };
    if (d.qualifier !== undefined) origin.qualifier = d.qualifier;
    if (d.partition !== undefined) origin.partition = d.partition;
    if (d.user !== undefined) origin.user = d.user;
    if (!d.entry) origin.unknown = true;
    if (d.armed !== undefined) origin.armed = d.armed;

    let device = panelDevice(a);
    let zone = a.cfg.zone;
    let location = a.cfg.position;
    let cameras: string[] = [];
    if (entry.scope === 'user' && d.address !== undefined) origin.user = number ?? d.address;
    else if (entry.scope === 'zone' && number !== undefined && number > 0) {
      origin.zone = number;
      const m = a.cfg.zones[String(number)];
      device = {
        id: `${panelId(a.cfg.account)}:zone:${number}`,
        kind: 'panel_zone',
        ...(m?.device !== undefined ? { label: m.device } : {}),
      };
      zone = m?.zone ?? zone;
      // A zone mapped elsewhere than the panel's own zone is not where the panel is: its zone's centre, unless placed.
      location = m?.position ?? (m?.zone === undefined ? location : undefined);
      cameras = m?.cameras ?? [];
    } else if (d.address) origin.zone = number ?? d.address;

    const effect = effectOf(entry.action, d.meaning);
    // Its meaning, then what the panel sent as it sent it (protocol, qualifier and code, partition, address).
    const where =
      `${d.protocol} ${d.qualifier ?? ''}${d.code} ${d.partition ?? ''} ${d.address ?? ''}`.trim();
    return {
      key: '',
      device,
      ...effect,
      ...(zone !== undefined ? { zone } : {}),
      ...(cameras.length ? { cameras } : {}),
      ...(location !== undefined ? { location } : {}),
      at,
      ...worded(`${entry.zh}（${where}）`, `${entry.en} (${where})`),
      origin: origin as SourceOrigin,
    } satisfies SourceReport;
  }

  // ---- transports -----------------------------------------------------------------------------------------

  /** A whole LF … CR that is not a frame gets a NAK; stray bytes and cut frames get nothing. */
  function junkReply(item: { junk: Buffer; code: JunkCode }, form: CrcForm = 'hex'): Buffer | undefined {
    const whole = item.junk[0] === 0x0a && item.junk[item.junk.length - 1] === 0x0d;
    return whole || item.code === 'too_large' ? formatNak(now(), form) : undefined;
  }

  function onConnection(socket: Socket): void {
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') {
        counts.errors++;
        log.warn('dc09: connection error', { source: config.id, peer, err: err.message });
      }
    });
    if (state !== 'listening' && state !== 'degraded') {
      socket.destroy();
      return;
    }
    if (sockets.size >= limits.maxConnections) {
      refuse(
        Buffer.alloc(0),
        'over_capacity',
        `too many connections (${limits.maxConnections}) — closed`,
        peer,
      );
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutSec * 1000, () => socket.destroy());
    const framer = new Dc09Framer(limits.maxFrameBytes);
    let chain: Promise<void> = Promise.resolve();
    let queued = 0;
    const send = (bytes: Buffer | undefined) => {
      if (bytes && !socket.destroyed && socket.writable) socket.write(bytes);
    };
    // Replies go out in the order the frames came, each after the work before it.
    const then = (work: () => void | Promise<void>) => {
      chain = chain.then(work).catch((err: unknown) => {
        counts.errors++;
        log.error('dc09: connection handling failed', { source: config.id, peer, err: String(err) });
      });
    };
    const take = (items: FramerItem[]) => {
      for (const item of items) {
        if ('junk' in item) {
          refuse(item.junk, item.code, item.reason, peer);
          const reply = junkReply(item);
          then(() => send(reply));
          continue;
        }
        queued++;
        if (queued >= MAX_QUEUED) socket.pause();
        then(async () => {
          try {
            const reply = await handleFrame(item.frame, 'tcp', peer);
            send('bytes' in reply ? reply.bytes : undefined);
          } finally {
            queued--;
            if (queued < MAX_QUEUED / 2 && socket.isPaused() && !socket.destroyed) socket.resume();
          }
        });
      }
    };
    socket.on('data', (chunk: Buffer) => take(framer.push(chunk)));
    socket.on('close', () => {
      sockets.delete(socket);
      for (const item of framer.end()) if ('junk' in item) refuse(item.junk, item.code, item.reason, peer);
    });
  }

  function onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    const peer = `${rinfo.address}:${rinfo.port}`;
    udpPeers.set(peer, now());
    if (udpInFlight >= MAX_UDP_IN_FLIGHT) {
      refuse(msg.subarray(0, 256), 'over_capacity', 'too many datagrams in flight — dropped', peer);
      return;
    }
    const framer = new Dc09Framer(limits.maxFrameBytes);
    const items = [...framer.push(msg), ...framer.end()];
    const send = (bytes: Buffer | undefined) => {
      if (!bytes || !udp) return;
      try {
        udp.send(bytes, rinfo.port, rinfo.address, (err) => {
          if (err) log.warn('dc09: UDP reply not sent', { source: config.id, peer, err: err.message });
        });
      } catch (err) {
        // The socket closed while the commit was running (stop): the panel will send it again.
        log.info('dc09: UDP reply dropped', { source: config.id, peer, err: String(err) });
      }
    };
    udpInFlight++;
    void (async () => {
      for (const item of items) {
        if ('junk' in item) {
          refuse(item.junk, item.code, item.reason, peer);
          send(junkReply(item));
        } else {
          const reply = await handleFrame(item.frame, 'udp', peer);
          send('bytes' in reply ? reply.bytes : undefined);
        }
      }
    })()
      .catch((err: unknown) => {
        counts.errors++;
        log.error('dc09: datagram handling failed', { source: config.id, err: String(err) });
      })
      .finally(() => udpInFlight--);
  }

  // ---- lifecycle ------------------------------------------------------------------------------------------

  function listenTcp(p: number): Promise<Server> {
    return new Promise((resolve, reject) => {
      const s = createServer({ pauseOnConnect: false }, onConnection);
      s.once('error', reject);
      s.listen({ host: config.host, port: p }, () => {
        s.off('error', reject);
        s.on('error', (err) => {
          counts.errors++;
          log.error('dc09: TCP server error', { source: config.id, err: err.message });
        });
        resolve(s);
      });
    });
  }

  function bindUdp(p: number): Promise<UdpSocket> {
    return new Promise((resolve, reject) => {
      const s = createSocket({ type: config.host.includes(':') ? 'udp6' : 'udp4' });
      s.once('error', (err) => {
        s.close();
        reject(err);
      });
      s.bind({ address: config.host, port: p, exclusive: true }, () => {
        s.removeAllListeners('error');
        s.on('error', (err) => {
          counts.errors++;
          log.error('dc09: UDP socket error', { source: config.id, err: err.message });
        });
        s.on('message', onDatagram);
        resolve(s);
      });
    });
  }

  const closeServer = (s: Server | undefined) =>
    new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));

  async function bindBoth(): Promise<void> {
    // Port 0: TCP picks a free port, UDP takes the same number; if that UDP port is taken, try another.
    for (let attempt = 0; ; attempt++) {
      const tcp = config.tcp ? await listenTcp(config.port) : undefined;
      const chosen = tcp ? (tcp.address() as AddressInfo).port : config.port;
      try {
        const u = config.udp ? await bindUdp(chosen) : undefined;
        server = tcp;
        udp = u;
        port = u && !tcp ? u.address().port : chosen;
        return;
      } catch (err) {
        await closeServer(tcp);
        if (config.port !== 0 || !config.tcp || attempt >= 4) throw err;
      }
    }
  }

  return {
    id: config.id,
    kind: 'dc09',
    get port() {
      return port;
    },

    async start() {
      if (state === 'listening' || state === 'degraded' || state === 'starting') return;
      state = 'starting';
      error = undefined;
      try {
        await bindBoth();
      } catch (err) {
        state = 'failed';
        error = (err as Error).message;
        problem = problemOf(err);
        log.error('dc09: cannot listen', { source: config.id, port: config.port, err: error });
        throw err;
      }
      const t = now();
      for (const a of accounts.values()) a.lastSeen = t;
      timer = setInterval(superviseTick, options.supervisionCheckMs ?? 1000);
      timer.unref();
      state = 'listening';
      log.info('dc09: listening', {
        source: config.id,
        host: config.host,
        port,
        tcp: config.tcp,
        udp: config.udp,
        accounts: accounts.size,
      });
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      state = 'stopped';
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closeServer(server);
      server = undefined;
      if (udp) await new Promise<void>((resolve) => udp!.close(() => resolve()));
      udp = undefined;
    },

    status(): SourceStatus {
      const degraded = [...accounts.values()].some((a) => a.faulted);
      const shown = state === 'listening' && degraded ? 'degraded' : state;
      const transports = [config.tcp ? 'tcp' : '', config.udp ? 'udp' : ''].filter(Boolean).join('+');
      return {
        id: config.id,
        kind: 'dc09',
        state: shown,
        ...(port !== undefined ? { endpoint: `${transports}://${config.host}:${port}` } : {}),
        peers: sockets.size + udpPeers.size,
        ...(lastMessageAt !== undefined ? { lastMessageAt } : {}),
        counts: { ...counts },
        lastRefused: refused.list(),
        ...(error !== undefined ? { error, problem: problem ?? 'other' } : {}),
      };
    },
  };
}
