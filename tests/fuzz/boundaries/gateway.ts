import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { StreamGateway } from '../../../electron/core/streams/gateway';
import { systemClock } from '../../../electron/common/clock';
import { silentLogger } from '../../../electron/common/log';
import { fakeSpawner } from '../../support/fake-ffmpeg';
import { rawExchange, type RawOptions } from '../../support/raw-http';
import {
  HEADERS_TIMEOUT_MS,
  escapedBytes,
  nastyText,
  within,
  type Boundary,
  probeWhile,
  weighted,
  eachCase,
} from '../lib';

const WS_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

const kase = fc.record({
  upgrade: fc.boolean(),
  path: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('/cam/main', '/cam/sub') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '/cam/hd',
        '/nope/main',
        '/cam/main/extra',
        '//a:99999/',
        '/%E0%A4%A/main',
        '/',
        '*',
      ),
    },
    { weight: 1, arbitrary: escapedBytes.map((e) => `/${e}/main`) },
    {
      weight: 1,
      arbitrary: nastyText.map((t) => `/${encodeURIComponent(t.replace(/[\uD800-\uDFFF]/g, ''))}/sub`),
    },
  ),
  token: fc.constantFrom('good', 'bad', 'none', 'escape'),
  host: fc.constantFrom('own', 'own', 'own', 'localhost', 'evil.example', ''),
  after: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.uint8Array({ maxLength: 80 }).map((b) => ({ kind: 'raw' as const, bytes: b })),
  ),
  /** For upgrades that succeed: what the "player" sends before it leaves. */
  play: fc.oneof(
    fc.constant('leave'),
    fc.constant('hang-up'),
    fc.constant('text'),
    fc.constant('oversize'),
    fc.constant('bad-utf8'),
    fc.constant('binary'),
  ),
  mode: weighted({ whole: 20, 'huge-headers': 2, garbage: 2 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 200 }),
});

type Case = typeof kase extends fc.Arbitrary<infer T> ? T : never;

function raw(c: Case, port: number, token: string): { parts: Array<string | Buffer>; options: RawOptions } {
  const t = c.token === 'good' ? token : c.token === 'bad' ? 'nope' : c.token === 'escape' ? '%E0%A4%A' : '';
  const target = `${c.path}${t ? `?token=${t}` : ''}`;
  const host = c.host === 'own' ? `127.0.0.1:${port}` : c.host === 'localhost' ? `localhost:${port}` : c.host;
  const options: RawOptions = { timeoutMs: 4000, hangUp: true };
  if (c.mode === 'garbage') return { parts: [Buffer.from(c.bytes), '\r\n\r\n'], options };
  const pad = c.mode === 'huge-headers' ? `X-Pad: ${'c'.repeat(17_000 + c.bytes.length * 50)}\r\n` : '';
  const upgrade = c.upgrade
    ? `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${WS_KEY}\r\nSec-WebSocket-Version: 13\r\n`
    : '';
  const after = c.after.kind === 'raw' ? Buffer.from(c.after.bytes) : Buffer.alloc(0);
  return {
    parts: [`GET ${target} HTTP/1.1\r\n${host ? `Host: ${host}\r\n` : ''}${upgrade}${pad}\r\n`, after],
    options,
  };
}

/** A well-formed player that plays a part: leaves, hangs up, or sends what a player never would. */
async function player(c: Case, url: string): Promise<void> {
  const ws = new WebSocket(url, { maxPayload: 1 << 20 });
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
    ws.once('unexpected-response', () => resolve(false));
  });
  ws.on('error', () => undefined);
  if (!opened) return;
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  if (c.play === 'text') ws.send('hello');
  else if (c.play === 'oversize') ws.send(Buffer.alloc(64 * 1024), { binary: true });
  else if (c.play === 'bad-utf8') ws.send(Buffer.from([0xff, 0xfe, 0xc0]), { binary: false });
  else if (c.play === 'binary') ws.send(Buffer.from(c.bytes), { binary: true });
  if (c.play === 'hang-up') ws.terminate();
  else ws.close();
  await within(closed, 3000);
}

const boundary: Boundary = {
  name: 'gateway',
  weight: 10,
  async run(ctx, tally) {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-gateway-'));
    const fake = fakeSpawner();
    const gateway = new StreamGateway({
      cameras: [{ id: 'cam', name: 'cam', streams: { main: 'synthetic:testsrc2' }, transport: 'tcp' }],
      clock: systemClock,
      log: silentLogger,
      workDir: dir,
      spawn: fake.spawn,
      idleStopMs: 50,
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      onStatus: () => undefined,
    });
    await gateway.start();
    const port = Number(new URL(gateway.url).port);
    const probe = async () => {
      const ws = new WebSocket(`${gateway.url}/cam/sub?token=${gateway.token}`);
      ws.on('error', () => undefined);
      const opened = await within(
        new Promise<boolean>((resolve) => {
          ws.once('open', () => resolve(true));
          ws.once('error', () => resolve(false));
          ws.once('unexpected-response', () => resolve(false));
        }),
        ctx.stallMs,
      );
      if (!opened) tally.stall('a valid player could not connect within 2 s');
      ws.terminate();
    };
    const prober = probeWhile(probe);
    const slowLoris = {
      at: 13,
      port,
      lines: ['GET /cam/main HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', 'X-a: 1\r\n', 'X-b: 2\r\n', 'X-c: 3\r\n'],
    };
    await eachCase(
      ctx,
      tally,
      kase,
      6,
      async (c, i) => {
        // Half the cases are raw bytes; the rest a real WebSocket client with a fuzzed target.
        if (i % 2 === 0 || c.mode !== 'whole') {
          const { parts, options } = raw(c, port, gateway.token);
          await rawExchange(port, parts, options);
        } else {
          const t = c.token === 'good' ? gateway.token : 'nope';
          await player(c, `${gateway.url}${c.path.startsWith('/') ? c.path : '/'}?token=${t}`);
        }
      },
      slowLoris,
    );
    await prober.finish();
    // No database here: what must be clean afterwards is the gateway's own state.
    const lingering = await within(
      (async () => {
        for (;;) {
          const viewers = gateway.statuses().reduce((n, s) => n + s.viewers, 0);
          if (viewers === 0) return 0;
          await new Promise((r) => setTimeout(r, 100));
        }
      })(),
      5000,
    );
    if (lingering === undefined) tally.invalid('viewers still registered after every socket closed');
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  },
};

export default boundary;
