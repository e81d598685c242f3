import fc from 'fast-check';
import WebSocket from 'ws';
import { createClient, createFrameTransport, methods, type MethodName } from '../../../shared/contract';
import { MAX_FRAME_BYTES } from '../../../electron/web-host/server';
import { draw, nastyText, pool, within, type Boundary, probeWhile } from '../lib';
import { checkDatabase, startHostUnderTest } from '../web-host-under-test';

const ADMIN = { username: 'fuzz-admin', name: 'Fuzz Admin', password: 'fuzz-admin-pass-1' };
/** Calls that start ffmpeg or render PDFs: real work a fuzzer should not queue by the thousand. */
const HEAVY = new Set<string>(['cameras.test', 'reports.incident', 'reports.drill']);
const METHODS = (Object.keys(methods) as MethodName[]).filter((m) => !HEAVY.has(m));

/** Inputs shaped like the contract's, with hostile values in their fields. */
const shaped = fc.oneof(
  fc.record({ type: fc.oneof(fc.constantFrom('intrusion', 'smoke', 'fire'), nastyText), text: nastyText }),
  fc.record({ id: nastyText, note: fc.option(nastyText) }),
  fc.record({ guardId: fc.constantFrom('guard-01', 'guard-99'), from: fc.integer(), to: fc.integer() }),
  fc.record({ key: fc.constantFrom('locale', 'wall', '__proto__', 'constructor'), value: fc.jsonValue() }),
  fc.record({ kinds: fc.array(nastyText, { maxLength: 3 }), limit: fc.integer({ min: -5, max: 100_000 }) }),
  fc.record({ guardId: fc.constantFrom('guard-01', 'guard-99'), label: nastyText }),
  fc.record({ location: fc.record({ lat: fc.double(), lon: fc.double() }), type: fc.constant('intrusion') }),
);

const frame = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .record({
        id: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.double()),
        method: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...METHODS) },
          { weight: 1, arbitrary: nastyText },
        ),
        input: fc.oneof(shaped, fc.jsonValue({ maxDepth: 4 }), fc.constant(undefined)),
      })
      .map((c) => ({ kind: 'text' as const, text: JSON.stringify({ t: 'call', ...c }) })),
  },
  {
    weight: 2,
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ kind: 'text' as const, text: JSON.stringify(v) })),
  },
  { weight: 2, arbitrary: nastyText.map((t) => ({ kind: 'text' as const, text: t })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => ({
      kind: 'text' as const,
      text: `{"t":"call","id":1,"method":"system.info","input":${'['.repeat(n)}${']'.repeat(n)}}`,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: 'binary' as const, bytes: b })),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 60 })
      .map((b) => ({ kind: 'bad-utf8' as const, bytes: Uint8Array.from([0x7b, ...b, 0xff, 0xc0]) })),
  },
);

type Frame = typeof frame extends fc.Arbitrary<infer T> ? T : never;

const session = fc.record({
  signIn: fc.boolean(),
  frames: fc.array(frame, { minLength: 15, maxLength: 15 }),
  /** Rare: one frame over the largest call the contract allows. */
  oversize: fc.integer({ min: 0, max: 99 }).map((n) => n === 0),
});

/** Why the last `connect` failed (an HTTP status or a socket error), for the stall note. */
let refusedWith = '';

function connect(url: string): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
    ws.once('open', () => resolve(ws));
    ws.once('error', (err) => {
      refusedWith = err.message;
      resolve(undefined);
    });
    ws.once('unexpected-response', (_req, res) => {
      refusedWith = `HTTP ${res.statusCode}`;
      resolve(undefined);
    });
  });
}

function clientOf(ws: WebSocket) {
  const side = createFrameTransport((text) => ws.send(text));
  ws.on('message', (data: Buffer) => side.receive(data.toString()));
  ws.on('close', () => side.failPending('closed'));
  return createClient(side.transport);
}

const boundary: Boundary = {
  name: 'web-api',
  weight: 30,
  async run(ctx, tally) {
    const { core, host, stop } = await startHostUnderTest();
    const url = `ws://127.0.0.1:${host.port}/api?token=${host.token}`;
    const setup = await connect(url);
    if (!setup) throw new Error('could not open /api');
    await clientOf(setup).call('auth.setup', ADMIN);
    setup.close();

    // The probe: one well-behaved window whose calls must keep being answered within 2 s.
    const probeWs = await connect(url);
    if (!probeWs) throw new Error('could not open the probe session');
    const probeClient = clientOf(probeWs);
    const prober = probeWhile(async () => {
      const answer = await within(probeClient.invoke('system.info', {}), ctx.stallMs);
      if (!answer?.ok) tally.stall(`system.info not answered in ${ctx.stallMs} ms`);
    });

    let sessions = 0;
    const perSession = 15;
    // Sessions that end early (an oversize frame) send fewer frames: draw spares and stop at the count.
    await pool(draw(session, Math.ceil((ctx.cases / perSession) * 1.2) + 2, ctx.seed), 4, async (s) => {
      if (tally.cases >= ctx.cases) return;
      const ws = await connect(url);
      sessions++;
      if (sessions % 500 === 0) ctx.progress(`${tally.cases} frames before session ${sessions}`);
      if (!ws) {
        tally.stall(`a new session could not open (${refusedWith})`);
        return;
      }
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      ws.on('error', () => undefined);
      const client = clientOf(ws);
      if (s.signIn)
        await within(
          client.invoke('auth.login', { username: ADMIN.username, password: ADMIN.password }),
          5000,
        );
      const send = (f: Frame) => {
        if (ws.readyState !== ws.OPEN) return;
        if (f.kind === 'text') ws.send(f.text);
        else if (f.kind === 'binary') ws.send(f.bytes, { binary: true });
        else ws.send(Buffer.from(f.bytes), { binary: false });
      };
      if (s.oversize) {
        ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
        tally.cases++;
        const code = await within(closed, 5000);
        if (code !== 1009) tally.stall(`an oversize frame was answered with ${code ?? 'nothing'}, not 1009`);
        return;
      }
      for (const f of s.frames) {
        send(f);
        tally.cases++;
      }
      // The server closes a session for invalid UTF-8 (1007); one it kept must still answer.
      if (ws.readyState === ws.OPEN) {
        const answer = await within(client.invoke('session.current', {}), 5000);
        if (answer === undefined && ws.readyState === ws.OPEN)
          tally.stall('a fuzzed session stopped answering');
      }
      ws.close();
      await within(closed, 2000);
    });
    await prober.stop();
    const last = await within(probeClient.invoke('system.info', {}), ctx.stallMs);
    if (!last?.ok) tally.stall('the probe session stopped answering');
    probeWs.close();
    ctx.progress(`${sessions} sessions`);
    await checkDatabase(core, tally);
    await stop();
  },
};

export default boundary;
