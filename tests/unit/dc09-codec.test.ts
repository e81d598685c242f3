// The DC-09 codec against the vectors of the ingest brief (../shared/guide/ingest.md, beside the repository)
// §1–§2, byte for byte.
import { describe, expect, it } from 'vitest';
import { crc16, crcHex } from '../../electron/hub/sources/dc09/crc';
import {
  Dc09Framer,
  escapeRaw,
  formatAck,
  formatDuh,
  formatFrame,
  formatNak,
  parseContent,
  parseFrame,
  parseTimestamp,
  type Dc09Frame,
} from '../../electron/hub/sources/dc09/frame';
import { decryptContent, encryptContent, keyBytes } from '../../electron/hub/sources/dc09/crypto';
import {
  CONTACT_ID_TABLE,
  effectOf,
  lookupCode,
  parseContactId,
  qualifierMeaning,
} from '../../electron/hub/sources/dc09/contact-id';
import { parseSiaData, SIA_TABLE } from '../../electron/hub/sources/dc09/sia-dcs';
import { Dc09Config } from '../../electron/hub/sources/dc09/config';

const framed = (text: string) => Buffer.from(`\n${text}\r`, 'latin1');

function parsed(text: string | Buffer): Dc09Frame {
  const r = parseFrame(typeof text === 'string' ? framed(text) : text);
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.frame;
}

const V = {
  realNull: '189F0029"NULL"0000R1L1#9413[]_17:01:50,09-07-2023',
  g90b: '78FC003B"SIA-DCS"0001L#22334455[#22334455|NCQ1]_14:33:53,02-09-2020',
  fioletovenNak: 'E4410025"NAK"0000R0L0A0[]_16:20:01,09-24-2025',
  mine: '0A09003D"ADM-CID"0001R1L1#1234[#1234|1130 01 015]_12:00:00,01-15-2024',
  mineAck: 'D2770014"ACK"0001R1L1#1234[]',
  mineDuh: 'A2AF0014"DUH"0001R1L1#1234[]',
  mineNak: 'A6E80025"NAK"0000R0L0A0[]_12:00:00,01-15-2024',
  encrypted:
    '47590078"*ADM-CID"0001R1L1#1234[AA9B899949511513B231B85A22D62DBB53FE14EA5299E1D88587BF237E390A30EAD15A260E50C62B22450C8B9CC2094F',
  pysiaDecimalLength: '57150047"ADM-CID"0247R4F39L4F39#4F39[#4F39|3401 01 057]',
};
const binaryVector = Buffer.concat([
  Buffer.from([0x0a, 0xf6, 0xf3]),
  Buffer.from('0044"ADM-CID"1447R01L01#0001[#0001|1603 01 000][S13]_04:45:01,08-30-2014\r', 'latin1'),
]);

describe('CRC-16/ARC', () => {
  it('has the check value BB3D for "123456789"', () => {
    expect(crc16('123456789')).toBe(0xbb3d);
    expect(crcHex(crc16('123456789'))).toBe('BB3D');
    expect(crcHex(crc16(''))).toBe('0000');
  });
});

