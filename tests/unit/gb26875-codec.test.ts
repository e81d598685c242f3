import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADU,
  decodeAppData,
  decodeDescription,
  encodeInspect,
  encodeSyncTime,
  type ComponentState,
} from '../../electron/hub/sources/gb26875/app-data';
import { Gb26875Config, placementOf, resolveProfile } from '../../electron/hub/sources/gb26875/config';
import {
  addressFromString,
  addressToString,
  checksumVerdict,
  decodeFrame,
  decodeTime,
  encodeFrame,
  encodeTime,
  FrameReader,
  type Frame,
  type ReadItem,
} from '../../electron/hub/sources/gb26875/frame';
import { mapAppData, type MapContext } from '../../electron/hub/sources/gb26875/mapping';
import { StateMemory } from '../../electron/hub/sources/gb26875/memory';
import { fireTypeOf } from '../../electron/hub/sources/gb26875/tables';

const hex = (s: string) => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');

/** guide/ingest.md §6: shootingfans' decode vector, 78 bytes. */
const VECTOR = hex(
  '4040 0000 0101 180d11160a14 000000000000 060504030201 3000 02 |' +
    ' 0201 01 03 00 d9000600 0200 a3c1c7f8a3b1b2e3dfc8b2b8d7dfc0c8000000000000000000000000000000 301213010814 |' +
    ' 68 2323',
);
/** The guide's 确认 of it: the centre's clock read 2020-10-22 17:13:25 in China (+08:00). */
const CONFIRM = hex('4040 0000 0101 190d11160a14 060504030201 000000000000 0000 03 85 2323');
const CONFIRM_AT = Date.UTC(2020, 9, 22, 9, 13, 25);
const CHINA = 480;
/** A time tag: 2020-05-04 03:02:01 on the device's clock. */
const tag = [1, 2, 3, 4, 5, 20];

function sum(bytes: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += bytes[i]!;
  return s % 256;
}

function decoded(bytes: Uint8Array): Frame {
  const r = decodeFrame(bytes);
  if (!r.ok) throw new Error(r.reason);
  return r.frame;
}

function drain(reader: FrameReader): ReadItem[] {
  const out: ReadItem[] = [];
  for (let item = reader.next(); item; item = reader.next()) out.push(item);
  return out;
}

function frameOf(
  serial: number,
  command: number,
  appData: Uint8Array,
  checksum: 'serial' | 'command' = 'serial',
) {
  return encodeFrame(
    {
      serial,
      time: encodeTime(CONFIRM_AT, 'binary', CHINA),
      source: addressFromString('7'),
      destination: addressFromString('0'),
      command,
      appData,
    },
    checksum,
  );
}

