/** The console itself: product info, the site, the hub link, notices, hub events, the audit check. */
import { z } from 'zod';
import { DoneReply, EpochMs, Id, method, NoInput } from './common';
import { HubDevice, HubEventBody, HubSourceStatus } from './hub';
import { CameraView } from './cameras';
import { LatLon } from '../domain/geo';
import { Locale, LocalizedText } from '../domain/text';
import { ContactDef, GuardDef, NoParkingAreaDef, RouteDef, ZoneDef } from '../domain/site';

/** A schedule as numbers: minutes after local midnight for the band edges. */
export const PatrolScheduleView = z.object({
  dayStart: z.number().int(),
  dayEnd: z.number().int(),
  dayEveryMin: z.number().int(),
  nightEveryMin: z.number().int(),
  roundMin: z.number().int(),
  earlyMarginMin: z.number().int(),
});

export const SystemInfo = z.object({
  product: z.string(),
  version: z.string(),
  consoleId: Id,
  hubProtocolVersion: z.number().int(),
  demo: z.boolean(),
  carrier: z.enum(['ipc', 'ws', 'memory']),
  startedAt: EpochMs,
  defaultLocale: Locale,
  /** The ffmpeg that parses camera streams: where it came from (a maintained system build, or the old bundled one). */
  ffmpeg: z.object({
    path: z.string(),
    source: z.enum(['setting', 'FFMPEG_PATH', 'system', 'bundled', 'PATH']),
    version: z.string().optional(),
    major: z.number().int().optional(),
  }),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

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
  /** No-parking areas (issue 17), drawn as a map layer. */
  noParking: z.array(NoParkingAreaDef).default([]),
});
export type SiteView = z.infer<typeof SiteView>;

export const HUB_LINK_STATES = ['connected', 'connecting', 'offline'] as const;
export const HubStatus = z.object({
  state: z.enum(HUB_LINK_STATES),
  since: EpochMs,
  outbox: z.number().int().nonnegative(),
  lastSeq: z.number().int().nonnegative(),
  /** The hub address with credentials removed (of a list, the one in use). */
  hub: z.string(),
  /** Which hub instance the link is on, as the hub named itself in its `sync` answer. */
  instance: z.string().max(64).optional(),
  /** How many hub addresses the console was given (present when more than one: it moves between them). */
  hubs: z.number().int().positive().optional(),
  demo: z.boolean(),
  /** Why the last connection attempt failed, in words a person can act on. */
  error: z.string().optional(),
  /** The hub is reached without TLS over a network (not loopback): anyone on the path can read or change it. */
  insecure: z.boolean().optional(),
  /** Hub events refused or failed and set aside (`hub.deadLetters`) since this database was created. */
  deadLetters: z.number().int().nonnegative().optional(),
  /** (hub protocol 4) The hub's newest sequence as the console last heard it (sync answer, events since). */
  headSeq: z.number().int().nonnegative().optional(),
  /** Events the hub holds that the console has not committed in order yet: present while catching up. */
  backlog: z.number().int().positive().optional(),
});
export type HubStatus = z.infer<typeof HubStatus>;

export const StoredHubEvent = z.intersection(
  z.object({ seq: z.number().int().positive(), at: EpochMs, receivedAt: EpochMs }),
  HubEventBody,
);
export type StoredHubEvent = z.infer<typeof StoredHubEvent>;

export const NoticeParams = z.record(z.string(), z.union([z.string(), z.number()]));
export type NoticeParams = z.infer<typeof NoticeParams>;

/**
 * A message from the core to the operator. `message` is English; the renderer words `notices.codes.<code>` of
 * shared/i18n with `params` when it has that text. A problem that can come back many times a minute (a hub that
 * keeps sending bad events) comes back as the same `id` with a higher `count`: one notice, not hundreds.
 */
export const Notice = z.object({
  /** Set by the core; notices a renderer makes for itself have none. */
  id: z.string().optional(),
  level: z.enum(['info', 'warning', 'error']),
  code: z.string(),
  message: z.string(),
  params: NoticeParams.optional(),
  /** How many times it happened (absent: once). */
  count: z.number().int().positive().optional(),
  /** When the first of the folded repeats happened; `at` is the latest. */
  firstAt: EpochMs.optional(),
  at: EpochMs,
});
export type Notice = z.infer<typeof Notice>;

export const DEAD_LETTER_REASONS = ['invalid', 'failed', 'oversize'] as const;
/** A hub event the console set aside: it failed validation, its appliers failed, or it was too big to read. */
export const HubDeadLetter = z.object({
  seq: z.number().int().positive(),
  /** The `kind` the hub gave it, when it gave a readable one. */
  kind: z.string().nullable(),
  reason: z.enum(DEAD_LETTER_REASONS),
  error: z.string(),
  /** The event as received, cut to 4,000 characters. */
  raw: z.string(),
  receivedAt: EpochMs,
});
export type HubDeadLetter = z.infer<typeof HubDeadLetter>;

/** The notice after the supervisor restarted the console service; the page words it in the operator's language. */
export const NOTICE_CONSOLE_RESTARTED = 'console-restarted';
/** The system clock was stepped; params: `deltaMs`, `from`, `to` (wall ms). */
export const NOTICE_CLOCK_JUMP = 'clock-jump';
/** Free space of the data directory's disk below the warning level; params: `freeMb`, `freedMb`. */
export const NOTICE_DISK_LOW = 'disk-low';
/** Below the critical level: new snapshots are refused, records may be held in memory; params: `freeMb`. */
export const NOTICE_DISK_FULL = 'disk-full';
/** Back above the warning level; params: `freeMb`. */
export const NOTICE_DISK_RECOVERED = 'disk-ok';
/**
 * The local database failed its check at start and was replaced; params: `problem` (SQLite's words), `setAsideAs`
 * (the damaged file's new name), `salvaged` (operator actions read out of it), `restoredAt` (the backup's time;
 * absent when no good backup was found and a new database was started).
 */
