import type { z } from 'zod';
import { HubOrigin, type AlarmEventView, type AlarmView } from '../../../shared/contract';
import { BothTexts, pickAlarmText, type Locale } from '../../../shared/domain/text';
import type { AlarmType } from '../../../shared/domain/alarm';
import type { AlarmSource, AlarmState, Disposition } from '../../../shared/domain/alarm-lifecycle';
import { csvDocument } from '../util/csv';
import { opt } from '../util/optional';

export interface AlarmRow {
  id: string;
  source: string;
  source_id: string;
  device_id: string | null;
  type: string;
  priority: number;
  zone: string | null;
  lat: number | null;
  lon: number | null;
  cameras: string;
  text: string | null;
  raised_at: number;
  received_at: number;
  last_seen_at: number;
  count: number;
  state: string;
  incident_id: string | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  disposition: string | null;
  resolution_note: string | null;
  escalated_at: number | null;
  held: number;
  drill: number;
  updated_at: number;
  /** Null only in a row written before migration 8 and not yet back-filled (never, after it). */
  seq: number | null;
  received_steady: number | null;
  ack_ms: number | null;
  resolve_ms: number | null;
  /** JSON of the hub's `origin` (migration 13); null for alarms of other sources and older ones. */
  origin: string | null;
  restored_at: number | null;
  /** JSON of the text in both languages (migration 16); null when the source worded one text. */
  texts: string | null;
  /** How long it waited in the hub's log before it came (migration 17); null when it came at once. */
  waited_ms: number | null;
  /** 1: escalated for time it spent waiting in the hub, told in a summary notice instead of a banner. */
  escalated_waiting: number;
}

/**
 * A JSON column read back through its schema (the origin, the texts): a row that no longer reads shows nothing
 * there, not an error.
 */
function storedJson<T>(schema: z.ZodType<T>, json: string | null | undefined): T | undefined {
  if (!json) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const originOf = (json: string | null | undefined) => storedJson(HubOrigin, json);
const textsOf = (json: string | null | undefined) => storedJson(BothTexts, json);

/** A stored alarm's text in `locale` (both languages when its source worded both), for what the core writes itself. */
export function storedAlarmText(
  r: { text: string | null; texts?: string | null | undefined },
  locale: Locale,
): string | undefined {
  return pickAlarmText({ text: r.text ?? undefined, texts: textsOf(r.texts) }, locale);
}

export function toView(r: AlarmRow): AlarmView {
  const origin = originOf(r.origin);
  const texts = textsOf(r.texts);
  return {
    id: r.id,
    source: r.source as AlarmSource,
    sourceId: r.source_id,
    deviceId: opt(r.device_id),
    type: r.type as AlarmType,
    priority: r.priority,
    zone: opt(r.zone),
    location: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : undefined,
    cameras: JSON.parse(r.cameras) as string[],
    text: opt(r.text),
    ...(texts ? { texts } : {}),
    raisedAt: r.raised_at,
    receivedAt: r.received_at,
    lastSeenAt: r.last_seen_at,
    count: r.count,
    state: r.state as AlarmState,
    incidentId: opt(r.incident_id),
    acknowledgedAt: opt(r.acknowledged_at),
    acknowledgedBy: opt(r.acknowledged_by),
    resolvedAt: opt(r.resolved_at),
    resolvedBy: opt(r.resolved_by),
    disposition: opt(r.disposition) as Disposition | undefined,
    resolutionNote: opt(r.resolution_note),
    escalatedAt: opt(r.escalated_at),
    held: r.held === 1,
    drill: r.drill === 1,
    ...(r.seq !== null && r.seq !== undefined ? { seq: r.seq } : {}),
    ...(r.received_steady !== null && r.received_steady !== undefined
      ? { receivedSteady: r.received_steady }
      : {}),
    ...(r.ack_ms !== null && r.ack_ms !== undefined ? { ackMs: r.ack_ms } : {}),
    ...(r.resolve_ms !== null && r.resolve_ms !== undefined ? { resolveMs: r.resolve_ms } : {}),
    ...(origin ? { origin } : {}),
    ...(r.restored_at !== null && r.restored_at !== undefined ? { restoredAt: r.restored_at } : {}),
    ...(r.waited_ms ? { waitedMs: r.waited_ms } : {}),
    ...(r.escalated_waiting ? { escalatedWaiting: true } : {}),
  };
}

export function toEventView(r: {
  at: number;
  kind: string;
  operator_name: string | null;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
}): AlarmEventView {
  return {
    at: r.at,
    kind: r.kind as AlarmEventView['kind'],
    operatorName: opt(r.operator_name),
    fromState: opt(r.from_state) as AlarmState | undefined,
    toState: opt(r.to_state) as AlarmState | undefined,
    note: opt(r.note),
  };
}

const CSV_COLUMNS: [string, (a: AlarmView) => unknown][] = [
  ['id', (a) => a.id],
  ['type', (a) => a.type],
  ['priority', (a) => a.priority],
  ['zone', (a) => a.zone],
  ['device', (a) => a.deviceId],
  ['source', (a) => a.source],
  // Where the equipment said it (protocol, configured source, then its fields: account, zone, code...), so an
  // exported row can be traced back to a panel's report without the console.
  ['origin', (a) => (a.origin ? originText(a.origin) : '')],
  ['raised_at', (a) => new Date(a.raisedAt).toISOString()],
  ['received_at', (a) => new Date(a.receivedAt).toISOString()],
  ['acknowledged_at', (a) => (a.acknowledgedAt ? new Date(a.acknowledgedAt).toISOString() : '')],
  ['acknowledged_by', (a) => a.acknowledgedBy],
  ['restored_at', (a) => (a.restoredAt ? new Date(a.restoredAt).toISOString() : '')],
  ['resolved_at', (a) => (a.resolvedAt ? new Date(a.resolvedAt).toISOString() : '')],
  ['resolved_by', (a) => a.resolvedBy],
  // Measured on the steady clock when the console knows it: a clock stepped in between does not change them.
  [
    'seconds_to_acknowledge',
    (a) => (a.acknowledgedAt ? Math.round((a.ackMs ?? a.acknowledgedAt - a.receivedAt) / 1000) : ''),
  ],
  [
    'seconds_to_resolve',
    (a) => (a.resolvedAt ? Math.round((a.resolveMs ?? a.resolvedAt - a.receivedAt) / 1000) : ''),
  ],
  ['count', (a) => a.count],
  ['disposition', (a) => a.disposition],
  ['note', (a) => a.resolutionNote],
  ['text', (a) => a.text],
  // Both languages, whoever exports: a CSV is a record to keep, read later by whoever reads it.
  ['text_zh_cn', (a) => a.texts?.['zh-CN']],
  ['text_en', (a) => a.texts?.en],
  ['drill', (a) => (a.drill ? 'yes' : '')],
];

/** `dc09 dc09-main account=1234 zone=5 code=E130`: one cell, fields in the order the source gave them. */
function originText(o: HubOrigin): string {
  const fields = Object.entries(o.fields).map(([k, v]) => `${k}=${String(v)}`);
  return [o.source, o.sourceId, ...fields].filter((x) => x !== undefined && x !== '').join(' ');
}

/** The alarm history as CSV, through the one cell function every export shares. */
export function toCsv(alarms: AlarmView[]): string {
  return csvDocument(
    CSV_COLUMNS.map(([h]) => h),
    alarms.map((a) => CSV_COLUMNS.map(([, f]) => f(a))),
  );
}
