import type { IncomingMessage, Server } from 'node:http';
import { BlockList, isIPv4 } from 'node:net';
import { parseCidr } from '../../../shared/domain/cidr';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../common/log';

/**
 * Shared defences for the console's listening sockets: nothing a client sends may throw outside a handler,
 * hold a socket open forever or make the console log without bound.
 */

/** The request target as a URL, or undefined when it is not one (`//a:99999/`, a lone `%`...). */
export function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://console.invalid');
  } catch {
    return undefined;
  }
}

/** `decodeURIComponent` that answers undefined for a malformed escape instead of throwing. */
export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export interface Limits {
  /** Headers must arrive within this (slow-loris). */
  headersTimeoutMs: number;
  /** The whole request, body included, within this. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection closes after this. */
  keepAliveTimeoutMs: number;
  /** Sockets with no traffic at all close after this. */
  idleTimeoutMs: number;
  maxConnections: number;
}

/**
 * Timeouts, a connection cap and a `clientError` answer on an HTTP server. Node's own parser errors (a header
 * too large, a bad request line, a timeout) arrive as `clientError`; without a listener Node answers for us, but
 * a socket that errors after that would still need its own listener, so both are set here.
 */
export function hardenServer(server: Server, limits: Limits, log: Logger): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy());
  const noted = throttle(log, 'refused malformed connection', 60_000, 5);
  server.on('connection', (socket) => socket.on('error', () => socket.destroy()));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    noted({ code: err.code ?? 'unknown' });
    if (!socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
}

/** Answers a raw upgrade socket with a status line and closes it; never throws on a dead socket. */
export function refuseUpgrade(socket: Duplex, status: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n${extra}\r\n`);
}

/**
 * A logger call that writes at most `max` lines per `windowMs` and then says how many it held back: a flood
 * of bad requests must cost the disk a few lines, not one per request.
 */
export function throttle(
  log: Logger,
  message: string,
  windowMs: number,
  max: number,
  level: 'warn' | 'info' = 'warn',
): (fields?: Record<string, unknown>) => void {
  let windowStart = 0;
  let written = 0;
  let held = 0;
  return (fields) => {
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      if (held > 0) log[level](`${message} (more like this were not logged)`, { suppressed: held });
      windowStart = now;
      written = 0;
      held = 0;
    }
    if (written < max) {
      written++;
      log[level](message, fields);
    } else held++;
  };
}

/**
 * Token buckets by key (a source address, a device, a session): `burst` at once, `perSec` sustained. The map
 * is bounded: full (idle) buckets are dropped first, so a sender with many addresses cannot grow it forever.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes `cost` tokens if there are; false means "refuse this one". */
  take(key: string, cost = 1): boolean {
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSec);
      b.at = now;
    }
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  }

  /** Whether `cost` tokens are there, without taking them: a sender whose refusals used the bucket up. */
  has(key: string, cost = 1): boolean {
    const b = this.buckets.get(key);
    if (!b) return true;
    return Math.min(this.burst, b.tokens + ((this.now() - b.at) / 1000) * this.perSec) >= cost;
  }

  /** Seconds until `cost` tokens are there again, for a Retry-After header. */
  retryAfterSec(key: string, cost = 1): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    return Math.max(1, Math.ceil((cost - b.tokens) / this.perSec));
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSec >= this.burst) this.buckets.delete(k);
    }
    // Still full of busy senders: forget the oldest half rather than grow.
    if (this.buckets.size >= this.maxKeys) {
      let n = Math.ceil(this.buckets.size / 2);
      for (const k of this.buckets.keys()) {
        if (n-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }
}

/** A set of networks; an IPv4-mapped IPv6 peer (`::ffff:10.0.0.5`) matches its IPv4 network. */
export function networkList(cidrs: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const text of cidrs) {
    const parsed = parseCidr(text);
    if (typeof parsed === 'string') throw new Error(parsed);
    list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return (address) => {
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const plain = mapped ?? address;
    return list.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
  };
}
