/**
 * DC-09 encryption: AES-CBC with a 16, 24 or 32-byte key and a zero IV, over `<pad>|<data>]<xdata>_<ts>`, sent
 * as upper-case hex after the opening `[` (no closing `]`). The pad is printable characters other than `|`,
 * `[` and `]`, as long as it takes to fill the last block.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type KeyForm = 'ascii' | 'hex';

/** Key bytes from the form the site file stores (16/24/32 ASCII characters, or 32/48/64 hex digits). */
export function keyBytes(key: string, form: KeyForm): Buffer {
  const bytes = form === 'hex' ? Buffer.from(key, 'hex') : Buffer.from(key, 'latin1');
  if (form === 'hex' && !/^(?:[0-9A-Fa-f]{2})+$/.test(key)) throw new Error('key is not hex');
  if (![16, 24, 32].includes(bytes.length))
    throw new Error(`an AES key is 16, 24 or 32 bytes, not ${bytes.length}`);
  return bytes;
}

function algorithm(key: Buffer): string {
  return `aes-${key.length * 8}-cbc`;
}

const IV = Buffer.alloc(16);
/** Printable ASCII without | [ ] (and without space and backslash, which some panels choke on). */
const PAD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomPad(length: number): string {
  const bytes = randomBytes(length);
  let pad = '';
  for (const b of bytes) pad += PAD_ALPHABET[b % PAD_ALPHABET.length];
  return pad;
}

/** Encrypts `<pad>|<content>` to upper-case hex; `pad` picks the pad (tests), else it is random. */
export function encryptContent(key: Buffer, content: string, pad?: (length: number) => string): string {
  const need = (16 - ((content.length + 1) % 16)) % 16;
  const plain = `${(pad ?? randomPad)(need)}|${content}`;
  if (plain.length % 16 !== 0) throw new Error('the pad does not fill the last block');
  const cipher = createCipheriv(algorithm(key), key, IV);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.from(plain, 'latin1')), cipher.final()])
    .toString('hex')
    .toUpperCase();
}

/**
 * Decrypts the hex after `[` and drops the pad (up to the first `|`): what remains is `<data>]<xdata>_<ts>`.
 * Returns a reason instead when it cannot be the panel's message under this key.
 */
export function decryptContent(
  key: Buffer,
  hex: string,
): { ok: true; plain: string; quirks: string[] } | { ok: false; reason: string } {
  const quirks: string[] = [];
  let text = hex;
  // A closing `]` is not in the standard, but a panel that adds one means no harm.
  if (text.endsWith(']')) {
    text = text.slice(0, -1);
    quirks.push('closing ] after ciphertext');
  }
  if (!/^(?:[0-9A-Fa-f]{32})+$/.test(text)) {
    return { ok: false, reason: 'ciphertext is not whole 16-byte blocks of hex' };
  }
  const decipher = createDecipheriv(algorithm(key), key, IV);
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(text, 'hex')), decipher.final()]);
  for (const b of plain) {
    if (b < 0x20 || b > 0x7e) return { ok: false, reason: 'does not decrypt to text (wrong key?)' };
  }
  const s = plain.toString('latin1');
  const bar = s.indexOf('|');
  if (bar < 0) return { ok: false, reason: 'decrypted text has no | after the pad' };
  return { ok: true, plain: s.slice(bar + 1), quirks };
}
