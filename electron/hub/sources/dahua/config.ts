/**
 * The Dahua source's entry in the site file: cameras and NVRs whose `eventManager.cgi` attach stream the hub
 * reads. README.md in this folder explains every field.
 */
import { z } from 'zod';
import { CameraEntry, cameraSourceFields } from '../isapi/camera';

export const DahuaSourceConfig = z
  .object({
    ...cameraSourceFields,
    cameras: z.array(CameraEntry).min(1).max(256),
    /** The `heartbeat=` the camera is asked for (s); the watchdog allows three of them plus a margin. */
    heartbeatSec: z.number().int().min(1).max(300).default(5),
    /** Event codes asked for; `[All]` by default. */
    codes: z
      .array(z.string().regex(/^[A-Za-z]{1,40}$/))
      .min(1)
      .max(32)
      .optional(),
    maxPartBytes: z
      .number()
      .int()
      .min(1024)
      .max(4 * 1024 * 1024)
      .default(256 * 1024),
    allowBasic: z.boolean().default(false),
  })
  .refine((c) => c.reconnectMinMs <= c.reconnectMaxMs, {
    message: 'reconnectMinMs must not exceed reconnectMaxMs',
  })
  .refine((c) => new Set(c.cameras.map((x) => x.camera)).size === c.cameras.length, {
    message: 'each site camera appears once',
  });
export type DahuaSourceConfig = z.infer<typeof DahuaSourceConfig>;
export type DahuaSourceConfigInput = z.input<typeof DahuaSourceConfig>;
