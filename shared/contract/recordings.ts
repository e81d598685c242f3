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

export const RecordingList = z.object({
  cameraId: Id,
  /** This camera is recorded by the console. */
  recording: z.boolean(),
  /** Recorded spans in [from, to), gaps between them; the segment being written counts up to now. */
  coverage: z.array(CoverageSpan),
  /** The oldest recording kept for this camera, and the bytes it holds in all. */
  oldest: EpochMs.nullable(),
  bytes: z.number().int().nonnegative(),
  /** The HTTP path that plays from a time: `${play}?from=<iso>&seconds=<n>&token=<token>`. */
  play: z.string(),
});
export type RecordingList = z.infer<typeof RecordingList>;

export const recordingMethods = {
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
