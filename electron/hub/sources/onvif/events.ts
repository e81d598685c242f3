/**
 * ONVIF notifications (WS-BaseNotification `NotificationMessage` with an ONVIF `tt:Message`) → camera events.
 * Topics are matched after their prefix (any prefix may be bound to the ONVIF topic namespace), item names as
 * the ONVIF event specification and real devices use them (ingest guide §3).
 */
import type { CameraEvent, CameraEventKind } from '../isapi/camera';
import { findAll, path, type XmlElement } from '../../../common/xml';

interface TopicRule {
  kind: CameraEventKind;
  /** Data item whose boolean is the state; absent = an edge (the event itself is the occurrence). */
  state?: string[];
  /** For an edge, true = the state item means "active" when true. */
}

const TOPICS: Record<string, TopicRule> = {
  'VideoSource/MotionAlarm': { kind: 'motion', state: ['State'] },
  'RuleEngine/CellMotionDetector/Motion': { kind: 'motion', state: ['IsMotion'] },
  'RuleEngine/MotionRegionDetector/Motion': { kind: 'motion', state: ['State', 'IsMotion'] },
  'RuleEngine/LineDetector/Crossed': { kind: 'line' },
  'RuleEngine/FieldDetector/ObjectsInside': { kind: 'field', state: ['IsInside'] },
  'VideoSource/GlobalSceneChange/ImagingService': { kind: 'tamper', state: ['State'] },
  'VideoSource/GlobalSceneChange/AnalyticsService': { kind: 'tamper', state: ['State'] },
  'RuleEngine/TamperDetector/Tamper': { kind: 'tamper', state: ['IsTamper', 'State'] },
  'VideoSource/SignalLoss': { kind: 'videoloss', state: ['State'] },
  'Device/Trigger/VideoLoss': { kind: 'videoloss', state: ['State'] },
};

export type NotificationResult =
  | { kind: 'event'; event: Omit<CameraEvent, 'camera'> }
  | { kind: 'ignored'; topic: string }
  | { kind: 'refused'; reason: string };

const items = (el: XmlElement | undefined): Map<string, string> => {
  const out = new Map<string, string>();
  if (!el) return out;
  for (const si of findAll(el, 'SimpleItem')) {
    const name = si.attrs.Name;
    if (name && !out.has(name)) out.set(name, (si.attrs.Value ?? '').slice(0, 100));
  }
  return out;
};

/** The topic path without prefixes: `tns1:RuleEngine/LineDetector/Crossed` → `RuleEngine/LineDetector/Crossed`. */
export function topicPath(topic: string): string {
  return topic
    .trim()
    .split('/')
    .map((level) => level.slice(level.indexOf(':') + 1))
    .join('/');
}

export function parseNotification(n: XmlElement): NotificationResult {
  const topic = path(n, 'Topic')?.text ?? '';
  if (!topic) return { kind: 'refused', reason: 'a notification without a topic' };
  const rule = Object.hasOwn(TOPICS, topicPath(topic)) ? TOPICS[topicPath(topic)] : undefined;
  if (!rule) return { kind: 'ignored', topic: topic.slice(0, 100) };
  const msg = path(n, 'Message', 'Message');
  if (!msg) return { kind: 'refused', reason: `${topic.slice(0, 60)} without a tt:Message` };
  const source = items(path(msg, 'Source'));
  const data = items(path(msg, 'Data'));
  let active: boolean | 'pulse' = 'pulse';
  if (rule.state) {
    const name = rule.state.find((s) => data.has(s));
    const v = name !== undefined ? data.get(name)?.toLowerCase() : undefined;
    if (v !== 'true' && v !== 'false' && v !== '1' && v !== '0')
      return { kind: 'refused', reason: `${topic.slice(0, 60)} without a boolean ${rule.state.join('/')}` };
    active = v === 'true' || v === '1';
  }
  const utc = msg.attrs.UtcTime;
  const at = utc && /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(utc) ? Date.parse(utc) : NaN;
  const op = msg.attrs.PropertyOperation;
  const channel =
    source.get('VideoSourceConfigurationToken') ?? source.get('VideoSourceToken') ?? source.get('Source');
  const ruleName = source.get('Rule');
  return {
    kind: 'event',
    event: {
      kind: rule.kind,
      active,
      event: topic.slice(0, 100),
      ...(channel !== undefined ? { channel } : {}),
      ...(ruleName !== undefined ? { rule: ruleName } : {}),
      ...(Number.isFinite(at) ? { at } : {}),
      ...(op === 'Initialized' ? { sync: true } : {}),
    },
  };
}
