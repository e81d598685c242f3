import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import { describeIssues } from '../../../shared/contract';
import type { Logger } from '../../common/log';
import { hardenServer, RateLimiter, refuseUpgrade, requestUrl, throttle } from '../util/net';

/**
 * The OsmAnd protocol as the Traccar Client app speaks it (https://www.traccar.org/osmand/): one position per
 * HTTP request, either as query / form parameters (`id`, `lat`, `lon`, `timestamp`, `speed` in knots,
 * `bearing`, `accuracy`, `batt` in %, optional `alarm=sos`) or, from Traccar Client 9, as JSON
 * (`{ device_id, location: { timestamp, coords: { latitude, longitude, speed m/s, heading, accuracy },
 * battery: { level 0–1 } } }`). The app only needs HTTP 200; anything else makes it keep the position and retry.
 */
export interface OsmandReport {
  deviceId: string;
  lat: number;
  lon: number;
  at: number;
  /** m/s */
  speed?: number;
  bearing?: number;
  accuracy?: number;
  /** percent */
  battery?: number;
  sos: boolean;
}

export type OsmandParse = { ok: true; report: OsmandReport } | { ok: false; status: 400; message: string };

const KNOTS_TO_MS = 0.514444;
const MAX_BODY_BYTES = 16 * 1024;
/** Year 2200: beyond any phone's clock error, and still a safe integer in the database. */
const MAX_TIME = Date.UTC(2200, 0, 1);

const num = (min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `${what} must be a number` })
    .refine(Number.isFinite, `${what} must be a number`)
    .pipe(z.number().min(min, `${what} must be at least ${min}`).max(max, `${what} must be at most ${max}`));

const QueryReport = z.object({
  id: z.string().trim().min(1, 'id (the device identifier) is required').max(64),
  lat: num(-90, 90, 'lat'),
  lon: num(-180, 180, 'lon'),
  timestamp: z.string().min(1).optional(),
  speed: num(0, 500, 'speed').optional(),
  bearing: num(0, 360, 'bearing').optional(),
  accuracy: num(0, 100_000, 'accuracy').optional(),
  batt: num(0, 100, 'batt').optional(),
  alarm: z.string().max(32).optional(),
});

const JsonReport = z.object({
  device_id: z.string().trim().min(1, 'device_id is required').max(64),
  location: z.object({
    timestamp: z.string().min(1).optional(),
    coords: z.object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      accuracy: z.number().min(0).max(100_000).optional(),
      speed: z.number().optional(),
      heading: z.number().optional(),
    }),
    battery: z.object({ level: z.number().min(0).max(1).optional() }).optional(),
    extras: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** Seconds (the app), milliseconds, or an ISO date. */
export function parseTimestamp(raw: string | undefined, now: number): number | string {
  if (raw === undefined || raw === '') return now;
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  }
  const t = Date.parse(raw.includes(' ') && !raw.includes('T') ? raw.replace(' ', 'T') : raw);
  return Number.isNaN(t) ? `timestamp "${raw.slice(0, 40)}" is neither epoch seconds nor an ISO date` : t;
}

/** Validates one request's parameters. Pure, so every malformed shape can be tested without a socket. */
export function parseOsmand(
  params: URLSearchParams,
  body: string,
  contentType: string,
  now: number,
): OsmandParse {
  let report: Omit<OsmandReport, 'at'> & { timestamp?: string | undefined };
  const trimmed = body.trim();
  if (contentType.includes('json') || trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      return { ok: false, status: 400, message: 'the body is not valid JSON' };
    }
    const parsed = JsonReport.safeParse(json);
    if (!parsed.success) return { ok: false, status: 400, message: describeIssues(parsed.error) };
    const { device_id, location } = parsed.data;
    const c = location.coords;
    report = {
      deviceId: device_id,
      lat: c.latitude,
      lon: c.longitude,
      timestamp: location.timestamp,
      ...(c.speed !== undefined && c.speed >= 0 ? { speed: c.speed } : {}),
      ...(c.heading !== undefined && c.heading >= 0 && c.heading <= 360 ? { bearing: c.heading } : {}),
      ...(c.accuracy !== undefined ? { accuracy: c.accuracy } : {}),
      ...(location.battery?.level !== undefined ? { battery: Math.round(location.battery.level * 100) } : {}),
      sos: location.extras?.alarm === 'sos',
    };
  } else {
    const merged = new URLSearchParams(params);
    if (trimmed) for (const [k, v] of new URLSearchParams(trimmed)) merged.set(k, v);
    const raw: Record<string, string> = {};
    for (const [k, v] of merged) raw[k === 'deviceid' ? 'id' : k] = v;
    const parsed = QueryReport.safeParse(raw);
    if (!parsed.success) return { ok: false, status: 400, message: describeIssues(parsed.error) };
    const q = parsed.data;
    report = {
      deviceId: q.id,
      lat: q.lat,
      lon: q.lon,
      timestamp: q.timestamp,
      ...(q.speed !== undefined ? { speed: q.speed * KNOTS_TO_MS } : {}),
      ...(q.bearing !== undefined ? { bearing: q.bearing } : {}),
      ...(q.accuracy !== undefined ? { accuracy: q.accuracy } : {}),
      ...(q.batt !== undefined ? { battery: q.batt } : {}),
      sos: q.alarm?.toLowerCase() === 'sos',
    };
  }
  const at = parseTimestamp(report.timestamp, now);
  if (typeof at === 'string') return { ok: false, status: 400, message: at };
  // A time far from now is kept but flagged by the guard service; one that is not a time at all is refused.
  if (!Number.isSafeInteger(at) || at < 0 || at > MAX_TIME) {
    return {
      ok: false,
      status: 400,
      message: `timestamp ${String(report.timestamp).slice(0, 40)} is not a date`,
    };
  }
  const { timestamp: _t, ...rest } = report;
  return { ok: true, report: { ...rest, at } };
}

