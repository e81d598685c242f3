import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { attachFrameEndpoint } from '../core/carriers/frames';
import type { ConsoleCore } from '../core';
import type { Logger } from '../core/util/log';

export interface WebHostOptions {
  core: ConsoleCore;
  /** The built renderer (out/renderer). */
  staticDir: string;
  port?: number;
  log: Logger;
  token?: string;
}

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

  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req)) {
      res
        .writeHead(421, { 'content-type': 'text/plain' })
        .end('Misdirected request: use http://127.0.0.1 as printed.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = decodeURIComponent(url.pathname);
    if (path === '/' || path === '') path = '/index.html';
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': path === '/index.html' ? 'no-store' : 'max-age=3600',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });

  const api = new WebSocketServer({ noServer: true, maxPayload: 1_000_000 });
  api.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    // Wrong passwords slow down sign-ins from this source (the peer's address), not the account everywhere.
    const session = o.core.openSession('ws', null, { source: `ws ${req.socket.remoteAddress ?? '?'}` });
    o.log.info('browser session opened', { session: session.id });
    const endpoint = attachFrameEndpoint({
      router: o.core.router,
      bus: o.core.bus,
      session,
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      onBadFrame: (why) => o.log.warn('bad frame from browser', { why, session: session.id }),
    });
    ws.on('message', (data) => endpoint.receive(data.toString()));
    ws.on('close', () => {
      endpoint.close();
      o.core.closeSession(session);
      o.log.info('browser session closed', { session: session.id });
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    };
    if (stopping) return refuse('503 Service Unavailable');
    if (!hostAllowed(req)) return refuse('421 Misdirected Request');
    if (!tokenMatches(token, url.searchParams.get('token'))) {
      o.log.warn('refused websocket without a valid token', { path: url.pathname });
      return refuse('401 Unauthorized');
    }
    if (url.pathname === '/api') {
      api.handleUpgrade(req, socket, head, (ws) => api.emit('connection', ws, req));
      return;
    }
    for (const [prefix, handler] of mounts) {
      if (url.pathname.startsWith(prefix)) return handler(req, socket, head);
    }
    refuse('404 Not Found');
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    url,
    port,
    token,
    mountUpgrade: (prefix, handler) => mounts.set(prefix, handler),
    async stop() {
      stopping = true;
      for (const ws of api.clients) ws.terminate();
      api.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
