/**
 * Addresses and networks as a site file names them (`192.168.10.0/24`, `10.0.0.5`, `fd00::/8`). Pure, so the
 * site file's schema can check them anywhere; the console matches peers against them with Node's BlockList.
 */
export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(text: string): boolean {
  if (!text.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  try {
    // The URL parser knows every IPv6 spelling (::, embedded IPv4); a bracketed host it accepts is valid.
    return new URL(`http://[${text}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** The parsed network, or a sentence saying what is wrong with it. */
export function parseCidr(text: string): Cidr | string {
  const parts = text.trim().split('/');
  if (parts.length > 2) return `"${text}" is not an address or a network (use 192.168.1.0/24)`;
  const [address = '', prefixText] = parts;
  const family = IPV4.test(address) ? 'ipv4' : isIpv6(address) ? 'ipv6' : undefined;
  if (!family) return `"${text}" is not an IPv4 or IPv6 address or network`;
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))
    return `"${text}": the prefix after "/" must be 0–${max}`;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return `"${text}": the prefix after "/" must be 0–${max}`;
  return { address, prefix, family };
}
