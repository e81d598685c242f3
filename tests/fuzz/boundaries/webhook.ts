/**
 * The site hub's webhook source: raw HTTP requests over loopback TCP with any method, path, headers, tokens
 * (none, wrong, near-misses of a real one, huge), declared and actual lengths that disagree, and JSON bodies full
 * of hostile values, cut connections and slow senders. The log refuses some commits on purpose. A probe client
 * with its own token sends a valid alarm every second: it must get its 200 within 2 s with the report already
 * committed. Afterwards: every 2xx the fuzzer got names a report that is in the log, and every report is well formed.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { WebhookSourceConfig } from '../../../electron/hub/sources/webhook/config';
import { createWebhookSource } from '../../../electron/hub/sources/webhook/source';
import { ALARM_TYPES } from '../../../shared/domain/alarm';
import { WebhookClient } from '../../simulators/webhook-client';
import {
  checkSourceReports,
  checkSourceStatus,
  nastyText,
  within,
  type Boundary,
  probeWhile,
  fuzzLog,
  oneIn,
  eachCase,
} from '../lib';
import { quietContext } from '../../support/sink';

const SOURCE_ID = 'fuzz-hook';
const TOKEN = 'T'.repeat(24) + '-fuzz-client-token-01';
const PROBE_TOKEN = 'P'.repeat(24) + '-probe-client-token-1';

const value = fc.oneof(
  nastyText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
);
const validEvent = fc
  .record(
    {
      device: fc.constantFrom('door-1', 'door-2', 'gate', 'probe-door'),
      type: fc.constantFrom(...ALARM_TYPES, 'heartbeat'),
      state: fc.constantFrom('active', 'inactive', 'event'),
      id: fc.string({ minLength: 1, maxLength: 10 }).map((t) => t.replace(/[^\x21-\x7e]/g, 'x') || 'x'),
      at: fc.integer({ min: 1_000_000_000_000, max: 4_000_000_000_000 }),
      text: fc.string({ maxLength: 200 }),
      fields: fc.dictionary(
        fc.constantFrom('door', 'card', 'reader'),
        fc.oneof(fc.string({ maxLength: 50 }), fc.integer()),
        { maxKeys: 3 },
      ),
    },
    { requiredKeys: ['device', 'type'] },
  )
  .map((o) => JSON.stringify(o));
const hostileEvent = fc
  .record(
    {
      device: fc.oneof(fc.constantFrom('door-1', 'door-2', 'gate'), nastyText),
      type: fc.oneof(fc.constantFrom(...ALARM_TYPES, 'heartbeat'), nastyText),
      state: fc.oneof(fc.constantFrom('active', 'inactive', 'event'), nastyText),
      id: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), nastyText),
      at: fc.oneof(
        fc.integer(),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        nastyText,
      ),
      text: fc.oneof(nastyText, fc.string({ maxLength: 300 })),
      fields: fc.dictionary(
        fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor')),
        value,
        { maxKeys: 25 },
      ),
      extra: value,
    },
    { requiredKeys: [] },
  )
  .map((o) => JSON.stringify(o));

const kase = fc.record({
  method: fc.oneof(
    { weight: 12, arbitrary: fc.constant('POST') },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'OPTIONS', 'X') },
  ),
  path: fc.oneof(
    fc.constant('/hook'),
    fc.constant('/hook'),
    fc.constant('/hook?x=1'),
    nastyText.map((t) => `/${t.replace(/[^\x21-\x7e]/g, '%')}`),
  ),
  auth: fc.oneof(
    { weight: 15, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${TOKEN.slice(0, -1)}x`) },
    { weight: 1, arbitrary: fc.constant(`bearer ${TOKEN}`) },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: nastyText.map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${'A'.repeat(5000)}`) },
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    '',
  ),
  body: fc.oneof(
    { weight: 5, arbitrary: validEvent.map((s) => Buffer.from(s)) },
    { weight: 3, arbitrary: hostileEvent.map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }).map((n) => Buffer.from('['.repeat(n * 10))) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 2000, max: 20_000 })
        .map((n) => Buffer.from(`{"text":"${'x'.repeat(n)}"}`)),
    },
  ),
  length: fc.oneof(
    { weight: 12, arbitrary: fc.constant<'exact' | 'none' | number>('exact') },
    { weight: 1, arbitrary: fc.constant<'exact' | 'none' | number>('none') },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 40 }) },
  ),
  cut: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});
type Case = typeof kase extends fc.Arbitrary<infer T> ? T : never;

/** Sends one raw request; resolves with the reply's first line and body, or nothing if the connection ended first. */
function send(port: number, c: Case): Promise<string> {
  const len = c.length === 'exact' ? c.body.length : c.length;
  const head =
    `${c.method} ${c.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
    (c.auth ? `Authorization: ${c.auth}\r\n` : '') +
    (c.contentType ? `Content-Type: ${c.contentType}\r\n` : '') +
    (len === 'none' ? '' : `Content-Length: ${len}\r\n`) +
    '\r\n';
  const bytes = Buffer.concat([
    Buffer.from(head, 'latin1'),
    c.cut ? c.body.subarray(0, c.body.length >> 1) : c.body,
  ]);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, 300);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', done);
    socket.on('close', done);
    socket.once('connect', () => socket.write(bytes));
  });
}

const boundary: Boundary = {
  name: 'webhook',
  weight: 10,
  async run(ctx, tally) {
    // The log refuses one commit in thirteen (never the probe's): no 2xx may go out for those.
    const { sink, reports } = fuzzLog(oneIn(13, (r) => r.origin.client === 'probe'));
    const config = WebhookSourceConfig.parse({
      id: SOURCE_ID,
      port: 0,
      clients: [
        { name: 'fuzz', token: TOKEN, ratePerMinute: 60_000 },
        { name: 'probe', token: PROBE_TOKEN },
      ],
      devices: { 'door-1': { zone: 'lobby', cameras: ['cam-1'] }, gate: { clients: ['probe'] } },
      maxBodyBytes: 4096,
      authFailuresPerMinute: 10_000,
    });
    const source = createWebhookSource(config, quietContext(sink));
    await source.start();
    const port = source.port();
    const probeClient = new WebhookClient(`http://127.0.0.1:${port}/hook`, PROBE_TOKEN);

    let probes = 0;
    const probe = async () => {
      probes++;
      const reply = await within(
        probeClient.send({ device: 'probe-door', type: 'intrusion', id: `p-${probes}` }),
        ctx.stallMs,
      );
      if (!reply) tally.stall(`probe ${probes}: no reply within ${ctx.stallMs} ms`);
      else if (reply.status !== 200) tally.stall(`probe ${probes}: HTTP ${reply.status}`);
      else if (!reports.has((reply.body as { key: string }).key))
        tally.invalid(`probe ${probes}: 200 before its commit`);
    };
    const prober = probeWhile(probe);

    let ok = 0;
    let okWithoutCommit = 0;
    await eachCase(ctx, tally, kase, 8, async (c) => {
      const reply = await send(port, c);
      if (/^HTTP\/1\.1 2/.test(reply)) {
        ok++;
        const key = /"key":"((?:[^"\\]|\\.)*)"/.exec(reply)?.[1];
        if (!key || !reports.has(JSON.parse(`"${key}"`) as string)) okWithoutCommit++;
      }
    });
    await prober.finish();

    tally.invalid('2xx replies whose report is not in the log', okWithoutCommit);
    const all = [...reports.values()];
    checkSourceReports(tally, all, {
      kinds: ['alarm', 'restore', 'alive', 'event'],
      device: (id) => id.startsWith(`${SOURCE_ID}:`),
      keyMax: 1000,
    });
    tally.invalid(
      'reports for the probe-only device from another client',
      all.filter((r) => r.device.id === `${SOURCE_ID}:gate` && r.origin.client !== 'probe').length,
    );
    const status = source.status();
    checkSourceStatus(tally, status);
    ctx.progress(
      `${all.length} reports committed, ${ok} 2xx, ${status.counts.received} requests, ${status.counts.refused} refused, ` +
        `${status.counts.errors} commit errors, ${probes} probes`,
    );
    await source.stop();
  },
};

export default boundary;
