/**
 * A client of the hub's webhook as an access-control or property platform would be, written from the webhook's
 * documented contract (electron/hub/sources/webhook/README.md: JSON body, bearer token, status codes) with
 * node:http only: it can send a well-formed event, retry it on 503 or 429 as the contract asks (same `id`,
 * after `Retry-After`), or send anything at all (raw bytes, any headers, a declared length).
 */
import { request } from 'node:http';

export interface WebhookReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export class WebhookClient {
  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
  ) {}

  /** Sends anything; resolves with the reply (or rejects when the connection failed before one). */
  raw(r: RawRequest = {}): Promise<WebhookReply> {
    const u = new URL(r.path ?? '', this.url);
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
    return new Promise((resolve, reject) => {
      const req = request(
        u,
        {
          method: r.method ?? 'POST',
          agent: false,
          headers: {
            ...(this.token !== undefined ? { Authorization: `Bearer ${this.token}` } : {}),
            ...(body ? { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } : {}),
            ...r.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** One event as JSON. */
  send(event: Record<string, unknown>, headers: Record<string, string> = {}): Promise<WebhookReply> {
    return this.raw({ body: JSON.stringify(event), headers });
  }

  /**
   * Sends until a 2xx, or a refusal that retrying cannot fix (4xx other than 429), waiting `Retry-After`
   * (capped by `maxWaitMs`) between tries; the event keeps its `id`, so the hub stores it once.
   */
  async deliver(event: Record<string, unknown>, attempts = 5, maxWaitMs = 200): Promise<WebhookReply[]> {
    const replies: WebhookReply[] = [];
    for (let i = 0; i < attempts; i++) {
      const reply = await this.send(event);
      replies.push(reply);
      if (reply.status < 300 || (reply.status < 500 && reply.status !== 429)) break;
      const after = Number(reply.headers['retry-after'] ?? '1');
      await new Promise((r) => setTimeout(r, Math.min(after * 1000, maxWaitMs)));
    }
    return replies;
  }
}
