import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ZipArchive } from 'archiver';
import { WebSocketServer, type WebSocket } from 'ws';
import { Id, MAX_FRAME_BYTES, MAX_PLAY_SECONDS, type ContractError } from '../../shared/contract';
import { attachFrameEndpoint } from '../core/carriers/frames';
import type { ConsoleCore } from '../core';
import type { Logger } from '../common/log';
import { hardenServer, RateLimiter, refuseUpgrade, requestUrl, safeDecode, throttle } from '../core/util/net';

export interface WebHostOptions {
  core: ConsoleCore;
  /** The built renderer (out/renderer). */
  staticDir: string;
  port?: number;
  log: Logger;
  token?: string;
  limits?: Partial<WebHostLimits>;
}

export interface WebHostLimits {
  /** Calls per browser session: `callBurst` at once, `callsPerSec` sustained. */
  callsPerSec: number;
  callBurst: number;
  /** Frame bytes per session (snapshots are the big ones). */
  bytesPerSec: number;
  byteBurst: number;
  /** Calls of one session still being answered. */
  maxPending: number;
  /** Open /api sessions at once. */
  maxSessions: number;
  /** A session whose browser stops reading is dropped when this much is waiting to be sent. */
  maxBufferedBytes: number;
  /** A ping every this often; no pong by the next one and the session is dropped (a half-open socket). */
  heartbeatMs: number;
  /** Request headers must arrive within this (slow-loris); the whole request within `requestTimeoutMs`. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

export { MAX_FRAME_BYTES };

export const DEFAULT_WEB_HOST_LIMITS: WebHostLimits = {
  // An operator's busiest moment (sign-in, every panel loading, a burst of alarm actions) is a few dozen calls.
  callsPerSec: 100,
  callBurst: 300,
  bytesPerSec: 16 * 1024 * 1024,
  byteBurst: 64 * 1024 * 1024,
  maxPending: 100,
  maxSessions: 64,
  maxBufferedBytes: 64 * 1024 * 1024,
  heartbeatMs: 30_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

/**
 * The page's policy, also sent as a header so that `frame-ancestors` applies (a meta tag cannot carry it).
 * MUI/emotion inject style elements ('unsafe-inline' styles), JSMpeg compiles WebAssembly ('wasm-unsafe-eval'),
 * video comes from the gateway on another loopback port (connect-src ws://127.0.0.1:*).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface WebHost {
  url: string;
  port: number;
  token: string;
  /** Other loopback WebSocket endpoints (the video gateway) mount here, behind the same token. */
  mountUpgrade(prefix: string, handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): void;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wav': 'audio/wav',
  '.ico': 'image/x-icon',
};

/** Recordings playing at once from one web host (each is an ffmpeg). */
export const MAX_REPLAYS = 8;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * A replay request's parameters, or why they are refused: a camera id of the site's form, a UTC time no more
 * than 400 days back and not in the future, and 1 to MAX_PLAY_SECONDS seconds. Whether the camera exists is the
 * recorder's to say.
 */
export function parseReplay(
  url: URL,
  now: number,
): { cameraId: string; from: number; seconds: number } | string {
  const [, , raw, verb, ...rest] = url.pathname.split('/');
  const cameraId = raw === undefined ? undefined : safeDecode(raw);
  if (verb !== 'play' || rest.length > 0 || !cameraId || !Id.safeParse(cameraId).success)
    return 'the address is not /recordings/<camera>/play';
  const fromText = url.searchParams.get('from') ?? '';
  const from = ISO_UTC.test(fromText) ? Date.parse(fromText) : NaN;
  if (!Number.isFinite(from) || from > now + 60_000 || from < now - 400 * 86_400_000)
    return 'from must be a UTC time (2026-12-01T08:00:00Z) within the recordings kept';
  const secondsText = url.searchParams.get('seconds') ?? '';
  const seconds = /^\d{1,5}$/.test(secondsText) ? Number(secondsText) : NaN;
  if (!(seconds >= 1 && seconds <= MAX_PLAY_SECONDS)) return `seconds must be 1 to ${MAX_PLAY_SECONDS}`;
  return { cameraId, from, seconds };
}

export function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The console served to a browser on 127.0.0.1 only. Pages are static; every call goes through the
 * WebSocket at /api, which needs the per-launch token, so another local user or a web page elsewhere
 * cannot drive the console.
 */
