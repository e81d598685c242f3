/**
 * A fake Hikvision camera serving `GET /ISAPI/Event/notification/alertStream` over real loopback HTTP, written
 * from Hikvision's ISAPI conventions and the ingest guide §4 (not from the hub's source, which it does not
 * import): HTTP Digest (RFC 7616, MD5, qop=auth) with its own check of the response, `multipart/mixed;
 * boundary=boundary`, EventNotificationAlert XML in each namespace variant, `videoloss` inactive heartbeats, and
 * on demand a stall (the connection stays open, nothing more is written), a dropped stream, JSON parts and raw bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const HIK_NAMESPACES = {
  ver20: 'http://www.hikvision.com/ver20/XMLSchema',
  ver10: 'http://www.hikvision.com/ver10/XMLSchema',
  stdCgi: 'http://www.std-cgi.com/ver20/XMLSchema',
  isapiOrg: 'http://www.isapi.org/ver20/XMLSchema',
} as const;

export interface AlertSpec {
  eventType: string;
  eventState: 'active' | 'inactive';
  channel?: number;
  /** Which element carries the channel (firmware differs). */
  channelField?: 'channelID' | 'dynChannelID' | 'inputIOPortID';
  namespace?: keyof typeof HIK_NAMESPACES | 'none';
  /** A prefix for every element (`hik:`), as some firmware writes. */
  prefix?: string;
  dateTime?: string;
  regionId?: number;
  /** An empty `<activePostCount/>`, which once killed other clients (HA #173174). */
  emptyActivePostCount?: boolean;
  description?: string;
}

export function alertXml(a: AlertSpec): string {
  const p = a.prefix ?? '';
  const ns =
    a.namespace === 'none'
      ? ''
      : ` xmlns${p ? `:${p.replace(':', '')}` : ''}="${HIK_NAMESPACES[a.namespace ?? 'ver20']}"`;
  const el = (n: string, v: string | number) => `<${p}${n}>${v}</${p}${n}>`;
  const region =
    a.regionId !== undefined
      ? `<${p}DetectionRegionList><${p}DetectionRegionEntry>${el('regionID', a.regionId)}</${p}DetectionRegionEntry></${p}DetectionRegionList>`
      : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<${p}EventNotificationAlert version="2.0"${ns}>\r\n` +
    el('ipAddress', '192.168.1.64') +
    el('portNo', 80) +
    el('protocol', 'HTTP') +
    el('macAddress', '44:47:cc:11:22:33') +
    el(a.channelField ?? 'channelID', a.channel ?? 1) +
    el('dateTime', a.dateTime ?? new Date().toISOString().replace(/\.\d+Z$/, '+00:00')) +
    (a.emptyActivePostCount ? `<${p}activePostCount/>` : el('activePostCount', 1)) +
    el('eventType', a.eventType) +
    el('eventState', a.eventState) +
    el('eventDescription', a.description ?? `${a.eventType} alarm`) +
    region +
    `\r\n</${p}EventNotificationAlert>\r\n`
  );
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/**
 * A camera's side of HTTP Digest, RFC 7616 §3.4.1 (MD5, qop=auth), checked independently of any client: the
 * request's `Authorization` answers one of `nonces` for these credentials. The simulated cameras share it.
 */
export function digestAuthorized(
  req: IncomingMessage,
  nonces: ReadonlySet<string>,
  c: { username: string; realm: string; password: string },
): boolean {
  const h = req.headers.authorization;
  if (!h?.startsWith('Digest ')) return false;
  const f = new Map<string, string>();
  for (const m of h.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g))
    f.set(m[1] ?? '', m[2] ?? m[3] ?? '');
  const nonce = f.get('nonce') ?? '';
  if (!nonces.has(nonce) || f.get('uri') !== req.url || f.get('username') !== c.username) return false;
  const ha1 = md5(`${c.username}:${c.realm}:${c.password}`);
  const ha2 = md5(`${req.method ?? ''}:${req.url ?? ''}`);
  const want = md5(
    `${ha1}:${nonce}:${f.get('nc') ?? ''}:${f.get('cnonce') ?? ''}:${f.get('qop') ?? ''}:${ha2}`,
  );
  return f.get('qop') === 'auth' && f.get('response') === want;
}

export interface IsapiCameraOptions {
  username?: string;
  password?: string;
  realm?: string;
  /** Heartbeat (videoloss inactive) every this many ms; 0 = none (new firmware). */
  heartbeatMs?: number;
  /** Serve the stream without the `/ISAPI` prefix (old firmware) — the prefixed path then answers 404. */
  oldPath?: boolean;
  /** Omit Content-Length in parts (the reader must find the boundary). */
  noContentLength?: boolean;
}

export class IsapiCamera {
  private server: Server | undefined;
  private readonly streams = new Set<ServerResponse>();
  private readonly nonces = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  private stalled = false;
  /** Requests that reached the stream (authenticated). */
  connections = 0;
  /** 401s sent. */
  challenges = 0;
  /** Authorization headers that did not check out. */
  badAuth = 0;
  port = 0;

  constructor(private readonly o: IsapiCameraOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get open(): number {
    return this.streams.size;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    if (this.o.heartbeatMs) {
      this.heartbeat = setInterval(() => {
        if (!this.stalled) this.send({ eventType: 'videoloss', eventState: 'inactive' });
      }, this.o.heartbeatMs);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const s of this.streams) s.destroy();
    this.streams.clear();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private authorized(req: IncomingMessage): boolean {
    return digestAuthorized(req, this.nonces, {
      username: this.o.username ?? 'admin',
      realm: this.o.realm ?? 'IP Camera(C1234)',
      password: this.o.password ?? 'hik12345',
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = this.o.oldPath ? '/Event/notification/alertStream' : '/ISAPI/Event/notification/alertStream';
    if (req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    if (!this.authorized(req)) {
      if (req.headers.authorization) this.badAuth++;
      this.challenges++;
      const nonce = randomBytes(16).toString('hex');
      this.nonces.add(nonce);
      res.writeHead(401, {
        'WWW-Authenticate': `Digest qop="auth", realm="${this.o.realm ?? 'IP Camera(C1234)'}", nonce="${nonce}", stale="FALSE"`,
        'Content-Type': 'text/html',
      });
      res.end('<html>401 Unauthorized</html>');
      return;
    }
    this.connections++;
    this.stalled = false;
    res.writeHead(200, { 'Content-Type': 'multipart/mixed; boundary=boundary', Connection: 'close' });
    res.flushHeaders();
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  /** Writes one alert part to every open stream. */
  send(a: AlertSpec): void {
    this.part('application/xml; charset="UTF-8"', Buffer.from(alertXml(a)));
  }

  /** A JSON alert part (newer firmware). */
  sendJson(fields: Record<string, unknown>): void {
    this.part('application/json', Buffer.from(JSON.stringify(fields)));
  }

  part(contentType: string, body: Buffer): void {
    const head = `--boundary\r\nContent-Type: ${contentType}\r\n${this.o.noContentLength ? '' : `Content-Length: ${body.length}\r\n`}\r\n`;
    this.write(Buffer.concat([Buffer.from(head), body, Buffer.from('\r\n')]));
  }

  write(bytes: Buffer): void {
    if (this.stalled) return;
    for (const s of this.streams) s.write(bytes);
  }

  /** Keeps every stream open and writes nothing more (heartbeats too) until the next connection. */
  stall(): void {
    this.stalled = true;
  }

  /** Drops every open stream without a goodbye. */
  drop(): void {
    for (const s of this.streams) s.destroy();
    this.streams.clear();
  }
}
