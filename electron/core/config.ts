import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SiteFile } from '../../shared/domain/site';
import type { Locale } from '../../shared/domain/text';
import { DEFAULT_TARGETS, type ResponseTargets } from '../../shared/domain/alarm-lifecycle';
import type { GuardSettings } from './guards';
import type { SocketFactory } from './hub-link/link';
import type { HashParams, ThrottlePolicy } from './operators';
import type { RecordingSettings } from './recordings';
import { DEFAULT_PROFILES, type ProfileSettings } from './streams/ffmpeg';
import type { DiskSettings, FreeSpace } from './system';
import type { Spawner, SupervisionSettings } from './streams/worker';
import type { Clock } from '../common/clock';
import type { IdGenerator } from './util/ids';
import type { Logger } from '../common/log';

/** The embedded site hub as the core sees it: where to connect, and when to start and stop it. */
export interface EmbeddedHubHandle {
  target: { url: string; token: string };
  /** Starts playing the demo scenario, if it has one (after the features started). */
  play(): void;
  stop(): Promise<void>;
}

export type EmbeddedHubStarter = (o: {
  dataDir: string;
  /** Keep the hub's database in memory too (tests). */
  inMemory: boolean;
  site: SiteFile;
  /** The site file's path: its sources' relative paths (certificates) are taken from its folder. */
  siteFile: string;
  clock: Clock;
  log: Logger;
  demo: ConsoleConfig['demo'];
}) => Promise<EmbeddedHubHandle>;

export interface ConsoleConfig {
  /** Database, logs, backups and snapshots live here. */
  dataDir: string;
  /** Defaults to `<dataDir>/console.sqlite`; ':memory:' keeps everything in memory (tests). */
  dbFile?: string;
  /** A site file; defaults to the demo site shipped in resources/. */
  sitePath?: string;
  /**
   * A production site hub. Absent: the embedded site hub (`embeddedHub`) runs on loopback. `ca`: a PEM file with
   * the CA that signs the hub's certificate (a site's own PKI), trusted for the hub link only. `urls`: several
   * instances of that hub (`url` first among them); the link moves to the next when its own dies.
   */
  hub?: { url: string; urls?: readonly string[] | undefined; token: string; ca?: string | undefined };
  /**
   * Starts the embedded site hub when no `hub` is given. The core never imports the hub (electron/hub): the
   * process that runs both hands this in (`electron/desk/`).
   */
  embeddedHub?: EmbeddedHubStarter;
  consoleId?: string;
  demo?: {
    port?: number;
    /** The embedded hub's equipment listeners (0 = a free port; absent = as the site file says, or off). */
    dc09Port?: number | undefined;
    gb26875Port?: number | undefined;
    mqttPort?: number | undefined;
    seed?: number;
    /** false: the demo hub runs but plays no events (tests publish their own). */
    scenario?: boolean;
    alarmEverySec?: number;
    positionEverySec?: number;
  };
  /** Online backups at start, daily and before each migration, in `<dataDir>/backups`. */
  backups?: { enabled?: boolean; keep?: number };
  /** Operators, sign-in and the duty log (issue 8). */
  duty?: {
    /** Minutes without input before the console's screen locks (default 10). */
    lockAfterMin?: number;
    /** A window's sign-in (its resume token) ends after this long without the window connected (default 12 h). */
    resumeIdleMs?: number;
    /** scrypt cost; tests lower it, production keeps the default. */
    hashParams?: HashParams;
    /** How wrong passwords slow down further sign-in tries from their source (default: 5 free, then 1 s to 30 s). */
    throttle?: ThrottlePolicy;
    /** Entries kept per duty-log kind before the oldest are pruned (after a backup); never below 10,000. */
    retentionPerKind?: number;
  };
  defaultLocale?: Locale;
  carrierHint?: 'ipc' | 'ws' | 'memory';
  nativeBinding?: string;
  /** The ffmpeg binary; else FFMPEG_PATH, the bundled one, `ffmpeg` on PATH. */
  ffmpegPath?: string;
  streams?: {
    supervision?: Partial<SupervisionSettings>;
    profiles?: Partial<Record<'main' | 'sub', Partial<ProfileSettings>>>;
    idleStopMs?: number;
  };
  /** The recorder (issue 15): on by default for every camera whose site entry does not say `record.enabled: false` (a camera on an NVR: off unless `record.enabled: true`). */
  recordings?: RecordingSettings;
  clock?: Clock;
  /** A step of the wall clock larger than this (against the monotonic clock) is a jump (default 2000 ms). */
  clockJumpThresholdMs?: number;
  /** Free-space levels of the data directory's disk and what gives way (tests inject `freeSpace`). */
  disk?: DiskSettings & { freeSpace?: FreeSpace };
  ids?: IdGenerator;
  spawn?: Spawner;
  socketFactory?: SocketFactory;
  log?: Logger;
  /** Response targets (seconds per priority); defaults 30 s to acknowledge P1, 60 s the others. */
  alarmTargets?: ResponseTargets;
  /** Alarm changes reach renderers at once after a quiet spell, then at most this often (default 100 ms). */
  alarmFlushMs?: number;
  /** A watched camera offline this long raises a camera-offline alarm. */
  cameraOfflineAlarmMs?: number;
  /** Guard and patrol changes reach renderers at most this often (batched). */
  positionFlushMs?: number;
  /** Stale/offline thresholds, no-movement alarm, arrival radius, how long positions are kept. */
  guards?: Partial<GuardSettings>;
  /**
   * The OsmAnd endpoint guards' phones (Traccar Client) report to. Absent: off. It listens on all interfaces by
   * default because phones are on the site's network, not on this machine.
   */
  osmand?: { port: number; host?: string };
  /** Shipped playbooks imported at start; defaults to resources/playbooks. */
  playbooksDir?: string;
  /**
   * Set by the web host's supervisor when this start follows an unexpected stop of the console service (a crash):
   * the operator gets a notice and the duty log an entry.
   */
  restarted?: { stoppedAt: number; reason: string };
  /** Font for PDF reports (`file` or `file.ttc#Face`); else CONSOLE_PDF_FONT, else the platform's CJK font. */
  reportFont?: string;
}

