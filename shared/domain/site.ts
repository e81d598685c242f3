import { z } from 'zod';
import { Id } from '../contract/common';
import { parseCidr } from './cidr';
import { FacilityKind, Severity } from './facilities';
import { SiteRounds } from './rounds';
import { LatLon } from './geo';
import { NvrChannel } from './nvr';
import { LocalizedText } from './text';
import { DEFAULT_SITE_TRAINING, SiteTraining } from './training';
import { PatrolScheduleInput, RouteScheduleInput } from './patrol';
import { PeakDef, PostDef } from './posts';

export const StreamProfile = z.enum(['main', 'sub']);
export type StreamProfile = z.infer<typeof StreamProfile>;

/**
 * A stream source: `rtsp://user:pass@host/path` for a real camera, or `synthetic:` for a generated
 * test picture (the demo site), e.g. `synthetic:testsrc2` (any ffmpeg lavfi video source name).
 */
export const StreamUrl = z
  .string()
  .min(1)
  .refine(
    (s) => /^(rtsps?|http|https|synthetic):/i.test(s),
    'must start with rtsp://, rtsps://, http(s):// or synthetic:',
  );

export const CameraDef = z.object({
  id: Id,
  name: LocalizedText,
  streams: z.object({ main: StreamUrl, sub: StreamUrl.optional() }),
  transport: z.enum(['tcp', 'udp']).default('tcp'),
  zone: Id.optional(),
  position: LatLon.optional(),
  /** Where the camera looks, degrees from north; drawn as a cone on the map. */
  heading: z.number().min(0).max(360).optional(),
  /**
   * How the wall plays this camera (issue 16). `codec: 'h265'` keeps it on MPEG-1/JSMpeg without trying to pass it
   * through (otherwise the gateway finds out from the stream); `player: 'jsmpeg'` is a supervisor forcing JSMpeg.
   */
  video: z
    .object({
      codec: z.enum(['auto', 'h264', 'h265']).default('auto'),
      player: z.enum(['auto', 'jsmpeg']).default('auto'),
    })
    .strict()
    .optional(),
  /**
   * The console's recorder for this camera (issue 15), kept `retentionDays`: on unless `enabled: false`, or for a
   * camera on an NVR off unless `enabled: true` (the NVR records it).
   */
  record: z
    .object({
      enabled: z.boolean().optional(),
      retentionDays: z.number().int().min(1).max(3650).default(30),
      /** Days the rules ask this camera's recordings be kept (留存不少于30天; some ask 90): below it is a fault. */
      requiredDays: z.number().int().min(1).max(3650).default(30),
    })
    .optional(),
  /** The camera's channel on an NVR: replay, clips and the retention check read the NVR's recording (issue 15). */
  nvr: NvrChannel.optional(),
});
export type CameraDef = z.infer<typeof CameraDef>;

export const ZONE_KINDS = [
  'building',
  'gate',
  'parking',
  'garden',
  'fire_lane',
  'facility',
  'perimeter',
] as const;
export const ZoneDef = z.object({
  id: Id,
  name: LocalizedText,
  kind: z.enum(ZONE_KINDS),
  polygon: z.array(LatLon).min(3),
});
export type ZoneDef = z.infer<typeof ZoneDef>;

export const CheckpointDef = z.object({
  id: Id,
  name: LocalizedText,
  position: LatLon,
  radiusM: z.number().positive().max(200).default(15),
  /** NFC/QR tag scanned by the guard, reported by the hub as a scan event. */
  tag: z.string().min(1).optional(),
});
export const RouteDef = z.object({
  id: Id,
  name: LocalizedText,
  checkpoints: z.array(CheckpointDef).min(1),
  /** Overrides of the site's patrol schedule for this route. */
  schedule: RouteScheduleInput.optional(),
});
export type RouteDef = z.infer<typeof RouteDef>;

export const GuardDef = z.object({
  id: Id,
  name: LocalizedText,
  /**
   * OsmAnd/Traccar device identifiers that report for this guard. The id is the phone's only credential, so it
   * must be long and random (at least 20 characters; the console issues such ids itself), or `sha256:<hex>` of one
   * so the file does not hold the secret.
   */
  devices: z.array(z.string().min(1).max(80)).default([]),
  phone: z.string().min(3).max(32).optional(),
  route: Id.optional(),
});
export type GuardDef = z.infer<typeof GuardDef>;

