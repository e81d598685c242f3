/**
 * The Dahua source's entry in the site file: cameras and NVRs whose `eventManager.cgi` attach stream the hub
 * reads. README.md in this folder explains every field.
 */
import { z } from 'zod';
import { CameraEntry, cameraSourceFields, withCameraChecks } from '../isapi/camera';

export const DahuaSourceConfig = withCameraChecks(
  z.object({
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
  }),
);
export type DahuaSourceConfig = z.infer<typeof DahuaSourceConfig>;
export type DahuaSourceConfigInput = z.input<typeof DahuaSourceConfig>;
