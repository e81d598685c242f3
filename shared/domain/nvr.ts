import { z } from 'zod';

/** The NVRs whose playback and search the console speaks (guide/video.md A2). */
export const NVR_VENDORS = ['hikvision', 'dahua'] as const;
export type NvrVendor = (typeof NVR_VENDORS)[number];

/** A host name, an IPv4 address or a bracketed IPv6 one: it goes into URLs, so nothing else may pass. */
const Host = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*|\[[0-9A-Fa-f:.]+\])$/,
    {
      message: 'must be a host name or an IP address (IPv6 in brackets), without scheme, port or path',
    },
  );
const Port = z.number().int().min(1).max(65535);

/**
 * A camera's channel on an NVR (issue 15). Replay, evidence clips and the retention check then read the NVR's
 * recording by time instead of the console's own, which is off for such a camera unless the site file asks for it.
 */
export const NvrChannel = z
  .object({
    vendor: z.enum(NVR_VENDORS),
    host: Host,
    rtspPort: Port.default(554),
    httpPort: Port.default(80),
    /** The search API over HTTPS (the password then never crosses the network in clear, even with Basic). */
    https: z.boolean().default(false),
    /** The channel as the NVR numbers it (1 = the first camera). */
    channel: z.number().int().min(1).max(512),
    stream: z.enum(['main', 'sub']).default('main'),
    username: z.string().max(64).optional(),
    password: z.string().max(128).optional(),
    /**
     * How the NVR reads the times in playback URLs and searches: `utc`, or `local` (its own wall clock). Dahua
     * always uses local time; Hikvision writes a `Z` but some firmware reads it as local time (guide/video.md A2).
     * Default: `local` for Dahua, `utc` for Hikvision.
     */
    clock: z.enum(['utc', 'local']).optional(),
    /** The NVR's time zone when its clock is local (default: the site's). */
    timeZone: z.string().min(1).max(64).optional(),
    /** Seconds the NVR's clock is ahead of the true time (negative: behind), as read off the device. */
    clockOffsetSec: z.number().int().min(-86_400).max(86_400).default(0),
  })
  .strict();
export type NvrChannel = z.infer<typeof NvrChannel>;

/** The clock the NVR reads times in, with the vendor's default. */
export const nvrClock = (n: Pick<NvrChannel, 'vendor' | 'clock'>): 'utc' | 'local' =>
  n.clock ?? (n.vendor === 'dahua' ? 'local' : 'utc');
