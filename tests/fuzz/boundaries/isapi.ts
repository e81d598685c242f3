/**
 * The site hub's ISAPI camera source as a client of hostile cameras: a fuzz server answers the alert-stream
 * request (sometimes with odd statuses and challenges) and writes multipart bodies full of broken boundaries,
 * huge or lying Content-Lengths, deep or malformed XML, DOCTYPE entity bombs, alerts with hostile values and
 * JSON parts, then ends or stalls the stream. Several cameras stream from it at once. A well-behaved probe camera
 * (tests/simulators/isapi-camera.ts) raises and clears a field intrusion every second: each must be in the log
 * within 2 s. Afterwards every committed report must be well formed and the status bounded.
 */
import { createServer, type ServerResponse } from 'node:http';
import fc from 'fast-check';
import { IsapiSourceConfig } from '../../../electron/hub/sources/isapi/config';
import { createIsapiSource } from '../../../electron/hub/sources/isapi/source';
import { alertXml, IsapiCamera } from '../../simulators/isapi-camera';
import {
  checkCameraSource,
  nastyText,
  within,
  type Boundary,
  waitUntil,
  toggleProbe,
  hostileCameras,
  fuzzLog,
  oneIn,
  listenLoopback,
  eachCase,
} from '../lib';
import { quietContext } from '../../support/sink';

const SOURCE_ID = 'fuzz-isapi';
const FUZZ_CAMERAS = ['fz-1', 'fz-2', 'fz-3'];

const text = fc.oneof(
  nastyText,
  fc.constantFrom('VMD', 'linedetection', 'videoloss', 'active', 'inactive', '1', ''),
);
const alert = fc
  .record({
    eventType: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'VMD',
          'linedetection',
          'fielddetection',
          'tamperdetection',
          'shelteralarm',
          'videoloss',
          'PIR',
          'IO',
        ),
      },
      { weight: 1, arbitrary: text },
    ),
    eventState: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('active', 'inactive') },
      { weight: 1, arbitrary: text },
    ),
    channel: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constant(1)),
    namespace: fc.constantFrom('ver20', 'ver10', 'stdCgi', 'isapiOrg', 'none'),
    prefix: fc.constantFrom('', 'hik:', 'a:'),
    emptyActivePostCount: fc.boolean(),
    regionId: fc.option(fc.integer({ min: -5, max: 100000 }), { nil: undefined }),
    dateTime: fc.oneof(
      text,
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
  })
  .map((a) => Buffer.from(alertXml(a as Parameters<typeof alertXml>[0])));

const body = fc.oneof(
  { weight: 6, arbitrary: alert },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 200 }).map((n) => Buffer.from('<a>'.repeat(n) + '</a>'.repeat(n))),
  },
  {
    weight: 1,
    arbitrary: fc.constant(
      Buffer.from(
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><EventNotificationAlert>&b;</EventNotificationAlert>',
      ),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .dictionary(
        fc.constantFrom('eventType', 'eventState', 'channelID', 'dateTime', '__proto__'),
        fc.oneof(text, fc.integer(), fc.constant(null)),
      )
      .map((o) => Buffer.from(JSON.stringify(o))),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300_000 }).map((n) => Buffer.alloc(n, 0x3c)) },
);

const part = fc.record({
  body,
  contentType: fc.constantFrom(
    'application/xml; charset="UTF-8"',
    'application/json',
    'image/jpeg',
    'text/plain',
    '',
  ),
  length: fc.oneof(
    { weight: 20, arbitrary: fc.constant<'exact' | 'none' | number>('exact') },
    { weight: 3, arbitrary: fc.constant<'exact' | 'none' | number>('none') },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 32 }) },
  ),
  boundary: fc.constantFrom('--boundary', '--boundary', '-- boundary', 'boundary', '--bound', ''),
  lf: fc.boolean(),
});

const kase = fc.record({
  parts: fc.array(part, { minLength: 1, maxLength: 4 }),
  then: fc.constantFrom('continue', 'continue', 'continue', 'end', 'garbage'),
  split: fc.integer({ min: 1, max: 64 }),
});
type Case = typeof kase extends fc.Arbitrary<infer T> ? T : never;

