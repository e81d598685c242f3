/**
 * The console as a client of a hostile NVR (issue 15): each recording search (Hikvision ISAPI and Dahua
 * mediaFileFind) gets drawn answers — results with any times and counts, MORE for ever, broken or deep XML,
 * DOCTYPE, key=value lines with absurd counts, HTTP errors, bodies past the size cap, answers that never come.
 * Every search must end within its timeout, either with spans inside the asked window (sorted, not overlapping)
 * or with an error; nothing may escape as an unhandled rejection. After each case a well-behaved NVR (the
 * simulator) must be searched correctly within the stall deadline.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import fc from 'fast-check';
import { NvrChannel } from '../../../shared/domain/nvr';
import { nvrSearch } from '../../../electron/core/recordings/nvr';
import { FakeNvr } from '../../simulators/nvr';
import { eachCase, listenLoopback, nastyText, within, type Boundary } from '../lib';

const HOUR = 3_600_000;
const hikTime = fc
  .oneof(
    fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace('.000Z', '+08:00')),
    nastyText,
  )
  .map((s) => s.replace(/[<&]/g, ''));
const dahuaTime = fc.oneof(
  fc
    .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 19).replace('T', ' ')),
  nastyText.map((s) => s.replace(/[\r\n]/g, '')),
);

const hikAnswer = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .record({
        status: fc.constantFrom('OK', 'MORE', 'NO MATCHES', 'more', ''),
        items: fc.array(fc.tuple(hikTime, hikTime), { maxLength: 60 }),
      })
      .map(
        ({ status, items }) =>
          `<?xml version="1.0"?><CMSearchResult><responseStatusStrg>${status}</responseStatusStrg><matchList>` +
          items
            .map(
              ([a, b]) =>
                `<searchMatchItem><timeSpan><startTime>${a}</startTime><endTime>${b}</endTime></timeSpan></searchMatchItem>`,
            )
            .join('') +
          '</matchList></CMSearchResult>',
      ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }).map((n) => '<a>'.repeat(n) + '</a>'.repeat(n)) },
  { weight: 1, arbitrary: fc.constant('<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')) },
);
const dahuaAnswer = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .record({
        found: fc.oneof(fc.nat({ max: 120 }).map(String), fc.constantFrom('-1', '1e9', 'x', '')),
        items: fc.array(fc.tuple(dahuaTime, dahuaTime), { maxLength: 60 }),
      })
      .map(
        ({ found, items }) =>
          `found=${found}\r\n` +
          items.map(([a, b], i) => `items[${i}].StartTime=${a}\r\nitems[${i}].EndTime=${b}\r\n`).join(''),
      ),
  },
  { weight: 2, arbitrary: fc.constantFrom('result=77\r\n', 'OK\r\n', 'Error\r\n', 'result=../../x\r\n', '') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')) },
);
const transport = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'ok' as const }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(500, 404, 401, 403).map((status) => ({ kind: 'status' as const, status })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'huge' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'silent' as const }) },
);
const nvrCase = fc.record({
  vendor: fc.constantFrom('hikvision' as const, 'dahua' as const),
  answers: fc.array(fc.tuple(fc.oneof(hikAnswer, dahuaAnswer), transport), { minLength: 1, maxLength: 8 }),
});
type NvrCase = typeof nvrCase extends fc.Arbitrary<infer T> ? T : never;

const boundary: Boundary = {
  name: 'nvr',
  weight: 2,
  async run(ctx, tally) {
    // One hostile NVR per lane, each answering the requests of its current case in order.
    const lanes = 3;
    const servers = await Promise.all(
      Array.from({ length: lanes }, async () => {
        const state: { answers: NvrCase['answers']; next: number } = { answers: [], next: 0 };
        const server = createServer((req: IncomingMessage, res: ServerResponse) => {
          req.resume();
          const [body, how] = state.answers[Math.min(state.next++, state.answers.length - 1)] ?? [
            '',
            { kind: 'ok' },
          ];
          if (how.kind === 'silent') return; // the client's timeout must end it
          if (how.kind === 'status') return void res.writeHead(how.status).end(body);
          if (how.kind === 'huge') return void res.writeHead(200).end('x'.repeat(600 * 1024));
          res.writeHead(200, { 'Content-Type': 'text/plain' }).end(body);
        });
        const { url, close } = await listenLoopback(server);
        return { state, port: Number(new URL(url).port), close };
      }),
    );
    const probe = new FakeNvr({
      vendor: 'hikvision',
      spans: [{ start: Date.now() - 2 * HOUR, end: Date.now() - HOUR }],
    });
    await probe.start();
    const probeChannel = NvrChannel.parse({
      vendor: 'hikvision',
      host: '127.0.0.1',
      httpPort: probe.port,
      channel: 1,
      username: 'admin',
      password: 'nvr12345',
    });
    // As many servers as lanes: a case takes a free one and gives it back.
    const free = [...servers];
    try {
      await eachCase(ctx, tally, nvrCase, lanes, async (c) => {
        const s = free.pop()!;
        try {
          await oneCase(c, s);
        } finally {
          free.push(s);
        }
      });
    } finally {
      await probe.stop();
      await Promise.all(servers.map((s) => s.close()));
    }

    async function oneCase(c: NvrCase, s: (typeof servers)[number]): Promise<void> {
      s.state.answers = c.answers;
      s.state.next = 0;
      const channel = NvrChannel.parse({ vendor: c.vendor, host: '127.0.0.1', httpPort: s.port, channel: 1 });
      const to = Date.now();
      const from = to - 24 * HOUR;
      const search = nvrSearch(channel, 'Asia/Shanghai', { timeoutMs: 500, maxBytes: 512 * 1024 });
      const result = await within(
        search.spans(from, to).then(
          (spans) => ({ spans }),
          (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
        ),
        // Every request times out within 0.5 s; a search makes at most a few dozen before it gives up.
        60_000,
      );
      if (!result) {
        tally.stall(`a ${c.vendor} search did not end`);
        return;
      }
      if ('spans' in result) {
        const bad = result.spans.some(
          (sp, i) =>
            !(sp.start >= from && sp.end <= to && sp.end > sp.start) ||
            (i > 0 && sp.start <= result.spans[i - 1]!.end),
        );
        if (bad) tally.invalid(`${c.vendor} spans outside the window or overlapping`);
      }
      const good = await within(nvrSearch(probeChannel, 'Asia/Shanghai').spans(from, to), ctx.stallMs);
      if (good?.length !== 1) tally.stall('the well-behaved NVR was not searched correctly');
    }
  },
};

export default boundary;