export async function startWebHost(o: WebHostOptions): Promise<WebHost> {
  const token = o.token ?? randomBytes(18).toString('base64url');
  const root = resolve(o.staticDir);
  let port = 0;
  let stopping = false;
  const mounts = new Map<string, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>();

  // DNS rebinding guard: the Host header must name loopback.
  const hostAllowed = (req: IncomingMessage) => {
    const host = req.headers.host ?? '';
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
  };

  const limits = { ...DEFAULT_WEB_HOST_LIMITS, ...o.limits };
  const plain = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) => {
    if (res.headersSent || res.destroyed) return;
    res
      .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS, ...headers })
      .end(text);
  };

  const server: Server = createServer(
    { maxHeaderSize: 16 * 1024, connectionsCheckingInterval: 1000 },
    (req, res) => {
      req.on('error', () => undefined);
      res.on('error', () => undefined);
      try {
        serve(req, res);
      } catch (err) {
        o.log.error('web host request failed', { error: (err as Error).message });
        plain(res, 500, 'The console could not answer this request; it was logged.');
      }
    },
  );
  hardenServer(
    server,
    {
      headersTimeoutMs: limits.headersTimeoutMs,
      requestTimeoutMs: limits.requestTimeoutMs,
      keepAliveTimeoutMs: 5_000,
      idleTimeoutMs: Math.max(limits.requestTimeoutMs, 60_000),
      maxConnections: 256,
    },
    o.log,
  );

  function serve(req: IncomingMessage, res: ServerResponse): void {
    if (!hostAllowed(req)) {
      plain(res, 421, 'Misdirected request: use http://127.0.0.1 as printed.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'Only GET and HEAD are served here.', { allow: 'GET, HEAD' });
      return;
    }
    const url = requestUrl(req);
    if (url?.pathname.startsWith('/recordings/')) {
      replay(req, res, url);
      return;
    }
    if (url?.pathname.startsWith('/exports/')) {
      download(req, res, url);
      return;
    }
    let path = url ? safeDecode(url.pathname) : undefined;
    if (path === undefined) {
      plain(res, 400, 'Bad request: the address is not a valid path.', { connection: 'close' });
      return;
    }
    if (path === '/' || path === '') path = '/index.html';
    const file = normalize(join(root, path));
    if (
      path.includes('\0') ||
      !file.startsWith(root + sep) ||
      !existsSync(file) ||
      !statSync(file).isFile()
    ) {
      plain(res, 404, 'Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': path === '/index.html' ? 'no-store' : 'max-age=3600',
      ...SECURITY_HEADERS,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // The file may vanish between stat and read (a rebuild): end this response, not the process.
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  let replays = 0;
  /**
   * `GET /recordings/<camera>/play?from=<ISO UTC>&seconds=<n>&token=` plays a camera's recording as one MP4.
   * Everything is checked here: the token, a camera of the site, a bounded time range; the files come from the
   * index, never from the request. At most `MAX_REPLAYS` at once (each is an ffmpeg).
   */
  function replay(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET') return plain(res, 405, 'Only GET plays a recording.', { allow: 'GET' });
    if (!tokenMatches(token, url.searchParams.get('token'))) return plain(res, 401, 'Unauthorized');
    const request = parseReplay(url, Date.now());
    if (typeof request === 'string') return plain(res, 400, `Bad request: ${request}.`);
    if (replays >= MAX_REPLAYS) return plain(res, 503, 'Too many recordings playing at once; try again.');
    replays += 1;
    let done = false;
    const finish = () => {
      if (!done) replays -= 1;
      done = true;
    };
    res.once('close', finish);
    o.core.recordings
      .play(request.cameraId, request.from, request.seconds)
      .then((playback) => {
        if (!playback) return plain(res, 404, 'Nothing is recorded for this camera at that time.');
        if (res.destroyed) return playback.stop();
        res.writeHead(200, { 'content-type': 'video/mp4', 'cache-control': 'no-store', ...SECURITY_HEADERS });
        res.once('close', () => playback.stop());
        playback.stream.on('error', () => res.destroy());
        playback.stream.pipe(res);
      })
      .catch((err: Error & { code?: string }) => {
        if (err.code === 'not_found') return plain(res, 404, 'Not found');
        o.log.error('replay failed', { error: err.message });
        plain(res, 500, 'The recording could not be played; it was logged.');
      });
  }

  /**
   * `GET /exports/<ticket>.zip?token=` sends an evidence-clip folder as one ZIP (stored, not compressed: video does
   * not shrink). The ticket comes from `recordings.exportDownload`, which checked the operator and audited it; it
   * works once, within a minute. The files are the export folder's, listed by the core, never named by the request.
   */
  function download(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET') return plain(res, 405, 'Only GET downloads an export.', { allow: 'GET' });
    if (!tokenMatches(token, url.searchParams.get('token'))) return plain(res, 401, 'Unauthorized');
    const ticket = /^\/exports\/([A-Za-z0-9_-]{32})\.zip$/.exec(url.pathname)?.[1];
    if (!ticket) return plain(res, 400, 'Bad request: the address is not /exports/<ticket>.zip.');
    o.core.recordings
      .download(ticket)
      .then((found) => {
        if (!found) return plain(res, 404, 'This download has expired or was used: ask for it again.');
        if (res.destroyed) return;
        res.writeHead(200, {
          'content-type': 'application/zip',
          'content-disposition': `attachment; filename="${found.folder}.zip"`,
          'cache-control': 'no-store',
          ...SECURITY_HEADERS,
        });
        const zip = new ZipArchive({ store: true });
        zip.on('error', (err: Error) => {
          o.log.error('export download failed', { error: err.message });
          res.destroy();
        });
        res.once('close', () => zip.abort());
        zip.pipe(res);
        for (const f of found.files) zip.file(join(found.dir, f), { name: `${found.folder}/${f}` });
        void zip.finalize().catch(() => undefined);
      })
      .catch((err: Error) => {
        o.log.error('export download failed', { error: err.message });
        plain(res, 500, 'The export could not be sent; it was logged.');
      });
  }

  const api = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  api.on('error', (err) => o.log.error('api websocket server error', { error: err.message }));
  const calls = new RateLimiter(limits.callsPerSec, limits.callBurst);
  const bytes = new RateLimiter(limits.bytesPerSec, limits.byteBurst);
  const rateLog = throttle(o.log, 'browser session over its call rate', 60_000, 10);
  const badFrameLog = throttle(o.log, 'bad frame from browser', 60_000, 20);
  const alive = new WeakMap<WebSocket, boolean>();
  api.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    // Wrong passwords slow down sign-ins from this source (the peer's address), not the account everywhere.
    const session = o.core.openSession('ws', null, { source: `ws ${req.socket.remoteAddress ?? '?'}` });
    alive.set(ws, true);
    o.log.info('browser session opened', { session: session.id });
    let frameBytes = 0;
    const endpoint = attachFrameEndpoint({
      router: o.core.router,
      bus: o.core.bus,
      session,
      maxPending: limits.maxPending,
      admit: (method): ContractError | undefined => {
        if (calls.take(session.id) && bytes.take(session.id, frameBytes)) return undefined;
        rateLog({ session: session.id, method });
        return {
          code: 'unavailable',
          reason: 'too_many_requests',
          message:
            `Too many requests from this window at once: the console refused "${method}" to protect itself. ` +
            'Wait a few seconds and try again; if this keeps happening, reload the page and tell the administrator.',
        };
      },
      send: (text) => {
        if (ws.readyState !== ws.OPEN) return;
        // A browser that stopped reading (a frozen tab) must not make the console hold its events forever.
        if (ws.bufferedAmount > limits.maxBufferedBytes) {
          o.log.warn('browser session dropped: it is not reading', { session: session.id });
          ws.terminate();
          return;
        }
        ws.send(text);
      },
      onBadFrame: (why) => badFrameLog({ why, session: session.id }),
    });
    ws.on('message', (data: Buffer, isBinary) => {
      frameBytes = data.length;
      if (isBinary) {
        badFrameLog({ why: 'binary', session: session.id });
        return;
      }
      endpoint.receive(data.toString('utf8'));
    });
    ws.on('pong', () => alive.set(ws, true));
    // ws closes the socket itself (1009 too big, 1007 invalid UTF-8, 1002 protocol) and reports it here.
    ws.on('error', (err: Error & { code?: string }) =>
      o.log.warn('browser websocket refused a frame and closed', {
        session: session.id,
        code: err.code,
        error: err.message.slice(0, 200),
      }),
    );
    ws.on('close', (code) => {
      endpoint.close();
      calls.forget(session.id);
      bytes.forget(session.id);
      o.core.closeSession(session);
      o.log.info('browser session closed', { session: session.id, code });
    });
  });
  const heartbeat = setInterval(() => {
    for (const ws of api.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }
  }, limits.heartbeatMs);
  heartbeat.unref();

  const upgradeLog = throttle(o.log, 'refused websocket', 60_000, 20);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (err) {
      o.log.error('websocket upgrade failed', { error: (err as Error).message });
      refuseUpgrade(socket, '500 Internal Server Error');
    }
  });

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = requestUrl(req);
    const refuse = (status: string, why?: string) => {
      if (why) upgradeLog({ why, path: url?.pathname.slice(0, 100) });
      refuseUpgrade(socket, status);
    };
    if (stopping) return refuse('503 Service Unavailable');
    if (!url) return refuse('400 Bad Request', 'the request target is not a URL path');
    if (!hostAllowed(req)) return refuse('421 Misdirected Request', 'foreign Host header');
    if (!tokenMatches(token, url.searchParams.get('token'))) {
      return refuse('401 Unauthorized', 'no valid token');
    }
    // A browser always says which page opened the socket: only the console's own page may. Tools without a
    // browser (tests, scripts) send no Origin and still need the token.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      return refuse('403 Forbidden', `origin ${origin.slice(0, 100)} is not this console's page`);
    }
    if (url.pathname === '/api') {
      if (api.clients.size >= limits.maxSessions) {
        return refuse('503 Service Unavailable', 'too many browser sessions');
      }
      api.handleUpgrade(req, socket, head, (ws) => api.emit('connection', ws, req));
      return;
    }
    for (const [prefix, handler] of mounts) {
      if (url.pathname.startsWith(prefix)) return handler(req, socket, head);
    }
    refuse('404 Not Found');
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  server.on('error', (err) => o.log.error('web host server error', { error: err.message }));
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    url,
    port,
    token,
    mountUpgrade: (prefix, handler) => mounts.set(prefix, handler),
    async stop() {
      stopping = true;
      clearInterval(heartbeat);
      for (const ws of api.clients) ws.terminate();
      api.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
