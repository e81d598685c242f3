/**
 * One HTTP request to a device (an NVR's search API): Digest when the device answers 401 with a challenge (the
 * challenge is kept, so later requests go out signed at once), Basic only where the device offers nothing else,
 * a timeout on the whole exchange and an answer cut off at `maxBytes` — a device on the site network is not
 * trusted to be quick or small.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basicAuthorization, digestAuthorization, parseChallenge, type DigestChallenge } from './digest';

export interface DeviceAnswer {
  status: number;
  body: string;
}

export class DeviceHttpError extends Error {}

export interface DeviceHttpOptions {
  username?: string | undefined;
  password?: string | undefined;
  timeoutMs: number;
  maxBytes: number;
}

interface Raw extends DeviceAnswer {
  authenticate?: string | string[] | undefined;
}

function send(
  url: URL,
  method: string,
  body: string | undefined,
  headers: Record<string, string>,
  o: DeviceHttpOptions,
): Promise<Raw> {
  const data = body === undefined ? undefined : Buffer.from(body, 'utf8');
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method,
        agent: false,
        timeout: o.timeoutMs,
        headers: { ...headers, ...(data ? { 'Content-Length': String(data.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > o.maxBytes) {
            res.destroy();
            reject(new DeviceHttpError(`the device's answer is larger than ${o.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            authenticate: res.headers['www-authenticate'],
          }),
        );
      },
    );
    // The socket's idle timeout, and a cap on the whole exchange (a device that trickles bytes).
    const whole = setTimeout(
      () => req.destroy(new DeviceHttpError('the device did not answer in time')),
      o.timeoutMs,
    );
    req.on('timeout', () => req.destroy(new DeviceHttpError('the device did not answer in time')));
    req.on('error', (err) => reject(err instanceof DeviceHttpError ? err : new DeviceHttpError(err.message)));
    req.on('close', () => clearTimeout(whole));
    req.end(data);
  });
}

/** A device's HTTP API as one account sees it: the Digest challenge and its request count are kept between calls. */
export class DeviceHttp {
  private challenge: DigestChallenge | undefined;
  private nc = 0;
  private basic = false;

  constructor(private readonly o: DeviceHttpOptions) {}

  async request(
    url: string,
    init: { method?: string; body?: string; contentType?: string } = {},
  ): Promise<DeviceAnswer> {
    const u = new URL(url);
    const method = init.method ?? 'GET';
    const headers = (): Record<string, string> => ({
      ...(init.contentType ? { 'Content-Type': init.contentType } : {}),
      ...this.authorization(method, u.pathname + u.search),
    });
    let res = await send(u, method, init.body, headers(), this.o);
    if (res.status === 401 && this.o.username !== undefined) {
      const c = parseChallenge(res.authenticate);
      if (c.ok) {
        this.challenge = c.challenge;
        this.nc = 0;
      } else if (c.basic && u.protocol === 'https:') this.basic = true;
      else if (c.basic)
        throw new DeviceHttpError(
          'the device offers only Basic sign-in, which would send the password in clear over HTTP: use HTTPS',
        );
      else throw new DeviceHttpError(`the device refused the sign-in: ${c.reason}`);
      res = await send(u, method, init.body, headers(), this.o);
    }
    if (res.status === 401) {
      // A stale nonce would have been answered with a new challenge above: this is the account itself.
      this.challenge = undefined;
      throw new DeviceHttpError('the device refused the user name or password (HTTP 401)');
    }
    return { status: res.status, body: res.body };
  }

  private authorization(method: string, uri: string): Record<string, string> {
    const { username, password = '' } = this.o;
    if (username === undefined) return {};
    if (this.challenge)
      return {
        Authorization: digestAuthorization(this.challenge, username, password, method, uri, ++this.nc),
      };
    return this.basic ? { Authorization: basicAuthorization(username, password) } : {};
  }
}
