import fc from 'fast-check';
import { DEFAULT_GUARD_SETTINGS } from '../../../electron/core/guards/service';
import { startOsmandServer } from '../../../electron/core/guards/osmand';
import { silentLogger } from '../../../electron/common/log';
import { startCore } from '../../support/core';
import { demoPhone } from '../../support/demo-phones';
import { rawExchange, type RawOptions } from '../../support/raw-http';
import { tempDir } from '../../support/temp';
import {
  HEADERS_TIMEOUT_MS,
  escapedBytes,
  loopbackArb,
  nastyText,
  within,
  type Boundary,
  probeWhile,
  weighted,
  eachCase,
} from '../lib';

/** guard-05's phone only answers probes; the cases use the other guards' phones. */
const PROBE_GUARD = 'guard-05';
const CASE_IDS = ['guard-01', 'guard-02', 'guard-03', 'guard-04'].map(demoPhone);

const now = () => Date.now();
const number = fc.oneof(
  fc.double({ noDefaultInfinity: false, noNaN: false }).map(String),
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ min: -200, max: 200, noNaN: true }).map((n) => n.toFixed(6)),
  nastyText,
);
const timestamp = fc.oneof(
  fc.constant(() => String(Math.floor(now() / 1000))),
  fc.integer({ min: -86_400 * 2, max: 86_400 * 2 }).map((d) => () => String(Math.floor(now() / 1000) + d)),
  fc
    .constantFrom('0', '1', '-1', '99999999999999', '1e400', '2026-13-45T99:99:99Z', 'yesterday')
    .map((t) => () => t),
  nastyText.map((t) => () => t),
);
const deviceId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CASE_IDS) },
  { weight: 1, arbitrary: fc.constantFrom('guard-phone-01', 'guard-phone-03', `${CASE_IDS[0]}x`) },
  { weight: 2, arbitrary: nastyText },
);
/** Near the demo site, or anywhere, or not a coordinate at all. */
const coordinate = fc.oneof(
  fc
    .tuple(
      fc.double({ min: 30.27, max: 30.275, noNaN: true }),
      fc.double({ min: 120.15, max: 120.156, noNaN: true }),
    )
    .map(([a, b]) => [a.toFixed(6), b.toFixed(6)] as const),
  fc.tuple(number, number),
);

/** One OsmAnd report as fields; encoded later as a query, a form body or Traccar 9's JSON. */
const fields = fc.record({
  id: deviceId,
  idKey: fc.constantFrom('id', 'deviceid', 'device_id', ''),
  at: coordinate,
  timestamp,
  speed: fc.option(number),
  bearing: fc.option(number),
  accuracy: fc.option(number),
  batt: fc.option(number),
  alarm: fc.option(fc.oneof(fc.constant('sos'), fc.constant('SOS'), nastyText), { freq: 4 }),
  extra: fc.array(fc.tuple(nastyText, nastyText), { maxLength: 3 }),
});

type Fields = typeof fields extends fc.Arbitrary<infer T> ? T : never;

function query(f: Fields): string {
  const pairs: Array<[string, string]> = [];
  if (f.idKey) pairs.push([f.idKey, f.id]);
  pairs.push(['lat', f.at[0]], ['lon', f.at[1]], ['timestamp', f.timestamp()]);
  for (const k of ['speed', 'bearing', 'accuracy', 'batt', 'alarm'] as const) {
    const v = f[k];
    if (v !== null) pairs.push([k, v]);
  }
  pairs.push(...f.extra);
  return new URLSearchParams(pairs).toString();
}

function json(f: Fields): string {
  const n = (v: string | null) => (v === null ? undefined : Number.isNaN(Number(v)) ? v : Number(v));
  return JSON.stringify({
    device_id: f.id,
    location: {
      timestamp: f.timestamp(),
      coords: {
        latitude: n(f.at[0]),
        longitude: n(f.at[1]),
        speed: n(f.speed),
        heading: n(f.bearing),
        accuracy: n(f.accuracy),
      },
      battery: { level: n(f.batt) },
      extras: f.alarm === null ? {} : { alarm: f.alarm },
    },
  });
}

