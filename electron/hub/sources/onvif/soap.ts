/**
 * A SOAP 1.2 client for one ONVIF device: envelopes with WS-Addressing and a WS-UsernameToken stamped with the
 * device's time, HTTP Digest when the device asks for it at the HTTP layer too, bounded responses, and faults
 * turned into errors that say what the device said.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { digestAuthorization, parseChallenge, type DigestChallenge } from '../../../common/digest';
import { parseXml, path, xmlEscape, type XmlElement } from '../../../common/xml';
import { securityHeader } from './wsse';

export class SoapFault extends Error {
  constructor(
    readonly code: string,
    readonly subcode: string,
    reason: string,
  ) {
    super(`SOAP fault ${subcode || code}: ${reason}`.slice(0, 300));
  }
}

export class HttpError extends Error {}

export interface SoapOptions {
  username: string;
  password: string;
  /** Added to our clock to get the device's (from GetSystemDateAndTime). */
  offsetMs(): number;
  now(): number;
  maxResponseBytes: number;
  ca?: Buffer;
}

export class SoapClient {
  private challenge: DigestChallenge | undefined;
  private nc = 0;

  constructor(private readonly o: SoapOptions) {}

  /** POSTs one request; `secure: false` for the calls ONVIF allows without credentials (GetSystemDateAndTime). */
  async call(
    url: string,
    action: string,
    body: string,
    opts: { secure?: boolean; timeoutMs: number; to?: boolean },
  ): Promise<XmlElement> {
    const header =
      (opts.secure === false
        ? ''
        : securityHeader(this.o.username, this.o.password, this.o.now() + this.o.offsetMs())) +
      `<a:Action s:mustUnderstand="1">${xmlEscape(action)}</a:Action>` +
      `<a:MessageID>urn:uuid:${randomUUID()}</a:MessageID>` +
      (opts.to ? `<a:To s:mustUnderstand="1">${xmlEscape(url)}</a:To>` : '');
    const envelope =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing">' +
      `<s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
    let res = await this.post(url, action, envelope, opts.timeoutMs);
    if (res.status === 401) {
      const c = parseChallenge(res.authenticate);
      if (c.ok) {
        this.challenge = c.challenge;
        this.nc = 0;
        res = await this.post(url, action, envelope, opts.timeoutMs);
      }
    }
    let root: XmlElement | undefined;
    try {
      root = parseXml(res.body, { maxBytes: this.o.maxResponseBytes, maxDepth: 40, maxElements: 20_000 });
    } catch (e) {
      if (res.status !== 200) throw new HttpError(`HTTP ${res.status} from the device`);
      throw new HttpError(`the device's answer is not XML (${(e as Error).message})`);
    }
    const fault = path(root, 'Body', 'Fault');
    if (fault) {
      const code = path(fault, 'Code', 'Value')?.text ?? path(fault, 'faultcode')?.text ?? '';
      const sub = path(fault, 'Code', 'Subcode', 'Value')?.text ?? '';
      const reason = path(fault, 'Reason', 'Text')?.text ?? path(fault, 'faultstring')?.text ?? '';
      throw new SoapFault(code, sub, reason);
    }
    if (res.status !== 200) throw new HttpError(`HTTP ${res.status} from the device`);
    const bodyEl = path(root, 'Body');
    if (!bodyEl) throw new HttpError('a SOAP answer without a Body');
    return bodyEl;
  }

  private post(
    url: string,
    action: string,
    envelope: string,
    timeoutMs: number,
  ): Promise<{ status: number; body: string; authenticate?: string | string[] }> {
    const u = new URL(url);
    const auth = this.challenge
      ? digestAuthorization(
          this.challenge,
          this.o.username,
          this.o.password,
          'POST',
          u.pathname + u.search,
          ++this.nc,
        )
      : undefined;
    const data = Buffer.from(envelope, 'utf8');
    return new Promise((resolve, reject) => {
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
        u,
        {
          method: 'POST',
          agent: false,
          timeout: timeoutMs,
          headers: {
            'Content-Type': `application/soap+xml; charset=utf-8; action="${action}"`,
            'Content-Length': String(data.length),
            ...(auth ? { Authorization: auth } : {}),
          },
          ...(this.o.ca ? { ca: this.o.ca } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > this.o.maxResponseBytes) {
              req.destroy(new HttpError(`an answer over ${this.o.maxResponseBytes} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ...(res.headers['www-authenticate'] ? { authenticate: res.headers['www-authenticate'] } : {}),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new HttpError(`no answer within ${Math.round(timeoutMs / 1000)} s`)),
      );
      req.on('error', reject);
      req.end(data);
    });
  }
}
