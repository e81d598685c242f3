import L from 'leaflet';
import type { GuardStatus } from '../../../shared/domain/guards';

/** Marker colour per guard status: red only for SOS, greys for guards whose position we cannot trust. */
export const GUARD_COLOURS: Record<GuardStatus, string> = {
  on_patrol: '#66bb6a',
  dispatched: '#5aa9e6',
  on_scene: '#4dd0e1',
  sos: '#ef5350',
  stale: '#b8a06a',
  offline: '#56616c',
};

/** Checkpoint colour per state in the current round. */
export const CHECKPOINT_COLOURS: Record<string, string> = {
  pending: '#8d9aa6',
  on_time: '#66bb6a',
  early: '#5aa9e6',
  late: '#ffb74d',
  missed: '#ef5350',
};

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * Icons are cached by everything they show: a guard who only moved keeps the same icon object, so Leaflet
 * just moves the element instead of rebuilding it (dozens of guards report every second).
 */
const cache = new Map<string, L.DivIcon>();
function cached(key: string, make: () => L.DivIcon): L.DivIcon {
  let icon = cache.get(key);
  if (!icon) {
    if (cache.size > 2000) cache.clear();
    icon = make();
    cache.set(key, icon);
  }
  return icon;
}

export function guardIcon(p: {
  guardId: string;
  name: string;
  status: GuardStatus;
  /** Short status text after the name (e.g. "离线", "2 分钟前"), empty for a guard on patrol. */
  note: string;
  bearing: number | undefined;
  dim: boolean;
}): L.DivIcon {
  // Bearing in 10° steps: finer turns are noise from the phone's compass and would rebuild the icon.
  const bearing = p.bearing === undefined ? undefined : Math.round(p.bearing / 10) * 10;
  const key = `g|${p.guardId}|${p.name}|${p.status}|${p.note}|${bearing ?? ''}|${p.dim}`;
  return cached(key, () =>
    L.divIcon({
      className: 'map-div-icon guard-icon',
      iconSize: [0, 0],
      html:
        `<div class="gm gm-${p.status}${p.dim ? ' gm-dim' : ''}" data-testid="guard-marker" ` +
        `data-guard-id="${escape(p.guardId)}" data-status="${p.status}" style="--gm-colour:${GUARD_COLOURS[p.status]}">` +
        (bearing === undefined || p.status === 'offline'
          ? ''
          : `<svg class="gm-arrow" viewBox="-20 -20 40 40" style="transform:rotate(${bearing}deg)"><path d="M0,-19 L8,-6 L-8,-6Z"/></svg>`) +
        `<span class="gm-dot"></span>` +
        `<span class="gm-label">${escape(p.name)}${p.note ? `<small>${escape(p.note)}</small>` : ''}</span>` +
        `</div>`,
    }),
  );
}

/**
 * An alarm's marker. Shared by every marker of the same look (the alarm's id is set on the element by the layer):
 * Leaflet rebuilds a marker's element only when its icon object changes.
 */
export function alarmIcon(p: {
  colour: string;
  isNew: boolean;
  selected: boolean;
  /** A drill's alarm: dashed white ring and the word DRILL (演练) beside it. */
  drillLabel?: string | undefined;
}): L.DivIcon {
  const size = p.isNew ? 30 : 22;
  return cached(`a|${p.colour}|${p.isNew}|${p.selected}|${p.drillLabel ?? ''}`, () =>
    L.divIcon({
      className: 'map-div-icon',
      iconSize: [0, 0],
      html:
        `<div class="am${p.isNew ? ' am-new' : ''}${p.selected ? ' am-selected' : ''}${p.drillLabel ? ' am-drill' : ''}" data-testid="map-alarm" ` +
        `data-drill="${Boolean(p.drillLabel)}" style="--am-colour:${p.colour};left:${-size / 2}px;top:${-size / 2}px;width:${size}px;height:${size}px">` +
        `<span class="am-dot"></span>` +
        (p.drillLabel ? `<span class="am-tag">${escape(p.drillLabel)}</span>` : '') +
        `</div>`,
    }),
  );
}

/** A camera: a dot and, when its heading is known, a 60° cone of what it sees. */
export function cameraIcon(p: {
  cameraId: string;
  heading: number | undefined;
  offline: boolean;
}): L.DivIcon {
  return cached(`c|${p.cameraId}|${p.heading ?? ''}|${p.offline}`, () => {
    const colour = p.offline ? '#8d9aa6' : '#90caf9';
    const cone =
      p.heading === undefined
        ? ''
        : `<path d="M0,0 L${30 * Math.sin(-Math.PI / 6)},${-30 * Math.cos(Math.PI / 6)} A30,30 0 0 1 ${30 * Math.sin(Math.PI / 6)},${-30 * Math.cos(Math.PI / 6)} Z" ` +
          `fill="${colour}" fill-opacity="0.22" stroke="${colour}" stroke-opacity="0.6" stroke-width="1.5" transform="rotate(${p.heading})"/>`;
    return L.divIcon({
      className: 'map-div-icon',
      iconSize: [0, 0],
      html:
        `<div class="cm" data-testid="map-camera" data-camera-id="${escape(p.cameraId)}">` +
        `<svg viewBox="-32 -32 64 64">${cone}<rect x="-7" y="-5" width="14" height="10" rx="2" fill="${colour}" stroke="#0b0f14" stroke-width="2"/></svg>` +
        `</div>`,
    });
  });
}

export const replayIcon = L.divIcon({
  className: 'map-div-icon',
  iconSize: [0, 0],
  html: '<div class="rm" data-testid="replay-marker"><span class="rm-dot"></span></div>',
});
