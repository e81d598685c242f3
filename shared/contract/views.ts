/** Shapes the core sends to the renderer. Never raw site-file data: stream URLs carry credentials. */
import { z } from 'zod';
import { EpochMs, Id, Role } from './common';
import { HubEventBody } from './hub';
import { LatLon } from '../domain/geo';
import { Locale, LocalizedText } from '../domain/text';
import { CameraDef, ContactDef, GuardDef, RouteDef, StreamProfile, ZoneDef } from '../domain/site';

export const OperatorView = z.object({ id: Id, name: z.string(), role: Role });
export type OperatorView = z.infer<typeof OperatorView>;

export const SystemInfo = z.object({
  product: z.string(),
  version: z.string(),
  consoleId: Id,
  hubProtocolVersion: z.number().int(),
  demo: z.boolean(),
  carrier: z.enum(['ipc', 'ws', 'memory']),
  startedAt: EpochMs,
  defaultLocale: Locale,
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const SessionView = z.object({ operator: OperatorView.nullable() });

export const CameraView = CameraDef.pick({
  id: true,
  name: true,
  zone: true,
  position: true,
  heading: true,
}).extend({
  profiles: z.array(StreamProfile),
  /** Source with credentials removed, e.g. `rtsp://***@10.0.0.21:554/Streaming/Channels/101`. */
  source: z.string(),
});
export type CameraView = z.infer<typeof CameraView>;

export const SiteView = z.object({
  name: LocalizedText,
  address: LocalizedText,
  plan: z.object({
    /** A data: URL, so every carrier (IPC, WebSocket) delivers the picture the same way. */
    imageUrl: z.string(),
    bounds: z.object({ southWest: LatLon, northEast: LatLon }),
  }),
  zones: z.array(ZoneDef),
  cameras: z.array(CameraView),
  routes: z.array(RouteDef),
  guards: z.array(GuardDef.omit({ devices: true })),
  contacts: z.array(ContactDef),
});
export type SiteView = z.infer<typeof SiteView>;

export const HUB_LINK_STATES = ['connected', 'connecting', 'offline'] as const;
export const HubStatus = z.object({
  state: z.enum(HUB_LINK_STATES),
  since: EpochMs,
  outbox: z.number().int().nonnegative(),
  lastSeq: z.number().int().nonnegative(),
  /** The hub address with credentials removed. */
  hub: z.string(),
  demo: z.boolean(),
  /** Why the last connection attempt failed, in words a person can act on. */
  error: z.string().optional(),
});
export type HubStatus = z.infer<typeof HubStatus>;

export const StoredHubEvent = z.intersection(
  z.object({ seq: z.number().int().positive(), at: EpochMs, receivedAt: EpochMs }),
  HubEventBody,
);
export type StoredHubEvent = z.infer<typeof StoredHubEvent>;

export const GuardPosition = z.object({
  guardId: Id,
  position: LatLon,
  at: EpochMs,
  speed: z.number().optional(),
  bearing: z.number().optional(),
  accuracy: z.number().optional(),
  battery: z.number().optional(),
  source: z.enum(['hub', 'osmand']),
});
export type GuardPosition = z.infer<typeof GuardPosition>;

export const Notice = z.object({
  level: z.enum(['info', 'warning', 'error']),
  code: z.string(),
  message: z.string(),
  at: EpochMs,
});
export type Notice = z.infer<typeof Notice>;