describe('the guide vectors, byte for byte', () => {
  it('formats every vector exactly as given (CRC, 0LLL, message)', () => {
    for (const [name, v] of Object.entries(V)) {
      if (name === 'pysiaDecimalLength') continue; // its length is decimal: not what a canonical frame says
      const message = v.slice(8);
      expect(formatFrame(message).toString('latin1')).toBe(`\n${v}\r`);
    }
  });

  it('reads the real NULL (seq 0000 is accepted)', () => {
    const f = parsed(V.realNull);
    expect(f).toMatchObject({ token: 'NULL', seq: '0000', receiver: '1', line: '1', account: '9413' });
    expect(f.quirks).toEqual([]);
    expect(parseContent(f.body)).toEqual({
      ok: true,
      content: { data: '', xdata: [], timestamp: '17:01:50,09-07-2023' },
    });
  });

  it('reads the G90B SIA-DCS frame with an empty L', () => {
    const f = parsed(V.g90b);
    expect(f).toMatchObject({ token: 'SIA-DCS', seq: '0001', line: '', account: '22334455', crcForm: 'hex' });
    expect(f.receiver).toBeUndefined();
    expect(f.quirks).toContain('empty L');
    const c = parseContent(f.body);
    expect(c.ok && c.content.data).toBe('#22334455|NCQ1');
    expect(parseSiaData('#22334455|NCQ1')).toEqual({
      ok: true,
      account: '22334455',
      events: [{ code: 'CQ', address: '1' }],
    });
  });

  it('reads the ADM-CID vector and its Contact ID', () => {
    const f = parsed(V.mine);
    expect(f).toMatchObject({
      token: 'ADM-CID',
      encrypted: false,
      seq: '0001',
      receiver: '1',
      line: '1',
      account: '1234',
    });
    const c = parseContent(f.body);
    expect(c).toEqual({
      ok: true,
      content: { data: '#1234|1130 01 015', xdata: [], timestamp: '12:00:00,01-15-2024' },
    });
    expect(parseContactId('#1234|1130 01 015')).toEqual({
      ok: true,
      cid: { account: '1234', qualifier: 1, code: '130', partition: '01', zone: '015' },
    });
  });

  it('answers the ADM-CID vector with the exact ACK, DUH and NAK bytes', () => {
    const f = parsed(V.mine);
    expect(formatAck(f).toString('latin1')).toBe(`\n${V.mineAck}\r`);
    expect(formatDuh(f).toString('latin1')).toBe(`\n${V.mineDuh}\r`);
    expect(formatNak(Date.UTC(2024, 0, 15, 12, 0, 0)).toString('latin1')).toBe(`\n${V.mineNak}\r`);
    expect(formatNak(Date.UTC(2025, 8, 24, 16, 20, 1)).toString('latin1')).toBe(`\n${V.fioletovenNak}\r`);
  });

  it('decrypts the encrypted vector with the ASCII key and encrypts it back with the same pad', () => {
    const f = parsed(V.encrypted);
    expect(f).toMatchObject({ token: 'ADM-CID', encrypted: true, account: '1234' });
    const key = keyBytes('0123456789ABCDEF', 'ascii');
    const d = decryptContent(key, f.body);
    expect(d).toEqual({ ok: true, plain: '#1234|1130 01 015]_12:00:00,01-15-2024', quirks: [] });
    expect(encryptContent(key, '#1234|1130 01 015]_12:00:00,01-15-2024', () => 'ABCDEFGHI')).toBe(f.body);
    const wrong = decryptContent(keyBytes('FEDCBA9876543210', 'ascii'), f.body);
    expect(wrong.ok).toBe(false);
  });

  it('reads the 2-byte binary CRC vector and answers in binary form', () => {
    const r = parseFrame(binaryVector);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.frame).toMatchObject({
      crcForm: 'binary',
      token: 'ADM-CID',
      seq: '1447',
      receiver: '01',
      line: '01',
      account: '0001',
    });
    expect(r.frame.quirks).toContain('binary CRC');
    expect(parseContent(r.frame.body)).toEqual({
      ok: true,
      content: { data: '#0001|1603 01 000', xdata: ['S13'], timestamp: '04:45:01,08-30-2014' },
    });
    const ack = formatAck(r.frame);
    expect([...ack.subarray(0, 3)]).toEqual([0x0a, 0xb6, 0x06]);
    expect(ack.subarray(3).toString('latin1')).toBe('0016"ACK"1447R01L01#0001[]\r');
    expect(formatNak(0, 'binary')[3]).toBe(0x30);
  });

  it("accepts the decimal length of pysiaalarm's test frame (valid CRC), noting it", () => {
    const f = parsed(V.pysiaDecimalLength);
    expect(f).toMatchObject({ account: '4F39', receiver: '4F39', line: '4F39', seq: '0247' });
    expect(f.quirks).toContain('decimal length');
    const c = parseContent(f.body);
    expect(c.ok && c.content.timestamp).toBeUndefined();
  });
});

