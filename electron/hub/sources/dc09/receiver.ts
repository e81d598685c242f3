/**
 * The SIA DC-09 receiver: a `Source` listening on TCP and UDP on one port for ADM-CID, SIA-DCS and NULL frames
 * from alarm panels. Each accepted message becomes reports that are committed to the hub's log **before** the
 * panel gets its ACK; anything else gets a NAK (with the receiver's time, so the panel can fix its clock) or a
 * DUH, and is kept in the status with its reason. Retries of a message share one report key. Panels with a
 * supervision interval that fall silent get a communication fault, cleared by their next frame.
 *
 * The wire is transport.ts, what a message means is message.ts, the silence watch is supervision.ts; this file
 * checks each frame (account, key, clock), commits its reports and answers.
 */
import { createHash } from 'node:crypto';
import type { RefusalCode, SourceProblem } from '../../../../shared/contract';
import { problemOf, RefusedLog, sourceStatus } from '../source';
import type { Source, SourceContext, SourceReport, SourceStatus } from '../source';
import type { Dc09Config } from './config';
import { inferKeyForm } from './config';
import { decryptContent, encryptContent, keyBytes } from './crypto';
import {
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
  type Dc09Content,
  type Dc09Frame,
} from './frame';
import { decode, panelDevice, toReport, type AccountState } from './message';
import { createDc09Supervision } from './supervision';
import { createDc09Transport, type Reply } from './transport';

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

interface DedupEntry {
  key: string;
  /** The key without the panel's timestamp, and that timestamp: how the log knows a retry after a restart. */
  scope: string;
  stamp: number;
  firstAt: number;
  committed: boolean;
}

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
  let timer: NodeJS.Timeout | undefined;
  let seq = 0;
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

  const supervision = createDc09Supervision(config, { accounts, commit, counts, log, now });
  const transport = createDc09Transport(config, {
    handleFrame,
    refuse,
    accepting: () => state === 'listening' || state === 'degraded',
    counts,
    log,
    now,
  });

  function superviseTick(): void {
    const t = now();
    supervision.tick(t);
    for (const [k, e] of dedup) {
      if (t - e.firstAt <= config.duplicateWindowSec * 1000) break;
      dedup.delete(k);
    }
    transport.prune(t);
  }

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
      await supervision.panelBack(a, transport);
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

    const decoded = decode(config, frame, content, a);
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
        device: panelDevice(config.id, a),
        kind: 'alive',
        at,
        origin: { ...base, codeName_zh: '链路检测', codeName_en: 'Link test (NULL)' },
      });
    } else {
      for (const d of decoded.events) reports.push(toReport(config, d, a, at, base));
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
        port = await transport.bind();
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
      await transport.close();
    },

    status(): SourceStatus {
      const degraded = [...accounts.values()].some((a) => a.faulted);
      const shown = state === 'listening' && degraded ? 'degraded' : state;
      const transports = [config.tcp ? 'tcp' : '', config.udp ? 'udp' : ''].filter(Boolean).join('+');
      return sourceStatus({
        id: config.id,
        kind: 'dc09',
        state: shown,
        endpoint: port !== undefined ? `${transports}://${config.host}:${port}` : undefined,
        peers: transport.peers(),
        lastMessageAt,
        counts,
        refused,
        error,
        problem,
      });
    },
  };
}
