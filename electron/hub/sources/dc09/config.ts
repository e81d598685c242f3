/**
 * The DC-09 receiver's entry in the site file (`sources: [{ kind: 'dc09', … }]`): where it listens, the timestamp
 * window, and per panel account its key, supervision interval, zone mapping and code overrides.
 */
import { z } from 'zod';
import { ALARM_TYPES } from '../../../../shared/domain/alarm';
import { Id } from '../../../../shared/contract/common';
import { LatLon } from '../../../../shared/domain/geo';
import { keyBytes } from './crypto';

export const CodeAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('alarm'), type: z.enum(ALARM_TYPES) }),
  z.object({ kind: z.literal('fault') }),
  z.object({ kind: z.literal('event') }),
  z.object({ kind: z.literal('alive') }),
]);

export const CodeOverride = z.object({
  action: CodeAction,
  scope: z.enum(['zone', 'user', 'panel']).optional(),
  zh: z.string().min(1).max(80).optional(),
  en: z.string().min(1).max(80).optional(),
});

/** A Contact ID code (3 hex digits, e.g. "113") or a SIA code (2 letters, e.g. "BA"). */
const CodeKey = z
  .string()
  .regex(/^(?:[0-9A-Fa-f]{3}|[A-Za-z]{2})$/, 'a Contact ID code (3 digits) or a SIA code (2 letters)')
  .transform((s) => s.toUpperCase());

export const CodeOverrides = z.record(CodeKey, CodeOverride).default({});

export const TimestampWindow = z.object({
  /** How far behind the receiver's clock a panel's timestamp may be (pysiaalarm's default: 40 s). */
  pastSec: z.number().int().min(0).max(86_400).default(40),
  /** How far ahead (20 s). */
  futureSec: z.number().int().min(0).max(86_400).default(20),
  /** Accept any timestamp (panels whose clock cannot be set); the NAK-and-resync loop is then never used. */
  ignore: z.boolean().default(false),
  /** The panel's clock runs on local time this many minutes ahead of UTC (a panel on Beijing time: 480). */
  utcOffsetMin: z.number().int().min(-840).max(840).default(0),
});
export type TimestampWindow = z.infer<typeof TimestampWindow>;

export const ZoneMapping = z.object({
  /** The site zone (`zones[].id` of the site file) the panel's zone is in. */
  zone: Id.optional(),
  /** What the device is, in the site's words ("3号楼大堂烟感"). */
  device: z.string().min(1).max(80).optional(),
  /** Site camera ids shown with its alarms. */
  cameras: z.array(Id).max(16).default([]),
  /** Where the device is on the site map; absent: its zone's centre. */
  position: LatLon.optional(),
});

/** Contact ID zones are 3 digits; "15", "015" and 15 all name zone 15. */
const ZoneKey = z
  .string()
  .regex(/^[0-9]{1,3}$/, 'a zone number (0–999)')
  .transform((s) => String(parseInt(s, 10)));

export const AccountConfig = z
  .object({
    account: z
      .string()
      .regex(/^[0-9A-Fa-f]{3,16}$/, '3 to 16 hex digits')
      .transform((s) => s.toUpperCase()),
    /** The panel's name in the site's words; also the label of its device. */
    label: z.string().min(1).max(80).optional(),
    /** AES key: 16, 24 or 32 ASCII characters, or 32, 48 or 64 hex digits (say which with `keyForm`). */
    key: z.string().min(16).max(64).optional(),
    keyForm: z.enum(['ascii', 'hex']).optional(),
    /** The panel's poll interval: silence past it plus the margin is a communication fault. */
    supervisionSec: z
      .number()
      .int()
      .min(10)
      .max(7 * 86_400)
      .optional(),
    /** The site zone of the panel itself (its own faults and user events). */
    zone: Id.optional(),
    /** Where the panel itself is on the site map; absent: its zone's centre. */
    position: LatLon.optional(),
    timestamp: TimestampWindow.partial().optional(),
    zones: z.record(ZoneKey, ZoneMapping).default({}),
    codeOverrides: CodeOverrides,
  })
  .superRefine((a, ctx) => {
    if (a.key === undefined) return;
    const form = a.keyForm ?? inferKeyForm(a.key);
    if (!form) {
      ctx.addIssue({
        code: 'custom',
        path: ['keyForm'],
        message: 'a 32-character key may be ASCII (AES-256) or hex (AES-128): say keyForm',
      });
      return;
    }
    try {
      keyBytes(a.key, form);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: (err as Error).message });
    }
  });
export type AccountConfig = z.infer<typeof AccountConfig>;

export const Dc09Limits = z.object({
  /** Longest frame accepted; real ones are under 200 bytes. */
  maxFrameBytes: z.number().int().min(64).max(8192).default(1024),
  maxConnections: z.number().int().min(1).max(10_000).default(256),
  /** A TCP connection silent this long is closed (panels reconnect for their next message). */
  idleTimeoutSec: z.number().int().min(1).max(86_400).default(300),
  /** A commit not resolved within this is a failure: the panel gets a NAK and sends it again. */
  commitTimeoutMs: z.number().int().min(50).max(120_000).default(10_000),
});

export const Dc09Config = z
  .object({
    id: Id,
    kind: z.literal('dc09'),
    host: z.string().min(1).default('0.0.0.0'),
    /** 0 = a free port, reported in the source's status. */
    port: z.number().int().min(0).max(65_535),
    tcp: z.boolean().default(true),
    udp: z.boolean().default(true),
    timestamp: TimestampWindow.default(TimestampWindow.parse({})),
    /** Added to each account's supervisionSec before a silence is a fault (Home Assistant uses 30 s). */
    supervisionMarginSec: z.number().int().min(0).max(3600).default(30),
    /** A frame repeating an account+seq+payload seen within this window is a retry: the same report. */
    duplicateWindowSec: z.number().int().min(10).max(86_400).default(600),
    /** What a code in neither the table nor the overrides does. */
    unknownCode: CodeAction.default({ kind: 'alarm', type: 'manual' }),
    limits: Dc09Limits.default(Dc09Limits.parse({})),
    codeOverrides: CodeOverrides,
    accounts: z.array(AccountConfig).default([]),
  })
  .superRefine((c, ctx) => {
    if (!c.tcp && !c.udp)
      ctx.addIssue({ code: 'custom', path: ['udp'], message: 'listen on TCP, UDP or both' });
    const seen = new Set<string>();
    c.accounts.forEach((a, i) => {
      if (seen.has(a.account)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'account'],
          message: `account ${a.account} twice`,
        });
      }
      seen.add(a.account);
    });
  });
export type Dc09Config = z.infer<typeof Dc09Config>;
export type Dc09ConfigInput = z.input<typeof Dc09Config>;

/** 16 or 24 characters can only be ASCII and 48 or 64 only hex; 32 is ambiguous when they are all hex digits. */
export function inferKeyForm(key: string): 'ascii' | 'hex' | undefined {
  if (key.length === 16 || key.length === 24) return 'ascii';
  if (key.length === 48 || key.length === 64) return 'hex';
  if (key.length === 32 && !/^[0-9A-Fa-f]+$/.test(key)) return 'ascii';
  return undefined;
}