describe('the tolerant parser', () => {
  it('trims trailing NULs before the CR', () => {
    const f = parseFrame(Buffer.concat([framed(V.mine).subarray(0, -1), Buffer.alloc(5), Buffer.from('\r')]));
    expect(f.ok && f.frame.quirks).toContain('NUL padding');
  });

  it('takes lower-case tokens, hex and CRC', () => {
    const frame = formatFrame('"adm-cid"0002r1l1#abcd[#abcd|1130 01 015]');
    const lower = Buffer.from(frame.toString('latin1').toLowerCase(), 'latin1');
    const f = parsed(lower);
    expect(f).toMatchObject({ token: 'ADM-CID', account: 'ABCD', receiver: '1', line: '1' });
    expect(f.quirks).toEqual(expect.arrayContaining(['lower-case CRC', 'lower case']));
  });

  it('gives a reason for every refusal', () => {
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.from('no framing'), /LF … CR/],
      [framed(V.mine.replace('0A09', '0A08')), /CRC mismatch: frame says 0A08, computed 0A09/],
      [framed('XXXX003D"ADM-CID"0001R1L1#1234[]'), /CRC is not 4 hex digits/],
      [framed('garbage that is long enough'), /no CRC and length header/],
      [framed('0A09X03D"ADM-CID"'), /no CRC and length header/],
      [formatFrame('"ADM-CID"01R1L1#1234[]'), /header is not/],
      [formatFrame('"ADM-CID"0001R1L1#12[]'), /header is not/],
      [
        Buffer.concat([formatFrame('"NULL"0000R1L1#1234[]\x01').subarray(0, -1), Buffer.from('\r')]),
        /not printable/,
      ],
    ];
    for (const [bytes, reason] of cases) {
      const r = parseFrame(bytes);
      expect(r.ok, escapeRaw(bytes)).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
    expect(parseContent('#1234|1130 01 015')).toEqual({ ok: false, reason: 'no ] closing the data block' });
    expect(parseContent('a][b')).toEqual({ ok: false, reason: 'extended data block not closed' });
    expect(parseContent(']_25:00:00,01-15-2024')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/bad timestamp/),
    });
    expect(parseContent(']junk')).toEqual({ ok: false, reason: 'text after the data blocks' });
  });

  it('reads timestamps only when they are real times', () => {
    expect(parseTimestamp('12:00:00,01-15-2024')).toBe(Date.UTC(2024, 0, 15, 12));
    expect(parseTimestamp('12:00:00,02-30-2024')).toBeUndefined();
    expect(parseTimestamp('12:00,01-15-2024')).toBeUndefined();
  });

  it('escapes raw frames for the status view, bounded', () => {
    expect(escapeRaw(Buffer.from('\nA\\\x00\r'))).toBe('\\nA\\\\\\x00\\r');
    expect(escapeRaw(Buffer.alloc(300, 0x41), 10)).toBe('AAAAAAAAAA...(300 bytes)');
  });
});

describe('the framer', () => {
  const a = framed(V.mine);
  const b = framed(V.realNull);

  it('splits coalesced frames and joins split ones', () => {
    const f = new Dc09Framer();
    const items = f.push(Buffer.concat([a, b, a.subarray(0, 10)]));
    expect(items).toEqual([{ frame: a }, { frame: b }]);
    expect(f.push(a.subarray(10, 30))).toEqual([]);
    expect(f.push(a.subarray(30))).toEqual([{ frame: a }]);
    const bytewise = new Dc09Framer();
    const out = [...b].flatMap((byte) => bytewise.push(Buffer.from([byte])));
    expect(out).toEqual([{ frame: b }]);
  });

  it('drops NUL padding between frames silently, keeps a binary CRC holding CR or LF bytes whole', () => {
    const f = new Dc09Framer();
    expect(f.push(Buffer.concat([a, Buffer.alloc(7), b, Buffer.alloc(3)]))).toEqual([
      { frame: a },
      { frame: b },
    ]);
    // A binary CRC of 0x0D0A: the framer must not cut the frame at its CRC bytes.
    const crcCrLf = Buffer.concat([Buffer.from([0x0a, 0x0d, 0x0a]), Buffer.from('0005"X"00\r')]);
    expect(new Dc09Framer().push(crcCrLf)).toEqual([{ frame: crcCrLf }]);
  });

  it('reports stray bytes, cut frames and overlong frames as junk with a reason', () => {
    const f = new Dc09Framer(64);
    const items = f.push(Buffer.concat([Buffer.from('hello'), a.subarray(0, 20), a]));
    expect(items.map((i) => ('junk' in i ? [i.code, i.reason] : 'frame'))).toEqual([
      ['malformed', 'bytes outside a frame'],
      ['cut_off', 'frame cut by a new LF'],
      ['too_large', 'frame longer than 64 bytes'],
    ]);
    const long = new Dc09Framer(64);
    const out = long.push(Buffer.concat([Buffer.from('\n0000'), Buffer.alloc(100, 0x41)]));
    expect(out.map((i) => ('junk' in i ? i.reason : 'frame'))).toEqual(['frame longer than 64 bytes']);
    expect(long.push(Buffer.concat([Buffer.alloc(50, 0x41), b]))).toEqual([{ frame: b }]);
    const cut = new Dc09Framer();
    cut.push(a.subarray(0, 30));
    expect(cut.end()).toEqual([
      { junk: a.subarray(0, 30), reason: 'connection ended mid-frame', code: 'cut_off' },
    ]);
  });
});

