import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, createFrameTransport, type Envelope } from '../../shared/contract';
import { type ConsoleCore } from '../../electron/core';
import { createDesk } from '../../electron/desk';
import { silentLogger, type LogLine, createLogger } from '../../electron/common/log';
import { MAX_FRAME_BYTES, startWebHost, type WebHost } from '../../electron/web-host/server';
import { fakeSpawner } from '../support/fake-ffmpeg';
import { rawExchange } from '../support/raw-http';
import { tempDir } from '../support/temp';

/** Opens /api (or another path) and resolves with the socket, or rejects with the HTTP status. */
function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, maxPayload: 64 * 1024 * 1024 });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );

describe('web host and video gateway at the network boundary', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  let host: WebHost;
  const lines: LogLine[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    tmp = tempDir();
    const staticDir = join(tmp.dir, 'renderer');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
    core = await createDesk({
      dataDir: tmp.dir,
      dbFile: ':memory:',
      demo: { scenario: false },
      log: silentLogger,
      spawn: fakeSpawner().spawn,
      duty: { hashParams: { N: 1024, r: 8, p: 1 } },
    });
    host = await startWebHost({
      core,
      staticDir,
      log: createLogger({ sink: (l) => lines.push(l) }),
      limits: { headersTimeoutMs: 1000, requestTimeoutMs: 2000 },
    });
  });
  afterAll(async () => {
    await host.stop();
    await core.stop();
    tmp.cleanup();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    expect(uncaught).toEqual([]);
  });

  const served = async () => {
    const page = await rawExchange(host.port, [
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`,
    ]);
    expect(page.status).toBe(200);
  };
  const apiUrl = () => `ws://127.0.0.1:${host.port}/api?token=${host.token}`;
  const signedIn = async () => {
    const ws = await open(apiUrl());
    const side = createFrameTransport((text) => ws.send(text));
    ws.on('message', (data) => side.receive(data.toString()));
    return { ws, client: createClient(side.transport) };
  };

  it.each([
    ['a broken percent escape', 'GET /%E0%A4%A HTTP/1.1'],
    ['a target that is not a URL', 'GET //a:99999/ HTTP/1.1'],
  ])('answers %s with 400 and keeps serving', async (_what, line) => {
    const bad = await rawExchange(host.port, [`${line}\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`]);
    expect(bad.status).toBe(400);
    await served();
  });

  it.each([
    ['a broken percent escape', '/%E0%A4%A?token='],
    ['a target that is not a URL', '//a:99999/?token='],
  ])('refuses a WebSocket upgrade with %s and keeps serving', async (_what, target) => {
    const bad = await rawExchange(host.port, [
      `GET ${target}${host.token} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    ]);
    expect([400, 404]).toContain(bad.status);
    await served();
  });

  it('sends the page with a CSP that forbids framing and allows what the console needs', async () => {
    const page = await rawExchange(host.port, [
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`,
    ]);
    const csp = /content-security-policy: (.*)\r\n/i.exec(page.text)?.[1] ?? '';
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\*/);
    expect(page.text).toMatch(/x-frame-options: DENY/i);
  });

  it("takes /api only from the console's own page", async () => {
    await expect(open(apiUrl(), { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(open(apiUrl(), { origin: 'null' })).rejects.toThrow('HTTP 403');
    await expect(open(apiUrl(), { origin: `http://localhost:${host.port}` })).rejects.toThrow('HTTP 403');
    const own = await open(apiUrl(), { origin: `http://127.0.0.1:${host.port}` });
    own.close();
  });

  it('closes a frame over the contract’s largest call with 1009 and a log line, not a crash', async () => {
    const ws = await open(apiUrl());
    const done = closed(ws);
    ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect((await done).code).toBe(1009);
    await expect
      .poll(() => lines.some((l) => /refused a frame/.test(l.msg) && /payload/i.test(String(l.error))))
      .toBe(true);
    const { ws: next, client } = await signedIn();
    expect((await client.call('session.current')).operator).toBeNull();
    next.close();
  });

  it('carries the largest snapshot the contract accepts (12,000,000 base64 characters) to the router', async () => {
    const { ws, client } = await signedIn();
    await client.call('auth.setup', { username: 'admin', name: 'Admin', password: 'admin-pass-1' });
    const png = 'A'.repeat(12_000_000);
    const answer = await client.invoke('streams.snapshot', { cameraId: 'cam-none', profile: 'sub', png });
    // Refused by the service (no such camera), which means the frame arrived whole.
    expect(answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
    ws.close();
  });

  it("a call over the frame limit is refused by the page's transport with a message, and the session lives on", async () => {
    const ws = await open(apiUrl());
    let sent = 0;
    const side = createFrameTransport(
      (text) => {
        sent++;
        ws.send(text);
      },
      { maxFrameBytes: MAX_FRAME_BYTES },
    );
    ws.on('message', (data) => side.receive(data.toString()));
    const client = createClient(side.transport);
    const png = 'A'.repeat(MAX_FRAME_BYTES);
    const answer = await client.invoke('streams.snapshot', { cameraId: 'cam-none', profile: 'sub', png });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!answer.ok) expect(answer.error.message).toMatch(/more than the console takes in one call/);
    expect(sent).toBe(0);
    expect((await client.call('session.current')).operator).toBeNull();
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('closes a text frame with invalid UTF-8 (1007) and keeps serving', async () => {
    const ws = await open(apiUrl());
    const done = closed(ws);
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await done).code).toBe(1007);
    await served();
  });

  it('refuses calls beyond a generous per-session rate with an envelope a person can act on', async () => {
    const { ws, client } = await signedIn();
    // Batches below the cap on calls in flight, so it is the rate that refuses.
    const answers: Array<Envelope<unknown>> = [];
    for (let batch = 0; batch < 12; batch++) {
      answers.push(
        ...(await Promise.all(Array.from({ length: 50 }, () => client.invoke('system.info', {})))),
      );
    }
    const refused = answers.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(100);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    if (!refused[0]!.ok) expect(refused[0]!.error.message).toMatch(/Too many requests.*Wait a few seconds/);
    // A moment later the same window works again.
    await expect.poll(async () => (await client.invoke('system.info', {})).ok, { timeout: 5000 }).toBe(true);
    ws.close();
  });

  it('drops a connection whose headers never finish (slow-loris) and serves others meanwhile', async () => {
    const slow = rawExchange(
      host.port,
      ['GET / HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', 'X-a: b\r\n', 'X-c: d\r\n'],
      {
        dribbleMs: 400,
        timeoutMs: 8000,
      },
    );
    await served();
    const answer = await slow;
    expect(answer.end).not.toBe('timeout');
    expect(answer.ms).toBeLessThan(5000);
  });

  it('answers an oversize header block with 431', async () => {
    const big = await rawExchange(host.port, [
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    ]);
    expect(big.status).toBe(431);
    await served();
  });

  it('the video gateway refuses a malformed upgrade target instead of crashing', async () => {
    const port = Number(new URL(core.gateway.url).port);
    const upgrade = (target: string) =>
      rawExchange(port, [
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      ]);
    expect((await upgrade(`//a:99999/?token=${core.gateway.token}`)).status).toBe(400);
    expect((await upgrade(`/%E0%A4%A/main?token=${core.gateway.token}`)).status).toBe(404);
    expect((await upgrade(`/cam/main?token=wrong`)).status).toBe(401);
    const page = await rawExchange(port, [`GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`]);
    expect(page.status).toBe(426);
  });
});
