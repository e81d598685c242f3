// Properties of the DC-09 frame codec: it never throws on any bytes, and what it formats it reads back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseContactId } from '../../electron/hub/sources/dc09/contact-id';
import { decryptContent, encryptContent } from '../../electron/hub/sources/dc09/crypto';
import {
  Dc09Framer,
  formatFrame,
  formatTimestamp,
  parseContent,
  parseFrame,
} from '../../electron/hub/sources/dc09/frame';
import { parseSiaData } from '../../electron/hub/sources/dc09/sia-dcs';

const hex = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: min, maxLength: max });
/** Printable ASCII without the block delimiters. */
const text = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0x7e })
    .map((c) => String.fromCharCode(c))
    .filter((c) => !'[]'.includes(c)),
  maxLength: 40,
});
const VALID = '\n0A09003D"ADM-CID"0001R1L1#1234[#1234|1130 01 015]_12:00:00,01-15-2024\r';

/** Bytes near a valid frame: one with a few bytes changed, cut, or spliced with random bytes. */
const nearFrame = fc
  .tuple(
    fc.array(fc.tuple(fc.nat(VALID.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.nat(VALID.length),
    fc.uint8Array({ maxLength: 20 }),
  )
  .map(([edits, cut, tail]) => {
    const b = Buffer.from(VALID, 'latin1');
    for (const [at, v] of edits) b[at] = v;
    return Buffer.concat([b.subarray(0, Math.max(cut, 2)), tail]);
  });

describe('DC-09 frame codec properties', () => {
  it('never throws on any bytes: parser, framer and the content readers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), nearFrame), (bytes) => {
        const r = parseFrame(bytes);
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
        const framer = new Dc09Framer(128);
        const items = [...framer.push(bytes), ...framer.push(bytes), ...framer.end()];
        expect(framer.pending).toBe(0);
        for (const item of items) if ('frame' in item) parseFrame(item.frame);
        const s = Buffer.from(bytes).toString('latin1');
        parseContent(s);
        parseContactId(s);
        parseSiaData(s);
        decryptContent(Buffer.alloc(16), s);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back what it formats, in hex or binary CRC form, whole or cut into pieces', () => {
    const frame = fc.record({
      token: fc.constantFrom('ADM-CID', 'SIA-DCS', 'NULL', 'ACK'),
      encrypted: fc.boolean(),
      seq: fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
      receiver: fc.option(hex(1, 6), { nil: undefined }),
      line: hex(0, 6),
      account: hex(3, 16),
      data: text,
      xdata: fc.array(text, { maxLength: 2 }),
      at: fc.option(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }), {
        nil: undefined,
      }),
      form: fc.constantFrom('hex' as const, 'binary' as const),
      cuts: fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(frame, (f) => {
        const r = f.receiver !== undefined ? `R${f.receiver}` : '';
        const ts = f.at !== undefined ? `_${formatTimestamp(Math.floor(f.at / 1000) * 1000)}` : '';
        const body = `${f.data}]${f.xdata.map((x) => `[${x}]`).join('')}${ts}`;
        const message = `"${f.encrypted ? '*' : ''}${f.token}"${f.seq}${r}L${f.line}#${f.account}[${body}`;
        const bytes = formatFrame(message, f.form);

        const framer = new Dc09Framer(4096);
        const got: Buffer[] = [];
        let at = 0;
        for (const n of [...f.cuts, bytes.length]) {
          for (const item of framer.push(bytes.subarray(at, at + n))) {
            if ('frame' in item) got.push(item.frame);
          }
          at = Math.min(bytes.length, at + n);
        }
        expect(got).toEqual([bytes]);

        const p = parseFrame(bytes);
        expect(p.ok).toBe(true);
        if (!p.ok) return;
        expect(p.frame).toMatchObject({
          crcForm: f.form,
          token: f.token,
          encrypted: f.encrypted,
          seq: f.seq,
          ...(f.receiver !== undefined ? { receiver: f.receiver } : {}),
          line: f.line,
          account: f.account,
          body,
        });
        expect(p.frame.receiver).toBe(f.receiver);
        const c = parseContent(p.frame.body);
        expect(c).toEqual({
          ok: true,
          content: { data: f.data, xdata: f.xdata, ...(ts ? { timestamp: ts.slice(1) } : {}) },
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('decrypts what it encrypts under every key size', () => {
    const key = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
    fc.assert(
      fc.property(key, text, (k, content) => {
        const hex = encryptContent(Buffer.from(k), content);
        expect(decryptContent(Buffer.from(k), hex)).toEqual({ ok: true, plain: content, quirks: [] });
      }),
      { numRuns: 300 },
    );
  });
});
