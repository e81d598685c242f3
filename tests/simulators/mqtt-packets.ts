/**
 * Raw MQTT 3.1.1 packets, built by hand from the standard (OASIS MQTT 3.1.1, §2 and §3) so that anything can be
 * sent, valid or not: a client library would refuse to write most of what the fuzz suite and the frame-guard tests
 * need.
 */

/** The Remaining Length field: seven bits a byte, low first, the top bit saying another byte follows. */
function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const str = (s: string | Buffer) => {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([u16(Math.min(b.length, 0xffff)), b.subarray(0, 0xffff)]);
};
/** A packet: its first byte (type and flags), the Remaining Length, the rest. */
export const packet = (first: number, body: Buffer) =>
  Buffer.concat([Buffer.from([first, ...remainingLength(body.length)]), body]);

export interface Publish {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  dup: boolean;
  mid: number;
}

export function publishPacket(p: Publish): Buffer {
  const flags = 0x30 | (p.dup ? 0x08 : 0) | ((p.qos & 3) << 1) | (p.retain ? 1 : 0);
  return packet(flags, Buffer.concat([str(p.topic), p.qos > 0 ? u16(p.mid) : Buffer.alloc(0), p.payload]));
}

export function connectPacket(clientId: string, will: Publish | null): Buffer {
  let flags = 0x02;
  const parts = [str(clientId)];
  if (will) {
    flags |= 0x04 | ((will.qos & 3) << 3) | (will.retain ? 0x20 : 0);
    parts.push(str(will.topic), str(will.payload));
  }
  const header = Buffer.concat([str('MQTT'), Buffer.from([4, flags]), u16(30)]);
  return packet(0x10, Buffer.concat([header, ...parts]));
}
