/** Recorded video (issue 15): what the recorder holds for a camera, for the replay player's scrubber. */
import { z } from 'zod';
import { EpochMs, Id, method } from './common';

/** A replay may ask at most this far back in one call (the scrubber covers the last hour). */
export const MAX_LIST_SPAN_MS = 24 * 3600 * 1000;
/** One replay request plays at most this long. */
export const MAX_PLAY_SECONDS = 3600;
/** Two segments further apart than this are a gap (guide/video.md A3). */
export const GAP_MS = 2000;

export const CoverageSpan = z.object({ start: EpochMs, end: EpochMs });
export type CoverageSpan = z.infer<typeof CoverageSpan>;

/** Where a camera's recording is read: the console's own recorder, or the camera's NVR channel (site file `nvr`). */
export const RecordingSource = z.enum(['console', 'nvr']);
export type RecordingSource = z.infer<typeof RecordingSource>;

/** At most this many alarm marks on one timeline (the newest). */
export const MAX_REPLAY_MARKS = 200;

export const ReplayAlarmMark = z.object({
  id: Id,
  at: EpochMs,
  priority: z.number().int().min(1).max(5),
  type: z.string().max(64),
  drill: z.boolean(),
});
export type ReplayAlarmMark = z.infer<typeof ReplayAlarmMark>;

export const RecordingList = z.object({
  cameraId: Id,
  /** This camera is recorded by the console. */
  recording: z.boolean(),
  /** Absent from consoles before NVR playback: the console's own. */
  source: RecordingSource.optional(),
  /** Recorded spans in [from, to), gaps between them; the segment being written counts up to now. */
  coverage: z.array(CoverageSpan),
  /** The oldest recording kept for this camera, and the bytes it holds in all. */
  oldest: EpochMs.nullable(),
  bytes: z.number().int().nonnegative(),
  /** The HTTP path that plays from a time: `${play}?from=<iso>&seconds=<n>&token=<token>`. */
  play: z.string(),
  /** Alarms of this camera raised in [from, to), for the marks on the replay timeline (drills included, marked). */
  alarms: z.array(ReplayAlarmMark).max(MAX_REPLAY_MARKS).optional(),
});
export type RecordingList = z.infer<typeof RecordingList>;

/** An evidence clip is at most this long (the police ask for minutes around an event, not hours). */
export const MAX_CLIP_MS = 30 * 60 * 1000;

export const ClipGap = z.object({ start: EpochMs, end: EpochMs });

