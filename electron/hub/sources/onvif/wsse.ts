/**
 * WS-Security UsernameToken with PasswordDigest (OASIS WSS UsernameToken Profile 1.0 §3.1, as ONVIF Core §5.12
 * requires): Digest = Base64(SHA-1(nonce bytes + Created + password)). `Created` is the device's time, not ours:
 * a device whose clock is off refuses a token stamped with our clock (NotAuthorized), so the source adds the
 * offset it measured with GetSystemDateAndTime.
 */
import { createHash, randomBytes } from 'node:crypto';
import { xmlEscape } from '../../../common/xml';

export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
}

/** ISO 8601 UTC with milliseconds, as agsh/onvif sends. */
export function createdAt(ms: number): string {
  return new Date(ms).toISOString();
}

/** The `<Security>` header for one request at device time `deviceNowMs`. */
export function securityHeader(
  user: string,
  password: string,
  deviceNowMs: number,
  nonce = randomBytes(16),
): string {
  const created = createdAt(deviceNowMs);
  return (
    '<Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">' +
    `<UsernameToken><Username>${xmlEscape(user)}</Username>` +
    '<Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">' +
    `${passwordDigest(nonce, created, password)}</Password>` +
    '<Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">' +
    `${nonce.toString('base64')}</Nonce>` +
    `<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created>` +
    '</UsernameToken></Security>'
  );
}
