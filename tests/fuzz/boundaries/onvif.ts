/**
 * The site hub's ONVIF source as a client of hostile devices: a fuzz device answers GetSystemDateAndTime,
 * GetCapabilities, CreatePullPointSubscription and Renew (mostly well, sometimes with faults, odd times or
 * addresses) and each PullMessages with a drawn answer: notifications with any topic, items and values, many of
 * them, broken or deep XML, DOCTYPE, faults, HTTP errors, huge bodies. Three cameras subscribe to it at once. A
 * well-behaved probe device (tests/simulators/onvif-device.ts) raises and clears a field intrusion every second:
 * each must be in the log within 2 s. Afterwards every report must be well formed and the status bounded.
 */
import { createServer, type ServerResponse } from 'node:http';
import fc from 'fast-check';
import { OnvifSourceConfig } from '../../../electron/hub/sources/onvif/config';
import { createOnvifSource } from '../../../electron/hub/sources/onvif/source';
import { OnvifDevice } from '../../simulators/onvif-device';
import {
  checkCameraSource,
  nastyText,
  within,
  type Boundary,
  toggleProbe,
  hostileCameras,
  fuzzLog,
  oneIn,
  listenLoopback,
  eachCase,
} from '../lib';
import { quietContext } from '../../support/sink';

const SOURCE_ID = 'fuzz-onvif';
const OPEN =
  '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="t" xmlns:wsnt="w" xmlns:tev="e"><s:Body>';
const CLOSE = '</s:Body></s:Envelope>';
const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

const text = fc.oneof(nastyText, fc.constantFrom('true', 'false', '1', '0', 'VideoSourceToken', ''));
const topic = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'tns1:VideoSource/MotionAlarm',
      'tns1:RuleEngine/CellMotionDetector/Motion',
      'tns1:RuleEngine/LineDetector/Crossed',
      'tns1:RuleEngine/FieldDetector/ObjectsInside',
      'tns1:VideoSource/GlobalSceneChange/ImagingService',
      'tns1:RuleEngine/TamperDetector/Tamper',
      'tns1:VideoSource/SignalLoss',
      'x:RuleEngine/y:LineDetector/Crossed',
    ),
  },
  { weight: 1, arbitrary: text },
);
const item = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(
        'IsMotion',
        'State',
        'IsInside',
        'IsTamper',
        'ObjectId',
        'Rule',
        'VideoSourceConfigurationToken',
      ),
      text,
    ),
    text,
  )
  .map(([n, v]) => `<tt:SimpleItem Name="${esc(n)}" Value="${esc(v)}"/>`);