describe('the GB/T 26875.3 frame', () => {
  it('reads the published 78-byte vector field by field', () => {
    expect(VECTOR.length).toBe(78);
    const f = decoded(VECTOR);
    expect(f.serial).toBe(0);
    expect(f.version).toEqual({ major: 1, minor: 1 });
    expect([...f.time]).toEqual([0x18, 0x0d, 0x11, 0x16, 0x0a, 0x14]);
    expect(decodeTime(f.time, 'binary', CHINA)).toBe(Date.UTC(2020, 9, 22, 9, 13, 24));
    expect(addressToString(f.source)).toBe('0');
    expect([...f.destination]).toEqual([6, 5, 4, 3, 2, 1]);
    expect(addressToString(f.destination)).toBe(String(0x010203040506));
    expect(f.command).toBe(2);
    expect(f.appData.length).toBe(48);
    expect(f.checksum).toBe(0x68);
    expect(f.sums).toEqual({ serial: true, command: false });
    expect(checksumVerdict(f, 'serial')).toEqual({ ok: true, start: 'serial' });

    const adu = decodeAppData(f.appData)!;
    expect(adu).toMatchObject({ type: 2, count: 1 });
    expect(adu.problem).toBeUndefined();
    const c = adu.objects[0]!.object as ComponentState;
    expect(c).toMatchObject({
      type: 2,
      systemType: 1,
      systemAddress: 3,
      componentType: 0,
      componentAddress: 0x000600d9,
      state: 0x0002,
      description: 'Ａ区１层呷哺走廊',
    });
    expect(decodeTime(c.time, 'binary', CHINA)).toBe(Date.UTC(2020, 7, 1, 11, 18, 48));
    expect(adu.objects[0]!.raw.length).toBe(46);
  });

  it('writes the vector back byte for byte from its fields', () => {
    const f = decoded(VECTOR);
    expect(encodeFrame(f).equals(VECTOR)).toBe(true);
  });

  it('writes the 确认 of the vector exactly: same serial, swapped addresses, the centre time, checksum 0x85', () => {
    const f = decoded(VECTOR);
    const confirm = encodeFrame({
      serial: f.serial,
      version: f.version,
      time: encodeTime(CONFIRM_AT, 'binary', CHINA),
      source: f.destination,
      destination: f.source,
      command: 3,
    });
    expect(confirm.toString('hex')).toBe(CONFIRM.toString('hex'));
    expect(confirm.readUInt16LE(2)).toBe(0);
    expect(confirm[27]).toBe(sum(confirm, 2, 27));
    expect(confirm[27]).toBe(0x85);
  });

  it('reads and writes the BCD time variant', () => {
    const bcd = encodeTime(CONFIRM_AT, 'bcd', CHINA);
    expect([...bcd]).toEqual([0x25, 0x13, 0x17, 0x22, 0x10, 0x20]);
    expect(decodeTime(bcd, 'bcd', CHINA)).toBe(CONFIRM_AT);
    // The vector's binary tag holds 0x0d and 0x0a: not BCD, so not a date in that variant.
    expect(decodeTime(decoded(VECTOR).time, 'bcd', CHINA)).toBeUndefined();
    // The same bytes read as binary are a different (valid) time: the profile decides.
    expect(decodeTime(bcd, 'binary', CHINA)).not.toBe(CONFIRM_AT);
    expect(decodeTime(Uint8Array.from([0, 0, 0, 31, 2, 20]), 'binary', CHINA)).toBeUndefined();
    expect(decodeTime(Uint8Array.from([60, 0, 0, 1, 1, 20]), 'binary', CHINA)).toBeUndefined();
    expect(decodeTime(Uint8Array.from([0, 0, 0, 1, 1, 20]), 'binary', 0)).toBe(Date.UTC(2020, 0, 1));
  });

  it('checks either checksum start, and says why a checksum is refused', () => {
    const vendor = frameOf(9, 2, Uint8Array.from([21, 1, 1, 0, 0, 0, 1, 1, 20]), 'command');
    const f = decoded(vendor);
    expect(f.checksum).toBe(sum(vendor, 26, vendor.length - 3));
    expect(f.sums).toEqual({ serial: false, command: true });
    expect(checksumVerdict(f, 'command')).toEqual({ ok: true, start: 'command' });
    expect(checksumVerdict(f, 'auto')).toEqual({ ok: true, start: 'command' });
    const refused = checksumVerdict(f, 'serial');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(
      /^checksum 0x[0-9a-f]{2}, expected 0x[0-9a-f]{2} \(from the serial\)$/,
    );

    const corrupt = Buffer.from(VECTOR);
    corrupt[75] = 0x69;
    const bad = checksumVerdict(decoded(corrupt), 'auto');
    expect(!bad.ok && bad.reason).toBe(
      'checksum 0x69, expected 0x68 from the serial or 0xb7 from the command byte',
    );
    // The vendor's 确认 has no data: its checksum is the command byte itself.
    const confirm = encodeFrame({ ...f, command: 3, appData: new Uint8Array(0) }, 'command');
    expect(confirm[27]).toBe(3);
  });

  it('refuses a frame that is not one whole frame, with a reason', () => {
    expect(decodeFrame(VECTOR.subarray(0, 29))).toEqual({
      ok: false,
      reason: '29 bytes, a frame has at least 30',
    });
    expect(decodeFrame(VECTOR.subarray(0, 77))).toEqual({
      ok: false,
      reason: 'length field says 78 bytes, got 77',
    });
    const noEnd = Buffer.from(VECTOR);
    noEnd[77] = 0;
    expect(decodeFrame(noEnd)).toEqual({ ok: false, reason: 'does not end with ##' });
  });

  it('names transmitters by the decimal of their little-endian address', () => {
    expect(addressToString(addressFromString('1108152157446'))).toBe('1108152157446');
    expect([...addressFromString('258')]).toEqual([2, 1, 0, 0, 0, 0]);
    expect(() => addressFromString(String(2 ** 48))).toThrow(RangeError);
  });
});