const target = fc.oneof(
  { weight: 6, arbitrary: fc.constant('/') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '//a:99999/',
      '/%E0%A4%A',
      '*',
      'http://x:99999/',
      '/?%',
      '/\u0000',
      '/..%2f..%2fetc/passwd',
      '//',
    ),
  },
  { weight: 1, arbitrary: escapedBytes.map((e) => `/${e}?${e}`) },
);

const kase = fc.record({
  fields,
  encoding: fc.constantFrom('query', 'form', 'json', 'json-as-form', 'bytes'),
  method: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('POST', 'GET') },
    { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'OPTIONS', 'BREW', 'G\u00c9T') },
  ),
  target,
  mode: weighted({
    whole: 30,
    cut: 3,
    'huge-headers': 2,
    'chunked-garbage': 2,
    'cl-te': 1,
    garbage: 2,
    pipelined: 1,
    'declared-huge': 1,
  }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 400 }),
  from: fc.oneof(loopbackArb, fc.constant('127.0.0.1')),
  keepAlive: fc.boolean(),
});

type Case = typeof kase extends fc.Arbitrary<infer T> ? T : never;

function encode(c: Case, port: number): { parts: Array<string | Buffer>; options: RawOptions } {
  let path = c.target;
  let body: Buffer = Buffer.alloc(0);
  let type = 'application/x-www-form-urlencoded';
  if (c.encoding === 'query') path = `${c.target}${c.target.includes('?') ? '&' : '?'}${query(c.fields)}`;
  else if (c.encoding === 'form') body = Buffer.from(query(c.fields));
  else if (c.encoding === 'json') {
    body = Buffer.from(json(c.fields));
    type = 'application/json';
  } else if (c.encoding === 'json-as-form') body = Buffer.from(json(c.fields));
  else body = Buffer.from(c.bytes);
  const head = (extra: string, length = body.length) =>
    `${c.method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${type}\r\n` +
    `Content-Length: ${length}\r\n${c.keepAlive ? '' : 'Connection: close\r\n'}${extra}\r\n`;
  const options: RawOptions = { localAddress: c.from, timeoutMs: 4000 };
  switch (c.mode) {
    case 'cut':
      return { parts: [head('', body.length + 10_000), body], options: { ...options, hangUp: true } };
    case 'huge-headers':
      return { parts: [head(`X-Pad: ${'a'.repeat(9000 + c.bytes.length * 50)}\r\n`), body], options };
    case 'chunked-garbage':
      return {
        parts: [
          `${c.method} ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`,
          `${Buffer.from(c.bytes).toString('hex').slice(0, 6)}\r\n`,
          body,
          '\r\nzz\r\n',
        ],
        options: { ...options, hangUp: true },
      };
    case 'cl-te':
      return {
        parts: [head('Transfer-Encoding: chunked\r\n'), '0\r\n\r\n', body],
        options: { ...options, hangUp: true },
      };
    case 'garbage':
      return { parts: [Buffer.from(c.bytes), '\r\n\r\n'], options: { ...options, hangUp: true } };
    case 'pipelined':
      return {
        parts: [head(''), body, head(''), body, 'GET /%%% HTTP/1.1\r\n\r\n'],
        options: { ...options, hangUp: true },
      };
    case 'declared-huge':
      return { parts: [head('', 50_000_000), body], options: { ...options, hangUp: true } };
    default:
      return { parts: [head(''), body], options: c.keepAlive ? options : { ...options, hangUp: true } };
  }
}

