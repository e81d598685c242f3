/**
 * The GB/T 26875.3 source in the site file: where it listens, its bounds, and one profile per 用户信息传输装置
 * (its vendor variant, supervision and where its systems and components are on the site).
 */
import { z } from 'zod';
import { Id } from '../../../../shared/contract/common';
import { LatLon } from '../../../../shared/domain/geo';

const Minutes = z.number().int().min(1).max(255);

/** A transmitter's 6-byte address as the decimal of its little-endian value (a number or a string of digits). */
const Address = z
  .union([
    z
      .number()
      .int()
      .min(0)
      .max(2 ** 48 - 1),
    z.string().regex(/^\d{1,15}$/),
  ])
  .transform((v) => String(Number(v)))
  .refine((v) => Number(v) < 2 ** 48, 'a 6-byte address is below 2^48');

/** The variant fields a profile may set; `defaults` holds them for every transmitter without its own. */
const Variant = z.object({
  /** 时间标签 in binary (the open codecs and the published vector) or BCD (a 赋安 variant); `auto` guesses per frame. */
  time: z.enum(['binary', 'bcd', 'auto']).optional(),
  /** Where the checksum starts: the standard's serial, one vendor's command byte, or `auto` (either). */
  checksum: z.enum(['serial', 'command', 'auto']).optional(),
  /** The transmitter's clock offset from UTC in minutes (the time tag carries no zone; China is +480). */
  utcOffsetMin: z
    .number()
    .int()
    .min(-14 * 60)
    .max(14 * 60)
    .optional(),
  /** Silence past this many seconds is a communication fault; 0 = not supervised. */
  supervisionSec: z.number().int().min(0).max(86_400).optional(),
});

/** Where a system, or one component of it, is: the most specific entry that matches wins. */
export const Placement = z.object({
  systemType: z.number().int().min(0).max(255).optional(),
  /** 系统地址. */
  system: z.number().int().min(0).max(255).optional(),
  /** 部件地址 (the 4-byte value). */
  component: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  zone: Id.optional(),
  cameras: z.array(Id).max(16).optional(),
  /** Where it is on the site map; absent: its zone's centre. */
  position: LatLon.optional(),
});
export type Placement = z.infer<typeof Placement>;

export const TransmitterProfile = Variant.extend({
  address: Address,
  /** How the operator knows the transmitter (shown as its label). */
  name: z.string().min(1).max(64).optional(),
  zone: Id.optional(),
  cameras: z.array(Id).max(16).optional(),
  /** Where the transmitter is on the site map (its own reports; a placement without a zone). */
  position: LatLon.optional(),
  placements: z.array(Placement).max(10_000).default([]),
  /** Send 查岗 this often (absent = only when asked); the answer is the 查岗应答 key on the transmitter. */
  inspectEveryMin: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
  inspectTimeoutMin: Minutes.default(10),
  /** Send 校时 when the transmitter's clock is off by more than this (absent = never on its own). */
  timeSyncSkewSec: z.number().int().min(5).max(86_400).optional(),
});
export type TransmitterProfile = z.infer<typeof TransmitterProfile>;

export const Gb26875Config = z
  .object({
    id: Id,
    kind: z.literal('gb26875').default('gb26875'),
    /** 0 = a free port, shown in the source's status. */
    port: z.number().int().min(0).max(65_535),
    host: z.string().min(1).default('0.0.0.0'),
    /** The centre's own 6-byte address, used as the source of commands it starts (查岗, 校时). */
    address: Address.default('0'),
    /** Frames from transmitters without a profile: taken with `defaults` (a fire alarm is never dropped for it). */
    acceptUnknown: z.boolean().default(true),
    defaults: Variant.default({}),
    transmitters: z.array(TransmitterProfile).max(4096).default([]),
    /** A frame with a bad checksum: answered with 否认 (the transmitter resends at once) or dropped. */
    badChecksum: z.enum(['deny', 'drop']).default('deny'),
    maxAppData: z.number().int().min(64).max(65_535).default(4096),
    maxConnections: z.number().int().min(1).max(10_000).default(256),
    maxConnectionsPerHost: z.number().int().min(1).max(10_000).default(16),
    /** A connection that sends nothing for this long is closed (the transmitter dials again). */
    idleTimeoutSec: z.number().int().min(5).max(86_400).default(900),
    /** A frame started but not finished within this is given up, and what follows is read again. */
    partialFrameMs: z.number().int().min(100).max(60_000).default(5000),
    /** A commit not done within this counts as failed: no 确认, so the transmitter sends the frame again. */
    commitTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
    /** How long a 查岗 or 校时 waits for the transmitter's 确认. */
    controlTimeoutSec: z.number().int().min(1).max(600).default(10),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.transmitters.forEach((t, i) => {
      if (seen.has(t.address)) {
        ctx.addIssue({
          code: 'custom',
          path: ['transmitters', i, 'address'],
          message: `transmitter ${t.address} has two profiles`,
        });
      }
      seen.add(t.address);
    });
  });