describe('encryption', () => {
  it('round-trips AES-128/192/256 with ASCII and hex keys, and an encrypted ACK', () => {
    const keys = [
      keyBytes('0123456789ABCDEF', 'ascii'),
      keyBytes('0123456789ABCDEF01234567', 'ascii'),
      keyBytes('000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F', 'hex'),
    ];
    for (const key of keys) {
      for (const content of [
        '#1234|1130 01 015]_12:00:00,01-15-2024',
        ']_12:00:00,01-15-2024',
        'x'.repeat(15),
      ]) {
        const hex = encryptContent(key, content);
        expect(hex.length % 32).toBe(0);
        expect(decryptContent(key, hex)).toEqual({ ok: true, plain: content, quirks: [] });
      }
    }
    // The receiver's encrypted ACK: "*ACK"<seq>R L #acct[ then hex of pad|]_ts.
    const key = keys[0]!;
    const ack = formatFrame(`"*ACK"0001R1L1#1234[${encryptContent(key, ']_12:00:05,01-15-2024')}`);
    const f = parsed(ack);
    expect(f).toMatchObject({ token: 'ACK', encrypted: true, seq: '0001' });
    expect(decryptContent(key, f.body)).toEqual({ ok: true, plain: ']_12:00:05,01-15-2024', quirks: [] });
  });

  it('refuses keys of the wrong size or form, and ciphertext that is not whole blocks', () => {
    expect(() => keyBytes('short', 'ascii')).toThrow(/16, 24 or 32 bytes/);
    expect(() => keyBytes('zz'.repeat(16), 'hex')).toThrow(/not hex/);
    const key = keyBytes('0123456789ABCDEF', 'ascii');
    expect(decryptContent(key, 'ABC')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/16-byte blocks/),
    });
  });

  it('asks for keyForm when a 32-character key could be either', () => {
    const base = { id: 'p', kind: 'dc09', port: 0, accounts: [] };
    const ambiguous = Dc09Config.safeParse({ ...base, accounts: [{ account: '1234', key: '0'.repeat(32) }] });
    expect(ambiguous.success).toBe(false);
    const said = Dc09Config.safeParse({
      ...base,
      accounts: [{ account: '1234', key: '0'.repeat(32), keyForm: 'hex' }],
    });
    expect(said.success).toBe(true);
    const twice = Dc09Config.safeParse({ ...base, accounts: [{ account: 'abc' }, { account: 'ABC' }] });
    expect(twice.success).toBe(false);
  });
});

