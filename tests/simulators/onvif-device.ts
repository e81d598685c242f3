/**
 * A fake ONVIF device (Profile S event service) over real loopback HTTP, written from the ONVIF Core and Event
 * specifications, WS-BaseNotification and the ingest guide §3 — not from the hub's source. It answers
 * GetSystemDateAndTime (unauthenticated, from its own clock, which can be set off from ours), GetCapabilities
 * (an Events XAddr only), CreatePullPointSubscription, PullMessages (held until a notification is queued or the
 * Timeout passes), Renew and Unsubscribe. Every other call must carry a WS-UsernameToken whose PasswordDigest
 * checks out and whose Created is within `maxSkewSec` of the device's clock, or it answers the NotAuthorized
 * fault. A subscription past its TerminationTime answers Pull and Renew with a fault, as devices do.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OnvifDeviceOptions {
  username?: string;
  password?: string;
  /** The device's clock runs this far ahead of ours. */
  clockOffsetMs?: number;
  /** How far a token's Created may be from the device's clock. */
  maxSkewSec?: number;
  /** Pulls do not extend the subscription (onvif/specs #506): only Renew does. */
  pullDoesNotRenew?: boolean;
}

interface Notification {
  topic: string;
  source: Record<string, string>;
  data: Record<string, string>;
  operation: 'Initialized' | 'Changed' | 'Deleted';
  utc: string;
}

interface Subscription {
  id: string;
  terminatesAt: number;
  queue: Notification[];
  waiting?: () => void;
}

const ENV_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" ' +
  'xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" ' +
  'xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" ' +
  'xmlns:wsa5="http://www.w3.org/2005/08/addressing" xmlns:tns1="http://www.onvif.org/ver10/topics" ' +
  'xmlns:ter="http://www.onvif.org/ver10/error"><env:Body>';
const ENV_CLOSE = '</env:Body></env:Envelope>';

/** WSS UsernameToken Profile 1.0: Base64(SHA-1(nonce + created + password)). */
export function wsseDigest(nonceB64: string, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonceB64, 'base64'), Buffer.from(created), Buffer.from(password)]))
    .digest('base64');
}

/** ONVIF Application Programmer's Guide §6.1.1.3. */
export const PUBLISHED_WSSE_VECTOR = {
  nonce: 'LKqI6G/AikKCQrN0zqZFlg==',
  created: '2010-09-16T07:50:45Z',
  password: 'userpassword',
  digest: 'tuOSpGlFlIXsozq4HFNeeGeFLEI=',
} as const;

