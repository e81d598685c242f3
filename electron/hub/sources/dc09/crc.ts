/**
 * CRC-16/ARC as SIA DC-09 uses it: reflected polynomial 0xA001, initial value 0, no final XOR.
 * Check value: "123456789" → 0xBB3D.
 */
const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    table[n] = c;
  }
  return table;
})();

export function crc16(bytes: Uint8Array | string): number {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  let crc = 0;
  for (const b of data) crc = (crc >>> 8) ^ TABLE[(crc ^ b) & 0xff]!;
  return crc;
}

/** The 4 uppercase hex characters a canonical frame carries. */
export function crcHex(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