const boundary: Boundary = {
  name: 'osmand',
  weight: 35,
  async run(ctx, tally) {
    const tmp = tempDir('fuzz-osmand-');
    const core = await startCore(tmp.dir, { dbFile: ':memory:', backups: { enabled: false } });
    // The production endpoint and guard service, with short header timeouts so slow-loris cases end quickly.
    const server = await startOsmandServer({
      host: '127.0.0.1',
      port: 0,
      log: silentLogger,
      now,
      ...core.guards.phoneEndpoint(),
      limits: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: HEADERS_TIMEOUT_MS + 1000 },
    });
    const port = server.port;
    const probeId = demoPhone(PROBE_GUARD);
    let probes = 0;

    const probe = async (sos: boolean) => {
      const at = Math.floor(now() / 1000);
      const q = `id=${probeId}&lat=30.2705&lon=120.1536&timestamp=${at}${sos ? '&alarm=sos' : ''}`;
      const answer = await rawExchange(
        port,
        [`POST /?${q} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`],
        {
          localAddress: '127.0.9.9',
          timeoutMs: ctx.stallMs,
        },
      );
      probes++;
      if (answer.status === 0 && answer.end === 'reset') {
        tally.crashes++;
        tally.note('the endpoint stopped accepting connections');
        return;
      }
      if (answer.status !== 200) {
        tally.stall(`a valid report got ${answer.status || answer.end} after ${Math.round(answer.ms)} ms`);
        return;
      }
      if (!sos) return;
      const raised = await within(
        (async () => {
          for (;;) {
            const row = await core
              .db('alarm_sources')
              .where({ source: 'guard', source_id: `sos:${PROBE_GUARD}:${at * 1000}` })
              .first();
            if (row) return true;
            await new Promise((r) => setTimeout(r, 50));
          }
        })(),
        ctx.stallMs,
      );
      if (!raised) tally.stall('a valid SOS raised no alarm within 2 s');
    };
    const prober = probeWhile(() => probe(probes % 10 === 5), 1100);

    // About one case in 400 is a slow-loris connection that runs alongside the others.
    const slowLoris = {
      at: 7,
      port,
      lines: ['POST / HTTP/1.1\r\n', 'Host: x\r\n', 'X-a: 1\r\n', 'X-b: 2\r\n', 'X-c: 3\r\n', 'X-d: 4\r\n'],
      options: { localAddress: '127.0.8.8' },
    };
    await eachCase(
      ctx,
      tally,
      kase,
      8,
      async (c) => {
        const { parts, options } = encode(c, port);
        await rawExchange(port, parts, options);
      },
      slowLoris,
    );
    await prober.stop();
    await probe(true);

    // The database after the run: every stored position is a real place and a sane time, or flagged.
    const rows = (await core.db('guard_positions').select()) as Array<{
      guard_id: string;
      lat: number;
      lon: number;
      at: number;
      flag: string | null;
      received_at: number | null;
      device: string | null;
      source: string;
    }>;
    const guards = new Set(['guard-01', 'guard-02', 'guard-03', 'guard-04', 'guard-05']);
    const s = DEFAULT_GUARD_SETTINGS;
    tally.invalid(
      'positions off the globe, of unknown guards, without a device, or with a bad flag',
      rows.filter(
        (r) =>
          !Number.isFinite(r.lat) ||
          !Number.isFinite(r.lon) ||
          Math.abs(r.lat) > 90 ||
          Math.abs(r.lon) > 180 ||
          !Number.isSafeInteger(r.at) ||
          r.at < 0 ||
          !guards.has(r.guard_id) ||
          r.source !== 'osmand' ||
          !r.device ||
          r.received_at === null ||
          (r.flag !== null && r.flag !== 'jump' && r.flag !== 'time'),
      ).length,
    );
    tally.invalid(
      'unflagged positions with a time far from when they arrived',
      rows.filter(
        (r) =>
          r.flag === null &&
          r.received_at !== null &&
          (r.at < r.received_at - s.flagPastMs || r.at > r.received_at + s.flagFutureMs),
      ).length,
    );
    const sos = (await core.db('alarms').where({ type: 'guard_sos' }).select('raised_at', 'text')) as Array<{
      raised_at: number;
      text: string | null;
    }>;
    tally.invalid(
      'SOS alarms with a time far from now or without the device and address',
      sos.filter(
        (a) => Math.abs(a.raised_at - now()) > s.flagPastMs || !/phone .* from 127\./.test(a.text ?? ''),
      ).length,
    );
    tally.invalid(
      'SOS alarms carrying a phone secret',
      sos.filter((a) => CASE_IDS.some((id) => a.text?.includes(id))).length,
    );
    ctx.progress(
      `${rows.length} positions stored (${rows.filter((r) => r.flag).length} flagged), ${sos.length} SOS alarms, ${probes} probes`,
    );

    await server.stop();
    await core.stop();
    tmp.cleanup();
  },
};

export default boundary;
