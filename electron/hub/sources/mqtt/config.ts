/**
 * The MQTT source's part of the site file: which broker (the hub's own embedded one, or a client of an external
 * Mosquitto/EMQX), which topic sets it listens to, and what each sensor is on the site. README.md in this folder
 * explains every field with an example.
 */
import { z } from 'zod';
import { LatLon } from '../../../../shared/domain/geo';

/** Zigbee2MQTT's own availability timeouts: 10 min for mains-powered (active) devices, 25 h for battery ones. */
export const DEFAULT_SUPERVISION_SEC = { mains: 600, battery: 90_000 } as const;

const port = z.number().int().min(0).max(65_535);
const hasControl = (s: string) => [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
/** A topic level the source builds topics from: no wildcards, no empty levels, no leading or trailing slash. */
const topicBase = z
  .string()
  .min(1)
  .max(100)
  .refine((t) => !/[#+]/.test(t) && !hasControl(t) && !t.split('/').includes(''), {
    message: 'a topic base without wildcards or empty levels',
  });

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const embedded = z
  .object({
    mode: z.literal('embedded'),
    /** Loopback by default: a broker open to the network must have users (see the refinement below). */
    host: z.string().min(1).default('127.0.0.1'),
    /** MQTT over TCP; 0 = a free port (the bound one is in the source's status). */
    port: port.default(1883),
    /** MQTT over WebSocket (path `/`), for devices and tools that only speak that; absent = off. */
    websocketPort: port.optional(),
    /** MQTT over TLS on its own port; files are PEM, paths relative to the site file. */
    tls: z
      .object({
        port: port.default(8883),
        cert: z.string().min(1),
        key: z.string().min(1),
        ca: z.string().optional(),
      })
      .optional(),
    /** When present, every client must sign in as one of these (MQTT username/password). */
    users: z
      .array(z.object({ username: z.string().min(1).max(100), password: z.string().min(8).max(200) }))
      .max(1000)
      .optional(),
    /** At most this many connections at once (each listener). */
    maxClients: z.number().int().min(1).max(100_000).default(5000),
    /**
     * The largest MQTT packet a client may send, in bytes; larger ones close the connection before they are
     * buffered. Zigbee2MQTT's retained `bridge/devices` list is the big one (hundreds of KB on large networks).
     */
    maxPacketBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(2 * 1024 * 1024),
  })
  .refine((b) => LOOPBACK.has(b.host) || (b.users?.length ?? 0) > 0, {
    message:
      'an embedded broker listening beyond loopback needs users: anyone on the network could raise or hide alarms',
    path: ['users'],
  });

const external = z.object({
  mode: z.literal('external'),
  /** `mqtt://`, `mqtts://`, `ws://` or `wss://` with host and port. */
  url: z.string().regex(/^(mqtts?|wss?):\/\/[^\s/]+/, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
  /** Fixed, so the broker keeps this hub's session (and the QoS 1 messages queued for it) across reconnects. */
  clientId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.:-]+$/)
    .optional(),
  username: z.string().max(200).optional(),
  password: z.string().max(200).optional(),
  /** PEM file of the CA that signed the broker's certificate (mqtts/wss), relative to the site file. */
  ca: z.string().optional(),
  /** 5 (MQTT 5: Clean Start 0 + Session Expiry) or 4 (MQTT 3.1.1: clean = false). */
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
  /** MQTT 5 Session Expiry: how long the broker keeps the session (and queues for it) while the hub is away. */
  sessionExpirySec: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(7 * 86_400),
  keepaliveSec: z.number().int().min(5).max(600).default(30),
  reconnectMs: z.number().int().min(100).max(60_000).default(2000),
});

export const MqttBrokerConfig = z.discriminatedUnion('mode', [embedded, external]);
export type MqttBrokerConfig = z.infer<typeof MqttBrokerConfig>;

