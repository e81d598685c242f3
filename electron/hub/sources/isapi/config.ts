/**
 * The ISAPI source's entry in the site file: the Hikvision cameras and NVRs whose alert stream the hub reads.
 * README.md in this folder explains every field.
 */
import { z } from 'zod';
import { CameraEntry, cameraSourceFields, withCameraChecks } from './camera';

export const IsapiSourceConfig = withCameraChecks(
  z.object({
    ...cameraSourceFields,
    cameras: z.array(CameraEntry).min(1).max(256),
    /**
     * No bytes for this long (not even the camera's videoloss heartbeat) and the stream is dropped and opened
     * again: new firmware sends no heartbeat and a stalled stream looks open forever.
     */
    idleTimeoutSec: z.number().int().min(1).max(3600).default(120),
    /** A part larger than this is skipped (JPEG snapshots on new firmware can be big; alerts are ~1 KiB). */
    maxPartBytes: z
      .number()
      .int()
      .min(4096)
      .max(8 * 1024 * 1024)
      .default(1024 * 1024),
    /** Old firmware serves the stream without the `/ISAPI` prefix. */
    path: z
      .enum(['/ISAPI/Event/notification/alertStream', '/Event/notification/alertStream'])
      .default('/ISAPI/Event/notification/alertStream'),
    /** Answer a Basic challenge (only over https, or when the installer accepts the risk on a closed LAN). */
    allowBasic: z.boolean().default(false),
  }),
);
export type IsapiSourceConfig = z.infer<typeof IsapiSourceConfig>;
export type IsapiSourceConfigInput = z.input<typeof IsapiSourceConfig>;
