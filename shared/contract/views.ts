/** Shapes the core sends to the renderer. Never raw site-file data: stream URLs carry credentials. */
import { z } from 'zod';
import { EpochMs, Id, Role } from './common';
import { HubEventBody } from './hub';
import { LatLon } from '../domain/geo';
import { Locale, LocalizedText } from '../domain/text';
import { CameraDef, ContactDef, GuardDef, RouteDef, StreamProfile, ZoneDef } from '../domain/site';

/** A schedule as numbers: minutes after local midnight for the band edges. */
export const PatrolScheduleView = z.object({
  dayStart: z.number().int(),
  dayEnd: z.number().int(),
  dayEveryMin: z.number().int(),
  nightEveryMin: z.number().int(),
  roundMin: z.number().int(),
  earlyMarginMin: z.number().int(),
});

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
  timeZone: z.string(),
  patrol: PatrolScheduleView,
  routes: z.array(RouteDef.omit({ schedule: true }).extend({ schedule: PatrolScheduleView })),
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

export const Notice = z.object({
  level: z.enum(['info', 'warning', 'error']),
  code: z.string(),
  message: z.string(),
  at: EpochMs,
});
export type Notice = z.infer<typeof Notice>;

/**
 * A stream's health, as the wall shows it. `offline` carries since when and, while a retry is scheduled,
 * when it will happen; a tile never shows a frozen picture for anything but `live`.
 */
export const STREAM_STATES = ['idle', 'connecting', 'live', 'stalled', 'offline'] as const;
export const StreamState = z.enum(STREAM_STATES);
export type StreamState = z.infer<typeof StreamState>;

export const StreamStatus = z.object({
  cameraId: Id,
  profile: StreamProfile,
  state: StreamState,
  since: EpochMs,
  offlineSince: EpochMs.optional(),
  retryAt: EpochMs.optional(),
  lastFrameAt: EpochMs.optional(),
  /** What went wrong, in plain words, credentials removed. */
  error: z.string().optional(),
  fps: z.number().nonnegative(),
  kbps: z.number().nonnegative(),
  viewers: z.number().int().nonnegative(),
  restarts: z.number().int().nonnegative(),
});
export type StreamStatus = z.infer<typeof StreamStatus>;

export const WALL_LAYOUTS = ['1', '4', '9', '16', '1+5', '1+7'] as const;
export const WallLayout = z.enum(WALL_LAYOUTS);
export type WallLayout = z.infer<typeof WallLayout>;

/** What an operator's wall looks like: the layout and which camera is in each tile. */
export const WallSetup = z.object({
  layout: WallLayout,
  tiles: z.array(Id.nullable()).max(16),
  /** Tile index → cameras cycled through it, and seconds per camera. */
  tours: z
    .array(
      z.object({
        tile: z.number().int().min(0).max(15),
        cameras: z.array(Id).min(2).max(32),
        seconds: z.number().int().min(3).max(600),
      }),
    )
    .max(16)
    .default([]),
});
export type WallSetup = z.infer<typeof WallSetup>;

/** A camera as a supervisor edits it: stream URLs with credentials shown as `***`. */
export const CameraAdminView = CameraDef.extend({ origin: z.enum(['site', 'console']) });
export type CameraAdminView = z.infer<typeof CameraAdminView>;

export const ConnectionTest = z.object({
  ok: z.boolean(),
  message: z.string(),
  codec: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
});
