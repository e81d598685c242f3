/**
 * The ONVIF source's entry in the site file: cameras read through an ONVIF PullPoint subscription (Profile S/T
 * event service). README.md in this folder explains every field.
 */
import { z } from 'zod';
import { CameraEntry, cameraSourceFields, withCameraChecks } from '../isapi/camera';

export const OnvifSourceConfig = withCameraChecks(
  z
    .object({
      ...cameraSourceFields,
      cameras: z
        .array(CameraEntry.omit({ channels: true }))
        .min(1)
        .max(256),
      /** The device service; the events service address is asked of it (GetCapabilities). */
      devicePath: z
        .string()
        .regex(/^\/[\w./-]{0,100}$/)
        .default('/onvif/device_service'),
      /** How long one PullMessages may wait on the device for news. */
      pullTimeoutSec: z.number().int().min(1).max(600).default(60),
      /** InitialTerminationTime and each Renew: the subscription dies this long after the last renewal. */
      terminationSec: z.number().int().min(2).max(3600).default(120),
      messageLimit: z.number().int().min(1).max(100).default(10),
      maxResponseBytes: z
        .number()
        .int()
        .min(4096)
        .max(16 * 1024 * 1024)
        .default(1024 * 1024),
    })
    .refine((c) => c.terminationSec > c.pullTimeoutSec, {
      message: 'terminationSec must exceed pullTimeoutSec, or the subscription ends while a pull waits',
    }),
);
export type OnvifSourceConfig = z.infer<typeof OnvifSourceConfig>;
export type OnvifSourceConfigInput = z.input<typeof OnvifSourceConfig>;
