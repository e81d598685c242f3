/**
 * An NVR's recording search over HTTP, written from the vendors' interface descriptions (guide/video.md A2), not
 * from the console's client: Hikvision ISAPI `POST /ISAPI/ContentMgmt/search` (CMSearchDescription in,
 * CMSearchResult out, paged by `searchResultPostion` while `responseStatusStrg` is MORE) and Dahua
 * `/cgi-bin/mediaFileFind.cgi` (factory.create → findFile → findNextFile → close → destroy, `key=value` lines).
 * Both ask for HTTP Digest. The recording is a list of spans in true UTC; the NVR writes and reads times as its
 * own clock shows them (an offset, and UTC or a local zone), as real ones do. Playback itself is RTSP: the GStreamer
 * test server's `--nvr` mounts (tests/support/rtsp-server.py).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { digestAuthorized } from '../../electron/hub/demo/isapi-camera';

export interface FakeNvrOptions {
  vendor: 'hikvision' | 'dahua';
  /** What the NVR holds for the channel asked about, in true UTC milliseconds. */
  spans: { start: number; end: number }[];
  /** The NVR's clock: `utc`, or local time in `timeZone`; `offsetSec` ahead of true time. */
  clock?: { kind: 'utc' | 'local'; timeZone?: string; offsetSec?: number };
  /** Hikvision track (101 = channel 1 main) or Dahua channel the spans belong to. */
  channel?: number;
  username?: string;
  password?: string;
}

const REALM = 'NVR(DS-7608)';

export class FakeNvr {
  private server: Server | undefined;
  private readonly nonces = new Set<string>();
  private readonly finders = new Map<string, { from: number; to: number; next: number }>();
  port = 0;
  /** Every request line that got past authentication (method and URL). */
  readonly requests: string[] = [];
  /** Answers refused for want of (a right) Authorization. */
  challenges = 0;

