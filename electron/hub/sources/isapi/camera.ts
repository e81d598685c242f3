/**
 * What the three camera sources (ISAPI, Dahua, ONVIF) share: a camera's entry in the site file (its site camera
 * id, address, credentials, and what motion does), the mapping of a camera event to hub reports, and the
 * per-condition state that turns repeated "active" posts into one alarm and its restore.
 *
 * Mapping (the console's alarm types, shared/domain/alarm.ts; it has no camera-specific detection or tamper
 * type): motion, line crossing and field intrusion → `intrusion` (motion at the camera's configured lower
 * priority, or only logged); tamper (lens covered, scene changed) → `intrusion`, as alarm panels treat a tamper;
 * video loss → `camera_offline`. `origin.event` keeps the camera's own name for it.
 */
import { z } from 'zod';
import type { AlarmType, Priority } from '../../../../shared/domain/alarm';
import type { SourceContext, SourceReport } from '../source';

export type CameraEventKind = 'motion' | 'line' | 'field' | 'tamper' | 'videoloss';

/** One event as a camera source understood it, before mapping. */
export interface CameraEvent {
  /** Site camera id. */
  camera: string;
  kind: CameraEventKind;
  /** `true` starts or repeats, `false` ends, `'pulse'` happened once (a line crossed). */
  active: boolean | 'pulse';
  /** The device's channel (1-based) and rule/region, when it says. */
  channel?: string;
  rule?: string;
  region?: string;
  /** The vendor's own event name (`VMD`, `linedetection`, `tns1:RuleEngine/LineDetector/Crossed`). */
  event: string;
  /** The device's time (epoch ms) when it gave one that parses. */
  at?: number;
  /** ONVIF `PropertyOperation="Initialized"`: a state sync at subscription, not news. */
  sync?: boolean;
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24 h)');

export const MotionPolicy = z.object({
  /** `alarm`: motion raises an intrusion alarm at `priority`; `log`: an event for the log only; `off`: ignored. */
  mode: z.enum(['alarm', 'log', 'off']).default('log'),
  /** The alarm's priority (1 most urgent, 5 least); below the other camera alarms by default. */
  priority: z.number().int().min(1).max(5).default(4),
  /**
   * When `mode` applies, as time-of-day ranges in the site's time zone (`from` > `to` spans midnight; `days`
   * 0 = Sunday … 6, absent = every day). Outside every range motion is logged only. Absent = always.
   */
  schedule: z
    .array(
      z.object({
        from: hhmm,
        to: hhmm,
        days: z.array(z.number().int().min(0).max(6)).min(1).max(7).optional(),
      }),
    )
    .min(1)
    .max(16)
    .optional(),
});
export type MotionPolicy = z.infer<typeof MotionPolicy>;

const siteId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/);

/** A camera's address: http(s), host and optional port; no path, no credentials in it. */
export const CameraUrl = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[A-Za-z0-9.\-[\]:]+\/?$/, 'http://host[:port] or https://host[:port], without a path');

export const CameraEntry = z.object({
  /** The site camera id (`cameras[].id` of the site file): linked to every alarm, shown on the wall. */
  camera: siteId,
  url: CameraUrl,
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(128),
  /** The site zone the camera watches. */
  zone: siteId.optional(),
  label: z.string().min(1).max(100).optional(),
  motion: MotionPolicy.default({ mode: 'log', priority: 4 }),
  /**
   * An NVR: its channels (as the device numbers them, 1-based) → site camera ids. Absent = a camera, every
   * channel is `camera`. Events of unlisted channels are refused.
   */
  channels: z.record(z.string().regex(/^\d{1,3}$/), siteId).optional(),
  /** HTTPS devices with a self-signed certificate: its PEM file, relative to the site file. */
  ca: z.string().min(1).max(300).optional(),
});
export type CameraEntry = z.infer<typeof CameraEntry>;

export const TimeZone = z
  .string()
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'an IANA time zone such as Asia/Shanghai' },
  );

/** Fields every camera source has. */
export const cameraSourceFields = {
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/),
  /** The site's time zone, for motion schedules. */
  timeZone: TimeZone.default('Asia/Shanghai'),
  /** An open condition with no "active" for this long is restored (cameras that never send "inactive"). */
  autoClearSec: z.number().int().min(1).max(3600).default(60),
  /** Reconnect back-off: first wait, doubled up to the maximum. */
  reconnectMinMs: z.number().int().min(50).max(60_000).default(1000),
  reconnectMaxMs: z.number().int().min(100).max(600_000).default(60_000),
  /** How long a report the hub's log would not take is retried before it is dropped (counted as an error). */
  commitRetrySec: z.number().min(0).max(300).default(10),
};

