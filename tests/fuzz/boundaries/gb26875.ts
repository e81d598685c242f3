import { connect } from 'node:net';
import fc from 'fast-check';
import { ALARM_TYPES } from '../../../shared/domain/alarm';
import type { SourceReport } from '../../../electron/hub/sources/source';
import { createGb26875Source } from '../../../electron/hub/sources/gb26875/receiver';
import { PUBLISHED_VECTOR, SimTransmitter } from '../../simulators/gb26875-transmitter';
import { nastyText, within, type Boundary, probeWhile, weighted, fuzzLog, oneIn, eachCase } from '../lib';
import { quietContext } from '../../support/sink';

/**
 * The GB/T 26875.3 source (the hub's TCP server for fire-alarm transmitters): random bytes, frames with fuzzed
 * application data (every unit type, counts that do not fit, GB18030 descriptions made of nasty text), valid
 * frames with flipped bytes or cut short, headers announcing any length, all written whole or in pieces, ended,
 * cut or left hanging. A transmitter of its own probes all along that a good frame is still confirmed within
 * the stall deadline; afterwards every report the source committed must be well formed.
 */

const PROBE_ADDRESS = 999_999;
const ALARM_TYPE_SET = new Set<string>(ALARM_TYPES);
const REPORT_KINDS = new Set(['alarm', 'restore', 'state', 'alive', 'event']);
const DEVICE_KINDS = new Set(['fire_transmitter', 'fire_component']);

const component = fc.record({
  systemType: fc.oneof(fc.constantFrom(1, 10, 12), fc.integer({ min: 0, max: 255 })),
  systemAddress: fc.integer({ min: 0, max: 255 }),
  componentType: fc.oneof(fc.constantFrom(0, 11, 23, 30, 42, 61), fc.integer({ min: 0, max: 255 })),
  componentAddress: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 0xffffffff })),
  state: fc.oneof(
    fc.constantFrom(0x0001, 0x0003, 0x0005, 0x0009, 0x0101),
    fc.integer({ min: 0, max: 0xffff }),
  ),
  description: nastyText,
});

const kase = fc.record({
  kind: weighted({ bytes: 3, valid: 5, mutated: 4, header: 2, vector: 1 }),
  bytes: fc.uint8Array({ maxLength: 600 }),
  prefix: fc.oneof(
    { weight: 4, arbitrary: fc.constant(new Uint8Array(0)) },
    fc.uint8Array({ maxLength: 40 }),
  ),
  address: fc.integer({ min: 0, max: 12 }),
  time: fc.constantFrom('binary' as const, 'bcd' as const),
  checksum: fc.constantFrom('serial' as const, 'command' as const),
  command: fc.oneof({ weight: 6, arbitrary: fc.constant(2) }, fc.integer({ min: 0, max: 255 })),
  aduType: fc.oneof(fc.constantFrom(1, 2, 3, 4, 21, 24, 28, 90, 91), fc.integer({ min: 0, max: 255 })),
  count: fc.integer({ min: 0, max: 40 }),
  body: fc.uint8Array({ maxLength: 400 }),
  components: fc.array(component, { maxLength: 6 }),
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
  cutAt: fc.option(fc.nat(), { freq: 3 }),
  length: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 0xffff })),
  copies: fc.integer({ min: 1, max: 3 }),
  split: fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 6 }),
  end: weighted({ end: 6, cut: 2, hold: 1 }),
});

type Case = typeof kase extends fc.Arbitrary<infer T> ? T : never;

function bytesOf(c: Case, port: number): Buffer {
  const sim = new SimTransmitter({ port, address: c.address, time: c.time, checksum: c.checksum });
  const adu = () =>
    c.aduType === 2 && c.components.length > 0
      ? sim.componentStates(c.components)
      : Buffer.concat([Buffer.from([c.aduType, c.count]), Buffer.from(c.body)]);
  let frame: Buffer;
  switch (c.kind) {
    case 'bytes':
      return Buffer.from(c.bytes);
    case 'vector':
      frame = Buffer.from(PUBLISHED_VECTOR);
      break;
    case 'header': {
      const head = Buffer.from(c.bytes.length >= 27 ? c.bytes : Buffer.concat([c.bytes, Buffer.alloc(27)]));
      head.write('@@', 0, 'latin1');
      head.writeUInt16LE(c.length, 24);
      frame = head;
      break;
    }
    default:
      frame = sim.frame(c.command, adu());
  }
  if (c.kind === 'mutated') {
    for (const [at, value] of c.flips) frame[at % frame.length] = value;
    if (c.cutAt !== null) frame = frame.subarray(0, c.cutAt % (frame.length + 1));
  }
  return Buffer.concat([Buffer.from(c.prefix), ...Array.from({ length: c.copies }, () => frame)]);
}