function bytesOf(c: Case): Buffer {
  const out: Buffer[] = [];
  for (const p of c.parts) {
    const nl = p.lf ? '\n' : '\r\n';
    const len = p.length === 'exact' ? p.body.length : p.length;
    out.push(
      Buffer.from(
        `${p.boundary}${nl}${p.contentType ? `Content-Type: ${p.contentType}${nl}` : ''}${len === 'none' ? '' : `Content-Length: ${len}${nl}`}${nl}`,
      ),
      p.body,
      Buffer.from(nl),
    );
  }
  return Buffer.concat(out);
}

const boundary: Boundary = {
  name: 'isapi',
  weight: 10,
  async run(ctx, tally) {
    // The log refuses one commit in thirteen (never the probe's): the source must give those events back.
    const { sink, reports } = fuzzLog(oneIn(13, (r) => r.device.id.endsWith(':probe')));
    const streams = new Set<ServerResponse>();
    let served = 0;
    let delivered = 0;
    const server = createServer((req, res) => {
      served++;
      // Now and then the camera answers something other than a stream.
      if (served % 17 === 0) {
        res
          .writeHead(401, {
            'WWW-Authenticate': served % 2 ? 'Digest realm="x", nonce=""' : 'Basic realm="x"',
          })
          .end();
        return;
      }
      if (served % 23 === 0) {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html/>');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'multipart/mixed; boundary=boundary' });
      res.flushHeaders();
      streams.add(res);
      res.on('close', () => streams.delete(res));
      res.on('finish', () => streams.delete(res));
    });
    const { url: fuzzUrl, close } = await listenLoopback(server);
    const probeCam = new IsapiCamera({ heartbeatMs: 500 });
    await probeCam.start();

    const config = IsapiSourceConfig.parse({
      id: SOURCE_ID,
      reconnectMinMs: 50,
      reconnectMaxMs: 200,
      idleTimeoutSec: 2,
      maxPartBytes: 64 * 1024,
      commitRetrySec: 0.2,
      autoClearSec: 30,
      cameras: [
        ...hostileCameras(FUZZ_CAMERAS, fuzzUrl, 'admin', 'x'),
        { camera: 'probe', url: probeCam.url, username: 'admin', password: 'hik12345' },
      ],
    });
    const source = createIsapiSource(config, quietContext(sink));
    await source.start();

    const probing = toggleProbe(ctx, tally, reports, {
      deviceId: `${SOURCE_ID}:probe`,
      ready: () => probeCam.open > 0,
      notReady: 'the probe camera stream was not reopened',
      fire: (active) =>
        probeCam.send({
          eventType: 'fielddetection',
          eventState: active ? 'active' : 'inactive',
          channel: 1,
        }),
      detail: () => `${JSON.stringify(source.streams().at(-1))}, ${probeCam.connections} probe streams`,
    });

    await eachCase(ctx, tally, kase, 2, async (c) => {
      const bytes = bytesOf(c);
      // Cases go to the streams open now; after an ended stream, wait for the source to come back.
      await waitUntil(() => [...streams].some((r) => !r.writableEnded && !r.destroyed), 1000, 10);
      const targets = [...streams].filter((r) => !r.writableEnded && !r.destroyed);
      if (targets.length > 0) delivered++;
      for (const res of targets) {
        if (res.writableEnded || res.destroyed) continue;
        const step = Math.ceil(bytes.length / c.split);
        for (let i = 0; i < bytes.length && !res.destroyed && !res.writableEnded; i += step) {
          // A stream the source dropped never drains: give up on it after a second.
          if (!res.write(bytes.subarray(i, i + step)))
            await within(new Promise((r) => res.once('drain', r)), 1000);
        }
        if (c.then === 'end' && !res.writableEnded) res.end();
        if (c.then === 'garbage' && !res.writableEnded) res.write(Buffer.from('\r\n\r\n--boundary\r\n\r\n'));
      }
    });
    // Let the source read what was written before it is judged.
    await waitUntil(() => ![...streams].some((r) => r.writableLength > 0), 10_000);
    await probing.finish();

    const { all, status } = checkCameraSource(tally, reports, source, {
      sourceId: SOURCE_ID,
      cameras: config.cameras,
      keyMax: 600,
      originMax: 200,
    });
    ctx.progress(
      `${all.length} reports committed (${all.filter((r) => r.kind === 'alarm').length} alarms), ${status.counts.received} parts, ` +
        `${status.counts.refused} refused, ${served} stream requests, ${delivered} cases delivered, ${probing.count} probes`,
    );
    await source.stop();
    await probeCam.stop();
    await close();
  },
};

export default boundary;
