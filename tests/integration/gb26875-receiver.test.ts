import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceLog } from '../../electron/hub/sources/source';
import type { Gb26875ConfigInput } from '../../electron/hub/sources/gb26875/config';
import { createGb26875Source, type Gb26875Source } from '../../electron/hub/sources/gb26875/receiver';
import {
  gb18030,
  PUBLISHED_CONFIRM,
  PUBLISHED_VECTOR,
  SimTransmitter,
  type TransmitterOptions,
} from '../simulators/gb26875-transmitter';
import { RecordingSink } from '../support/sink';
import { until } from '../support/until';

/** The guide's 确认 was sent when the centre's clock read 2020-10-22 17:13:25 in China. */
const CONFIRM_AT = Date.UTC(2020, 9, 22, 9, 13, 25);

const quiet: SourceLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Harness {
  source: Gb26875Source;
  sink: RecordingSink;
  port: number;
  clock: { now: number };
  sim(options?: Partial<TransmitterOptions>): Promise<SimTransmitter>;
}

const open: { sources: Gb26875Source[]; sims: SimTransmitter[] } = { sources: [], sims: [] };

afterEach(async () => {
  for (const s of open.sims.splice(0)) s.cut();
  for (const s of open.sources.splice(0)) await s.stop();
});

async function start(config: Partial<Gb26875ConfigInput> = {}, now = CONFIRM_AT): Promise<Harness> {
  const sink = new RecordingSink();
  const clock = { now };
  const source = createGb26875Source(
    { id: 'fire', port: 0, host: '127.0.0.1', ...config },
    { sink, now: () => clock.now, log: quiet },
    { tickMs: 20 },
  );
  open.sources.push(source);
  await source.start();
  const endpoint = source.status().endpoint!;
  const port = Number(endpoint.split(':').at(-1));
  return {
    source,
    sink,
    port,
    clock,
    async sim(options = {}) {
      const sim = new SimTransmitter({ port, retryMs: 400, maxAttempts: 10, ...options });
      open.sims.push(sim);
      await sim.connect();
      return sim;
    },
  };
}

function sumOf(bytes: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += bytes[i]!;
  return s % 256;
}

const confirms = (sim: SimTransmitter, serial: number) =>
  sim.received.filter((f) => f.command === 3 && f.serial === serial);

/**
 * A smoke alarm from a detector, sent by `sim` while the log fails its first commit: the transmitter gets its one
 * 确认 only on a later attempt, and the log holds one report.
 */
async function expectSmokeAfterRetry(h: Harness, sim: SimTransmitter): Promise<void> {
  const frame = sim.frame(
    2,
    sim.componentStates([{ componentType: 42, componentAddress: 1, state: 0x0003 }]),
  );
  const out = await sim.send(frame);
  expect(out.confirmed).toBe(true);
  expect(out.attempts).toBeGreaterThanOrEqual(2);
  expect(confirms(sim, frame.readUInt16LE(2))).toHaveLength(1);
  expect(h.sink.alarms('smoke')).toHaveLength(1);
}

