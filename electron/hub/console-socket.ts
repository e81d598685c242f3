import {
  describeIssues,
  HUB_MIN_PROTOCOL_VERSION,
  HUB_PROTOCOL_VERSION,
  HubAuth,
} from '../../shared/contract';

/** A console's place in the hub's streams, kept on its socket (`socket.data`) from the handshake on. */
export interface ConsoleSocketData {
  consoleId: string;
  token: string;
  /** The last sequence sent (or, after a sync, the console's committed head). */
  cursor: number;
  /** Sent and not yet acknowledged (or timed out). */
  inFlight: number;
  synced: boolean;
  pumping: boolean;
  dirty: boolean;
  /** The protocol version the console speaks: below 4 it gets no urgent lane, below 5 one message per event. */
  version: number;
  /** (version 4) The highest urgent event sent ahead of the ordered stream since the last sync. */
  urgentSent: number;
  /** Urgent events sent and not yet acknowledged. */
  urgentInFlight: number;
}

/**
 * The socket.io handshake: the console's auth (`HubAuth`), a protocol version this hub serves and a token it knows.
 * Returns the socket's starting state, or the refusal the console shows its operator.
 */
export function admitConsole(
  auth: unknown,
  knowsToken: (token: string) => boolean,
): ConsoleSocketData | Error {
  const parsed = HubAuth.safeParse(auth);
  if (!parsed.success) return new Error(`bad handshake: ${describeIssues(parsed.error)}`);
  const version = parsed.data.protocolVersion;
  if (version < HUB_MIN_PROTOCOL_VERSION || version > HUB_PROTOCOL_VERSION) {
    return new Error(
      `protocol version mismatch: this hub speaks version ${HUB_PROTOCOL_VERSION}, the console speaks ` +
        `version ${version}. Update the older side (this hub serves consoles from version ` +
        `${HUB_MIN_PROTOCOL_VERSION}).`,
    );
  }
  if (!knowsToken(parsed.data.token)) return new Error('unknown console token; check the hub token setting');
  return {
    consoleId: parsed.data.consoleId,
    token: parsed.data.token,
    cursor: 0,
    inFlight: 0,
    synced: false,
    pumping: false,
    dirty: false,
    version,
    urgentSent: 0,
    urgentInFlight: 0,
  };
}