describe('Contact ID table (guide §2)', () => {
  const typeOf = (code: string) => {
    const e = CONTACT_ID_TABLE.get(code);
    return e?.action.kind === 'alarm' ? e.action.type : e?.action.kind;
  };
  const expectAll = (codes: string[], want: string) => {
    for (const c of codes) expect(typeOf(c), c).toBe(want);
  };

  it('maps the alarm codes to the console types', () => {
    expectAll(['110', '112', '113', '114', '115', '117', '118'], 'fire');
    expectAll(['111', '116'], 'smoke');
    expectAll(['151', '162'], 'gas');
    expectAll(['154'], 'water_leak');
    expectAll(['130', '131', '132', '133', '134', '135', '136', '139', '140', '146'], 'intrusion');
    expectAll(['137', '144', '145', '383'], 'intrusion');
    expectAll(['423'], 'door_forced');
    expectAll(['426'], 'door_held');
    expectAll(['100', '101', '120', '121', '122', '123'], 'guard_sos');
    expectAll(['200', '201', '202', '203', '204', '205', '206', '210', '373'], 'fire_facility_fault');
    expect(CONTACT_ID_TABLE.get('121')?.scope).toBe('user');
  });

  it('maps troubles to a fault state, open/close to events, periodic tests to alive', () => {
    expectAll(['300', '301', '302', '311', '333', '344', '380', '381', '384', '389', '393'], 'fault');
    expectAll(['350', '351', '352', '353', '354', '355', '356', '357'], 'fault');
    for (const c of ['350', '354', '301']) expect(CONTACT_ID_TABLE.get(c)?.scope).toBe('panel');
    expectAll(['400', '401', '402', '403', '407', '408', '409', '441'], 'event');
    for (const c of ['401', '441']) expect(CONTACT_ID_TABLE.get(c)?.arming).toBe(true);
    expectAll(['602', '603'], 'alive');
    expectAll(['608'], 'fault');
    expect(CONTACT_ID_TABLE.get('999')).toBeUndefined();
  });

  it('names every code in Chinese and English', () => {
    for (const [code, e] of CONTACT_ID_TABLE) {
      expect(e.zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(e.en, code).toMatch(/^[A-Z0-9]/);
    }
    for (const [code, e] of SIA_TABLE) expect(e.zh, code).toMatch(/[\u4e00-\u9fff]/);
  });

  it('lets a site override a code, the account before the source', () => {
    const account = { '113': { action: { kind: 'alarm' as const, type: 'water_leak' as const } } };
    const source = {
      '113': { action: { kind: 'event' as const } },
      '999': { action: { kind: 'alarm' as const, type: 'manual' as const }, zh: '自定义', en: 'Custom' },
    };
    expect(lookupCode(CONTACT_ID_TABLE, '113', account, source)).toMatchObject({
      action: { kind: 'alarm', type: 'water_leak' },
      zh: '喷淋水流报警',
      scope: 'zone',
    });
    expect(lookupCode(CONTACT_ID_TABLE, '113', undefined, source)?.action).toEqual({ kind: 'event' });
    expect(lookupCode(CONTACT_ID_TABLE, '999', account, source)).toMatchObject({
      zh: '自定义',
      en: 'Custom',
    });
  });

  it('Q1 opens, Q3 closes, Q6 only proves the panel is there', () => {
    const fire = CONTACT_ID_TABLE.get('110')!.action;
    expect(effectOf(fire, qualifierMeaning(1)!)).toEqual({ kind: 'alarm', type: 'fire' });
    expect(effectOf(fire, qualifierMeaning(3)!)).toEqual({ kind: 'restore', type: 'fire' });
    expect(effectOf(fire, qualifierMeaning(6)!)).toEqual({ kind: 'alive' });
    const trouble = CONTACT_ID_TABLE.get('380')!.action;
    expect(effectOf(trouble, 'new')).toEqual({ kind: 'state', state: 'fault' });
    expect(effectOf(trouble, 'restore')).toEqual({ kind: 'state', state: 'ok' });
    expect(effectOf(CONTACT_ID_TABLE.get('401')!.action, 'restore')).toEqual({ kind: 'event' });
    expect(qualifierMeaning(2)).toBeUndefined();
  });

  it('reads Contact ID with or without the account and spaces, and refuses the rest', () => {
    expect(parseContactId('3401 01 057')).toMatchObject({
      ok: true,
      cid: { qualifier: 3, code: '401', zone: '057' },
    });
    expect(parseContactId('113001015')).toMatchObject({
      ok: true,
      cid: { qualifier: 1, code: '130', partition: '01' },
    });
    expect(parseContactId('#1234|1130 01')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not Contact ID/),
    });
  });

  it('reads SIA-DCS events with area and user, and restores', () => {
    expect(parseSiaData('#1234|Nri2/id7/BA05/FA011')).toEqual({
      ok: true,
      account: '1234',
      events: [
        { code: 'BA', address: '05', partition: '2', user: '7' },
        { code: 'FA', address: '011', partition: '2', user: '7' },
      ],
    });
    expect(SIA_TABLE.get('BR')).toMatchObject({
      restore: true,
      action: { kind: 'alarm', type: 'intrusion' },
    });
    expect(parseSiaData('#1234|N')).toEqual({ ok: false, reason: 'SIA data holds no event code' });
    expect(parseSiaData('#1234|N!!')).toMatchObject({ ok: false });
  });
});
