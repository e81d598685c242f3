import { readFileSync } from 'node:fs';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { HUB_MAX_MESSAGE_BYTES, HUB_PROTOCOL_VERSION } from '../../../shared/contract';

/** engine.io-client hands `maxPayload` (and `ca`) to the `ws` WebSocket under Node; its types omit the first. */
export type HubSocketOptions = Partial<ManagerOptions & SocketOptions> & { maxPayload?: number };
export type SocketFactory = (url: string, options: HubSocketOptions) => Socket;

/**
 * True for a hub reached without TLS over a network. Loopback (the demo hub, a tunnel's local end) is as safe as
 * the machine itself.
 */
export function isInsecureHubUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true;
  }
  if (parsed.protocol === 'https:' || parsed.protocol === 'wss:') return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return !(host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host));
}

/** The `ws` error for a message over `maxPayload`, as socket.io-client passes it on with the disconnect. */
export function isOversizeClose(description: unknown): boolean {
  const e = (description as { description?: { error?: { code?: unknown }; message?: unknown } } | undefined)
    ?.description;
  return (
    e?.error?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ||
    (typeof e?.message === 'string' && /max payload size exceeded/i.test(e.message))
  );
}

/** The socket the link opens: the handshake's credentials and protocol version, the size cap, the site CA. */
export function socketOptions(o: {
  consoleId: string;
  token: string;
  caFile?: string | undefined;
  maxMessageBytes?: number | undefined;
}): HubSocketOptions {
  let ca: string | undefined;
  if (o.caFile) {
    try {
      ca = readFileSync(o.caFile, 'utf8');
    } catch (err) {
      throw new Error(`Cannot read the hub CA file ${o.caFile}: ${(err as Error).message}`);
    }
  }
  return {
    auth: { consoleId: o.consoleId, token: o.token, protocolVersion: HUB_PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    timeout: 5000,
    // A hub that sends more than this in one message closes the link instead of filling the console's memory.
    maxPayload: o.maxMessageBytes ?? HUB_MAX_MESSAGE_BYTES,
    // Trusted for this link only: a site CA must not become trusted for anything else the console fetches.
    ...(ca ? { ca } : {}),
  };
}
