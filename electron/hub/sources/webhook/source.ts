/**
 * The generic webhook source: `POST <path>` with a JSON event and `Authorization: Bearer <token>`, answered 2xx
 * only once the event is in the hub's log. Every refusal says what to fix (see README.md).
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { resolve } from 'node:path';
import type { RefusalCode, SourceProblem } from '../../../../shared/contract';
import { escapeRaw, problemOf, RefusedLog, sourceStatus } from '../source';
import type { Source, SourceContext, SourceReport, SourceStatus } from '../source';
import { WebhookEvent, type WebhookSourceConfig } from './config';

export interface WebhookSource extends Source {
  /** The bound port (after start). */
  port(): number;
}

/** A token bucket: `perMinute` per minute, bursts of the same size. */
class Bucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly perMinute: number,
    now: number,
  ) {
    this.tokens = perMinute;
    this.at = now;
  }
  take(now: number): number | undefined {
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.at) * this.perMinute) / 60_000);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    // Seconds until one token is back.
    return Math.max(1, Math.ceil(((1 - this.tokens) * 60) / this.perMinute));
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function createWebhookSource(
  config: WebhookSourceConfig,
  ctx: SourceContext,
  baseDir = process.cwd(),
): WebhookSource {
  const counts = { received: 0, committed: 0, refused: 0, errors: 0 };
  const refused = new RefusedLog();
  let lastMessageAt: number | undefined;
  let state: SourceStatus['state'] = 'stopped';
  let error: string | undefined;
  let problem: SourceProblem | undefined;
  let server: Server | undefined;
  let bound = 0;
  const sockets = new Set<Socket>();
  const clients = config.clients.map((c) => ({
    ...c,
    hash: digest(c.token),
    bucket: new Bucket(c.ratePerMinute, ctx.now()),
  }));
  const failures = new Map<string, Bucket>();
  const types = config.types ? new Set<string>(config.types) : undefined;

  const refuse = (code: RefusalCode, peer: string, reason: string, raw: Buffer) => {
    counts.refused++;
    refused.add({ at: ctx.now(), code, peer, reason, raw: escapeRaw(raw) });
  };

  const answer = (
    res: ServerResponse,
    status: number,
    body: object,
    headers: Record<string, string> = {},
  ) => {
    if (res.headersSent) return;
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };

  /** The client whose token this is; every token is compared, in constant time, whatever matches. */
  const authenticate = (header: string | undefined) => {
    const m = /^Bearer ([\x21-\x7e]{1,256})$/.exec(header ?? '');
    const given = digest(m?.[1] ?? '');
    let found: (typeof clients)[number] | undefined;
    for (const c of clients) if (timingSafeEqual(c.hash, given) && m) found = c;
    return found;
  };

  const readBody = (req: IncomingMessage): Promise<Buffer | 'too-big' | 'cut'> =>
    new Promise((resolveBody) => {
      const parts: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > config.maxBodyBytes) over = true;
        else parts.push(c);
        if (over) {
          req.pause();
          resolveBody('too-big');
        }
      });
      req.on('end', () => resolveBody(over ? 'too-big' : Buffer.concat(parts)));
      // The sender hung up before its body was complete: nothing to answer, nothing stored.
      req.on('error', () => resolveBody('cut'));
      req.on('close', () => resolveBody(over ? 'too-big' : 'cut'));
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = ctx.now();
    const path = (req.url ?? '').split('?')[0];
    if (path !== config.path)
      return answer(res, 404, { error: 'not_found', message: `POST events to ${config.path}` });
    if (req.method !== 'POST')
      return answer(res, 405, { error: 'method', message: 'use POST with a JSON body' }, { Allow: 'POST' });
    counts.received++;
    lastMessageAt = now;
    const address = req.socket.remoteAddress ?? '?';
    const client = authenticate(req.headers.authorization);
    if (!client) {
      let bucket = failures.get(address);
      if (!bucket) {
        if (failures.size > 10_000) failures.clear();
        bucket = new Bucket(config.authFailuresPerMinute, now);
        failures.set(address, bucket);
      }
      const wait = bucket.take(now);
      refuse(
        'unauthorized',
        address,
        req.headers.authorization ? 'unknown token' : 'no bearer token',
        Buffer.alloc(0),
      );
      res.shouldKeepAlive = false;
      if (wait !== undefined)
        return answer(
          res,
          429,
          { error: 'rate_limited', message: `too many failed sign-ins; retry in ${wait} s` },
          { 'Retry-After': String(wait) },
        );
      return answer(
        res,
        401,
        {
          error: 'unauthorized',
          message: 'send Authorization: Bearer <token> with the token the site hub issued to this client',
        },
        { 'WWW-Authenticate': `Bearer realm="${config.id}"` },
      );
    }
    const wait = client.bucket.take(now);
    if (wait !== undefined) {
      refuse(
        'rate_limited',
        client.name,
        `over ${client.ratePerMinute} requests per minute`,
        Buffer.alloc(0),
      );
      res.shouldKeepAlive = false;
      return answer(
        res,
        429,
        {
          error: 'rate_limited',
          message: `over ${client.ratePerMinute} requests per minute; retry in ${wait} s`,
        },
        { 'Retry-After': String(wait) },
      );
    }
    /** 413 and close: the rest of an oversized body is not worth reading (`then` ends the request). */
    const tooLarge = (what: string, then: () => void): void => {
      refuse('too_large', client.name, what, Buffer.alloc(0));
      res.shouldKeepAlive = false;
      answer(
        res,
        413,
        { error: 'too_large', message: `the body may be at most ${config.maxBodyBytes} bytes` },
        { Connection: 'close' },
      );
      then();
    };
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > config.maxBodyBytes) {
      tooLarge(`a body of ${declared} bytes`, () => req.destroy());
      return;
    }
    const body = await readBody(req);
    if (body === 'cut') {
      refuse('cut_off', client.name, 'the connection closed before the body was complete', Buffer.alloc(0));
      return;
    }
    if (body === 'too-big') {
      tooLarge(`a body over ${config.maxBodyBytes} bytes`, () => res.on('finish', () => req.destroy()));
      return;
    }
    const unprocessable = (message: string, code: RefusalCode = 'malformed') => {
      refuse(code, client.name, message, body);
      answer(res, 422, { error: 'invalid', message });
    };
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      return unprocessable('send Content-Type: application/json');
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      return unprocessable('the body is not UTF-8 JSON');
    }
    const parsed = WebhookEvent.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
        .join('; ');
      return unprocessable(`not a valid event — ${issues}`.slice(0, 300));
    }
    const e = parsed.data;
    if (e.type !== 'heartbeat' && types && !types.has(e.type))
      return unprocessable(
        `type ${e.type} is not accepted by this source (allowed: ${[...types].join(', ')})`,
        'ignored',
      );
    const device = Object.hasOwn(config.devices, e.device) ? config.devices[e.device] : undefined;
    if (!device && config.unknownDevices === 'refuse')
      return unprocessable(`device ${e.device} is not in the site file`, 'unknown_sender');
    if (device?.clients && !device.clients.includes(client.name))
      return unprocessable(`client ${client.name} may not speak for device ${e.device}`, 'unauthorized');
    const kind: SourceReport['kind'] =
      e.type === 'heartbeat'
        ? 'alive'
        : e.state === 'active'
          ? 'alarm'
          : e.state === 'inactive'
            ? 'restore'
            : 'event';
    const occurrence = e.id ?? randomUUID();
    const esc = encodeURIComponent;
    const origin: Record<string, string | number | boolean> = { protocol: 'webhook', client: client.name };
    if (e.type !== 'heartbeat' && kind === 'event') origin.event = e.type;
    for (const [k, v] of Object.entries(e.fields ?? {})) origin[`field.${k}`] = v;
    const report: SourceReport = {
      key: `webhook:${esc(config.id)}:${esc(client.name)}:${esc(e.device)}:${esc(occurrence)}:${kind}:${e.type}`,
      device: {
        id: `${config.id}:${e.device}`,
        kind: device?.kind ?? 'other',
        ...(device?.label !== undefined ? { label: device.label } : {}),
      },
      kind,
      ...(kind === 'alarm' || kind === 'restore'
        ? { type: e.type as Exclude<typeof e.type, 'heartbeat'> }
        : {}),
      ...(device?.zone !== undefined ? { zone: device.zone } : {}),
      ...(device && device.cameras.length > 0 ? { cameras: device.cameras } : {}),
      ...(device?.position !== undefined ? { location: device.position } : {}),
      at: e.at === undefined ? now : typeof e.at === 'number' ? e.at : Date.parse(e.at),
      ...(e.text !== undefined ? { text: e.text } : {}),
      origin,
    };
    try {
      await ctx.sink.commit(report);
    } catch (err) {
      counts.errors++;
      ctx.log.warn('webhook event not committed', { source: config.id, err: String(err) });
      return answer(
        res,
        503,
        {
          error: 'unavailable',
          message: 'the site hub could not store the event; send it again (same id) shortly',
        },
        { 'Retry-After': '5' },
      );
    }
    counts.committed++;
    answer(res, 200, { ok: true, key: report.key });
  }

  return {
    id: config.id,
    kind: 'webhook',
    port: () => bound,
    async start() {
      state = 'starting';
      const onRequest = (req: IncomingMessage, res: ServerResponse) => {
        handle(req, res).catch((err: unknown) => {
          counts.errors++;
          ctx.log.error('webhook request failed', { err: String(err) });
          answer(res, 500, {
            error: 'internal',
            message: 'the site hub failed on this request; see its log',
          });
        });
      };
      const tls = config.tls;
      server = tls
        ? createHttps(
            {
              cert: readFileSync(resolve(baseDir, tls.cert)),
              key: readFileSync(resolve(baseDir, tls.key)),
              ...(tls.ca ? { ca: readFileSync(resolve(baseDir, tls.ca)) } : {}),
            },
            onRequest,
          )
        : createHttp(onRequest);
      // Slow clients are cut: headers in 10 s, the whole request in 30 s, idle keep-alive after 5 s.
      server.headersTimeout = 10_000;
      server.requestTimeout = 30_000;
      server.keepAliveTimeout = 5_000;
      server.maxHeadersCount = 50;
      server.maxConnections = 512;
      server.on('connection', (s: Socket) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      try {
        await new Promise<void>((ok, fail) => {
          server?.once('error', fail);
          server?.listen(config.port, config.host, () => ok());
        });
      } catch (err) {
        state = 'failed';
        error = `cannot listen on ${config.host}:${config.port}: ${String(err)}`;
        problem = problemOf(err);
        throw err;
      }
      bound = (server.address() as AddressInfo).port;
      state = 'listening';
    },
    async stop() {
      state = 'stopped';
      const s = server;
      server = undefined;
      if (!s) return;
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((ok) => s.close(() => ok()));
    },
    status(): SourceStatus {
      return sourceStatus({
        id: config.id,
        kind: 'webhook',
        state,
        endpoint: bound
          ? `${config.tls ? 'https' : 'http'}://${config.host}:${bound}${config.path}`
          : undefined,
        peers: sockets.size,
        lastMessageAt,
        counts,
        refused,
        error,
        problem,
      });
    },
  };
}
