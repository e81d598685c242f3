/**
 * The webhook source's entry in the site file: where the hub listens, the clients (access control, property
 * platforms) with their bearer tokens, the devices they speak for, and the limits. README.md has an example.
 */
import { z } from 'zod';
import { LatLon } from '../../../../shared/domain/geo';
import { ALARM_TYPES } from '../../../../shared/domain/alarm';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const printable = /^[\x21-\x7e]+$/;

export const WebhookClient = z.object({
  /** Shown in the status and in each alarm's origin. */
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/),
  /** The bearer token the client sends; at least 32 characters (e.g. `openssl rand -base64 32`). */
  token: z.string().min(32).max(256).regex(printable, 'printable ASCII without spaces'),
  /** Requests per minute this client may send (a burst of the same size is allowed). */
  ratePerMinute: z.number().int().min(1).max(60_000).default(600),
});

export const WebhookDevice = z.object({
  zone: z.string().min(1).max(64).optional(),
  label: z.string().min(1).max(100).optional(),
  cameras: z.array(z.string().min(1).max(64)).max(16).default([]),
  /** Where the device is on the site map; absent: its zone's centre. */
  position: LatLon.optional(),
  kind: z.enum(['access', 'sensor', 'camera', 'other']).default('access'),
  /** Only these clients may speak for the device; absent = any client. */
  clients: z.array(z.string().min(1).max(64)).max(100).optional(),
});

export const WebhookSourceConfig = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.-]+$/),
    host: z.string().min(1).max(100).default('127.0.0.1'),
    /** 0 = a free port (the bound one is in the status). */
    port: z.number().int().min(0).max(65_535).default(8443),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9/_.-]{0,100}$/)
      .default('/hook'),
    /** PEM files, relative to the site file. Required unless `host` is loopback: tokens must not cross a network in clear. */
    tls: z.object({ cert: z.string().min(1), key: z.string().min(1), ca: z.string().optional() }).optional(),
    clients: z.array(WebhookClient).min(1).max(100),
    /** Keyed by the `device` a client sends. */
    devices: z.record(z.string().min(1).max(128).regex(printable), WebhookDevice).default({}),
    /** Devices not listed above: accepted (no zone, no cameras) or refused with 422. */
    unknownDevices: z.enum(['accept', 'refuse']).default('accept'),
    maxBodyBytes: z
      .number()
      .int()
      .min(256)
      .max(1024 * 1024)
      .default(64 * 1024),
    /** Failed authentications per minute per address before that address gets 429 (slows token guessing). */
    authFailuresPerMinute: z.number().int().min(1).max(10_000).default(30),
    /** Alarm types a client may send; absent = every type the console knows. */
    types: z.array(z.enum(ALARM_TYPES)).min(1).optional(),
  })
  .refine((c) => LOOPBACK.has(c.host) || c.tls !== undefined, {
    message: 'a webhook listening beyond loopback needs tls: bearer tokens must not travel in clear',
    path: ['tls'],
  })
  .refine((c) => new Set(c.clients.map((x) => x.name)).size === c.clients.length, {
    message: 'client names must be unique',
    path: ['clients'],
  })
  .refine((c) => new Set(c.clients.map((x) => x.token)).size === c.clients.length, {
    message: 'each client needs its own token',
    path: ['clients'],
  });
export type WebhookSourceConfig = z.infer<typeof WebhookSourceConfig>;
export type WebhookSourceConfigInput = z.input<typeof WebhookSourceConfig>;

/** The request body (documented in README.md). */
export const WebhookEvent = z
  .object({
    device: z.string().min(1).max(128).regex(printable, 'printable ASCII without spaces'),
    /** An alarm type the console knows, or `heartbeat` (the device is alive; nothing else). */
    type: z.union([z.enum(ALARM_TYPES), z.literal('heartbeat')]),
    /** `active` opens the alarm, `inactive` restores it, `event` is for the log only. */
    state: z.enum(['active', 'inactive', 'event']).default('active'),
    /** Unique per event of the device: a retry with the same id is one event. */
    id: z.string().min(1).max(64).regex(printable).optional(),
    /** When it happened: epoch ms or ISO 8601 with a zone. */
    at: z
      .union([z.number().int().min(946_684_800_000).max(4_102_444_800_000), z.iso.datetime({ offset: true })])
      .optional(),
    text: z.string().max(200).optional(),
    /** Extra facts shown with the alarm (card number, door name…). */
    fields: z
      .record(
        z
          .string()
          .min(1)
          .max(40)
          .regex(/^[A-Za-z0-9_.-]+$/),
        z.union([z.string().max(200), z.number().finite(), z.boolean()]),
      )
      .refine((f) => Object.keys(f).length <= 20, { message: 'at most 20 fields' })
      .optional(),
  })
  .strict();
export type WebhookEvent = z.infer<typeof WebhookEvent>;
