/** Cameras and their streams: the wall's views, stream health, camera management. */
import { z } from 'zod';
import { DoneReply, EpochMs, Id, method, NoInput } from './common';
import { CameraDef, StreamProfile, StreamUrl } from '../domain/site';

export const CameraView = CameraDef.pick({
  id: true,
  name: true,
  zone: true,
  position: true,
  heading: true,
  video: true,
}).extend({
  profiles: z.array(StreamProfile),
  /** Source with credentials removed, e.g. `rtsp://***@10.0.0.21:554/Streaming/Channels/101`. */
  source: z.string(),
});
export type CameraView = z.infer<typeof CameraView>;

/**
 * A stream's health, as the wall shows it. `offline` carries since when and, while a retry is scheduled,
 * when it will happen; a tile never shows a frozen picture for anything but `live`.
 */
export const STREAM_STATES = ['idle', 'connecting', 'live', 'stalled', 'offline'] as const;
export const StreamState = z.enum(STREAM_STATES);
export type StreamState = z.infer<typeof StreamState>;

/**
 * Why a stream is not live, as a code the page words in the operator's language (cameras.reason.<code> in
 * shared/i18n); `seconds` for `stalled`. The technical text (ffmpeg's own words) stays in `error`, one hover away.
 */
export const STREAM_REASONS = [
  'ended',
  'ffmpegMissing',
  'ffmpegStopped',
  'stalled',
  'noPicture',
  'auth',
  'forbidden',
  'notFound',
  'refused',
  'unreachable',
  'unknownHost',
  'timeout',
  'noVideoTrack',
  'transport',
  'badData',
  'noSource',
] as const;
export const StreamReason = z.object({
  code: z.enum(STREAM_REASONS),
  seconds: z.number().int().nonnegative().optional(),
});
export type StreamReason = z.infer<typeof StreamReason>;

export const StreamStatus = z.object({
  cameraId: Id,
  profile: StreamProfile,
  /** Which stream this is (issue 16): MPEG-1 for JSMpeg, or the camera's H.264 passed through for WebCodecs. */
  path: z.enum(['jsmpeg', 'passthrough']).optional(),
  state: StreamState,
  since: EpochMs,
  offlineSince: EpochMs.optional(),
  retryAt: EpochMs.optional(),
  lastFrameAt: EpochMs.optional(),
  /** What went wrong, in ffmpeg's and the camera's technical words (English), credentials removed. */
  error: z.string().optional(),
  /** The same, as a code the page words (`error` is its technical detail). */
  reason: StreamReason.optional(),
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

export const cameraMethods = {
  'streams.endpoint': method({
    input: NoInput,
    output: z.object({ url: z.string(), token: z.string() }),
    role: 'operator',
    mutates: false,
    summary:
      'Where the video gateway serves streams: `${url}/${cameraId}/${profile}?token=${token}` (loopback only).',
  }),
  'streams.list': method({
    input: NoInput,
    output: z.object({ streams: z.array(StreamStatus) }),
    role: 'operator',
    mutates: false,
    summary: 'The status of every stream that has been watched since start.',
  }),
  'streams.snapshot': method({
    input: z
      .object({
        cameraId: Id,
        profile: StreamProfile,
        /** PNG bytes, base64, as the tile's canvas drew them. */
        png: z
          .string()
          .max(12_000_000)
          .regex(/^[A-Za-z0-9+/]+=*$/, 'base64 PNG data'),
      })
      .strict(),
    output: z.object({ file: z.string(), at: z.number().int() }),
    role: 'operator',
    mutates: true,
    summary: 'Save the current frame of a tile as a PNG in the data directory, to attach to an incident.',
  }),
  'cameras.list': method({
    input: NoInput,
    output: z.object({ cameras: z.array(CameraAdminView) }),
    role: 'supervisor',
    mutates: false,
    summary: 'Every camera with its settings (credentials hidden), for camera management.',
  }),
  'cameras.save': method({
    input: CameraDef,
    output: CameraAdminView,
    role: 'supervisor',
    mutates: true,
    summary: 'Add a camera or change one; `***@` in a URL keeps the stored user name and password.',
  }),
  'cameras.remove': method({
    input: z.object({ id: Id }).strict(),
    output: DoneReply,
    role: 'supervisor',
    mutates: true,
    summary: 'Remove a camera from the wall and the site.',
  }),
  'cameras.test': method({
    input: z
      .object({ url: StreamUrl, transport: z.enum(['tcp', 'udp']).default('tcp'), cameraId: Id.optional() })
      .strict(),
    output: ConnectionTest,
    role: 'supervisor',
    mutates: false,
    summary: 'Try to get one picture from a source and say in plain words what happened.',
  }),
};

export const cameraEvents = {
  /** The camera list changed (a supervisor added, edited or removed one). */
  'site.cameras': z.object({ cameras: z.array(CameraView) }),
  /** Every watched stream, at most once a second, and at once on a state change. */
  'streams.status': z.object({ streams: z.array(StreamStatus) }),
};