export const NOTICE_DATABASE_RECOVERED = 'database-recovered';

/** The wall clock was stepped: from what it would read to what it reads, noticed against the monotonic clock. */
export const ClockJump = z.object({
  from: z.number(),
  to: z.number(),
  deltaMs: z.number(),
  steady: z.number(),
});
export type ClockJump = z.infer<typeof ClockJump>;

/**
 * The hub's equipment sources as it reports them (`sources`, hub protocol 3). `answered: false`: the hub is
 * connected but said nothing (a hub before version 3 has no such message), shown as a hub with no sources.
 */
export const HubSourcesView = z.object({
  answered: z.boolean(),
  sources: z.array(HubSourceStatus),
  at: EpochMs,
});
export type HubSourcesView = z.infer<typeof HubSourcesView>;

export const DEVICE_STATES = ['ok', 'fault', 'offline'] as const;
/** A device as its latest `device` event left it; `at` is when that state was reported. */
export const DeviceView = HubDevice;
export type DeviceView = z.infer<typeof DeviceView>;

const EVENT_KINDS = HubEventBody.options.map((o) => o.shape.kind.value) as [
  HubEventBody['kind'],
  ...HubEventBody['kind'][],
];

export const systemMethods = {
  'system.info': method({
    input: NoInput,
    output: SystemInfo,
    role: 'public',
    mutates: false,
    whileLocked: true,
    summary: 'Product, version, console id, whether the embedded demo site is running.',
  }),
  'site.get': method({
    input: NoInput,
    output: SiteView,
    role: 'operator',
    mutates: false,
    whileLocked: true,
    summary: 'The site: plan, zones, cameras (sources redacted), routes, guards, contacts.',
  }),
  'hub.status': method({
    input: NoInput,
    output: HubStatus,
    role: 'operator',
    mutates: false,
    whileLocked: true,
    summary: 'Link state to the site hub, outbox size, last committed sequence.',
  }),
  'hub.reconnect': method({
    input: NoInput,
    output: DoneReply,
    role: 'supervisor',
    mutates: true,
    summary: 'Drop the hub link and connect again now instead of waiting for the back-off.',
  }),
  'hub.deadLetters': method({
    input: z
      .object({
        limit: z.number().int().min(1).max(500).default(100),
        /** Only those with a lower sequence: the next page. */
        beforeSeq: z.number().int().positive().optional(),
      })
      .strict(),
    output: z.object({ deadLetters: z.array(HubDeadLetter), total: z.number().int().nonnegative() }),
    // Raw hub traffic (names, addresses, whatever a broken hub sent): for whoever reports it to the hub's people.
    role: 'supervisor',
    mutates: false,
    summary: 'Hub events refused or failed and set aside instead of stopping the stream, newest first.',
  }),
  'hub.sources': method({
    input: NoInput,
    output: HubSourcesView,
    // Addresses, peers and refused frames as they came: for whoever looks after the site's equipment.
    role: 'supervisor',
    mutates: false,
    summary:
      'Ask the hub for its equipment sources (state, endpoint, peers, counts, last refused inputs); unavailable while the hub link is down.',
  }),
  'hub.devices': method({
    input: z
      .object({
        states: z.array(z.enum(DEVICE_STATES)).min(1).max(3).optional(),
        limit: z.number().int().min(1).max(5000).default(2000),
      })
      .strict(),
    output: z.object({ devices: z.array(DeviceView), total: z.number().int().nonnegative() }),
    role: 'supervisor',
    mutates: false,
    summary:
      'Every device the hub has reported, as its latest report left it (kind, zone, state, last seen).',
  }),
  'hub.device': method({
    input: z.object({ deviceId: z.string().min(1).max(128) }).strict(),
    output: z.object({ device: DeviceView.nullable() }),
    role: 'operator',
    mutates: false,
    summary:
      "One device as its latest report left it (its name, state, last seen): the alarm detail names the alarm's device.",
  }),
  'events.recent': method({
    input: z
      .object({
        kinds: z.array(z.enum(EVENT_KINDS)).min(1).optional(),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    output: z.object({ events: z.array(StoredHubEvent) }),
    role: 'operator',
    mutates: false,
    whileLocked: true,
    summary: 'The newest hub events committed to the local database, newest first.',
  }),
  'notices.recent': method({
    input: NoInput,
    output: z.object({ notices: z.array(Notice) }),
    role: 'operator',
    mutates: false,
    whileLocked: true,
    summary: 'Messages from the core to the operator since start (database restored, hub refused us...).',
  }),
  'audit.verify': method({
    input: NoInput,
    output: z.object({
      ok: z.boolean(),
      entries: z.number().int(),
      brokenAt: z.number().int().optional(),
      reason: z.string().optional(),
      /** The first entry linked with the audit key; absent while the chain has never been keyed. */
      keyedFrom: z.number().int().optional(),
      /** Anchors kept outside the database (data directory, backups) checked against the chain. */
      anchors: z.number().int().optional(),
      /** Entries written while the key file was missing, accepted as unkeyed when it came back. */
      unkeyed: z.array(z.object({ from: z.number().int(), to: z.number().int() })).optional(),
    }),
    role: 'supervisor',
    mutates: false,
    summary:
      'Check the audit log against its keyed chain and its anchors: nothing changed or removed since written.',
  }),
};

export const systemEvents = {
  'hub.status': HubStatus,
  'hub.event': StoredHubEvent,
  notice: Notice,
  'clock.jumped': ClockJump,
};