/** Writes the bytes (in pieces when asked), then ends, cuts or holds the connection; resolves once it is closed. */
async function deliver(port: number, bytes: Buffer, c: Case, deadlineMs: number): Promise<boolean> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
  const opened = await within(
    new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    }),
    deadlineMs,
  );
  if (!opened) {
    socket.destroy();
    return false;
  }
  let at = 0;
  for (const size of c.split) {
    if (at >= bytes.length) break;
    socket.write(bytes.subarray(at, at + size));
    at += size;
    await new Promise((r) => setImmediate(r));
  }
  if (at < bytes.length) socket.write(bytes.subarray(at));
  if (c.end === 'cut') socket.destroy();
  else if (c.end === 'hold') setTimeout(() => socket.destroy(), 30).unref();
  else socket.end();
  const done = await within(closed, deadlineMs);
  socket.destroy();
  return done === true;
}

/** What the hub's log would refuse: a report that breaks the source interface. */
function problemOf(r: SourceReport): string | undefined {
  if (typeof r.key !== 'string' || r.key.length === 0 || r.key.length > 512) return 'key';
  if (!r.device || typeof r.device.id !== 'string' || r.device.id.length === 0) return 'device id';
  if (!DEVICE_KINDS.has(r.device.kind)) return `device kind ${String(r.device.kind)}`;
  if (r.device.label !== undefined && (typeof r.device.label !== 'string' || r.device.label.length > 64)) {
    return 'device label';
  }
  if (!REPORT_KINDS.has(r.kind)) return `kind ${String(r.kind)}`;
  if ((r.kind === 'alarm' || r.kind === 'restore') && !ALARM_TYPE_SET.has(String(r.type)))
    return 'alarm type';
  if (r.kind === 'state' && !['ok', 'fault', 'offline'].includes(String(r.state))) return 'state';
  if (!Number.isFinite(r.at)) return 'at';
  for (const [k, v] of Object.entries(r.origin)) {
    if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string' && typeof v !== 'boolean') {
      return `origin.${k}`;
    }
  }
  return undefined;
}

const boundary: Boundary = {
  name: 'gb26875',
  weight: 8,
  async run(ctx, tally) {
    // Every 23rd commit fails, so the no-确认-without-commit path is fuzzed too.
    const { sink, reports: stored } = fuzzLog(oneIn(23));
    const source = createGb26875Source(
      {
        id: 'fire',
        port: 0,
        host: '127.0.0.1',
        partialFrameMs: 300,
        commitTimeoutMs: 1000,
        maxConnectionsPerHost: 64,
        transmitters: [
          { address: 1, time: 'bcd' },
          { address: 2, checksum: 'command', placements: [{ system: 1, zone: 'b1', cameras: ['c1'] }] },
          { address: 3, checksum: 'serial', supervisionSec: 5 },
        ],
      },
      quietContext(sink),
      { tickMs: 200 },
    );
    await source.start();
    const port = Number(source.status().endpoint!.split(':').at(-1));
    const prober = new SimTransmitter({ port, address: PROBE_ADDRESS, retryMs: ctx.stallMs, maxAttempts: 1 });
    const probe = async () => {
      const state = source.status().state;
      if (state === 'failed' || state === 'stopped') {
        tally.crashes++;
        tally.note(`the source is ${state}`);
        return;
      }
      if (!prober.connected) {
        const ok = await within(
          prober.connect().then(() => true),
          ctx.stallMs,
        );
        if (!ok) {
          tally.stall('a transmitter could not connect within the deadline');
          return;
        }
      }
      const out = await prober.send(prober.frame(2, prober.ownState(0x01)));
      if (!out.confirmed) tally.stall('a good frame was not confirmed within the deadline');
    };
    const probing = probeWhile(probe, 250);

    await eachCase(ctx, tally, kase, 8, async (c) => {
      const closed = await deliver(port, bytesOf(c, port), c, ctx.stallMs * 2);
      if (!closed) tally.stall(`a connection (${c.kind}, ${c.end}) was neither served nor closed`);
    });
    await probing.finish();
    prober.cut();

    let invalid = 0;
    for (const r of stored.values()) {
      const problem = problemOf(r);
      if (problem) {
        invalid++;
        tally.note(`report ${r.key.slice(0, 80)}: bad ${problem}`);
      }
    }
    tally.invalid('reports that break the source interface', invalid);
    const status = source.status();
    if (status.lastRefused.some((r) => r.raw.length > 128 * 2 + 32))
      tally.invalid('an unbounded refused frame');
    await source.stop();
    ctx.progress(
      `received ${status.counts.received}, committed ${status.counts.committed}, refused ${status.counts.refused}, ` +
        `errors ${status.counts.errors}, reports stored ${stored.size}`,
    );
  },
};

export default boundary;
