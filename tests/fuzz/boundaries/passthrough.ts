/**
 * The passthrough framing boundary (issue 16): whatever a camera (or something posing as one) makes ffmpeg copy
 * to the gateway — a valid stream with bytes flipped, cut or repeated, lengths that lie, random bytes, chunked any
 * way — the framer never throws, never hands on an access unit beyond MAX_ACCESS_UNIT or a picture size beyond
 * MAX_DIMENSION, and every message it makes reads back as a frame on the page's side. The page's own reader is
 * fed random and mutated messages too: it returns a frame or nothing, never throws.
 */
import fc from 'fast-check';
import { MAX_DIMENSION } from '../../../electron/core/streams/h264';
import { PassthroughFramer } from '../../../electron/core/streams/passthrough';
import {
  decodeVideoFrame,
  encodeVideoFrame,
  MAX_ACCESS_UNIT,
  parseRefusal,
} from '../../../shared/domain/video-frame';
import { accessUnit, pes, SPS_SAMPLES, tables, tsStream } from '../../support/ts-builder';
import { eachCase, nastyText, type Boundary, type Tally } from '../lib';

const valid = tsStream(12, 4, 300);
const big = Buffer.concat([tables(), pes(accessUnit(true, 70_000), 0), pes(accessUnit(false, 500), 3600)]);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(data: Buffer, m: Mutation): Buffer {
  const at = m.at % Math.max(1, data.length);
  if (m.kind === 'flip') {
    const copy = Buffer.from(data);
    copy[at] = m.value;
    return copy;
  }
  if (m.kind === 'cut') return Buffer.concat([data.subarray(0, at), data.subarray(at + m.length)]);
  if (m.kind === 'repeat') return Buffer.concat([data.subarray(0, at + m.length), data.subarray(at)]);
  return Buffer.concat([data.subarray(0, at), Buffer.from(m.bytes), data.subarray(at)]);
}

/** An SPS with its fields scrambled: sizes, crops, scaling lists and exp-Golomb codes that lie. */
const spsStream = fc
  .tuple(fc.constantFrom(...SPS_SAMPLES), fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat())
  .map(([s, noise, at]) => {
    const sps = Buffer.from(s.hex, 'hex');
    const scrambled = Buffer.concat([sps.subarray(0, 4 + (at % (sps.length - 3))), Buffer.from(noise)]);
    scrambled[0] = 0x67;
    return Buffer.concat([tables(), pes(accessUnit(true, 100, scrambled), 0), pes(accessUnit(false), 3600)]);
  });

const kase = fc.record({
  stream: fc.oneof(
    {
      weight: 5,
      arbitrary: fc.array(mutation, { minLength: 1, maxLength: 6 }).map((ms) => ms.reduce(mutate, valid)),
    },
    { weight: 2, arbitrary: fc.array(mutation, { maxLength: 3 }).map((ms) => ms.reduce(mutate, big)) },
    { weight: 2, arbitrary: spsStream },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 2000 })
        .map((b) => Buffer.concat([tables(), Buffer.from(b).map((x, i) => (i % 188 === 0 ? 0x47 : x))])),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)) },
  ),
  chunk: fc.integer({ min: 1, max: 4096 }),
  message: fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc.tuple(fc.array(fc.nat(255), { minLength: 1, maxLength: 6 }), fc.nat()).map(([bytes, at]) => {
      const m = encodeVideoFrame(
        { key: true, cached: false, width: 640, height: 360, codec: 'avc1.42c01e', pts: 0, receivedAt: 0 },
        new Uint8Array(50),
      );
      bytes.forEach((b, i) => (m[(at + i * 7) % m.length] = b));
      return m;
    }),
  ),
  text: nastyText,
});

function check(tally: Tally, c: typeof kase extends fc.Arbitrary<infer T> ? T : never): void {
  try {
    const framer = new PassthroughFramer({ onCodec: () => undefined, now: () => 1 });
    for (let i = 0; i < c.stream.length; i += c.chunk) {
      for (const unit of framer.push(c.stream.subarray(i, i + c.chunk))) {
        const frame = decodeVideoFrame(unit.data);
        if (!frame) tally.invalid('a framed access unit the page cannot read');
        else if (
          frame.data.length > MAX_ACCESS_UNIT ||
          frame.width > MAX_DIMENSION ||
          frame.height > MAX_DIMENSION
        )
          tally.invalid(
            `an access unit past its bounds: ${frame.data.length} B, ${frame.width}×${frame.height}`,
          );
        else if (frame.key !== unit.keyframe)
          tally.invalid('a unit whose key flag disagrees with its message');
      }
    }
    decodeVideoFrame(c.message);
    parseRefusal(c.text);
  } catch (err) {
    tally.crashes++;
    tally.note(`threw: ${(err as Error).message.slice(0, 120)}`);
  }
}

const boundary: Boundary = {
  name: 'passthrough',
  weight: 1,
  async run(ctx, tally) {
    await eachCase(ctx, tally, kase, 1, async (c) => {
      check(tally, c);
      // Yield now and then: the suite's other work shares this event loop.
      await new Promise((r) => setImmediate(r));
    });
  },
};

export default boundary;
