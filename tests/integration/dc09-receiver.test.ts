// The DC-09 receiver over real loopback TCP and UDP, driven by the simulated panel of tests/simulators (written
// from the standard, not from the receiver), with a fake clock shared by both.
import { connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { Dc09Config, type Dc09ConfigInput } from '../../electron/hub/sources/dc09/config';
import { createDc09Receiver, type Dc09Receiver } from '../../electron/hub/sources/dc09/receiver';
import {
  contactId,
  Dc09Panel,
  frameOf,
  stamp,
  type PanelOptions,
  type Reply,
} from '../simulators/dc09-panel';
import { RecordingSink } from '../support/sink';
import { until } from '../support/until';

const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const KEY = Buffer.from('0123456789ABCDEF', 'latin1');

const running: Dc09Receiver[] = [];
const panels: Dc09Panel[] = [];
let errors: string[] = [];

afterEach(async () => {
  for (const p of panels.splice(0)) p.close();
  for (const r of running.splice(0)) await r.stop();
  // An error line means the receiver hit something it did not expect (e.g. "frame handling failed").
  expect(errors).toEqual([]);
  errors = [];
});

async function startReceiver(over: Partial<Dc09ConfigInput> = {}) {
  const clock = { t: T0, now: () => clock.t };
  const sink = new RecordingSink();
  const config = Dc09Config.parse({
    id: 'panels',
    kind: 'dc09',
    host: '127.0.0.1',
    port: 0,
    limits: { commitTimeoutMs: 300 },
    accounts: [
      {
        account: '1234',
        label: '3号楼报警主机',
        zone: 'b3',
        zones: {
          '15': {
            zone: 'b3-lobby',
            device: '3号楼大堂烟感',
            cameras: ['cam-1', 'cam-2'],
            position: { lat: 30.2712, lon: 120.1513 },
          },
        },
      },
      { account: 'BEEF', key: '0123456789ABCDEF' },
      { account: '7777', supervisionSec: 60 },
      { account: '0001', timestamp: { ignore: true } },
    ],
    ...over,
  });
  const warnings: string[] = [];
  const rx = createDc09Receiver(
    config,
    {
      sink,
      now: clock.now,
      log: {
        info: () => undefined,
        warn: (msg) => warnings.push(msg),
        error: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields)}`),
      },
    },
    { supervisionCheckMs: 20 },
  );
  await rx.start();
  running.push(rx);
  return { rx, sink, clock, port: rx.port!, warnings };
}

function panel(port: number, clock: { now(): number }, o: Partial<PanelOptions> = {}): Dc09Panel {
  const p = new Dc09Panel({ port, transport: 'tcp', account: '1234', retryMs: 2000, now: clock.now, ...o });
  panels.push(p);
  return p;
}

const framed = (text: string) => Buffer.from(`\n${text}\r`, 'latin1');
const GUIDE_ADM_CID = '0A09003D"ADM-CID"0001R1L1#1234[#1234|1130 01 015]_12:00:00,01-15-2024';
const GUIDE_ACK = '\nD2770014"ACK"0001R1L1#1234[]\r';

describe('DC-09 receiver over TCP and UDP', () => {
  for (const transport of ['tcp', 'udp'] as const) {
    it(`answers the guide's ADM-CID vector over ${transport} with the exact ACK, after the commit`, async () => {
      const { sink, clock, port } = await startReceiver();
      let committedWhenAcked = -1;
      const p = panel(port, clock, { transport, onReply: () => (committedWhenAcked = sink.log.size) });
      const next = p.nextReply();
      await p.write(framed(GUIDE_ADM_CID));
      const reply = await next;
      expect(reply?.raw.toString('latin1')).toBe(GUIDE_ACK);
      expect(committedWhenAcked).toBe(1);
      expect(sink.reports).toHaveLength(1);
      const [r] = sink.reports;
      expect(r).toMatchObject({
        kind: 'alarm',
        type: 'intrusion',
        at: T0,
        zone: 'b3-lobby',
        cameras: ['cam-1', 'cam-2'],
        // Where the site file places the zone's device: the hub puts it in the alarm's `location`.
        location: { lat: 30.2712, lon: 120.1513 },
        device: { id: 'dc09:panels:1234:zone:15', kind: 'panel_zone', label: '3号楼大堂烟感' },
        origin: {
          protocol: 'ADM-CID',
          account: '1234',
          receiver: '1',
          line: '1',
          seq: '0001',
          qualifier: 1,
          code: '130',
          partition: '01',
          zone: 15,
          codeName_zh: '入侵报警',
          codeName_en: 'Burglary',
          transport,
          encrypted: false,
        },
        // Worded in both languages from the Contact ID table; the English also as `text` for older consoles.
        text: 'Burglary (ADM-CID 1130 01 015)',
        texts: { 'zh-CN': '入侵报警（ADM-CID 1130 01 015）', en: 'Burglary (ADM-CID 1130 01 015)' },
      });
    });
  }

  it('opens on Q=1 and closes on Q=3 for the same zone device and type', async () => {
    const { sink, clock, port } = await startReceiver();
    const p = panel(port, clock);
    expect(
      (await p.send({ token: 'ADM-CID', data: contactId('1234', 1, '110', '01', '015') })).final?.token,
    ).toBe('ACK');
    expect(
      (await p.send({ token: 'ADM-CID', data: contactId('1234', 3, '110', '01', '015') })).final?.token,
    ).toBe('ACK');
    expect(
      (await p.send({ token: 'ADM-CID', data: contactId('1234', 6, '110', '01', '015') })).final?.token,
    ).toBe('ACK');
    expect(sink.reports.map((r) => [r.kind, r.type, r.device.id])).toEqual([
      ['alarm', 'fire', 'dc09:panels:1234:zone:15'],
      ['restore', 'fire', 'dc09:panels:1234:zone:15'],
      ['alive', undefined, 'dc09:panels:1234:zone:15'],
    ]);
  });

  it('reads SIA-DCS events, arming with the user, and an unknown code as an unknown event', async () => {
    const { sink, clock, port } = await startReceiver();
    const p = panel(port, clock, { transport: 'udp' });
    expect((await p.send({ token: 'SIA-DCS', data: '#1234|Nri1/BA15' })).final?.token).toBe('ACK');
    expect((await p.send({ token: 'SIA-DCS', data: '#1234|Nri1/BR15' })).final?.token).toBe('ACK');
    expect(
      (await p.send({ token: 'ADM-CID', data: contactId('1234', 3, '401', '01', '007') })).final?.token,
    ).toBe('ACK');
    expect(
      (await p.send({ token: 'ADM-CID', data: contactId('1234', 1, '999', '01', '003') })).final?.token,
    ).toBe('ACK');
    const [ba, br, arm, unknown] = sink.reports;
    expect(ba).toMatchObject({
      kind: 'alarm',
      type: 'intrusion',
      zone: 'b3-lobby',
      origin: { code: 'BA', partition: '1' },
    });
    expect(br).toMatchObject({ kind: 'restore', type: 'intrusion', device: { id: ba!.device.id } });
    expect(arm).toMatchObject({
      kind: 'event',
      device: { id: 'dc09:panels:1234', kind: 'alarm_panel', label: '3号楼报警主机' },
      zone: 'b3',
      origin: { code: '401', user: 7, armed: true, codeName_en: 'Open/close by user' },
    });
    expect(unknown).toMatchObject({
      kind: 'alarm',
      type: 'manual',
      origin: { code: '999', unknown: true, codeName_zh: '未知代码 999', codeName_en: 'Unknown code 999' },
    });
  });

  it('NAKs a timestamp 60 s behind with the receiver time; the panel sets its clock and is accepted', async () => {
    const { sink, clock, port, rx } = await startReceiver();
    const p = panel(port, clock, { clockOffsetMs: -60_000 });
    const out = await p.send({ token: 'ADM-CID', data: contactId('1234', 1, '130', '01', '015') });
    expect(out.attempts).toBe(2);
    expect(out.replies[0]).toMatchObject({ token: 'NAK', seq: '0000', crcOk: true, timestamp: stamp(T0) });
    expect(out.replies[0]!.message).toBe(`"NAK"0000R0L0A0[]_${stamp(T0)}`);
    expect(out.final).toMatchObject({ token: 'ACK', seq: out.seq });
    expect(p.clockOffsetMs).toBe(0);
    expect(sink.reports).toHaveLength(1);
    expect(rx.status().lastRefused[0]?.reason).toMatch(/timestamp 11:59:00,01-15-2024 is -60 s off/);
    expect(rx.status().lastRefused[0]?.code).toBe('stale_time');
  });

  it('NAKs a bad CRC and an unknown account, DUHs an unsupported id token, and keeps why', async () => {
    const { sink, clock, port, rx } = await startReceiver();
    const p = panel(port, clock);
    const bad = await p.send(
      { token: 'ADM-CID', data: contactId('1234', 1, '130', '01', '015') },
      { badCrc: true, maxAttempts: 1 },
    );
    expect(bad.replies.map((r) => r.message)).toEqual([`"NAK"0000R0L0A0[]_${stamp(T0)}`]);
    expect(bad.final).toBeUndefined();
    const stranger = panel(port, clock, { account: '9999' });
    const unknown = await stranger.send({ token: 'NULL' }, { maxAttempts: 1 });
    expect(unknown.replies.map((r) => r.token)).toEqual(['NAK']);
    const duh = await p.send({ token: 'SIA-CID', data: '#1234|1130 01 015' });
    expect(duh.final?.message).toBe(`"DUH"${duh.seq}R1L1#1234[]`);
    expect(duh.attempts).toBe(1);
    const badCid = await p.send({ token: 'ADM-CID', data: '#1234|nonsense' });
    expect(badCid.final?.token).toBe('DUH');
    expect(sink.reports).toEqual([]);
    // Newest first, each with the code the sources view words in the operator's language.
    const refused = rx.status().lastRefused.map((r) => [r.code, r.reason]);
    expect(refused).toEqual([
      ['malformed', expect.stringMatching(/not Contact ID/)],
      ['malformed', 'unsupported id token "SIA-CID"'],
      ['unknown_sender', 'unknown account 9999'],
      ['checksum', expect.stringMatching(/^CRC mismatch/)],
    ]);
    expect(rx.status().lastRefused[3]!.raw).toMatch(/^\\n[0-9A-F]{4}00[0-9A-F]{2}"ADM-CID"/);
    expect(rx.status().counts).toMatchObject({ refused: 4, committed: 0 });
  });

  it('makes one report of a message sent twice with the same seq, even re-stamped', async () => {
    const { sink, clock, port } = await startReceiver();
    const p = panel(port, clock);
    const msg = { token: 'ADM-CID', data: contactId('1234', 1, '130', '01', '015'), seq: 42 };
    expect((await p.send(msg)).final?.token).toBe('ACK');
    clock.t += 5_000; // the panel missed the ACK and tries again 5 s later, with a new timestamp
    expect((await p.send(msg)).final?.token).toBe('ACK');
    await p.write(p.build(msg, 42));
    await until('third ACK', () => p.replies.length === 3);
    expect(p.replies.map((r) => r.token)).toEqual(['ACK', 'ACK', 'ACK']);
    expect(sink.reports).toHaveLength(1);
    expect(sink.calls).toHaveLength(1);
    // A new seq with the same payload is a new event.
    expect((await p.send({ ...msg, seq: 43 })).final?.token).toBe('ACK');
    expect(sink.reports).toHaveLength(2);
  });

  it('reads frames split over many writes and several frames in one write', async () => {
    const { sink, clock, port } = await startReceiver();
    const p = panel(port, clock);
    const msg = (zone: string) => ({ token: 'ADM-CID', data: contactId('1234', 1, '130', '01', zone) });
    expect((await p.send(msg('001'), { split: 'bytewise' })).final?.token).toBe('ACK');
    expect((await p.send(msg('002'), { split: [1, 4, 4, 9, 3] })).final?.token).toBe('ACK');
    const acks = await p.sendCoalesced([msg('003'), msg('004'), { token: 'NULL' }]);
    expect(acks.map((a) => a?.token)).toEqual(['ACK', 'ACK', 'ACK']);
    const u = panel(port, clock, { transport: 'udp' });
    const udpAcks = await u.sendCoalesced([msg('005'), msg('006')]);
    expect(udpAcks.map((a) => a?.token)).toEqual(['ACK', 'ACK']);
    expect(sink.of('alarm').map((r) => r.origin.zone)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sink.of('alive')).toHaveLength(1);
  });

  it('answers a binary-CRC frame in binary form, byte for byte', async () => {
    const { sink, clock, port } = await startReceiver();
    const p = panel(port, clock);
    const next = p.nextReply();
    await p.write(
      Buffer.concat([
        Buffer.from([0x0a, 0xf6, 0xf3]),
        Buffer.from('0044"ADM-CID"1447R01L01#0001[#0001|1603 01 000][S13]_04:45:01,08-30-2014\r', 'latin1'),
      ]),
    );
    const reply = await next;
    expect([...reply!.raw.subarray(0, 3)]).toEqual([0x0a, 0xb6, 0x06]);
    expect(reply!.raw.subarray(3).toString('latin1')).toBe('0016"ACK"1447R01L01#0001[]\r');
    expect(sink.reports).toMatchObject([{ kind: 'alive', origin: { code: '603', xdata: 'S13' } }]);
    const b = panel(port, clock, { crc: 'binary' });
    const out = await b.send({ token: 'ADM-CID', data: contactId('1234', 1, '130', '01', '015') });
    expect(out.final).toMatchObject({ token: 'ACK', crcForm: 'binary', crcOk: true });
  });

  it('drops NUL padding after frames without a refusal', async () => {
    const { sink, clock, port, rx } = await startReceiver();
    for (const [transport, zone] of [
      ['tcp', '014'],
      ['udp', '015'],
    ] as const) {
      const p = panel(port, clock, { transport });
      const out = await p.send(
        { token: 'ADM-CID', data: contactId('1234', 1, '130', '01', zone) },
        { nulPadding: 16 },
      );
      expect(out.final?.token).toBe('ACK');
      expect((await p.send({ token: 'NULL' })).final?.token).toBe('ACK');
    }
    expect(rx.status().counts.refused).toBe(0);
    expect(sink.of('alarm')).toHaveLength(2);
  });

  it('raises a communication fault on the panel after supervision + margin of silence; a NULL clears it', async () => {
    const { sink, clock, port, rx } = await startReceiver();
    const p = panel(port, clock, { account: '7777' });
    expect((await p.send({ token: 'NULL' })).final?.token).toBe('ACK');
    expect(sink.of('alive')).toHaveLength(1);
    clock.t += 91_000; // 60 s interval + 30 s margin, then one more second
    const fault = await until('comm fault', () => sink.of('state')[0]);
    expect(fault).toMatchObject({
      kind: 'state',
      state: 'fault',
      device: { id: 'dc09:panels:7777', kind: 'alarm_panel', supervisionSec: 60 },
      origin: { reason: 'supervision', silentSec: 91, codeName_en: 'Communication fail' },
      texts: { 'zh-CN': '报警主机 7777 通信中断：91 秒无消息', en: 'DC-09 account 7777 silent for 91 s' },
    });
    expect(rx.status().state).toBe('degraded');
    expect((await p.send({ token: 'NULL' })).final?.token).toBe('ACK');
    expect(sink.reports.slice(-2).map((r) => [r.kind, r.state])).toEqual([
      ['state', 'ok'],
      ['alive', undefined],
    ]);
    expect(rx.status().state).toBe('listening');
    // Only the supervised account is watched: the others stayed silent without a fault.
    expect(sink.of('state').map((r) => r.device.id)).toEqual(['dc09:panels:7777', 'dc09:panels:7777']);
  });

  for (const transport of ['tcp', 'udp'] as const) {
    it(`round-trips an encrypted account over ${transport}: *ACK decrypts to the receiver's time`, async () => {
      const { sink, clock, port } = await startReceiver();
      const p = panel(port, clock, { account: 'BEEF', key: KEY, transport });
      const out = await p.send({ token: 'ADM-CID', data: contactId('BEEF', 1, '111', '01', '004') });
      expect(out.final).toMatchObject({ token: '*ACK', seq: out.seq, crcOk: true, plain: `]_${stamp(T0)}` });
      expect(out.final!.message).toMatch(new RegExp(`^"\\*ACK"${out.seq}R1L1#BEEF\\[(?:[0-9A-F]{32})+$`));
      expect((await p.send({ token: 'NULL' })).final?.token).toBe('*ACK');
      expect(sink.reports.map((r) => [r.kind, r.type, r.origin.encrypted])).toEqual([
        ['alarm', 'smoke', true],
        ['alive', undefined, true],
      ]);
      // The same account in clear, or under the wrong key, is refused.
      const plain = panel(port, clock, { account: 'BEEF', transport });
      expect((await plain.send({ token: 'NULL' }, { maxAttempts: 1 })).replies.map((r) => r.token)).toEqual([
        'NAK',
      ]);
      const wrong = panel(port, clock, { account: 'BEEF', key: Buffer.from('FEDCBA9876543210'), transport });
      expect((await wrong.send({ token: 'NULL' }, { maxAttempts: 1 })).replies.map((r) => r.token)).toEqual([
        'NAK',
      ]);
      expect(sink.reports).toHaveLength(2);
    });
  }

  for (const failure of ['reject', 'hang'] as const) {
    it(`sends no ACK while the sink's commit ${failure}s; the retry after it recovers is ACKed, one report`, async () => {
      const { sink, clock, port } = await startReceiver();
      sink.mode = failure;
      const acked: boolean[] = [];
      const p = panel(port, clock, {
        maxAttempts: 30,
        nakRetryMs: 50,
        onReply: (r: Reply) => {
          if (r.token === 'ACK') acked.push(sink.log.size === 1);
        },
      });
      const sending = p.send({ token: 'ADM-CID', data: contactId('1234', 1, '110', '01', '015') });
      await until('two refused attempts', () => p.replies.filter((r) => r.token === 'NAK').length >= 2);
      expect(p.replies.some((r) => r.token === 'ACK')).toBe(false);
      expect(sink.log.size).toBe(0);
      sink.mode = 'ok';
      const out = await sending;
      expect(out.final?.token).toBe('ACK');
      expect(acked).toEqual([true]);
      expect(sink.reports).toHaveLength(1);
      expect(new Set(sink.calls.map((c) => c.key)).size).toBe(1);
      expect(sink.calls.length).toBeGreaterThanOrEqual(3);
    });
  }

  it('survives a connection cut mid-frame and garbage, and keeps serving', async () => {
    const { sink, clock, port, rx } = await startReceiver();
    const cut = panel(port, clock);
    const frame = cut.build({ token: 'ADM-CID', data: contactId('1234', 1, '130', '01', '015') }, 9);
    await cut.write(frame.subarray(0, 25));
    cut.cut();
    await until('cut frame seen', () =>
      rx.status().lastRefused.some((r) => r.reason === 'connection ended mid-frame'),
    );
    const junk = [
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      Buffer.from([0x0a, 0xff, 0xfe, 0x30, 0x30, 0x30, 0x35, 0x22, 0x00, 0x0d]),
      Buffer.from('\n0000FFFF"ADM-CID"\r'),
      Buffer.concat([Buffer.from('\n'), Buffer.alloc(5000, 0x41), Buffer.from('\r')]),
      frameOf('"ADM-CID"0001R1L1#1234[#1234|1130 01 015]_99:99:99,13-45-2024'),
      frameOf('"ADM-CID"0001R1L1#1234[#1234|1130 01 015'),
      frameOf('"*ADM-CID"0001R1L1#BEEF[ZZ'),
      frameOf('"*ADM-CID"0001R1L1#BEEF[00112233445566778899AABBCCDDEEFF'),
    ];
    for (const transport of ['tcp', 'udp'] as const) {
      const g = panel(port, clock, { transport });
      for (const bytes of junk) await g.write(bytes);
    }
    const raw = connect({ host: '127.0.0.1', port });
    await new Promise((r) => raw.once('connect', r));
    raw.end(Buffer.from('\n0A09003D"ADM'));
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.send(Buffer.alloc(0), port, '127.0.0.1', () => r()));
    udp.close();
    const p = panel(port, clock);
    const out = await p.send({ token: 'ADM-CID', data: contactId('1234', 1, '130', '01', '015') });
    expect(out.final?.token).toBe('ACK');
    expect(sink.reports).toHaveLength(1);
    const status = rx.status();
    expect(status.state).toBe('listening');
    expect(status.counts.refused).toBeGreaterThanOrEqual(junk.length * 2);
    expect(status.lastRefused.length).toBeLessThanOrEqual(20);
    for (const r of status.lastRefused) {
      expect(r.reason.length).toBeGreaterThan(0);
      expect(r.raw.length).toBeLessThanOrEqual(230);
      expect(r.raw).toMatch(/^[\x20-\x7e]*$/);
    }
  });

  it('reports where it listens, its peers and counts, and caps connections', async () => {
    const { clock, port, rx } = await startReceiver({ limits: { maxConnections: 2, commitTimeoutMs: 300 } });
    expect(rx.status()).toMatchObject({
      id: 'panels',
      kind: 'dc09',
      state: 'listening',
      endpoint: `tcp+udp://127.0.0.1:${port}`,
      peers: 0,
    });
    const a = panel(port, clock);
    const b = panel(port, clock);
    expect((await a.send({ token: 'NULL' })).final?.token).toBe('ACK');
    expect((await b.send({ token: 'NULL' })).final?.token).toBe('ACK');
    expect(rx.status().peers).toBe(2);
    const c = panel(port, clock, { retryMs: 300 });
    const refused = await c.send({ token: 'NULL' }, { maxAttempts: 1 }).catch(() => undefined);
    expect(refused?.final).toBeUndefined();
    expect(rx.status().lastRefused[0]?.reason).toMatch(/too many connections \(2\)/);
    expect(rx.status().lastRefused[0]?.code).toBe('over_capacity');
    expect(rx.status().counts).toMatchObject({ received: 2, committed: 2 });
    await rx.stop();
    expect(rx.status().state).toBe('stopped');
  });

  it('closes a TCP connection left idle, and one that sends a frame cut off before its CR', async () => {
    const { port, rx } = await startReceiver({ limits: { idleTimeoutSec: 1, commitTimeoutMs: 300 } });
    const idle = connect({ host: '127.0.0.1', port });
    const partial = connect({ host: '127.0.0.1', port });
    partial.write('\n0A09003D"ADM-CID"0001R1L1#1234[#1234|1130');
    const closed = (s: typeof idle) => new Promise<boolean>((r) => s.once('close', () => r(true)));
    expect(await Promise.all([closed(idle), closed(partial)])).toEqual([true, true]);
    await until('cut frame refused', () =>
      rx.status().lastRefused.some((r) => r.reason === 'connection ended mid-frame'),
    );
    expect(rx.status().peers).toBe(0);
  });
});
