/**
 * A byte bound for the embedded broker: aedes has no maximum packet size and buffers a packet whole before it
 * parses it, so a client declaring a 200 MB PUBLISH would be held in memory. The guard reads only MQTT fixed
 * headers (type byte, then the 1–4 byte Remaining Length) as the bytes go by and says when one is too big or
 * malformed; the caller then closes the connection before the body arrives.
 */
export type FrameGuard = (chunk: Uint8Array) => string | undefined;

export function createFrameGuard(maxPacketBytes: number): FrameGuard {
  let phase: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;
  let remaining = 0;
  let failed: string | undefined;

  return (chunk) => {
    if (failed) return failed;
    let i = 0;
    while (i < chunk.length) {
      if (phase === 'type') {
        i++;
        phase = 'length';
        length = 0;
        multiplier = 1;
        lengthBytes = 0;
      } else if (phase === 'length') {
        const b = chunk[i++]!;
        length += (b & 0x7f) * multiplier;
        multiplier *= 128;
        lengthBytes++;
        if (b & 0x80) {
          if (lengthBytes === 4) return (failed = 'malformed MQTT remaining length');
          continue;
        }
        if (length > maxPacketBytes) {
          return (failed = `MQTT packet of ${length} bytes is over ${maxPacketBytes}`);
        }
        remaining = length;
        phase = remaining > 0 ? 'body' : 'type';
      } else {
        const take = Math.min(remaining, chunk.length - i);
        i += take;
        remaining -= take;
        if (remaining === 0) phase = 'type';
      }
    }
    return undefined;
  };
}