/** Who a device id belongs to: the guard and a name for the device that is safe to show (never the secret). */
export interface DeviceMatch {
  guardId: string;
  device: string;
}

export interface PhoneOrigin {
  /** The device's safe name. */
  device: string;
  /** The phone's network address as the console saw it. */
  address: string;
}

/** What became of a stored position: a flagged one is kept for the track and changes nothing else. */
export interface Accepted {
  flag?: 'jump' | 'time' | undefined;
}

export interface OsmandLimits {
  /** Every request from one address (a phone, or a scanner guessing ids). */
  perAddressPerSec: number;
  perAddressBurst: number;
  /** Refused requests (unknown id, malformed) from one address: a guesser is slowed down early. */
  failuresPerSec: number;
  failuresBurst: number;
  /** Stored positions per device: a phone catching up after a dead zone sends its buffer fast, but not this fast. */
  perDevicePerSec: number;
  perDeviceBurst: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_OSMAND_LIMITS: OsmandLimits = {
  // Generous: a site's phones may all come through one NAT address; guessing is held back by `failures`.
  perAddressPerSec: 200,
  perAddressBurst: 1000,
  failuresPerSec: 0.5,
  failuresBurst: 30,
  perDevicePerSec: 10,
  perDeviceBurst: 120,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  maxConnections: 512,
};

export interface OsmandServerOptions {
  host: string;
  port: number;
  log: Logger;
  now(): number;
  /**
   * Which guard a device id (the phone's secret) belongs to. A string is a refusal to send back (a known but
   * unusable id); undefined is "unknown".
   */
  identify(deviceId: string): DeviceMatch | string | undefined;
  /** The site's allow-list of source networks; absent or true for every address = no list. */
  allowFrom?(address: string | undefined): boolean;
  accept(guardId: string, report: OsmandReport, origin: PhoneOrigin): Promise<Accepted>;
  /** Told where the endpoint listens, for the links that set phones up. */
  listening?(port: number, host: string): void;
  limits?: Partial<OsmandLimits>;
}

export interface OsmandServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * Every answer closes its connection: a phone sends one position every few seconds, so keeping the socket open
 * saves nothing, and a client reusing it just as the server's keep-alive timer ends it would see a reset.
 */
const TEXT = { 'content-type': 'text/plain; charset=utf-8', connection: 'close' };

/**
 * The HTTP endpoint guards' phones report to. It listens on the site's network with no password of its own
 * (Traccar Client cannot send one): the long random device id is the credential. Refusals are plain text a
 * person can act on; every request is bounded in size, time and rate, and nothing a client sends can throw
 * outside the handler.
 */
export async function startOsmandServer(o: OsmandServerOptions): Promise<OsmandServer> {
  const limits = { ...DEFAULT_OSMAND_LIMITS, ...o.limits };
  const perAddress = new RateLimiter(limits.perAddressPerSec, limits.perAddressBurst);
  const failures = new RateLimiter(limits.failuresPerSec, limits.failuresBurst);
  const perDevice = new RateLimiter(limits.perDevicePerSec, limits.perDeviceBurst);
  const refusedLog = throttle(o.log, 'osmand report refused', 60_000, 20);
  const flaggedLog = throttle(o.log, 'osmand position kept but flagged', 60_000, 20);
  const server: Server = createServer(
    { maxHeaderSize: 8 * 1024, connectionsCheckingInterval: 1000 },
    (req, res) => {
      req.on('error', () => undefined);
      res.on('error', () => undefined);
      handle(req, res).catch((err: Error) => {
        o.log.error('osmand request failed', { error: err.message });
        send(res, 500, 'the console could not handle this request; it was logged\n');
      });
    },
  );
  hardenServer(
    server,
    {
      headersTimeoutMs: limits.headersTimeoutMs,
      requestTimeoutMs: limits.requestTimeoutMs,
      keepAliveTimeoutMs: 5_000,
      idleTimeoutMs: limits.requestTimeoutMs,
      maxConnections: limits.maxConnections,
    },
    o.log,
  );
  // Upgrades are not part of the protocol; without a listener Node would just drop them, but say so.
  server.on('upgrade', (_req, socket: Duplex) => refuseUpgrade(socket, '400 Bad Request'));

  const send = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { ...TEXT, ...headers }).end(text);
  };
  const refuse = (
    res: ServerResponse,
    status: number,
    message: string,
    req: IncomingMessage,
    headers: Record<string, string> = {},
  ) => {
    const address = req.socket.remoteAddress ?? 'unknown';
    if (status !== 429) failures.take(address);
    refusedLog({ status, message: message.slice(0, 200), from: address });
    // A refused body that is still arriving is not worth reading: the connection closes once the answer is out.
    send(res, status, `${message}\n`, headers);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const address = req.socket.remoteAddress;
    if (o.allowFrom && !o.allowFrom(address)) {
      return refuse(
        res,
        403,
        `this console does not take positions from ${address ?? 'this address'}: add its network to the site file's tracking.allowNetworks`,
        req,
      );
    }
    const key = address ?? 'unknown';
    if (!failures.has(key) || !perAddress.take(key)) {
      const wait = String(Math.max(perAddress.retryAfterSec(key), failures.retryAfterSec(key)));
      return refuse(res, 429, `too many requests from ${key}: wait ${wait} s`, req, { 'retry-after': wait });
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      return refuse(
        res,
        405,
        `method ${req.method} is not used by the OsmAnd protocol: send GET or POST`,
        req,
        {
          allow: 'GET, POST',
        },
      );
    }
    const url = requestUrl(req);
    if (!url) return refuse(res, 400, 'malformed position: the request target is not a URL path', req);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES)
      return refuse(res, 413, 'the request body is too large for one position', req);
    let body: string;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge)
        return refuse(res, 413, 'the request body is too large for one position', req);
      // The phone hung up or the body timed out: nobody is left to answer.
      res.destroy();
      return;
    }
    const parsed = parseOsmand(url.searchParams, body, String(req.headers['content-type'] ?? ''), o.now());
    if (!parsed.ok) return refuse(res, parsed.status, `malformed position: ${parsed.message}`, req);
    const match = o.identify(parsed.report.deviceId);
    if (match === undefined) {
      return refuse(
        res,
        403,
        'unknown device id: issue one for this phone in the console (guards → phones) or add it to a guard\'s "devices" in the site file',
        req,
      );
    }
    if (typeof match === 'string') return refuse(res, 403, match, req);
    if (!perDevice.take(match.device)) {
      const wait = String(perDevice.retryAfterSec(match.device));
      return refuse(res, 429, `too many positions from device ${match.device}: wait ${wait} s`, req, {
        'retry-after': wait,
      });
    }
    try {
      const done = await o.accept(match.guardId, parsed.report, { device: match.device, address: key });
      if (done.flag) {
        flaggedLog({ flag: done.flag, guardId: match.guardId, device: match.device, from: key });
      }
      send(res, 200, 'OK\n');
    } catch (err) {
      // 503 makes the app keep the position and send it again, which is what we want after a storage fault.
      o.log.error('osmand report could not be stored', { error: (err as Error).message });
      send(res, 503, 'could not store the position; retry\n');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => o.log.error('osmand endpoint error', { error: err.message }));
  const port = (server.address() as AddressInfo).port;
  o.listening?.(port, o.host);
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class BodyTooLarge extends Error {}

/** The body as text, at most `max` bytes; rejects when the client goes away mid-body. */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        settle(() => reject(new BodyTooLarge()));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(() => resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('aborted', () => settle(() => reject(new Error('aborted'))));
    req.on('close', () => settle(() => reject(new Error('closed before the body ended'))));
    req.on('error', (err) => settle(() => reject(err)));
  });
}
