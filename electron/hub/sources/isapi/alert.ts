/**
 * Hikvision's EventNotificationAlert (XML, or JSON on newer firmware) → a camera event. Names are matched by
 * local name only, whatever the namespace (hikvision ver10/ver20, std-cgi, isapi.org), and every field is
 * optional (an empty `<activePostCount/>` once killed other clients' streams).
 */
import type { CameraEvent, CameraEventKind } from './camera';
import { findAll, parseXml, XmlError, type XmlElement } from '../../../common/xml';

/** eventType (lower-cased) → kind; `videoloss` inactive is the camera's heartbeat. */
const KINDS: Record<string, CameraEventKind> = {
  vmd: 'motion',
  motiondetection: 'motion',
  linedetection: 'line',
  fielddetection: 'field',
  regionentrance: 'field',
  regionexiting: 'field',
  tamperdetection: 'tamper',
  shelteralarm: 'tamper',
  videoloss: 'videoloss',
};

export type AlertResult =
  | { kind: 'event'; event: Omit<CameraEvent, 'camera'> }
  | { kind: 'heartbeat' }
  /** A well-formed alert of a type the source does not map (PIR, IO, face…): proof of life, logged. */
  | { kind: 'other'; eventType: string }
  | { kind: 'refused'; reason: string };

interface Fields {
  eventType?: string;
  eventState?: string;
  channel?: string;
  dateTime?: string;
  region?: string;
  description?: string;
}

const CHANNEL_NAMES = ['channelID', 'dynChannelID', 'inputIOPortID', 'videoInputChannelID', 'channelId'];

function fromXml(root: XmlElement): Fields | string {
  if (root.name !== 'EventNotificationAlert')
    return `root element ${root.name.slice(0, 40)}, not EventNotificationAlert`;
  const text = (n: string) => root.children.find((c) => c.name === n)?.text || undefined;
  const region = findAll(root, 'regionID')[0]?.text || findAll(root, 'RegionID')[0]?.text || undefined;
  return {
    eventType: text('eventType'),
    eventState: text('eventState'),
    channel: CHANNEL_NAMES.map(text).find((v) => v !== undefined),
    dateTime: text('dateTime'),
    region,
    description: text('eventDescription'),
  };
}

function fromJson(body: string): Fields | string {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return 'JSON part that does not parse';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'JSON part that is not an object';
  const o = v as Record<string, unknown>;
  const s = (k: string) => {
    const x = Object.hasOwn(o, k) ? o[k] : undefined;
    return typeof x === 'string' && x !== ''
      ? x.slice(0, 100)
      : typeof x === 'number'
        ? String(x)
        : undefined;
  };
  return {
    eventType: s('eventType'),
    eventState: s('eventState'),
    channel: CHANNEL_NAMES.map(s).find((x) => x !== undefined),
    dateTime: s('dateTime'),
    description: s('eventDescription'),
  };
}

/** Parses an ISO 8601 date-time with or without offset; without one, as the device gave it, it is left out. */
export function deviceTime(s: string | undefined): number | undefined {
  if (!s || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

/** One part of the alert stream: its Content-Type and body. */
export function parseAlert(contentType: string | undefined, body: Buffer): AlertResult {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('image/')) return { kind: 'other', eventType: 'image' };
  const text = body.toString('utf8').trim();
  let f: Fields | string;
  if (ct.includes('json') || text.startsWith('{')) f = fromJson(text);
  else {
    try {
      f = fromXml(parseXml(text));
    } catch (e) {
      f = e instanceof XmlError ? `XML: ${e.message}` : 'XML that does not parse';
    }
  }
  if (typeof f === 'string') return { kind: 'refused', reason: f };
  if (!f.eventType) return { kind: 'refused', reason: 'an alert without eventType' };
  const type = f.eventType.toLowerCase();
  const state = (f.eventState ?? 'active').toLowerCase();
  if (state !== 'active' && state !== 'inactive')
    return { kind: 'refused', reason: `eventState ${state.slice(0, 20)}` };
  const kind = Object.hasOwn(KINDS, type) ? KINDS[type] : undefined;
  if (!kind) return { kind: 'other', eventType: f.eventType.slice(0, 40) };
  if (kind === 'videoloss' && state === 'inactive') return { kind: 'heartbeat' };
  if (f.channel !== undefined && !/^\d{1,3}$/.test(f.channel))
    return { kind: 'refused', reason: 'a channel that is not a number' };
  const at = deviceTime(f.dateTime);
  return {
    kind: 'event',
    event: {
      kind,
      active: state === 'active',
      event: f.eventType.slice(0, 40),
      ...(f.channel !== undefined ? { channel: String(Number(f.channel)) } : {}),
      ...(f.region !== undefined && /^[\w.-]{1,20}$/.test(f.region) ? { region: f.region } : {}),
      ...(at !== undefined ? { at } : {}),
    },
  };
}
