/**
 * One long-lived multipart HTTP stream from a camera (ISAPI's alert stream, Dahua's attach stream): Digest
 * authentication, an idle-timeout watchdog (any byte counts as life), and reconnection with doubling back-off.
 * What the parts mean is the caller's business.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  basicAuthorization,
  digestAuthorization,
  parseChallenge,
  type DigestChallenge,
} from '../../../common/digest';
import { boundaryOf, MultipartReader, type Part } from './multipart';
import type { SourceProblem } from '../../../../shared/contract';
import { problemOf } from '../source';

export interface StreamOptions {
  /** Base URL (`http://host:port`) and path with query. */
  url: string;
  path: string;
  username: string;
  password: string;
  allowBasic: boolean;
  /** Used when the response's Content-Type names no boundary (Dahua firmware that sends none). */
  defaultBoundary?: string;
  idleTimeoutMs: number;
  maxPartBytes: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  ca?: string | Buffer;
}

export interface StreamHooks {
  part(part: Part): void;
  refused(reason: string, raw: Buffer, code: 'too_large' | 'malformed'): void;
  connected(): void;
  /** The stream ended or could not be opened; `reason` is for a person. */
  disconnected(reason: string): void;
}

export class CameraStream {
  private req: ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private stopped = true;
  private backoff: number;
  private challenge: DigestChallenge | undefined;
  private nc = 0;
  private basic = false;
  isConnected = false;
  lastError: string | undefined;
  /** `lastError` as a word the console translates. */
  lastProblem: SourceProblem | undefined;
  attempts = 0;

  constructor(
    private readonly o: StreamOptions,
    private readonly hooks: StreamHooks,
  ) {
    this.backoff = o.reconnectMinMs;
  }

  start(): void {
    this.stopped = false;
    this.open(false);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.idle);
    this.req?.destroy();
    this.req = undefined;
  }

  private authorization(): string | undefined {
    if (this.basic) return basicAuthorization(this.o.username, this.o.password);
    if (!this.challenge) return undefined;
    return digestAuthorization(
      this.challenge,
      this.o.username,
      this.o.password,
      'GET',
      this.o.path,
      ++this.nc,
    );
  }

  private open(retryAfterChallenge: boolean): void {
    if (this.stopped) return;
    this.attempts++;
    const url = new URL(this.o.path, this.o.url);
    const auth = this.authorization();
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      agent: false,
      headers: {
        Accept: 'multipart/mixed, multipart/x-mixed-replace, */*',
        ...(auth ? { Authorization: auth } : {}),
      },
      ...(this.o.ca !== undefined ? { ca: this.o.ca } : {}),
    });
    this.req = req;
    let settled = false;
    const end = (reason: string, problem: SourceProblem = 'other') => {
      if (settled) return;
      settled = true;
      clearTimeout(this.idle);
      if (this.req === req) this.req = undefined;
      req.destroy();
      const was = this.isConnected;
      this.isConnected = false;
      this.lastError = reason;
      this.lastProblem = problem;
      if (was || !this.stopped) this.hooks.disconnected(reason);
      this.retry();
    };
    this.arm(() => end(`no data for ${Math.round(this.o.idleTimeoutMs / 1000)} s`, 'timeout'));
    req.on('error', (e) => end(`connection: ${e.message}`, problemOf(e)));
    req.on('response', (res: IncomingMessage) => {
      this.arm(() => end(`no data for ${Math.round(this.o.idleTimeoutMs / 1000)} s`, 'timeout'));
      if (res.statusCode === 401) {
        res.resume();
        const c = parseChallenge(res.headers['www-authenticate']);
        const fresh = c.ok && (!retryAfterChallenge || c.challenge.stale);
        if (c.ok && fresh) {
          this.challenge = c.challenge;
          this.nc = 0;
          settled = true;
          clearTimeout(this.idle);
          req.destroy();
          this.open(true);
          return;
        }
        if (!c.ok && c.basic && this.o.allowBasic && !this.basic) {
          this.basic = true;
          settled = true;
          clearTimeout(this.idle);
          req.destroy();
          this.open(true);
          return;
        }
        this.challenge = undefined;
        end(c.ok ? 'the camera refused the user name or password (401)' : `401: ${c.reason}`, 'unauthorized');
        return;
      }
      if (res.statusCode !== 200) {
        res.resume();
        end(
          `HTTP ${res.statusCode ?? '?'} from the camera`,
          res.statusCode === 403 ? 'unauthorized' : 'other',
        );
        return;
      }
      const boundary = boundaryOf(res.headers['content-type']) ?? this.o.defaultBoundary;
      if (!boundary) {
        res.resume();
        end(`not a multipart stream (Content-Type ${String(res.headers['content-type']).slice(0, 60)})`);
        return;
      }
      const reader = new MultipartReader(boundary, this.o.maxPartBytes, {
        part: (p) => {
          // A stream that delivers is healthy again: the next drop starts the back-off from the bottom.
          this.backoff = this.o.reconnectMinMs;
          this.hooks.part(p);
        },
        refused: (reason, raw, code) => this.hooks.refused(reason, raw, code),
      });
      this.isConnected = true;
      this.lastError = undefined;
      this.lastProblem = undefined;
      this.hooks.connected();
      res.on('data', (chunk: Buffer) => {
        this.arm(() => end(`no data for ${Math.round(this.o.idleTimeoutMs / 1000)} s`, 'timeout'));
        reader.push(chunk);
      });
      res.on('end', () => end('the camera ended the stream'));
      res.on('error', (e) => end(`stream: ${e.message}`, problemOf(e)));
      res.on('close', () => end('the stream closed'));
    });
    req.end();
  }

  private arm(fire: () => void): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(fire, this.o.idleTimeoutMs);
  }

  private retry(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const wait = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.o.reconnectMaxMs);
    this.timer = setTimeout(() => this.open(false), wait);
  }
}