const tag = (xml: string, name: string) =>
  new RegExp(`<(?:\\w+:)?${name}\\b[^>]*>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)?.[1];

export class OnvifDevice {
  private server: Server | undefined;
  private readonly subs = new Map<string, Subscription>();
  port = 0;
  readonly calls: string[] = [];
  authFailures = 0;
  creates = 0;
  renews = 0;
  unsubscribes = 0;
  /** The Created values seen, for checking the client used the device's clock. */
  readonly created: string[] = [];

  constructor(private readonly o: OnvifDeviceOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  now(): number {
    return Date.now() + (this.o.clockOffsetMs ?? 0);
  }
  get active(): number {
    return [...this.subs.values()].filter((s) => s.terminatesAt > this.now()).length;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.subs.values()) s.waiting?.();
    await new Promise<void>((r) => {
      if (!this.server) return r();
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }

  /** Queues a notification on every live subscription. */
  emit(
    topic: string,
    data: Record<string, string>,
    source: Record<string, string> = {},
    operation: Notification['operation'] = 'Changed',
  ): void {
    const n = {
      topic,
      data,
      source,
      operation,
      utc: new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    for (const s of this.subs.values()) {
      s.queue.push(n);
      s.waiting?.();
    }
  }

  /** Ends every subscription now (a device reboot or an expiry). */
  expireAll(): void {
    for (const s of this.subs.values()) {
      s.terminatesAt = 0;
      s.waiting?.();
    }
  }

  private send(res: ServerResponse, status: number, body: string): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
    res.end(ENV_OPEN + body + ENV_CLOSE);
  }

  private fault(res: ServerResponse, subcode: string, reason: string, status = 400): void {
    this.send(
      res,
      status,
      `<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>${subcode}</env:Value></env:Subcode></env:Code>` +
        `<env:Reason><env:Text xml:lang="en">${reason}</env:Text></env:Reason></env:Fault>`,
    );
  }

  private authorized(xml: string): boolean {
    const user = tag(xml, 'Username');
    const password = tag(xml, 'Password');
    const nonce = tag(xml, 'Nonce');
    const created = tag(xml, 'Created');
    if (!user || !password || !nonce || !created) return false;
    this.created.push(created);
    const skew = Math.abs(Date.parse(created) - this.now());
    return (
      user === (this.o.username ?? 'admin') &&
      password === wsseDigest(nonce, created, this.o.password ?? 'onvif-pass') &&
      Number.isFinite(skew) &&
      skew <= (this.o.maxSkewSec ?? 5) * 1000
    );
  }

  private time(ms: number): string {
    return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  }

  private handle(req: IncomingMessage, res: ServerResponse, xml: string): void {
    const op = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(xml)?.[1] ?? '';
    this.calls.push(op);
    if (op === 'GetSystemDateAndTime') {
      const d = new Date(this.now());
      return this.send(
        res,
        200,
        `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>` +
          `<tt:UTCDateTime><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>` +
          `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime>` +
          `</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
      );
    }
    if (!this.authorized(xml)) {
      this.authFailures++;
      return this.fault(res, 'ter:NotAuthorized', 'Sender not Authorized', 400);
    }
    if (op === 'GetCapabilities') {
      return this.send(
        res,
        200,
        `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Events><tt:XAddr>http://192.168.1.64/onvif/event_service</tt:XAddr>` +
          `<tt:WSSubscriptionPolicySupport>true</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport>` +
          `</tt:Events></tds:Capabilities></tds:GetCapabilitiesResponse>`,
      );
    }
    if (op === 'CreatePullPointSubscription') {
      const initial = /PT(\d+)S/.exec(tag(xml, 'InitialTerminationTime') ?? '')?.[1];
      if (!initial) return this.fault(res, 'ter:InvalidArgVal', 'InitialTerminationTime required');
      const id = randomUUID();
      const now = this.now();
      this.subs.set(id, { id, terminatesAt: now + Number(initial) * 1000, queue: [] });
      this.creates++;
      return this.send(
        res,
        200,
        `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa5:Address>http://192.168.1.64/onvif/pullpoint?sub=${id}</wsa5:Address></tev:SubscriptionReference>` +
          `<wsnt:CurrentTime>${this.time(now)}</wsnt:CurrentTime><wsnt:TerminationTime>${this.time(now + Number(initial) * 1000)}</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`,
      );
    }
    const sub = this.subs.get(new URL(req.url ?? '/', 'http://x').searchParams.get('sub') ?? '');
    if (op === 'PullMessages' || op === 'Renew' || op === 'Unsubscribe') {
      if (!sub || sub.terminatesAt <= this.now())
        return this.fault(
          res,
          'wsrf-rw:ResourceUnknownFault',
          'the subscription does not exist or has expired',
        );
    }
    if (!sub) return this.fault(res, 'ter:ActionNotSupported', `unknown operation ${op}`);
    if (op === 'Unsubscribe') {
      this.unsubscribes++;
      this.subs.delete(sub.id);
      return this.send(res, 200, '<wsnt:UnsubscribeResponse/>');
    }
    if (op === 'Renew') {
      this.renews++;
      const secs = Number(/PT(\d+)S/.exec(tag(xml, 'TerminationTime') ?? '')?.[1] ?? 60);
      const now = this.now();
      sub.terminatesAt = now + secs * 1000;
      return this.send(
        res,
        200,
        `<wsnt:RenewResponse><wsnt:TerminationTime>${this.time(sub.terminatesAt)}</wsnt:TerminationTime><wsnt:CurrentTime>${this.time(now)}</wsnt:CurrentTime></wsnt:RenewResponse>`,
      );
    }
    if (op === 'PullMessages') {
      const timeout = Number(/PT(\d+)S/.exec(tag(xml, 'Timeout') ?? '')?.[1] ?? 1) * 1000;
      const limit = Number(tag(xml, 'MessageLimit') ?? 10);
      const answer = () => {
        sub.waiting = undefined;
        clearTimeout(timer);
        if (sub.terminatesAt <= this.now())
          return this.fault(res, 'wsrf-rw:ResourceUnknownFault', 'the subscription has expired');
        const now = this.now();
        if (!this.o.pullDoesNotRenew) sub.terminatesAt = Math.max(sub.terminatesAt, now + 10_000);
        const msgs = sub.queue.splice(0, limit);
        this.send(
          res,
          200,
          `<tev:PullMessagesResponse><tev:CurrentTime>${this.time(now)}</tev:CurrentTime><tev:TerminationTime>${this.time(sub.terminatesAt)}</tev:TerminationTime>` +
            msgs
              .map(
                (m) =>
                  `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${m.topic}</wsnt:Topic>` +
                  `<wsnt:Message><tt:Message UtcTime="${m.utc}" PropertyOperation="${m.operation}"><tt:Source>` +
                  Object.entries(m.source)
                    .map(([k, v]) => `<tt:SimpleItem Name="${k}" Value="${v}"/>`)
                    .join('') +
                  '</tt:Source><tt:Data>' +
                  Object.entries(m.data)
                    .map(([k, v]) => `<tt:SimpleItem Name="${k}" Value="${v}"/>`)
                    .join('') +
                  '</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>',
              )
              .join('') +
            '</tev:PullMessagesResponse>',
        );
      };
      const timer = setTimeout(answer, timeout);
      if (sub.queue.length > 0) return answer();
      sub.waiting = answer;
      res.on('close', () => {
        if (sub.waiting === answer) sub.waiting = undefined;
        clearTimeout(timer);
      });
      return;
    }
    this.fault(res, 'ter:ActionNotSupported', `unknown operation ${op}`);
  }
}
