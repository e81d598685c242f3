/**
 * The transmitters a GB/T 26875.3 source knows: one entry per address with its resolved profile, the state words
 * last seen (`StateMemory`), the time format and checksum variant it speaks, its connection, and what supervision
 * and the centre's control commands track about it.
 */
import { worded, type SourceReport } from '../source';
import { resolveProfile, type Gb26875Config, type ResolvedProfile } from './config';
import type { Conn } from './connection';
import { decodeTime, type ChecksumStart, type TimeFormat } from './frame';
import { transmitterDevice, transmitterDeviceId } from './mapping';
import { StateMemory } from './memory';

/** Transmitters without a profile the source keeps track of (a flood of made-up addresses stops here). */
const MAX_UNKNOWN_TRANSMITTERS = 64;
/** Components remembered per transmitter: a big site's panels, and far less for one nobody configured. */
const MEMORY_KNOWN = 20_000;
const MEMORY_UNKNOWN = 2_000;

export interface Tx {
  profile: ResolvedProfile;
  memory: StateMemory;
  conn?: Conn;
  /** Undefined until the first frame for a transmitter without a profile (it is not supervised before). */
  lastSeen?: number;
  /** Set while a communication fault is in the log: the `lastSeen` it was raised for. */
  faultSince?: number;
  reporting: boolean;
  centreAddress?: Uint8Array;
  version: { major: number; minor: number };
  checksum: ChecksumStart;
  timeFormat: TimeFormat;
  nextSerial: number;
  lastTimeSync?: number;
  nextInspectAt?: number;
  inspection?: { sentAt: number; deadline: number; answered: boolean };
  /** The key of the open duty-post fault (an unanswered 查岗), until an answer restores it. */
  dutyFault?: string;
  /** When an `alive` of the transmitter was last committed (the hub's last-seen of it). */
  lastAliveAt?: number;
}

/** Every transmitter by address; an unknown one is added on first sight when the config accepts it. */
export class Transmitters {
  private readonly byAddress = new Map<string, Tx>();

  constructor(private readonly config: Gb26875Config) {}

  get(address: string): Tx | undefined {
    return this.byAddress.get(address);
  }

  values(): IterableIterator<Tx> {
    return this.byAddress.values();
  }

  /** The transmitter at an address, added when it has a profile (or unknown ones are accepted, up to a cap). */
  for(address: string): Tx | undefined {
    const known = this.byAddress.get(address);
    if (known) return known;
    const profile = resolveProfile(this.config, address);
    if (!profile) return undefined;
    const unknown = [...this.byAddress.values()].filter((t) => !t.profile.known).length;
    if (unknown >= MAX_UNKNOWN_TRANSMITTERS) return undefined;
    const tx: Tx = {
      profile,
      memory: new StateMemory(profile.known ? MEMORY_KNOWN : MEMORY_UNKNOWN),
      reporting: false,
      version: { major: 1, minor: 1 },
      checksum: profile.checksum === 'command' ? 'command' : 'serial',
      timeFormat: profile.time === 'bcd' ? 'bcd' : 'binary',
      nextSerial: 1,
    };
    this.byAddress.set(address, tx);
    return tx;
  }
}

/** The transmitter's time format for a tag: `auto` takes the reading that is a date nearest the hub's clock. */
export function timeFormatFor(tx: Tx, time: Uint8Array, now: number): TimeFormat {
  if (tx.profile.time !== 'auto') return tx.profile.time;
  const readings = (['binary', 'bcd'] as const)
    .map((f) => ({ f, t: decodeTime(time, f, tx.profile.utcOffsetMin) }))
    .filter((r): r is { f: TimeFormat; t: number } => r.t !== undefined)
    .sort((a, b) => Math.abs(a.t - now) - Math.abs(b.t - now));
  return readings[0]?.f ?? tx.timeFormat;
}

/** The transmitter's communication fault ends: it sent a frame. */
export function backReport(sourceId: string, tx: Tx, at: number): SourceReport {
  return {
    key: `gb26875:${sourceId}:${tx.profile.address}:back:${tx.faultSince}`,
    device: transmitterDevice({ sourceId, profile: tx.profile }),
    kind: 'state',
    state: 'ok',
    at,
    ...worded('通信恢复', 'communication restored'),
    origin: { transmitter: tx.profile.address, reason: 'frame received' },
  };
}

/** The duty post of the transmitter's fire control room: where an unanswered 查岗 is a fault. */
export function dutyDevice(sourceId: string, tx: Tx): SourceReport['device'] {
  return {
    id: `${transmitterDeviceId(sourceId, tx.profile.address)}:duty`,
    kind: 'fire_transmitter',
    label: '消防控制室值班',
  };
}
