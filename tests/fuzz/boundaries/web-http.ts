import fc from 'fast-check';
import { rawExchange, type RawOptions } from '../../support/raw-http';
import { escapedBytes, nastyText, type Boundary, probeWhile, weighted, eachCase } from '../lib';
import { checkDatabase, SECRET_TEXT, startHostUnderTest } from '../web-host-under-test';

const WS_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/);
const headerValue = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
  nastyText.map((t) => t.replace(/[\r\n]/g, '')),
);

const kase = fc.record({
  method: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('GET', 'HEAD') },
    {
      weight: 2,
      arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PRI', 'G\u00c9T'),
    },
  ),
  path: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('/', '/index.html', '/assets/app.js', '/api', '/nope') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '/../secret.txt',
        '/%2e%2e/secret.txt',
        '/%2e%2e%2fsecret.txt',
        '/..%5csecret.txt',
        '/assets/../../secret.txt',
        '/%E0%A4%A',
        '//a:99999/',
        '/%00',
        '*',
        'http://127.0.0.1:1/',
        '/\u0000',
        '/%C0%AE%C0%AE/secret.txt',
      ),
    },
    { weight: 2, arbitrary: escapedBytes.map((e) => `/${e}`) },
    { weight: 1, arbitrary: nastyText.map((t) => `/${encodeURI(t.replace(/[\uD800-\uDFFF]/g, ''))}`) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => `/${'a'.repeat(n)}`) },
  ),
  query: fc.oneof(
    fc.constant(''),
    escapedBytes.map((e) => `?${e}`),
    fc.constant('?token=%'),
  ),
  host: fc.oneof(
    { weight: 6, arbitrary: fc.constant('own') },
    { weight: 1, arbitrary: fc.constantFrom('localhost', 'evil.example', '', '127.0.0.1:1', '[::1]') },
  ),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
  upgrade: fc.option(
    fc.record({
      path: fc.constantFrom('/api', '/api/', '/nope', '/%E0%A4%A', '//a:99999/'),
      token: fc.constantFrom('good', 'bad', 'none', 'escape'),
      origin: fc.constantFrom('none', 'own', 'evil', 'null', 'localhost'),
      key: fc.constantFrom(WS_KEY, 'short', ''),
      version: fc.constantFrom('13', '8', 'x'),
      after: fc.uint8Array({ maxLength: 64 }),
    }),
    { freq: 3 },
  ),
  mode: weighted({ whole: 30, 'huge-headers': 2, garbage: 2, 'cut-body': 2, 'chunked-garbage': 1 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }),
});

type Case = typeof kase extends fc.Arbitrary<infer T> ? T : never;

function encode(
  c: Case,
  port: number,
  token: string,
): { parts: Array<string | Buffer>; options: RawOptions } {
  const host =
    c.host === 'own' ? `Host: 127.0.0.1:${port}\r\n` : c.host === '' ? '' : `Host: ${c.host}:${port}\r\n`;
  const extra = c.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const options: RawOptions = { timeoutMs: 4000, hangUp: true };
  if (c.upgrade) {
    const u = c.upgrade;
    const t =
      u.token === 'good' ? token : u.token === 'bad' ? 'nope' : u.token === 'escape' ? '%E0%A4%A' : '';
    const origin =
      u.origin === 'own'
        ? `http://127.0.0.1:${port}`
        : u.origin === 'evil'
          ? 'http://evil.example'
          : u.origin === 'localhost'
            ? `http://localhost:${port}`
            : u.origin;
    const head =
      `GET ${u.path}${t ? `?token=${t}` : ''} HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${u.key}\r\nSec-WebSocket-Version: ${u.version}\r\n` +
      `${u.origin === 'none' ? '' : `Origin: ${origin}\r\n`}${extra}\r\n`;
    // Bytes after the handshake are read as WebSocket frames: random ones are a protocol error to survive.
    return { parts: [head, Buffer.from(u.after)], options };
  }
  const line = `${c.method} ${c.path}${c.query} HTTP/1.1\r\n`;
  switch (c.mode) {
    case 'huge-headers':
      return { parts: [line, host, `X-Pad: ${'b'.repeat(17_000 + c.bytes.length * 100)}\r\n\r\n`], options };
    case 'garbage':
      return { parts: [Buffer.from(c.bytes), '\r\n\r\n'], options };
    case 'cut-body':
      return { parts: [line, host, 'Content-Length: 100000\r\n\r\n', Buffer.from(c.bytes)], options };
    case 'chunked-garbage':
      return {
        parts: [line, host, 'Transfer-Encoding: chunked\r\n\r\n', 'zz\r\n', Buffer.from(c.bytes)],
        options,
      };
    default:
      return { parts: [line, host, extra, '\r\n'], options };
  }
}

const boundary: Boundary = {
  name: 'web-http',
  weight: 25,
  async run(ctx, tally) {
    const { core, host, stop } = await startHostUnderTest();
    const probe = async () => {
      const page = await rawExchange(
        host.port,
        [`GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`],
        { timeoutMs: ctx.stallMs },
      );
      if (page.status === 0 && page.end === 'reset') {
        tally.crashes++;
        tally.note('the web host stopped accepting connections');
      } else if (page.status !== 200) tally.stall(`the page was not served (${page.status || page.end})`);
    };
    const prober = probeWhile(probe);
    const slowLoris = {
      at: 11,
      port: host.port,
      lines: ['GET / HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', 'X-a: 1\r\n', 'X-b: 2\r\n', 'X-c: 3\r\n'],
    };
    await eachCase(
      ctx,
      tally,
      kase,
      8,
      async (c) => {
        const { parts, options } = encode(c, host.port, host.token);
        const answer = await rawExchange(host.port, parts, options);
        if (answer.text.includes(SECRET_TEXT))
          tally.invalid(`served a file outside its folder for ${c.path}`);
      },
      slowLoris,
    );
    await prober.finish();
    await checkDatabase(core, tally);
    await stop();
  },
};

export default boundary;