  constructor(private readonly o: FakeNvrOptions) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const body: Buffer[] = [];
      req.on('data', (c: Buffer) => body.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(body).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /** The NVR's wall-clock fields at a true time. */
  private shown(at: number): { Y: string; M: string; D: string; h: string; m: string; s: string } {
    const c = this.o.clock ?? {
      kind: this.o.vendor === 'dahua' ? 'local' : 'utc',
      timeZone: 'Asia/Shanghai',
    };
    const t = new Date(at + (c.offsetSec ?? 0) * 1000);
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: c.kind === 'utc' ? 'UTC' : (c.timeZone ?? 'Asia/Shanghai'),
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(t);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return {
      Y: get('year'),
      M: get('month'),
      D: get('day'),
      h: get('hour'),
      m: get('minute'),
      s: get('second'),
    };
  }

  /** A wall-clock reading of the NVR's back to true UTC (searching a minute grid is plenty for a test NVR). */
  private truth(text: string): number | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})Z?$/.exec(text.trim());
    if (!m) return undefined;
    const naive = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    // Try every offset from -14 h to +14 h in quarter hours; the one whose reading matches is the answer.
    const offsetMs = (this.o.clock?.offsetSec ?? 0) * 1000;
    for (let q = -56; q <= 56; q++) {
      const at = naive - q * 900_000 - offsetMs;
      const f = this.shown(at);
      if (`${f.Y}-${f.M}-${f.D}T${f.h}:${f.m}:${f.s}` === `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`)
        return at;
    }
    return undefined;
  }

  private hik(at: number): string {
    const f = this.shown(at);
    return `${f.Y}-${f.M}-${f.D}T${f.h}:${f.m}:${f.s}Z`;
  }

  private dahua(at: number): string {
    const f = this.shown(at);
    return `${f.Y}-${f.M}-${f.D} ${f.h}:${f.m}:${f.s}`;
  }

  private within(from: number, to: number) {
    return this.o.spans.filter((s) => s.end > from && s.start < to).sort((a, b) => a.start - b.start);
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const ok = digestAuthorized(req, this.nonces, {
      username: this.o.username ?? 'admin',
      realm: REALM,
      password: this.o.password ?? 'nvr12345',
    });
    if (!ok) {
      this.challenges++;
      const nonce = randomBytes(16).toString('hex');
      this.nonces.add(nonce);
      res.writeHead(401, { 'WWW-Authenticate': `Digest qop="auth", realm="${REALM}", nonce="${nonce}"` });
      res.end();
      return;
    }
    this.requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    const url = new URL(req.url ?? '/', 'http://nvr');
    if (
      this.o.vendor === 'hikvision' &&
      req.method === 'POST' &&
      url.pathname === '/ISAPI/ContentMgmt/search'
    )
      return this.hikSearch(res, body);
    if (this.o.vendor === 'dahua' && req.method === 'GET' && url.pathname === '/cgi-bin/mediaFileFind.cgi')
      return this.dahuaFind(res, url.searchParams);
    res.writeHead(404).end();
  }

  private hikSearch(res: ServerResponse, body: string): void {
    const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? '';
    const track = Number(tag('trackID'));
    const from = this.truth(tag('startTime'));
    const to = this.truth(tag('endTime'));
    const max = Math.min(Number(tag('maxResults')) || 40, 100);
    const position = Number(tag('searchResultPostion')) || 0;
    if (from === undefined || to === undefined || !tag('searchID')) {
      res.writeHead(400, { 'Content-Type': 'application/xml' });
      res.end(
        '<ResponseStatus><statusCode>4</statusCode><statusString>Invalid XML Content</statusString></ResponseStatus>',
      );
      return;
    }
    const all = track === (this.o.channel ?? 101) ? this.within(from, to) : [];
    const page = all.slice(position, position + max);
    const status = all.length === 0 ? 'NO MATCHES' : position + page.length < all.length ? 'MORE' : 'OK';
    const items = page
      .map(
        (s) =>
          '<searchMatchItem><sourceID>{0000000000-0000-0000-0000-000000000000}</sourceID>' +
          `<trackID>${track}</trackID>` +
          `<timeSpan><startTime>${this.hik(s.start)}</startTime><endTime>${this.hik(s.end)}</endTime></timeSpan>` +
          '<mediaSegmentDescriptor><contentType>video</contentType><codecType>H.264-BP</codecType>' +
          `<playbackURI>rtsp://127.0.0.1/Streaming/tracks/${track}/?starttime=${this.hik(s.start).replace(/[-:]/g, '')}&amp;endtime=${this.hik(s.end).replace(/[-:]/g, '')}</playbackURI>` +
          '</mediaSegmentDescriptor></searchMatchItem>',
      )
      .join('');
    res.writeHead(200, { 'Content-Type': 'application/xml' });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<CMSearchResult version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">' +
        `<searchID>${tag('searchID')}</searchID><responseStatus>true</responseStatus>` +
        `<responseStatusStrg>${status}</responseStatusStrg><numOfMatches>${page.length}</numOfMatches>` +
        (page.length ? `<matchList>${items}</matchList>` : '') +
        '</CMSearchResult>',
    );
  }

  private dahuaFind(res: ServerResponse, q: URLSearchParams): void {
    const text = (s: string) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(s);
    };
    const action = q.get('action');
    if (action === 'factory.create') {
      const id = String(1000 + this.finders.size);
      this.finders.set(id, { from: 0, to: 0, next: 0 });
      return text(`result=${id}\r\n`);
    }
    const finder = this.finders.get(q.get('object') ?? '');
    if (!finder) return text('Error\r\n');
    if (action === 'findFile') {
      const from = this.truth(q.get('condition.StartTime') ?? '');
      const to = this.truth(q.get('condition.EndTime') ?? '');
      if (from === undefined || to === undefined) return text('Error\r\n');
      if (Number(q.get('condition.Channel')) !== (this.o.channel ?? 1) || this.within(from, to).length === 0)
        return text('Error\r\n');
      Object.assign(finder, { from, to, next: 0 });
      return text('OK\r\n');
    }
    if (action === 'findNextFile') {
      const count = Math.min(Number(q.get('count')) || 100, 100);
      const page = this.within(finder.from, finder.to).slice(finder.next, finder.next + count);
      finder.next += page.length;
      const lines = [`found=${page.length}`];
      page.forEach((s, i) => {
        lines.push(
          `items[${i}].Channel=${(this.o.channel ?? 1) - 1}`,
          `items[${i}].StartTime=${this.dahua(s.start)}`,
          `items[${i}].EndTime=${this.dahua(s.end)}`,
          `items[${i}].Type=dav`,
        );
      });
      return text(`${lines.join('\r\n')}\r\n`);
    }
    if (action === 'close') return text('OK\r\n');
    if (action === 'destroy') {
      this.finders.delete(q.get('object') ?? '');
      return text('OK\r\n');
    }
    text('Error\r\n');
  }
}