/** Where a console keeps its data when nobody says: the XDG data home on Linux, AppData elsewhere. */
export function defaultDataDir(): string {
  if (process.platform === 'win32' && process.env.APPDATA)
    return join(process.env.APPDATA, 'control-room-console');
  if (process.platform === 'darwin')
    return join(homedir(), 'Library', 'Application Support', 'control-room-console');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'control-room-console');
}

/**
 * `CONSOLE_ACK_TARGET_SEC=N` sets every priority's acknowledge target to N seconds: for drills that rehearse
 * escalation, and the end-to-end test that watches one happen.
 */
export function targetsFromEnv(
  env: Record<string, string | undefined> = process.env,
): ResponseTargets | undefined {
  const n = Number(env.CONSOLE_ACK_TARGET_SEC);
  if (!env.CONSOLE_ACK_TARGET_SEC || !Number.isInteger(n) || n < 1 || n > 86_400) return undefined;
  return { ...DEFAULT_TARGETS, acknowledgeSec: { 1: n, 2: n, 3: n, 4: n, 5: n } };
}

/**
 * `CONSOLE_DISK_WARN_MB=N` and `CONSOLE_DISK_CRITICAL_MB=N`: the free-space levels of the data directory's disk
 * (defaults 1024 and 256); `CONSOLE_DISK_KEEP_BACKUPS=N` backups are never removed to make room (default 2).
 */
export function diskFromEnv(env: Record<string, string | undefined> = process.env): DiskSettings | undefined {
  const read = (name: string, min: number) => {
    const raw = env[name];
    const n = Number(raw);
    return raw && Number.isInteger(n) && n >= min ? n : undefined;
  };
  const settings: DiskSettings = {
    warnFreeMb: read('CONSOLE_DISK_WARN_MB', 1),
    criticalFreeMb: read('CONSOLE_DISK_CRITICAL_MB', 1),
    keepBackups: read('CONSOLE_DISK_KEEP_BACKUPS', 1),
  };
  return Object.values(settings).some((v) => v !== undefined) ? settings : undefined;
}

/**
 * `CONSOLE_STREAM_FPS=N` (1–25): the wall's streams at most N pictures a second, main and sub. For a desk whose
 * machine cannot decode the wall at the default rates (25 main, 15 sub), and for the e2e suite, whose specs that
 * do not look at the pictures would otherwise spend two small cores on them (the video specs keep the defaults).
 */
export function streamsFromEnv(
  env: Record<string, string | undefined> = process.env,
): ConsoleConfig['streams'] | undefined {
  const raw = env.CONSOLE_STREAM_FPS;
  const fps = Number(raw);
  if (!raw || !Number.isInteger(fps) || fps < 1 || fps > 25) return undefined;
  return {
    profiles: {
      main: { fps: Math.min(fps, DEFAULT_PROFILES.main.fps), gop: Math.min(fps, DEFAULT_PROFILES.main.gop) },
      sub: { fps: Math.min(fps, DEFAULT_PROFILES.sub.fps), gop: Math.min(fps, DEFAULT_PROFILES.sub.gop) },
    },
  };
}

/**
 * `CONSOLE_LOCK_MIN=N`: minutes without input before the console's screen locks (1–240; default 10).
 * `CONSOLE_RESUME_IDLE_H=N`: hours a closed or disconnected window can still sign back in by itself (1–168;
 * default 12, a night shift).
 */
export function dutyFromEnv(env: Record<string, string | undefined> = process.env): ConsoleConfig['duty'] {
  const whole = (text: string | undefined, max: number) => {
    const n = Number(text);
    return text && Number.isInteger(n) && n >= 1 && n <= max ? n : undefined;
  };
  const lockAfterMin = whole(env.CONSOLE_LOCK_MIN, 240);
  const idleHours = whole(env.CONSOLE_RESUME_IDLE_H, 168);
  if (lockAfterMin === undefined && idleHours === undefined) return undefined;
  return {
    ...(lockAfterMin !== undefined ? { lockAfterMin } : {}),
    ...(idleHours !== undefined ? { resumeIdleMs: idleHours * 3600 * 1000 } : {}),
  };
}