export type Gb26875Config = z.infer<typeof Gb26875Config>;
export type Gb26875ConfigInput = z.input<typeof Gb26875Config>;

/** A transmitter's variant with every field decided. */
export interface ResolvedProfile {
  address: string;
  known: boolean;
  name?: string;
  time: 'binary' | 'bcd' | 'auto';
  checksum: 'serial' | 'command' | 'auto';
  utcOffsetMin: number;
  supervisionSec: number;
  zone?: string;
  cameras?: string[];
  position?: LatLon;
  placements: Placement[];
  inspectEveryMin?: number;
  inspectTimeoutMin: number;
  timeSyncSkewSec?: number;
}

export const DEFAULT_SUPERVISION_SEC = 300;
export const DEFAULT_UTC_OFFSET_MIN = 480;

export function resolveProfile(config: Gb26875Config, address: string): ResolvedProfile | undefined {
  const own = config.transmitters.find((t) => t.address === address);
  if (!own && !config.acceptUnknown) return undefined;
  const d = config.defaults;
  const profile: ResolvedProfile = {
    address,
    known: own !== undefined,
    time: own?.time ?? d.time ?? 'binary',
    checksum: own?.checksum ?? d.checksum ?? 'auto',
    utcOffsetMin: own?.utcOffsetMin ?? d.utcOffsetMin ?? DEFAULT_UTC_OFFSET_MIN,
    supervisionSec: own?.supervisionSec ?? d.supervisionSec ?? DEFAULT_SUPERVISION_SEC,
    placements: own?.placements ?? [],
    inspectTimeoutMin: own?.inspectTimeoutMin ?? 10,
  };
  if (own?.name !== undefined) profile.name = own.name;
  if (own?.zone !== undefined) profile.zone = own.zone;
  if (own?.cameras !== undefined) profile.cameras = own.cameras;
  if (own?.position !== undefined) profile.position = own.position;
  if (own?.inspectEveryMin !== undefined) profile.inspectEveryMin = own.inspectEveryMin;
  if (own?.timeSyncSkewSec !== undefined) profile.timeSyncSkewSec = own.timeSyncSkewSec;
  return profile;
}

/**
 * The zone, cameras and map position of a system or component: the placement naming the component beats the one
 * naming its system, which beats one naming only the system type; the transmitter's own zone and cameras are the
 * fallback, and its position too while the placement names no zone of its own (a component placed in another
 * zone is not where the transmitter is: the hub puts it at that zone's centre).
 */
export function placementOf(
  profile: ResolvedProfile,
  where: { systemType?: number; system?: number; component?: number },
): { zone?: string; cameras?: string[]; location?: LatLon } {
  let best: Placement | undefined;
  let bestScore = -1;
  for (const p of profile.placements) {
    if (p.systemType !== undefined && p.systemType !== where.systemType) continue;
    if (p.system !== undefined && p.system !== where.system) continue;
    if (p.component !== undefined && p.component !== where.component) continue;
    const score =
      (p.component !== undefined ? 4 : 0) +
      (p.system !== undefined ? 2 : 0) +
      (p.systemType !== undefined ? 1 : 0);
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  const zone = best?.zone ?? profile.zone;
  const cameras = best?.cameras ?? profile.cameras;
  const location = best?.position ?? (best?.zone === undefined ? profile.position : undefined);
  return {
    ...(zone !== undefined ? { zone } : {}),
    ...(cameras !== undefined ? { cameras } : {}),
    ...(location !== undefined ? { location } : {}),
  };
}