export const CONTACT_KINDS = [
  'police',
  'fire',
  'medical',
  'traffic',
  'police_station',
  'fire_station',
  'hospital',
  'property_manager',
  'maintenance',
  'elevator',
  'utility',
  'other',
] as const;
export const ContactDef = z.object({
  id: Id,
  name: LocalizedText,
  kind: z.enum(CONTACT_KINDS),
  number: z.string().regex(/^[0-9+\-() ]{3,32}$/, 'a phone number: digits, spaces, + - ( )'),
  notes: LocalizedText.optional(),
});
export type ContactDef = z.infer<typeof ContactDef>;

/** The site hub's equipment sources (electron/hub/sources/). */
export const SITE_SOURCE_KINDS = ['dc09', 'gb26875', 'mqtt', 'camera', 'webhook'] as const;
/**
 * One equipment source of the site hub: its id and kind are checked here; the rest of the entry (ports, panel
 * accounts, transmitter profiles, broker, devices) is the source's own schema, checked in full by the hub when it
 * starts (each source's config.ts). Bounded so a site file cannot carry megabytes in one entry.
 */
export const SiteSourceDef = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -'),
    kind: z.enum(SITE_SOURCE_KINDS),
  })
  .passthrough()
  .refine((d) => JSON.stringify(d).length <= 512 * 1024, 'at most 512 KB of settings per source');
export type SiteSourceDef = z.infer<typeof SiteSourceDef>;

/** A facility the site file lists (issue 18): fire parts and the like that report through no hub. */
export const SiteFacilityDef = z
  .object({
    code: z.string().trim().min(1).max(40),
    name: LocalizedText,
    kind: FacilityKind,
    zone: Id.optional(),
    position: LatLon.optional(),
    installedOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    maintainer: z
      .object({ name: z.string().min(1).max(60), phone: z.string().regex(/^[0-9+\-() ]{3,32}$/) })
      .optional(),
    deviceId: z.string().min(1).max(128).optional(),
  })
  .strict();
export type SiteFacilityDef = z.infer<typeof SiteFacilityDef>;

/** The facilities feature's site defaults: work orders' due hours per severity, intervals per kind, entries. */
export const SiteFacilities = z
  .object({
    dueHours: z
      .partialRecord(
        Severity,
        z
          .number()
          .min(0.25)
          .max(24 * 90),
      )
      .default({}),
    kinds: z
      .partialRecord(
        FacilityKind,
        z
          .object({
            inspectEveryDays: z.number().int().min(1).max(3650),
            maintainEveryDays: z.number().int().min(1).max(3650),
          })
          .partial()
          .strict(),
      )
      .default({}),
    entries: z.array(SiteFacilityDef).max(5000).default([]),
    /** Inspection rounds, video rounds and checklists per kind (the built-in ones where absent). */
    rounds: SiteRounds.optional(),
  })
  .strict();
export type SiteFacilities = z.infer<typeof SiteFacilities>;
/** A vehicle gate (车辆出入口): where its plate camera reads and its barrier opens. */
export const GateDef = z.object({
  id: Id,
  name: LocalizedText,
  zone: Id.optional(),
  position: LatLon,
  /** The camera that watches the lane (its picture is shown beside a read). */
  camera: Id.optional(),
});
export type GateDef = z.infer<typeof GateDef>;

/** A visitor vehicle's defaults: how long it may stay and where it may park (a zone id). */
export const VisitorDefaults = z
  .object({
    limitMin: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(120),
    area: Id.optional(),
  })
  .strict();

/**
 * No-parking areas (禁停区域, issue 17): fire lanes, emergency lanes, crosswalks and others, drawn as polygons. A
 * violation found in one runs against a deadline: the area's own, else the site's (5 min for fire lanes, else 15).
 */
export const NO_PARKING_KINDS = ['fire_lane', 'emergency_lane', 'crosswalk', 'other'] as const;
export type NoParkingKind = (typeof NO_PARKING_KINDS)[number];
const DeadlineMin = z
  .number()
  .int()
  .min(1)
  .max(24 * 60);
export const NoParkingAreaDef = z
  .object({
    id: Id,
    name: LocalizedText,
    kind: z.enum(NO_PARKING_KINDS),
    polygon: z.array(LatLon).min(3).max(200),
    deadlineMin: DeadlineMin.optional(),
    /** The camera whose picture is the violation's snapshot; absent: the camera nearest the area. */
    camera: Id.optional(),
    /** The zone an alarm names when it is about this area (a fire-lane detector's zone). */
    zone: Id.optional(),
  })
  .strict();
export type NoParkingAreaDef = z.infer<typeof NoParkingAreaDef>;
export const NoParking = z
  .object({
    deadlineMin: DeadlineMin.default(15),
    fireLaneDeadlineMin: DeadlineMin.default(5),
    areas: z.array(NoParkingAreaDef).max(200).default([]),
  })
  .strict();