describe('the frame reader', () => {
  const reader = () => new FrameReader({ maxAppData: 1024 });

  it('puts a frame split into single bytes back together', () => {
    const r = reader();
    const items: ReadItem[] = [];
    for (const b of VECTOR) {
      r.push(Uint8Array.of(b));
      items.push(...drain(r));
    }
    expect(items).toHaveLength(1);
    expect(items[0]!.kind).toBe('frame');
    expect(Buffer.from(items[0]!.raw).equals(VECTOR)).toBe(true);
    expect(r.buffered).toBe(0);
  });

  it('cuts coalesced frames apart and refuses what lies between them', () => {
    const r = reader();
    const two = frameOf(2, 2, Uint8Array.from([21, 1, 1, 0, 0, 0, 1, 1, 20]));
    r.push(Buffer.concat([Buffer.from('hello'), VECTOR, two, Buffer.from('@'), VECTOR]));
    const items = drain(r);
    expect(items.map((i) => i.kind)).toEqual(['refused', 'frame', 'frame', 'refused', 'frame']);
    expect(items[0]).toMatchObject({ code: 'garbage', reason: '5 bytes before the frame start (@@)' });
    // The stray '@' and the next frame's '@@' look like a start: its misread length is refused, then the frame read.
    expect(items[3]).toMatchObject({
      code: 'too-long',
      reason: 'application data length 12289 is over the bound of 1024',
    });
    expect(items.filter((i) => i.kind === 'frame').map((i) => i.kind === 'frame' && i.frame.serial)).toEqual([
      0, 2, 0,
    ]);
  });

  it('refuses an announced length over its bound, and a frame without its end, then reads on', () => {
    const r = new FrameReader({ maxAppData: 16 });
    const long = Buffer.from(VECTOR); // L = 48 > 16
    const short = frameOf(3, 2, Uint8Array.from([21, 1, 1, 0, 0, 0, 1, 1, 20]));
    r.push(Buffer.concat([long, short]));
    const items = drain(r);
    expect(items[0]).toMatchObject({
      code: 'too-long',
      reason: 'application data length 48 is over the bound of 16 (78 bytes dropped in all)',
    });
    expect(items.at(-1)).toMatchObject({ kind: 'frame' });

    const r2 = reader();
    const noEnd = Buffer.from(short);
    noEnd[noEnd.length - 1] = 0x24;
    r2.push(Buffer.concat([noEnd, short]));
    const items2 = drain(r2);
    expect(items2[0]).toMatchObject({ code: 'no-end' });
    expect(items2[0]!.kind === 'refused' && items2[0]!.reason).toMatch(
      /^no ## where the length field puts the end/,
    );
    expect(items2.filter((i) => i.kind === 'frame')).toHaveLength(1);
  });

  it('finds a whole frame behind a false start instead of waiting for bytes that never come', () => {
    const r = reader();
    const falseStart = Buffer.alloc(27);
    falseStart.write('@@', 0, 'latin1');
    falseStart.writeUInt16LE(900, 24);
    r.push(Buffer.concat([falseStart, VECTOR]));
    const items = drain(r);
    expect(items[0]).toMatchObject({ kind: 'refused', code: 'false-start' });
    expect(items[1]).toMatchObject({ kind: 'frame' });
  });

  it('reads a frame right after a stray @ (the @@@ case)', () => {
    const r = reader();
    r.push(Buffer.concat([Buffer.from('@'), VECTOR]));
    const items = drain(r);
    expect(items.filter((i) => i.kind === 'frame')).toHaveLength(1);
  });

  it('gives up a frame that stopped coming when asked to', () => {
    const r = reader();
    r.push(VECTOR.subarray(0, 40));
    expect(r.next()).toBeUndefined();
    const item = r.abandon();
    expect(item).toMatchObject({
      kind: 'refused',
      code: 'incomplete',
      reason: 'a frame started but only 40 bytes came (40 bytes dropped in all)',
    });
    expect(item?.raw.length).toBe(40);
    expect(drain(r)).toEqual([]);
    expect(r.buffered).toBe(0);
  });

  it('property: any frames, cut anywhere, with garbage between, come out whole and in order', () => {
    const frameArb = fc.record({
      serial: fc.integer({ min: 0, max: 0xffff }),
      command: fc.integer({ min: 0, max: 255 }),
      data: fc.uint8Array({ maxLength: 200 }),
      checksum: fc.constantFrom('serial' as const, 'command' as const),
    });
    const garbageArb = fc.uint8Array({ maxLength: 20 }).map((g) => g.filter((b) => b !== 0x40));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(garbageArb, frameArb), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 30 }),
        (parts, cuts) => {
          const frames = parts.map(([, f]) => frameOf(f.serial, f.command, f.data, f.checksum));
          const stream = Buffer.concat(parts.flatMap(([g], i) => [Buffer.from(g), frames[i]!]));
          const r = reader();
          const got: ReadItem[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            r.push(stream.subarray(at, at + n));
            at += n;
            got.push(...drain(r));
          }
          const whole = got.filter((g) => g.kind === 'frame').map((g) => Buffer.from(g.raw).toString('hex'));
          expect(whole).toEqual(frames.map((f) => f.toString('hex')));
          expect(r.buffered).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: arbitrary bytes never throw, and the reader never holds more than one bounded frame', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const r = new FrameReader({ maxAppData: 256 });
        for (const c of chunks) {
          r.push(c);
          const items = drain(r);
          for (const i of items) if (i.kind === 'refused') expect(i.reason.length).toBeGreaterThan(0);
          expect(r.buffered).toBeLessThanOrEqual(30 + 256);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('application data units', () => {
  it('reads system state, analog, operation, transmitter state and transmitter operation', () => {
    expect(
      decodeAppData(Uint8Array.from([1, 1, 1, 3, 0x02, 0x01, ...tag]))!.objects[0]!.object,
    ).toMatchObject({
      type: 1,
      systemType: 1,
      systemAddress: 3,
      state: 0x0102,
    });
    expect(
      decodeAppData(Uint8Array.from([3, 1, 1, 3, 42, 0xd9, 0, 6, 0, 4, 0x38, 0xff, ...tag]))!.objects[0]!
        .object,
    ).toMatchObject({ type: 3, componentType: 42, componentAddress: 0x000600d9, analogType: 4, value: -200 });
    expect(decodeAppData(Uint8Array.from([4, 1, 1, 3, 0x05, 9, ...tag]))!.objects[0]!.object).toMatchObject({
      type: 4,
      operation: 5,
      operator: 9,
    });
    expect(decodeAppData(Uint8Array.from([21, 1, 0x09, ...tag]))!.objects[0]!.object).toMatchObject({
      type: 21,
      state: 9,
    });
    expect(decodeAppData(Uint8Array.from([24, 1, 0x20, 2, ...tag]))!.objects[0]!.object).toMatchObject({
      type: 24,
      operation: 0x20,
      operator: 2,
    });
  });

  it('reads as many objects as fit, and says what did not', () => {
    const two = decodeAppData(Uint8Array.from([21, 3, 1, ...tag, 1, ...tag]))!;
    expect(two.objects).toHaveLength(2);
    expect(two.problem).toBe('declares 3 objects of 7 bytes, 14 bytes hold 2');
    const extra = decodeAppData(Uint8Array.from([21, 1, 1, ...tag, 0xee]))!;
    expect(extra.objects).toHaveLength(1);
    expect(extra.problem).toBe('1 bytes after the 1 declared objects');
    expect(decodeAppData(Uint8Array.from([200, 1, 1, 2]))!.problem).toBe(
      'type 200 is not read here (2 bytes kept raw)',
    );
    expect(decodeAppData(new Uint8Array(0))).toBeUndefined();
  });

  it('decodes 部件说明 as GB18030, without its padding', () => {
    const desc = hex('a3c1c7f8a3b1b2e3dfc8b2b8d7dfc0c8');
    const padded = (pad: number) => Buffer.concat([desc, Buffer.alloc(31 - desc.length, pad)]);
    expect(decodeDescription(padded(0))).toBe('Ａ区１层呷哺走廊');
    expect(decodeDescription(padded(0x20))).toBe('Ａ区１层呷哺走廊');
    expect(decodeDescription(padded(0xff))).toBe('Ａ区１层呷哺走廊');
    expect(decodeDescription(Buffer.from('B2-3F smoke'))).toBe('B2-3F smoke');
    expect(decodeDescription(Buffer.from('B2\r\n\u001b[2J3F'))).toBe('B2   [2J3F');
    // A description cut in the middle of a character keeps what it can.
    expect(decodeDescription(desc.subarray(0, 3))).toMatch(/^Ａ/);
  });

  it('writes 校时 and 查岗', () => {
    expect([...encodeSyncTime(Uint8Array.from(tag))]).toEqual([ADU.syncTime, 1, ...tag]);
    expect([...encodeInspect(10)]).toEqual([91, 1, 10]);
    expect([...encodeInspect(0)]).toEqual([91, 1, 1]);
  });
});

describe('state bits to reports', () => {
  const config = Gb26875Config.parse({
    id: 'fire',
    port: 0,
    transmitters: [
      {
        address: 7,
        name: 'B2 消控室',
        zone: 'b2',
        placements: [
          { system: 3, zone: 'tower-a' },
          { system: 3, component: 0x000600d9, zone: 'a-1f', cameras: ['cam-1'] },
        ],
      },
    ],
  });
  const profile = resolveProfile(config, '7')!;
  const ctx = (serial: number): MapContext => ({
    sourceId: 'fire',
    profile,
    serial,
    receivedAt: 1,
    readTime: (b) => decodeTime(b, 'binary', CHINA),
  });
  const component = (state: number, componentType = 0, componentAddress = 0x000600d9) => {
    const o = Buffer.alloc(46);
    o[0] = 1;
    o[1] = 3;
    o[2] = componentType;
    o.writeUInt32LE(componentAddress, 3);
    o.writeUInt16LE(state, 7);
    hex('a3c1c7f8a3b1b2e3dfc8b2b8d7dfc0c8').copy(o, 9);
    Buffer.from(tag).copy(o, 40);
    return decodeAppData(Buffer.concat([Buffer.from([2, 1]), o]))!;
  };
  const run = (memory: StateMemory, adu: ReturnType<typeof component>, serial = 1) => {
    const staging = memory.stage();
    const mapped = mapAppData(adu, ctx(serial), staging);
    staging.keep();
    return mapped.reports;
  };

  it('火警 is fire, smoke for 感烟 and gas for 可燃气体', () => {
    expect(fireTypeOf(0)).toBe('fire');
    expect(fireTypeOf(30)).toBe('fire');
    expect([40, 41, 42, 43, 44].map(fireTypeOf)).toEqual(Array(5).fill('smoke'));
    expect([10, 11, 12, 13].map(fireTypeOf)).toEqual(Array(4).fill('gas'));
  });

  it('a component in fire is an alarm on that component, with its 部件说明, place and origin', () => {
    const reports = run(new StateMemory(), component(0x0003, 42));
    const alarm = reports.find((r) => r.kind === 'alarm')!;
    expect(alarm).toMatchObject({
      kind: 'alarm',
      type: 'smoke',
      zone: 'a-1f',
      cameras: ['cam-1'],
      device: { id: 'fire:7:1.3:393433', kind: 'fire_component', label: 'Ａ区１层呷哺走廊' },
    });
    expect(alarm.at).toBe(decodeTime(Uint8Array.from(tag), 'binary', CHINA));
    expect(alarm.origin).toMatchObject({
      transmitter: '7',
      transmitterName: 'B2 消控室',
      systemType: 1,
      systemTypeZh: '火灾报警系统',
      systemAddress: 3,
      componentType: 42,
      componentTypeZh: '感烟火灾探测器',
      componentTypeEn: 'smoke detector',
      componentAddress: 0x000600d9,
      componentAddressHex: '0x000600d9',
      loop: 6,
      point: 217,
      description: 'Ａ区１层呷哺走廊',
      state: 3,
      stateBits: 'normal,fire',
      stateBitsZh: '正常、火警',
      bits: 'fire',
      bitsZh: '火警',
      bitsEn: 'fire alarm',
      mode: 'normal',
    });
    // Nothing was known before: the clear fault group is a restore, which closes whatever may be open.
    expect(reports.find((r) => r.kind === 'restore')).toMatchObject({ type: 'fire_facility_fault' });
  });

  it('words each report in both languages from the state and component tables', () => {
    const memory = new StateMemory();
    const [alarm] = run(memory, component(0x0003, 42)).filter((r) => r.kind === 'alarm');
    const where = 'smoke detector 0x000600d9 (loop 6, point 217) of fire alarm system 3: Ａ区１层呷哺走廊';
    expect(alarm).toMatchObject({
      text: `fire alarm: ${where}`,
      texts: {
        'zh-CN': '火警：火灾报警系统 3 感烟火灾探测器 0x000600d9（回路 6，点位 217）：Ａ区１层呷哺走廊',
        en: `fire alarm: ${where}`,
      },
    });
    const [restore] = run(memory, component(0x0001, 42), 2);
    expect(restore?.texts?.['zh-CN']).toMatch(/^火警恢复：火灾报警系统 3 感烟火灾探测器/);
    expect(restore?.texts?.en).toMatch(/^restored \(fire alarm\): smoke detector/);
  });

  it('a cleared bit restores, a repeated state says nothing, and each report has its own stable key', () => {
    const memory = new StateMemory();
    const first = run(memory, component(0x0003), 1);
    expect(run(memory, component(0x0003), 2)).toEqual([]);
    const restored = run(memory, component(0x0001), 3);
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({
      kind: 'restore',
      type: 'fire',
      origin: { bits: 'fire', bitsZh: '火警' },
    });
    const keys = [...first, ...restored].map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    // The same object under the same serial, mapped again from the same memory: the same keys.
    const again = new StateMemory();
    expect(run(again, component(0x0003), 1).map((r) => r.key)).toEqual(first.map((r) => r.key));
  });

  it('故障, 监管 and power faults are fire_facility_fault; another fault bit re-triggers it; 屏蔽 is info', () => {
    const memory = new StateMemory();
    run(memory, component(0x0001));
    expect(run(memory, component(0x0005), 2)).toMatchObject([
      { kind: 'alarm', type: 'fire_facility_fault', origin: { bits: 'fault' } },
    ]);
    expect(run(memory, component(0x0105), 3)).toMatchObject([
      {
        kind: 'alarm',
        type: 'fire_facility_fault',
        origin: { bits: 'main_power_fault', bitsZh: '主电故障' },
      },
    ]);
    expect(run(memory, component(0x0009), 4)).toMatchObject([
      { kind: 'restore', type: 'fire_facility_fault', origin: { bits: 'fault,main_power_fault' } },
      { kind: 'event', origin: { bits: 'disabled', bitsZh: '屏蔽' } },
    ]);
    expect(run(memory, component(0x0001), 5)).toMatchObject([
      { kind: 'event', origin: { bitsZh: '屏蔽解除' } },
    ]);
  });

  it('the test bit (bit 0 clear) never hides a fire', () => {
    const reports = run(new StateMemory(), component(0x0002));
    expect(reports.find((r) => r.kind === 'alarm')).toMatchObject({ type: 'fire', origin: { mode: 'test' } });
  });

  it('a system 复位 restores the alarms remembered for its components', () => {
    const memory = new StateMemory();
    run(memory, component(0x0003, 42, 1));
    run(memory, component(0x0005, 30, 2), 2);
    const reset = decodeAppData(Uint8Array.from([4, 1, 1, 3, 0x01, 0, ...tag]))!;
    const staging = memory.stage();
    const reports = mapAppData(reset, ctx(3), staging).reports;
    staging.keep();
    expect(reports.filter((r) => r.kind === 'restore').map((r) => [r.device.id, r.type])).toEqual([
      ['fire:7:1.3:1', 'smoke'],
      ['fire:7:1.3:2', 'fire_facility_fault'],
    ]);
    expect(reports.find((r) => r.kind === 'event')).toMatchObject({ origin: { operationBitsZh: '复位' } });
    // Remembered as restored: the next normal word says nothing more.
    expect(run(memory, component(0x0001, 42, 1), 4)).toEqual([]);
  });

  it('system state: power and bus faults are facility faults of the system', () => {
    const staging = new StateMemory().stage();
    const adu = decodeAppData(Uint8Array.from([1, 1, 1, 3, 0x01, 0x04, ...tag]))!;
    expect(mapAppData(adu, ctx(1), staging).reports.find((r) => r.kind === 'alarm')).toMatchObject({
      kind: 'alarm',
      type: 'fire_facility_fault',
      zone: 'tower-a',
      device: { id: 'fire:7:1.3', label: '火灾报警系统 3' },
      origin: { bits: 'bus_fault', bitsZh: '总线故障' },
    });
  });

  it('the transmitter: its 火警 and faults, and 查岗应答', () => {
    const staging = new StateMemory().stage();
    const own = mapAppData(decodeAppData(Uint8Array.from([21, 1, 0x23, ...tag]))!, ctx(1), staging);
    expect(own.reports.map((r) => [r.kind, r.type, r.device.kind, r.zone])).toEqual([
      ['alarm', 'fire', 'fire_transmitter', 'b2'],
      ['alarm', 'fire_facility_fault', 'fire_transmitter', 'b2'],
    ]);
    expect(own.reports[1]!.origin.bitsZh).toBe('与监控中心通信信道故障');
    const answer = mapAppData(decodeAppData(Uint8Array.from([24, 1, 0x20, 1, ...tag]))!, ctx(2), staging);
    expect(answer.inspectionAnswered).toBe(true);
    expect(answer.reports).toMatchObject([{ kind: 'event', origin: { operationBitsZh: '查岗应答' } }]);
  });
});

describe('the source config', () => {
  it('fills defaults and names transmitters by decimal address', () => {
    const c = Gb26875Config.parse({ id: 'fire', port: 0, transmitters: [{ address: '0258' }] });
    expect(c).toMatchObject({ kind: 'gb26875', host: '0.0.0.0', badChecksum: 'deny', maxAppData: 4096 });
    expect(c.transmitters[0]!.address).toBe('258');
    expect(resolveProfile(c, '258')).toMatchObject({
      known: true,
      time: 'binary',
      checksum: 'auto',
      utcOffsetMin: 480,
      supervisionSec: 300,
    });
    expect(resolveProfile(c, '9')).toMatchObject({ known: false });
    expect(resolveProfile({ ...c, acceptUnknown: false }, '9')).toBeUndefined();
  });

  it('refuses two profiles for one transmitter and a bad zone id', () => {
    const twice = Gb26875Config.safeParse({
      id: 'f',
      port: 0,
      transmitters: [{ address: 1 }, { address: '1' }],
    });
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0]?.message).toBe('transmitter 1 has two profiles');
    expect(
      Gb26875Config.safeParse({ id: 'f', port: 0, transmitters: [{ address: 1, zone: 'a b' }] }).success,
    ).toBe(false);
  });

  it('places a component by the most specific entry', () => {
    const c = Gb26875Config.parse({
      id: 'f',
      port: 0,
      transmitters: [
        {
          address: 1,
          zone: 'site',
          placements: [
            { systemType: 1, zone: 'fire-panels' },
            { system: 2, zone: 'tower-b', cameras: ['c1'] },
            { system: 2, component: 5, zone: 'b-lobby' },
          ],
        },
      ],
    });
    const p = resolveProfile(c, '1')!;
    expect(placementOf(p, { systemType: 1, system: 2, component: 5 })).toEqual({ zone: 'b-lobby' });
    expect(placementOf(p, { systemType: 1, system: 2, component: 6 })).toEqual({
      zone: 'tower-b',
      cameras: ['c1'],
    });
    expect(placementOf(p, { systemType: 1, system: 9 })).toEqual({ zone: 'fire-panels' });
    expect(placementOf(p, { systemType: 12, system: 9 })).toEqual({ zone: 'site' });
  });
});
