/**
 * A fake Dahua camera serving `GET /cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=N` over real
 * loopback HTTP, written from Dahua's HTTP API conventions and the ingest guide §4 (not from the hub's source):
 * Digest auth (MD5, qop=auth, its own check), `multipart/x-mixed-replace; boundary=myboundary`, text blocks
 * `Code=VideoMotion;action=Start;index=0` whose Content-Length counts the trailing CRLF, a `Heartbeat` block every
 * N seconds as asked in the query, and on demand the spaced variants, `;data={JSON}`, a stall and a drop.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { digestAuthorized } from '../../electron/hub/demo/isapi-camera';

export interface DahuaBlock {
  code: string;
  action: 'Start' | 'Stop' | 'Pulse';
  /** Channel minus one. */
  index?: number;
  data?: Record<string, unknown>;
  /** `Code=X; action=Y` and `-- myboundary`, as some firmware writes. */
  spaced?: boolean;
}

export class DahuaCamera {
  private server: Server | undefined;
  private readonly streams = new Map<ServerResponse, NodeJS.Timeout | undefined>();
  private readonly nonces = new Set<string>();
  private stalled = false;
  port = 0;
  connections = 0;
  challenges = 0;
  /** The query of the last attach request. */
  lastQuery: URLSearchParams | undefined;

  constructor(private readonly o: { username?: string; password?: string; realm?: string } = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get open(): number {
    return this.streams.size;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const [s, t] of this.streams) {
      clearInterval(t);
      s.destroy();
    }
    this.streams.clear();
    await new Promise<void>((r) => {
      if (!this.server) return r();
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }

  private authorized(req: IncomingMessage): boolean {
    return digestAuthorized(req, this.nonces, {
      username: this.o.username ?? 'admin',
      realm: this.o.realm ?? 'Login to 4L0123PAZ',
      password: this.o.password ?? 'dahua-pass',
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname !== '/cgi-bin/eventManager.cgi' || u.searchParams.get('action') !== 'attach') {
      res.writeHead(404).end();
      return;
    }
    if (!this.authorized(req)) {
      this.challenges++;
      const nonce = randomBytes(12).toString('hex');
      this.nonces.add(nonce);
      res.writeHead(401, {
        'WWW-Authenticate': `Digest realm="${this.o.realm ?? 'Login to 4L0123PAZ'}", qop="auth", nonce="${nonce}", opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
      });
      res.end();
      return;
    }
    this.connections++;
    this.stalled = false;
    this.lastQuery = u.searchParams;
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=myboundary' });
    res.flushHeaders();
    const every = Number(u.searchParams.get('heartbeat') ?? '0');
    const timer =
      every > 0
        ? setInterval(() => {
            if (!this.stalled) this.writeTo(res, 'Heartbeat', false);
          }, every * 1000)
        : undefined;
    this.streams.set(res, timer);
    res.on('close', () => {
      clearInterval(timer);
      this.streams.delete(res);
    });
  }

  private writeTo(res: ServerResponse, text: string, spaced: boolean): void {
    const body = `${text}\r\n`;
    res.write(
      `${spaced ? '-- myboundary' : '--myboundary'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  /** Writes one event block to every open stream. */
  send(b: DahuaBlock): void {
    if (this.stalled) return;
    const sep = b.spaced ? '; ' : ';';
    let text = `Code=${b.code}${sep}action=${b.action}${sep}index=${b.index ?? 0}`;
    if (b.data) text += `${sep}data=${JSON.stringify(b.data)}`;
    for (const s of this.streams.keys()) this.writeTo(s, text, b.spaced ?? false);
  }

  stall(): void {
    this.stalled = true;
  }

  drop(): void {
    for (const s of this.streams.keys()) s.destroy();
  }
}