const notification = fc
  .record({
    topic,
    source: fc.array(item, { maxLength: 3 }),
    data: fc.array(item, { maxLength: 3 }),
    op: fc.constantFrom('Changed', 'Initialized', 'Deleted', ''),
    utc: fc.oneof(
      text,
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
  })
  .map(
    (n) =>
      `<wsnt:NotificationMessage><wsnt:Topic>${esc(n.topic)}</wsnt:Topic><wsnt:Message><tt:Message UtcTime="${esc(n.utc)}" PropertyOperation="${n.op}">` +
      `<tt:Source>${n.source.join('')}</tt:Source><tt:Data>${n.data.join('')}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`,
  );

const answer = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.array(notification, { maxLength: 12 }).map((ns) => ({
      status: 200,
      body: `${OPEN}<tev:PullMessagesResponse>${ns.join('')}</tev:PullMessagesResponse>${CLOSE}`,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({
      status: 400,
      body: `${OPEN}<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text>no</s:Text></s:Reason></s:Fault>${CLOSE}`,
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 300 })
      .map((b) => ({ status: 200, body: Buffer.from(b).toString('latin1') })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 100 })
      .map((n) => ({ status: 200, body: OPEN + '<a>'.repeat(n) + '</a>'.repeat(n) + CLOSE })),
  },
  { weight: 1, arbitrary: fc.constant({ status: 200, body: '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>' }) },
  { weight: 1, arbitrary: fc.constantFrom(500, 404, 401).map((status) => ({ status, body: '' })) },
  {
    weight: 1,
    // Just over maxResponseBytes (1 MiB): the source must stop reading, not buffer it.
    arbitrary: fc.constant({ status: 200, body: OPEN + 'x'.repeat(1_100_000) + CLOSE }),
  },
);
type Answer = typeof answer extends fc.Arbitrary<infer T> ? T : never;

const boundary: Boundary = {
  name: 'onvif',
  weight: 8,
  async run(ctx, tally) {
    // The log refuses one commit in thirteen (never the probe's): the source must give those events back.
    const { sink, reports } = fuzzLog(oneIn(13, (r) => r.device.id.endsWith(':probe')));
    const pulls: ServerResponse[] = [];
    let requests = 0;
    const reply = (res: ServerResponse, a: Answer) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(a.status, { 'Content-Type': 'application/soap+xml' });
      res.end(a.body);
    };
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests++;
        const xml = Buffer.concat(chunks).toString('utf8');
        const op = /<s:Body>\s*<(\w+)/.exec(xml)?.[1] ?? '';
        const now = new Date(Date.now() + ((requests * 7919) % 7200) * 1000 - 3_600_000);
        if (op === 'GetSystemDateAndTime')
          return reply(res, {
            status: 200,
            body:
              requests % 11 === 0
                ? `${OPEN}<x/>${CLOSE}`
                : `${OPEN}<r><tt:UTCDateTime><tt:Time><tt:Hour>${now.getUTCHours()}</tt:Hour><tt:Minute>${now.getUTCMinutes()}</tt:Minute><tt:Second>${now.getUTCSeconds()}</tt:Second></tt:Time>` +
                  `<tt:Date><tt:Year>${now.getUTCFullYear()}</tt:Year><tt:Month>${now.getUTCMonth() + 1}</tt:Month><tt:Day>${now.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></r>${CLOSE}`,
          });
        if (op === 'GetCapabilities')
          return reply(res, {
            status: 200,
            body: `${OPEN}<r><tt:Events><tt:XAddr>${requests % 13 === 0 ? 'nope' : 'http://10.0.0.9/onvif/events'}</tt:XAddr></tt:Events></r>${CLOSE}`,
          });
        if (op === 'CreatePullPointSubscription')
          return reply(res, {
            status: 200,
            body:
              `${OPEN}<r><tev:SubscriptionReference><a:Address xmlns:a="a">http://10.0.0.9/onvif/pull?s=${requests}</a:Address></tev:SubscriptionReference>` +
              `<wsnt:CurrentTime>${now.toISOString()}</wsnt:CurrentTime><wsnt:TerminationTime>${requests % 5 === 0 ? 'never' : new Date(now.getTime() + 60_000).toISOString()}</wsnt:TerminationTime></r>${CLOSE}`,
          });
        if (op === 'Renew')
          return reply(res, {
            status: requests % 17 === 0 ? 400 : 200,
            body:
              requests % 17 === 0
                ? `${OPEN}<s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code></s:Fault>${CLOSE}`
                : `${OPEN}<r><wsnt:CurrentTime>${now.toISOString()}</wsnt:CurrentTime><wsnt:TerminationTime>${new Date(now.getTime() + 60_000).toISOString()}</wsnt:TerminationTime></r>${CLOSE}`,
          });
        if (op === 'PullMessages') {
          pulls.push(res);
          return;
        }
        reply(res, { status: 200, body: `${OPEN}<ok/>${CLOSE}` });
      });
    });
    const { url: fuzzUrl, close } = await listenLoopback(server);
    const probeDevice = new OnvifDevice();
    await probeDevice.start();

    const config = OnvifSourceConfig.parse({
      id: SOURCE_ID,
      reconnectMinMs: 50,
      reconnectMaxMs: 100,
      pullTimeoutSec: 1,
      terminationSec: 30,
      commitRetrySec: 0.2,
      maxResponseBytes: 1024 * 1024,
      cameras: [
        ...hostileCameras(
          ['fz-1', 'fz-2', 'fz-3', 'fz-4', 'fz-5', 'fz-6', 'fz-7', 'fz-8'],
          fuzzUrl,
          'u',
          'p',
        ),
        { camera: 'probe', url: probeDevice.url, username: 'admin', password: 'onvif-pass' },
      ],
    });
    const source = createOnvifSource(config, quietContext(sink));
    await source.start();

    const probing = toggleProbe(ctx, tally, reports, {
      deviceId: `${SOURCE_ID}:probe`,
      ready: () => probeDevice.active > 0,
      notReady: 'the probe device has no subscription',
      fire: (active) =>
        probeDevice.emit(
          'tns1:RuleEngine/FieldDetector/ObjectsInside',
          { IsInside: String(active) },
          { Rule: 'probe' },
        ),
    });

    let delivered = 0;
    await eachCase(ctx, tally, answer, 8, async (a) => {
      const res = await within(
        (async () => {
          for (;;) {
            const next = pulls.shift();
            if (next && !next.destroyed) return next;
            await new Promise((r) => setTimeout(r, 5));
          }
        })(),
        250,
      );
      if (res) {
        reply(res, a);
        delivered++;
      }
    });
    await probing.finish();

    const { all, status } = checkCameraSource(tally, reports, source, {
      sourceId: SOURCE_ID,
      cameras: config.cameras,
      keyMax: 800,
      originMax: 300,
    });
    ctx.progress(
      `${all.length} reports committed (${all.filter((r) => r.kind === 'alarm').length} alarms), ${status.counts.received} notifications, ` +
        `${status.counts.refused} refused, ${requests} requests, ${delivered} pull answers drawn, ${probing.count} probes`,
    );
    for (const p of pulls) p.destroy();
    await source.stop();
    await probeDevice.stop();
    await close();
  },
};

export default boundary;