/**
 * The checks every camera source's entry takes on top of its fields: a reconnect range that is one, and each site
 * camera once (its reports are keyed by it).
 */
export function withCameraChecks<
  T extends z.ZodType<{ reconnectMinMs: number; reconnectMaxMs: number; cameras: Array<{ camera: string }> }>,
>(schema: T): T {
  return schema
    .refine((c) => c.reconnectMinMs <= c.reconnectMaxMs, {
      message: 'reconnectMinMs must not exceed reconnectMaxMs',
    })
    .refine((c) => new Set(c.cameras.map((x) => x.camera)).size === c.cameras.length, {
      message: 'each site camera appears once',
    });
}

/**
 * Restores each camera's conditions left open past `autoClearSec` (cameras that never send "inactive"), checked
 * four times per `autoClearSec` and at least every second.
 */
export function startSweeper(trackers: () => Iterable<CameraTracker>, autoClearSec: number): NodeJS.Timeout {
  const timer = setInterval(
    () => {
      for (const t of trackers()) void t.sweep();
    },
    Math.min(1000, autoClearSec * 250),
  );
  timer.unref();
  return timer;
}

/** True when `at` falls in one of the ranges, read in `timeZone`. */
export function inSchedule(
  schedule: NonNullable<MotionPolicy['schedule']>,
  at: number,
  timeZone: string,
): boolean {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
  }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const minute = Number(get('hour')) * 60 + Number(get('minute'));
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  const mins = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return schedule.some((r) => {
    const from = mins(r.from);
    const to = mins(r.to);
    if (from === to) return !r.days || r.days.includes(day);
    if (from < to) return minute >= from && minute < to && (!r.days || r.days.includes(day));
    // Over midnight: the part after midnight belongs to the previous day's range.
    if (minute >= from) return !r.days || r.days.includes(day);
    return minute < to && (!r.days || r.days.includes((day + 6) % 7));
  });
}

/** A report as the camera sources make it (its `priority`: motion's lower one). */
export type CameraReport = SourceReport;

interface Open {
  startedAt: number;
  lastActiveAt: number;
  type: AlarmType;
  event: CameraEvent;
}

const TYPE: Record<CameraEventKind, AlarmType> = {
  motion: 'intrusion',
  line: 'intrusion',
  field: 'intrusion',
  tamper: 'intrusion',
  videoloss: 'camera_offline',
};

