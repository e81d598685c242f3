/**
 * Dahua's attach-stream text blocks (`Code=VideoMotion;action=Start;index=0`, optionally `;data={JSON}`) →
 * camera events. `data` is split off first because its JSON may contain `;`. Spaced variants
 * (`Code=X; action=Y`) are read too. `index` is the channel minus one.
 */
import type { CameraEvent, CameraEventKind } from '../isapi/camera';

const KINDS: Record<string, CameraEventKind> = {
  VideoMotion: 'motion',
  SmartMotionHuman: 'motion',
  SmartMotionVehicle: 'motion',
  CrossLineDetection: 'line',
  CrossRegionDetection: 'field',
  VideoBlind: 'tamper',
  VideoLoss: 'videoloss',
};

/** A name short enough to show and without control characters. */
const shown = (s: string) =>
  s.length >= 1 &&
  s.length <= 60 &&
  ![...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

export type BlockResult =
  | { kind: 'events'; events: Omit<CameraEvent, 'camera'>[] }
  | { kind: 'heartbeat' }
  | { kind: 'other'; code: string }
  | { kind: 'refused'; reason: string };

function one(line: string): Omit<CameraEvent, 'camera'> | { other: string } | { refused: string } {
  const d = line.search(/;\s*data\s*=/);
  const head = d >= 0 ? line.slice(0, d) : line;
  const data = d >= 0 ? line.slice(line.indexOf('=', d) + 1) : undefined;
  const f = new Map<string, string>();
  for (const kv of head.split(';')) {
    const eq = kv.indexOf('=');
    if (eq > 0) f.set(kv.slice(0, eq).trim().toLowerCase(), kv.slice(eq + 1).trim());
  }
  const code = f.get('code');
  const action = f.get('action');
  if (!code) return { refused: 'a block without Code=' };
  const kind = Object.hasOwn(KINDS, code) ? KINDS[code] : undefined;
  if (!kind) return { other: code.slice(0, 40) };
  const index = f.get('index');
  if (index !== undefined && !/^\d{1,3}$/.test(index))
    return { refused: `index ${index.slice(0, 10)} is not a number` };
  // Start/Stop for state events; Pulse for edge events (CrossLineDetection sends Pulse on some firmware).
  const a = (action ?? '').toLowerCase();
  if (a !== 'start' && a !== 'stop' && a !== 'pulse')
    return { refused: `action ${(action ?? '').slice(0, 20)}` };
  let region: string | undefined;
  let rule: string | undefined;
  if (data) {
    try {
      const j = JSON.parse(data) as unknown;
      if (j && typeof j === 'object' && !Array.isArray(j)) {
        const o = j as Record<string, unknown>;
        if (typeof o.Name === 'string' && shown(o.Name)) rule = o.Name;
        if (typeof o.RegionName === 'string' && shown(o.RegionName)) region = o.RegionName;
      }
    } catch {
      // The data object is optional detail; a block whose JSON does not parse still counts.
    }
  }
  return {
    kind,
    active: a === 'pulse' ? 'pulse' : a === 'start',
    event: code.slice(0, 40),
    ...(index !== undefined ? { channel: String(Number(index) + 1) } : {}),
    ...(rule !== undefined ? { rule } : {}),
    ...(region !== undefined ? { region } : {}),
  };
}

export function parseBlock(body: Buffer): BlockResult {
  const text = body.toString('utf8').trim();
  if (text === '' || /^heartbeat$/i.test(text)) return { kind: 'heartbeat' };
  const events: Omit<CameraEvent, 'camera'>[] = [];
  let other: string | undefined;
  for (const line of text.split(/\r?\n/).filter((l) => l.trim() !== '')) {
    const r = one(line.trim());
    if ('refused' in r) return { kind: 'refused', reason: r.refused };
    if ('other' in r) other = r.other;
    else events.push(r);
  }
  if (events.length > 0) return { kind: 'events', events };
  return { kind: 'other', code: other ?? '?' };
}
