/**
 * Just enough MPEG-TS to serve JSMpeg well: split ffmpeg's byte stream into 188-byte packets, find where a
 * new video picture starts (so frames can be counted) and where a keyframe starts (so a viewer can join or
 * resume there and decode at once).
 */
export const TS_PACKET = 188;
const SYNC = 0x47;

export interface PacketInfo {
  /** A PES packet of a video stream starts here: ffmpeg puts one picture in each. */
  pictureStart: boolean;
  /** ...and that picture is preceded by an MPEG-1 sequence header: a decoder can start here. */
  keyframe: boolean;
}

/** Reads packets out of arbitrary chunks, keeping the partial tail for the next chunk. */
export class TsPacketizer {
  private tail: Buffer = Buffer.alloc(0);

  /** Whole packets from this chunk (and what was left over); resyncs on the 0x47 byte if it ever slips. */
  push(chunk: Buffer): Buffer[] {
    let data = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const packets: Buffer[] = [];
    let offset = 0;
    while (data.length - offset >= TS_PACKET) {
      if (data[offset] !== SYNC) {
        const next = data.indexOf(SYNC, offset + 1);
        if (next === -1) {
          offset = data.length;
          break;
        }
        offset = next;
        continue;
      }
      packets.push(data.subarray(offset, offset + TS_PACKET));
      offset += TS_PACKET;
    }
    this.tail = Buffer.from(data.subarray(offset));
    data = Buffer.alloc(0);
    return packets;
  }
}

export function inspectPacket(packet: Buffer): PacketInfo {
  const payloadUnitStart = (packet[1]! & 0x40) !== 0;
  if (!payloadUnitStart) return { pictureStart: false, keyframe: false };
  const adaptation = (packet[3]! >> 4) & 0x3;
  let p = 4;
  if (adaptation === 2) return { pictureStart: false, keyframe: false };
  if (adaptation === 3) p += 1 + packet[4]!;
  // PES start code 00 00 01 and a video stream id E0–EF.
  if (p + 9 > packet.length || packet[p] !== 0 || packet[p + 1] !== 0 || packet[p + 2] !== 1) {
    return { pictureStart: false, keyframe: false };
  }
  const streamId = packet[p + 3]!;
  if (streamId < 0xe0 || streamId > 0xef) return { pictureStart: false, keyframe: false };
  const es = p + 9 + packet[p + 8]!;
  // The sequence header (00 00 01 B3) leads every keyframe's PES in ffmpeg's mpeg1video output.
  let keyframe = false;
  for (let i = es; i + 3 < packet.length; i++) {
    if (packet[i] === 0 && packet[i + 1] === 0 && packet[i + 2] === 1) {
      keyframe = packet[i + 3] === 0xb3;
      break;
    }
  }
  return { pictureStart: true, keyframe };
}
