import fc from 'fast-check';
import { methods, type MethodName } from '../../../shared/contract';
import { servePort, type FromCore, type PortLike } from '../../../electron/core/carriers/port';
import { silentLogger } from '../../../electron/common/log';
import { startCore } from '../../support/core';
import { tempDir } from '../../support/temp';
import { draw, nastyText, within, type Boundary } from '../lib';
import { checkDatabase } from '../web-host-under-test';

/**
 * The Electron shell ↔ core-process port (electron/core/carriers/port.ts): whatever the shell's side posts —
 * a compromised or buggy shell, structured clones of any shape — the core drops what is malformed, keeps its
 * windows bounded, and still answers a fresh window's call within the deadline. Run in-process over the same
 * `servePort` the core process uses, with a real core on a temp directory.
 */
const HEAVY = new Set<string>(['cameras.test', 'reports.incident', 'reports.drill']);
const METHODS = (Object.keys(methods) as MethodName[]).filter((m) => !HEAVY.has(m));

const win = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer(), fc.double(), nastyText);
const message = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      win,
      text: fc.oneof(
        fc
          .record({
            t: fc.constant('call'),
            id: fc.oneof(fc.nat(), fc.double()),
            method: fc.oneof(fc.constantFrom(...METHODS), nastyText),
            input: fc.jsonValue({ maxDepth: 3 }),
          })
          .map((f) => JSON.stringify(f)),
        nastyText,
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ win, close: fc.oneof(fc.constant(true), fc.jsonValue()) }) },
  // The watchdog's ping: only a safe whole number is answered; anything else is dropped like other junk.
  { weight: 1, arbitrary: fc.record({ ping: fc.oneof(fc.nat(), fc.integer(), fc.double(), nastyText) }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, 0, '', [], {}) },
);

const boundary: Boundary = {
  name: 'core-port',
  weight: 1,
  async run(ctx, tally) {
    const tmp = tempDir('fuzz-core-port-');
    const core = await startCore(tmp.dir, { osmand: undefined });
    const listeners: ((m: unknown) => void)[] = [];
    let badPongs = 0;
    const waiting = new Map<number, (text: string) => void>();
    const port: PortLike = {
      post: (m: FromCore) => {
        if ('win' in m) waiting.get(m.win)?.(m.text);
        if ('pong' in m && !(Number.isSafeInteger(m.pong) && m.pong >= 0)) badPongs++;
      },
      onMessage: (l) => listeners.push(l),
    };
    let stopAsked = 0;
    const served = servePort(core, port, silentLogger, () => stopAsked++);
    const send = (m: unknown) => {
      for (const l of listeners) l(m);
    };
    // A window id no generated case uses, asked something every probe: answered, or a stall.
    let probeWin = 1_000_000;
    const probe = async () => {
      const w = probeWin++;
      const answered = new Promise<string>((resolve) => waiting.set(w, resolve));
      send({ win: w, text: JSON.stringify({ t: 'call', id: 1, method: 'system.info', input: {} }) });
      const text = await within(answered, ctx.stallMs);
      waiting.delete(w);
      send({ win: w, close: true });
      if (!text || !(JSON.parse(text) as { envelope?: { ok?: boolean } }).envelope?.ok)
        tally.stall(`a fresh window's system.info not answered within ${ctx.stallMs} ms`);
    };
    try {
      let i = 0;
      for (const m of draw(message, ctx.cases, ctx.seed)) {
        send(m);
        tally.cases++;
        if (++i % 50 === 0) {
          await probe();
          // Closing every window the cases opened keeps the next ones under the window cap, like a shell would.
          for (let w = 0; w <= 40; w++) send({ win: w, close: true });
        }
      }
      await probe();
      tally.invalid('pongs answering a ping that was not a whole number', badPongs);
      if (stopAsked > 0) tally.note(`the port took ${stopAsked} generated messages as a stop`);
      await checkDatabase(core, tally);
    } finally {
      served.close();
      await core.stop();
      tmp.cleanup();
    }
  },
};

export default boundary;
