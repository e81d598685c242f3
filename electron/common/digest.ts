/**
 * HTTP Digest authentication (RFC 7616, with RFC 2617's MD5 as cameras use it) for the camera clients: parse the
 * camera's challenge, answer it for one request. Hikvision, Dahua and ONVIF devices all challenge with
 * `qop="auth"` and MD5; SHA-256 is answered too when a device offers it. `auth-int` is not offered by cameras
 * and is not implemented (a challenge with only `auth-int` is refused).
 */
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: 'auth';
  opaque?: string;
  algorithm: 'MD5' | 'SHA-256' | 'MD5-sess' | 'SHA-256-sess';
  stale: boolean;
}

/** The parameters of one `WWW-Authenticate` value that starts with a scheme. */
function params(value: string): { scheme: string; fields: Map<string, string> } {
  const scheme = /^\s*([A-Za-z-]+)/.exec(value)?.[1] ?? '';
  const fields = new Map<string, string>();
  const re = /([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  const rest = value.slice(
    value.indexOf(scheme) + scheme.length,
    value.indexOf(scheme) + scheme.length + 4096,
  );
  for (const m of rest.matchAll(re)) {
    const key = (m[1] ?? '').toLowerCase();
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    if (!fields.has(key)) fields.set(key, raw);
  }
  return { scheme: scheme.toLowerCase(), fields };
}

/**
 * Picks the Digest challenge from the `WWW-Authenticate` header(s) (a device may send Basic and Digest side by
 * side; the strongest algorithm wins), or explains why none fits.
 */
export function parseChallenge(
  header: string | string[] | undefined,
): { ok: true; challenge: DigestChallenge } | { ok: false; reason: string; basic: boolean } {
  const values = (Array.isArray(header) ? header : header ? [header] : []).flatMap((h) =>
    // Several challenges can share one header; split before each scheme token.
    h.split(/,(?=\s*(?:Digest|Basic|Bearer)\s)/i),
  );
  let basic = false;
  const digests: DigestChallenge[] = [];
  for (const v of values) {
    const { scheme, fields } = params(v);
    if (scheme === 'basic') basic = true;
    if (scheme !== 'digest') continue;
    const realm = fields.get('realm');
    const nonce = fields.get('nonce');
    if (realm === undefined || !nonce) continue;
    const algorithm = (fields.get('algorithm') ?? 'MD5').toUpperCase();
    if (!['MD5', 'SHA-256', 'MD5-SESS', 'SHA-256-SESS'].includes(algorithm)) continue;
    const qops = fields
      .get('qop')
      ?.split(',')
      .map((q) => q.trim().toLowerCase());
    if (qops && !qops.includes('auth')) continue;
    digests.push({
      realm,
      nonce,
      ...(qops ? { qop: 'auth' as const } : {}),
      ...(fields.has('opaque') ? { opaque: fields.get('opaque') } : {}),
      algorithm: algorithm.replace('SESS', 'sess') as DigestChallenge['algorithm'],
      stale: fields.get('stale')?.toLowerCase() === 'true',
    });
  }
  const best = digests.find((d) => d.algorithm.startsWith('SHA-256')) ?? digests[0];
  if (best) return { ok: true, challenge: best };
  return {
    ok: false,
    basic,
    reason: basic
      ? 'the device offers only Basic authentication'
      : 'no usable Digest challenge in WWW-Authenticate',
  };
}

const quote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** The `Authorization` header for one request; `nc` counts the requests made with this nonce (1, 2, …). */
export function digestAuthorization(
  c: DigestChallenge,
  user: string,
  password: string,
  method: string,
  uri: string,
  nc: number,
  cnonce: string = randomBytes(8).toString('hex'),
): string {
  const alg = c.algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const h = (s: string) => createHash(alg).update(s, 'utf8').digest('hex');
  let ha1 = h(`${user}:${c.realm}:${password}`);
  if (c.algorithm.endsWith('sess')) ha1 = h(`${ha1}:${c.nonce}:${cnonce}`);
  const ha2 = h(`${method}:${uri}`);
  const ncHex = nc.toString(16).padStart(8, '0');
  const response = c.qop
    ? h(`${ha1}:${c.nonce}:${ncHex}:${cnonce}:auth:${ha2}`)
    : h(`${ha1}:${c.nonce}:${ha2}`);
  const parts = [
    `username=${quote(user)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${c.algorithm}`,
    `response=${quote(response)}`,
  ];
  if (c.qop) parts.push(`qop=auth`, `nc=${ncHex}`, `cnonce=${quote(cnonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
