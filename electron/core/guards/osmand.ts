import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { describeIssues } from '../../../shared/contract';
import type { Logger } from '../util/log';

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
/** Phones with a wrong clock exist; a position from more than this far in the future is refused. */
const MAX_FUTURE_MS = 5 * 60_000;
const MAX_BODY_BYTES = 16 * 1024;

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
  if (at > now + MAX_FUTURE_MS) {
    return {
      ok: false,
      status: 400,
      message: `timestamp ${new Date(at).toISOString()} is in the future: check the phone's clock`,
    };
  }
  const { timestamp: _t, ...rest } = report;
  return { ok: true, report: { ...rest, at } };
}

export interface OsmandServerOptions {
  host: string;
  port: number;
  log: Logger;
  now(): number;
  /** Which guard a device id belongs to (the site file's `guards[].devices`). */
  guardFor(deviceId: string): string | undefined;
  accept(guardId: string, report: OsmandReport): Promise<void>;
}

export interface OsmandServer {
  port: number;
  stop(): Promise<void>;
}

/** The HTTP endpoint guards' phones report to. Refusals are plain text a person can act on, and logged. */
export async function startOsmandServer(o: OsmandServerOptions): Promise<OsmandServer> {
  const server: Server = createServer((req, res) => void handle(req, res));
  const refuse = (res: ServerResponse, status: number, message: string, req: IncomingMessage) => {
    o.log.warn('osmand report refused', { status, message, from: req.socket.remoteAddress });
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
  };
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return refuse(
        res,
        405,
        `method ${req.method} is not used by the OsmAnd protocol: send GET or POST`,
        req,
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES)
        return refuse(res, 413, 'the request body is too large for one position', req);
      chunks.push(chunk);
    }
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const parsed = parseOsmand(
      url.searchParams,
      Buffer.concat(chunks).toString('utf8'),
      String(req.headers['content-type'] ?? ''),
      o.now(),
    );
    if (!parsed.ok) return refuse(res, parsed.status, `malformed position: ${parsed.message}`, req);
    const guardId = o.guardFor(parsed.report.deviceId);
    if (!guardId) {
      return refuse(
        res,
        403,
        `unknown device id "${parsed.report.deviceId}": add it to a guard's "devices" in the site file`,
        req,
      );
    }
    try {
      await o.accept(guardId, parsed.report);
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('OK\n');
    } catch (err) {
      // 503 makes the app keep the position and send it again, which is what we want after a storage fault.
      o.log.error('osmand report could not be stored', { error: (err as Error).message });
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end('could not store the position; retry\n');
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