describe('GB/T 26875.3 receiver over TCP', () => {
  it('answers the published vector with the published 确认: serial 0, valid checksum, the centre time', async () => {
    const h = await start();
    expect(h.source.status()).toMatchObject({ state: 'listening', kind: 'gb26875', id: 'fire', peers: 0 });
    const sim = await h.sim();
    const out = await sim.send(PUBLISHED_VECTOR);
    expect(out.confirmed).toBe(true);
    const reply = out.reply!;
    expect(reply.serial).toBe(0);
    expect(reply.command).toBe(3);
    expect(reply.raw[27]).toBe(sumOf(reply.raw, 2, 27));
    expect(reply.raw.toString('hex')).toBe(PUBLISHED_CONFIRM.toString('hex'));

    const [fire] = h.sink.alarms('fire');
    expect(fire).toMatchObject({
      kind: 'alarm',
      type: 'fire',
      device: { id: 'fire:0:1.3:393433', kind: 'fire_component', label: 'Ａ区１层呷哺走廊' },
      at: Date.UTC(2020, 7, 1, 11, 18, 48),
      origin: { transmitter: '0', systemAddress: 3, loop: 6, point: 217, bitsZh: '火警', serial: 0 },
    });
    expect(h.source.status()).toMatchObject({
      state: 'connected',
      peers: 1,
      counts: { received: 1, refused: 0, errors: 0 },
      lastMessageAt: CONFIRM_AT,
    });
  });

  it('a detector in fire, then restored: a smoke alarm with its zone and cameras, then its restore', async () => {
    const h = await start({
      transmitters: [
        {
          address: 42,
          name: '1号楼消控室',
          placements: [{ system: 1, component: 0x00010005, zone: 'b1', cameras: ['cam-7'] }],
        },
      ],
    });
    const sim = await h.sim({ address: 42 });
    const detector = { componentType: 42, componentAddress: 0x00010005, description: '1号楼3层电梯厅' };
    expect(
      (await sim.send(sim.frame(2, sim.componentStates([{ ...detector, state: 0x0003 }])))).confirmed,
    ).toBe(true);
    expect(h.sink.alarms()).toMatchObject([
      {
        type: 'smoke',
        zone: 'b1',
        cameras: ['cam-7'],
        device: { id: 'fire:42:1.1:65541', kind: 'fire_component', label: '1号楼3层电梯厅' },
        origin: { transmitterName: '1号楼消控室', componentTypeZh: '感烟火灾探测器', loop: 1, point: 5 },
      },
    ]);
    expect(
      (await sim.send(sim.frame(2, sim.componentStates([{ ...detector, state: 0x0001 }])))).confirmed,
    ).toBe(true);
    const restores = h.sink.reports.filter((r) => r.kind === 'restore' && r.type === 'smoke');
    expect(restores).toMatchObject([
      { device: { id: 'fire:42:1.1:65541' }, zone: 'b1', origin: { bits: 'fire' } },
    ]);
  });

  it('a heartbeat (发送数据 without data) is confirmed; the transmitter is seen alive at most once a minute', async () => {
    const h = await start({ transmitters: [{ address: 8, name: '2号楼' }] });
    const sim = await h.sim({ address: 8 });
    for (let i = 0; i < 3; i++) expect((await sim.send(sim.frame(2, Buffer.alloc(0)))).confirmed).toBe(true);
    h.clock.now += 60_000;
    expect((await sim.send(sim.frame(2, Buffer.alloc(0)))).confirmed).toBe(true);
    expect(h.sink.reports.map((r) => [r.kind, r.device.id, r.device.kind, r.device.label, r.at])).toEqual([
      ['alive', 'fire:8', 'fire_transmitter', '2号楼', CONFIRM_AT],
      ['alive', 'fire:8', 'fire_transmitter', '2号楼', CONFIRM_AT + 60_000],
    ]);
  });

  it('faults of components and systems are fire_facility_fault', async () => {
    const h = await start();
    const sim = await h.sim({ address: 5 });
    await sim.send(
      sim.frame(2, sim.componentStates([{ componentType: 30, componentAddress: 9, state: 0x0005 }])),
    );
    await sim.send(sim.frame(2, sim.systemState(1, 1, 0x0101)));
    await sim.send(sim.frame(2, sim.ownState(0x09)));
    expect(h.sink.alarms().map((a) => [a.type, a.device.id, a.origin.bits])).toEqual([
      ['fire_facility_fault', 'fire:5:1.1:9', 'fault'],
      ['fire_facility_fault', 'fire:5:1.1', 'main_power_fault'],
      ['fire_facility_fault', 'fire:5', 'main_power_fault'],
    ]);
  });

  it('a corrupt checksum is answered with 否认 and reported nowhere; the resend is taken', async () => {
    const h = await start();
    const sim = await h.sim({ address: 3 });
    const frame = sim.frame(
      2,
      sim.componentStates([{ componentType: 40, componentAddress: 1, state: 0x0003 }]),
    );
    const bad = Buffer.from(frame);
    bad[bad.length - 3] = (bad[bad.length - 3]! + 1) & 0xff;
    sim.write(bad);
    const deny = await sim.waitFor((f) => f.command === 6, 5000);
    expect(deny).toMatchObject({ serial: frame.readUInt16LE(2), sumFromSerial: true });
    expect(h.sink.reports).toEqual([]);
    const status = h.source.status();
    expect(status.counts.refused).toBe(1);
    expect(status.lastRefused[0]!.reason).toMatch(/^transmitter 3: checksum 0x[0-9a-f]{2}, expected/);
    expect(status.lastRefused[0]!.raw).toBe(bad.toString('hex'));
    expect(status.lastRefused[0]!.code).toBe('checksum');
    expect((await sim.send(frame)).confirmed).toBe(true);
    expect(h.sink.alarms('smoke')).toHaveLength(1);
  });

  it('with badChecksum: drop, a corrupt frame gets no answer at all', async () => {
    const h = await start({ badChecksum: 'drop' });
    const sim = await h.sim({ address: 3 });
    const bad = sim.frame(2, sim.ownState(0x01));
    bad[bad.length - 3] = bad.readUInt8(bad.length - 3) ^ 0xff;
    sim.write(bad);
    await until('the refusal', () => h.source.status().counts.refused === 1 || undefined);
    const good = sim.frame(2, sim.ownState(0x01));
    expect((await sim.send(good)).confirmed).toBe(true);
    expect(sim.received.map((f) => [f.command, f.serial])).toEqual([[3, good.readUInt16LE(2)]]);
  });

  it('frames split into pieces and frames coalesced in one write are all confirmed once', async () => {
    const h = await start();
    const sim = await h.sim({ address: 11 });
    const split = sim.frame(
      2,
      sim.componentStates([{ componentType: 23, componentAddress: 1, state: 0x0003 }]),
    );
    expect((await sim.send(split, { split: [1, 1, 3, 20, 1, 30] })).confirmed).toBe(true);
    const three = [2, 3, 4].map((a) =>
      sim.frame(2, sim.componentStates([{ componentType: 23, componentAddress: a, state: 0x0003 }])),
    );
    sim.write(Buffer.concat(three));
    for (const f of three) {
      expect(await sim.waitFor((r) => r.command === 3 && r.serial === f.readUInt16LE(2), 5000)).toBeDefined();
    }
    expect(h.sink.alarms('fire').map((a) => a.origin.componentAddress)).toEqual([1, 2, 3, 4]);
    expect(h.source.status().counts).toMatchObject({ received: 4, refused: 0 });
  });

  it('the same frame sent twice (same serial and content) is one report, and confirmed twice', async () => {
    const h = await start();
    const sim = await h.sim({ address: 12 });
    const frame = sim.frame(
      2,
      sim.componentStates([{ componentType: 11, componentAddress: 7, state: 0x0003 }]),
    );
    expect((await sim.send(frame)).confirmed).toBe(true);
    expect((await sim.send(frame)).confirmed).toBe(true);
    expect(confirms(sim, frame.readUInt16LE(2))).toHaveLength(2);
    expect(h.sink.alarms('gas')).toHaveLength(1);
  });

  it('a commit that fails gets no 确认; the retry after the log is back is one report', async () => {
    const h = await start();
    h.sink.mode = 'reject';
    h.sink.onCommit = (_r, call) => {
      if (call === 2) h.sink.mode = 'ok';
    };
    // The first attempt's commit failed: no 确认 for it, the transmitter had to send again.
    await expectSmokeAfterRetry(h, await h.sim({ address: 13, retryMs: 300 }));
    expect(h.source.status().counts.errors).toBeGreaterThanOrEqual(1);
  });

  it('a commit that hangs gets no 确认; the retry after recovery is still one report', async () => {
    const h = await start({ commitTimeoutMs: 200 });
    h.sink.mode = 'lost-reply';
    h.sink.onCommit = (_r, call) => {
      if (call > 1) h.sink.mode = 'ok';
    };
    await expectSmokeAfterRetry(h, await h.sim({ address: 14, retryMs: 500 }));
  });

  it('a silent transmitter is a communication fault; its next frame ends it', async () => {
    const h = await start({ transmitters: [{ address: 21, supervisionSec: 30 }] });
    const sim = await h.sim({ address: 21 });
    expect((await sim.send(sim.frame(2, sim.ownState(0x01)))).confirmed).toBe(true);
    h.clock.now += 31_000;
    const fault = await until('the comm fault', () =>
      h.sink.reports.find((r) => r.kind === 'state' && r.state === 'fault'),
    );
    expect(fault).toMatchObject({
      device: { id: 'fire:21', kind: 'fire_transmitter' },
      origin: { transmitter: '21', reason: 'silence', supervisionSec: 30 },
    });
    expect(h.source.status().state).toBe('degraded');
    expect((await sim.send(sim.frame(2, sim.ownState(0x01)))).confirmed).toBe(true);
    expect(h.sink.reports.filter((r) => r.kind === 'state').map((r) => r.state)).toEqual(['fault', 'ok']);
    expect(h.source.status().state).toBe('connected');
  });

  it('a transmitter with a profile that never dials in is a communication fault too', async () => {
    const h = await start({ transmitters: [{ address: 22, supervisionSec: 60 }] });
    h.clock.now += 61_000;
    const fault = await until('the comm fault', () => h.sink.reports.find((r) => r.kind === 'state'));
    expect(fault).toMatchObject({ state: 'fault', device: { id: 'fire:22' } });
  });

  it('vendor variants: BCD time and a checksum from the command byte, answered in kind', async () => {
    const h = await start({ transmitters: [{ address: 31, time: 'bcd', checksum: 'command' }] });
    const sim = await h.sim({ address: 31, time: 'bcd', checksum: 'command', now: () => CONFIRM_AT });
    const out = await sim.send(
      sim.frame(2, sim.componentStates([{ componentType: 61, componentAddress: 2, state: 3 }])),
    );
    expect(out.confirmed).toBe(true);
    expect(out.reply).toMatchObject({ sumFromCommand: true, sumFromSerial: false });
    expect([...out.reply!.time]).toEqual([0x25, 0x13, 0x17, 0x22, 0x10, 0x20]);
    const [fire] = h.sink.alarms('fire');
    expect(fire!.at).toBe(CONFIRM_AT);
    // A profile that takes only the standard checksum refuses the vendor's.
    const strict = await start({ transmitters: [{ address: 32, checksum: 'serial' }] });
    const other = await strict.sim({ address: 32, checksum: 'command', maxAttempts: 1, retryMs: 300 });
    const refused = await other.send(other.frame(2, other.ownState(1)));
    expect(refused).toMatchObject({ confirmed: false, denied: true });
  });

  it('an unknown transmitter with the vendor checksum is taken (auto) and answered with that checksum', async () => {
    const h = await start();
    const sim = await h.sim({ address: 33, checksum: 'command' });
    const out = await sim.send(sim.frame(2, sim.ownState(0x03)));
    expect(out).toMatchObject({ confirmed: true, reply: { sumFromCommand: true } });
    expect(h.sink.alarms('fire')).toMatchObject([{ device: { id: 'fire:33', kind: 'fire_transmitter' } }]);
  });

  it('校时 sets the transmitter clock to the hub time; 查岗 is answered with 查岗应答', async () => {
    const h = await start();
    const sim = await h.sim({ address: 41, answerInspection: true });
    await sim.send(sim.frame(2, sim.ownState(0x01)));
    expect(await h.source.syncTime('41')).toBe('confirmed');
    expect([...sim.timeSyncs[0]!]).toEqual([0x19, 0x0d, 0x11, 0x16, 0x0a, 0x14]);
    const control = sim.received.find((f) => f.command === 1)!;
    expect(control.raw[control.raw.length - 3]).toBe(sumOf(control.raw, 2, control.raw.length - 3));
    expect(await h.source.inspect('41', 5)).toBe('confirmed');
    expect(sim.inspections).toEqual([5]);
    const info = await until('the 查岗应答', () =>
      h.sink.reports.find((r) => r.kind === 'event' && r.origin.operationBits === 'inspection_answer'),
    );
    expect(info.origin.operationBitsZh).toBe('查岗应答');
    expect(await h.source.inspect('99')).toBe('offline');
  });

  it('an unanswered 查岗 is a duty-post fault; a late answer restores it', async () => {
    const h = await start();
    const sim = await h.sim({ address: 42 });
    await sim.send(sim.frame(2, sim.ownState(0x01)));
    expect(await h.source.inspect('42', 2)).toBe('confirmed');
    h.clock.now += 2 * 60_000 + 1000;
    const fault = await until('the duty fault', () => h.sink.alarms('fire_facility_fault')[0]);
    expect(fault.device).toMatchObject({ id: 'fire:42:duty', label: '消防控制室值班' });
    expect((await sim.send(sim.frame(2, sim.ownOperation(1 << 5)))).confirmed).toBe(true);
    expect(h.sink.reports.filter((r) => r.device.id === 'fire:42:duty').map((r) => r.kind)).toEqual([
      'alarm',
      'restore',
    ]);
  });

  it('a clock off by more than the profile allows gets 校时 on its own', async () => {
    const h = await start({ transmitters: [{ address: 43, timeSyncSkewSec: 60 }] });
    const sim = await h.sim({ address: 43, now: () => CONFIRM_AT - 3_600_000 });
    expect((await sim.send(sim.frame(2, sim.ownState(0x01)))).confirmed).toBe(true);
    const sync = await sim.waitFor((f) => f.command === 1 && f.data[0] === 90, 5000);
    expect([...sync!.data.subarray(2, 8)]).toEqual([0x19, 0x0d, 0x11, 0x16, 0x0a, 0x14]);
  });

  it('garbage, huge lengths, cut frames and too many connections never stop it', async () => {
    const h = await start({ maxConnectionsPerHost: 3, partialFrameMs: 200 });
    const raw = async (bytes: Buffer, cut = false) => {
      const s = connect({ host: '127.0.0.1', port: h.port });
      s.on('error', () => undefined);
      await new Promise<void>((r) => s.once('connect', () => r()));
      s.write(bytes);
      if (cut) s.destroy();
      else s.end();
      await new Promise<void>((r) => s.once('close', () => r()));
    };
    await raw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const huge = Buffer.alloc(27);
    huge.write('@@', 0, 'latin1');
    huge.writeUInt16LE(0xffff, 24);
    await raw(huge);
    await raw(PUBLISHED_VECTOR.subarray(0, 50), true);
    await raw(Buffer.alloc(100_000, 0x40));
    const held = await Promise.all([h.sim(), h.sim(), h.sim()]);
    const fourth = new SimTransmitter({ port: h.port });
    await fourth.connect();
    await until('the fourth connection closed', () => !fourth.connected || undefined);
    expect(h.source.status().lastRefused.some((r) => /3 open from that host/.test(r.reason))).toBe(true);
    for (const s of held) s.cut();
    // A half frame on a live connection is given up after partialFrameMs, and the next frame is read.
    const sim = await until('a free connection slot', async () => {
      if (h.source.status().peers > 0) return undefined;
      return h.sim({ address: 51 });
    });
    sim.write(PUBLISHED_VECTOR.subarray(0, 40));
    await until('the half frame given up', () =>
      h.source.status().lastRefused.find((r) => r.reason.startsWith('a frame started but only 40 bytes')),
    );
    expect((await sim.send(sim.frame(2, gbState(sim)))).confirmed).toBe(true);
    const status = h.source.status();
    expect(status.state).toBe('connected');
    expect(status.counts.refused).toBeGreaterThanOrEqual(5);
    for (const r of status.lastRefused) {
      expect(r.reason.length).toBeGreaterThan(0);
      expect(r.raw.length).toBeLessThanOrEqual(128 * 2 + 24);
    }
  });
});

function gbState(sim: SimTransmitter): Buffer {
  return sim.componentStates([{ componentType: 44, componentAddress: 3, state: 1, description: '地下车库' }]);
}

// The simulator's own encoder must agree with the decoder the hub uses for 部件说明.
describe('the simulator', () => {
  it('encodes 部件说明 in GB18030 as the published vector has it', () => {
    expect(gb18030('Ａ区１层呷哺走廊').toString('hex')).toBe('a3c1c7f8a3b1b2e3dfc8b2b8d7dfc0c8');
  });
});
