import fc from 'fast-check';
import { rawExchange } from '../../support/raw-http';
import { writeSegment } from '../../support/segments';
import { draw, escapedBytes, nastyText, pool, probeWhile, type Boundary } from '../lib';
import { checkDatabase, SECRET_TEXT, startHostUnderTest } from '../web-host-under-test';

const kase = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST'),
  camera: fc.oneof(
    { weight: 4, arbitrary: fc.constant('cam-01') },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'nope',
        '..',
        '%2e%2e',
        '..%2F..%2Fsecret.txt',
        '%2F',
        'cam-01%00',
        '',
        '.hidden',
      ),
    },
    { weight: 2, arbitrary: escapedBytes },
    { weight: 1, arbitrary: nastyText.map((t) => encodeURIComponent(t.replace(/[\uD800-\uDFFF]/g, ''))) },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 5000 }).map((n) => 'c'.repeat(n)) },
  ),
  verb: fc.constantFrom('play', 'play', 'play', 'list', '', 'play/x', 'play/../../secret.txt'),
  from: fc.constantFrom(
    'valid',
    'valid',
    'garbage',
    'future',
    'ancient',
    'epoch',
    'escaped',
    'none',
    'local',
  ),
  seconds: fc.constantFrom('4', '4', '0', '-1', '99999', '1e3', 'NaN', '', '%00', '3600'),
  token: fc.constantFrom('good', 'good', 'good', 'bad', 'none'),
  extra: fc.oneof(
    fc.constant(''),
    escapedBytes.map((e) => `&${e}`),
  ),
});

const ALLOWED = new Set([200, 400, 401, 404, 405, 503]);

const boundary: Boundary = {
  name: 'web-replay',
  weight: 6,
  async run(ctx, tally) {
    const { core, host, stop } = await startHostUnderTest();
    const start = Date.now() - 60_000;
    await core.recordings.closed('cam-01', {
      name: writeSegment(core.recordings.root, start, { seconds: 2 }),
      seconds: 2,
    });
    const validFrom = new Date(start + 500).toISOString();
    const request = (path: string, method = 'GET') =>
      rawExchange(
        host.port,
        [`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`],
        {
          timeoutMs: ctx.stallMs + 3000,
        },
      );
    const good = `/recordings/cam-01/play?from=${validFrom}&seconds=2&token=${host.token}`;
    const probe = async () => {
      const a = await request(good);
      if (a.status === 0 && a.end === 'reset') {
        tally.crashes++;
        tally.note('the web host stopped accepting connections');
      } else if (a.status !== 200 && a.status !== 503)
        tally.stall(`a valid replay was not served (${a.status || a.end})`);
    };
    const prober = probeWhile(probe, 2000);
    await pool(draw(kase, ctx.cases, ctx.seed), 4, async (c) => {
      const from = {
        valid: validFrom,
        garbage: 'yesterday',
        future: new Date(Date.now() + 86_400_000).toISOString(),
        ancient: '1970-01-01T00:00:00Z',
        epoch: String(start),
        escaped: '%E0%A4%A',
        none: '',
        local: validFrom.replace('Z', '+08:00'),
      }[c.from];
      const token = c.token === 'good' ? host.token : c.token === 'bad' ? 'nope' : '';
      const path = `/recordings/${c.camera}/${c.verb}?from=${from}&seconds=${c.seconds}&token=${token}${c.extra}`;
      const answer = await request(path, c.method);
      tally.cases++;
      if (answer.text.includes(SECRET_TEXT))
        tally.invalid(`served a file outside the recordings for ${path}`);
      if (answer.status !== 0 && !ALLOWED.has(answer.status))
        tally.invalid(`answered ${answer.status} for ${c.method} ${path.slice(0, 120)}`);
      const valid =
        c.method === 'GET' &&
        c.camera === 'cam-01' &&
        c.verb === 'play' &&
        c.from === 'valid' &&
        c.token === 'good' &&
        (c.seconds === '4' || c.seconds === '3600');
      // A path that normalises out of /recordings/ (`/recordings/../`) is the page, not a replay.
      const played = answer.status === 200 && /^content-type: video\/mp4/im.test(answer.text);
      if (played && !valid) tally.invalid(`played a refused request: ${path.slice(0, 120)}`);
      if (tally.cases % 500 === 0) ctx.progress(`${tally.cases} cases`);
    });
    await prober.stop();
    // Every replay ended: the limit of replays at once is free again.
    const last = await request(good);
    if (last.status !== 200) tally.stall(`after the run a valid replay answered ${last.status || last.end}`);
    await checkDatabase(core, tally);
    await stop();
  },
};

export default boundary;