/** One camera's file in an export: what the manifest says of it too. */
export const ClipFile = z.object({
  cameraId: Id,
  /** The file in the export folder; absent when nothing of this camera is recorded in the range. */
  file: z.string().optional(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().optional(),
  /** Seconds the file plays (ffprobe). */
  seconds: z.number().nonnegative(),
  /** Parts of the range this camera has no recording for. */
  gaps: z.array(ClipGap),
});
export type ClipFile = z.infer<typeof ClipFile>;

export const ClipExport = z.object({
  id: Id,
  alarmId: z.string().optional(),
  incidentId: z.string().optional(),
  from: EpochMs,
  to: EpochMs,
  reason: z.string(),
  exportedBy: z.string(),
  exportedAt: EpochMs,
  /** The export folder's name under the data folder's `exports/`. */
  folder: z.string(),
  files: z.array(ClipFile),
  /** Some camera lacks recording somewhere in the range (see each file's gaps). */
  gaps: z.boolean(),
});
export type ClipExport = z.infer<typeof ClipExport>;

const ClipRange = z
  .object({ from: EpochMs, to: EpochMs })
  .strict()
  .refine((r) => r.to > r.from && r.to - r.from <= MAX_CLIP_MS, {
    message: 'to must be after from, at most 30 min later',
  });

/** What a clip is exported from: an alarm or an incident (exactly one), its cameras, an optional chosen range. */
export const ClipRequest = z
  .object({
    alarmId: Id.optional(),
    incidentId: Id.optional(),
    /** A range picked in the replay player instead of the site's pre/post roll around the alarm. */
    range: ClipRange.optional(),
    /** Only these of the linked cameras (the replay player's one); absent: every linked camera. */
    cameraIds: z.array(Id).min(1).max(32).optional(),
    /** Why it is exported (a police request number, a complaint): goes into the manifest and the audit log. */
    reason: z.string().trim().min(2).max(500),
  })
  .strict()
  .refine((x) => (x.alarmId === undefined) !== (x.incidentId === undefined), {
    message: 'give an alarmId or an incidentId, not both',
  });
export type ClipRequest = z.infer<typeof ClipRequest>;

/** A camera's retention as the supervisor's table shows it (guide/video.md A3). */
export const CameraRetention = z.object({
  cameraId: Id,
  recording: z.boolean(),
  /** Whose recording this is: the console's, or the NVR's (bytes and projections are then the NVR's business). */
  source: RecordingSource.optional(),
  /** The oldest recording kept, and how many days back that is. */
  oldest: EpochMs.nullable(),
  actualDays: z.number().nonnegative(),
  /** Share of the last 24 h and the last 30 days recorded (0..1), and the gaps of the last 24 h. */
  coverage24h: z.number().min(0).max(1),
  coverage30d: z.number().min(0).max(1),
  gaps24h: z.array(ClipGap),
  /** Bytes a day of recording takes at the last 24 h's rate; null until there is enough to say. */
  bytesPerDay: z.number().nonnegative().nullable(),
  /** Days the disk holds at the cameras' combined rate (capped by the camera's retention), null when unknown. */
  projectedDays: z.number().nonnegative().nullable(),
  retentionDays: z.number().int().positive(),
  requiredDays: z.number().int().positive(),
  /**
   * Below its required days: actually (recordings were deleted younger than that) or by projection; or the
   * camera's NVR did not answer the search, so nobody can say what it holds.
   */
  fault: z.enum(['actual', 'projected', 'unreachable']).nullable(),
});
export type CameraRetention = z.infer<typeof CameraRetention>;

export const RetentionView = z.object({
  at: EpochMs,
  freeBytes: z.number().nonnegative(),
  /** Bytes all recordings hold, and the part protected as evidence (retention cannot reclaim it). */
  recordingBytes: z.number().nonnegative(),
  protectedBytes: z.number().nonnegative(),
  quotaBytes: z.number().nonnegative().nullable(),
  cameras: z.array(CameraRetention),
});
export type RetentionView = z.infer<typeof RetentionView>;

export const recordingMethods = {
  'recordings.export': method({
    input: ClipRequest,
    output: ClipExport,
    role: 'operator',
    mutates: true,
    summary:
      "Export an evidence clip of an alarm's or incident's cameras: MP4 (-c copy), SHA-256 and a JSON manifest.",
  }),
  'recordings.exports': method({
    input: z
      .object({ alarmId: Id.optional(), incidentId: Id.optional() })
      .strict()
      .refine((x) => x.alarmId !== undefined || x.incidentId !== undefined, {
        message: 'give an alarmId or an incidentId',
      }),
    output: z.array(ClipExport),
    role: 'operator',
    mutates: false,
    summary: 'The evidence clips exported from an alarm (or its incident) or an incident.',
  }),
  'recordings.allExports': method({
    input: z.object({ before: EpochMs.optional() }).strict(),
    output: z.array(ClipExport),
    role: 'supervisor',
    mutates: false,
    summary: 'Every evidence clip exported, newest first (a page of 100 before a time).',
  }),
  'recordings.exportDownload': method({
    input: z.object({ exportId: Id }).strict(),
    output: z.object({ url: z.string() }),
    role: 'operator',
    mutates: true,
    summary: "A one-time address (valid a minute) that downloads an export's folder as one ZIP (web host).",
  }),
  'recordings.retention': method({
    input: z.object({}).strict(),
    output: RetentionView,
    role: 'supervisor',
    mutates: false,
    summary: 'Per camera: oldest recording, coverage and gaps, bytes per day, projected days; the disk.',
  }),
  'recordings.list': method({
    input: z
      .object({ cameraId: Id, from: EpochMs, to: EpochMs })
      .strict()
      .refine((x) => x.to > x.from && x.to - x.from <= MAX_LIST_SPAN_MS, {
        message: 'to must be after from, at most 24 h later',
      }),
    output: RecordingList,
    role: 'operator',
    mutates: false,
    summary: "A camera's recorded spans (with gaps) between two times, for the replay player's scrubber.",
  }),
};

export const recordingEvents = {};
