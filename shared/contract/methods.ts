import { z } from 'zod';
import { method } from './common';
import { HubEventBody } from './hub';
import {
  HubStatus,
  Notice,
  SessionView,
  SiteView,
  StoredHubEvent,
  StreamStatus,
  SystemInfo,
  WallSetup,
  CameraAdminView,
  ConnectionTest,
} from './views';
import { Id } from './common';
import { guardMethods } from './guards';
import { AlarmEventView, AlarmView, DisasterMode, Targets, alarmInputs } from './alarms';
import { CameraDef, StreamProfile, StreamUrl } from '../domain/site';
import { Locale } from '../domain/text';
import { playbookMethods } from './playbooks';
import { dutyMethods } from './duty';

const Empty = z.object({}).strict();
const Done = z.object({ done: z.literal(true) });

/** Operator preferences, validated per key so nothing unknown reaches the database. */
/** Which layers of the site map an operator shows; every field defaults on, so a new layer appears. */
export const MapLayers = z.object({
  zones: z.boolean().default(true),
  cameras: z.boolean().default(true),
  alarms: z.boolean().default(true),
  guards: z.boolean().default(true),
  patrols: z.boolean().default(true),
});
export type MapLayers = z.output<typeof MapLayers>;

export const PrefEntry = z.discriminatedUnion('key', [
  z.object({ key: z.literal('locale'), value: Locale }),
  z.object({ key: z.literal('wall'), value: WallSetup }),
  z.object({ key: z.literal('mapLayers'), value: MapLayers }),
]);
export type PrefEntry = z.infer<typeof PrefEntry>;
export const PrefKey = z.enum(
  PrefEntry.options.map((o) => o.shape.key.value) as [PrefEntry['key'], ...PrefEntry['key'][]],
);

const EVENT_KINDS = HubEventBody.options.map((o) => o.shape.kind.value) as [
  HubEventBody['kind'],
  ...HubEventBody['kind'][],
];

/**
 * Every method the renderer may call. Names are `area.verb`; `role` is the lowest role allowed and the
 * core router enforces it for every carrier.
 */
export const methods = {
  'system.info': method({
    input: Empty,
    output: SystemInfo,
    role: 'public',
    mutates: false,
    summary: 'Product, version, console id, whether the embedded demo site is running.',
  }),
  'session.current': method({
    input: Empty,
    output: SessionView,
    role: 'public',
    mutates: false,
    summary: 'The operator signed in on this session, if any.',
  }),
  'site.get': method({
    input: Empty,
    output: SiteView,
    role: 'operator',
    mutates: false,
    summary: 'The site: plan, zones, cameras (sources redacted), routes, guards, contacts.',
  }),
  'hub.status': method({
    input: Empty,
    output: HubStatus,
    role: 'operator',
    mutates: false,
    summary: 'Link state to the site hub, outbox size, last committed sequence.',
  }),
  'hub.reconnect': method({
    input: Empty,
    output: Done,
    role: 'supervisor',
    mutates: true,
    summary: 'Drop the hub link and connect again now instead of waiting for the back-off.',
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
    summary: 'The newest hub events committed to the local database, newest first.',
  }),
  ...guardMethods,
  'notices.recent': method({
    input: Empty,
    output: z.object({ notices: z.array(Notice) }),
    role: 'operator',
    mutates: false,
    summary: 'Messages from the core to the operator since start (database restored, hub refused us...).',
  }),
  'streams.endpoint': method({
    input: Empty,
    output: z.object({ url: z.string(), token: z.string() }),
    role: 'operator',
    mutates: false,
    summary:
      'Where the video gateway serves streams: `${url}/${cameraId}/${profile}?token=${token}` (loopback only).',
  }),
  'streams.list': method({
    input: Empty,
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
  'alarms.open': method({
    input: Empty,
    output: z.object({
      alarms: z.array(AlarmView),
      targets: Targets,
      disaster: DisasterMode,
      mutedUntil: z.number().optional(),
    }),
    role: 'operator',
    mutates: false,
    summary: 'Every open alarm (the queue), the response targets and the disaster-mode setting.',
  }),
  'alarms.get': method({
    input: alarmInputs.id,
    output: z.object({
      alarm: AlarmView,
      events: z.array(AlarmEventView),
      deviceHistory: z.array(AlarmView),
    }),
    role: 'operator',
    mutates: false,
    summary: "One alarm with its trail and its device's recent alarms.",
  }),
  'alarms.acknowledge': method({
    input: alarmInputs.transition,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'The operator has seen the alarm and takes it.',
  }),
  'alarms.dispatch': method({
    input: alarmInputs.transition,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'Someone (a guard) is on the way.',
  }),
  'alarms.onScene': method({
    input: alarmInputs.transition,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'Someone is at the alarm location.',
  }),
  'alarms.resolve': method({
    input: alarmInputs.resolve,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'Close the alarm with a disposition and a note (both required).',
  }),
  'alarms.reopen': method({
    input: alarmInputs.reopen,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'Open a resolved alarm again, with the reason.',
  }),
  'alarms.note': method({
    input: alarmInputs.note,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: "Add a note to the alarm's trail.",
  }),
  'alarms.raise': method({
    input: alarmInputs.raise,
    output: AlarmView,
    role: 'operator',
    mutates: true,
    summary: 'Enter an alarm by hand (a resident phones in, a guard radios in).',
  }),
  'alarms.history': method({
    input: alarmInputs.history,
    output: z.object({ alarms: z.array(AlarmView), more: z.boolean() }),
    role: 'operator',
    mutates: false,
    summary: 'Closed alarms, newest first, filtered, a page at a time.',
  }),
  'alarms.exportCsv': method({
    input: alarmInputs.history,
    output: z.object({ csv: z.string(), rows: z.number().int() }),
    role: 'operator',
    mutates: false,
    summary: 'The same filtered history as CSV (UTF-8 with BOM, opens in Excel).',
  }),
  'alarms.setDisasterMode': method({
    input: alarmInputs.disaster,
    output: DisasterMode,
    role: 'supervisor',
    mutates: true,
    summary: 'During a flood of alarms, hold back the less urgent ones (logged with the reason).',
  }),
  'alarms.mute': method({
    input: alarmInputs.mute,
    output: z.object({ until: z.number().int() }),
    role: 'operator',
    mutates: true,
    summary: 'Silence the alarm sound for a few minutes, with a reason; it comes back by itself.',
  }),
  'audit.verify': method({
    input: Empty,
    output: z.object({
      ok: z.boolean(),
      entries: z.number().int(),
      brokenAt: z.number().int().optional(),
      reason: z.string().optional(),
    }),
    role: 'supervisor',
    mutates: false,
    summary: 'Check that the audit log has not been changed since it was written.',
  }),
  'cameras.list': method({
    input: Empty,
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
    output: Done,
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
  'prefs.get': method({
    input: z.object({ key: PrefKey }).strict(),
    output: z.object({ value: z.unknown().nullable() }),
    role: 'operator',
    mutates: false,
    summary: "The signed-in operator's stored preference for a key, or null.",
  }),
  'prefs.set': method({
    input: PrefEntry,
    output: Done,
    role: 'operator',
    mutates: true,
    summary: "Store one of the signed-in operator's preferences.",
  }),
  ...playbookMethods,
  ...dutyMethods,
};

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