/** URI-escapes a key part; a lone surrogate (which encodeURIComponent throws on) becomes U+FFFD first. */
const esc = (s: string | undefined) =>
  encodeURIComponent(
    (s ?? '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );

/**
 * Turns one camera's events into reports and commits them in order, applying each transition only once its
 * report is in the hub's log (so a repeated "active" after a failed commit tries again).
 */
export class CameraTracker {
  private readonly open = new Map<string, Open>();
  private chain: Promise<void> = Promise.resolve();
  /** Two occurrences in the same millisecond (two line crossings) must not share a key. */
  private seq = 0;

  constructor(
    private readonly sourceId: string,
    private readonly protocol: 'isapi' | 'dahua' | 'onvif',
    private readonly entry: CameraEntry,
    private readonly opts: { timeZone: string; autoClearSec: number; commitRetrySec: number },
    private readonly ctx: SourceContext,
    private readonly counts: { committed: number; errors: number },
  ) {}

  device(camera: string): SourceReport['device'] {
    return {
      id: `${this.sourceId}:${camera}`,
      kind: 'camera',
      ...(this.entry.label !== undefined && camera === this.entry.camera ? { label: this.entry.label } : {}),
    };
  }

  private base(camera: string, at: number, origin: Record<string, string | number | boolean>) {
    return {
      device: this.device(camera),
      ...(this.entry.zone !== undefined ? { zone: this.entry.zone } : {}),
      cameras: [camera],
      at,
      origin: { protocol: this.protocol, ...origin },
    };
  }

  private condition(e: CameraEvent): string {
    return [e.camera, e.channel, e.kind, e.rule, e.region].map(esc).join(':');
  }

  private originOf(e: CameraEvent): Record<string, string> {
    return {
      event: e.event,
      ...(e.channel !== undefined ? { channel: e.channel } : {}),
      ...(e.rule !== undefined ? { rule: e.rule } : {}),
      ...(e.region !== undefined ? { region: e.region } : {}),
    };
  }

  /** Queues an event; resolves when its reports (if any) are committed or given up. */
  handle(e: CameraEvent): Promise<void> {
    // Never a rejection: callers fire and forget, and one bad event must not stop the camera's queue.
    const run = this.chain.then(() => this.apply(e)).catch((err: unknown) => this.failed(err));
    this.chain = run;
    return run;
  }

  /** Reports about the camera itself (online, offline, alive), in the same order as its events. */
  report(r: CameraReport): Promise<boolean> {
    const run = this.chain.then(() => this.commit(r));
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Restores conditions whose camera stopped saying "active" (VMD that never goes inactive). */
  sweep(): Promise<void> {
    const run = this.chain
      .then(async () => {
        const now = this.ctx.now();
        for (const [k, o] of [...this.open]) {
          if (now - o.lastActiveAt < this.opts.autoClearSec * 1000) continue;
          if (await this.restore(k, o, now, 'auto-clear')) this.open.delete(k);
        }
      })
      .catch((err: unknown) => this.failed(err));
    this.chain = run;
    return run;
  }

  private failed(err: unknown): void {
    this.counts.errors++;
    this.ctx.log.error('camera event not handled', { camera: this.entry.camera, err: String(err) });
  }

  private async apply(e: CameraEvent): Promise<void> {
    const now = this.ctx.now();
    const k = this.condition(e);
    const open = this.open.get(k);
    if (e.active === false) {
      if (open && (await this.restore(k, open, e.at ?? now, 'inactive'))) this.open.delete(k);
      return;
    }
    if (open) {
      open.lastActiveAt = now;
      return;
    }
    // ONVIF's "Initialized" is the state as the subscription starts, not news: it opens nothing.
    if (e.sync) return;
    const motionMode =
      e.kind !== 'motion'
        ? 'alarm'
        : this.entry.motion.schedule && !inSchedule(this.entry.motion.schedule, now, this.opts.timeZone)
          ? this.entry.motion.mode === 'off'
            ? 'off'
            : 'log'
          : this.entry.motion.mode;
    if (motionMode === 'off') return;
    const at = e.at ?? now;
    if (motionMode === 'log') {
      await this.commit({
        key: `${this.protocol}:${esc(this.sourceId)}:${k}:${now}-${++this.seq}:event`,
        kind: 'event',
        ...this.base(e.camera, at, { ...this.originOf(e), cause: 'motion (log only)' }),
      });
      return;
    }
    const type = TYPE[e.kind];
    const ok = await this.commit({
      key: `${this.protocol}:${esc(this.sourceId)}:${k}:${now}-${++this.seq}:alarm`,
      kind: 'alarm',
      type,
      ...(e.kind === 'motion' ? { priority: this.entry.motion.priority as Priority } : {}),
      ...this.base(e.camera, at, this.originOf(e)),
    });
    // A pulse (a line crossed) has no end: it is not kept open, so the next crossing is a new alarm.
    if (ok && e.active === true) this.open.set(k, { startedAt: now, lastActiveAt: now, type, event: e });
  }

  private restore(k: string, o: Open, at: number, cause: string): Promise<boolean> {
    return this.commit({
      key: `${this.protocol}:${esc(this.sourceId)}:${k}:${o.startedAt}:restore`,
      kind: 'restore',
      type: o.type,
      ...this.base(o.event.camera, at, { ...this.originOf(o.event), cause }),
    });
  }

  /** Commits with retries for `commitRetrySec`; true once in the log. */
  private async commit(r: CameraReport): Promise<boolean> {
    const deadline = this.ctx.now() + this.opts.commitRetrySec * 1000;
    let wait = 100;
    for (;;) {
      try {
        await this.ctx.sink.commit(r);
        this.counts.committed++;
        return true;
      } catch (err) {
        if (this.ctx.now() + wait > deadline) {
          this.counts.errors++;
          this.ctx.log.warn('camera report not committed; dropped', { key: r.key, err: String(err) });
          return false;
        }
        await new Promise((res) => setTimeout(res, wait));
        wait = Math.min(wait * 2, 2000);
      }
    }
  }

  /** Conditions open now (for status and tests). */
  get openCount(): number {
    return this.open.size;
  }
}