export const MqttDeviceConfig = z.object({
  /** The site zone the device is in (a zone id of the site file). */
  zone: z.string().min(1).max(100).optional(),
  label: z.string().min(1).max(100).optional(),
  /** Site camera ids shown with the device's alarms. */
  cameras: z.array(z.string().min(1).max(100)).max(16).default([]),
  /** Where the sensor is on the site map; absent: its zone's centre. */
  position: LatLon.optional(),
  /** What the sensor watches; sets the default of `contact`. */
  kind: z.enum(['leak', 'smoke', 'gas', 'door', 'window', 'motion', 'other']).default('other'),
  /** Battery sensors report rarely (supervised at 25 h by default); mains devices often (10 min). */
  power: z.enum(['battery', 'mains']).default('battery'),
  /** Silence past this is a fault; 0 = not supervised. Default by `power`. */
  supervisionSec: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .optional(),
  /** What `contact: false` (open) raises; default `door_forced` for kind door, else `intrusion`. `none`: state only. */
  contact: z.enum(['intrusion', 'door_forced', 'none']).optional(),
  /** What `tamper: true` is: an intrusion alarm (the default, as alarm panels treat a tamper), or a device fault. */
  tamper: z.enum(['intrusion', 'fault']).default('intrusion'),
});
export type MqttDeviceConfig = z.infer<typeof MqttDeviceConfig>;

/** A device name: a Zigbee2MQTT friendly name (may contain `/`), a Tasmota topic, a native device. */
const deviceName = z
  .string()
  .min(1)
  .max(128)
  .refine((n) => !/[#+]/.test(n) && !hasControl(n) && !n.startsWith('/') && !n.endsWith('/'), {
    message: 'a device name without wildcards, control characters or leading/trailing slashes',
  });

export const MqttSourceConfig = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/),
  broker: MqttBrokerConfig,
  topics: z
    .object({
      /** Zigbee2MQTT's base topic; false = not listened to. */
      zigbee2mqtt: z.union([topicBase, z.literal(false)]).default('zigbee2mqtt'),
      /** Tasmota's LWT topic with one `+` standing for the device topic; false = off. */
      tasmotaLwt: z
        .union([
          z
            .string()
            .max(100)
            .refine(
              (t) => t.split('/').filter((l) => l === '+').length === 1 && !t.includes('#') && !hasControl(t),
              {
                message: 'a topic with exactly one + (the device) and no #',
              },
            ),
          z.literal(false),
        ])
        .default('tele/+/LWT'),
      /** The native topic `<native>/<device>/event`; false = off. */
      native: z.union([topicBase, z.literal(false)]).default('site'),
    })
    .default({ zigbee2mqtt: 'zigbee2mqtt', tasmotaLwt: 'tele/+/LWT', native: 'site' }),
  /** Keyed by device name. */
  devices: z.record(deviceName, MqttDeviceConfig).default({}),
  /** Devices not listed above: accepted (alarms without a zone, not supervised) or refused. */
  unknownDevices: z.enum(['accept', 'refuse']).default('accept'),
  /** Unlisted devices remembered at once; past this, messages of new unlisted ones are refused. */
  maxUnknownDevices: z.number().int().min(0).max(100_000).default(2000),
  /** Payloads larger than this (bytes) are refused unread. */
  maxPayloadBytes: z
    .number()
    .int()
    .min(64)
    .max(256 * 1024)
    .default(16 * 1024),
  /**
   * How long a message whose reports the hub's log would not take is retried before it is given back to the
   * sender unacknowledged (a QoS 1 sender then sends it again); 0 = give it back at once.
   */
  commitRetrySec: z.number().min(0).max(300).default(5),
});
export type MqttSourceConfig = z.infer<typeof MqttSourceConfig>;
export type MqttSourceConfigInput = z.input<typeof MqttSourceConfig>;

/** What the source applies to one device: the site file's entry with its defaults resolved. */
export interface DevicePolicy {
  configured: boolean;
  zone?: string;
  label?: string;
  cameras: string[];
  position?: LatLon;
  kind: MqttDeviceConfig['kind'];
  supervisionSec: number;
  contact: 'intrusion' | 'door_forced' | 'none';
  tamper: 'intrusion' | 'fault';
}

export function devicePolicy(config: MqttSourceConfig, name: string): DevicePolicy {
  const d = Object.hasOwn(config.devices, name) ? config.devices[name] : undefined;
  if (!d) {
    return {
      configured: false,
      cameras: [],
      kind: 'other',
      supervisionSec: 0,
      contact: 'intrusion',
      tamper: 'intrusion',
    };
  }
  return {
    configured: true,
    zone: d.zone,
    label: d.label,
    cameras: d.cameras,
    ...(d.position ? { position: d.position } : {}),
    kind: d.kind,
    supervisionSec: d.supervisionSec ?? DEFAULT_SUPERVISION_SEC[d.power],
    contact: d.contact ?? (d.kind === 'door' ? 'door_forced' : 'intrusion'),
    tamper: d.tamper,
  };
}