export type NoParking = z.infer<typeof NoParking>;

export const SiteFile = z
  .object({
    version: z.literal(1),
    name: LocalizedText,
    address: LocalizedText,
    /** IANA zone of the site's clocks: patrol bands and shifts are local times. */
    timeZone: z.string().min(1).default('Asia/Shanghai'),
    patrol: PatrolScheduleInput.default(PatrolScheduleInput.parse({})),
    /** Guard tracking: when positions count as stale/offline, the no-movement alarm, the arrival radius. */
    tracking: z
      .object({
        staleSec: z.number().int().min(5).max(3600),
        offlineSec: z.number().int().min(10).max(86_400),
        noMovementMin: z.number().int().min(1).max(240),
        arrivalRadiusM: z.number().min(5).max(500),
        keepPositionsDays: z.number().int().min(7).max(3650),
        /** Phones may report only from these networks (CIDR, e.g. "192.168.10.0/24"); absent = from anywhere. */
        allowNetworks: z
          .array(
            z
              .string()
              .max(64)
              .refine(
                (c) => typeof parseCidr(c) !== 'string',
                'an address or network such as 192.168.10.0/24',
              ),
          )
          .max(64),
        /** A phone fix implying a faster move than this (m/s) is kept for the track but flagged. */
        maxSpeedMps: z.number().min(2).max(100),
      })
      .partial()
      .strict()
      .default({}),
    plan: z.object({
      /** Path relative to the site file. */
      image: z.string().min(1),
      bounds: z.object({ southWest: LatLon, northEast: LatLon }),
    }),
    zones: z.array(ZoneDef).default([]),
    cameras: z.array(CameraDef).default([]),
    routes: z.array(RouteDef).default([]),
    guards: z.array(GuardDef).default([]),
    contacts: z.array(ContactDef).default([]),
    /** The site hub's equipment sources: alarm panels, fire transmitters, sensors (issue 14). */
    sources: z.array(SiteSourceDef).max(32).default([]),
    /** Evidence clips (issue 15): seconds before and after an alarm an export takes by default. */
    recording: z
      .object({
        preRollSec: z.number().int().min(0).max(600).default(30),
        postRollSec: z.number().int().min(0).max(1200).default(60),
      })
      .strict()
      .default({ preRollSec: 30, postRollSec: 60 }),
    /** The facility ledger's defaults and the facilities no hub reports (issue 18). */
    facilities: SiteFacilities.default({ dueHours: {}, kinds: {}, entries: [] }),
    /** Vehicle gates with a plate camera and a barrier (issue 17); their reads come from the hub as `vehicle` events. */
    gates: z.array(GateDef).max(32).default([]),
    /** What a visitor vehicle may do unless the operator says otherwise (issue 17). */
    visitors: VisitorDefaults.default(VisitorDefaults.parse({})),
    /** No-parking areas and how long a violation may take to clear (issue 17). */
    noParking: NoParking.default(NoParking.parse({})),
    /** Training and certificates (issue 18): the expiry notice's lead and the fire desk's sign-on rule. */
    training: SiteTraining.default(DEFAULT_SITE_TRAINING),
    /** Fixed posts (定点值守, issue 17): gate and traffic posts a supervisor assigns a guard to per shift. */
    posts: z.array(PostDef).max(64).default([]),
    /** Peak periods (高峰时段, issue 17): when the posts they list must be held; an unheld one is an alarm. */
    peaks: z.array(PeakDef).max(32).default([]),
  })
  .superRefine((site, ctx) => {
    const unique = (key: 'zones' | 'cameras' | 'routes' | 'guards' | 'contacts' | 'sources') => {
      const seen = new Set<string>();
      site[key].forEach((item, index) => {
        if (seen.has(item.id)) {
          ctx.addIssue({ code: 'custom', path: [key, index, 'id'], message: `duplicate id "${item.id}"` });
        }
        seen.add(item.id);
      });
      return seen;
    };
    const zones = unique('zones');
    unique('cameras');
    const routes = unique('routes');
    unique('guards');
    unique('contacts');
    unique('sources');
    const gates = new Set<string>();
    site.gates.forEach((g, i) => {
      if (gates.has(g.id))
        ctx.addIssue({ code: 'custom', path: ['gates', i, 'id'], message: `duplicate id "${g.id}"` });
      gates.add(g.id);
      if (g.zone && !zones.has(g.zone))
        ctx.addIssue({ code: 'custom', path: ['gates', i, 'zone'], message: `no zone "${g.zone}"` });
    });
    const rounds = site.facilities.rounds;
    for (const key of ['inspections', 'video'] as const)
      rounds?.[key]?.forEach((r, i) => {
        if (r.zone && !zones.has(r.zone))
          ctx.addIssue({
            code: 'custom',
            path: ['facilities', 'rounds', key, i, 'zone'],
            message: `no zone "${r.zone}"`,
          });
      });
    if (site.visitors.area && !zones.has(site.visitors.area))
      ctx.addIssue({
        code: 'custom',
        path: ['visitors', 'area'],
        message: `no zone "${site.visitors.area}"`,
      });
    const areas = new Set<string>();
    const cameraIds = new Set(site.cameras.map((c) => c.id));
    site.noParking.areas.forEach((a, i) => {
      const at = (key: string) => ['noParking', 'areas', i, key];
      if (areas.has(a.id))
        ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicate id "${a.id}"` });
      areas.add(a.id);
      if (a.zone && !zones.has(a.zone))
        ctx.addIssue({ code: 'custom', path: at('zone'), message: `no zone "${a.zone}"` });
      if (a.camera && !cameraIds.has(a.camera))
        ctx.addIssue({ code: 'custom', path: at('camera'), message: `no camera "${a.camera}"` });
    });
    const posts = new Set<string>();
    site.posts.forEach((p, i) => {
      if (posts.has(p.id))
        ctx.addIssue({ code: 'custom', path: ['posts', i, 'id'], message: `duplicate id "${p.id}"` });
      posts.add(p.id);
      if (p.gate && !gates.has(p.gate))
        ctx.addIssue({ code: 'custom', path: ['posts', i, 'gate'], message: `no gate "${p.gate}"` });
      if (p.zone && !zones.has(p.zone))
        ctx.addIssue({ code: 'custom', path: ['posts', i, 'zone'], message: `no zone "${p.zone}"` });
    });
    const peaks = new Set<string>();
    site.peaks.forEach((p, i) => {
      if (peaks.has(p.id))
        ctx.addIssue({ code: 'custom', path: ['peaks', i, 'id'], message: `duplicate id "${p.id}"` });
      peaks.add(p.id);
      p.posts.forEach((id, j) => {
        if (!posts.has(id))
          ctx.addIssue({ code: 'custom', path: ['peaks', i, 'posts', j], message: `no post "${id}"` });
      });
    });
    site.cameras.forEach((c, i) => {
      if (c.zone && !zones.has(c.zone)) {
        ctx.addIssue({ code: 'custom', path: ['cameras', i, 'zone'], message: `no zone "${c.zone}"` });
      }
    });
    const devices = new Map<string, string>();
    site.guards.forEach((g, i) => {
      if (g.route && !routes.has(g.route)) {
        ctx.addIssue({ code: 'custom', path: ['guards', i, 'route'], message: `no route "${g.route}"` });
      }
      g.devices.forEach((d, j) => {
        const owner = devices.get(d);
        if (owner) {
          ctx.addIssue({
            code: 'custom',
            path: ['guards', i, 'devices', j],
            message: `device "${d}" already belongs to guard "${owner}"`,
          });
        }
        devices.set(d, g.id);
      });
    });
    const timeZones: Array<[string, (string | number)[]]> = [[site.timeZone, ['timeZone']]];
    site.cameras.forEach((c, i) => {
      if (c.nvr?.timeZone) timeZones.push([c.nvr.timeZone, ['cameras', i, 'nvr', 'timeZone']]);
    });
    for (const [timeZone, path] of timeZones) {
      try {
        new Intl.DateTimeFormat('en', { timeZone });
      } catch {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `unknown time zone "${timeZone}" (use an IANA name such as "Asia/Shanghai")`,
        });
      }
    }
    const { staleSec, offlineSec } = site.tracking;
    if (staleSec !== undefined && offlineSec !== undefined && offlineSec <= staleSec) {
      ctx.addIssue({
        code: 'custom',
        path: ['tracking', 'offlineSec'],
        message: 'must be longer than staleSec: a guard goes stale before he goes offline',
      });
    }
    const { southWest: sw, northEast: ne } = site.plan.bounds;
    if (sw.lat >= ne.lat || sw.lon >= ne.lon) {
      ctx.addIssue({
        code: 'custom',
        path: ['plan', 'bounds'],
        message: 'southWest must be south and west of northEast',
      });
    }
  });
export type SiteFile = z.infer<typeof SiteFile>;
export type SiteFileInput = z.input<typeof SiteFile>;
